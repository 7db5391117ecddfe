"""The chart builders in csr/charts.py, tested on `chart.to_dict()`, and the sentences under the charts."""

from __future__ import annotations

import re
import struct
from pathlib import Path

import pandas as pd
import pytest

from csr import charts, text
from csr.shares import compute, placement_status

# ---- helpers -----------------------------------------------------------------------------------


def layers(spec: dict) -> list[dict]:
    """Every unit spec (one with a mark) inside a layered, faceted or concatenated spec."""
    found = []
    if "mark" in spec:
        found.append(spec)
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for sub in spec.get(key, []):
            found += layers(sub)
    if "spec" in spec:
        found += layers(spec["spec"])
    return found


def mark_type(unit: dict) -> str:
    mark = unit["mark"]
    return mark["type"] if isinstance(mark, dict) else mark


def marks(spec: dict) -> list[str]:
    return [mark_type(u) for u in layers(spec)]


def rows(spec: dict, unit: dict | None = None) -> pd.DataFrame:
    """The data rows a unit (or the whole chart) draws from."""
    name = None
    for candidate in (unit or {}, spec.get("spec", {}), spec):
        data = candidate.get("data")
        if data and "name" in data:
            name = data["name"]
            break
    if name is None:
        assert len(spec["datasets"]) == 1, "ambiguous data"
        name = next(iter(spec["datasets"]))
    return pd.DataFrame(spec["datasets"][name])


def titles(spec: dict) -> list[str]:
    """Every axis and chart title and tooltip title in the spec, for the language checks."""
    out = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("title", "text", "subtitle") and isinstance(value, str):
                    out.append(value)
                elif key == "title" and isinstance(value, list):
                    out.extend(v for v in value if isinstance(v, str))
                elif key != "datasets":
                    walk(value)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(spec)
    return out


ENGLISH = re.compile(r"\b(share|persons|year|value|count|total|target|agreed|realised|municipality|the|of)\b", re.I)


def assert_danish(spec: dict) -> None:
    for title in titles(spec):
        assert not ENGLISH.search(title), f"English in a title a person reads: {title!r}"


def assert_locale(spec: dict) -> None:
    locale = spec["config"]["locale"]["number"]
    assert locale["decimal"] == ","
    assert locale["thousands"] == "."
    assert locale["grouping"] == [3]


# ---- Figure 1 ------------------------------------------------------------------------------------


def test_figure1_donut_reproduces_the_strategy_2019(sample_figures, config):
    spec = charts.figure1_donut(sample_figures.years, config, 2019).to_dict()
    assert_locale(spec)
    assert_danish(spec)
    assert spec["title"]["text"] == "Andel af ansatte indenfor de enkelte ordninger i CSR-mærket i 2019"
    arc = next(u for u in layers(spec) if mark_type(u) == "arc")
    assert arc["encoding"]["theta"] == {"field": "share", "type": "quantitative", "stack": True}
    assert arc["encoding"]["color"]["field"] == "category"
    assert arc["encoding"]["color"]["type"] == "nominal"
    assert arc["mark"]["innerRadius"] == {"expr": f"{arc['mark']['outerRadius']['expr']} * 0.6"}  # a donut, not a pie
    assert [t["title"] for t in arc["encoding"]["tooltip"]] == ["Gruppe", "Andel af ansatte (%)"]

    slices = rows(spec, arc).set_index("category")["share"]
    assert list(slices.index) == ["Beskæftigelse", "Uddannelse", "Beredskabet", "Øvrige ansatte"]
    assert slices["Beskæftigelse"] == pytest.approx(10.2, abs=0.05)
    assert slices["Uddannelse"] == pytest.approx(4.9, abs=0.05)
    assert slices["Beredskabet"] == pytest.approx(6.9, abs=0.05)
    assert slices["Øvrige ansatte"] == pytest.approx(78.0, abs=0.05)
    assert slices.sum() == pytest.approx(100.0)

    label_layer = next(
        u for u in layers(spec) if mark_type(u) == "text" and u["encoding"]["text"].get("field") == "label"
    )
    assert label_layer["encoding"]["theta"]["stack"] is True  # the labels sit on their slices
    assert list(rows(spec, arc)["label"]) == [
        "Beskæftigelse\n10,2 %",
        "Uddannelse\n4,9 %",
        "Beredskabet\n6,9 %",
        "Øvrige ansatte\n78,0 %",
    ]
    centre = [u for u in layers(spec) if mark_type(u) == "text" and u["encoding"]["text"].get("field") == "total"]
    assert rows(spec, centre[0])["total"].unique().tolist() == ["22,0 %"]
    assert centre[0]["transform"] == [{"filter": "(datum.order === 0)"}]  # drawn once, not once per slice


