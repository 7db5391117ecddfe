"""Charts on screen (`csr.charts.screen`): as wide as their container, faceted charts as one chart per
panel, meeting mode by type size, Danish descriptions instead of Vega's English ARIA texts, and each
chart's data as a Danish table; the builders' own specs keep the fixed sizes of the downloads."""

from __future__ import annotations

import json
import re

import pytest

from csr import charts


def _walk(node, key=None):
    if isinstance(node, dict):
        for k, v in node.items():
            if k != "datasets":
                yield from _walk(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v, key)
    else:
        yield key, node


def _choices(expr: str) -> list[tuple[int, list[str]]]:
    """The wrapped variants of a title expression: (minimum container width, lines), widest first."""
    found = re.findall(r">= (\d+) \? (\[.*?\]) :", expr)
    last = re.findall(r"\((\[[^\[\]]*\])\)+$", expr) or [expr]
    return [(int(w), json.loads(lines)) for w, lines in found] + [(0, json.loads(last[-1]))]


@pytest.fixture(scope="module")
def built(sample_figures, config):
    f = sample_figures
    return {
        "trend": charts.trend_chart(f.targets, f.years, config),
        "schemes": charts.scheme_trend_chart(f.shares, config, "share"),
        "ranking": charts.neighbour_ranking_chart(f.shares, f.neighbours, config, 2019, "beskaeftigelse"),
        "neighbour_trend": charts.neighbour_trend_chart(f.neighbours, f.years, config),
        "bullets": charts.placement_bullets(f.placements, 2022),
        "placement_years": charts.placement_years_chart(f.placements, (2025,)),
    }


def test_a_single_chart_on_screen_fills_its_container_and_wraps_its_title(built):
    spec = built["bullets"].to_dict()
    assert spec["width"] == 480  # the downloads and the PDF keep their fixed size
    shown = charts.screen(spec)
    assert len(shown.panels) == 1 and shown.title is None
    panel = shown.panels[0]
    assert "width" not in panel and panel["autosize"] == {"type": "fit-x", "contains": "padding"}
    assert panel["config"]["aria"] is False and panel["config"]["mark"]["aria"] is False
    assert panel["usermeta"][charts.TITLE_KEY]["text"] == "Praktik- og elevpladser 2022: realiseret mod aftalt"
    assert charts.TABLE_KEY not in panel.get("usermeta", {})  # the table stays on the server
    choices = _choices(panel["title"]["text"]["expr"])
    assert choices[0][1] == ["Praktik- og elevpladser 2022: realiseret mod aftalt"]  # one line when wide
    for width, lines in choices:
        assert " ".join(lines) == "Praktik- og elevpladser 2022: realiseret mod aftalt"  # never cut
        chars = max(len(line) for line in lines)
        assert width == 0 or chars * 15 * 0.56 <= width + 1  # the lines fit the width they are chosen for
    assert choices[-2][0] < 390 - 32  # a phone gets a wrapped title
    # the values column of the ranking follows the plot's width instead of a fixed 440 px
    ranking = charts.screen(built["ranking"].to_dict()).panels[0]
    texts = [u for u in ranking["layer"] if u["mark"]["type"] == "text" and u["encoding"]["text"]["field"] == "label"]
    assert texts[0]["encoding"]["x"] == {"value": "width"}
    assert not [(k, v) for k, v in _walk(ranking) if k == "width" and isinstance(v, (int, float))]


def test_a_faceted_chart_becomes_one_chart_per_panel_with_a_shared_scale(built):
    spec = built["trend"].to_dict()
    shown = charts.screen(spec)
    assert shown.title == "Andel af ansatte i ordningerne år for år"
    assert shown.subtitle.startswith("Grå linjer: målene")
    assert shown.columns == 2
    names = [p["usermeta"][charts.TITLE_KEY]["text"] for p in shown.panels]
    assert names == [["Alle ordninger"], ["Beskæftigelse"], ["Uddannelse (uden STU)"], ["Beredskabet"]]
    domains = {json.dumps(u["encoding"]["y"]["scale"]["domain"]) for p in shown.panels for u in p["layer"]}
    assert len(domains) == 1  # the panels compare on one scale, as the faceted chart did
    low, high = json.loads(domains.pop())
    assert low == 0 and 22.4 <= high <= 25  # the highest share (22,4 % in 2018) inside it
    for p in shown.panels:
        rows = next(iter(p["datasets"].values()))
        assert {r["panel"] for r in rows} == {p["usermeta"][charts.TITLE_KEY]["text"][0]}  # only its own rows
    legends = [
        [u["encoding"]["strokeDash"].get("legend", "shown") for u in p["layer"] if "strokeDash" in u["encoding"]]
        for p in shown.panels
    ]
    assert legends[:-1] == [[None]] * 3 and legends[-1] == ["shown"]  # the legend once, under the last panel
    # each scheme keeps its own scale
    schemes = charts.screen(built["schemes"].to_dict())
    assert schemes.columns == 3 and len(schemes.panels) == 12
    assert not [u for p in schemes.panels for u in p["layer"] if "domain" in u["encoding"]["y"].get("scale", {})]


def test_meeting_mode_makes_type_and_marks_larger_not_wider(built):
    normal = charts.screen(built["ranking"].to_dict()).panels[0]
    meeting = charts.screen(built["ranking"].to_dict(), meeting=True).panels[0]
    assert normal["config"]["axis"]["labelFontSize"] == 12
    assert meeting["config"]["axis"]["labelFontSize"] == pytest.approx(17.4)
    assert meeting["config"]["title"]["fontSize"] == pytest.approx(15 * 1.45, abs=0.1)
    assert meeting["height"] == {"step": pytest.approx(30 * 1.45, abs=0.1)}
    bar = next(u for u in meeting["layer"] if u["mark"]["type"] == "bar")
    assert bar["mark"]["height"] == pytest.approx(22 * 1.45, abs=0.1)
    assert "width" not in meeting  # the container's width, in meeting mode too
    # the title wraps by the larger type
    assert _choices(meeting["title"]["text"]["expr"])[0][0] > _choices(normal["title"]["text"]["expr"])[0][0]


