"""The HR account's pack (csr.export): made from the sample data and read back.

The PDF is read with pypdf (its text, its pages, its images and where they are drawn), the workbook
with openpyxl (sheets, headers, frozen rows, number formats, values, images). The command line runs
as a user would run it; the page /rapport runs through AppTest. The first page and a chart page are
rendered with pdftoppm to test-artifacts/ to be looked at.
"""

from __future__ import annotations

import io
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from markdown_support import seen
from openpyxl import load_workbook
from pypdf import PdfReader

from csr import text
from csr.export import Provenance, build_pack, chart_images, files_version, pdf_bytes, xlsx_bytes
from csr.export.content import Share
from csr.export.images import Png, png_size, print_ppi
from csr.export.pdf import keep_together
from csr.export.xlsx import percent_format

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = sorted(p for p in (ROOT / "sample_data").iterdir() if p.suffix in (".xlsx", ".csv"))
ARTIFACTS = ROOT / "test-artifacts"
APP = str(ROOT / "app.py")
YEARS = (2019, 2023, 2025)


def normalise(body: str) -> str:
    """Text as a reader sees it: line breaks and no-break spaces as plain spaces, soft hyphens gone."""
    return re.sub(r"\s+", " ", body.replace("\u00ad", "").replace("\u00a0", " ")).strip()


@pytest.fixture(scope="module")
def provenance(sample_import):
    return Provenance(
        files_version([(p.name, p.read_bytes()) for p in SAMPLE]), "files", tuple(sample_import.sheets), sample=True
    )


@pytest.fixture(scope="module")
def packs(sample_figures, config, provenance):
    """year -> (pack, images, pdf bytes, xlsx bytes): the charts rendered once per year."""
    out = {}
    for year in YEARS:
        pack = build_pack(sample_figures, config, year, provenance)
        images = chart_images(pack.charts)
        out[year] = (pack, images, pdf_bytes(pack, images), xlsx_bytes(pack, images))
    return out


def pdf_text(data: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(data))
    return reader, [normalise(page.extract_text()) for page in reader.pages]


# ---- the sentences ---------------------------------------------------------------------------------


def test_target_sentences_say_value_year_before_threshold_neighbours_and_what_is_missing(sample_figures, config):
    sentences = text.target_sentences(sample_figures, config, 2019)
    assert list(sentences) == [t.id for t in config.targets]
    assert sentences["beskaeftigelse_min"] == (
        "Målet om mindst 6 % af de ansatte i ordningerne under beskæftigelse er opfyldt: 10,2 % mod 10,4 % året "
        "før. Omegnskommunernes samlede gennemsnit var 7,0 %. Målet gjaldt først fra 2021."
    )
    assert sentences["uddannelse_min"] == (
        "Målet om mindst 5 % af de ansatte i ordningerne under uddannelse (uden STU) er ikke opfyldt: 4,9 % mod "
        "4,8 % året før. Der mangler 7 personer i årsgennemsnit for at nå målet. Omegnskommunernes samlede "
        "gennemsnit var 4,1 %. Målet gjaldt først fra 2021."
    )
    assert sentences["uddannelse_naboer"].startswith(
        "Målet om at ligge over omegnskommunernes gennemsnit i ordningerne under uddannelse (uden STU) er opfyldt: "
        "4,9 % mod omegnskommunernes samlede gennemsnit på 4,1 %."
    )
    assert "22,0 %" in sentences["csr_maerke"] and "CSR-mærket" in sentences["csr_maerke"]
    assert "187 besatte mod 184 aftalte pladser" in sentences["praktikpladser"]
    assert "%" not in sentences["praktikpladser"]
    # a year missing a target: how many persons are missing, in the words of the app's cards
    assert "Der mangler 9 personer i årsgennemsnit" in text.target_sentence(
        sample_figures, config, 2023, "beredskab_min"
    )


def test_sentences_of_a_provisional_year_after_the_strategy_period(sample_figures, config):
    sentence = text.target_sentence(sample_figures, config, 2025, "samlet_min")
    assert "er foreløbigt opfyldt: 19,0 %" in sentence
    assert "foreløbigt ikke opfyldt" in text.target_sentence(sample_figures, config, 2025, "praktikpladser")
    assert (
        text.targets_met_sentence(sample_figures.targets, 2025, provisional=True)
        == "I 2025 er 7 af 8 mål foreløbigt opfyldt."
    )


