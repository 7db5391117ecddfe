"""Import profiles: a saved mapping of a sheet's header columns to roles, for files nobody foresaw.

A consultant with a file the readers do not recognise says once which column holds what: for a table,
the municipality (or "all rows are <home>"), the period, the scheme (or "all rows are <scheme>") and the
value; for a person list, the person, the start, the end and the scheme (a column or one for the sheet).
That mapping is a named `Profile`, kept in the store as a plain dict (`to_dict`/`from_dict`), and the next
file whose header row carries the same headers is read the same way without asking.

A profile is recognised by its header signature: the header row's non-blank cells, normalised
(`csr.names.normalize`: case, accents and punctuation aside), in order. The header row of a sheet is the
first row within the first `HEADER_SCAN_ROWS` whose signature equals the profile's. A table profile is
read by the long-table reader (`_parse_long`) with the chosen columns as its roles; a person list by
`read_person_list`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from csr.config import HEADCOUNT, Config
from csr.fmt import scheme_label
from csr.importers.cells import is_blank
from csr.importers.header import HEADER_SCAN_ROWS, Context, Header
from csr.importers.long import _parse_long
from csr.importers.sheetdata import SheetData, show
from csr.model import ERROR, NOTE, WARNING, Finding
from csr.names import normalize

TABLE = "tabel"
PERSON_LIST = "personliste"
KINDS = (TABLE, PERSON_LIST)
FORMAT_VERSION = 1

# The roles a column can have, per kind, with their Danish names (for messages and widgets).
ROLE_NAMES = {
    "municipality": "kommune",
    "period": "periode",
    "scheme": "ordning",
    "value": "antal",
    "person": "person",
    "start": "startdato",
    "end": "slutdato",
}
TABLE_ROLES = ("municipality", "period", "scheme", "value")
PERSON_ROLES = ("person", "start", "end", "scheme")
HEAD_ROWS = HEADER_SCAN_ROWS  # rows of each sheet read for the mapping step's header choices


class ProfileError(ValueError):
    """A profile that cannot be used; the message is a Danish sentence."""


@dataclass(frozen=True)
class Profile:
    """A named mapping of header columns to roles.

    `headers` are the header row's non-blank cells as written; `columns` maps a role to one of them.
    `municipality` is the code of the fixed municipality ("all rows are <home>") when no column holds it;
    `scheme` the fixed scheme id when no column holds it. A person list has no municipality: its rows are
    the home municipality's.
    """

    name: str
    kind: str
    headers: tuple[str, ...]
    columns: dict[str, str] = field(default_factory=dict)
    municipality: int | None = None
    scheme: str | None = None

    @property
    def signature(self) -> tuple[str, ...]:
        return signature(self.headers)

    def to_dict(self) -> dict:
        """A plain dict for the store (JSON)."""
        return {
            "version": FORMAT_VERSION,
            "name": self.name,
            "kind": self.kind,
            "headers": list(self.headers),
            "columns": dict(self.columns),
            "municipality": self.municipality,
            "scheme": self.scheme,
        }

    @classmethod
    def from_dict(cls, raw: dict) -> Profile:
        """The profile a dict from `to_dict` describes; ProfileError when it is not one."""
        name = raw.get("name") if isinstance(raw, dict) else None
        label = f"Profilen '{name}'" if isinstance(name, str) and name else "En gemt profil"
        if not isinstance(name, str) or not name.strip():
            raise ProfileError(f"{label} har intet navn og kan ikke bruges.")
        headers, columns = raw.get("headers"), raw.get("columns")
        if (
            not isinstance(headers, list)
            or not all(isinstance(h, str) for h in headers)
            or not isinstance(columns, dict)
            or not all(isinstance(k, str) and isinstance(v, str) for k, v in columns.items())
        ):
            raise ProfileError(f"{label} er beskadiget (overskrifter eller kolonner mangler) og kan ikke bruges.")
        municipality, scheme = raw.get("municipality"), raw.get("scheme")
        if municipality is not None and (not isinstance(municipality, int) or isinstance(municipality, bool)):
            raise ProfileError(f"{label} er beskadiget (kommunen er ikke en kode) og kan ikke bruges.")
        if scheme is not None and not isinstance(scheme, str):
            raise ProfileError(f"{label} er beskadiget (ordningen er ikke et navn) og kan ikke bruges.")
        return cls(name.strip(), str(raw.get("kind", TABLE)), tuple(headers), dict(columns), municipality, scheme)

    def describe(self, config: Config) -> str:
        """The mapping in one Danish line: "kommune = alle rækker er Aabenraa, periode = Tidspunkt, …"."""
        roles = TABLE_ROLES if self.kind == TABLE else PERSON_ROLES
        parts = []
        for role in roles:
            if role in self.columns:
                parts.append(f"{ROLE_NAMES[role]} = {self.columns[role]}")
            elif role == "municipality" and self.municipality is not None:
                parts.append(f"kommune = alle rækker er {_municipality_name(self.municipality, config)}")
            elif role == "scheme" and self.scheme is not None:
                parts.append(f"ordning = alle rækker er {scheme_name(self.scheme, config)}")
            elif role == "end":
                parts.append("ingen slutdato")
        kind = "tabel" if self.kind == TABLE else "personliste"
        return f"{kind}: {', '.join(parts)}"


# ---- signatures and matching ------------------------------------------------------------------


def signature(cells: Iterable[object]) -> tuple[str, ...]:
    """The normalised non-blank cells of a header row, in order (what recognises a profile)."""
    keys = (normalize(show(c)) for c in cells if not is_blank(c))
    return tuple(k for k in keys if k)


def header_cells(row: Sequence[object]) -> tuple[str, ...]:
    """A header row's non-blank cells as written (what a profile keeps as its headers)."""
    return tuple(show(c) for c in row if not is_blank(c) and normalize(show(c)))


