"""Every page of the Streamlit app through AppTest, from the entrypoint, on the sample data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from card_support import cards_of
from markdown_support import seen
from streamlit.testing.v1 import AppTest
from table_support import html_tables

from csr.charts import TITLE_KEY

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGES = {
    "overblik": "app_pages/overblik.py",
    "udvikling": "app_pages/udvikling.py",
    "omegnskommuner": "app_pages/omegnskommuner.py",
    "praktikpladser": "app_pages/praktikpladser.py",
}
CHARTS = {"overblik": 1, "udvikling": 2, "omegnskommuner": 3, "praktikpladser": 2}


def open_page(page: str, meeting: bool = False, year: int | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if meeting:
        at.query_params["visning"] = "møde"
    at.run()
    if page != "overblik":
        at.switch_page(PAGES[page]).run()
    if year is not None:
        at.selectbox(key="year").select(year).run()
    assert_clean(at)
    return at


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def specs(at: AppTest) -> list[dict]:
    """Every Vega-Lite spec on the page (a faceted chart shows one per panel), with its title as written
    (on screen the title is an expression that wraps it to the container: `csr.charts.screen`)."""
    out = []
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        written = spec.get("usermeta", {}).get(TITLE_KEY)
        if written:
            spec["title"] = {**spec["title"], **written}
        out.append(spec)
    return out


def chart_names(at: AppTest) -> list[str]:
    """The page's charts (`ui.widgets.chart`'s containers), in order."""
    return [k.removeprefix("chart_") for k in keys_in(at.main) if k.startswith("chart_")]


def texts(at: AppTest) -> str:
    """Everything a person reads on the page, as one string (escaped text as it is shown, `ui.safe`)."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    parts += [w.value for w in at.warning] + [t.value for t in at.title] + [s.value for s in at.subheader]
    parts += [h.value for h in at.header]
    return seen("\n".join(parts)) + "\n" + "\n".join(c["text"] for c in cards_of(at).values())


def in_order(node) -> list:
    """An element and everything inside it, in the order the page shows them (depth first)."""
    return [node] + [n for child in getattr(node, "children", {}).values() for n in in_order(child)]


def keys_in(node) -> list[str]:
    return [n.key for n in in_order(node) if getattr(n, "key", None)]


TEXT_TYPES = ("title", "header", "subheader", "markdown", "caption", "info", "warning")


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders_danish_charts_and_the_frame(page):
    at = open_page(page)
    charts = specs(at)
    assert len(chart_names(at)) == CHARTS[page]
    assert len(charts) >= CHARTS[page]
    for spec in charts:
        assert spec["config"]["locale"]["number"]["decimal"] == ","
        assert spec["config"]["locale"]["number"]["thousands"] == "."
    assert "Eksempeldata" in at.warning[0].value
    assert at.expander[-1].label == "Datagrundlag"
    basis = seen("\n".join(m.value for m in at.expander[-1].markdown))
    for name in ("krl_ansatte_og_ordninger.xlsx", "jobindsats_virksomhedspraktik.csv", "egne_lister.xlsx"):
        assert name in basis
    assert "februar, maj, august, november" in basis
    assert "november 2024" in basis  # the last period of the KRL sheet for 2024
    assert at.toggle(key="meeting_mode").value is False
    assert at.sidebar.toggle[0].key == "meeting_mode"
    assert len(at.download_button) >= CHARTS[page] * 2  # PNG and SVG per chart (and .xlsx per table)
    sentences = [c.value for c in at.caption if c.value.startswith(("I 20", "Den ", "Hver ", "Aabenraa ", "Alle "))]
    assert len(sentences) >= CHARTS[page]  # a sentence under every chart


def test_overblik_defaults_to_the_latest_complete_year_and_marks_provisional_years():
    at = open_page("overblik")
    year = at.selectbox(key="year")
    assert year.value == 2024
    assert year.format_func(2025) == "2025 (foreløbig)"
    assert year.format_func(2024) == "2024"
    assert "Overblik" in at.title[0].value