def test_the_first_year_has_no_year_before_and_says_what_cannot_be_judged(sample_figures, config):
    sentence = text.target_sentence(sample_figures, config, 2018, "beskaeftigelse_min")
    assert "året før" not in sentence and ": 10,4 %." in sentence
    assert "kan ikke vurderes" in text.target_sentence(sample_figures, config, 2018, "praktikpladser")
    assert "1 kan ikke vurderes" in text.targets_met_sentence(sample_figures.targets, 2018)


# ---- the PDF ------------------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2019, 2023])
def test_pdf_holds_the_year_every_target_sentence_and_page_numbers(packs, sample_figures, config, year):
    pack, _, data, _ = packs[year]
    reader, pages = pdf_text(data)
    body = " ".join(pages)
    assert 4 <= len(pages) <= 15
    assert f"HR-regnskabet {year}" in pages[0]
    for sentence in text.target_sentences(sample_figures, config, year).values():
        assert normalise(sentence) in body
    assert text.figure1_caption(sample_figures.years, config, year) in body
    for number, page in enumerate(pages, start=1):
        assert f"Side {number} af {len(pages)}" in page
    assert "Metode og datagrundlag" in body
    for path in SAMPLE:  # the files the figures come from
        assert path.name in body
    assert pack.provenance.version[:16] in body  # the data version
    assert "Eksempeldata" in pages[0]
    assert reader.metadata.title.startswith(f"HR-regnskabet {year}")


def test_pdf_2019_reproduces_the_strategys_status(packs):
    _, pages = pdf_text(packs[2019][2])
    first = pages[0]
    for figure in ("22,0 %", "10,2 %", "4,9 %", "6,9 %", "7,0 %", "4,1 %", "78,0 %"):
        assert figure in first or figure in " ".join(pages)
    assert "I 2019 er 7 af 8 mål opfyldt." in first
    # the table of every scheme, with persons (Danish thousands dot) and shares
    body = " ".join(pages)
    assert "Månedslønnede ansatte (årsgennemsnit) 4.710,0" in body
    assert "Fleksjob KRL 249,8 5,3 %" in body
    assert "Særligt tilrettelagt ungdomsuddannelse (STU) Egen liste 3,0 0,1 %" in body


def test_pdf_marks_a_provisional_year_and_the_end_of_the_strategy_period(packs):
    _, pages = pdf_text(packs[2025][2])
    assert "Foreløbige tal" in pages[0] and "2025 (foreløbig)" in pages[0]
    assert all("Foreløbige tal for 2025" in page for page in pages[1:])  # every page's header
    body = " ".join(pages)
    assert "Strategiperioden 2021-2024 er udløbet; de sidste mål gælder fortsat" in body
    assert "er foreløbigt opfyldt" in body


def _drawn_images(page) -> list[tuple[int, int, float, float]]:
    """(pixel width, pixel height, drawn width in pt, drawn height in pt) of every image on the page."""
    xobjects = page["/Resources"].get("/XObject", {})
    content = page.get_contents().get_data().decode("latin-1")
    out = []
    for w, h, name in re.findall(r"([\d.]+) 0 0 ([\d.]+) [-\d.]+ [-\d.]+ cm\s*/(\w+) Do", content):
        image = xobjects[f"/{name}"].get_object()
        out.append((int(image["/Width"]), int(image["/Height"]), float(w), float(h)))
    return out


def test_pdf_charts_are_printed_at_200_ppi_or_more(packs):
    pack, images, data, _ = packs[2019]
    reader = PdfReader(io.BytesIO(data))
    drawn = [image for page in reader.pages for image in _drawn_images(page)]
    assert len(drawn) == len(pack.charts) == len(images) == 6
    for px_w, px_h, pt_w, pt_h in drawn:
        assert px_w / (pt_w / 72) >= 200 - 0.5
        assert px_h / (pt_h / 72) >= 200 - 0.5
        assert math.isclose(px_w / px_h, pt_w / pt_h, rel_tol=0.01)  # not distorted


