"""The command line: `python -m csr report|plan|export|import|history|undo|template|profiles|settings|db|audit ...`.

Every command computes with the configuration in force: the strategy file (`--config`, `CSR_CONFIG` or the
bundled one) with the settings stored by an administrator (`csr.settings`), as the app does. `--municipality`
(before the command) chooses the municipality of a shared PostgreSQL whose data and settings these are, or
`host` for the host administrator's national data."""

from __future__ import annotations

import argparse
import errno
import json
import os
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from csr import text
from csr.config import Config, ConfigError, load_raw, parse_config
from csr.model import Finding, ImportResult, InputError

if TYPE_CHECKING:  # the figures import pandas; commands that never compute stay light
    import pandas as pd

    from csr.shares import Figures
    from csr.store import Store

EXIT_INPUT = 2
DATA_DIR_HELP = "lagerets mappe (standard: CSR_DATA_DIR eller ./data)"
MUNICIPALITY_HELP = (
    "kommunen, hvis tal, indstillinger og log kommandoen bruger: navn eller kommunekode (fx Haderslev eller 510), "
    "eller host for værtens fælles landsdata; flere kommuner kræver PostgreSQL (standard: CSR_MUNICIPALITY "
    "eller strategifilens hjemkommune)"
)
PROFILE_HELP = "læs filerne med denne gemte importprofil (standard: de gemte profiler genkendes af sig selv)"


# argparse's own messages (its gettext strings) in Danish: the English template and the Danish one, with the
# same %-placeholders. A message argparse has no Danish for here is shown as it is.
_ARGPARSE_MESSAGES = (
    ("argument %(argument_name)s: %(message)s", "%(argument_name)s: %(message)s"),
    ("the following arguments are required: %s", "%s mangler"),
    ("unrecognized arguments: %s", "%s kendes ikke"),
    (
        "invalid choice: %(value)r (choose from %(choices)s)",
        "%(value)r er ikke et af valgene (vælg mellem %(choices)s)",
    ),
    ("invalid %(type)s value: %(value)r", "%(value)r er ikke %(type)s"),
    ("expected one argument", "mangler en værdi"),
    ("expected at most one argument", "tager højst én værdi"),
    ("expected at least one argument", "mangler mindst én værdi"),
    ("expected %s argument", "tager %s værdi"),
    ("expected %s arguments", "tager %s værdier"),
    ("ambiguous option: %(option)s could match %(matches)s", "%(option)s er tvetydigt: det kan være %(matches)s"),
    (
        "unknown parser %(parser_name)r (choices: %(choices)s)",
        "kommandoen %(parser_name)r findes ikke (vælg mellem %(choices)s)",
    ),
    ("not allowed with argument %s", "kan ikke bruges sammen med %s"),
    ("one of the arguments %s is required", "et af disse skal gives: %s"),
    ("ignored explicit argument %r", "%r hører ikke til her"),
)
_TYPE_NAMES = {"int": "et helt tal", "float": "et tal"}
_PLACEHOLDER = re.compile(r"%\((\w+)\)[rsd]|%[rsd]")


def _named(template: str) -> str:
    """Every placeholder as a named %s: "%r of %s" -> "%(_0)s of %(_1)s" (the values are quoted already)."""
    names = (m.group(1) or f"_{i}" for i, m in enumerate(_PLACEHOLDER.finditer(template)))
    return _PLACEHOLDER.sub(lambda _: f"%({next(names)})s", template)


def _pattern(template: str) -> re.Pattern[str]:
    """A regular expression matching what argparse makes of `template`, with a group per placeholder."""
    pieces = re.split(r"%\((\w+)\)s", _named(template))  # text, name, text, name, ..., text
    parts = [re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(pieces)]
    return re.compile("".join(parts) + r"\Z", re.DOTALL)


_TRANSLATIONS = tuple((_pattern(en), _named(da)) for en, da in _ARGPARSE_MESSAGES)


def danish_argparse_message(message: str) -> str:
    """argparse's English error message in Danish ("argument --year: invalid int value: 'x'" -> "--year: 'x'
    er ikke et helt tal"); the values it quotes stay as they are."""
    for pattern, danish in _TRANSLATIONS:
        m = pattern.match(message)
        if m is None:
            continue
        values = m.groupdict()
        if "message" in values:
            values["message"] = danish_argparse_message(values["message"])
        if "type" in values:
            values["type"] = _TYPE_NAMES.get(values["type"], f"af typen {values['type']}")
        return danish % values
    return message