def find_header_row(rows: Sequence[Sequence[object]], profile: Profile) -> int | None:
    """The index of the first row within the first HEADER_SCAN_ROWS whose headers are the profile's."""
    wanted = profile.signature
    for i in range(min(len(rows), HEADER_SCAN_ROWS)):
        if signature(rows[i]) == wanted:
            return i
    return None


def match(rows: Sequence[Sequence[object]], profiles: Sequence[Profile]) -> tuple[Profile, int] | None:
    """The first of `profiles` (in their order) whose headers a row of the sheet carries, and that row."""
    first_row: dict[tuple[str, ...], int] = {}
    for i in range(min(len(rows), HEADER_SCAN_ROWS)):
        first_row.setdefault(signature(rows[i]), i)
    for p in profiles:
        at = first_row.get(p.signature) if p.signature else None
        if at is not None:
            return p, at
    return None


# ---- validation -------------------------------------------------------------------------------


def problems(profile: Profile, config: Config) -> list[str]:
    """What keeps the profile from being used, as Danish sentences (empty: it can be used)."""
    out: list[str] = []
    if not profile.name.strip():
        out.append("Giv profilen et navn.")
    if profile.kind not in KINDS:
        out.append(f"Profilen '{profile.name}' har en ukendt slags '{profile.kind}'; vælg tabel eller personliste.")
        return out
    roles = TABLE_ROLES if profile.kind == TABLE else PERSON_ROLES
    required = ("period", "value") if profile.kind == TABLE else ("person", "start")
    for role in required:
        if role not in profile.columns:
            out.append(f"Vælg kolonnen med {_role_phrase(role)}.")
    if profile.kind == TABLE and "municipality" not in profile.columns and profile.municipality is None:
        out.append(f"Vælg kolonnen med kommunen, eller 'Alle rækker er {config.home_name}'.")
    if "scheme" not in profile.columns and profile.scheme is None:
        out.append("Vælg kolonnen med ordningen, eller hvilken ordning alle rækker er.")
    if "scheme" in profile.columns and profile.scheme is not None:
        out.append("Vælg enten en kolonne med ordningen eller én ordning for alle rækker, ikke begge.")
    if "municipality" in profile.columns and profile.municipality is not None:
        out.append("Vælg enten en kolonne med kommunen eller én kommune for alle rækker, ikke begge.")
    if profile.kind == PERSON_LIST and profile.municipality not in (None, config.home):
        out.append(f"En personliste er {config.home_name} Kommunes egen; den kan ikke gælde en anden kommune.")
    known = {normalize(h) for h in profile.headers}
    shown = ", ".join(profile.headers) or "ingen"
    for role, header in profile.columns.items():
        if role not in roles:
            out.append(f"En {PERSON_LIST if profile.kind == PERSON_LIST else TABLE} har ingen kolonne for '{role}'.")
        elif not normalize(header) or normalize(header) not in known:
            out.append(f"Kolonnen '{header}' (valgt som {ROLE_NAMES[role]}) findes ikke i overskriftsrækken: {shown}.")
    chosen: dict[str, str] = {}
    for role, header in profile.columns.items():
        key = normalize(header)
        if key in chosen and role in ROLE_NAMES and chosen[key] in ROLE_NAMES:
            out.append(
                f"Kolonnen '{header}' er valgt både som {ROLE_NAMES[chosen[key]]} og som {ROLE_NAMES[role]}; "
                "vælg en kolonne til hver."
            )
        chosen.setdefault(key, role)
    if profile.scheme is not None and profile.scheme != HEADCOUNT and profile.scheme not in config.scheme_ids:
        out.append(f"Ordningen '{profile.scheme}' findes ikke i strategifilen.")
    if profile.kind == PERSON_LIST and profile.scheme == HEADCOUNT:
        out.append("En personliste tæller personer på en ordning, ikke antal ansatte; vælg ordningen.")
    if profile.municipality is not None and profile.municipality not in {m.code for m in config.municipalities}:
        out.append(f"Kommunekoden {profile.municipality} findes ikke.")
    return out