def test_every_chart_has_a_danish_description_and_its_data_as_a_table(built):
    for name, chart in built.items():
        shown = charts.screen(chart.to_dict())
        assert re.match(r"(Linje|Søjle)diagram", shown.description), name
        assert shown.table is not None and len(shown.table) > 0, name
        for panel in shown.panels:
            assert re.search(r"(Linje|Søjle)diagram", panel["description"]), name
        cells = " ".join(str(v) for v in shown.table.to_numpy().ravel())
        assert not re.search(r"\d\.\d+ ?%", cells), f"{name}: a decimal point"
        assert not re.search(r"\b(nan|None|True|False)\b", cells), name
    bullets = charts.screen(built["bullets"].to_dict())
    table = bullets.table.set_index("Uddannelse")
    assert list(table.columns) == ["Aftalt", "Besat", "Mangler", "Opfyldelse", "Status"]
    assert table.loc["Social- og sundhedsassistent"].tolist() == ["60", "53", "7", "88,3 %", "Ikke opfyldt"]
    assert "2022 for 7 uddannelser" in bullets.description
    ranking = charts.screen(built["ranking"].to_dict()).table.set_index("Kommune")
    assert ranking.loc["Aabenraa", "Andel af ansatte (%)"] == "10,2 %"
    assert ranking.loc["Aabenraa", "Placering"] == "1."
    assert ranking.loc["Omegnsgennemsnit (samlet)", "Andel af ansatte (%)"] == "7,0 %"
    trend = charts.screen(built["trend"].to_dict()).table
    row = trend[(trend["Gruppe"] == "Uddannelse (uden STU)") & (trend["År"] == "2021")].iloc[0]
    assert row.tolist() == ["Uddannelse (uden STU)", "2021", "4,7 %", "5 %", "✗ Ikke opfyldt"]
    years = charts.screen(built["placement_years"].to_dict()).table.set_index("År")
    assert years.loc["2022", "Status"] == "Ikke opfyldt" and years.loc["2019", "Opfyldelse"] == "101,6 %"
    assert years.index[-1] == "2025 (foreløbig)"
    schemes = charts.screen(built["schemes"].to_dict()).table.set_index("Ordning")
    assert schemes.columns[-1] == "2025 (foreløbig)"
    assert schemes.loc["Fleksjob", "2019"].endswith(" %")


def test_one_status_language_on_the_placement_charts(built):
    for name in ("bullets", "placement_years"):
        spec = built[name].to_dict()
        bar = next(u for u in spec["layer"] if u["mark"]["type"] == "bar")
        scale = bar["encoding"]["color"]["scale"]
        assert dict(zip(scale["domain"], scale["range"], strict=True)) == charts.STATUS_COLOURS
    rows = next(iter(built["bullets"].to_dict()["datasets"].values()))
    lines = {r["education"]: r["lines"] for r in rows}
    assert lines["Social- og sundhedsassistent"] == (
        "Social- og sundhedsassistent\n✗ Ikke opfyldt: 53 besatte mod 60 aftalte – 7 pladser mangler"
    )
    assert lines["Pædagogisk assistent"].split("\n")[1].startswith("✓ Opfyldt: ")
    axis = built["placement_years"].to_dict()["layer"][0]["encoding"]["x"]["axis"]["labelExpr"]
    assert "'✗'" in axis and "'✓'" in axis


def test_figure1_takes_its_height_from_the_screen(sample_figures, config):
    """Figure 1 on screen is as high as the page makes its element (360 px, 522 in meeting mode, 250 on a
    phone), its title above it as text, and Vega fits the donut into it; the download keeps its size."""
    built = charts.figure1_donut(sample_figures.years, config, 2021).to_dict()
    assert (built["width"], built["height"]) == charts.FIGURE1_SIZE
    normal, meeting = charts.screen(built), charts.screen(built, meeting=True)
    assert normal.heights == (360, 250) and meeting.heights == (522, 250)
    assert normal.title == "Andel af ansatte indenfor de enkelte ordninger i CSR-mærket i 2021"
    assert normal.subtitle == "Aabenraa Kommune" and "title" not in normal.panels[0]
    [spec] = normal.panels
    assert spec["height"] == "container" and spec["autosize"] == {"type": "fit", "contains": "padding"}
    assert charts.HEIGHTS_KEY not in spec.get("usermeta", {})
    css = normal.css(".st-key-chart_figur1")
    assert (
        ".st-key-chart_figur1 [data-testid='stVegaLiteChart'], .st-key-chart_figur1 .vega-embed { height: 360px" in css
    )
    assert "@media (max-width: 640px) { .st-key-chart_figur1 [data-testid='stVegaLiteChart']" in css
    assert "height: 250px" in css
    assert spec["description"].startswith("Kransediagram: andelen af ansatte i ordningerne i CSR-mærket i 2021")
    assert "i alt 19,9 %" in spec["description"] and "øvrige ansatte 80,1 %" in spec["description"]
    # a chart without screen heights keeps its own height and no style
    other = charts.screen(charts.placement_years_chart(sample_figures.placements).to_dict())
    assert other.heights is None and other.css(".x") == "" and other.panels[0]["autosize"]["type"] == "fit-x"
