"""The Data page's mapping step: a file nobody foresaw is mapped once and recognised the next time.

When an upload's sheet is not recognised, the consultant picks which header column holds what (or that
all rows are the home municipality / one scheme), sees the rows that gives, and saves the mapping as a
named import profile (`csr.importers.mapping`) in the store. The import then runs again with the stored
profiles, and so does every later import of a file with the same headers (also `python -m csr import`).

The header choices come from the file's first rows, read in a guarded child process like every parse of
an upload. Header names, file and sheet names and profile names are the user's text: shown as plain text
(selectbox options, tables) or escaped for Markdown.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from functools import partial

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from csr import text
from csr.config import HEADCOUNT, Config
from csr.importers import import_uploads
from csr.importers.cells import format_period
from csr.importers.mapping import (
    PERSON_LIST,
    TABLE,
    Profile,
    dumps,
    guess_header_row,
    header_cells,
    problems,
    profile_of_shape,
    profiles_from_dicts,
    sheet_heads,
)
from csr.importers.safety import check_upload, run_isolated
from csr.model import ImportResult, InputError
from csr.names import normalize
from csr.store import Store, StoreError
from ui import actions, auth, data, upload
from ui.settings import config_in_force, settings_key

SAVED = "_mapping_saved"  # the profile just saved: said once after the rerun
PREVIEW_ROWS = 200
COLUMN, FIXED, NONE = "kolonne:", "alle:", "ingen:"  # option prefixes: a header column, a fixed value, nothing
UNRECOGNISED = ("Ingen brugbar tabel", "Ark uden genkendelig tabel")
PREVIEW_HEADERS = ["Kommune", "Periode", "Ordning", "Antal", "Række", "Kolonne"]


def stored_profiles(store: Store | None) -> list[Profile]:
    """The usable profiles in the store, newest first (none when the store cannot be read)."""
    if store is None:
        return []
    try:
        saved = store.profiles()
    except StoreError:
        return []
    return profiles_from_dicts(s.payload for s in saved)[0]


@st.cache_data(max_entries=4, show_spinner="Læser filerne …")
def _imported(files: str, profiles: str, _uploads: data.Uploads, _profiles: tuple[Profile, ...]) -> ImportResult:
    return import_uploads(_uploads, config_in_force(), profiles=_profiles)


def imported(store: Store | None, uploads: data.Uploads) -> ImportResult:
    """The importer's result for these files with the stored import profiles (cached on files and profiles)."""
    profiles = stored_profiles(store)
    if not profiles:
        return data.imported(uploads)
    return _imported(data.digest(uploads) + settings_key(), dumps(profiles), uploads, tuple(profiles))


def unrecognised(result: ImportResult) -> list[tuple[str, str | None]]:
    """(file, sheet) of every sheet the import did not recognise; sheet None: every sheet of the file."""
    found: dict[tuple[str, str | None], None] = {}
    for f in result.findings:
        if f.file and f.message.startswith(UNRECOGNISED[0]):
            found[(f.file, None)] = None
        elif f.file and f.message.startswith(UNRECOGNISED[1]):
            found[(f.file, f.sheet)] = None
    return list(found)


def offer(store: Store | None, uploads: data.Uploads, result: ImportResult, config: Config) -> None:
    """Under the import preview: which sheets a profile read, and the mapping step for unrecognised ones."""
    saved = st.session_state.pop(SAVED, None)
    if saved:
        st.success(
            f"Profilen '{upload.escape(saved)}' er gemt, og filerne er læst igen med den.",
            icon=":material/check_circle:",
        )
    for s in result.sheets:
        name = profile_of_shape(s.shape)
        if name is not None:
            where = upload.escape(s.file) + (f", ark '{upload.escape(s.sheet)}'" if s.sheet else "")
            st.info(f"{where}: læst med profilen '{upload.escape(name)}'.", icon=":material/rule:")
    targets = unrecognised(result)
    if targets and store is not None:
        _mapping_step(store, uploads, targets, config)


# ---- the mapping step -------------------------------------------------------------------------------


@st.cache_data(max_entries=4, show_spinner="Læser overskrifterne …")
def _heads(file: str, name: str, _data: bytes) -> list[tuple[str, list[list], int, int]] | str:
    """The first rows of every sheet (read in a guarded child), or the Danish reason they cannot be read."""
    try:
        kind = check_upload(name, _data)
        return run_isolated(sheet_heads, name, _data, kind, name=name)
    except InputError as exc:
        return " ".join(f.message for f in exc.findings)