class _Formatter(argparse.HelpFormatter):
    """The help in Danish: "Brug:" for argparse's "usage: "."""

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, "Brug: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Danish: headings, the help option, usage and error messages."""

    def __init__(self, prog: str | None = None, *, add_help: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(prog, add_help=False, **kwargs)
        self._positionals.title = "argumenter"
        self._optionals.title = "tilvalg"
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="vis denne hjælp og stop")

    def error(self, message: str) -> NoReturn:  # argparse's own messages, without a traceback
        self.print_usage(sys.stderr)
        print(f"Fejl i kommandoen: {danish_argparse_message(message)}.", file=sys.stderr)
        raise SystemExit(EXIT_INPUT)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m csr", description="CSR-tal for kommunens ansatte på særlige vilkår.")
    p.add_argument(
        "--config", metavar="STRATEGIFIL", help="strategifil (TOML); standard: CSR_CONFIG eller den medfølgende"
    )
    p.add_argument("--municipality", metavar="KOMMUNE", help=MUNICIPALITY_HELP)
    sub = p.add_subparsers(title="kommandoer", dest="command", metavar="KOMMANDO", required=True, parser_class=_Parser)

    r = sub.add_parser("report", help="årets andele og målopfyldelse")
    r.add_argument("files", nargs="*", metavar="FIL", help=".xlsx, .xls eller .csv (uden filer: lageret)")
    r.add_argument("--data-dir", metavar="MAPPE", help=DATA_DIR_HELP)
    r.add_argument("--year", type=int, metavar="ÅR", help="kun dette år")
    r.add_argument(
        "--neighbour-method",
        choices=("pooled", "mean"),
        help="omegnskommunernes gennemsnit: samlet (pooled) eller simpelt (mean)",
    )
    r.add_argument("--json", action="store_true", help="JSON i stedet for en tabel")
    r.add_argument("--profile", metavar="NAVN", help=PROFILE_HELP)

    pl = sub.add_parser("plan", help="hvad nu hvis: et scenarie for et år og målsøgning")
    pl.add_argument("files", nargs="*", metavar="FIL", help=".xlsx, .xls eller .csv (uden filer: lageret)")
    pl.add_argument("--data-dir", metavar="MAPPE", help=DATA_DIR_HELP)
    pl.add_argument("--year", type=int, metavar="ÅR", help="basisåret (standard: det seneste)")
    pl.add_argument(
        "--change",
        action="append",
        default=[],
        metavar="ORDNING=PERSONER",
        help="ændring i personer (årsgennemsnit), fx elever=12; kan gentages",
    )
    pl.add_argument("--headcount-change", type=float, default=0.0, metavar="N", help="ændring i øvrige ansatte")
    pl.add_argument(
        "--placement",
        action="append",
        default=[],
        metavar="ORDNING:PERSONER:ÅÅÅÅ-MM:ÅÅÅÅ-MM",
        help="planlagt forløb, fx elever:14:2025-08:2025-12 (studerende: :lønnet/:ulønnet til sidst); kan gentages",
    )
    pl.add_argument("--neighbour-method", choices=("pooled", "mean"))
    pl.add_argument("--json", action="store_true", help="JSON i stedet for en tabel")

    ex = sub.add_parser("export", help="årets CSR-afsnit til HR-regnskabet som PDF eller Excel")
    ex.add_argument("files", nargs="*", metavar="FIL", help=".xlsx, .xls eller .csv (uden filer: lageret)")
    ex.add_argument("--data-dir", metavar="MAPPE", help=DATA_DIR_HELP)
    ex.add_argument("--year", type=int, metavar="ÅR", help="året (standard: det seneste hele år)")
    ex.add_argument("--out", required=True, metavar="UD.pdf|UD.xlsx", help="filen, der skrives: .pdf eller .xlsx")
    ex.add_argument("--scenario", metavar="NAVN", help="et gemt scenarie fra planlægningen, som udsigt")
    ex.add_argument(
        "--neighbour-method",
        choices=("pooled", "mean"),
        help="omegnskommunernes gennemsnit: samlet (pooled) eller simpelt (mean)",
    )

    im = sub.add_parser("import", help="indlæs filer i lageret (én import)")
    im.add_argument("files", nargs="+", metavar="FIL", help=".xlsx, .xls eller .csv")
    im.add_argument("--data-dir", metavar="MAPPE", help=DATA_DIR_HELP)
    im.add_argument("--who", default="", metavar="NAVN", help="hvem importerer (vises i historikken)")
    im.add_argument("--profile", metavar="NAVN", help=PROFILE_HELP)

    pr = sub.add_parser("profiles", help="de gemte importprofiler: vis dem, eller slet en")
    pr.add_argument(
        "action", nargs="?", choices=("list", "delete"), default="list", help="list (standard) eller delete"
    )
    pr.add_argument("name", nargs="?", metavar="NAVN", help="profilen, der slettes")
    pr.add_argument("--data-dir", metavar="MAPPE", help=DATA_DIR_HELP)

    h = sub.add_parser("history", help="importhistorikken")
    h.add_argument("--data-dir", metavar="MAPPE", help=DATA_DIR_HELP)

    u = sub.add_parser("undo", help="fortryd en import")
    u.add_argument("batch", type=int, metavar="IMPORT_NR")
    u.add_argument("--data-dir", metavar="MAPPE", help=DATA_DIR_HELP)
    u.add_argument("--who", default="", metavar="NAVN", help="hvem fortryder (vises i historikken)")

    t = sub.add_parser("template", help="skriv upload-skabelonen")
    t.add_argument("out", metavar="UD.xlsx")

    d = sub.add_parser("db", help="databasens skemaversion: vis den, eller opgradér til den nyeste")
    d.add_argument("action", choices=("current", "upgrade"), help="current (vis) eller upgrade (opgradér)")
    d.add_argument("--data-dir", metavar="MAPPE", help=DATA_DIR_HELP + "; CSR_DATABASE_URL vælger PostgreSQL")

    se = sub.add_parser(
        "settings", help="indstillingerne over strategifilen: vis, hent som TOML, indlæs fra TOML, eller nulstil"
    )
    se.add_argument(
        "action",
        choices=("show", "export", "import", "reset"),
        help="show (vis), export (TOML), import FIL (indlæs) eller reset (strategifilens igen)",
    )
    se.add_argument(
        "file", nargs="?", metavar="FIL", help="import: TOML-filen; export: filen, der skrives (standard: skærmen)"
    )
    se.add_argument("--data-dir", metavar="MAPPE", help=DATA_DIR_HELP)
    se.add_argument("--who", default="", metavar="NAVN", help="hvem ændrer indstillingerne (vises i loggen)")

    a = sub.add_parser("audit", help="loggen over hvem der har gjort hvad (nyeste sidst)")
    a.add_argument("--since", type=_date, metavar="ÅÅÅÅ-MM-DD", help="kun fra og med denne dag (dansk tid)")
    a.add_argument("--json", action="store_true", help="JSON i stedet for linjer")
    a.add_argument("--data-dir", metavar="MAPPE", help=DATA_DIR_HELP)
    return p


