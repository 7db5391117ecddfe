"""Placements (docs/regler.md, "Praktikpladser"): met when every education reaches its agreed number;
the shortfall per education in places; the total as "187 besatte mod 184 aftalte pladser"; never a
percentage beside places."""

from __future__ import annotations

import pandas as pd
import pytest

from csr import text
from csr.export.content import placements_table, targets_table
from csr.planning import build_baseline, evaluate
from csr.report import year_report
from csr.shares import compute


@pytest.fixture(scope="module")
def short_one(sample_import, config):
    """2019 with 187 places realised against 184 agreed in total, yet one education a place short."""
    placements = pd.DataFrame(
        {
            "year": [2019, 2019],
            "education": ["Social- og sundhedsassistent", "Kontoruddannelse"],
            "agreed": [100.0, 84.0],
            "realised": [104.0, 83.0],
            "file": "p.xlsx",
            "sheet": "Praktikpladser",
            "row": [2, 3],
        }
    )
    return compute(sample_import.data, placements, config)


def test_a_surplus_in_one_education_does_not_cover_a_shortfall_in_another(short_one):
    t = short_one.target(2019, "praktikpladser")
    assert t.met is False
    assert (t.value, t.threshold) == (187.0, 184.0)  # places, not percent
    assert t.gap_pp is None
    assert t.gap_persons == 1 and t.gap_places == 1
    assert [(s.education, s.short) for s in t.shortfalls] == [
        ("Kontoruddannelse", 1),
        ("Social- og sundhedsassistent", 0),
    ]


def test_the_card_says_places_never_a_percentage(short_one):
    card = next(c for c in text.target_cards(short_one.targets, 2019) if c["id"] == "praktikpladser")
    assert card["value"] == "187 besatte mod 184 aftalte pladser"
    assert card["gap"] == "Kontoruddannelse: 83 besatte mod 84 aftalte pladser, 1 plads mangler."
    assert card["status"] == "❌ Ikke opfyldt"
    assert "%" not in card["value"] + card["gap"] + card["threshold"]


def test_the_sentence_table_and_report_count_places(short_one, config):
    sentence = text.target_sentence(short_one, config, 2019, "praktikpladser")
    assert sentence.startswith(
        "Målet om de aftalte praktik- og elevpladser er ikke opfyldt: 187 besatte mod 184 aftalte pladser; "
        "under det aftalte: Kontoruddannelse: 83 besatte mod 84 aftalte pladser, 1 plads mangler."
    )
    assert "%" not in sentence
    row = next(r for r in targets_table(short_one, config, 2019).rows if r[0] == "Aftalte praktik- og elevpladser")
    assert row[1:3] == ("184 pladser aftalt", "187 besat")
    assert row[5] is None and row[6] == 1  # no percentage points; one place short
    table = placements_table(short_one, 2019)
    assert [c.header for c in table.columns] == ["Uddannelse", "Aftalt", "Realiseret", "Mangler (pladser)", "Status"]
    assert table.rows[-1][:4] == ("I alt", 184.0, 187.0, 1)
    report = {t["id"]: t for t in year_report(short_one, config, 2019)["targets"]}["praktikpladser"]
    assert report == {
        "id": "praktikpladser",
        "name": "Aftalte praktik- og elevpladser",
        "kind": "obligations_met",
        "threshold": 184.0,
        "value": 187.0,
        "met": False,
        "gap_pp": None,
        "gap_persons": 1,
    }


def test_the_planner_keeps_the_places(short_one, config):
    outcome = evaluate(build_baseline(short_one, config, 2019), config)
    t = outcome.target("praktikpladser")
    assert (t.value, t.threshold, t.met, t.gap_pp, t.gap_persons) == (187.0, 184.0, False, None, 1)
    assert outcome.to_report(config)["targets"][-1] == year_report(short_one, config, 2019)["targets"][-1]


def test_placement_caption_names_the_places_short(short_one):
    from csr.shares import placement_status

    assert text.placement_caption(placement_status(short_one.placements, 2019), 2019) == (
        "I 2019: 187 besatte mod 184 aftalte praktik- og elevpladser; under det aftalte: Kontoruddannelse "
        "(83 besatte mod 84 aftalte, 1 plads mangler)."
    )