def test_figure1_marks_a_provisional_year_and_refuses_a_year_without_data(sample_figures, config):
    spec = charts.figure1_donut(sample_figures.years, config, 2025).to_dict()
    assert "foreløbige tal" in spec["title"]["subtitle"][0]
    with pytest.raises(KeyError):
        charts.figure1_donut(sample_figures.years, config, 2010)


def test_one_colour_per_category_on_every_chart(sample_figures, config):
    scale = charts.colour_scale(config).to_dict()
    colours = dict(zip(scale["domain"], scale["range"], strict=True))
    assert colours["Beskæftigelse"] == "#0072B2"  # Okabe-Ito blue
    assert colours["Uddannelse"] == "#E69F00"
    assert colours["Beredskabet"] == "#009E73"
    assert len(set(colours.values())) == len(colours)
    for chart in (
        charts.figure1_donut(sample_figures.years, config, 2019),
        charts.trend_chart(sample_figures.targets, sample_figures.years, config),
        charts.scheme_trend_chart(sample_figures.shares, config),
    ):
        spec = chart.to_dict()
        scales = [
            u["encoding"]["color"]["scale"] for u in layers(spec) if "scale" in u.get("encoding", {}).get("color", {})
        ]
        assert scales, "the category colour scale is used"
        for s in scales:
            assert dict(zip(s["domain"], s["range"], strict=True))["Beskæftigelse"] == "#0072B2"


# ---- Udvikling -----------------------------------------------------------------------------------


def test_trend_chart_draws_the_targets_as_they_were_each_year(sample_figures, config):
    spec = charts.trend_chart(sample_figures.targets, sample_figures.years, config).to_dict()
    assert_locale(spec)
    assert_danish(spec)
    assert spec["facet"]["field"] == "panel"
    assert spec["facet"]["type"] == "nominal"
    assert spec["facet"]["sort"] == ["Alle ordninger", "Beskæftigelse", "Uddannelse (uden STU)", "Beredskabet"]
    units = layers(spec)
    steps = [u for u in units if mark_type(u) == "line" and u["mark"].get("interpolate") == "step"]
    assert len(steps) == 1
    assert steps[0]["encoding"]["strokeDash"]["field"] == "series"
    assert steps[0]["encoding"]["strokeDash"]["scale"]["domain"] == ["Mål", "CSR-mærket (mindst 10 %)"]
    for u in units:
        assert u["encoding"]["x"]["field"] == "year" and u["encoding"]["x"]["type"] == "ordinal"
    y = next(u for u in units if mark_type(u) == "line")["encoding"]["y"]
    assert y["field"] == "value" and y["type"] == "quantitative" and y["title"] == "Andel af ansatte (%)"

    data = rows(spec)
    goal = data[(data["kind"] == "target") & (data["panel"] == "Alle ordninger") & (data["series"] == "Mål")]
    by_year = goal.drop_duplicates("year").set_index("year")["value"]
    assert by_year[2020] == 10.0 and by_year[2021] == 15.0 and by_year[2025] == 15.0
    share = data[(data["kind"] == "share") & (data["panel"] == "Alle ordninger") & data["point"]].set_index("year")
    assert share.loc[2019, "value"] == pytest.approx(22.0, abs=0.05)
    assert share.loc[2019, "label"] == "22,0 %"
    assert bool(share.loc[2025, "provisional"]) and not bool(share.loc[2024, "provisional"])
    assert any(u["encoding"].get("text", {}).get("value") == "foreløbig" for u in units)
    # the provisional piece of the line is dashed and starts at the last complete year
    dashed = data[(data["segment"] == "Foreløbige tal") & (data["panel"] == "Alle ordninger") & ~data["point"]]
    assert sorted(dashed["year"]) == [2024, 2025]
    assert any(u["mark"].get("strokeDash") == [5, 4] for u in units if mark_type(u) == "line")