def _date(value: str) -> Any:
    """A YYYY-MM-DD argument as the start of that day in Danish time."""
    from datetime import date, datetime, time
    from zoneinfo import ZoneInfo

    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} er ikke en dato som ÅÅÅÅ-MM-DD") from None
    return datetime.combine(day, time(), tzinfo=ZoneInfo("Europe/Copenhagen"))


def _print_findings(findings: Iterable[Finding], stream: TextIO, config: Config, year: int | None = None) -> None:
    """One line per finding; with a `year`, only findings about that year or about no year in particular.
    Findings that differ only by the municipality they name are one line naming them all."""
    from csr.report import merge_municipalities

    labels = {"fejl": "Fejl", "advarsel": "Advarsel", "note": "Bemærk"}
    lines = [f"{labels[f.severity]}: {f}" for f in findings if year is None or f.year in (None, year)]
    for line in merge_municipalities(lines, config):
        print(line, file=stream)


class _Stop(Exception):
    """Input the command cannot work on; the messages are printed already."""


def _store(args: argparse.Namespace, migrate: bool = True) -> Store:
    """The store of --data-dir or the environment, as the municipality of --municipality (`_tenant`)."""
    from csr.store import Store

    tenant = getattr(args, "tenant", None)
    data_dir = getattr(args, "data_dir", None)  # `template` has no --data-dir
    if data_dir:
        return Store(data_dir, migrate=migrate, tenant=tenant)
    return Store.default(migrate=migrate, tenant=tenant)


def _on_server(args: argparse.Namespace) -> bool:
    """True when the store is PostgreSQL ($CSR_DATABASE_URL without --data-dir), False for the SQLite file."""
    from csr.db import database_url

    return database_url() is not None and not getattr(args, "data_dir", None)


def _store_directory(args: argparse.Namespace) -> Path:
    """The SQLite store's folder: --data-dir, else $CSR_DATA_DIR, else ./data."""
    from csr.store import DATA_DIR_ENV, DEFAULT_DIRECTORY

    return Path(getattr(args, "data_dir", None) or os.environ.get(DATA_DIR_ENV) or DEFAULT_DIRECTORY)


def _has_store(args: argparse.Namespace) -> bool:
    """True when there is a store to read (PostgreSQL, or the SQLite file): reading files never creates one."""
    from csr.store import FILENAME

    return _on_server(args) or (_store_directory(args) / FILENAME).exists()


# What the host administrator (--municipality host) cannot do: figures and settings are a municipality's.
_NO_HOME = (
    "værten (host) har ingen hjemkommune, så der er ingen andele eller mål at beregne. Vælg "
    "kommunen med --municipality KOMMUNE; de fælles landsdata er med i dens tal."
)
_HOST_REFUSALS = {
    "report": _NO_HOME,
    "plan": _NO_HOME,
    "export": _NO_HOME,
    "settings": "indstillingerne (hjemkommune, omegnskommuner og mål) er den enkelte kommunes; værten (host) har "
    "ingen. Vælg kommunen med --municipality KOMMUNE.",
}


