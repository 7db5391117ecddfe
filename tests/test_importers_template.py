"""The project's own template: written by csr.template, filled with openpyxl, imported back."""

from __future__ import annotations

import datetime as dt
import io

from importers_support import CONFIG, HOME, SONDERBORG, load, month, one, values, xls, xlsx
from openpyxl import load_workbook

from csr.model import ERROR, NOTE
from csr.template import DATA_HEADER, PLACEMENT_HEADER, write_template


def filled_template(data_rows: list[list], placement_rows: list[list]) -> bytes:
    wb = load_workbook(io.BytesIO(write_template(CONFIG)))
    for row in data_rows:
        wb["Data"].append(row)
    for row in placement_rows:
        wb["Praktikpladser"].append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_the_template_has_the_documented_headers_and_a_guide():
    wb = load_workbook(io.BytesIO(write_template(CONFIG)))
    assert wb.sheetnames == ["Data", "Praktikpladser", "Vejledning"]
    assert tuple(c.value for c in wb["Data"][1]) == DATA_HEADER == ("Kommune", "Måned", "Ordning", "Antal")
    assert (
        tuple(c.value for c in wb["Praktikpladser"][1])
        == PLACEMENT_HEADER
        == ("År", "Uddannelse", "Aftalt", "Realiseret")
    )


def test_a_filled_template_round_trips():
    data = filled_template(
        [
            ["Aabenraa", dt.datetime(2019, 2, 1), "Ansatte i alt", 4693],  # a real Excel date cell
            ["Aabenraa", "2019-05", "Månedslønnede ansatte", 4710],
            ["Aabenraa", "2019M08", "I alt", 4732],
            ["Aabenraa", "nov 2019", "Ansatte i alt", 4705],
            ["Aabenraa", dt.datetime(2019, 2, 1), "Fleksjob", 249],
            ["Aabenraa Kommune", "februar 2019", "Frivillige i beredskabet", 324.0],
            [580, "02-2019", "STU", 3],
            ["Sønderborg", "2019-02", "Elever", "101,5"],
        ],
        [
            [2019, "Social- og sundhedshjælper", 30, 32],
            [2019, "Pædagogisk assistent", 14, 12],
        ],
    )
    result = load(("skabelon.xlsx", data))
    assert result.ok, result.findings
    assert values(result) == {
        month(HOME, 2019, 2, "headcount"): 4693.0,
        month(HOME, 2019, 5, "headcount"): 4710.0,
        month(HOME, 2019, 8, "headcount"): 4732.0,
        month(HOME, 2019, 11, "headcount"): 4705.0,
        month(HOME, 2019, 2, "fleksjob"): 249.0,
        month(HOME, 2019, 2, "beredskab"): 324.0,
        month(HOME, 2019, 2, "stu"): 3.0,
        month(SONDERBORG, 2019, 2, "elever"): 101.5,
    }
    row = result.data[result.data["scheme"] == "elever"].iloc[0]
    assert (row["municipality"], row["file"], row["sheet"], row["row"], row["column"]) == (
        "Sønderborg",
        "skabelon.xlsx",
        "Data",
        9,
        "D",
    )
    placements = result.placements.sort_values("row")
    assert placements[["year", "education", "agreed", "realised"]].values.tolist() == [
        [2019, "Social- og sundhedshjælper", 30.0, 32.0],
        [2019, "Pædagogisk assistent", 14.0, 12.0],
    ]
    assert list(placements["sheet"]) == ["Praktikpladser", "Praktikpladser"]
    # The guide sheet is skipped, and the upload says so.
    note = one(result, NOTE, "Arket 'Vejledning'")
    assert note.message == "Arket 'Vejledning' indeholder ingen tabel med tal og er sprunget over."
    assert (note.file, note.sheet) == ("skabelon.xlsx", "Vejledning")
    assert [s.sheet for s in result.sheets] == ["Data", "Praktikpladser"]
    assert result.sheets[0].shape == "lang tabel" and result.sheets[0].rows == 8


