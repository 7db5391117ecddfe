"""Danish CSV from Excel: semicolons, decimal commas, UTF-8 with BOM or cp1252, tabs, titles and footnotes."""

from __future__ import annotations

import codecs

import pytest
from importers_support import HOME, SONDERBORG, TONDER, csv, load, month, values

from csr.importers import read_cells

ROWS = [
    ["Kommune", "Måned", "Ordning", "Antal"],
    ["Tønder", "2019-02", "Ansatte i alt", "2.001"],
    ["Tønder", "2019-02", "Fleksjob", "12,5"],
    ["Sønderborg", "2019-02", "Skånejob", "1.234,5"],
    ["Aabenraa", "2019-02", "Voksenlærlinge", "7"],
]
EXPECTED = {
    month(TONDER, 2019, 2, "headcount"): 2001.0,
    month(TONDER, 2019, 2, "fleksjob"): 12.5,
    month(SONDERBORG, 2019, 2, "skaanejob"): 1234.5,
    month(HOME, 2019, 2, "voksenlaerlinge"): 7.0,
}


@pytest.mark.parametrize(
    ("encoding", "sep"),
    [("utf-8-sig", ";"), ("utf-8", ";"), ("cp1252", ";"), ("utf-8-sig", "\t"), ("cp1252", "\t")],
    ids=["utf8-bom", "utf8", "cp1252", "tab-bom", "tab-cp1252"],
)
def test_danish_csv_in_every_encoding_and_separator(encoding, sep):
    data = csv(ROWS, sep=sep, encoding=encoding)
    if encoding == "cp1252":
        assert "Tønder".encode("cp1252") in data and b"\xc3" not in data  # really not UTF-8
    if encoding == "utf-8-sig":
        assert data.startswith(codecs.BOM_UTF8)
    result = load(("eksport.csv", data))
    assert result.ok, result.findings
    assert values(result) == EXPECTED
    assert set(result.data["municipality"]) == {"Tønder", "Sønderborg", "Aabenraa"}
    assert set(result.data["sheet"]) == {""}  # a CSV file has no sheets; messages say "fil x, række n"


def test_an_english_comma_separated_file_with_decimal_points():
    rows = [
        ["Kommune", "Måned", "Ordning", "Antal"],
        ["Tønder", "2019-02", "Fleksjob", "12.5"],
        ["Sønderborg", "2019-02", "Skånejob", "1234.5"],
    ]
    result = load(("export.csv", csv(rows, sep=",", encoding="utf-8", newline="\n")))
    assert values(result) == {month(TONDER, 2019, 2, "fleksjob"): 12.5, month(SONDERBORG, 2019, 2, "skaanejob"): 1234.5}


def test_cp1252_names_are_read_as_the_right_letters():
    ((sheet, rows, _, _),) = read_cells("x.csv", csv([["Område"], ["Tønder"], ["Åbenrå"]], encoding="cp1252"), "csv")
    assert sheet == ""
    assert rows == [["Område"], ["Tønder"], ["Åbenrå"]]


def test_decimal_commas_do_not_outvote_the_semicolons():
    # Four decimal commas per line against three semicolons: the separator is still ";".
    rows = [
        ["Område", "Periode", "Antal personer", "Antal fuldtidspersoner"],
        ["Aabenraa", "2019M02", "1,5", "1,25"],
        ["Aabenraa", "2019M03", "2,5", "2,25"],
    ]
    data = "\r\n".join(";".join(r) for r in [["Virksomhedspraktik, fuldtid, offentlig, alle, i alt"], *rows])
    result = load(("j.csv", data.encode("utf-8")))
    assert values(result) == {
        (HOME, 2019, "M", 2, "virksomhedspraktik"): 1.25,
        (HOME, 2019, "M", 3, "virksomhedspraktik"): 2.25,
    }


def test_title_lines_with_semicolons_and_footnotes_of_every_kind():
    rows = [
        ["Egne lister; HR; udtrukket 2025-09-15"],
        ["Opgjort pr. måned; se noter nederst"],
        [],
        ["Måned", "Kommune", "Ordning", "Antal"],
        ["2019-02", "Tønder", "FGU", "7"],
        ["2019-05", "Tønder", "FGU", "8"],
        [],
        ["Kilde: egen opgørelse; HR-afdelingen; 2025"],
        ["Note: tal for 2019 er endelige; 2020 foreløbige"],
        ["* FGU tælles pr. måned; se vejledning"],
    ]
    for footnotes in (rows, rows[:7] + rows[8:], rows[:7] + rows[9:], rows[:6] + rows[7:]):
        result = load(("egne.csv", csv(footnotes)))
        assert result.ok, (footnotes, result.findings)
        assert values(result) == {month(TONDER, 2019, 2, "fgu"): 7.0, month(TONDER, 2019, 5, "fgu"): 8.0}


def test_a_footnote_that_spills_into_the_value_column_ends_the_table():
    data = b"Kommune;M\xc3\xa5ned;Ordning;Antal\r\nT\xc3\xb8nder;2019-02;FGU;7\r\n* Note; se; mere; her\r\n"
    result = load(("egne.csv", data))
    assert result.ok, result.findings
    assert values(result) == {month(TONDER, 2019, 2, "fgu"): 7.0}


def test_quoted_cells_and_lines_of_different_length():
    data = (
        '"Kommune";"Måned";"Ordning";"Antal"\n"Tønder";"2019-02";"Elever; EUD";"3"\nTønder;2019-05;Elever\n'
    ).encode()
    result = load(("egne.csv", data))
    assert [(f.message[:28], f.row, f.column, f.value) for f in result.errors] == [
        ("Ukendt ordning 'Elever; EUD'", 2, "C", "Elever; EUD")
    ]