def _tenant(args: argparse.Namespace, raw: dict, source: str) -> int | str | None:
    """--municipality (else $CSR_MUNICIPALITY on PostgreSQL) as the store's tenant: the municipality's code (a
    name or a code given), or HOST; None without either (the strategy file's home) and for `db` (the schema is
    every municipality's). Unknown, more than SQLite holds, or a command the host has no
    part in: the Danish reason and _Stop."""
    from csr.store import HOST, MUNICIPALITY_ENV

    given, option = args.municipality, "--municipality"
    if given is None and _on_server(args):  # Store.default's own choice, with the same checks
        given, option = os.environ.get(MUNICIPALITY_ENV, "").strip() or None, MUNICIPALITY_ENV
    if given is None or args.command == "db":
        return None
    from csr.config import default_config
    from csr.fmt import join

    config = parse_config(raw, source=source)
    tenant: int | str
    if given.strip().lower() == HOST:
        tenant = HOST
    else:
        code = config.match_municipality(given)
        if code is None:
            near = config.nearest_municipalities(given)
            hint = f" Mente du {join(near, 'eller')}?" if near else ""
            print(
                f"Fejl: kommunen '{given}' ({option}) kendes ikke.{hint} Skriv kommunens navn (fx Haderslev) "
                "eller kommunekode (fx 510), eller host for værtens fælles landsdata.",
                file=sys.stderr,
            )
            raise _Stop
        tenant = code
    if not _on_server(args):
        from csr.db import DATABASE_URL_ENV

        home = default_config().home  # the one municipality of a SQLite store, as csr.store decides it
        if tenant != home:
            what = "værtens fælles landsdata (host)" if tenant == HOST else config.municipality_label(int(tenant))
            print(
                f"Fejl: lageret er SQLite-databasen med én kommune, {config.municipality_label(home)}; {what} kræver PostgreSQL "
                f"med flere kommuner ({DATABASE_URL_ENV}).",
                file=sys.stderr,
            )
            raise _Stop
    if tenant == HOST and args.command in _HOST_REFUSALS:
        print(f"Fejl: {_HOST_REFUSALS[args.command]}", file=sys.stderr)
        raise _Stop
    return tenant


def _write_refused(args: argparse.Namespace, exc: Exception) -> str:
    """A store's error as the sentence to show; as `host` over a connection that row-level security keeps from
    writing the national data (the app's role, not the tables' owner), that reason instead."""
    from csr.store import HOST

    refused = getattr(getattr(exc.__cause__, "orig", None), "sqlstate", None) == "42501"  # insufficient_privilege
    if getattr(args, "tenant", None) == HOST and refused:
        return (
            "de fælles landsdata ændres kun af værtens administrator, forbundet som ejeren af databasens tabeller; "
            "forbindelsen i CSR_DATABASE_URL må kun læse dem. Intet er ændret."
        )
    return str(exc)


def _in_force(args: argparse.Namespace, raw: dict, source: str) -> Config:
    """The strategy file with the settings stored in the store (the file alone while there is no store)."""
    from csr import settings

    if not _has_store(args):
        return parse_config(raw, source=source)
    try:
        overrides = settings.stored(_store(args), raw)
    except Exception as exc:
        if not _is_store_error(exc) or args.command != "template":
            # Every other command reads the store anyway (its data, or with files its import profiles): it says
            # once, as "Fejl: …", what is wrong with the store.
            raise
        print(f"Advarsel: de gemte indstillinger kan ikke læses ({exc}); strategifilen bruges.", file=sys.stderr)
        return parse_config(raw, source=source)
    return settings.in_force(overrides, raw, source)