def test_overblik_2019_cards_show_the_strategy_status():
    at = open_page("overblik", year=2019)
    cards = {c["name"]: c["value"] for c in cards_of(at).values()}
    assert cards["Mindst 10 % i en eller flere ordninger"] == "22,0 %"  # the name in force in 2019
    assert "Mindst 15 % i en eller flere ordninger" not in cards
    assert cards["Mindst 6 % i beskæftigelsesordninger"] == "10,2 %"
    assert cards["5 % frivillige i Beredskabet"] == "6,9 %"
    assert cards["Aftalte praktik- og elevpladser"] == "187 besatte mod 184 aftalte pladser"
    assert cards["Mindst 5 % elever, IGU, FGU og studerende"] == "4,9 %"
    assert cards["Beskæftigelse over omegnskommunernes gennemsnit"] == "10,2 %"
    assert cards["Uddannelse over omegnskommunernes gennemsnit"] == "4,9 %"
    assert len(cards) == 8
    shown = texts(at)
    # status as icon and word, thresholds of that year, gaps, persons needed
    status = "\n".join(h.proto.body for h in at.get("html"))  # the cards (ui.widgets.card_html)
    assert status.count("<strong>Ikke opfyldt</strong>") == 1 and status.count("<strong>Opfyldt</strong>") == 7
    assert 'aria-hidden="true">cancel</span>' in status and 'aria-hidden="true">check_circle</span>' in status
    assert "Mål i 2019: mindst 10 %" in shown  # the overall target was 10 % before 2021
    assert "Omegnskommunerne: 7,0 %" in shown and "Omegnskommunerne: 4,1 %" in shown
    assert "−0,1 pp under målet: 7 personer mere i årsgennemsnit" in shown
    assert "+12,0 pp over målet" in shown
    assert "−0,4 pp siden 2018" in [c["change"] for c in cards_of(at).values()]
    # the year before the strategy, the CSR-mærke, Figure 1 and its sentence
    assert "2019 ligger før strategiperioden 2021-2024" in shown
    assert "opfylder kravet til CSR-mærket i 2019: 22,0 %" in shown
    # Figure 1's title is the page's text above the donut (the chart takes its height from the screen)
    figure = seen("\n".join(m.value for m in at.main.get_by_key("chart_figur1").markdown))
    assert "**Figur 1: Andel af ansatte indenfor de enkelte ordninger i CSR-mærket i 2019**" in figure
    assert "title" not in specs(at)[0]
    assert (
        "I 2019 var 22,0 % af de ansatte i Aabenraa Kommune i en af ordningerne: beskæftigelse 10,2 %, "
        "uddannelse 4,9 % og beredskabet 6,9 %; øvrige ansatte 78,0 %."
    ) in shown
    assert "Alle 12 ordninger har data for 2019." in shown


def test_overblik_answers_first_with_the_unmet_targets_first():
    at = open_page("overblik", year=2021)
    shown = in_order(at.main)
    types = [n.type for n in shown]
    assert at.sidebar.selectbox(key="year").value == 2021  # the year selector is the frame's, first in the sidebar
    after_title = [n for n in shown[types.index("title") + 1 :] if n.type in TEXT_TYPES]
    assert after_title[0].type == "header"
    assert seen(after_title[0].value) == "I 2021 er 7 af 8 mål nået – uddannelse mangler 17 personer"
    # the unmet target first, then the others in the configured order
    cards = cards_of(at)
    assert list(cards) == [
        "uddannelse_min",
        "samlet_min",
        "csr_maerke",
        "beskaeftigelse_min",
        "beskaeftigelse_naboer",
        "beredskab_min",
        "uddannelse_naboer",
        "praktikpladser",
    ]
    first = at.main.get_by_key("cards_unmet").get("html")[0].proto.body
    assert "<strong>Ikke opfyldt</strong></span> · <strong>Mindst 5 % elever, IGU, FGU og studerende</strong>" in first
    assert [t for t, c in cards.items() if c["unmet"] == "True"] == ["uddannelse_min"]  # the red border's class
    assert "uddannelse_min" not in at.main.get_by_key("cards_met").get("html")[0].proto.body
    # the change since the year before is gray on every card (2021 is lower than 2020 on most), its arrow hidden
    assert "−0,2 pp siden 2020" in [c["change"] for c in cards.values()]
    assert 'class="csr-change"><span aria-hidden="true">↓</span> −0,2 pp siden 2020' in first
    # Figure 1 beside the cards: the cards in the first column, the chart in the one beside it
    rows = [n for n in shown if n.type == "column" and "chart_figur1" in keys_in(n)]
    row = next(n for n in shown if rows[0] in getattr(n, "children", {}).values())
    left, right = (keys_in(c) for c in row.children.values())
    assert [k for k in left if k.startswith("cards_")] == ["cards_unmet", "cards_met"] and "chart_figur1" not in left
    assert "chart_figur1" in right and not [k for k in right if k.startswith("cards_")]


def test_overblik_2024_says_every_target_is_met():
    at = open_page("overblik")
    assert seen(at.header[0].value) == "I 2024 er alle 8 mål nået"
    assert not [c for c in cards_of(at).values() if c["unmet"] == "True"]  # no card with the red border