@pytest.mark.parametrize(
    ("measure", "title", "scheme", "expected"),
    [
        ("share", "Andel af ansatte (%)", "fleksjob", 249.75 / 4710 * 100),
        ("persons", "Personer (årsgennemsnit)", "fleksjob", 249.75),
    ],
)
def test_scheme_trend_chart_has_one_small_chart_per_scheme(sample_figures, config, measure, title, scheme, expected):
    spec = charts.scheme_trend_chart(sample_figures.shares, config, measure).to_dict()
    assert_locale(spec)
    assert_danish(spec)
    assert spec["facet"]["field"] == "header"
    assert len(spec["facet"]["sort"]) == len(config.schemes)
    assert spec["resolve"]["scale"]["y"] == "independent"
    assert sorted(marks(spec)) == ["line", "point"]
    assert title.lower() in spec["title"]["text"].lower()
    data = rows(spec)
    fleks = data[(data["scheme"] == scheme) & (data["year"] == 2019)].iloc[0]
    assert fleks["value"] == pytest.approx(expected, rel=1e-3)
    with pytest.raises(ValueError):
        charts.scheme_trend_chart(sample_figures.shares, config, "antal")


# ---- Omegnskommuner ------------------------------------------------------------------------------


def test_neighbour_ranking_highlights_home_and_draws_the_average(sample_figures, config):
    spec = charts.neighbour_ranking_chart(
        sample_figures.shares, sample_figures.neighbours, config, 2019, "beskaeftigelse"
    ).to_dict()
    assert_locale(spec)
    assert_danish(spec)
    assert spec["title"]["text"] == "Beskæftigelse 2019: andel af ansatte pr. kommune"
    bar = next(u for u in layers(spec) if mark_type(u) == "bar")
    assert bar["encoding"]["x"]["field"] == "share" and bar["encoding"]["x"]["type"] == "quantitative"
    assert bar["encoding"]["x"]["axis"]["format"] == ",.1~f"
    assert bar["encoding"]["y"]["field"] == "municipality" and bar["encoding"]["y"]["type"] == "nominal"
    ranked = rows(spec, bar)
    assert ranked["municipality"].iloc[0] == "Aabenraa"
    assert bar["encoding"]["y"]["sort"] == list(ranked["municipality"])  # ranked, highest first
    assert list(ranked["share"]) == sorted(ranked["share"], reverse=True)
    assert set(ranked["municipality"]) == {"Aabenraa", *config.neighbour_names}
    assert ranked.iloc[0]["label"] == "10,2 %"
    assert bar["encoding"]["color"]["scale"]["range"][0] == "#0072B2"
    rule = next(u for u in layers(spec) if mark_type(u) == "rule")
    assert rows(spec, rule)["average"].iloc[0] == pytest.approx(7.0, abs=0.05)
    assert "samlede gennemsnit" in spec["title"]["subtitle"]


def test_neighbour_method_changes_the_average_line(sample_import, config):
    mean = compute(sample_import.data, sample_import.placements, config, "mean")
    spec = charts.neighbour_ranking_chart(mean.shares, mean.neighbours, config, 2019, "beskaeftigelse").to_dict()
    rule = next(u for u in layers(spec) if mark_type(u) == "rule")
    assert rows(spec, rule)["average"].iloc[0] == pytest.approx(7.08, abs=0.01)
    assert "simple gennemsnit" in spec["title"]["subtitle"]


