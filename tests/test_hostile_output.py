"""Text from a file cannot hurt what the project writes: charts and workbooks.

A control character in an education name (an xlsx cell `Elev_x0001_` reads as "Elev\\x01") made vl-convert
panic and the whole process die (SIGABRT); text starting with "=" came back from the workbooks as a
formula, "#N/A" as an error cell. Here every chart is drawn from such data, the drawing worker is made to
die on purpose, the command line meets a dying worker, and every workbook writer meets hostile text.
"""

from __future__ import annotations

import dataclasses
import io
import os
import time
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from csr import charts, drawing
from csr.export import Provenance, build_pack, chart_images, pdf_bytes, xlsx_bytes
from csr.model import SheetSummary
from csr.plain import plain, plain_spec

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = sorted(p for p in (ROOT / "sample_data").iterdir() if p.suffix in (".xlsx", ".csv"))
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
HOSTILE_EDUCATION = "Elev\x01"
HOSTILE = ['=HYPERLINK("http://x","klik")', "=1+1", "+1", "-1", "@SUM(A1)", "#N/A", "Elev\x01 og \x1fmere\x7f"]


class Abort:
    """Unpickled in the drawing worker, it aborts the worker (the stand-in for a vl-convert panic)."""

    def __reduce__(self):
        return os.abort, ()


@pytest.fixture(scope="module")
def hostile_figures(sample_import, config):
    """The sample figures with one placement education named "Elev\\x01"."""
    from csr.shares import compute

    placements = sample_import.placements.copy()
    placements.loc[placements["education"] == "Kontoruddannelse", "education"] = HOSTILE_EDUCATION
    return compute(sample_import.data, placements, config)


def every_chart(figures, config) -> dict[str, charts.Chart]:
    """Every chart builder of csr.charts, the planner's two included."""
    from csr.planning import Scenario, build_baseline, compare_targets, evaluate

    baseline = build_baseline(figures, config, 2022)
    before, after = evaluate(baseline, config), evaluate(baseline, config, Scenario(2022, {"elever": 10}))
    return {
        "figure1": charts.figure1_donut(figures.years, config, 2022),
        "trend": charts.trend_chart(figures.targets, figures.years, config),
        "schemes": charts.scheme_trend_chart(figures.shares, config, "persons"),
        "ranking": charts.neighbour_ranking_chart(figures.shares, figures.neighbours, config, 2022, "uddannelse"),
        "neighbour_trend": charts.neighbour_trend_chart(figures.neighbours, figures.years, config),
        "bullets": charts.placement_bullets(figures.placements, 2022),
        "placement_years": charts.placement_years_chart(figures.placements, (2025,)),
        "target_bullets": charts.target_bullets(compare_targets(before, after), 2022),
        "scenario_donut": charts.scenario_donut(after.years_frame(), config, 2022),
    }


def strings(spec) -> set[str]:
    if isinstance(spec, str):
        return {spec}
    items = spec.values() if isinstance(spec, dict) else spec if isinstance(spec, list) else ()
    return set().union(*(strings(v) for v in items))


# ---- charts ----------------------------------------------------------------------------------------------


def test_every_chart_with_a_control_character_in_a_name_is_drawn_as_png_and_svg(hostile_figures, config):
    drawn = every_chart(hostile_figures, config)
    bullets = drawn["bullets"].to_dict()
    assert HOSTILE_EDUCATION in strings(bullets)  # the hostile name reaches the spec ...
    with pytest.raises(drawing.DrawError, match="kunne ikke tegnes"):  # ... and, uncleaned, kills vl-convert
        drawing.call(drawing._png, bullets, 72)
    for name, chart in drawn.items():
        spec = chart.to_dict()
        png = charts.to_png(spec, ppi=72)
        assert png[:8] == PNG_MAGIC, name
        svg = charts.to_svg(spec)
        assert svg.startswith("<svg") and "\x01" not in svg, name
    assert ">Elev<" in charts.to_svg(bullets)  # the name, drawn without its control character
    assert os.getpid() and charts.to_png(bullets, ppi=72)[:8] == PNG_MAGIC  # this process lives and draws


def test_the_report_pack_with_a_control_character_is_drawn(hostile_figures, config):
    pack = build_pack(hostile_figures, config, 2022, Provenance("x" * 64))
    images = chart_images(pack.charts)
    assert set(images) == {item.name for item in pack.charts} and len(images) >= 5
    assert all(png.data[:8] == PNG_MAGIC for png in images.values())
    assert pdf_bytes(pack, images)[:5] == b"%PDF-"


def test_plain_spec_cleans_every_string_and_keeps_line_breaks():
    spec = {"title": "A\x00B\ud800C\ufffe\U0001ffff", "data": {"values": [{"x\x02": "\x85y\n2", "n": 1.5}]}}
    assert plain_spec(spec) == {"title": "ABC", "data": {"values": [{"x": "y\n2", "n": 1.5}]}}
    assert plain("Elev\x01\x7f\t") == "Elev\t"


