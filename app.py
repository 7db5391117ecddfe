"""CSR-tal for a municipality (Aabenraa Kommune's strategy by default): the frame around the pages (run with `streamlit run app.py`)."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from csr.auth import Permission
from csr.config import ConfigError
from csr.model import InputError
from csr.store import StoreError
from ui import auth, frame, tcp, widgets
from ui.data import load_figures
from ui.settings import config_in_force

# The tab's icon is the app's own file: a ":material/...:" page icon makes the browser fetch it from
# fonts.gstatic.com (the icons in the pages themselves come from the font Streamlit serves).
PAGE_ICON = Path(__file__).resolve().parent / "ui" / "favicon.svg"
PAGES = [
    ("app_pages/overblik.py", "Overblik", ":material/dashboard:", ""),
    ("app_pages/udvikling.py", "Udvikling", ":material/show_chart:", "udvikling"),
    ("app_pages/omegnskommuner.py", "Omegnskommuner", ":material/compare_arrows:", "omegnskommuner"),
    ("app_pages/landet.py", "Landet", ":material/public:", "landet"),
    ("app_pages/praktikpladser.py", "Praktikpladser", ":material/school:", "praktikpladser"),
    ("app_pages/planlaegning.py", "Planlægning", ":material/tune:", "planlaegning"),
    ("app_pages/rapport.py", "Rapport", ":material/description:", "rapport"),
    ("app_pages/data.py", "Data", ":material/upload_file:", "data"),
    ("app_pages/log.py", "Log", ":material/manage_search:", "log"),
    ("app_pages/indstillinger.py", "Indstillinger", ":material/settings:", "indstillinger"),
]
# What a role needs to see a page (csr.auth; VIEW for the rest): st.navigation gets only the user's pages.
PAGE_NEEDS = {
    "rapport": Permission.EXPORT_REPORT,
    "data": Permission.IMPORT,
    "log": Permission.AUDIT,
    "indstillinger": Permission.SETTINGS,
}


_PAGES_KEY = "_pages"


def session_pages(allowed: tuple[str, ...]) -> list[StreamlitPage]:
    """The `st.Page`s of the pages in `allowed` (their url paths), made once per session and kept while the
    user's pages stay the same: making the ten (each resolves and checks its file) took ~0.6 ms of every rerun."""
    kept = st.session_state.get(_PAGES_KEY)
    if kept is not None and kept[0] == allowed:
        return kept[1]
    pages = [
        st.Page(path, title=title, icon=icon, url_path=url, default=url == "")
        for path, title, icon, url in PAGES
        if url in allowed
    ]
    st.session_state[_PAGES_KEY] = (allowed, pages)
    return pages


def main() -> None:
    started = time.perf_counter()
    tcp.no_delay()  # once per process: Streamlit's server leaves Nagle's algorithm on (ui/tcp.py)
    meeting = frame.meeting_mode()
    st.set_page_config(
        page_title="CSR-tal",  # with the organisation once the settings in force are read
        page_icon=str(PAGE_ICON),
        layout="wide" if meeting else "centered",
        initial_sidebar_state="collapsed" if meeting else "auto",
    )
    frame.style(meeting)
    # Before login (or without a role, or refused in local mode) the gate draws its own page and stops here.
    access = auth.gate()
    # url_path is explicit: people bookmark these addresses. The frame draws the links itself (after the year
    # selector, so both are among the first Tab stops), and they keep the year and meeting mode.
    pages = session_pages(tuple(url for *_, url in PAGES if access.may(PAGE_NEEDS.get(url, Permission.VIEW))))
    page = st.navigation(pages, position="hidden")
    auth.page_view(page.title)
    slots = frame.navigation(meeting)
    widgets.year_slot(slots.year)
    config = None
    try:
        config = config_in_force(fallback=page.url_path == "indstillinger")
        st.set_page_config(page_title=f"CSR-tal · {config.organisation}")  # the home chosen on Indstillinger
        if not meeting:
            frame.sidebar(config)
        # The Data page needs no figures: it is where a bad import is undone.
        figures_page = page.url_path not in ("data", "log", "indstillinger")
        dataset = load_figures() if figures_page else None
        if dataset is not None:
            frame.sample_banner(dataset)
            frame.plausibility_warning(dataset, config)
        page.run()
        if dataset is not None:
            frame.data_basis(dataset, config)
    except (InputError, ConfigError, StoreError) as exc:
        frame.show_error(exc)
    except Exception as exc:  # a bug: logged with its traceback, shown in Danish without it
        logging.getLogger("csr.app").exception("Uventet fejl på siden %s", page.title)
        frame.show_unexpected(exc)
    if not meeting:  # below the frame's sidebar: the year and the page links stay the first Tab stops
        auth.sidebar(access)
    frame.page_links(slots.links, pages, widgets.link_year(), meeting)
    if meeting:
        st.divider()
        frame.meeting_toggle()
        if config is not None:
            frame.accessibility_link(config)
    st.session_state["_rerun_seconds"] = time.perf_counter() - started


# Streamlit runs this script as "__main__". The importer's worker processes (csr.importers.safety)
# re-run it as "__mp_main__" to get its imports, and must not start the app.
if __name__ == "__main__":
    main()