def validate(profile: Profile, config: Config) -> Profile:
    """The profile, or ProfileError with every problem in one message."""
    found = problems(profile, config)
    if found:
        raise ProfileError(" ".join(found))
    return profile


def _role_phrase(role: str) -> str:
    return {
        "period": "perioden (måned, kvartal eller år)",
        "value": "tallene",
        "person": "personen (fx medarbejdernummer eller navn)",
        "start": "startdatoen",
    }.get(role, ROLE_NAMES[role])


def scheme_name(scheme: str, config: Config) -> str:
    """A scheme as a finding's sentence names it (`csr.fmt.scheme_label`, the headcount in lower case)."""
    return scheme_label(scheme, config, in_sentence=True)


def _municipality_name(code: int, config: Config) -> str:
    try:
        return config.municipality(code).name
    except KeyError:
        return str(code)


# ---- applying ---------------------------------------------------------------------------------


def read_with_profile(
    rows: list[list],
    file: str,
    sheet_name: str,
    config: Config,
    row_offset: int,
    col_offset: int,
    profiles: Sequence[Profile],
) -> SheetData | None:
    """The sheet read with the first profile whose headers it carries, or None when none matches."""
    found = match(rows, profiles)
    if found is None:
        return None
    profile, header_row = found
    sheet = SheetData(file, sheet_name, config)
    found_problems = problems(profile, config)
    if found_problems:
        sheet.finding(
            ERROR,
            "Profil kan ikke bruges",
            f"Profilen '{profile.name}' passer til overskrifterne i række {row_offset + header_row + 1}, "
            f"men kan ikke bruges: {' '.join(found_problems)} Ret eller slet profilen.",
            row_offset + header_row + 1,
        )
        sheet.shape = read_with_label(profile.name)
        sheet.close_counts()
        return sheet
    columns = _column_indices(rows[header_row], profile)
    if profile.kind == TABLE:
        roles = {role: columns[role] for role in TABLE_ROLES if role in columns}
        header = Header(header_row, roles, {}, {})
        ctx = Context(code=profile.municipality, scheme=profile.scheme)
        if profile.municipality is not None:
            home = _municipality_name(profile.municipality, config)
            sheet.finding(
                WARNING,
                "Kommune fra profilen",
                f"Ingen kommune i filen: profilen '{profile.name}' læser alle rækker som {home} Kommunes "
                f"tal. Tjek, at filen kun har {home}s tal.",
                row_offset + header_row + 1,
            )
        _parse_long(rows, header, ctx, sheet, row_offset, col_offset)
    else:
        from csr.importers.person_list import PersonListLayout, read_person_list

        layout = PersonListLayout(
            header_row=header_row,
            person=columns["person"],
            start=columns["start"],
            end=columns.get("end"),
            scheme=columns.get("scheme"),
            fixed_scheme=profile.scheme,
        )
        read_person_list(rows, layout, sheet, row_offset, col_offset)
    sheet.shape = read_with_label(profile.name)
    where = f"arket '{sheet_name}'" if sheet_name else "filen"
    sheet.findings.append(
        Finding(
            NOTE,
            f"Læst med profilen '{profile.name}': overskrifterne i række {row_offset + header_row + 1} passer til "
            f"profilen, så {where} er læst som {profile.describe(config)}.",
            file,
            sheet_name,
            row_offset + header_row + 1,
        )
    )
    sheet.close_counts()
    return sheet