def test_neighbour_trend_chart_home_against_average(sample_figures, config):
    spec = charts.neighbour_trend_chart(sample_figures.neighbours, sample_figures.years, config).to_dict()
    assert_locale(spec)
    assert_danish(spec)
    assert spec["facet"]["field"] == "category"
    line = next(u for u in layers(spec) if mark_type(u) == "line")
    assert line["encoding"]["strokeDash"]["field"] == "series"
    data = rows(spec)
    y2019 = data[(data["year"] == 2019) & (data["category"] == "Uddannelse")].set_index("series")["value"]
    assert y2019["Aabenraa"] == pytest.approx(4.9, abs=0.05)
    assert y2019["Omegnskommunerne"] == pytest.approx(4.1, abs=0.05)
    assert "Beredskabet" not in set(data["category"])


def test_neighbour_scheme_table_has_danish_headers_and_the_strategy_numbers(sample_figures, config):
    table = charts.neighbour_scheme_table(sample_figures.shares, config, 2019, "beskaeftigelse")
    assert list(table.columns) == ["Ordning", "Aabenraa", "Omegnsgennemsnit (samlet)", *config.neighbour_names]
    total = table.iloc[-1]
    assert total["Ordning"] == "Beskæftigelse i alt"
    assert total["Aabenraa"] == pytest.approx(10.2, abs=0.05)
    assert total["Omegnsgennemsnit (samlet)"] == pytest.approx(7.0, abs=0.05)
    assert total["Esbjerg"] == pytest.approx(
        sample_figures.shares.query("code == 561 and year == 2019 and category == 'beskaeftigelse'")["share"].sum()
    )
    assert len(table) == len(config.schemes_in("beskaeftigelse")) + 1
    uddannelse = charts.neighbour_scheme_table(sample_figures.shares, config, 2019, "uddannelse")
    assert "Særligt tilrettelagt ungdomsuddannelse (STU)" not in set(uddannelse["Ordning"])


# ---- Praktikpladser ------------------------------------------------------------------------------


def test_placement_bullets_bar_for_realised_tick_for_agreed(sample_figures):
    spec = charts.placement_bullets(sample_figures.placements, 2022).to_dict()
    assert_locale(spec)
    assert_danish(spec)
    bar = next(u for u in layers(spec) if mark_type(u) == "bar")
    tick = next(u for u in layers(spec) if mark_type(u) == "tick")
    assert bar["encoding"]["x"] == {**bar["encoding"]["x"], "field": "realised", "type": "quantitative"}
    assert tick["encoding"]["x"]["field"] == "agreed"
    assert bar["encoding"]["y"]["field"] == "education" and bar["encoding"]["y"]["type"] == "nominal"
    data = rows(spec, bar).set_index("education")
    assert data.loc["Social- og sundhedsassistent", ["agreed", "realised"]].tolist() == [60.0, 53.0]
    assert data.loc["Social- og sundhedsassistent", "status"] == "Ikke opfyldt"
    assert data.loc["Social- og sundhedsassistent", "label"] == "53 besatte mod 60 aftalte – 7 pladser mangler"
    assert data.loc["Pædagogisk assistent", "status"] == "Opfyldt"
    assert "I alt" not in data.index


def test_placement_years_chart_marks_missed_years(sample_figures):
    spec = charts.placement_years_chart(sample_figures.placements, (2025,)).to_dict()
    assert_locale(spec)
    assert_danish(spec)
    bar = next(u for u in layers(spec) if mark_type(u) == "bar")
    assert bar["encoding"]["x"]["field"] == "year" and bar["encoding"]["x"]["type"] == "ordinal"
    assert (
        "2025" in bar["encoding"]["x"]["axis"]["labelExpr"] and "foreløbig" in bar["encoding"]["x"]["axis"]["labelExpr"]
    )
    data = rows(spec, bar).set_index("year")
    assert data.loc[2019, "fulfilment"] == pytest.approx(101.63, abs=0.01)
    assert data.loc[2019, "status"] == "Opfyldt"
    assert data.loc[2022, "status"] == "Ikke opfyldt"
    rule = next(u for u in layers(spec) if mark_type(u) == "rule")
    assert rows(spec, rule)["y"].tolist() == [100.0]


# ---- locale, export and projector -------------------------------------------------------------------


