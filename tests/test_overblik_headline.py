"""Overblik answers first: the headline sentence, the unmet targets first among the cards, and the one
status language of the cards (the year-on-year change neutral, red and green for met and not met)."""

from __future__ import annotations

from dataclasses import replace

from csr import text
from ui import widgets


def test_2021_headline_names_the_one_unmet_target_and_its_persons(sample_figures, config):
    targets = sample_figures.targets_in(2021)
    unmet = [(t.id, t.gap_persons) for t in targets if t.met is False]
    assert unmet == [("uddannelse_min", 17)]
    assert sum(1 for t in targets if t.met) == 7
    assert text.headline_sentence(targets, config, 2021) == "I 2021 er 7 af 8 mål nået – uddannelse mangler 17 personer"


def test_headline_of_every_sample_year(sample_figures, config):
    provisional = sample_figures.provisional_years(config)
    assert provisional == (2025,)
    got = {
        y: text.headline_sentence(sample_figures.targets_in(y), config, y, y in provisional)
        for y in sample_figures.home_years(config)
    }
    assert got == {
        2018: "I 2018 er 6 af 8 mål nået – uddannelse mangler 11 personer; praktik- og elevpladser kan ikke vurderes",
        2019: "I 2019 er 7 af 8 mål nået – uddannelse mangler 7 personer",
        2020: "I 2020 er 7 af 8 mål nået – uddannelse mangler 5 personer",
        2021: "I 2021 er 7 af 8 mål nået – uddannelse mangler 17 personer",
        2022: "I 2022 er 7 af 8 mål nået – praktik- og elevpladser mangler 12 pladser",
        2023: "I 2023 er 7 af 8 mål nået – beredskabet mangler 9 personer",
        2024: "I 2024 er alle 8 mål nået",
        2025: "I 2025 er 7 af 8 mål foreløbigt nået – praktik- og elevpladser mangler 64 pladser",
    }


def test_headline_above_neighbours_gap_and_several_unmet(sample_figures, config):
    targets = [
        replace(t, met=False, gap_persons=3) if t.id == "beskaeftigelse_naboer" else t
        for t in sample_figures.targets_in(2021)
    ]
    assert text.headline_sentence(targets, config, 2021) == (
        "I 2021 er 6 af 8 mål nået – beskæftigelse mangler 3 personer for at komme over omegnskommunerne og "
        "uddannelse mangler 17 personer"  # in the configured order
    )


def test_headline_all_met_provisional_and_no_data(sample_figures, config):
    targets = sample_figures.targets_in(2024)
    assert text.headline_sentence(targets, config, 2024, provisional=True) == "I 2024 er alle 8 mål foreløbigt nået"
    unknown = [replace(t, met=None) for t in targets]
    assert text.headline_sentence(unknown, config, 2024) == (
        "I 2024 kan ingen af de 8 mål vurderes, fordi der mangler tal"
    )
    assert text.headline_sentence((), config, 2030) == "Der er ingen tal til at vurdere målene i 2030"


def test_short_names_of_the_targets(sample_figures, config):
    names = {t.id: text.target_short_name(t, config) for t in sample_figures.targets_in(2021)}
    assert names == {
        "samlet_min": "den samlede andel",
        "csr_maerke": "CSR-mærket",
        "beskaeftigelse_min": "beskæftigelse",
        "beskaeftigelse_naboer": "beskæftigelse",
        "beredskab_min": "beredskabet",
        "uddannelse_min": "uddannelse",
        "uddannelse_naboer": "uddannelse",
        "praktikpladser": "praktik- og elevpladser",
    }


def test_cards_put_the_unmet_targets_first_then_the_configured_order(sample_figures, config):
    configured = [t.id for t in config.targets]
    cards_2021 = text.target_cards(sample_figures.targets, 2021)
    assert [c["id"] for c in cards_2021] == ["uddannelse_min"] + [i for i in configured if i != "uddannelse_min"]
    assert cards_2021[0]["status"].endswith("Ikke opfyldt")
    assert [c["id"] for c in text.target_cards(sample_figures.targets, 2024)] == configured
    cards_2022 = text.target_cards(sample_figures.targets, 2022)
    assert [c["id"] for c in cards_2022][:2] == ["praktikpladser", "samlet_min"]


def test_the_change_is_neutral_and_only_unmet_cards_get_the_border(sample_figures):
    cards = text.target_cards(sample_figures.targets, 2021)
    assert {c["direction"] for c in cards} >= {"down"}  # 2021 is lower than 2020 on most cards
    shown = [widgets.card_html(c, []) for c in cards]
    assert [c["id"] for c, h in zip(cards, shown, strict=True) if 'class="csr-card csr-unmet"' in h] == [
        "uddannelse_min"
    ]
    assert f".csr-card.csr-unmet {{ border: 3px solid {widgets.UNMET_COLOUR}; }}" in widgets.CARD_CSS
    assert f".csr-card .csr-change {{ color: {widgets.CHANGE_COLOUR};" in widgets.CARD_CSS  # gray, not red or green
    assert widgets.CHANGE_COLOUR == "#555453"
    assert not [
        h for h in map(widgets.card_html, text.target_cards(sample_figures.targets, 2024), [[]] * 8) if "csr-unmet" in h
    ]
    # every text is escaped: a hostile name or id stays text
    hostile = widgets.card_html(
        dict(cards[0], id='x" onclick="alert(1)', name="<script>alert(1)</script>"), ["<b>x</b>"]
    )
    assert "<script>" not in hostile and "<b>" not in hostile and 'onclick="' not in hostile
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile and 'data-target="x&quot; onclick=&quot;alert(1)"' in hostile
    )
    # the drill-down is a native <details> with the lines as a list
    details = widgets.card_html(cards[0], ["a: 1", "I alt: 2"])
    assert "<details><summary>Ordningerne bag målet</summary>" in details
    assert "<ul><li>a: 1</li><li>I alt: 2</li></ul></details>" in details
    # the gap's sentence beside the value, and (shown on a phone instead) inside the drill-down
    note = "−0,3 pp under målet: 17 personer mere i årsgennemsnit"
    assert f'<p class="csr-note">{note}</p>' in details
    assert f'<p class="csr-note csr-note-more">{note}</p><ul>' in details
    assert ".csr-card .csr-note-more { display: none; }" in widgets.CARD_CSS
    assert ".csr-card:has(details) > .csr-note { display: none; }" in widgets.CARD_CSS  # on a phone
