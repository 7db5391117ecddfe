"""The frame around every page: meeting mode, the sample-data banner, implausible figures, "Datagrundlag"
and errors."""

from __future__ import annotations

import streamlit as st

from csr import text
from csr.config import HEADCOUNT, Config
from csr.importers.cells import DANISH_MONTHS
from ui.data import Dataset
from ui.safe import md_escape, md_list

MEETING_PARAM = "visning"
MEETING_VALUE = "møde"
MEETING_KEY = "meeting_mode"
_URL_SEEN = "_meeting_mode_url"
_PLAUSIBILITY = "_figure_warnings"  # dataset key -> the sentences of `figure_warnings`

MEETING_CSS = """
<style>
html { font-size: 21px; }
[data-testid="stMainBlockContainer"] { max-width: 100%; padding: 3.5rem 2.5rem 2rem 2.5rem; }
[data-testid="stMetricValue"] { font-size: 2.6rem; }
[data-testid="stMetricLabel"] p { font-size: 1.05rem; font-weight: 600; }
[data-testid="stCaptionContainer"] { font-size: 1rem !important; opacity: 1 !important; }
/* no download, search or menu buttons on tables, charts and the page */
[data-testid="stElementToolbar"], [data-testid="stToolbar"] { display: none !important; }
h1 { font-size: 2.4rem; }
</style>
"""

BASE_CSS = """
<style>
[data-testid="stMetricValue"] { font-variant-numeric: tabular-nums; }
</style>
"""


def meeting_mode() -> bool:
    """Whether meeting mode is on: the toggle's state, switched on by ?visning=møde in the URL.

    While it is on, the parameter is kept in the URL so a reload or a bookmark stays in meeting mode.
    """
    url_on = st.query_params.get(MEETING_PARAM) == MEETING_VALUE
    if url_on != st.session_state.get(_URL_SEEN):
        st.session_state[_URL_SEEN] = url_on
        if url_on:
            st.session_state[MEETING_KEY] = True
    on = bool(st.session_state.get(MEETING_KEY, False))
    if on and not url_on:
        st.query_params[MEETING_PARAM] = MEETING_VALUE
        st.session_state[_URL_SEEN] = True
    return on


def _meeting_changed() -> None:
    on = bool(st.session_state.get(MEETING_KEY))
    if on:
        st.query_params[MEETING_PARAM] = MEETING_VALUE
    elif MEETING_PARAM in st.query_params:
        del st.query_params[MEETING_PARAM]
    st.session_state[_URL_SEEN] = on


def meeting_toggle() -> None:
    st.toggle(
        "Mødevisning",
        key=MEETING_KEY,
        on_change=_meeting_changed,
        help="Stor skrift og ingen knapper, til projektor og skærm i mødelokalet.",
    )


def style(meeting: bool) -> None:
    st.html(BASE_CSS + (MEETING_CSS if meeting else ""))


def sidebar(config: Config) -> None:
    """The shared sidebar (not shown in meeting mode)."""
    with st.sidebar:
        meeting_toggle()
        st.caption(f"{config.name} · {config.organisation}")


def sample_banner(dataset: Dataset) -> None:
    if dataset.sample:
        with st.container(key="eksempeldata"):
            st.warning(
                "**Eksempeldata.** Siden viser de medfølgende eksempelfiler, ikke HR's egne tal. Tallene for "
                "2019 svarer til strategiens status; de øvrige år er opdigtede.",
                icon="ℹ️",
            )


def plausibility_warning(dataset: Dataset, config: Config) -> None:
    """Implausible stored figures (a neighbour with more persons than staff, a share above 50 %) named above
    the page: the numbers are shown as they are, with this beside them (`figure_warnings`, as the report)."""
    from csr.importers.plausibility import figure_warnings

    seen = st.session_state.setdefault(_PLAUSIBILITY, {})
    if dataset.key not in seen:
        if len(seen) >= 8:
            seen.clear()
        seen[dataset.key] = figure_warnings(dataset.figures, config)
    sentences = seen[dataset.key]
    if sentences:  # they name municipalities and numbers from the files: escaped
        with st.container(key="usandsynlige_tal"):
            st.warning(
                "**Usandsynlige tal.** Tjek tallene i filerne, og ret dem med en ny import, eller fortryd "
                "importen på siden Data.\n\n" + md_list(sentences),
                icon=":material/warning:",
            )


def _scheme_names(config: Config, ids: tuple[str, ...]) -> str:
    names = []
    for sid in ids:
        names.append(config.headcount_name if sid == HEADCOUNT else config.scheme(sid).name)
    return ", ".join(names)


def data_basis(dataset: Dataset, config: Config) -> None:
    """The "Datagrundlag" expander: which files, sheets and months the figures come from."""
    months = ", ".join(DANISH_MONTHS[m - 1] for m in config.measurement_months)
    with st.expander("Datagrundlag", icon=":material/table_view:", key="datagrundlag"):
        source = "de medfølgende eksempelfiler" if dataset.sample else "de indlæste filer"
        whole_year = [f"{s.name} ({s.source})" for s in config.schemes if s.averaging == "all_periods"]
        as_of = f"**{dataset.as_of}.** " if dataset.as_of else ""
        st.markdown(
            f"{as_of}Tallene er beregnet af {source}. Årsgennemsnittene er gennemsnittet af målemånederne ({months})"
            + (f"; for {', '.join(whole_year)} af årets måneder" if whole_year else "")
            + ". Et år med færre målemåneder er foreløbigt."
        )
        lines = []
        # File and sheet names, municipalities and findings come from the files: escaped (ui.safe).
        for file in dict.fromkeys(sheet.file for sheet in dataset.sheets):
            lines.append(f"- **{md_escape(file)}**")
            for sh in (sheet for sheet in dataset.sheets if sheet.file == file):
                parts = [f"ark «{sh.sheet}»"] if sh.sheet else []
                parts += [sh.shape, f"{text.number(sh.rows)} rækker"]
                if sh.first_period:
                    parts.append(f"{sh.first_period} – {sh.last_period}")
                if sh.municipalities:
                    parts.append(f"{len(sh.municipalities)} kommuner ({', '.join(sh.municipalities)})")
                if sh.schemes:
                    parts.append(_scheme_names(config, sh.schemes))
                lines.append("    - " + md_escape(" · ".join(parts)))
        st.markdown("\n".join(lines))
        if dataset.warnings:
            st.markdown("Bemærk fra indlæsningen:\n" + md_list(dataset.warnings))
        st.caption(f"Mål og ordninger: {config.name} ({config.source.rsplit('/', 1)[-1] or 'strategy.toml'}).")


def show_error(exc: Exception) -> None:
    """A domain error as Danish sentences, never a traceback."""
    findings = getattr(exc, "findings", None)
    if findings:
        st.error(f"Tallene kan ikke vises, fordi filerne har fejl:\n\n{md_list(findings)}", icon="⚠️")
    else:
        st.error(md_escape(exc), icon="⚠️")


def show_unexpected(exc: Exception) -> None:
    st.error(
        f"Der skete en uventet fejl ({type(exc).__name__}), så siden kan ikke vises helt. Prøv at "
        "genindlæse siden; fejlen er skrevet i serverens log til udviklerne.",
        icon="⚠️",
    )