def test_pdf_pages_rendered_to_png_for_a_look(packs, tmp_path):
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    source = tmp_path / "rapport.pdf"
    source.write_bytes(packs[2019][2])
    ARTIFACTS.mkdir(exist_ok=True)
    for page, name in ((1, "rapport-side1"), (3, "rapport-side3-figur1"), (5, "rapport-side5-omegn")):
        subprocess.run(
            [
                pdftoppm,
                "-png",
                "-r",
                "110",
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                str(source),
                str(ARTIFACTS / name),
            ],
            check=True,
            timeout=60,
        )
        width, height = png_size((ARTIFACTS / f"{name}.png").read_bytes())
        assert math.isclose(height / width, 297 / 210, rel_tol=0.01)  # an A4 page


# ---- the workbook -------------------------------------------------------------------------------


def test_xlsx_has_a_sheet_per_table_with_danish_headers_frozen_rows_and_percent_formats(packs):
    _, _, _, data = packs[2019]
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == [
        "Oversigt",
        "Mål",
        "Ordninger",
        "År for år",
        "Omegn – Beskæftigelse",
        "Omegn – Uddannelse",
        "Praktikpladser",
        "Metode",
        "Figurer",
    ]
    headers = {name: [c.value for c in wb[name][1]] for name in wb.sheetnames}
    assert headers["Ordninger"] == [
        "Gruppe",
        "Ordning",
        "Kilde",
        "Personer (årsgennemsnit)",
        "Andel af ansatte",
        "Grundlag",
    ]
    assert headers["Mål"][:3] == ["Mål", "Krav", "Resultat 2019"]
    assert headers["Praktikpladser"] == ["Uddannelse", "Aftalt", "Realiseret", "Mangler (pladser)", "Status"]
    for name in wb.sheetnames:
        assert wb[name].freeze_panes == "A2"
        assert wb[name]["A1"].font.bold


def test_xlsx_cells_hold_the_computed_values(packs, sample_figures, config):
    _, _, _, data = packs[2019]
    wb = load_workbook(io.BytesIO(data))
    shares = sample_figures.shares
    home = shares[(shares["code"] == config.home) & (shares["year"] == 2019)].set_index("scheme")
    ws = wb["Ordninger"]
    rows = {r[1].value: r for r in ws.iter_rows(min_row=2) if r[1].value}
    for scheme in config.schemes:
        row = rows[scheme.name]
        assert row[3].value == pytest.approx(home.at[scheme.id, "persons"])
        assert row[4].value == pytest.approx(home.at[scheme.id, "share"] / 100)
        assert row[4].number_format in ("0.0 %", "0.00 %")
        assert row[3].number_format == "#,##0.0"
    assert rows["I alt i ordningerne"][4].value == pytest.approx(0.220138, abs=1e-6)
    targets = {t.name: t for t in sample_figures.targets_in(2019)}
    for row in wb["Mål"].iter_rows(min_row=2):
        t = targets.get(row[0].value)
        if t is not None and not t.places:
            assert row[2].value == pytest.approx(t.value / 100)
        elif t is not None:  # placements count places, never a percentage
            assert (row[1].value, row[2].value) == ("184 pladser aftalt", "187 besat")
    overview = {r[0].value: r[1].value for r in wb["Oversigt"].iter_rows(min_row=2)}
    assert overview["År"] == "2019"


def test_xlsx_two_decimals_where_one_would_hide_a_status():
    assert Share(4.96, 5.0).decimals() == 2 and Share(4.96, 5.0).text() == "4,96 %"
    assert Share(10.19, 6.0).decimals() == 1
    assert Share(6.0, exact=True).text() == "6 %" and Share(6.0, exact=True).decimals() == 0
    assert percent_format(1) == "0.0 %" and percent_format(2) == "0.00 %" and percent_format(0) == "0 %"


def test_xlsx_has_the_charts_as_images(packs):
    pack, _, _, data = packs[2019]
    wb = load_workbook(io.BytesIO(data))
    images = wb["Figurer"]._images
    assert len(images) == len(pack.charts)
    for image in images:
        assert image._data()[:8] == b"\x89PNG\r\n\x1a\n"


# ---- small parts ----------------------------------------------------------------------------------


def test_a_chart_is_never_printed_larger_than_its_own_size():
    png = Png(b"", 1000, 500, 200)  # 127 x 63.5 mm
    assert png.fit(170, 200) == pytest.approx((127.0, 63.5))
    assert png.fit(100, 200) == pytest.approx((100.0, 50.0))
    assert png.fit(170, 25.4) == pytest.approx((50.8, 25.4))


