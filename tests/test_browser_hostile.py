"""Nothing inside a file can hurt anyone, in a real browser (issue 10, "Done when").

A template-shaped workbook whose file name is Markdown (an image from an outside address, bold, LaTeX, a
colour directive) and whose education names hold a control character (`Elev_x0001_`, how a workbook stores
U+0001) and formula-like text (`=1+1`, `=HYPERLINK(...)`) is uploaded on the Data page and stored. Then
every page is visited and every download on it is made. Nothing renders as markup, no request leaves the
app's own address, every workbook holds the texts as text cells (never a formula or an error cell),
every PNG is a PNG, and the server goes on serving.

One server, one browser, one page; every wait is for an element or a download, never a fixed sleep.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from browser_support import ARTIFACTS, BROWSER_MARKS, assert_no_error, healthy, open_page, serve, text_once_it_holds
from test_browser_offline import _own

pytestmark = BROWSER_MARKS
pytest.importorskip("playwright.sync_api")

HOSTILE_NAME = "![x](http://127.0.0.1:9) **fed** $x$ :red[r].xlsx"
FORMULAS = ["=1+1", '=HYPERLINK("http://127.0.0.1:9","klik")']
EDUCATIONS = ["Elev_x0001_", *FORMULAS]  # the first reads as "Elev\x01" and is stored as "Elev"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JOINER = "\u2060"  # ui.safe keeps ":red" and "http:" text with an invisible word joiner
# (url path, title, whether the shared frame draws "Datagrundlag" as the page's last element)
PAGES = [
    ("", "Overblik", True),
    ("udvikling", "Udvikling", True),
    ("omegnskommuner", "Omegnskommuner", True),
    ("praktikpladser", "Praktikpladser", True),
    ("planlaegning", "Planlægning", True),
    ("rapport", "Rapport til HR-regnskabet", True),
    ("data", "Data", False),
]
# Downloads that must hold the placements' education names (and so the formula-like texts).
WITH_EDUCATIONS = ("praktikpladser_2024.xlsx", "csr_data.xlsx", "csr-hr-regnskab-2024.xlsx")

# What Markdown would have made of the file name, looked for in the whole document.
MARKUP = """() => {
    const found = [];
    for (const img of document.querySelectorAll('img')) {
        if ((img.getAttribute('src') || '').includes('127.0.0.1:9')) found.push('img ' + img.src);
    }
    for (const a of document.querySelectorAll('a')) {
        if ((a.getAttribute('href') || '').includes('127.0.0.1:9')) found.push('link ' + a.href);
    }
    for (const b of document.querySelectorAll('strong, b')) {
        if (b.textContent.trim() === 'fed') found.push('bold fed');
    }
    if (document.querySelector('.katex, .katex-display, math')) found.push('KaTeX');
    for (const s of document.querySelectorAll('span, em, strong')) {
        if (s.textContent === 'r' && s.children.length === 0) found.push('coloured r: ' + s.outerHTML);
    }
    return found;
}"""

SETTLED = """(withBasis) => {
    const main = document.querySelector('[data-testid="stMainBlockContainer"]');
    if (!main || document.querySelector('[data-testid="stSkeleton"]')) return false;
    if (withBasis && !document.querySelector('.st-key-datagrundlag')) return false;
    if (!withBasis && !document.querySelector('.st-key-data_downloads .st-key-download_history button')) return false;
    const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
    return charts.every(c => c.querySelector('svg, canvas'));
}"""


def hostile_xlsx() -> bytes:
    """The upload template's shape (csr/template.py: sheet "Data" with Kommune, Måned, Ordning, Antal and
    sheet "Praktikpladser" with År, Uddannelse, Aftalt, Realiseret) for Aabenraa and its six neighbours,
    2023-2024, with the hostile education names written as text cells."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["Kommune", "Måned", "Ordning", "Antal"])
    staff = {580: 4700, 561: 8900, 510: 4000, 621: 6900, 540: 5300, 550: 2600, 575: 2800}
    for code, headcount in staff.items():
        for year in (2023, 2024):
            for month in (2, 5, 8, 11):
                period = f"{year}-{month:02d}"
                ws.append([code, period, "Månedslønnede", headcount])
                ws.append([code, period, "Fleksjob", round(headcount * 0.04)])
                ws.append([code, period, "Elever", round(headcount * 0.03)])
                if code == 580:
                    ws.append([code, period, "Frivillige i beredskabet", 300])
    wp = wb.create_sheet("Praktikpladser")
    wp.append(["År", "Uddannelse", "Aftalt", "Realiseret"])
    for year in (2023, 2024):
        for education, agreed, realised in zip(EDUCATIONS, (3, 2, 1), (2, 2, 0), strict=True):
            wp.append([year, education, agreed, realised])
            wp.cell(wp.max_row, 2).data_type = "s"  # text in the file, as an HR system writes it
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def assert_no_markup(page, where: str) -> None:
    assert page.evaluate(MARKUP) == [], where


def settle(page, title: str, with_basis: bool) -> None:
    """The page's script has run to its end (its last element is drawn) and every chart is drawn."""
    page.wait_for_function("(t) => [...document.querySelectorAll('h1')].some(h => h.innerText.trim() === t)", arg=title)
    page.wait_for_function(SETTLED, arg=with_basis)
    assert_no_error(page)


