"""Single cells: the ways a month is written, Danish numbers, header words."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csr.importers.cells import HIDDEN, column_letter, format_period, header_role, parse_number, parse_period


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (dt.datetime(2019, 2, 1), (2019, "M", 2)),  # a real Excel date cell, as calamine returns it
        (dt.date(2019, 2, 1), (2019, "M", 2)),
        (dt.datetime(2019, 2, 28, 0, 0), (2019, "M", 2)),
        ("2019-02", (2019, "M", 2)),
        ("2019-2", (2019, "M", 2)),
        ("2019-02-01", (2019, "M", 2)),
        ("2019-02-01 00:00:00", (2019, "M", 2)),  # a date cell saved to CSV by pandas
        ("2019/02", (2019, "M", 2)),
        ("2019M02", (2019, "M", 2)),
        ("2019m2", (2019, "M", 2)),
        ("2019M12", (2019, "M", 12)),
        ("feb 2019", (2019, "M", 2)),
        ("Feb 2019", (2019, "M", 2)),
        ("feb. 2019", (2019, "M", 2)),
        ("feb-19", (2019, "M", 2)),
        ("februar 2019", (2019, "M", 2)),
        ("Februar 2019", (2019, "M", 2)),
        ("marts 2019", (2019, "M", 3)),
        ("maj 2019", (2019, "M", 5)),
        ("okt 2019", (2019, "M", 10)),
        ("2019 februar", (2019, "M", 2)),
        ("02-2019", (2019, "M", 2)),
        ("2-2019", (2019, "M", 2)),
        ("02/2019", (2019, "M", 2)),
        ("01-02-2019", (2019, "M", 2)),  # Danish day-month-year
        ("  2019-11  ", (2019, "M", 11)),
        ("2019Q1", (2019, "Q", 1)),
        ("2019K4", (2019, "Q", 4)),
        ("Q2 2019", (2019, "Q", 2)),
        ("1. kvt. 2019", (2019, "Q", 1)),
        ("2019", (2019, "Y", 0)),
        (2019, (2019, "Y", 0)),
        (2019.0, (2019, "Y", 0)),
    ],
)
def test_parse_period_reads_every_way_a_month_is_written(cell, expected):
    assert parse_period(cell) == expected


@pytest.mark.parametrize(
    "cell",
    [
        "2019-13",
        "2019M13",
        "2019M00",
        "13-2019",
        "00-2019",
        "2019Q5",
        "foo",
        "feb",
        "februar",
        "februar 19x",
        "fbr 2019",
        "",
        "   ",
        None,
        True,
        12,
        4700.0,
        2019.5,
        "1850",
        "2019-02-30x",
        "x" * 50,
    ],
)
def test_parse_period_rejects_what_is_not_a_month(cell):
    assert parse_period(cell) is None


@pytest.mark.parametrize(
    ("year", "kind", "index", "text"),
    [(2019, "M", 2, "februar 2019"), (2019, "Q", 3, "3. kvartal 2019"), (2019, "Y", 0, "2019")],
)
def test_format_period_is_danish(year, kind, index, text):
    assert format_period(year, kind, index) == text


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (12.0, 12.0),
        (7, 7.0),
        ("12", 12.0),
        ("12,5", 12.5),
        ("1.234", 1234.0),  # thousands dot, not a decimal point
        ("1.234,5", 1234.5),
        ("26.607,1", 26607.1),
        ("1.234.567", 1234567.0),
        ("1 234", 1234.0),
        ("1\u00a0234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("12.5", 12.5),
        ("-3", -3.0),
        ("", None),
        ("  ", None),
        (None, None),
        ("-", None),
        ("–", None),
        (float("nan"), None),
        ("..", HIDDEN),
        (" .. ", HIDDEN),
        ("mange", "mange"),
        ("12 personer", "12 personer"),
        ("1,2,3", "1,2,3"),
        ("inf", "inf"),
    ],
)
def test_parse_number_reads_danish_numbers(cell, expected):
    assert parse_number(cell) == expected


@pytest.mark.parametrize(
    ("cell", "role"),
    [
        ("Kommune", "municipality"),
        ("Område", "municipality"),
        ("OMRÅDE", "municipality"),
        ("Kommunekode", "municipality"),
        ("Måned", "period"),
        ("Periode", "period"),
        ("År", "year"),
        ("Ordning", "scheme"),
        ("Tilbud", "scheme"),
        ("Antal", "value"),
        ("Antal personer", "persons"),
        ("Antal fuldtidspersoner", "fte"),
        ("Fuldtidspersoner", "fte"),
        ("Fleksjob", None),
        (2019, None),
    ],
)
def test_header_role(cell, role):
    assert header_role(cell) == role


def test_column_letter():
    assert [column_letter(i) for i in (0, 3, 25, 26, 27, 701, 702)] == ["A", "D", "Z", "AA", "AB", "ZZ", "AAA"]


def danish(value: float, decimals: int) -> str:
    """How Excel writes a number in a Danish CSV: thousands dots and a decimal comma."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=2))
def test_any_danish_number_reads_back(cents, decimals):
    value = round(cents / 100, decimals)
    assert parse_number(danish(value, decimals)) == pytest.approx(value)
    assert parse_number(danish(value, decimals).replace(".", "")) == pytest.approx(value)


@given(st.integers(min_value=1980, max_value=2100), st.integers(min_value=1, max_value=12))
def test_any_month_in_every_written_form(year, month):
    from csr.importers.cells import DANISH_MONTHS

    forms = [
        dt.date(year, month, 1),
        f"{year}-{month:02d}",
        f"{year}M{month:02d}",
        f"{month:02d}-{year}",
        f"{DANISH_MONTHS[month - 1]} {year}",
        f"{DANISH_MONTHS[month - 1][:3]} {year}",
        format_period(year, "M", month),
    ]
    assert {parse_period(f) for f in forms} == {(year, "M", month)}
