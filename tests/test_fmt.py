"""The Danish formatting primitives (csr/fmt.py) and the display precision rule: a share beside a threshold
or an average is shown so that the shown numbers order like the true ones."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from csr import fmt, text
from csr.shares import TargetStatus

# ---- numbers, plurals, lists ------------------------------------------------------------------------


def test_numbers_have_a_decimal_comma_and_a_thousands_dot():
    assert fmt.number(1234.5, 1) == "1.234,5"
    assert fmt.number(1234567) == "1.234.567"
    assert fmt.number(None) == "–"
    assert fmt.number(float("nan"), 1) == "–"
    assert fmt.signed_number(-37.0) == "−37,0"


@pytest.mark.parametrize(
    ("function", "n", "expected"),
    [
        (fmt.persons, 1, "1 person"),
        (fmt.persons, 2, "2 personer"),
        (fmt.persons, 1234, "1.234 personer"),
        (fmt.places, 1, "1 plads"),
        (fmt.places, 2, "2 pladser"),
        (fmt.places, 0, "0 pladser"),
    ],
)
def test_plurals(function, n, expected):
    assert function(n) == expected


def test_counts_keep_a_quarter_person():
    assert fmt.count(4670.0) == "4.670"
    assert fmt.count(4662.5) == "4.662,5"
    assert fmt.count(4660.25) == "4.660,25"
    assert fmt.signed_count(-2.5) == "−2,5"
    assert fmt.signed_count(0) == "±0"


@pytest.mark.parametrize(
    ("items", "expected"),
    [([], ""), (["a"], "a"), (["a", "b"], "a og b"), (["a", "b", "c"], "a, b og c"), (("x", "y"), "x og y")],
)
def test_join(items, expected):
    assert fmt.join(items) == expected


def test_join_with_or():
    assert fmt.join(["fleksjob", "løntilskud", "igu"], "eller") == "fleksjob, løntilskud eller igu"


def test_every_list_joiner_is_the_one_in_fmt():
    """The copies that were written in five places are gone: each caller uses `fmt.join`."""
    from csr import importers, planning
    from csr.importers import cells

    assert text._join is fmt.join
    assert planning.join is fmt.join
    assert cells.join is fmt.join
    assert importers.join is fmt.join
    for module, name in ((planning, "_and"), (cells, "_and"), (importers, "_and_list")):
        assert not hasattr(module, name)


# ---- months and dates ----------------------------------------------------------------------------------


def test_month_names_full_and_short():
    assert fmt.month_name(2) == "februar"
    assert fmt.month_name(12, short=True) == "dec"
    assert fmt.SHORT_MONTHS[:3] == ("jan", "feb", "mar")
    assert fmt.month_year(2025, 8) == "august 2025"
    assert fmt.month_list((2, 5, 8, 11)) == "februar, maj, august og november"


def test_dates():
    assert fmt.danish_date(date(2025, 2, 3)) == "3. februar 2025"
    assert fmt.danish_datetime(datetime(2025, 2, 3, 14, 5)) == "3. februar 2025 kl. 14.05"


def test_the_store_and_the_importers_use_the_month_names_of_fmt():
    from csr import planning, store
    from csr.importers import cells

    assert cells.DANISH_MONTHS is fmt.MONTHS
    assert not hasattr(store, "_MONTHS")
    assert store.danish_time(datetime(2025, 7, 1, 10, 0, tzinfo=__import__("datetime").UTC)).startswith("1. juli 2025")
    assert planning.month_name((2025, 8)) == "august 2025"
    assert cells.format_period(2019, "M", 2) == "februar 2019" == fmt.format_period(2019, "M", 2)
    assert fmt.format_period(2019, "Q", 1) == "1. kvartal 2019"


# ---- the order of periods -------------------------------------------------------------------------------


def test_one_order_of_periods():
    periods = [(2019, "M", 2), (2018, "M", 12), (2019, "Q", 2), (2019, "Y", 1), (2019, "M", 1), (2019, "Q", 1)]
    ordered = sorted(periods, key=lambda p: fmt.period_key(*p))
    assert ordered == [(2018, "M", 12), (2019, "Y", 1), (2019, "Q", 1), (2019, "M", 1), (2019, "M", 2), (2019, "Q", 2)]
    keys = fmt.period_keys(*(np.array(c, dtype=object) for c in zip(*periods, strict=True)))
    assert keys.tolist() == [fmt.period_key(*p) for p in periods]


def _sheet_rows(periods: list[tuple[str, int]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "file": "a.xlsx",
            "sheet": "Ark1",
            "municipality": "Aabenraa",
            "scheme": "fleksjob",
            "year": 2019,
            "period": [k for k, _ in periods],
            "index": [i for _, i in periods],
        }
    )


def test_the_import_summary_names_first_and_last_period_in_time_order():
    """A quarter first in the sheet, then months: the summary once ordered by the kinds' order of appearance."""
    from csr.importers import _summary

    summary = _summary("a.xlsx", "Ark1", "lang", _sheet_rows([("Q", 2), ("M", 3), ("M", 5)]), 0)
    assert (summary.first_period, summary.last_period) == ("marts 2019", "maj 2019")


