"""jobindsats.dk exports, as .xlsx and as CSV: titles, Område, Periode, measure columns, '..' and '-'."""

from __future__ import annotations

import pytest
from importers_support import ESBJERG, HOME, SONDERBORG, TONDER, csv, load, messages, one, values, xlsx

from csr.model import ERROR, NOTE, WARNING

VP = "virksomhedspraktik"
TITLE = [
    ["Jobindsats.dk"],
    ["Virksomhedspraktik"],
    ["Antal personer og fuldtidspersoner; offentlige arbejdspladser; enhed: antal"],
    [],
]


def as_file(kind: str, rows: list[list]) -> tuple[str, bytes]:
    return ("jobindsats.csv", csv(rows)) if kind == "csv" else ("jobindsats.xlsx", xlsx(("Jobindsats", rows)))


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_periode_column_with_both_measures_uses_full_time_persons(kind):
    rows = [
        *TITLE,
        ["Område", "Periode", "Antal personer", "Antal fuldtidspersoner"],
        ["Hele landet", "2019M02", "33.246", "26.569,7"],
        ["RAR Sydjylland", "2019M02", "3.246", "2.569,7"],
        ["Region Syddanmark", "2019M02", "6.246", "5.569,7"],
        ["Aabenraa", "2019M02", "1.234", "1.100,5"],
        ["Aabenraa Kommune", "2019M03", "120", "99,5"],
        ["Tønder", "2019M02", "..", ".."],
        ["Sønderborg", "2019M02", "-", "-"],
        ["Esbjerg", "2019Q1", "50", "40,5"],
        ["Esbjerg", "2019", "50", "40,25"],
        [],
        ["Kilde: Jobindsats.dk; Styrelsen for Arbejdsmarked og Rekruttering"],
        ["* Tallene for 2019 er foreløbige"],
    ]
    result = load(as_file(kind, rows))
    assert result.ok, result.findings
    assert values(result) == {
        (HOME, 2019, "M", 2, VP): 1100.5,
        (HOME, 2019, "M", 3, VP): 99.5,
        (ESBJERG, 2019, "Q", 1, VP): 40.5,
        (ESBJERG, 2019, "Y", 0, VP): 40.25,
    }
    # Aggregate areas are skipped with a note each, never an error.
    notes = [(f.message, f.row, f.column) for f in result.notes]
    assert notes == [
        ("Samleområde sprunget over: 'Hele landet' er ikke en kommune, og rækkerne indgår ikke.", 6, "A"),
        ("Samleområde sprunget over: 'RAR Sydjylland' er ikke en kommune, og rækkerne indgår ikke.", 7, "A"),
        ("Samleområde sprunget over: 'Region Syddanmark' er ikke en kommune, og rækkerne indgår ikke.", 8, "A"),
    ]
    # '..' is missing with a warning; '-' is missing silently; neither is zero.
    hidden = one(result, WARNING, "Skjult værdi")
    assert hidden.message == (
        "Skjult værdi ('..'): tallet er diskretioneret i kilden og regnes som manglende, ikke som nul."
    )
    assert (hidden.row, hidden.column, hidden.value) == (11, "D", "..")
    assert TONDER not in set(result.data["code"]) and SONDERBORG not in set(result.data["code"])
    assert result.sheets[0].sheet == ("" if kind == "csv" else "Jobindsats")


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_tilbud_column_beside_both_measure_columns(kind):
    rows = [
        ["Jobindsats.dk: Personer i tilbud, offentlige arbejdspladser"],
        [],
        ["Område", "Tilbud", "Periode", "Antal personer", "Antal fuldtidspersoner"],
        ["Aabenraa", "Virksomhedspraktik", "2019M01", "150", "120,5"],
        ["Aabenraa", "Løntilskud (offentlig)", "2019M02", "1.100", "1.050,5"],
        ["Tønder Kommune", "Praktik i virksomhed", "2019M02", "30", "25"],
    ]
    result = load(as_file(kind, rows))
    assert result.ok, result.findings
    assert values(result) == {
        (HOME, 2019, "M", 1, VP): 120.5,
        (HOME, 2019, "M", 2, "loentilskud"): 1050.5,
        (TONDER, 2019, "M", 2, VP): 25.0,
    }
    assert set(result.data["column"]) == {"E"}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_scheme_in_a_title_line_and_only_full_time_persons(kind):
    rows = [
        ["Virksomhedspraktik – fuldtidspersoner"],
        ["Område", "Periode", "Fuldtidspersoner"],
        ["Aabenraa", "2019M02", "1.234,5"],
        ["Aabenraa", "2019M05", "12,25"],
    ]
    result = load(as_file(kind, rows))
    assert values(result) == {(HOME, 2019, "M", 2, VP): 1234.5, (HOME, 2019, "M", 5, VP): 12.25}