def _settings(args: argparse.Namespace, raw: dict, source: str) -> int:
    from csr import settings
    from csr.store import StoreError, danish_time

    if args.action in ("show", "export", "reset") and args.file and args.action != "export":
        print(f"Fejl: 'settings {args.action}' tager ingen fil.", file=sys.stderr)
        return EXIT_INPUT
    try:
        if args.action == "import":
            if not args.file:
                print("Fejl: skriv filen, der skal indlæses: python -m csr settings import FIL.", file=sys.stderr)
                return EXIT_INPUT
            from csr.config import MAX_CONFIG_BYTES
            from csr.files import FileRefused, read_regular_file

            try:
                content = read_regular_file(Path(args.file), MAX_CONFIG_BYTES, label="Indstillingsfilen")
            except FileRefused as exc:
                raise ConfigError(str(exc)) from None
            payload = settings.from_toml(content, Path(args.file).name)
            config = settings.save(_store(args), payload, who=args.who, raw=raw, source=source)
            print(settings.describe(config, settings.base_config(raw, source)))
            return 0
        if args.action == "reset":
            settings.save(_store(args), {}, who=args.who, raw=raw, source=source)
            print("Strategifilens indstillinger gælder igen.")
            return 0
        config = _in_force(args, raw, source)
        if args.action == "export":
            comment = f"CSR-indstillinger for {config.home_name} ({config.home}), over strategifilen {source}"
            out = settings.to_toml(settings.settings_of(config), comment)
            if not args.file:
                sys.stdout.write(out)
                return 0
            try:
                Path(args.file).write_text(out, encoding="utf-8")
            except OSError as exc:
                print(
                    f"Fejl: indstillingerne kunne ikke skrives til {args.file} ({os_reason(exc, writing=True)}).",
                    file=sys.stderr,
                )
                return EXIT_INPUT
            print(f"Indstillingerne er skrevet til {args.file}.")
            return 0
        saved = _store(args).settings() if _has_store(args) else None
    except StoreError as exc:
        print(f"Fejl: {exc}", file=sys.stderr)
        return EXIT_INPUT
    from csr.text import strategy_first_year

    print(f"Strategi: {config.name} ({config.organisation})")
    print(f"Hjemkommune: {config.home_name} ({config.home})")
    print("Omegnskommuner: " + ", ".join(config.municipality_label(c) for c in config.neighbours))
    print(f"Strategiperiode: {strategy_first_year(config)}-{config.last_year}")
    for t in config.targets:
        if t.kind == "min_share":
            shown = "; ".join(f"fra {th.from_year}: {settings.percent_text(th.value)}" for th in t.thresholds)
            print(f"Mål {t.id}: {shown}")
    if saved is None or not saved.payload:
        print("Kilde: strategifilen (ingen gemte indstillinger).")
    else:
        print(
            f"Kilde: strategifilen med indstillinger gemt {danish_time(saved.saved)}"
            + (f" af {saved.who}." if saved.who else ".")
        )
    return 0


def _db(args: argparse.Namespace, config: Config) -> int:
    from csr import db

    store = _store(args, migrate=False)
    head = db.head()
    if args.action == "current":
        revision = store.revision()
        if revision is None:
            print(f"Databasen er tom (ingen skemaversion endnu); dette program bruger {head}.")
        elif revision == head:
            print(f"Skemaversion: {revision} (den nyeste).")
        else:
            first = " (første udgave)" if revision == db.FIRST_RELEASE else ""
            print(f"Skemaversion: {revision}{first}; dette program bruger {head}.")
        return 0
    before, after = store.upgrade()
    if before == after:
        print(f"Databasen har allerede den nyeste skemaversion ({after}).")
    elif before is None:
        print(f"Databasen er oprettet med skemaversion {after}.")
    else:
        print(f"Databasen er opgraderet fra skemaversion {before} til {after}.")
    return 0


def _audit(args: argparse.Namespace, config: Config) -> int:
    import pandas as pd

    entries = _store(args).audit_entries(since=args.since)
    if args.json:
        rows = [
            {
                **row,
                "at": row["at"].isoformat(),
                "municipality": None if row["municipality"] is None else int(row["municipality"]),
            }
            for row in entries.astype(object).where(entries.notna(), None).to_dict(orient="records")
        ]
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    if entries.empty:
        print("Loggen er tom" + (" i perioden." if args.since is not None else "."))
        return 0
    for _, e in entries.iterrows():
        when = e["at"].tz_convert("Europe/Copenhagen").strftime("%d-%m-%Y %H.%M.%S")
        who = e["who"] or "(ukendt)"
        if e["role"]:
            who += f" ({e['role']})"
        parts = [when, who, e["event"], *(p for p in (e["detail"], e["address"]) if p)]
        if not pd.isna(e["municipality"]):
            parts.append(f"kommune {int(e['municipality'])}")
        print(" – ".join(parts))
    return 0


def _imported(args: argparse.Namespace, config: Config, uploads: Sequence[tuple[str, bytes]]) -> ImportResult:
    from csr.importers import about_the_neighbours, import_uploads
    from csr.store import HOST

    profiles = _profiles_for(args, config)
    result = import_uploads(uploads, config, profiles=profiles)
    if getattr(args, "tenant", None) == HOST:  # the national data: no home, so nothing is outside its neighbours
        result.findings = [f for f in result.findings if not about_the_neighbours(f)]
    _profile_use(args, result, uploads)
    if result.errors:
        _print_findings(result.errors, sys.stderr, config)
        print(f"{len(result.errors)} fejl: intet er indlæst. Ret filerne og prøv igen.", file=sys.stderr)
        raise _Stop
    year = getattr(args, "year", None)  # a command about one year warns of that year only
    _print_findings(result.warnings, sys.stderr, config, year)
    _print_findings(result.notes, sys.stderr, config, year)  # what was skipped and why (aggregates, totals)
    return result