def test_a_chart_printed_smaller_than_drawn_is_rendered_with_fewer_pixels_but_200_ppi_on_paper():
    assert print_ppi(200.0, 170.0) == 170  # 200 mm drawn, 170 mm printed: 170 ppi drawn = 200 ppi printed
    assert print_ppi(120.0, 170.0) == 200  # printed at its own size
    png = Png(b"", math.ceil(200 / 25.4 * print_ppi(200.0, 170.0)), 100, print_ppi(200.0, 170.0))
    printed_width, _ = png.fit(170.0, 250.0)
    assert png.width / (printed_width / 25.4) >= 200


def test_numbers_keep_their_units_on_the_line():
    assert keep_together("10,2 % og +4,2 pp, kl. 04.16") == "10,2\u00a0% og +4,2\u00a0pp, kl.\u00a004.16"
    assert keep_together("mindst 6 personer") == "mindst 6 personer"


# ---- the command line ----------------------------------------------------------------------------


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "csr", *args], cwd=cwd, capture_output=True, text=True, timeout=180)


def test_cli_writes_the_pdf_and_the_workbook(tmp_path):
    files = [str(p.relative_to(ROOT)) for p in SAMPLE]
    out = tmp_path / "x.pdf"
    done = run_cli("export", "--year", "2019", *files, "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "Rapporten for 2019 er skrevet til" in done.stdout
    _, pages = pdf_text(out.read_bytes())
    assert "HR-regnskabet 2019" in pages[0] and 4 <= len(pages) <= 15


def test_cli_refuses_a_year_without_data_and_an_unknown_format_in_danish(tmp_path):
    files = [str(p.relative_to(ROOT)) for p in SAMPLE]
    done = run_cli("export", "--year", "2030", *files, "--out", str(tmp_path / "x.pdf"))
    assert done.returncode == 2
    assert "Fejl: der er ingen tal for 2030. Årene i data er 2018" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "x.pdf").exists()
    done = run_cli("export", "--year", "2019", *files, "--out", str(tmp_path / "x.docx"))
    assert done.returncode == 2 and "skal ende på .pdf eller .xlsx" in done.stderr