def visible_text(page, selector: str) -> str:
    return page.locator(selector).inner_text().replace(JOINER, "")


def download_all(page, into: dict[str, bytes]) -> int:
    """Click every enabled download button of the page; each file kept by its suggested name."""
    buttons = page.locator('[data-testid="stDownloadButton"] button:visible')  # a help tooltip adds a hidden copy
    count = buttons.count()
    made = 0
    for i in range(count):
        button = buttons.nth(i)
        if button.is_disabled():
            continue
        with page.expect_download(timeout=120_000) as info:
            button.click()
        download = info.value
        into[download.suggested_filename] = Path(download.path()).read_bytes()
        made += 1
    assert_no_error(page)
    return made


def check_workbook(name: str, data: bytes) -> list[str]:
    """Every cell of the workbook is a value, never a formula or an error; its text cells."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type not in ("f", "e"), (name, ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (name, ws.title, cell.coordinate)
                    assert "\x01" not in cell.value, (name, ws.title, cell.coordinate)
                    texts.append(cell.value)
    return texts


def test_a_hostile_file_is_text_everywhere_and_the_server_goes_on(browser, tmp_path):
    with (
        serve("streamlit-hostile.log", data_dir=tmp_path / "lager") as (url, proc),
        open_page(browser, height=3000, accept_downloads=True) as page,
    ):
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.on("websocket", lambda ws: requests.append(ws.url))

        # Upload, tick the warning (the control character was removed), store.
        page.goto(f"{url}/data")
        page.wait_for_selector(".st-key-upload input[type=file]", state="attached")
        page.set_input_files(
            ".st-key-upload input[type=file]", [{"name": HOSTILE_NAME, "mimeType": XLSX_MIME, "buffer": hostile_xlsx()}]
        )
        page.locator(".st-key-accept_warnings label").wait_for()
        preview = visible_text(page, ".st-key-import_preview")
        assert "Tegn uden betydning fjernet fra cellen: styretegn U+0001. Cellen læses som 'Elev'." in preview
        assert_no_markup(page, "the preview")
        page.locator(".st-key-accept_warnings label").click()
        page.wait_for_function(
            "(b => b !== null && !b.disabled)(document.querySelector('.st-key-import_confirm button'))"
        )
        page.locator(".st-key-import_confirm button").first.click()
        page.get_by_text("Import nr. 1 er gemt").wait_for()
        settle(page, "Data", with_basis=False)
        assert_no_markup(page, "the stored import")
        batch = text_once_it_holds(page, ".st-key-batch_1", "Import nr. 1").replace(JOINER, "")
        assert HOSTILE_NAME in batch  # the name as it is, not as markup

        downloads: dict[str, bytes] = {}
        for path, title, with_basis in PAGES:
            page.goto(f"{url}/{path}")
            settle(page, title, with_basis)
            assert_no_markup(page, title)
            if path == "":  # the file is named in "Datagrundlag" as the characters it has
                page.locator(".st-key-datagrundlag summary").click()
                page.locator(".st-key-datagrundlag [data-testid='stMarkdownContainer']").first.wait_for()
                assert HOSTILE_NAME in visible_text(page, ".st-key-datagrundlag")
                assert_no_markup(page, "Datagrundlag")
            if path == "praktikpladser":
                assert "=1+1" in visible_text(page, '[data-testid="stMainBlockContainer"]')
            assert download_all(page, downloads) > 0, title
            assert_no_markup(page, f"{title} after its downloads")

        (ARTIFACTS / "hostile").mkdir(parents=True, exist_ok=True)
        for name, data in downloads.items():
            (ARTIFACTS / "hostile" / name).write_bytes(data)
        kinds = {name.rsplit(".", 1)[-1] for name in downloads}
        assert kinds == {"png", "svg", "xlsx", "pdf"}, sorted(downloads)
        assert {
            "csr_skabelon.xlsx",
            "csr_data.xlsx",
            "csr_importhistorik.xlsx",
            "csr-hr-regnskab-2024.pdf",
            *WITH_EDUCATIONS,
        } <= set(downloads), sorted(downloads)
        for name, data in downloads.items():
            if name.endswith(".png"):
                assert data[:8] == PNG_MAGIC, name
            elif name.endswith(".svg"):
                assert data.lstrip()[:5] in (b"<svg ", b"<?xml") and b"\x01" not in data, name
                assert b'class="marks"' in data, f"{name} is Vega's drawing, not the could-not-draw image"
            elif name.endswith(".pdf"):
                assert data[:5] == b"%PDF-", name
            else:
                texts = check_workbook(name, data)
                if name in WITH_EDUCATIONS:
                    for formula in FORMULAS:
                        assert formula in texts, (name, formula)
                    assert "Elev" in texts, name
        assert b"=1+1" in downloads["praktikpladser_2024.svg"]  # the education drawn as the text it is
        assert HOSTILE_NAME in check_workbook("csr_importhistorik.xlsx", downloads["csr_importhistorik.xlsx"])

        # The server goes on: the same process, healthy, and a page loads and draws.
        assert proc.poll() is None and healthy(url)
        page.goto(f"{url}/")
        settle(page, "Overblik", with_basis=True)
        assert_no_markup(page, "Overblik at the end")

        assert any("/_stcore/" in u for u in requests), "the recording saw the page's own requests"
        outside = sorted({u for u in requests if not _own(u, url)})
        assert outside == []
