"""The national ranking (csr.national) against computations written here, independently of csr.shares.

A small hand-built dataset with answers worked out by hand (ties, a missing scheme, no headcount, a zero
headcount, a year without the home municipality), and the national workbook of 98 municipalities × 8
years against a plain-Python computation straight from the formula that wrote the workbook.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from national_support import YEARS, independent_national, national_import

from csr import text_national
from csr.config import HEADCOUNT, default_config
from csr.model import CANONICAL_COLUMNS
from csr.national import OTHER, competition_rank, has_national_data, national_ranking, quartiles
from csr.shares import compute

CONFIG = default_config()
HOME, ESBJERG, HADERSLEV = 580, 561, 510
KBH, FRB, BALLERUP, BRONDBY = 101, 147, 151, 153


def canonical(rows: list[tuple[int, int, str, float]]) -> pd.DataFrame:
    """Yearly values (code, year, scheme, value) as the canonical table."""
    names = {m.code: m.name for m in CONFIG.municipalities}
    records = [
        (names[c], c, y, "Y", 0, s, float(v), "hånd.xlsx", "Data", i + 2, "D") for i, (c, y, s, v) in enumerate(rows)
    ]
    return pd.DataFrame(records, columns=list(CANONICAL_COLUMNS))


def yearly(code: int, year: int, **values: float) -> list[tuple[int, int, str, float]]:
    return [(code, year, HEADCOUNT if k == "headcount" else k, v) for k, v in values.items()]


HAND = [
    # 2021: beskaeftigelse 7,0 % (home), 7,0 % (Esbjerg: a tie), 9,0 %, 5,0 % (København: no løntilskud), 10,0 %;
    # STU and Beredskab are large, so counting them would change every rank.
    *yearly(HOME, 2021, headcount=1000, fleksjob=50, loentilskud=20, elever=40, stu=100, beredskab=200),
    *yearly(ESBJERG, 2021, headcount=2000, fleksjob=100, loentilskud=40, elever=60),
    *yearly(HADERSLEV, 2021, headcount=500, fleksjob=40, loentilskud=5, elever=30),
    *yearly(KBH, 2021, headcount=4000, fleksjob=200, elever=200),
    *yearly(FRB, 2021, headcount=1000, fleksjob=80, loentilskud=20, elever=20, stu=500),
    *yearly(BALLERUP, 2021, fleksjob=30, loentilskud=10),  # no headcount: not ranked
    *yearly(BRONDBY, 2021, headcount=0, fleksjob=10),  # a headcount of 0: no share, not ranked
    # 2022: the home municipality has no data; only København has an education scheme
    *yearly(ESBJERG, 2022, headcount=2000, fleksjob=60),
    *yearly(HADERSLEV, 2022, headcount=500, fleksjob=25),
    *yearly(KBH, 2022, headcount=4000, fleksjob=400, elever=40),
]


@pytest.fixture(scope="module")
def hand():
    figures = compute(canonical(HAND), pd.DataFrame(), CONFIG)
    return national_ranking(figures.shares, CONFIG)


def test_competition_ranks_and_linear_quartiles():
    assert list(competition_rank([10.0, 9.0, 7.0, 7.0, 5.0])) == [1, 2, 3, 3, 5]
    assert list(competition_rank([5.0, 7.0 + 1e-12, 7.0, 9.0])) == [4, 2, 2, 1]  # float noise is a tie
    assert list(competition_rank([3.0, 3.0, 3.0])) == [1, 1, 1]
    assert quartiles([4.0, 1.0, 3.0, 2.0]) == (1.75, 2.5, 3.25)  # positions 0,75, 1,5 and 2,25 of 0..3
    assert quartiles([5.0, 7.0, 7.0, 9.0, 10.0]) == (7.0, 7.0, 9.0)
    assert quartiles([2.0]) == (2.0, 2.0, 2.0)


def test_ranks_with_a_tie_a_missing_scheme_and_no_headcount(hand):
    f = hand.figure(2021, "beskaeftigelse")
    assert f is not None and f.municipalities == 5  # Ballerup (no headcount) and Brøndby (0 staff) left out
    assert f.home is not None
    assert (f.home.rank, f.home.share) == (3, pytest.approx(7.0))
    assert [(s.municipality, s.rank) for s in f.neighbours] == [("Esbjerg", 3), ("Haderslev", 2)]  # the tie: 3, 3
    assert f.missing_neighbours == ("Kolding", "Sønderborg", "Tønder", "Vejen")
    ranked = hand.ranked(2021, "beskaeftigelse")
    assert list(ranked["code"]) == [FRB, HADERSLEV, HOME, ESBJERG, KBH]  # the tie in name order
    assert list(ranked["rank"]) == [1, 2, 3, 3, 5]
    assert list(ranked["share"]) == pytest.approx([10.0, 9.0, 7.0, 7.0, 5.0])
    assert list(ranked["role"]) == [OTHER, "Omegnskommune", "Hjemkommune", "Omegnskommune", OTHER]
    # per scheme over the municipalities that have it: fleksjob 470/8500, løntilskud 85/4500 (no København)
    assert f.average == pytest.approx(470 / 8500 * 100 + 85 / 4500 * 100)
    assert f.mean == pytest.approx((5 + 5 + 8 + 5 + 8) / 5 + (2 + 2 + 1 + 2) / 4)
    assert f.quartiles == pytest.approx((7.0, 7.0, 9.0))


def test_stu_and_beredskab_are_left_out(hand):
    f = hand.figure(2021, "uddannelse")
    assert f is not None and f.home is not None
    # elever only: Haderslev 6, København 5, Aabenraa 4, Esbjerg 3, Frederiksberg 2 (its STU of 50 % left out)
    assert (f.home.rank, f.municipalities) == (3, 5)
    assert list(hand.ranked(2021, "uddannelse")["code"]) == [HADERSLEV, KBH, HOME, ESBJERG, FRB]
    assert f.average == pytest.approx(350 / 8500 * 100)
    assert f.mean == pytest.approx(4.0)
    assert f.quartiles == pytest.approx((3.0, 4.0, 5.0))
    assert hand.figure(2021, "beredskab") is None  # no comparison category for beredskab


def test_a_year_without_the_home_municipality(hand):
    f = hand.figure(2022, "beskaeftigelse")
    assert f is not None and f.home is None and f.municipalities == 3
    # København 10 %, Haderslev 5 %, Esbjerg 3 %
    assert [(s.municipality, s.rank, s.share) for s in f.neighbours] == [("Esbjerg", 3, 3.0), ("Haderslev", 2, 5.0)]
    assert f.average == pytest.approx(485 / 6500 * 100)
    u = hand.figure(2022, "uddannelse")
    assert u is not None and u.municipalities == 1 and u.home is None
    assert u.missing_neighbours == CONFIG.neighbour_names
    assert u.quartiles == (1.0, 1.0, 1.0)
    assert hand.counts == {2021: 5, 2022: 3}
    assert [(p.year, p.rank, p.of) for p in hand.trend("beskaeftigelse")] == [(2021, 3, 5)]  # no 2022 point


def test_only_the_home_and_its_neighbours_is_no_national_data():
    local = [r for r in HAND if r[0] in (HOME, ESBJERG, HADERSLEV)]
    shares = compute(canonical(local), pd.DataFrame(), CONFIG).shares
    assert not has_national_data(shares, CONFIG)
    national = national_ranking(shares, CONFIG)
    assert not national.available and national.figures == () and national.distribution.empty


def test_the_input_is_not_changed(hand):
    shares = compute(canonical(HAND), pd.DataFrame(), CONFIG).shares
    before = shares.copy()
    national_ranking(shares, CONFIG)
    pd.testing.assert_frame_equal(shares, before)


# ---- the national workbook against a computation from the formula that wrote it -----------------


@pytest.fixture(scope="module")
def workbook():
    result = national_import()
    figures = compute(result.data, result.placements, CONFIG)
    return figures, national_ranking(figures.shares, CONFIG)


def test_the_national_workbook_ranking_matches_an_independent_computation(workbook):
    _, national = workbook
    expected = independent_national()
    assert national.counts == dict.fromkeys(YEARS, 98)
    assert len(national.figures) == len(YEARS) * 2
    for (year, group), want in expected.items():
        f = national.figure(year, group)
        assert f is not None and f.home is not None, (year, group)
        assert f.municipalities == 98
        assert f.home.rank == want["rank"], (year, group)
        assert f.home.share == pytest.approx(want["shares"][CONFIG.home])
        assert f.average == pytest.approx(want["average"])
        assert f.mean == pytest.approx(want["mean"])
        assert f.quartiles == pytest.approx(want["quartiles"])
        for s in f.neighbours:
            assert s.share == pytest.approx(want["shares"][s.code])
            assert s.rank == 1 + sum(1 for v in want["shares"].values() if round(v, 9) > round(s.share, 9))
        ranked = national.ranked(year, group)
        got = dict(zip(ranked["code"], ranked["share"], strict=True))
        assert got == pytest.approx(want["shares"])
        assert list(ranked["share"]) == sorted(ranked["share"], reverse=True)
    # the figures vary from year to year (the trend is not flat), and the neighbours are all there
    trend = national.trend("beskaeftigelse")
    assert len({p.rank for p in trend}) > 3
    assert all(len(f.neighbours) == 6 for f in national.figures)


def test_the_sentences_say_rank_tie_averages_and_neighbours_in_danish(hand):
    f = hand.figure(2021, "beskaeftigelse")
    assert f is not None
    assert text_national.rank_sentence(f, CONFIG, tied=1) == (
        "Aabenraa er nr. 3 af 5 kommuner i beskæftigelse i 2021 med 7,0 % af de ansatte: 2 kommuner har en "
        "højere andel. Pladsen deles med 1 anden kommune med samme andel."
    )
    assert text_national.neighbours_sentence(f) == (
        "Omegnskommunerne: Haderslev nr. 2 (9,0 %) og Esbjerg nr. 3 (7,0 %). "
        "Mangler tal fra Kolding, Sønderborg, Tønder og Vejen."
    )
    average = f"{470 / 8500 * 100 + 85 / 4500 * 100:.1f}".replace(".", ",")  # 7,4
    assert text_national.averages_sentence(f) == (
        f"Landsgennemsnittet er {average} % samlet (alle kommunernes personer i ordningerne over alle deres "
        "ansatte) og 8,0 % simpelt (gennemsnittet af kommunernes andele). Kvartilerne er 7,0 %, 7,0 % "
        "(medianen) og 9,0 %: den midterste halvdel af kommunerne ligger mellem 7,0 % og 9,0 %."
    )
    missing = hand.figure(2022, "beskaeftigelse")
    assert missing is not None
    assert text_national.rank_sentence(missing, CONFIG) == (
        "Aabenraa har ingen tal for beskæftigelse i 2022; 3 kommuner har tal det år."
    )
    assert text_national.trend_sentence(hand, CONFIG) == (
        "Aabenraas placering år for år. Beskæftigelse: nr. 3 af 5 i 2021. Uddannelse: nr. 3 af 5 i 2021."
    )
    assert "Importér tal for alle landets kommuner på siden Data" in text_national.no_national_data_sentence(CONFIG)


def test_the_first_place_and_the_trend_in_words(workbook):
    _, national = workbook
    points = national.trend("beskaeftigelse")
    best = min(points, key=lambda p: (p.rank, p.year))
    sentence = text_national.trend_sentence(national, CONFIG)
    assert (
        f"Beskæftigelse: fra nr. {points[0].rank} af 98 i 2018 til nr. {points[-1].rank} af 98 i 2025; "
        f"bedst nr. {best.rank} i {best.year}."
    ) in sentence
    f = national.figure(2021, "beskaeftigelse")
    assert f is not None and f.home is not None
    first = dataclasses.replace(f, home=dataclasses.replace(f.home, rank=1))
    assert "1 af 98 kommuner i beskæftigelse i 2021 med" in text_national.rank_sentence(first, CONFIG)
    assert text_national.rank_sentence(first, CONFIG).endswith("ingen kommune har en højere andel.")
