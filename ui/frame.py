"""The frame around every page: meeting mode, the page links and the year first in the tab order, Danish
for Streamlit's own texts, the sample-data banner, implausible figures, "Datagrundlag" and errors."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from csr import text
from csr.charts import MET_COLOUR, UNMET_COLOUR
from csr.config import HEADCOUNT, Config
from csr.importers.cells import DANISH_MONTHS
from ui.data import Dataset
from ui.safe import md_escape, md_list

MEETING_PARAM = "visning"
MEETING_VALUE = "møde"
MEETING_KEY = "meeting_mode"  # the toggle's key
_MEETING_ON = "_meeting_on"  # whether meeting mode is on (`meeting_mode`)
_URL_SEEN = "_meeting_mode_url"
_PLAUSIBILITY = "_figure_warnings"  # dataset key -> the sentences of `figure_warnings`

MEETING_CSS = """
<style>
html { font-size: 21px; }
[data-testid="stMainBlockContainer"] { max-width: 100%; padding: 3.5rem 2.5rem 2rem 2.5rem; }
[data-testid="stMetricValue"] { font-size: 2.6rem; }
[data-testid="stMetricLabel"] p { font-size: 1.05rem; font-weight: 600; }
[data-testid="stCaptionContainer"] { font-size: 1rem !important; opacity: 1 !important; }
/* no download, search or menu buttons on tables, charts and the page (the page tabs are the app's own) */
[data-testid="stElementToolbar"], [data-testid="stToolbar"] { display: none !important; }
h1 { font-size: 2.4rem; }
/* the page tabs: large, for a projector and a presenter remote; the current page filled */
/* every page's tab in one row at 1920 px, the administrator's ten included (they wrap on narrower screens) */
.st-key-pagetabs { gap: 0.4rem; align-items: flex-end; flex-wrap: wrap; }
.st-key-pagetabs [data-testid="stPageLink"] a {
  font-size: 1.05rem; padding: 0.55rem 0.75rem; border: 2px solid #0072B2; border-radius: 0.5rem;
  background: #ffffff;
}
.st-key-pagetabs [data-testid="stPageLink"] a[aria-current="page"] { background: #0072B2; }
.st-key-pagetabs [data-testid="stPageLink"] a[aria-current="page"] * { color: #ffffff !important; }
.st-key-pagetabs [data-testid="stPageLink"] a:focus-visible { outline: 4px solid #F0A800; outline-offset: 2px; }
</style>
"""

# Body text, captions and the sidebar's caption at 4.5:1 or more (WCAG 2.1 AA, 1.4.3): Streamlit's captions
# are a faded gray (#828180 on white is 3.88:1); this gray is 7.0:1 on white and 6.6:1 on the sidebar.
CAPTION_COLOUR = "#555453"
BASE_CSS = f"""
<style>
[data-testid="stMetricValue"] {{ font-variant-numeric: tabular-nums; }}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {{ color: {CAPTION_COLOUR}; opacity: 1; }}
/* the current page in the page links: bold and underlined as well as shaded (not by colour alone) */
[data-testid="stPageLink"] a[aria-current="page"] span {{ font-weight: 700; text-decoration: underline; }}
/* ui.widgets.html_table: a plain table as wide as its column, its names wrapping, lines between the rows;
   where it cannot fit (a phone) its box scrolls sideways and the row headers stay in view */
.csr-table-box {{ overflow-x: auto; margin: 0 0 0.5rem 0; }}
.csr-table-box:focus-visible {{ outline: 3px solid #0072B2; outline-offset: 2px; }}
.csr-table {{ width: 100%; border-collapse: collapse; font-size: 0.875rem; }}
.csr-table th, .csr-table td {{ padding: 0.35rem 0.5rem; text-align: left; vertical-align: top;
  border-bottom: 1px solid rgba(49, 51, 63, 0.15); overflow-wrap: break-word; }}
.csr-table thead th {{ font-weight: 600; border-bottom: 2px solid rgba(49, 51, 63, 0.3); }}
.csr-table tbody th {{ font-weight: 400; }}
.csr-table .num {{ text-align: right; font-variant-numeric: tabular-nums; overflow-wrap: normal; }}
.csr-met {{ color: {MET_COLOUR}; }} .csr-unmet {{ color: {UNMET_COLOUR}; }} .csr-nodata {{ color: {CAPTION_COLOUR}; }}
/* the sample-data banner: in full, or on a phone in one short line (the first screen is for the answer) */
.st-key-eksempeldata_kort {{ display: none; }}
/* the year on the page itself only on a phone, where the sidebar with the year is behind a button */
.st-key-year_here_box {{ display: none; }}
@media (max-width: 640px) {{
  .st-key-year_here_box {{ display: flex; }}
  .csr-table th, .csr-table td {{ padding: 0.35rem 0.3rem; }}
  .csr-table tbody th {{ position: sticky; left: 0; background: #ffffff; min-width: 6.5rem; }}
  .st-key-eksempeldata_lang {{ display: none; }}
  .st-key-eksempeldata_kort {{ display: block; }}
  .st-key-eksempeldata_kort [data-testid="stAlert"] > div {{ padding: 0.4rem 0.75rem; }}
}}
</style>
"""

# Streamlit's own English texts and labels in Danish (`<html lang="da">`) and the current page's link marked
# (aria-current="page"), re-applied when Streamlit redraws (_PAGE_SCRIPT).
# Texts it writes into tooltips and menus it opens itself are not reached (README lists them).
DANISH_LABELS = {
    "Skip to main content": "Gå til indholdet",
    "Sidebar": "Sidepanel",
    "Collapse sidebar": "Skjul sidepanelet",
    "Expand sidebar": "Vis sidepanelet",
    "App pages": "Sider",
    "Main menu": "Menu",
    "Link to heading": "Link til overskriften",
    "Close": "Luk",
    "Open": "Åbn",
    "Clear value": "Ryd valget",
    "Clear all": "Ryd alle",
    "Selected values": "Valgte",
    "Previous page": "Forrige side",
    "Next page": "Næste side",
    "Pagination": "Sider",
    "file upload": "Vælg filer",
    "Add files": "Tilføj filer",
    "Increment": "Mere",
    "Decrement": "Mindre",
    "Running...": "Arbejder …",
    "Stop script": "Stop",
    "Notifications": "Beskeder",
    "Fullscreen": "Fuld skærm",
    "Close fullscreen": "Luk fuld skærm",
    "Download as CSV": "Hent som CSV",
    "Search": "Søg",
    "Close Search": "Luk søgning",
    "Show data": "Vis data",
    "Dataframe column menu": "Kolonnens menu",
    "Copy column name": "Kopiér kolonnens navn",
    "Upload": "Vælg filer",
}
# Labels that name something after a fixed English start ("Help for Mødevisning").
DANISH_PREFIXES = {"Help for ": "Hjælp til ", "Remove ": "Fjern ", "Upload ": "Indlæs ", "Page ": "Side "}

_PAGE_SCRIPT = r"""
<script>
(() => {
  const doc = document;
  doc.documentElement.lang = "da";
  const labels = LABELS, prefixes = PREFIXES;
  const danish = (text) => {
    if (text in labels) return labels[text];
    for (const [en, da] of Object.entries(prefixes)) if (text.startsWith(en)) return da + text.slice(en.length);
    return null;
  };
  // the text nodes React wrote keep their place (set, not replaced), so React may write them again
  const setText = (el, text) => {
    const nodes = [...el.childNodes];
    if (!nodes.length || nodes.some(n => n.nodeType !== Node.TEXT_NODE)) return;
    nodes.forEach((n, i) => { n.nodeValue = i === 0 ? text : ""; });
  };
  const relabel = () => {
    doc.documentElement.lang = "da";
    for (const el of doc.querySelectorAll("[aria-label]")) {
      const da = danish(el.getAttribute("aria-label"));
      if (da !== null) el.setAttribute("aria-label", da);
    }
    // the links are relative to the app's root ("udvikling?år=2021", "?år=2021" for Overblik)
    const here = location.pathname.replace(/\/+$/, "").split("/").pop();
    for (const a of doc.querySelectorAll('.st-key-pagelinks a, .st-key-pagetabs a')) {
      const current = (a.getAttribute("href") || "").split("?")[0].split("/").pop() === here;
      if (current && a.getAttribute("aria-current") !== "page") a.setAttribute("aria-current", "page");
      if (!current && a.hasAttribute("aria-current")) a.removeAttribute("aria-current");
    }
    const skip = doc.querySelector('[data-testid="stSkipToContent"]');
    if (skip && skip.textContent in labels) setText(skip, labels[skip.textContent]);
    for (const zone of doc.querySelectorAll('[data-testid="stFileUploaderDropzone"]')) {
      if (zone.getAttribute("role") === "presentation") zone.setAttribute("role", "group");  // it has a name
      for (const p of zone.querySelectorAll("button p")) if (p.textContent in labels) setText(p, labels[p.textContent]);
      for (const span of zone.querySelectorAll('[data-testid="stFileUploaderDropzoneInstructions"] span')) {
        const m = /^(\d+)\s*MB per file( • (.*))?$/.exec(span.textContent);
        if (m) setText(span, "Højst " + m[1] + " MB pr. fil" + (m[3] ? " · " + m[3] : ""));
      }
    }
  };
  relabel();
  if (window.__csrDanish) return;
  window.__csrDanish = true;
  let queued = false;
  const schedule = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; relabel(); });
  };
  // a page change may only change the address (the links stay as they are): mark the current page again
  for (const name of ["pushState", "replaceState"]) {
    const original = history[name].bind(history);
    history[name] = (...args) => { const out = original(...args); schedule(); return out; };
  }
  window.addEventListener("popstate", schedule);
  new MutationObserver(schedule).observe(doc.body, {subtree: true, childList: true, characterData: true, attributes: true,
                        attributeFilter: ["aria-label", "href"]});
})();
</script>
""".replace("LABELS", json.dumps(DANISH_LABELS, ensure_ascii=False)).replace(
    "PREFIXES", json.dumps(DANISH_PREFIXES, ensure_ascii=False)
)

# A presenter remote sends PageDown/PageUp (or the arrow keys): at the end of the page PageDown goes to the next
# page tab, at its top PageUp to the one before; the arrow keys go at once. Never while a form control has focus.
_REMOTE_SCRIPT = """
<script>
(() => {
  if (window.__csrRemote) return;
  window.__csrRemote = true;
  const scroller = () => [document.querySelector('[data-testid="stMain"]'), document.scrollingElement]
    .find(el => el && el.scrollHeight > el.clientHeight + 2) || document.scrollingElement;
  const formControl = (el) => el && el.closest(
    'input, textarea, select, [contenteditable="true"], [role="combobox"], [role="listbox"], [role="slider"], ' +
    '[role="spinbutton"], [role="menu"], [role="dialog"]');
  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || formControl(event.target)) return;
    const tabs = [...document.querySelectorAll('.st-key-pagetabs [data-testid="stPageLink"] a')];
    if (!tabs.length) return;  // meeting mode is off
    const here = tabs.findIndex(a => a.getAttribute("aria-current") === "page");
    const el = scroller();
    let step = 0;
    if (event.key === "ArrowRight") step = 1;
    else if (event.key === "ArrowLeft") step = -1;
    else if (event.key === "PageDown" && el.scrollTop + el.clientHeight >= el.scrollHeight - 2) step = 1;
    else if (event.key === "PageUp" && el.scrollTop <= 0) step = -1;
    const next = tabs[here + step];
    if (!step || here < 0 || !next) return;
    event.preventDefault();
    next.click();
  }, true);
})();
</script>
"""


def meeting_mode() -> bool:
    """Whether meeting mode is on: switched on by ?visning=møde in the URL or the toggle, kept in session
    state under a key of its own (`_MEETING_ON`, not the toggle's: the toggle is drawn after the page, and
    a run cut short by the next click never draws it, which would lose a widget's value).

    While it is on, the parameter is kept in the URL so a reload or a bookmark stays in meeting mode.
    """
    url_on = st.query_params.get(MEETING_PARAM) == MEETING_VALUE
    if url_on != st.session_state.get(_URL_SEEN):
        st.session_state[_URL_SEEN] = url_on
        if url_on:
            st.session_state[_MEETING_ON] = True
    on = bool(st.session_state.get(_MEETING_ON, False))
    if on and not url_on:
        st.query_params[MEETING_PARAM] = MEETING_VALUE
        st.session_state[_URL_SEEN] = True
    return on


def _meeting_changed() -> None:
    on = bool(st.session_state.get(MEETING_KEY))
    st.session_state[_MEETING_ON] = on
    if on:
        st.query_params[MEETING_PARAM] = MEETING_VALUE
    elif MEETING_PARAM in st.query_params:
        del st.query_params[MEETING_PARAM]
    st.session_state[_URL_SEEN] = on


def meeting_toggle() -> None:
    st.session_state[MEETING_KEY] = bool(st.session_state.get(_MEETING_ON, False))  # it shows the mode in force
    st.toggle(
        "Mødevisning",
        key=MEETING_KEY,
        on_change=_meeting_changed,
        help="Stor skrift og ingen knapper, til projektor og skærm i mødelokalet.",
    )


def style(meeting: bool) -> None:
    """The app's CSS, `lang="da"` with Danish for Streamlit's own labels, and in meeting mode the remote's keys."""
    # One element: the style rides with the scripts (a style-only st.html would be an element of its own).
    st.html(
        BASE_CSS + (MEETING_CSS if meeting else "") + _PAGE_SCRIPT + (_REMOTE_SCRIPT if meeting else ""),
        unsafe_allow_javascript=True,
    )


@dataclass(frozen=True)
class Slots:
    """Where the frame draws what a page decides during its run: the year selector (`widgets.year_select`)
    and the page links (which carry the year the page settled on)."""

    year: DeltaGenerator
    links: DeltaGenerator


def navigation(meeting: bool) -> Slots:
    """The year selector first, then the page links: in the sidebar, or as large tabs at the top of the page in
    meeting mode (where there is no sidebar). Both are within the first Tab stops of every page."""
    if meeting:
        with st.container(horizontal=True, key="topnav", vertical_alignment="bottom", gap="medium"):
            year = st.container(width="content", key="year_slot")
            links = st.container(horizontal=True, width="stretch", key="pagetabs")
        return Slots(year, links)
    with st.sidebar:
        year = st.container(key="year_slot")
        links = st.container(key="pagelinks")
    return Slots(year, links)


def link_params(year: int | None, meeting: bool) -> dict[str, str]:
    """What every page link keeps of the address: the year and meeting mode."""
    params = {} if year is None else {"år": str(year)}
    if meeting:
        params[MEETING_PARAM] = MEETING_VALUE
    return params


def page_links(slot: DeltaGenerator, pages: Sequence[Any], year: int | None, meeting: bool) -> None:
    """One link per page (`st.Page`), keeping the year and meeting mode; the current one has aria-current."""
    params = link_params(year, meeting)
    with slot:
        for page in pages:
            st.page_link(page, query_params=params, width="content" if meeting else "stretch")


def sidebar(config: Config) -> None:
    """The shared sidebar (not shown in meeting mode), below the year and the page links."""
    with st.sidebar:
        meeting_toggle()
        st.caption(md_escape(f"{config.name} · {config.organisation}"))  # from the strategy or a settings file
        accessibility_link(config)


def accessibility_link(config: Config) -> None:
    """The link to the organisation's accessibility statement, on every page (none when not configured)."""
    if config.accessibility_statement:
        with st.container(key="tilgaengelighed"):
            st.markdown(f"[Tilgængelighedserklæring]({config.accessibility_statement})")


def sample_banner(dataset: Dataset) -> None:
    if dataset.sample:
        with st.container(key="eksempeldata"):
            with st.container(key="eksempeldata_lang"):
                st.warning(
                    "**Eksempeldata.** Siden viser de medfølgende eksempelfiler, ikke HR's egne tal. Tallene for "
                    "2019 svarer til strategiens status; de øvrige år er opdigtede.",
                    icon="ℹ️",
                )
            with st.container(key="eksempeldata_kort"):  # a phone's (BASE_CSS shows one of the two)
                st.warning("**Eksempeldata**, ikke HR's egne tal.", icon="ℹ️")


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
        st.caption(
            md_escape(f"Mål og ordninger: {config.name} ({config.source.rsplit('/', 1)[-1] or 'strategy.toml'}).")
        )


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