@st.cache_data(max_entries=4, show_spinner="Læser filen med kolonnevalget …")
def _preview(file: str, profile_text: str, name: str, _data: bytes, _profile: Profile) -> ImportResult:
    return import_uploads([(name, _data)], config_in_force(), profiles=[_profile])


def _choices(
    uploads: data.Uploads, targets: Sequence[tuple[str, str | None]]
) -> tuple[list[tuple[str, bytes, str, list[list], int]], list[str]]:
    """(file, its bytes, sheet, head rows, row offset) for each unrecognised sheet with content."""
    contents = dict(uploads)
    out: list[tuple[str, bytes, str, list[list], int]] = []
    reasons: list[str] = []
    for file, sheet in targets:
        if file not in contents:
            continue
        heads = _heads(data.digest([(file, contents[file])]), file, contents[file])
        if isinstance(heads, str):
            reasons.append(heads)
            continue
        for sheet_name, rows, row_offset, _ in heads:
            if (sheet is None or sheet_name == sheet) and any(header_cells(r) for r in rows):
                out.append((file, contents[file], sheet_name, rows, row_offset))
    return out, reasons


def _label(option: str, config: Config) -> str:
    if option.startswith(COLUMN):
        return option[len(COLUMN) :]
    if option.startswith(NONE):
        return "Ingen kolonne med slutdato"
    value = option[len(FIXED) :]
    if value.isdigit():
        return f"Alle rækker er {config.municipality(int(value)).name}"
    if value == HEADCOUNT:
        return f"Alle rækker er {config.headcount_name.lower()}"
    return f"Alle rækker er {config.scheme(value).name}"


def _mapping_step(
    store: Store, uploads: data.Uploads, targets: Sequence[tuple[str, str | None]], config: Config
) -> None:
    choices, reasons = _choices(uploads, targets)
    with st.container(border=True, key="mapping_step"):
        st.subheader("Vælg kolonnerne")
        st.markdown(
            "En fil, der ikke genkendes, kan læses, når du har valgt, hvilken kolonne der holder hvad. Valget "
            "gemmes som en **importprofil**: næste fil med de samme overskrifter læses på samme måde uden at "
            "spørge, også fra kommandolinjen."
        )
        for reason in reasons:
            st.warning(upload.escape(reason), icon=":material/warning:")
        if not choices:
            return
        index = 0
        if len(choices) > 1:
            index = st.selectbox(
                "Fil og ark",
                range(len(choices)),
                key="mapping_target",
                format_func=lambda i: choices[i][0] + (f", ark '{choices[i][2]}'" if choices[i][2] else ""),
            )
        file, content, sheet, rows, row_offset = choices[index]
        filled = [i for i, r in enumerate(rows) if header_cells(r)]
        guess = guess_header_row(rows)
        header_row = st.selectbox(
            "Overskriftsrækken",
            filled,
            index=filled.index(guess) if guess in filled else 0,
            key="mapping_header_row",
            format_func=lambda i: f"Række {row_offset + i + 1}: " + " | ".join(header_cells(rows[i]))[:120],
            help="Rækken med kolonnernes overskrifter; de rækker, der står over den, springes over",
        )
        headers = _distinct(header_cells(rows[header_row]))
        cols = [COLUMN + h for h in headers]
        kinds = [TABLE, PERSON_LIST] if importlib.util.find_spec("csr.importers.person_list") else [TABLE]
        kind = TABLE
        if len(kinds) > 1:
            kind = st.radio(
                "Filen er",
                kinds,
                key="mapping_kind",
                horizontal=True,
                format_func=lambda k: "en tabel med tal" if k == TABLE else "en personliste med start- og slutdatoer",
            )
        label = partial(_label, config=config)

        def pick(where: DeltaGenerator, title: str, options: list[str], key: str) -> str | None:
            """A choice of column (or fixed value) that starts empty."""
            return where.selectbox(
                title, options, index=None, placeholder="Vælg en kolonne", format_func=label, key=key
            )

        schemes = [FIXED + sid for sid in config.scheme_ids]
        left, right = st.columns(2)
        if kind == TABLE:
            chosen = {
                "municipality": pick(left, "Kommune", [FIXED + str(config.home), *cols], "mapping_municipality"),
                "period": pick(right, "Periode", cols, "mapping_period"),
                "scheme": pick(left, "Ordning", [*cols, FIXED + HEADCOUNT, *schemes], "mapping_scheme"),
                "value": pick(right, "Antal", cols, "mapping_value"),
            }
        else:
            chosen = {
                "person": pick(left, "Person", cols, "mapping_person"),
                "start": pick(right, "Startdato", cols, "mapping_start"),
                "scheme": pick(left, "Ordning", [*cols, *schemes], "mapping_scheme_persons"),
                "end": pick(right, "Slutdato", [NONE, *cols], "mapping_end"),
            }
        with st.container(horizontal=True):
            name = st.text_input(
                "Profilens navn", key="mapping_name", placeholder="fx Afdelingernes tal", max_chars=80
            ).strip()
            who = ""
            if not auth.current().login:  # with login the profile names the logged-in user
                who = st.text_input("Gemt af", key="mapping_who", placeholder="Dit navn eller dine initialer")
        profile = _profile(name, kind, header_cells(rows[header_row]), chosen)
        issues = [p for p in problems(profile, config) if p != "Giv profilen et navn."]
        if any(v is None for v in chosen.values()) or issues:
            missing = issues or ["Vælg en kolonne eller en fast værdi for hvert felt."]
            st.info("For at se resultatet: " + upload.escape(" ".join(missing)), icon=":material/info:")
            return
        result = _preview(data.digest([(file, content)]) + settings_key(), dumps([profile]), file, content, profile)
        _show_preview(result, config)
        exists = name in {p.name for p in stored_profiles(store)}
        if exists:
            st.caption(f"Der findes allerede en profil med navnet '{upload.escape(name)}'; den erstattes.")
        if st.button(
            "Gem profilen",
            key="mapping_save",
            type="primary",
            icon=":material/save:",
            disabled=not name,
            help=None if name else "Giv først profilen et navn",
        ):
            try:
                actions.save_profile(store, name, profile.to_dict(), who)
            except StoreError as exc:
                st.error(str(exc), icon="⚠️")
                return
            st.session_state[SAVED] = name
            st.rerun()