def _figures(args: argparse.Namespace, config: Config, provenance: dict | None = None) -> tuple[pd.DataFrame, Figures]:
    """The figures of the files given, or of the store without files; else the Danish reasons and _Stop.

    `provenance` (when given) receives the data version and the files, as `csr.export.Provenance` takes them.
    """
    from csr.importers import read_uploads
    from csr.shares import compute

    if args.files:
        uploads = read_uploads(args.files)
        result = _imported(args, config, uploads)
        data, placements = result.data, result.placements
        if provenance is not None:
            from csr.export import FILES, files_version

            provenance.update(version=files_version(uploads), kind=FILES, sheets=tuple(result.sheets))
    else:
        snapshot = _store(args).snapshot()
        if snapshot.empty:
            print(
                "Fejl: lageret er tomt. Indlæs filer med 'python -m csr import FIL ...' eller giv filerne "
                "med på kommandolinjen.",
                file=sys.stderr,
            )
            raise _Stop
        data, placements = snapshot.data, snapshot.placements
        if provenance is not None:
            from csr.export import STORE, stored_files
            from csr.text import data_as_of

            provenance.update(version=snapshot.version, kind=STORE, sheets=stored_files(_store(args)))
            provenance["as_of"] = data_as_of(_store(args).history())  # what the report says, not the version
    figures = compute(data, placements, config, args.neighbour_method)
    years = figures.home_years(config)
    if not years:
        print(
            f"Fejl: filerne indeholder ingen tal for {config.home_name} med antal ansatte, så der kan "
            "ikke beregnes andele.",
            file=sys.stderr,
        )
        raise _Stop
    if args.year is not None and args.year not in years:
        print(
            f"Fejl: der er ingen tal for {args.year}. Årene i data er {', '.join(str(y) for y in years)}.",
            file=sys.stderr,
        )
        raise _Stop
    return data, figures


def _import(args: argparse.Namespace, config: Config) -> int:
    from csr.importers import read_uploads
    from csr.store import READ_ONLY_MESSAGE, StoreError

    uploads = read_uploads(args.files)
    store = _store(args)
    if store.read_only:  # refused before the files are parsed
        raise StoreError(READ_ONLY_MESSAGE)
    result = _imported(args, config, uploads)
    try:
        batch = store.add_batch(uploads, result, who=args.who)
    except StoreError as exc:
        print(f"Fejl: {_write_refused(args, exc)}", file=sys.stderr)
        return EXIT_INPUT
    print(batch.summary())
    return 0


def _history(args: argparse.Namespace, config: Config) -> int:
    from csr.store import HISTORY_LABELS

    history = _store(args).history()
    if history.empty:
        print("Lageret er tomt: ingen importer endnu.")
        return 0
    for _, b in history.iterrows():
        when = b["created"].tz_convert("Europe/Copenhagen").strftime("%d-%m-%Y %H.%M")
        who = f", {b['who']}" if b["who"] else ""
        line = (
            f"{HISTORY_LABELS['batch']} {b['batch']}: {when}{who} – {b['files']} – {text.number(b['rows'])} tal, "
            f"{text.number(b['placements'])} praktikpladser, {text.number(b['in_force'])} gældende – {b['status']}"
        )
        print(line)
    return 0


def _undo(args: argparse.Namespace, config: Config) -> int:
    from csr.store import READ_ONLY_MESSAGE, StoreError

    store = _store(args)
    try:
        if store.read_only:
            raise StoreError(READ_ONLY_MESSAGE)
        preview = store.undo_preview(args.batch)
        store.undo(args.batch, who=args.who)
    except StoreError as exc:  # before anything is printed: no preview of an undo that did not happen
        print(f"Fejl: {_write_refused(args, exc)}", file=sys.stderr)
        return EXIT_INPUT
    print(preview.summary())
    print(f"Import nr. {args.batch} er fortrudt.")
    return 0


def _plan(args: argparse.Namespace, config: Config) -> int:
    from csr.planning import build_baseline, format_plan, plan_report, scenario_from_args

    data, figures = _figures(args, config)
    baseline = build_baseline(figures, config, args.year, data=data)
    scenario = scenario_from_args(config, baseline.year, args.change, args.headcount_change, args.placement)
    report = plan_report(baseline, config, scenario)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(format_plan(report, config))
    return 0


def _report(args: argparse.Namespace, config: Config) -> int:
    from csr.report import build_report, format_report

    if args.profile and not args.files:
        print(
            "Fejl: --profile bruges, når filerne gives med på kommandolinjen; lagerets tal er allerede læst.",
            file=sys.stderr,
        )
        return EXIT_INPUT
    _, figures = _figures(args, config)
    report = build_report(figures, config, args.year)
    if args.year is not None:  # a report of one year warns of that year only
        from csr.importers.plausibility import figure_warnings

        report.pop("warnings", None)
        if warnings := figure_warnings(figures, config, only=(args.year,)):
            report["warnings"] = warnings
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(format_report(report, config))
    return 0