def test_the_stored_data_name_first_and_last_period_in_time_order():
    """March before the second quarter (April to June): the store's summary once put the quarter first."""
    from ui.data import stored_sheets

    (summary,) = stored_sheets(_sheet_rows([("M", 3), ("Q", 2)]), pd.DataFrame())
    assert (summary.first_period, summary.last_period) == ("marts 2019", "2. kvartal 2019")


def test_the_report_names_a_files_first_period_in_time_order(config):
    """Two sheets of one file, one from January, one from the second quarter: the report once put every
    quarter of a year before its months."""
    from csr.export.content import source_lines
    from csr.model import SheetSummary

    sheets = [
        SheetSummary("a.xlsx", "A", "lang", 2, ("Aabenraa",), ("fleksjob",), "2. kvartal 2019", "3. kvartal 2019"),
        SheetSummary("a.xlsx", "B", "lang", 2, ("Aabenraa",), ("fleksjob",), "januar 2019", "februar 2019"),
    ]
    assert "januar 2019 – 3. kvartal 2019" in source_lines(sheets, config)[0]


# ---- scheme names and the files' digest --------------------------------------------------------------------


def test_scheme_names(config):
    from csr import charts
    from csr.importers.mapping import scheme_name

    assert fmt.short_scheme_name("Særligt tilrettelagt ungdomsuddannelse (STU)") == "STU"
    assert fmt.short_scheme_name("Fleksjob") == "Fleksjob"
    assert fmt.scheme_label("stu", config, short=True) == "STU"
    assert fmt.scheme_label("headcount", config) == config.headcount_name
    assert scheme_name("headcount", config) == config.headcount_name.lower()
    assert fmt.scheme_label("ukendt", config) == "ukendt"
    assert text.short_scheme_name is fmt.short_scheme_name
    assert not hasattr(charts, "_short_name")


def test_the_app_and_the_report_fingerprint_files_with_one_function():
    from csr.export import files_version

    uploads = [("a.xlsx", b"abc"), ("b.csv", b"1;2")]
    assert files_version is fmt.files_digest
    assert fmt.files_digest(uploads) != fmt.files_digest(uploads[::-1])
    assert len(fmt.files_digest(uploads)) == 64


# ---- display precision (issue 11, item 4) -------------------------------------------------------------------


def test_a_value_just_below_the_threshold_is_not_shown_as_the_threshold():
    """4,999 % against 5 %: two decimals still round to "5,00 %", so the value is rounded down."""
    assert text.pct(4.999, 5.0) == "4,99 %"
    assert fmt.shown_pair(4.999, 5.0) == ("4,99 %", "5,00 %")
    assert text.pp(4.999 - 5.0, 5.0) == "under 0,01 pp"


def test_a_neighbour_comparison_shows_the_average_with_the_values_decimals():
    """6,98 % against an average of 6,96 %: one decimal shows "7,0 %" against "7,0 %"."""
    assert fmt.shown_pair(6.98, 6.96, strict=True) == ("6,98 %", "6,96 %")
    assert text.pct(6.98, 6.96, strict=True) == "6,98 %"
    assert fmt.reference_pct(6.96, 6.98, strict=True) == "6,96 %"
    assert text.pp(6.98 - 6.96, 6.96, strict=True) == "+0,02 pp"


def test_one_decimal_where_it_orders_right():
    assert fmt.shown_pair(10.23, 6.0) == ("10,2 %", "6,0 %")
    assert fmt.shown_pair(7.34, 7.01, strict=True) == ("7,3 %", "7,0 %")
    assert text.pct(10.23, 6.0) == "10,2 %"


def test_near_ties_round_away_from_each_other():
    """Both round to the same two-decimal number: each is rounded away from the other by under 0,01."""
    assert fmt.shown_pair(6.9801, 6.98, strict=True) == ("6,99 %", "6,98 %")
    assert fmt.shown_pair(5.001, 5.003) == ("5,00 %", "5,01 %")