def test_overblik_after_the_strategy_period_and_in_a_provisional_year():
    at = open_page("overblik", year=2025)
    shown = texts(at)
    assert "Strategiperioden 2021-2024 er udløbet; de sidste mål gælder fortsat" in shown
    assert "Tallene for 2025 er foreløbige: de bygger på 3 af 4 målemåneder." in shown
    assert "Mål i 2025: mindst 15 %" in shown
    figure = seen("\n".join(m.value for m in at.main.get_by_key("chart_figur1").markdown))
    assert "Aabenraa Kommune, foreløbige tal" in figure


def test_year_choice_carries_over_to_other_pages():
    at = open_page("overblik", year=2019)
    at.switch_page(PAGES["omegnskommuner"]).run()
    assert at.selectbox(key="year").value == 2019
    assert "I 2019 var 10,2 %" in texts(at)
    assert at.query_params["år"] in ("2019", ["2019"])  # the year is in the address (tests/test_year_address.py)


def test_udvikling_switches_between_share_and_persons():
    at = open_page("udvikling")
    panels = specs(at)
    # one chart per panel: the four panels of the trend, then one per scheme
    assert [p["title"]["text"] for p in panels[:4]] == [
        ["Alle ordninger"],
        ["Beskæftigelse"],
        ["Uddannelse (uden STU)"],
        ["Beredskabet"],
    ]
    assert chart_names(at) == ["udvikling", "ordninger"]
    assert "Den samlede andel gik fra 22,4 % i 2018 til 19,0 % i 2025 (foreløbig)" in texts(at)
    assert at.radio(key="trend_measure").value == "share"
    assert "Hver ordning for sig: andel af ansatte" in texts(at)  # the title above the panels
    at.radio(key="trend_measure").set_value("persons").run()
    assert_clean(at)
    assert "Hver ordning for sig: personer (årsgennemsnit)" in texts(at)
    assert "størst i 2024 var Medarbejdere, der frivilligt indgår i Beredskabet med" in texts(at)
    assert "antal personer" in next(seen(c.value) for c in at.caption if "Hver figur viser" in seen(c.value))


def test_udvikling_without_a_complete_year_says_so_and_the_frame_still_draws_its_page_links(monkeypatch):
    """The page says there is no year yet and ends there without st.stop, so the frame's page links (drawn
    after the page) are still there."""
    import streamlit as st

    from csr.shares import Figures

    st.cache_data.clear()  # the page's memo would otherwise give the year it found before
    monkeypatch.setattr(Figures, "latest_complete_year", lambda self, config: None)
    at = open_page("udvikling")
    assert [i.value for i in at.info] == ["Der er ingen år med tal for Aabenraa Kommune endnu."]
    assert chart_names(at) == []
    assert [link.proto.label for link in at.get("page_link")][:4] == [
        "Overblik",
        "Udvikling",
        "Omegnskommuner",
        "Landet",
    ]
    st.cache_data.clear()


def test_omegnskommuner_method_switch_changes_the_average_and_says_so():
    at = open_page("omegnskommuner", year=2019)
    shown = texts(at)
    assert at.radio(key="neighbour_method").value == "pooled"
    assert "mod 7,0 % som omegnskommunernes samlede gennemsnit" in shown
    assert "mod 4,1 % som omegnskommunernes samlede gennemsnit" in shown
    assert "det samlede gennemsnit: alle 6 kommuners personer" in shown
    assert "Alle 6 omegnskommuner har data for 2019." in shown
    assert (
        "Sammenligningen med omegnskommunerne omfatter ikke 2 ordninger, hverken for Aabenraa Kommune eller for "
        "de andre: særligt tilrettelagt ungdomsuddannelse (STU), fordi der ikke findes tal for omegnskommunerne "
        "om ordningen, og medarbejdere, der frivilligt indgår i Beredskabet, fordi strategien holder dem uden for "
        "sammenligningen."
    ) in shown
    assert "(STU)" in shown
    # one row per municipality, one column per scheme (short names), so the table is shown whole
    pooled_table = html_tables(at)[0].set_index("Kommune")
    assert list(pooled_table.index[:2]) == ["Aabenraa", "Omegnsgennemsnit (samlet)"]
    assert list(pooled_table.columns) == [
        "Virksomhedspraktik",
        "Løntilskud",
        "Fleksjob",
        "Skånejob",
        "Ledige i jobrotation",
        "Beskæftigelse i alt",
    ]
    assert pooled_table.loc["Aabenraa", "Beskæftigelse i alt"] == "10,2\u00a0%"
    assert pooled_table.loc["Omegnsgennemsnit (samlet)", "Beskæftigelse i alt"] == "7,0\u00a0%"
    ranking = specs(at)[0]
    assert "samlede gennemsnit" in ranking["title"]["subtitle"]

    at.radio(key="neighbour_method").set_value("mean").run()
    assert_clean(at)
    shown = texts(at)
    assert "mod 7,1 % som omegnskommunernes simple gennemsnit" in shown
    assert "mod 4,0 % som omegnskommunernes simple gennemsnit" in shown
    assert "det simple gennemsnit af de 6 kommuners andele" in shown
    mean_table = html_tables(at)[0].set_index("Kommune")
    assert mean_table.loc["Omegnsgennemsnit (simpelt)", "Beskæftigelse i alt"] == "7,1\u00a0%"
    assert "simple gennemsnit" in specs(at)[0]["title"]["subtitle"]