def _export(args: argparse.Namespace, config: Config) -> int:
    from csr.export import Provenance, export, format_of, saved_scenario, warm_up_in_background
    from csr.store import StoreError

    fmt = format_of(args.out)
    warm_up_in_background()  # the chart engine starts while the data load
    provenance: dict = {}
    _, figures = _figures(args, config, provenance)
    year = args.year if args.year is not None else figures.latest_complete_year(config)
    if year is None:  # data without a year of the home municipality: _figures has said so
        raise _Stop
    scenario, outdated = None, False
    if args.scenario:
        try:
            scenario, outdated = saved_scenario(_store(args), args.scenario)
        except StoreError as exc:
            print(f"Fejl: {exc}", file=sys.stderr)
            return EXIT_INPUT
    content = export(
        figures,
        config,
        year,
        Provenance(**provenance),
        fmt,
        scenario=scenario,
        scenario_name=args.scenario or "",
        scenario_outdated=outdated,
    )
    try:
        Path(args.out).write_bytes(content)
    except OSError as exc:
        print(f"Fejl: rapporten kunne ikke skrives til {args.out} ({os_reason(exc, writing=True)}).", file=sys.stderr)
        return EXIT_INPUT
    print(f"Rapporten for {year} er skrevet til {args.out}.")
    return 0


def _template(args: argparse.Namespace, config: Config) -> int:
    from csr.template import write_template

    try:
        write_template(config, args.out)
    except OSError as exc:
        print(f"Fejl: skabelonen kunne ikke skrives til {args.out} ({os_reason(exc, writing=True)}).", file=sys.stderr)
        return EXIT_INPUT
    print(f"Skabelonen er skrevet til {args.out}.")
    return 0


# ---- import profiles ------------------------------------------------------------------------------


def _profiles_for(args: argparse.Namespace, config: Config) -> list:
    """The profile named by --profile, or without it every stored profile (none when there is no store yet:
    reading files never creates one)."""
    from csr.importers.mapping import problems, profiles_from_dicts
    from csr.store import StoreError

    name = getattr(args, "profile", None)
    if not _has_store(args):
        if name:
            print(
                f"Fejl: profilen '{name}' findes ikke: lageret i {_store_directory(args)} har ingen gemte profiler.",
                file=sys.stderr,
            )
            raise _Stop
        return []
    try:
        saved = _store(args).profiles()
    except StoreError as exc:
        print(f"Fejl: {exc}", file=sys.stderr)
        raise _Stop from exc
    if name:
        found = [s for s in saved if s.name == name]
        if not found:
            names = ", ".join(f"'{s.name}'" for s in saved) or "ingen"
            print(f"Fejl: profilen '{name}' findes ikke. Gemte profiler: {names}.", file=sys.stderr)
            raise _Stop
        good, bad = profiles_from_dicts([found[0].payload])
        wrong = bad or (problems(good[0], config) if good else [])
        if wrong:
            print(f"Fejl: profilen '{name}' kan ikke bruges: {' '.join(wrong)}", file=sys.stderr)
            raise _Stop
        return good
    good, bad = profiles_from_dicts(s.payload for s in saved)
    for sentence in bad:
        print(f"Advarsel: {sentence} Den er sprunget over.", file=sys.stderr)
    return good


def _profile_use(args: argparse.Namespace, result: ImportResult, uploads: Sequence[tuple[str, bytes]]) -> None:
    """Which sheets a profile read; with --profile, a file it read nothing of stops the command."""
    from csr.importers.mapping import profile_of_shape

    for s in result.sheets:
        used = profile_of_shape(s.shape)
        if used is not None:
            where = f"fil {s.file}" + (f", ark '{s.sheet}'" if s.sheet else "")
            print(f"Bemærk: {where}: læst med profilen '{used}'.", file=sys.stderr)
    name = getattr(args, "profile", None)
    if not name:
        return
    read = {s.file for s in result.sheets if profile_of_shape(s.shape) == name}
    missing = [file for file, _ in uploads if file not in read]
    for file in missing:
        print(
            f"Fejl: filen {file} har ingen overskriftsrække med profilen '{name}'s overskrifter i de første "
            "60 rækker; den er ikke læst med profilen.",
            file=sys.stderr,
        )
    if missing:
        print("Intet er indlæst. Vælg en anden profil, eller udelad --profile.", file=sys.stderr)
        raise _Stop


