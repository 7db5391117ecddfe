"""Text from a file is data, never markup: a file and an education named with Markdown, LaTeX, a colour
directive and an icon shortcode, imported, shown on every page, imported again and undone. Every body that
Streamlit renders as Markdown holds the name escaped (`ui.safe.md_escape`), never the markup itself.

Before the fix, the name reached st.markdown, st.success, st.warning, the Datagrundlag expander and the
Praktikpladser caption as it was: `![x](http://127.0.0.1:9)` made the browser fetch that address.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from markdown_support import seen
from streamlit.testing.v1 import AppTest
from table_support import html_tables

from csr.store import Store
from ui.safe import md_escape

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
DATA_PAGE = "app_pages/data.py"
REPORT_PAGE = "app_pages/rapport.py"
PAGES = [
    "app_pages/overblik.py",
    "app_pages/udvikling.py",
    "app_pages/omegnskommuner.py",
    "app_pages/praktikpladser.py",
    "app_pages/planlaegning.py",
    REPORT_PAGE,
    DATA_PAGE,
]
SAMPLE_FILES = sorted(p for p in (ROOT / "sample_data").iterdir() if p.suffix in (".xlsx", ".csv"))

EVIL = "![x](http://127.0.0.1:9) **fed** $x^2$ :red[r] :material/home:"
FILE_NAME = f"{EVIL}.csv"
EDUCATION = f"{EVIL} assistent <img src=http://127.0.0.1:9/e.png> & co"  # and HTML, for the HTML table
WHO = "**Eva** ![y](http://127.0.0.1:9)"
# A placement list in the project's own shape (as sample_data/egne_lister.xlsx, sheet Praktikpladser):
# one education short of its agreed places in 2024, so the Praktikpladser caption names it.
PLACEMENTS = f"År;Uddannelse;Aftalt;Realiseret\n2024;{EDUCATION};5;1\n".encode()

# Markup that renders unless escaped: an image, bold, LaTeX, a colour directive, an icon.
MARKUP = re.compile(r"(?<!\\)!(?<!\\)\[x|(?<!\\)\*(?<!\\)\*fed|(?<!\\)\$x|(?<!\\):red\[r|(?<!\\):material/home")


def bodies(at: AppTest) -> list[str]:
    """Every text on the page that Streamlit renders as Markdown, raw."""
    out = [
        e.value
        for kind in (
            "markdown",
            "caption",
            "info",
            "warning",
            "error",
            "success",
            "toast",
            "title",
            "subheader",
            "header",
        )
        for e in getattr(at, kind)
    ]
    out += [e.label for e in at.expander]
    for table in at.table:  # st.table renders its headers and cells as Markdown too
        frame = table.value
        out += [str(c) for c in frame.columns]
        out += [v for column in frame.columns for v in frame[column] if isinstance(v, str)]
    return out


def assert_plain_html(at: AppTest) -> None:
    """No st.html body (the app's own tables and styles) holds a tag or an entity that a file's text made."""
    for body in (e.value for e in at.get("html")):
        assert "<img" not in body, body[:200]


def assert_no_markup(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    rendered = [b for b in bodies(at) if MARKUP.search(b)]
    assert rendered == []


def named(at: AppTest, kind: str, text: str) -> list[str]:
    """The bodies of `kind` (e.g. "success") that show `text` to a reader."""
    return [e.value for e in getattr(at, kind) if text in seen(e.value)]


def test_names_from_files_and_typed_names_are_escaped_on_every_page(store_dir):
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.switch_page(DATA_PAGE).run()
    files = [(p.name, p.read_bytes(), "application/octet-stream") for p in SAMPLE_FILES]
    files.append((FILE_NAME, PLACEMENTS, "text/csv"))
    at.file_uploader(key="upload").set_value(files).run()
    assert_no_markup(at)
    at.text_input(key="import_who").input(WHO).run()
    at.checkbox(key="accept_warnings").check().run()
    at.button(key="import_confirm").click().run()
    assert_no_markup(at)

    # the message after "Gem i databasen" names the file escaped
    [saved] = named(at, "success", FILE_NAME)
    assert md_escape(FILE_NAME) in saved and seen(saved).startswith("Import nr. 1 er gemt")
    # the history names the file and who imported it, escaped
    [line] = [m for m in at.markdown if m.value.startswith("**Import nr. 1**")]
    assert md_escape(FILE_NAME) in line.value and md_escape(WHO) in line.value

    # every page: Datagrundlag names the file escaped; no page shows the server's data folder
    for page in PAGES:
        at.switch_page(page).run()
        if page != REPORT_PAGE:  # see test_the_report_page_shows_names_from_files_escaped
            assert_no_markup(at)
        assert not [b for b in bodies(at) if str(store_dir) in b], page
        if page != DATA_PAGE:
            [expander] = [e for e in at.expander if e.label == "Datagrundlag"]
            basis = "\n".join(m.value for m in expander.markdown)
            assert f"**{md_escape(FILE_NAME)}**" in basis, page

    # the Praktikpladser caption names the education escaped
    at.switch_page("app_pages/praktikpladser.py").run()
    at.selectbox(key="year").select(2024).run()
    assert_no_markup(at)
    [caption] = [c.value for c in at.caption if EDUCATION in seen(c.value)]
    assert md_escape(EDUCATION) in caption and "under det aftalte" in caption
    # and its table (HTML) shows it as the characters it has, with its places
    assert_plain_html(at)
    [table] = [t for t in html_tables(at) if "Uddannelse" in t.columns]
    row = table.set_index("Uddannelse").loc[EDUCATION]
    assert row[["Aftalt", "Besat", "Mangler"]].tolist() == ["5", "1", "4"]
    [body] = [e.value for e in at.get("html") if "Uddannelse" in e.value]
    assert html.escape(EDUCATION) in body  # "<img …>" and "&" as the characters they are

    # the same file again: "allerede indlæst" names it escaped
    at.switch_page(DATA_PAGE).run()
    at.file_uploader(key="upload").set_value([(FILE_NAME, PLACEMENTS, "text/csv")]).run()
    assert_no_markup(at)
    [again] = named(at, "warning", "er allerede indlæst")
    assert md_escape(FILE_NAME) in again

    # the undo's preview and its message name the file escaped
    at.button(key="undo_1").click().run()
    assert_no_markup(at)
    [preview] = named(at, "warning", "Fortryder du import nr. 1")
    assert md_escape(FILE_NAME) in preview
    at.button(key="undo_confirm_1").click().run()
    assert_no_markup(at)
    [undone] = named(at, "success", "er fortrudt")
    assert md_escape(FILE_NAME) in undone
    assert Store(store_dir).is_empty()


def test_the_report_page_shows_names_from_files_escaped(store_dir):
    from csr.config import default_config
    from csr.importers import import_uploads

    uploads = [(p.name, p.read_bytes()) for p in SAMPLE_FILES] + [(FILE_NAME, PLACEMENTS)]
    Store(store_dir).add_batch(uploads, import_uploads(uploads, default_config()), who=WHO)
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.switch_page(REPORT_PAGE).run()
    at.selectbox(key="year").select(2024).run()
    assert_no_markup(at)


def test_md_escape_leaves_no_markup_and_the_same_characters():
    escaped = md_escape(f"{EVIL} www.x.dk a@b.dk <b>&amp;</b> # - 1. ~~s~~ _i_ `c` |t|\nny linje")
    assert not MARKUP.search(escaped)
    assert seen(escaped) == f"{EVIL} www.x.dk a@b.dk <b>&amp;</b> # - 1. ~~s~~ _i_ `c` |t| ny linje"
    for special in "\\`*_{}[]()#+-.!|~<>$:&":
        assert md_escape(special) == "\\" + special
    assert "\u2060" in md_escape("http://x.dk") and "\u2060" in md_escape("a@b.dk")  # no autolinks
    assert md_escape("Sygeplejestuderende") == "Sygeplejestuderende"