def test_a_panic_in_the_drawing_worker_is_a_danish_sentence_and_the_next_chart_is_drawn(
    sample_figures, config, monkeypatch
):
    with pytest.raises(drawing.DrawError) as caught:
        drawing.call(os.abort)
    assert str(caught.value) == drawing.FAILED
    spec = charts.figure1_donut(sample_figures.years, config, 2019).to_dict()
    assert charts.to_png(spec, ppi=72)[:8] == PNG_MAGIC  # a new worker

    with pytest.raises(drawing.DrawError) as caught:
        drawing.call(time.sleep, 30, timeout_s=0.5)
    assert caught.value.timed_out and "inden for 0,5 sekunder" in str(caught.value)

    pack = build_pack(sample_figures, config, 2019, Provenance("x" * 64))
    from csr.export import images as images_module

    monkeypatch.setattr(
        images_module,
        "plain_spec",
        lambda s: {**plain_spec(s), "usermeta": {"x": Abort()}} if "Praktik" in str(s.get("title")) else plain_spec(s),
    )
    placement = next(item for item in pack.charts if item.name == "praktikpladser")
    with pytest.raises(drawing.DrawError) as caught:
        chart_images(pack.charts)
    assert str(caught.value).startswith(f"Figuren «{placement.title}» kunne ikke tegnes, fordi tegneprogrammet")
    failures: dict[str, str] = {}
    images = chart_images(pack.charts, failures=failures)
    assert list(failures) == ["praktikpladser"] and set(images) == {i.name for i in pack.charts} - {"praktikpladser"}
    # The files come out without the chart, the sentence in its place.
    pack = dataclasses.replace(pack, chart_notes={**pack.chart_notes, **failures})
    assert pdf_bytes(pack, images)[:5] == b"%PDF-"
    book = load_workbook(io.BytesIO(xlsx_bytes(pack, images)))
    assert failures["praktikpladser"] in [c.value for row in book["Figurer"].iter_rows() for c in row]


def test_the_command_line_says_a_danish_sentence_and_exits_2_when_a_chart_cannot_be_drawn(
    tmp_path, monkeypatch, capsys
):
    from csr.__main__ import main
    from csr.export import images as images_module

    monkeypatch.setattr(images_module, "plain_spec", lambda s: {**plain_spec(s), "usermeta": {"x": Abort()}})
    out = tmp_path / "rapport.pdf"
    assert main(["export", "--year", "2019", *map(str, SAMPLE), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    last = err.strip().splitlines()[-1]  # after the data's own warnings
    assert last.startswith("Fejl: Figuren «") and "kunne ikke tegnes, fordi tegneprogrammet stoppede uventet" in last
    assert "Traceback" not in err and "panicked" not in err and "worker" not in err
    assert not out.exists()


def test_a_chart_download_that_fails_gives_the_sentence_not_an_error():
    from ui import downloads

    failures: dict[str, str] = {}

    def fails() -> bytes:
        raise drawing.DrawError(drawing.FAILED)

    png = downloads.guarded(fails, downloads.failure_png, failures, "figur1")()
    assert png[:8] == PNG_MAGIC and failures == {"figur1": drawing.FAILED}
    svg = downloads.guarded(fails, downloads.failure_svg, failures, "figur1")()
    assert "Figuren kunne ikke tegnes" in svg
    assert downloads.guarded(lambda: b"ok", downloads.failure_png, failures, "figur1")() == b"ok" and not failures


# ---- workbooks ------------------------------------------------------------------------------------------


def test_every_workbook_holds_text_as_text(sample_import, sample_figures, config, tmp_path):
    """Every writer meets the hostile texts; reopened, each cell holding one is a text cell with the text
    (control characters removed), and no cell anywhere is a formula or an error value."""
    from csr.store import Store
    from csr.template import write_template
    from ui import downloads, upload

    expected = [plain(t) for t in HOSTILE]
    n = len(HOSTILE)
    workbooks: dict[str, bytes] = {}

    # The report workbook: hostile education names (Praktikpladser) and file and sheet names (Metode).
    placements = sample_import.placements.copy()
    rows = placements.index[placements["year"] == 2019][:n]
    placements.loc[rows, "education"] = HOSTILE
    from csr.shares import compute

    figures = compute(sample_import.data, placements, config)
    sheets = tuple(SheetSummary(t, t, "skabelon", 3) for t in HOSTILE)
    pack = build_pack(figures, config, 2019, Provenance("x" * 64, sheets=sheets))
    workbooks["rapport"] = xlsx_bytes(pack, {})
    # "Alle gældende tal": hostile files, sheets and columns on the numbers, educations on the placements.
    data = sample_import.data.iloc[:50].copy()
    for column in ("file", "sheet", "column"):
        data[column] = [HOSTILE[i % n] for i in range(len(data))]
    workbooks["alle_tal"] = upload.dataset_xlsx(data, placements, config)
    # A table download and the history workbook: "Indlæst af" and the file names.
    frame = pd.DataFrame({"Tekst": HOSTILE, "Tal": range(n)})
    workbooks["tabel"] = downloads.xlsx_bytes(frame, "Tabel", {"Tal": "0"})
    store = Store(tmp_path / "lager")
    for i, hostile in enumerate(HOSTILE[:3]):
        store.add_batch([(f"{hostile}.xlsx", SAMPLE[0].read_bytes() + bytes([i]))], sample_import, who=hostile)
    workbooks["historik"] = downloads.xlsx_bytes(upload.history_table(store.history()), "Importhistorik")
    # The template, from a configuration whose names are hostile.
    workbooks["skabelon"] = write_template(dataclasses.replace(config, organisation=HOSTILE[0], name=HOSTILE[1]))

    must_hold = {
        "rapport": expected,
        "alle_tal": expected,
        "tabel": expected,
        "historik": expected[:3],
        "skabelon": [f"Skabelon til {expected[1]} – {expected[0]}"],
    }
    for name, content in workbooks.items():
        book = load_workbook(io.BytesIO(content))
        values = []
        for ws in book.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type not in ("f", "e"), f"{name}: {ws.title}!{cell.coordinate} {cell.value!r}"
                    if isinstance(cell.value, str):
                        assert cell.data_type == "s" and plain(cell.value) == cell.value, f"{name} {cell.value!r}"
                        values.append(cell.value)
        for text in must_hold[name]:
            assert any(v == text or v.startswith(text) or f"«{text}»" in v for v in values), f"{name}: {text!r}"