def test_praktikpladser_2022_shows_the_shortfall():
    at = open_page("praktikpladser", year=2022)
    shown = texts(at)
    assert ":red[**✗ Ikke opfyldt**]" in shown
    assert "I 2022: 188 besatte mod 196 aftalte praktik- og elevpladser; under det aftalte: " in shown
    assert not at.dataframe and not at.table  # a plain HTML table: the education names wrap
    table = html_tables(at)[0].set_index("Uddannelse")
    assert list(table.columns) == ["Aftalt", "Besat", "Mangler", "Status"]
    assert table.loc["Social- og sundhedsassistent"].tolist() == ["60", "53", "7", "Ikke opfyldt"]
    assert table.loc["I alt"].tolist() == ["196", "188", "12", "Ikke opfyldt"]
    bullets = specs(at)[0]
    assert bullets["title"]["text"] == "Praktik- og elevpladser 2022: realiseret mod aftalt"


def test_praktikpladser_year_without_placement_data_says_so():
    at = open_page("praktikpladser", year=2018)
    assert "Der er ingen tal for praktik- og elevpladser i 2018." in texts(at)
    assert chart_names(at) == ["praktikpladser_aar"]  # only the years chart


@pytest.mark.parametrize("page", ["overblik", "omegnskommuner"])
def test_meeting_mode_hides_the_controls(page):
    at = open_page(page, meeting=True)
    assert at.toggle(key="meeting_mode").value is True
    assert len(at.download_button) == 0
    assert len(at.sidebar.children) == 0
    assert len(chart_names(at)) == CHARTS[page]
    # large type for a projector, in the style sheet of the page; the charts by their own type sizes
    style = "\n".join(h.proto.body for h in at.get("html"))
    assert "html { font-size: 21px; }" in style
    from ui.frame import MEETING_CSS

    assert "zoom" not in MEETING_CSS
    for spec in specs(at):
        assert spec["config"]["axis"]["labelFontSize"] == pytest.approx(12 * 1.45, abs=0.1)
    assert at.query_params["visning"] in ("møde", ["møde"])


def test_meeting_mode_toggle_switches_off_again():
    at = open_page("overblik", meeting=True)
    at.toggle(key="meeting_mode").set_value(False).run()
    assert_clean(at)
    assert len(at.download_button) > 0
    assert "visning" not in at.query_params
    style = "\n".join(h.proto.body for h in at.get("html"))
    assert not re.search(r"zoom: 1\.\d", style)  # no meeting-mode growth (Overblik shrinks Figure 1 on a phone)


def test_every_widget_has_a_stable_key():
    for page in PAGES:
        at = open_page(page)
        for kind in ("selectbox", "radio", "toggle", "download_button"):
            for widget in getattr(at, kind):
                assert widget.key, f"{kind} '{widget.label}' on {page} has no key"


def test_a_broken_file_is_a_danish_error_not_a_traceback(tmp_path, monkeypatch):
    import ui.data

    (tmp_path / "krl_ansatte.xlsx").write_bytes(b"this is not a workbook")
    monkeypatch.setattr(ui.data, "SAMPLE_DIR", tmp_path)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    assert len(at.error) == 1
    message = seen(at.error[0].value)
    assert message.startswith("Tallene kan ikke vises, fordi filerne har fejl")
    assert "krl_ansatte.xlsx" in message
    assert "Traceback" not in message


def test_table_download_is_an_xlsx_with_danish_headers_and_numbers(sample_figures, config):
    from io import BytesIO

    import openpyxl

    from csr import charts
    from ui.downloads import xlsx_bytes

    table = charts.neighbour_scheme_table(sample_figures.shares, config, 2019, "beskaeftigelse")
    formats = {c: "0.00" for c in table.columns[1:]}
    sheet = openpyxl.load_workbook(BytesIO(xlsx_bytes(table, "omegn_beskaeftigelse_2019", formats))).active
    assert [c.value for c in sheet[1]] == list(table.columns)
    assert sheet.title == "omegn_beskaeftigelse_2019"
    total = sheet.cell(row=len(table) + 1, column=2)
    assert total.value == pytest.approx(10.19, abs=0.01)  # a number, not the text "10,2 %"
    assert total.number_format == "0.00"
    assert sheet.cell(row=len(table) + 1, column=1).value == "Beskæftigelse i alt"