def read_with_label(name: str) -> str:
    """The shape shown for a sheet read with a profile ("læst med profilen 'Afdelingstal'")."""
    return f"læst med profilen '{name}'"


def profile_of_shape(shape: str) -> str | None:
    """The profile's name when `shape` (a SheetSummary's) says a profile read the sheet."""
    head = read_with_label("")[:-2]
    if shape.startswith(head) and shape.endswith("'"):
        return shape[len(head) + 1 : -1]
    return None


def _column_indices(row: Sequence[object], profile: Profile) -> dict[str, int]:
    """Each role's column index in the header row: the first cell whose normalised text is the header's."""
    positions: dict[str, int] = {}
    for j, cell in enumerate(row):
        if not is_blank(cell):
            positions.setdefault(normalize(show(cell)), j)
    return {role: positions[normalize(header)] for role, header in profile.columns.items()}


# ---- the mapping step's header choices ---------------------------------------------------------


def sheet_heads(name: str, data: bytes, kind: str, rows: int = HEAD_ROWS) -> list[tuple[str, list[list], int, int]]:
    """The first `rows` rows of every sheet, as (sheet name, rows, row offset, column offset).

    Meant to run in a guarded child (`run_isolated`): it parses the untrusted file. Cells come back as
    the person saw them (text), so nothing but plain strings crosses back.
    """
    from csr.importers import read_cells

    heads = []
    for sheet_name, cells, row_offset, col_offset in read_cells(name, data, kind):
        head = [[None if is_blank(c) else show(c) for c in r] for r in cells[:rows]]
        heads.append((sheet_name, head, row_offset, col_offset))
    return heads


def guess_header_row(rows: Sequence[Sequence[object]]) -> int:
    """The likeliest header row of a sheet nobody recognised: the first row with the most filled cells."""
    counts = [len(header_cells(r)) for r in rows[:HEADER_SCAN_ROWS]]
    if not counts or max(counts) == 0:
        return 0
    return counts.index(max(counts))


def profiles_from_dicts(raws: Iterable[dict]) -> tuple[list[Profile], list[str]]:
    """The usable profiles among stored dicts, and a Danish sentence for each that is not."""
    good, bad = [], []
    for raw in raws:
        try:
            good.append(Profile.from_dict(raw))
        except ProfileError as exc:
            bad.append(str(exc))
    return good, bad


def dumps(profiles: Sequence[Profile]) -> str:
    """A stable text of the profiles (a cache key)."""
    return json.dumps([p.to_dict() for p in profiles], ensure_ascii=False, sort_keys=True)


__all__ = [
    "Profile",
    "ProfileError",
    "TABLE",
    "PERSON_LIST",
    "ROLE_NAMES",
    "TABLE_ROLES",
    "PERSON_ROLES",
    "signature",
    "header_cells",
    "find_header_row",
    "match",
    "problems",
    "validate",
    "read_with_profile",
    "read_with_label",
    "profile_of_shape",
    "sheet_heads",
    "guess_header_row",
    "profiles_from_dicts",
    "dumps",
]