def test_with_locale_puts_danish_numbers_in_the_spec_and_the_export():
    import altair as alt

    chart = charts.with_locale(
        alt.Chart(pd.DataFrame({"x": [1234.5]})).mark_text().encode(text=alt.Text("x:Q", format=",.1f"))
    )
    spec = chart.to_dict()
    assert_locale(spec)
    assert ">1.234,5<" in charts.to_svg(spec)


def test_png_export_is_print_quality(sample_figures, config):
    spec = charts.figure1_donut(sample_figures.years, config, 2019).to_dict()
    png = charts.to_png(spec)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = struct.unpack(">I", png[16:20])[0]
    assert width >= spec["width"] * 200 / 72  # 520 px at 200 ppi instead of 72
    phys = png.index(b"pHYs")
    ppm_x, ppm_y, unit = struct.unpack(">IIB", png[phys + 4 : phys + 13])
    assert unit == 1 and round(ppm_x * 0.0254) == round(ppm_y * 0.0254) == 200
    svg = charts.to_svg(spec)
    assert "22,0 %" in svg and "Beskæftigelse" in svg


def all_charts(figures, config) -> dict:
    return {
        "figure1": charts.figure1_donut(figures.years, config, 2019),
        "trend": charts.trend_chart(figures.targets, figures.years, config),
        "schemes": charts.scheme_trend_chart(figures.shares, config, "persons"),
        "ranking": charts.neighbour_ranking_chart(figures.shares, figures.neighbours, config, 2019, "uddannelse"),
        "neighbour_trend": charts.neighbour_trend_chart(figures.neighbours, figures.years, config),
        "bullets": charts.placement_bullets(figures.placements, 2022),
        "placement_years": charts.placement_years_chart(figures.placements, (2025,)),
    }


def test_every_tooltip_is_danish_and_readable(sample_figures, config):
    """Tooltips have Danish titles and never show raw booleans ("true") or English field names."""
    for name, chart in all_charts(sample_figures, config).items():
        spec = chart.to_dict()
        assert_locale(spec)
        for unit in layers(spec):
            tooltip = unit.get("encoding", {}).get("tooltip", [])
            for item in tooltip if isinstance(tooltip, list) else [tooltip]:
                assert item.get("title"), f"{name}: tooltip {item['field']} without a Danish title"
                assert not ENGLISH.search(item["title"]), f"{name}: {item['title']}"
                data = rows(spec, unit)
                assert data[item["field"]].dtype != bool, f"{name}: tooltip shows true/false for {item['field']}"


def test_builders_do_not_change_their_input(sample_figures, config):
    before = {name: getattr(sample_figures, name).copy() for name in ("years", "shares")}
    charts.figure1_donut(sample_figures.years, config, 2019)
    charts.trend_chart(sample_figures.targets, sample_figures.years, config)
    charts.scheme_trend_chart(sample_figures.shares, config, "persons")
    charts.neighbour_ranking_chart(sample_figures.shares, sample_figures.neighbours, config, 2019, "uddannelse")
    charts.neighbour_trend_chart(sample_figures.neighbours, sample_figures.years, config)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(getattr(sample_figures, name), frame)


# ---- the sentences under the charts ------------------------------------------------------------------


def test_figure1_caption_says_the_strategy_status_in_words(sample_figures, config):
    assert text.figure1_caption(sample_figures.years, config, 2019) == (
        "I 2019 var 22,0 % af de ansatte i Aabenraa Kommune i en af ordningerne: beskæftigelse 10,2 %, "
        "uddannelse 4,9 % og beredskabet 6,9 %; øvrige ansatte 78,0 %."
    )
    assert text.missing_schemes_sentence(sample_figures.years, config, 2019) == "Alle 12 ordninger har data for 2019."


def test_missing_schemes_are_named(config):
    years = pd.DataFrame(
        {"code": [config.home], "year": [2030], "missing_schemes": [("virksomhedspraktik", "beredskab")]}
    )
    assert text.missing_schemes_sentence(years, config, 2030) == (
        "Ingen data for 2030 om Virksomhedspraktik og Medarbejdere, der frivilligt indgår i Beredskabet; de "
        "tæller som 0 i andelene."
    )