@pytest.mark.parametrize("strict", [False, True])
def test_equal_values_are_shown_equal_strict_or_not(strict):
    assert fmt.shown_pair(5.0, 5.0, strict) == ("5,0 %", "5,0 %")
    assert fmt.gap_words(0.0, 5.0, strict, "målet") == "lige på målet"


def test_gaps_below_a_hundredth_are_words():
    assert fmt.gap_words(-0.001, 5.0, False, "målet") == "under 0,01 pp under målet"
    assert fmt.gap_words(0.004, 6.96, True, "gennemsnittet") == "under 0,01 pp over gennemsnittet"
    assert fmt.gap_words(0.3, 6.0, False, "målet") == "+0,3 pp over målet"
    assert fmt.gap_words(-0.04, 5.02, True, "gennemsnittet") == "−0,04 pp under gennemsnittet"


def test_pp_honours_strictness():
    """The decimals of a gap are those of the value beside the threshold, strict or not."""
    assert text.pp(0.02, 6.96, strict=True) == "+0,02 pp"
    assert text.pp(-0.04, 5.0) == "−0,04 pp"
    assert text.pp(0.5) == "+0,5 pp"
    assert text.pp(-0.04) == "±0,0 pp"  # a change since the year before: no threshold, no status, one decimal


def _target(kind: str, value: float, threshold: float, met: bool, gap_persons: int = 0) -> TargetStatus:
    return TargetStatus(
        year=2019,
        id="t",
        name="Mål",
        description="",
        kind=kind,
        threshold=threshold,
        value=value,
        met=met,
        gap_pp=value - threshold,
        gap_persons=gap_persons,
    )


def test_a_card_never_shows_a_signed_zero_beside_its_status():
    below = _target("min_share", 4.999, 5.0, False, 1)
    assert text.target_value_text(below) == "4,99 %"
    assert text.target_gap_text(below) == "under 0,01 pp under målet: 1 person mere i årsgennemsnit"
    above = _target("above_neighbours", 6.98, 6.96, True)
    assert text.target_value_text(above) == "6,98 %"
    assert text.target_threshold_text(above) == "Omegnskommunerne: 6,96 %"
    assert text.target_gap_text(above) == "+0,02 pp over gennemsnittet"
    on = _target("above_neighbours", 6.96, 6.96, False, 1)
    assert text.target_gap_text(on) == "lige på gennemsnittet: 1 person mere i årsgennemsnit"


def test_the_planner_gap_honours_strictness():
    from ui import planning as plan

    assert plan.gap_text("above_neighbours", True, 6.98 - 6.96, 0, 6.96) == "+0,02 pp"
    assert plan.gap_text("min_share", False, 4.999 - 5.0, 1, 5.0) == "under 0,01 pp: 1 person mangler"
    # placements are counted in places, never in percentage points (docs/regler.md §6)
    assert plan.gap_text("obligations_met", False, None, 1, 184.0) == "1 plads mangler"


def test_the_printed_targets_table_orders_like_the_truth():
    from csr.export.content import Gap, Share, cell_text

    assert cell_text("pct", Share(6.96, strict=True, beside=6.98)) == "6,96 %"
    assert Share(6.96, strict=True, beside=6.98).decimals() == 2
    assert cell_text("pp", Gap(6.98 - 6.96, 6.96, True)) == "+0,02 pp"
    assert cell_text("pp", Gap(4.999 - 5.0, 5.0)) == "under 0,01 pp"
    assert Gap(0.3, 6.0).decimals() == 1


def test_the_workbook_writes_a_gap_as_a_number_with_the_decimals_of_the_pdf():
    from csr.export.content import Gap
    from csr.export.xlsx import pp_format

    assert pp_format(Gap(6.98 - 6.96, 6.96, True).decimals()) == '+0.00" pp";-0.00" pp";0.00" pp"'
    assert pp_format(Gap(0.3, 6.0).decimals()) == '+0.0" pp";-0.0" pp";0.0" pp"'


def test_a_number_and_its_unit_never_part():
    assert text.unbroken(text.pct(10.2)) == "10,2\u00a0%"
    assert text.unbroken(text.pp(0.3)) == "+0,3\u00a0pp"
    assert text.unbroken("194 mod 192") == "194\u00a0mod\u00a0192"  # every space: the caller chooses what to pass