def test_an_empty_template_is_an_error_not_an_empty_success():
    result = load(("skabelon.xlsx", write_template(CONFIG)))
    error = one(result, ERROR, "Ingen tal at importere")
    assert error.file == "skabelon.xlsx"
    assert result.data.empty and result.placements.empty


def test_the_template_shape_as_an_old_xls_workbook():
    data = xls(
        (
            "Data",
            [
                ["Kommune", "Måned", "Ordning", "Antal"],
                ["Tønder", dt.date(2019, 2, 1), "Fleksjob", 12.5],
                ["Tønder", "2019-05", "Fleksjob", "13,5"],
                ["550", "2019-08", "Fleksjob", 14],
            ],
        )
    )
    assert data[:4] == b"\xd0\xcf\x11\xe0"  # really BIFF/OLE, not xlsx
    result = load(("gammel.xls", data))
    assert values(result) == {
        month(550, 2019, 2, "fleksjob"): 12.5,
        month(550, 2019, 5, "fleksjob"): 13.5,
        month(550, 2019, 8, "fleksjob"): 14.0,
    }
    assert set(result.data["sheet"]) == {"Data"}


def test_placements_with_the_year_written_once_per_block_and_a_footnote():
    data = xlsx(
        (
            "Praktik",
            [
                ["Praktikpladser 2019-2020"],
                ["År", "Uddannelse", "Dimensioneret", "Besat"],
                [2019, "Social- og sundhedshjælper", 30, 28],
                [None, "Social- og sundhedsassistent", 50, 50],
                [2020, "Social- og sundhedshjælper", 31, 31],
                [],
                ["Kilde: HR"],
            ],
        )
    )
    result = load(("praktik.xlsx", data))
    assert result.ok, result.findings
    assert result.placements[["year", "education", "agreed", "realised", "row"]].values.tolist() == [
        [2019, "Social- og sundhedshjælper", 30.0, 28.0, 3],
        [2019, "Social- og sundhedsassistent", 50.0, 50.0, 4],
        [2020, "Social- og sundhedshjælper", 31.0, 31.0, 5],
    ]


def test_a_year_column_beside_a_month_column():
    rows = [
        ["År", "Måned", "Kommune", "Ordning", "Antal"],
        [2019, "februar", "Tønder", "FGU", 7],
        [2019, 5, "Tønder", "FGU", 8],
        ["2019", "Aug.", "Tønder", "FGU", 9],
        [None, "2019-11", "Tønder", "FGU", 10],
        [2019, "13", "Tønder", "FGU", 11],
    ]
    result = load(("egne.xlsx", xlsx(("Ark1", rows))))
    assert [(f.message, f.row, f.column) for f in result.errors] == [
        ("Måned kan ikke læses: '2019 13'. Skriv fx 2019-02, 2019M02, feb 2019 eller en Excel-dato.", 6, "B")
    ]
    result = load(("egne.xlsx", xlsx(("Ark1", rows[:-1]))))
    assert values(result) == {month(550, 2019, m, "fgu"): float(v) for m, v in ((2, 7), (5, 8), (8, 9), (11, 10))}


def test_one_value_column_per_scheme():
    rows = [
        ["Kommune", "Måned", "Ansatte i alt", "Fleksjob", "Løntilskud"],
        ["Tønder", "2019-02", 2000, 50, "12,5"],
        [None, "2019-05", 2001, None, 13],
    ]
    result = load(("egne.xlsx", xlsx(("Ark1", rows))))
    assert values(result) == {
        month(550, 2019, 2, "headcount"): 2000.0,
        month(550, 2019, 5, "headcount"): 2001.0,
        month(550, 2019, 2, "fleksjob"): 50.0,
        month(550, 2019, 2, "loentilskud"): 12.5,
        month(550, 2019, 5, "loentilskud"): 13.0,
    }
    assert result.sheets[0].shape == "ordning i kolonner"
    assert set(result.data.loc[result.data["scheme"] == "loentilskud", "column"]) == {"E"}