def test_only_persons_for_virksomhedspraktik_is_read_with_a_warning():
    rows = [["Virksomhedspraktik"], ["Område", "Periode", "Antal personer"], ["Aabenraa", "2019M02", "1.234"]]
    result = load(("j.csv", csv(rows)))
    assert values(result) == {(HOME, 2019, "M", 2, VP): 1234.0}  # "1.234" is a thousand, not one
    warning = one(result, WARNING, "Kun antal personer")
    assert warning.message == (
        "Kun antal personer: strategien opgør virksomhedspraktik i fuldtidspersoner, men "
        "tabellen har kun antal personer. Hent tallene som fuldtidspersoner fra jobindsats.dk."
    )


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_one_column_per_period_with_the_scheme_in_a_title_line(kind):
    rows = [
        ["Jobindsats.dk"],
        ["Virksomhedspraktik, fuldtidspersoner, offentlige arbejdspladser"],
        [],
        ["Område", "2019M01", "2019M02", "2019M03"],
        ["Hele landet", "26.607,1", "28.051,2", "29.649,3"],
        ["RAR Sydjylland", "2.000", "2.100", "2.200"],
        ["Aabenraa", "100,5", "..", "-"],
        ["Tønder Kommune", "10", "11", "12"],
        [],
        ["Kilde: jobindsats.dk"],
    ]
    result = load(as_file(kind, rows))
    assert result.ok, result.findings
    assert values(result) == {
        (HOME, 2019, "M", 1, VP): 100.5,
        (TONDER, 2019, "M", 1, VP): 10.0,
        (TONDER, 2019, "M", 2, VP): 11.0,
        (TONDER, 2019, "M", 3, VP): 12.0,
    }
    assert [f.value for f in result.notes] == ["Hele landet", "RAR Sydjylland"]
    hidden = one(result, WARNING, "Skjult værdi")
    assert (hidden.row, hidden.column) == (7, "C")


def test_one_column_per_quarter_and_per_year():
    rows = [
        ["Virksomhedspraktik (fuldtidspersoner)"],
        ["Område", "2019Q1", "2019Q2", 2020, 2021],
        ["Aabenraa", 100, 110, 105, 99.5],
    ]
    result = load(("j.xlsx", xlsx(("Data", rows))))
    assert values(result) == {
        (HOME, 2019, "Q", 1, VP): 100.0,
        (HOME, 2019, "Q", 2, VP): 110.0,
        (HOME, 2020, "Y", 0, VP): 105.0,
        (HOME, 2021, "Y", 0, VP): 99.5,
    }


def test_no_scheme_anywhere_is_an_error():
    rows = [["Område", "Periode", "Antal personer"], ["Aabenraa", "2019M02", "12"]]
    result = load(("j.csv", csv(rows)))
    error = one(result, ERROR, "Ordning ikke angivet")
    assert error.message == (
        "Ordning ikke angivet: tabellen har hverken en kolonne 'Ordning' eller en titel, der "
        "nævner ordningen. Tilføj en kolonne 'Ordning' med ordningens navn."
    )
    assert (error.file, error.row) == ("j.csv", 1)


def test_an_export_of_aggregate_areas_only_has_no_numbers_to_import():
    rows = [["Virksomhedspraktik"], ["Område", "Periode", "Antal fuldtidspersoner"], ["Hele landet", "2019M02", "1"]]
    result = load(("j.csv", csv(rows)))
    assert messages(result, ERROR) == [
        "Ingen tal at importere: tabellerne i filen er genkendt, men ingen række "
        "har et tal for en kommune. Udfyld tabellen, eller vælg den rigtige fil."
    ]
    assert len(result.findings) == 2 and result.findings[0].severity == NOTE


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_one_column_per_period_with_a_row_per_measure(kind):
    rows = [
        ["Virksomhedspraktik, offentlige arbejdspladser"],
        ["Område", "Måling", "2019M01", "2019M02"],
        ["Aabenraa", "Antal personer", "150", "160"],
        [None, "Antal fuldtidspersoner", "120,5", "130,25"],
        ["Tønder", "Antal personer", "..", "20"],
        ["", "Antal fuldtidspersoner", "..", "15,5"],
    ]
    result = load(as_file(kind, rows))
    assert result.ok, result.findings
    assert values(result) == {
        (HOME, 2019, "M", 1, VP): 120.5,
        (HOME, 2019, "M", 2, VP): 130.25,
        (TONDER, 2019, "M", 2, VP): 15.5,
    }
    assert set(result.data["row"]) == {4, 6}
    assert [(f.row, f.column) for f in result.warnings] == [(6, "C")]  # the hidden full-time figure only


def test_a_row_per_measure_with_persons_only_is_read_with_a_warning():
    rows = [["Virksomhedspraktik"], ["Område", "Måling", "2019M01"], ["Aabenraa", "Antal personer", "150"]]
    result = load(("j.csv", csv(rows)))
    assert values(result) == {(HOME, 2019, "M", 1, VP): 150.0}
    assert one(result, WARNING, "Kun antal personer").row == 2
