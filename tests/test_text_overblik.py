"""Overblik's drill-down, words and status line: the schemes behind each target with Danish numbers, why
Figure 1's Uddannelse includes STU while the target does not, the explanations of the terms, and the
status icon hidden from screen readers (sample data)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from csr import charts, text
from ui import print_css, widgets


def test_schemes_behind_the_unmet_education_target_2021(sample_figures, config):
    lines = text.target_scheme_lines(sample_figures.shares, sample_figures.targets, config, 2021, "uddannelse_min")
    assert lines == [
        "Elever under erhvervsuddannelse: 118,0 personer · 2,5 % (−0,2 pp siden 2020)",
        "Studerende i praktik: 51,0 personer · 1,1 % (±0,0 pp siden 2020)",
        "Voksenlærlinge: 33,2 personer · 0,7 % (±0,0 pp siden 2020)",
        "Erhvervsgrunduddannelse (FGU): 14,2 personer · 0,3 % (±0,0 pp siden 2020)",
        "Integrationsgrunduddannelse (IGU): 6,8 personer · 0,1 % (±0,0 pp siden 2020)",
        "I alt: 223,2 personer · 4,7 % (−0,2 pp siden 2020)",  # the card's 4,7 %, without STU
    ]
    # the total is the target's own value
    t = sample_figures.target(2021, "uddannelse_min")
    assert lines[-1].split(" · ")[1].startswith(text.pct(t.value, t.threshold))


def test_schemes_behind_one_scheme_the_first_year_and_placements(sample_figures, config):
    shares, targets = sample_figures.shares, sample_figures.targets
    assert text.target_scheme_lines(shares, targets, config, 2021, "beredskab_min") == [
        "Medarbejdere, der frivilligt indgår i Beredskabet: 276,8 personer · 5,8 % (−0,6 pp siden 2020)"
    ]
    first = text.target_scheme_lines(shares, targets, config, 2018, "uddannelse_min")
    assert first[-1] == "I alt: 224,2 personer · 4,8 %"  # no year before: no change
    places = text.target_scheme_lines(shares, targets, config, 2021, "praktikpladser")
    assert len(places) == 7
    assert "Social- og sundhedsassistent: 59 besatte mod 58 aftalte pladser (+3 besatte siden 2020)" in places
    assert "Social- og sundhedshjælper: 28 besatte mod 28 aftalte pladser (−5 besatte siden 2020)" in places
    everything = text.target_scheme_lines(shares, targets, config, 2021, "samlet_min")
    assert len(everything) == 13 and everything[-1] == "I alt: 950,4 personer · 19,9 % (−1,2 pp siden 2020)"
    assert everything[0].startswith("Medarbejdere, der frivilligt indgår i Beredskabet: 276,8")  # largest first
    assert text.target_scheme_lines(shares, targets, config, 2030, "uddannelse_min") == []


def test_a_scheme_without_data_is_named(sample_figures, config):
    shares = sample_figures.shares
    without = shares[~((shares["year"] == 2021) & (shares["scheme"] == "igu"))]
    lines = text.target_scheme_lines(without, sample_figures.targets, config, 2021, "uddannelse_min")
    assert lines[-2] == "Integrationsgrunduddannelse (IGU): ingen data (tæller som 0)"


def test_figure1_says_why_its_education_includes_stu(sample_figures, config):
    assert text.figure1_scope_sentence(sample_figures.years, sample_figures.targets, config, 2021) == (
        "Figur 1 viser uddannelse med STU: 4,8 %. Målet om mindst 5 % regnes uden STU, fordi der ikke findes "
        "tal for omegnskommunerne om ordningen: 4,7 %."
    )
    assert text.figure1_scope_sentence(sample_figures.years, sample_figures.targets, config, 2030) == ""


def test_the_words_explained(config):
    terms = dict(text.terms_explained(config, 6))
    assert list(terms) == ["pp (procentpoint)", "Årsgennemsnit", "Samlet gennemsnit", "Foreløbig"]
    assert "Fra 4,7 % til 5,0 % er +0,3 pp" in terms["pp (procentpoint)"]
    assert "februar, maj, august og november" in terms["Årsgennemsnit"]
    assert "alle 6 kommuners personer" in terms["Samlet gennemsnit"]
    mean = dict(text.terms_explained(replace(config, neighbour_method="mean"), 6))
    assert "hver kommune vejer lige meget" in mean["Simpelt gennemsnit"]


def test_cards_name_their_drill_down(sample_figures):
    labels = {c["id"]: c["details_label"] for c in text.target_cards(sample_figures.targets, 2021)}
    assert labels["uddannelse_min"] == "Ordningerne bag målet"
    assert labels["praktikpladser"] == "Uddannelserne bag målet"


def test_status_line_hides_the_icon_from_screen_readers_and_escapes_the_name():
    line = widgets.status_html(False, "Mindst 5 % <b>elever</b> & co")
    assert '<span class="csr-status-icon" aria-hidden="true">cancel</span>' in line
    assert f"color: {charts.UNMET_COLOUR}" in line and "<strong>Ikke opfyldt</strong>" in line
    assert "<strong>Mindst 5 % &lt;b&gt;elever&lt;/b&gt; &amp; co</strong>" in line
    assert 'aria-hidden="true">check_circle</span>' in widgets.status_html(True, "x")
    assert "<strong>Ingen data</strong>" in widgets.status_html(None, "x")


def test_print_stylesheet_hides_the_app_and_keeps_cards_whole():
    css = print_css.PRINT_CSS
    assert css.startswith("<style>@media print {") and "size: A4 portrait" in css
    for hidden in ('[data-testid="stSidebar"]', '[data-testid="stHeader"]', '[data-testid="stExpander"]', "button"):
        assert hidden in print_css.HIDDEN_IN_PRINT
    assert ".csr-card, .st-key-chart_figur1, .st-key-headline { break-inside: avoid; }" in css
    assert ".csr-card details { display: none !important; }" in css  # no drill-down on paper


def test_figure1_is_smaller_than_the_scenario_donut(sample_figures, config):
    figure1 = charts.figure1_donut(sample_figures.years, config, 2021).to_dict()
    assert (figure1["width"], figure1["height"]) == charts.FIGURE1_SIZE == (440, 350)
    arc = next(layer for layer in figure1["layer"] if layer["mark"]["type"] == "arc")["mark"]
    label = next(layer for layer in figure1["layer"] if layer["mark"]["type"] == "text")["mark"]

    def radius(expr: dict, width: float, height: float) -> float:  # Vega's min() and arithmetic, evaluated
        return eval(expr["expr"], {"min": min, "width": width, "height": height})  # noqa: S307

    # the download's size (440 x 350): room above and below for the labels decides, 350 / 2 - 60
    assert radius(arc["outerRadius"], 440, 350) == pytest.approx(115)
    assert radius(arc["innerRadius"], 440, 350) == pytest.approx(115 * 0.6)
    # a phone's 326 x 250 px: room above and below decides, and the labels (about 48 px either side of their
    # anchor) stay inside the width
    assert radius(arc["outerRadius"], 326, 250) == pytest.approx(65)
    assert radius(label["radius"], 326, 250) + 48 <= 326 / 2
    # a projector's wide column: the height decides, with 20 px for a label's half height
    assert radius(label["radius"], 900, 522) + 20 <= 522 / 2


def test_status_in_markdown_is_sign_and_word_without_icon_names():
    """Tables and headings outside the cards (Planlægning, Praktikpladser, Rapport) write the status in
    Markdown: a text sign and the word, never an icon-font name a screen reader would read out."""
    assert widgets.status_markdown(True) == ":green[**✓ Opfyldt**]"
    assert widgets.status_markdown(False) == ":red[**✗ Ikke opfyldt**]"
    assert widgets.status_markdown(None) == ":gray[**– Ingen data**]"
    assert not any("material" in v for v in widgets.STATUS_MARKDOWN.values())