def test_neighbour_captions_name_the_method(sample_figures, sample_import, config):
    pooled = text.neighbour_caption(sample_figures.neighbours, config, 2019, "beskaeftigelse", 1, 7)
    assert pooled == (
        "I 2019 var 10,2 % af Aabenraa Kommunes ansatte i ordningerne under beskæftigelse mod 7,0 % "
        "som omegnskommunernes samlede gennemsnit; Aabenraa er nr. 1 af 7 kommuner."
    )
    mean = compute(sample_import.data, sample_import.placements, config, "mean")
    assert "7,1 % som omegnskommunernes simple gennemsnit" in text.neighbour_caption(
        mean.neighbours, config, 2019, "beskaeftigelse", 1, 7
    )
    assert text.missing_neighbours_sentence(sample_figures.neighbours, config, 2019) == (
        "Alle 6 omegnskommuner har data for 2019."
    )
    left_out = text.left_out_sentence(config)
    assert "Beredskabet" in left_out and "(STU)" in left_out


def test_trend_and_placement_captions(sample_figures, config):
    assert text.trend_caption(sample_figures.targets, config, sample_figures.provisional_years(config)) == (
        "Den samlede andel gik fra 22,4 % i 2018 til 19,0 % i 2025 (foreløbig); målet steg fra 10 % til 15 % i 2021."
    )
    assert text.placement_caption(placement_status(sample_figures.placements, 2022), 2022) == (
        "I 2022: 188 besatte mod 196 aftalte praktik- og elevpladser; under det aftalte: "
        "Social- og sundhedsassistent (53 besatte mod 60 aftalte, 7 pladser mangler) og Sygeplejestuderende "
        "(43 besatte mod 48 aftalte, 5 pladser mangler)."
    )
    assert text.placement_years_caption(charts.placement_years_frame(sample_figures.placements)) == (
        "Alle uddannelser nåede det aftalte antal i 5 af 7 år; ikke i 2022 og 2025."
    )


def test_target_cards_2019(sample_figures):
    cards = {c["id"]: c for c in text.target_cards(sample_figures.targets, 2019)}
    assert cards["samlet_min"]["value"] == "22,0 %"
    assert cards["samlet_min"]["threshold"] == "Mål i 2019: mindst 10 %"
    assert cards["beskaeftigelse_min"]["value"] == "10,2 %"
    assert cards["uddannelse_min"]["status"] == "❌ Ikke opfyldt"
    assert cards["uddannelse_min"]["gap"] == "−0,1 pp under målet: 7 personer mere i årsgennemsnit"
    assert cards["uddannelse_min"]["notes"] == "Målet gjaldt endnu ikke dette år."
    assert cards["beskaeftigelse_naboer"]["threshold"] == "Omegnskommunerne: 7,0 %"
    assert cards["samlet_min"]["change"] == "−0,4 pp siden 2018"
    assert cards["samlet_min"]["direction"] == "down"
    assert text.target_cards(sample_figures.targets, 2018)[0]["change"] is None


def test_period_sentences(config):
    assert "før strategiperioden 2021-2024" in text.period_sentence(config, 2019)
    assert text.period_sentence(config, 2022) is None
    assert "Strategiperioden 2021-2024 er udløbet" in text.period_sentence(config, 2025)


def test_one_status_language_cards_and_charts():
    """The cards' :green[]/:red[] come from the theme; the charts' status scales from STATUS_COLOURS: the
    same two colours, each readable (4.5:1) against white."""
    import tomllib

    theme = tomllib.loads((Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml").read_text())["theme"]
    assert theme["greenColor"] == theme["greenTextColor"] == charts.MET_COLOUR
    assert theme["redColor"] == theme["redTextColor"] == charts.UNMET_COLOUR
    assert charts.STATUS_SCALE.to_dict()["range"][:2] == [charts.MET_COLOUR, charts.UNMET_COLOUR]

    def luminance(colour: str) -> float:
        rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    for colour in (charts.MET_COLOUR, charts.UNMET_COLOUR):
        assert (1.05 / (luminance(colour) + 0.05)) >= 4.5