def test_cli_from_the_store_with_a_saved_scenario_as_outlook(tmp_path, sample_import, capsys):
    from csr.__main__ import main
    from csr.planning import Placement, Scenario
    from csr.store import Store

    store = Store(tmp_path / "lager")
    store.add_batch([(p.name, p.read_bytes()) for p in SAMPLE], sample_import, who="test")
    plan = Scenario(2025, {"elever": 12}, 0, (Placement("beredskab", 20, (2025, 8), (2025, 12)),))
    store.save_scenario("Flere elever", plan.to_dict())
    out = tmp_path / "rapport.xlsx"
    assert (
        main(
            [
                "export",
                "--data-dir",
                str(tmp_path / "lager"),
                "--year",
                "2025",
                "--scenario",
                "Flere elever",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    wb = load_workbook(out)
    assert "Udsigt – mål" in wb.sheetnames and "Udsigt – plan" in wb.sheetnames
    overview = " ".join(str(c.value) for row in wb["Oversigt"].iter_rows() for c in row)
    as_of = text.data_as_of(store.history())
    assert as_of.startswith("Data pr. ") and as_of.endswith("(import nr. 1)")
    assert as_of in overview and store.version() not in overview  # the as-of sentence, never the internal version
    assert f"{as_of}." in [c.value for c in wb["Metode"]["B"]]
    methods = " ".join(str(c.value) for row in wb["Metode"].iter_rows() for c in row)
    assert "krl_ansatte_og_ordninger.xlsx: import nr. 1" in methods
    pdf = tmp_path / "rapport.pdf"
    assert (
        main(
            [
                "export",
                "--data-dir",
                str(tmp_path / "lager"),
                "--year",
                "2025",
                "--scenario",
                "Flere elever",
                "--out",
                str(pdf),
            ]
        )
        == 0
    )
    _, pages = pdf_text(pdf.read_bytes())
    body = " ".join(pages)
    assert "Udsigt: scenariet «Flere elever» for 2025" in body
    assert "Med scenariet «Flere elever» ville 7 af 8 mål være opfyldt i 2025 mod 7 uden planen." in body
    assert main(["export", "--data-dir", str(tmp_path / "lager"), "--scenario", "Findes ikke", "--out", str(pdf)]) == 2
    assert "Scenariet 'Findes ikke' findes ikke." in capsys.readouterr().err


# ---- the page ---------------------------------------------------------------------------------------


def open_report(monkeypatch, data_dir: Path):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("CSR_DATA_DIR", str(data_dir))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("app_pages/rapport.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def test_report_page_offers_year_scenario_and_both_downloads(monkeypatch, tmp_path, sample_figures, config):
    at = open_report(monkeypatch, tmp_path / "lager")
    assert at.title[0].value == "Rapport til HR-regnskabet"
    year = at.selectbox(key="year")
    assert year.value == 2024 and year.format_func(2025) == "2025 (foreløbig)"
    assert at.selectbox(key="report_scenario").options == ["Intet scenarie"]
    assert at.download_button(key="report_pdf").label == "PDF til HR-regnskabet"
    assert at.download_button(key="report_xlsx").label == "Excel med tabellerne"
    year.select(2019).run()
    assert not at.exception
    shown = seen(" ".join(m.value for m in at.markdown))
    for sentence in text.target_sentences(sample_figures, config, 2019).values():
        assert sentence in shown


def test_report_page_shows_the_outlook_of_a_saved_scenario(monkeypatch, tmp_path, sample_import):
    from csr.planning import Scenario
    from csr.store import Store

    store = Store(tmp_path / "lager")
    store.save_scenario("Tolv elever", Scenario(2024, {"elever": 12}).to_dict())
    at = open_report(monkeypatch, tmp_path / "lager")
    assert at.selectbox(key="report_scenario").options == ["Intet scenarie", "Tolv elever"]
    at.selectbox(key="report_scenario").select("Tolv elever").run()
    assert not at.exception and not at.error
    assert "Med scenariet «Tolv elever» ville" in " ".join(i.value for i in at.info)


def test_report_page_says_in_danish_why_a_scenario_cannot_be_used(monkeypatch, tmp_path):
    from csr.planning import Scenario
    from csr.store import Store

    Store(tmp_path / "lager").save_scenario("Fremtiden", Scenario(2031, {"elever": 5}).to_dict())
    at = open_report(monkeypatch, tmp_path / "lager")
    at.selectbox(key="report_scenario").select("Fremtiden").run()
    assert not at.exception
    assert "Scenariet «Fremtiden» kan ikke bruges: Der er ingen tal for 2031." in seen(at.error[0].value)
    assert at.download_button(key="report_pdf").label == "PDF til HR-regnskabet"  # the report without it


# ---- a real browser: the download itself -------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian's Chromium is not installed")
def test_report_downloads_arrive_from_a_running_app(tmp_path):
    """Streamlit calls the buttons' `data` only on a click, in a worker thread: only a real server shows
    that the files are made there and arrive whole."""
    pytest.importorskip("playwright.sync_api")
    from browser_support import chromium, open_page, serve

    with (
        serve("streamlit-rapport.log", data_dir=tmp_path / "lager") as (url, _),
        chromium() as browser,
        open_page(browser, height=2400, accept_downloads=True) as page,
    ):
        page.set_default_timeout(120_000)
        page.goto(f"{url}/rapport")
        page.locator(".st-key-report_pdf button").first.wait_for()
        page.locator('[data-testid="stMainBlockContainer"]').screenshot(path=ARTIFACTS / "rapport-side.png")
        downloads = {}
        for key in ("report_pdf", "report_xlsx"):
            with page.expect_download(timeout=120_000) as info:
                page.locator(f".st-key-{key} button").first.click()
            downloads[key] = (info.value.suggested_filename, Path(info.value.path()).read_bytes())
        assert page.locator('[data-testid="stException"]').count() == 0
    name, pdf = downloads["report_pdf"]
    assert name == "csr-hr-regnskab-2024.pdf"
    _, pages = pdf_text(pdf)
    assert "HR-regnskabet 2024" in pages[0] and "Eksempeldata" in pages[0]
    name, xlsx = downloads["report_xlsx"]
    assert name == "csr-hr-regnskab-2024.xlsx"
    assert "Ordninger" in load_workbook(io.BytesIO(xlsx)).sheetnames