def _profiles(args: argparse.Namespace, config: Config) -> int:
    from csr.importers.mapping import Profile, ProfileError
    from csr.store import StoreError, danish_time

    try:
        store = _store(args)
        if args.action == "delete":
            if not args.name:
                print(
                    "Fejl: skriv navnet på profilen, der skal slettes: python -m csr profiles delete NAVN.",
                    file=sys.stderr,
                )
                return EXIT_INPUT
            store.delete_profile(args.name)
            print(f"Profilen '{args.name}' er slettet.")
            return 0
        if args.name:
            print("Fejl: et navn hører kun til 'profiles delete NAVN'.", file=sys.stderr)
            return EXIT_INPUT
        saved = store.profiles()
    except StoreError as exc:
        print(f"Fejl: {_write_refused(args, exc)}", file=sys.stderr)
        return EXIT_INPUT
    if not saved:
        print("Ingen gemte importprofiler. En profil gemmes på siden Data, når en fil ikke genkendes.")
        return 0
    for s in saved:
        try:
            what = Profile.from_dict(s.payload).describe(config)
        except ProfileError as exc:
            what = str(exc)
        who = f" af {s.who}" if s.who else ""
        print(f"{s.name}: {what} – gemt {danish_time(s.saved)}{who}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        raw, source = load_raw(args.config)
        args.tenant = _tenant(args, raw, source)
        if args.command == "settings":
            return _settings(args, raw, source)
        # `db` may find an old schema it must not touch before `db upgrade`: the strategy file alone.
        config = parse_config(raw, source=source) if args.command == "db" else _in_force(args, raw, source)
        command = {
            "report": _report,
            "plan": _plan,
            "export": _export,
            "import": _import,
            "history": _history,
            "undo": _undo,
            "template": _template,
            "profiles": _profiles,
            "db": _db,
            "audit": _audit,
        }[args.command]
        return command(args, config)
    except _Stop:
        return EXIT_INPUT
    except (ConfigError, InputError) as exc:
        print(f"Fejl: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except OSError as exc:  # a file or folder the system refuses: the user's to fix, in Danish
        print(f"Fejl: {os_sentence(exc)}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # never a traceback in front of a user
        if _is_store_error(exc):  # a store problem is the user's to fix (a folder, rights, a damaged file)
            where = f" (--data-dir {args.data_dir})" if getattr(args, "data_dir", None) else ""
            print(f"Fejl: {exc}{where}", file=sys.stderr)
            return EXIT_INPUT
        if _is_database_error(exc):
            where = f" ({args.data_dir})" if getattr(args, "data_dir", None) else ""
            print(
                f"Fejl: lageret{where} kan ikke bruges: databasen svarer med en fejl. Tjek datamappen og "
                "rettighederne til den, eller flyt databasen væk og indlæs filerne igen.",
                file=sys.stderr,
            )
            return EXIT_INPUT
        print(f"Uventet fejl ({type(exc).__name__}): {exc}", file=sys.stderr)
        return 1


def _is_store_error(exc: Exception) -> bool:
    """StoreError without importing the store (and pandas) for commands that never open it."""
    store = sys.modules.get("csr.store")
    return store is not None and isinstance(exc, store.StoreError)


def _is_database_error(exc: Exception) -> bool:
    sqlite3 = sys.modules.get("sqlite3")
    if sqlite3 is not None and isinstance(exc, sqlite3.Error):
        return True
    sqlalchemy = sys.modules.get("sqlalchemy.exc")
    return sqlalchemy is not None and isinstance(exc, sqlalchemy.DBAPIError)


# ---- the operating system's errors in Danish --------------------------------------------------------

_OS_REASONS = {
    errno.ENOENT: "findes ikke",
    errno.EACCES: "ingen adgang",
    errno.EPERM: "ingen adgang",
    errno.EISDIR: "er en mappe",
    errno.ENOTDIR: "en del af stien er ikke en mappe",
    errno.EEXIST: "findes allerede",
    errno.ENOSPC: "der er ikke mere plads på disken",
    errno.EDQUOT: "der er ikke mere plads på disken (kvoten er brugt)",
    errno.EROFS: "drevet er skrivebeskyttet",
    errno.ENAMETOOLONG: "navnet er for langt",
    errno.ELOOP: "for mange symbolske links",
    errno.EIO: "fejl på disken",
    errno.EBUSY: "er i brug",
}


def os_reason(exc: OSError, writing: bool = False) -> str:
    """The operating system's reason in Danish ("findes ikke", "ingen adgang", "er en mappe"), never its English."""
    if writing and exc.errno == errno.ENOENT:
        return "mappen findes ikke"
    return _OS_REASONS.get(exc.errno or 0, f"systemfejl nr. {exc.errno}" if exc.errno else "systemfejl")


def os_sentence(exc: OSError) -> str:
    """An OSError as one Danish sentence: "/sti/fil: ingen adgang." (a FileRefused is one already)."""
    from csr.files import FileRefused

    if isinstance(exc, FileRefused):
        return str(exc)
    where = f"{exc.filename}: " if exc.filename else "en fil eller mappe kan ikke bruges: "
    return f"{where}{os_reason(exc)}. Tjek stien og rettighederne, og prøv igen."


if __name__ == "__main__":
    raise SystemExit(main())
