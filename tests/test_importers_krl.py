"""Pivoted KRL-style sheets: schemes down the rows, months across, titles above, notes below."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from importers_support import ESBJERG, HOME, TONDER, load, messages, month, one, values, xls, xlsx
from openpyxl import Workbook

from csr.model import ERROR, WARNING

D = dt.datetime
MONTHS_AS_DATES = [D(2019, 2, 1), D(2019, 5, 1), D(2019, 8, 1), D(2019, 11, 1)]
MONTHS_AS_TEXT = ["Februar 2019", "maj 2019", "2019M08", "2019-11"]


def aabenraa_2019(code: int = HOME, base: float = 4700) -> dict:
    return {
        **{month(code, 2019, m, "headcount"): base + k for k, m in enumerate((2, 5, 8, 11))},
        **{month(code, 2019, m, "fleksjob"): 250.0 + k for k, m in enumerate((2, 5, 8, 11))},
    }


@pytest.mark.parametrize("header_months", [MONTHS_AS_DATES, MONTHS_AS_TEXT], ids=["excel-dates", "text"])
@pytest.mark.parametrize("headcount_row", ["I alt", "Ansatte i alt"])
def test_one_municipality_with_titles_and_notes(header_months, headcount_row):
    rows = [
        ["KRL – Kommunernes og Regionernes Løndatakontor"],
        ["Månedslønnede ansatte på særlige vilkår, Aabenraa Kommune"],
        ["Udtrukket 15-09-2025"],
        [],
        ["Ordning", *header_months],
        [headcount_row, 4700, 4701, 4702, 4703],
        ["Fleksjobbere", 250, 251, 252, 253],
        [],
        ["Kilde: KRL, egne beregninger."],
        ["Note: opgjort for månedslønnede ansatte."],
        ["* 2019 er endelige tal"],
    ]
    result = load(("krl.xlsx", xlsx(("2019", rows))))
    assert result.ok, result.findings
    assert values(result) == aabenraa_2019()
    assert not result.warnings
    assert result.sheets[0].shape == "periode i kolonner"
    cell = result.data[(result.data["scheme"] == "fleksjob") & (result.data["index"] == 5)].iloc[0]
    assert (cell["sheet"], cell["row"], cell["column"]) == ("2019", 7, "C")


def test_the_same_pivot_in_an_old_xls_workbook_with_date_cells():
    rows = [
        ["Aabenraa Kommune"],
        ["Ordning", *[dt.date(2019, m, 1) for m in (2, 5, 8, 11)]],
        ["Ansatte i alt", 4700, 4701, 4702, 4703],
        ["Fleksjob", 250, 251, 252, 253],
    ]
    result = load(("krl.xls", xls(("Ark1", rows))))
    assert result.ok, result.findings
    assert values(result) == aabenraa_2019()


def test_stacked_municipalities_with_a_municipality_column_named_on_every_row():
    rows = [
        ["KRL"],
        ["Kommune", "Ordning", *MONTHS_AS_DATES],
        ["Aabenraa Kommune", "Ansatte i alt", 4700, 4701, 4702, 4703],
        ["Aabenraa Kommune", "Fleksjob", 250, 251, 252, 253],
        ["Tønder Kommune", "Ansatte i alt", 2000, 2001, 2002, 2003],
        ["Tønder Kommune", "Fleksjob", 250, 251, 252, 253],
        [],
        ["Kilde: KRL"],
    ]
    result = load(("krl.xlsx", xlsx(("Ark1", rows))))
    assert values(result) == {**aabenraa_2019(), **aabenraa_2019(TONDER, 2000)}


def test_stacked_municipalities_named_only_on_the_first_row_of_each_block():
    rows = [
        ["Kommune", "Ordning", *MONTHS_AS_TEXT],
        ["Aabenraa", "I alt", 4700, 4701, 4702, 4703],
        [None, "Fleksjob", 250, 251, 252, 253],
        ["Esbjerg", "I alt", 8800, 8801, 8802, 8803],
        ["", "Fleksjob", 250, 251, 252, 253],
    ]
    result = load(("krl.xlsx", xlsx(("Ark1", rows))))
    assert result.ok, result.findings
    assert values(result) == {**aabenraa_2019(), **aabenraa_2019(ESBJERG, 8800)}


def test_stacked_blocks_each_with_a_title_line_and_a_repeated_header():
    rows = [
        ["Ansatte på særlige vilkår"],
        ["Aabenraa Kommune"],
        ["Ordning", *MONTHS_AS_DATES],
        ["Ansatte i alt", 4700, 4701, 4702, 4703],
        ["Fleksjob", 250, 251, 252, 253],
        [],
        ["Esbjerg Kommune"],
        ["Ordning", *MONTHS_AS_DATES],
        ["Ansatte i alt", 8800, 8801, 8802, 8803],
        ["Fleksjob", 250, 251, 252, 253],
        [],
        ["Tønder Kommune"],
        ["Ordning", *MONTHS_AS_DATES],  # directly below the title, no blank line before the next block
        ["Ansatte i alt", 2000, 2001, 2002, 2003],
        ["Fleksjob", 250, 251, 252, 253],
        ["Kilde: KRL"],
    ]
    result = load(("krl.xlsx", xlsx(("Ark1", rows))))
    assert result.ok, result.findings
    assert values(result) == {**aabenraa_2019(), **aabenraa_2019(ESBJERG, 8800), **aabenraa_2019(TONDER, 2000)}
    tonder = result.data[result.data["code"] == TONDER]
    assert sorted(set(tonder["row"])) == [14, 15]


def test_stacked_blocks_with_repeated_headers_and_no_blank_line_between():
    rows = [
        ["Aabenraa Kommune"],
        ["Ordning", *MONTHS_AS_TEXT],
        ["I alt", 4700, 4701, 4702, 4703],
        ["Fleksjob", 250, 251, 252, 253],
        ["Esbjerg Kommune"],
        ["Ordning", *MONTHS_AS_TEXT],
        ["I alt", 8800, 8801, 8802, 8803],
        ["Fleksjob", 250, 251, 252, 253],
    ]
    result = load(("krl.xlsx", xlsx(("Ark1", rows))))
    assert values(result) == {**aabenraa_2019(), **aabenraa_2019(ESBJERG, 8800)}


def test_municipalities_as_sub_heading_rows_with_blank_spacer_lines():
    rows = [
        ["Ordning", *MONTHS_AS_DATES],
        ["Aabenraa Kommune"],
        ["Ansatte i alt", 4700, 4701, 4702, 4703],
        [],
        ["Fleksjob", 250, 251, 252, 253],
        ["Esbjerg Kommune"],
        ["Ansatte i alt", 8800, 8801, 8802, 8803],
        ["Fleksjob", 250, 251, 252, 253],
        [],
        ["Note: foreløbige tal"],
    ]
    result = load(("krl.xlsx", xlsx(("Ark1", rows))))
    assert result.ok, result.findings
    assert values(result) == {**aabenraa_2019(), **aabenraa_2019(ESBJERG, 8800)}


def test_municipalities_side_by_side_with_names_above_the_month_header():
    rows = [
        ["Ansatte på særlige vilkår 2019"],
        [None, "Aabenraa Kommune", None, None, None, "Esbjerg Kommune", None, None, None],
        ["Ordning", *MONTHS_AS_DATES, *MONTHS_AS_DATES],
        ["Ansatte i alt", 4700, 4701, 4702, 4703, 8800, 8801, 8802, 8803],
        ["Fleksjob", 250, 251, 252, 253, 250, 251, 252, 253],
        [],
        ["* Kilde: KRL"],
    ]
    result = load(("krl.xlsx", xlsx(("Ark1", rows))))
    assert result.ok, result.findings
    assert values(result) == {**aabenraa_2019(), **aabenraa_2019(ESBJERG, 8800)}
    esbjerg = result.data[(result.data["code"] == ESBJERG) & (result.data["scheme"] == "headcount")]
    assert sorted(esbjerg["column"]) == ["F", "G", "H", "I"]


def test_side_by_side_with_merged_name_cells():
    wb = Workbook()
    ws = wb.active
    ws.append([None, "Aabenraa", None, "Tønder", None])
    ws.merge_cells("B1:C1")
    ws.merge_cells("D1:E1")
    ws.append(["Ordning", "feb 2019", "maj 2019", "feb 2019", "maj 2019"])
    ws.append(["I alt", 4700, 4701, 2000, 2001])
    buffer = io.BytesIO()
    wb.save(buffer)
    result = load(("krl.xlsx", buffer.getvalue()))
    assert values(result) == {
        month(HOME, 2019, 2, "headcount"): 4700.0,
        month(HOME, 2019, 5, "headcount"): 4701.0,
        month(TONDER, 2019, 2, "headcount"): 2000.0,
        month(TONDER, 2019, 5, "headcount"): 2001.0,
    }


def test_a_total_column_and_an_empty_scheme_row_are_ignored():
    rows = [
        ["Aabenraa"],
        ["Ordning", *MONTHS_AS_TEXT, "I alt"],
        ["Ansatte i alt", 4700, 4701, 4702, 4703, 18806],
        ["Løntilskud", None, None, None, None, None],
        ["Fleksjob", 250, 251, 252, 253, 1006],
    ]
    result = load(("krl.xlsx", xlsx(("Ark1", rows))))
    assert result.ok, result.findings
    assert values(result) == aabenraa_2019()


def test_no_municipality_anywhere_means_the_home_municipality_with_a_warning():
    rows = [["Ordning", *MONTHS_AS_TEXT], ["I alt", 4700, 4701, 4702, 4703], ["Fleksjob", 250, 251, 252, 253]]
    result = load(("egne.xlsx", xlsx(("Ark1", rows))))
    assert values(result) == aabenraa_2019()
    warning = one(result, WARNING, "Ingen kommune angivet")
    assert warning.message == (
        "Ingen kommune angivet: filen nævner ingen kommune, så tallene i tabellen er læst som "
        "Aabenraa Kommunes. Passer det ikke, så tilføj en kolonne med kommunens navn."
    )
    assert (warning.sheet, warning.row) == ("Ark1", 2)


def test_a_misspelt_municipality_in_a_block_title_is_an_error_not_the_block_above():
    rows = [
        ["Aabenraa Kommune"],
        ["Ordning", *MONTHS_AS_TEXT],
        ["I alt", 4700, 4701, 4702, 4703],
        [],
        ["Esbjerrg Kommune"],
        ["Ordning", *MONTHS_AS_TEXT],
        ["I alt", 8800, 8801, 8802, 8803],
    ]
    result = load(("krl.xlsx", xlsx(("Ark1", rows))))
    error = one(result, ERROR, "Ukendt kommune")
    assert error.message == (
        "Ukendt kommune 'Esbjerrg' i titlen over tabellen. Mente du 'Esbjerg', 'Sønderborg' "
        "eller 'Skanderborg'? Ret navnet, så tallene kan henføres til den rigtige kommune."
    )
    assert (error.sheet, error.row, error.value) == ("Ark1", 5, "Esbjerrg")
    assert result.data.empty


def test_a_month_header_that_cannot_be_read_is_an_error():
    rows = [["Aabenraa"], ["Ordning", "feb 2019", "2019-13", "febuar 2019"], ["I alt", 4700, 4701, 4702]]
    result = load(("krl.xlsx", xlsx(("Ark1", rows))))
    errors = [(f.message, f.row, f.column, f.value) for f in result.errors]
    hint = "Skriv fx 2019-02, 2019M02, feb 2019 eller en Excel-dato."
    assert errors == [
        (f"Måned kan ikke læses: '2019-13'. {hint}", 2, "C", "2019-13"),
        (f"Måned kan ikke læses: 'febuar 2019'. {hint}", 2, "D", "febuar 2019"),
    ]


def test_numbers_below_the_table_without_a_header_are_not_dropped_silently():
    rows = [
        ["Aabenraa"],
        ["Ordning", *MONTHS_AS_TEXT],
        ["I alt", 4700, 4701, 4702, 4703],
        [],
        ["Ekstra tal fra HR"],
        ["Fleksjob", 250, 251, 252, 253],
    ]
    result = load(("krl.xlsx", xlsx(("Ark1", rows))))
    warning = one(result, WARNING, "Rækker ikke læst")
    assert warning.message == (
        "Rækker ikke læst: række 6 har tal, men hører ikke til en tabel med en "
        "overskriftsrække. Giv dem en overskrift som tabellen ovenfor, eller fjern dem."
    )
    assert warning.row == 6
    assert "fleksjob" not in set(result.data["scheme"])
    assert messages(result, ERROR) == []