def _distinct(headers: Sequence[str]) -> list[str]:
    """The headers a column can be chosen by: the first of each normalised name."""
    seen: dict[str, str] = {}
    for h in headers:
        seen.setdefault(normalize(h), h)
    return list(seen.values())


def _profile(name: str, kind: str, headers: tuple[str, ...], chosen: dict[str, str | None]) -> Profile:
    columns, municipality, scheme = {}, None, None
    for role, option in chosen.items():
        if option is None or option.startswith(NONE):
            continue
        if option.startswith(COLUMN):
            columns[role] = option[len(COLUMN) :]
        elif role == "municipality":
            municipality = int(option[len(FIXED) :])
        else:
            scheme = option[len(FIXED) :]
    return Profile(name or "uden navn", kind, headers, columns, municipality, scheme)


def _show_preview(result: ImportResult, config: Config) -> None:
    st.markdown("**Sådan læses filen**")
    with st.container(key="mapping_preview"):
        if not result.data.empty:
            head = result.data.head(PREVIEW_ROWS)
            table = pd.DataFrame(
                {
                    "Kommune": head["municipality"],
                    "Periode": [
                        format_period(int(y), p, int(i))
                        for y, p, i in zip(head["year"], head["period"], head["index"], strict=True)
                    ],
                    "Ordning": [upload.scheme_name(config, s) for s in head["scheme"]],
                    "Antal": [text.number(v, 2).rstrip("0").rstrip(",") for v in head["value"]],
                    "Række": head["row"].astype(int),
                    "Kolonne": head["column"],
                },
                columns=PREVIEW_HEADERS,
            )
            st.dataframe(table, hide_index=True, width="stretch")
            st.caption(
                f"{text.number(len(result.data))} tal i alt"
                + (f"; de første {text.number(PREVIEW_ROWS)} vises." if len(result.data) > PREVIEW_ROWS else ".")
            )
        if result.errors:
            st.error(
                f"**{upload.count(len(result.errors), 'fejl', 'fejl')} med dette kolonnevalg.**\n\n"
                + upload.finding_lines(result.errors),
                icon="⚠️",
            )
        if result.warnings:
            st.warning(
                f"**{upload.count(len(result.warnings), 'advarsel', 'advarsler')}.**\n\n"
                + upload.finding_lines(result.warnings),
                icon=":material/warning:",
            )
        if result.notes:
            st.markdown(upload.finding_lines(result.notes))
