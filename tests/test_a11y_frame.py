"""The frame's part of WCAG 2.1 AA and of meeting mode, through AppTest: the year selector first and then the
page links (keeping `?år=` and `?visning=møde`), headings h1 → h2 → h3 on Data and Rapport, no download buttons
on Rapport in meeting mode, the link to the accessibility statement, and captions at 4.5:1 or more."""

from __future__ import annotations

import math
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from browser_support import app_pages
from streamlit.testing.v1 import AppTest

from csr.config import ConfigError, default_config, parse_accessibility_statement
from ui import frame

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TITLES = [title for _, title, _, _ in app_pages()]  # every page is linked in local mode, in app.py's order
STATEMENT = "https://www.was.digst.dk/aabenraa-dk"


@pytest.fixture(autouse=True)
def store_dir(tmp_path, monkeypatch):
    """An empty store of its own: the pages show the sample data."""
    monkeypatch.setenv("CSR_DATA_DIR", str(tmp_path))
    return tmp_path


def opened(page: str = "", **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def links(node) -> list[tuple[str, dict[str, list[str]]]]:
    return [(link.proto.label, parse_qs(link.proto.query_string)) for link in node.get("page_link")]


def headings(node) -> list[str]:
    """The page's headings in order, as their tags (h1, h2, h3)."""
    found: list[str] = []
    for child in getattr(node, "children", {}).values():
        if getattr(child, "type", None) in ("title", "header", "subheader"):
            found.append(child.proto.tag)
        found += headings(child)
    return found


def test_the_year_comes_first_in_the_sidebar_then_the_page_links_which_keep_the_year():
    at = opened("omegnskommuner", år="2021")
    first, second = list(at.sidebar.children.values())[:2]
    assert first.selectbox(key="year").value == 2021  # drawn by the page into the frame's place, first
    assert links(second) == [(title, {"år": ["2021"]}) for title in TITLES]
    assert not at.main.get("page_link")


def test_a_page_without_the_selector_has_links_with_the_kept_year_and_no_year_selector():
    at = opened("omegnskommuner", år="2019")
    at.switch_page("app_pages/udvikling.py").run()
    assert not at.selectbox
    assert links(at.sidebar) == [(title, {"år": ["2019"]}) for title in TITLES]


def test_meeting_mode_has_the_year_and_page_tabs_at_the_top_keeping_year_and_meeting_mode():
    at = opened("praktikpladser", år="2021", visning="møde")
    assert not at.sidebar.children
    children = [c for c in at.main.children.values() if getattr(c, "type", None) != "html"]  # the styles aside
    top = children[0]  # the first element of the page, above the banner and the page's own content
    assert top.selectbox(key="year").value == 2021
    assert links(top) == [(title, {"år": ["2021"], "visning": ["møde"]}) for title in TITLES]
    scripts = "\n".join(h.proto.body for h in at.get("html"))
    assert 'doc.documentElement.lang = "da"' in scripts
    assert '"ArrowRight"' in scripts and '"PageDown"' in scripts  # the presenter remote's keys


def test_normal_mode_has_no_remote_keys_but_lang_da():
    scripts = "\n".join(h.proto.body for h in opened().get("html"))
    assert 'doc.documentElement.lang = "da"' in scripts
    assert '"Skip to main content":"Gå til indholdet"' in scripts.replace(": ", ":")
    assert '"PageDown"' not in scripts


@pytest.mark.parametrize(("meeting", "buttons"), [(False, ["report_pdf", "report_xlsx"]), (True, [])])
def test_rapport_has_its_downloads_only_outside_meeting_mode(meeting, buttons):
    at = opened("rapport", **({"visning": "møde"} if meeting else {}))
    assert [b.key for b in at.download_button] == buttons
    assert at.header[0].value.startswith("Det skriver rapporten om 2024")


@pytest.mark.parametrize("page", ["rapport", "data"])
def test_headings_go_h1_then_h2_never_straight_to_h3(page):
    tags = headings(opened(page).main)
    assert tags[0] == "h1" and tags.count("h1") == 1
    assert "h2" in tags, tags
    for before, after in zip(tags, tags[1:], strict=False):
        assert int(after[1]) <= int(before[1]) + 1, tags


def test_data_page_sections_are_h2():
    at = opened("data")
    assert [h.value for h in at.header] == ["Indlæs filer", "Importhistorik", "Hent data"]
    assert not at.subheader


def test_the_accessibility_statement_is_linked_on_every_page():
    assert default_config().accessibility_statement == STATEMENT
    at = opened("udvikling")
    assert f"[Tilgængelighedserklæring]({STATEMENT})" in [m.value for m in at.sidebar.markdown]
    at = opened("data", visning="møde")
    assert f"[Tilgængelighedserklæring]({STATEMENT})" in [m.value for m in at.main.markdown]


@pytest.mark.parametrize(
    "value",
    [
        "http://www.aabenraa.dk/tilgaengelighed",
        "https://",
        "javascript:alert(1)",
        "www.aabenraa.dk",
        7,
        "https://a.dk/x y",
        "https://a.dk/(x)",
    ],
)
def test_the_statement_must_be_an_https_address(value):
    with pytest.raises(ConfigError, match=r"accessibility_statement.*skal begynde med https://"):
        parse_accessibility_statement(value)


def test_the_statement_is_optional_and_kept_as_written():
    assert parse_accessibility_statement("") == ""
    assert parse_accessibility_statement(STATEMENT) == STATEMENT


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    """The WCAG 2.1 contrast ratio of two colours (#rrggbb)."""
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_contrast_formula_matches_what_axe_reported():
    # axe cuts the ratio to two decimals
    assert math.floor(contrast("#828180", "#ffffff") * 100) / 100 == 3.88  # Streamlit's caption gray, before
    assert math.floor(contrast("#7f7e7d", "#f8f8f7") * 100) / 100 == 3.81  # the sidebar caption, before


@pytest.mark.parametrize("background", ["#ffffff", "#f8f8f7", "#fffbe6"])  # page, sidebar, a warning's yellow
def test_captions_reach_4_5_to_1(background):
    assert contrast(frame.CAPTION_COLOUR, background) >= 4.5
    assert f"color: {frame.CAPTION_COLOUR}" in frame.BASE_CSS
