"""Text from a file is data: control, direction and invisible characters are removed with a warning naming the
cell, line breaks become spaces, over-long text is an error, and messages never show Python or numpy text."""

from __future__ import annotations

import numpy as np
import pytest
from importers_support import HOME, big_xlsx, csv, load, one, xls

from csr.importers import read_cells
from csr.importers.cells import MAX_LABEL, MAX_PROSE, clean_text
from csr.importers.sheets import show
from csr.model import ERROR, WARNING

HEADER = ["Kommune", "Måned", "Ordning", "Antal"]
CONTROL = {chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0))}


def no_hidden_text(value: object) -> bool:
    return not isinstance(value, str) or not (
        set(value) & (CONTROL | set("\u202a\u202b\u202c\u202d\u202e\u200b\ufeff"))
    )


# ---- the finding of issue 10: an xlsx escape becomes a control character ---------------------------


def test_an_education_name_with_an_xlsx_control_escape_is_cleaned_and_named():
    # `Elev_x0001_` is how a workbook stores U+0001 (ECMA-376 ST_Xstring); python-calamine turns it into "\x01",
    # which made vl-convert panic and take the server down when the placements were drawn.
    data = big_xlsx(
        "Praktik",
        [
            ["År", "Uddannelse", "Aftalt", "Realiseret"],
            [2022, "Elev_x0001_", 3, 2],
            [2022, "Social- og sundhedsassistent", 5, 5],
        ],
    )
    result = load(("praktik.xlsx", data))
    assert result.ok
    assert result.placements["education"].tolist() == ["Elev", "Social- og sundhedsassistent"]
    f = one(result, WARNING, "Tegn uden betydning fjernet")
    assert (f.file, f.sheet, f.row, f.column) == ("praktik.xlsx", "Praktik", 2, "B")
    assert f.message == "Tegn uden betydning fjernet fra cellen: styretegn U+0001. Cellen læses som 'Elev'."


def test_direction_overrides_and_zero_width_characters_cannot_spoof_a_name():
    data = big_xlsx(
        "Data",
        [
            HEADER,
            ["Aab\u200benraa", "2022-02", "Fleksjob", 10],  # zero-width space: looks like Aabenraa
            ["\u202eaarnebaA\u202c", "2022-05", "Fleksjob", 11],  # displays as "Aabenraa", is "aarnebaA"
        ],
    )
    result = load(("navne.xlsx", data))
    assert [(f.row, f.column, f.message) for f in result.findings if f.message.startswith("Tegn")] == [
        (2, "A", "Tegn uden betydning fjernet fra cellen: usynligt tegn U+200B. Cellen læses som 'Aabenraa'."),
        (
            3,
            "A",
            "Tegn uden betydning fjernet fra cellen: retningstegn U+202E og retningstegn U+202C. Cellen læses "
            "som 'aarnebaA'.",
        ),
    ]
    # What is matched is what is shown: the reversed name is not Aabenraa, and it says so.
    assert one(result, ERROR, "Ukendt kommune 'aarnebaA'").row == 3


def test_line_breaks_and_tabs_in_a_header_become_spaces_without_a_warning():
    data = big_xlsx(
        "Data", [["Kommune", "Måned", "Ordning", "Antal\npersoner"], ["Aabenraa", "2022-02", "Fleks\tjob", 10]]
    )
    sheets = read_cells("a.xlsx", data, "xlsx")
    assert sheets[0][1] == [
        ["Kommune", "Måned", "Ordning", "Antal personer"],
        ["Aabenraa", "2022-02", "Fleks job", 10.0],
    ]
    result = load(("a.xlsx", data), isolate=False)
    assert not [f for f in result.findings if f.message.startswith("Tegn")]


def test_control_characters_in_a_csv_are_removed_with_a_warning():
    # (A text file with more than 1 % control bytes is refused as binary before this: see test_safety.)
    rest = [["Aabenraa", f"{y}-05", "Fleksjob", "11"] for y in range(2000, 2030)]
    data = csv([HEADER, ["Aabenraa\x01", "2022-02", "Fleksjob\x9b", "10"], *rest])
    result = load(("liste.csv", data))
    hits = [f for f in result.findings if f.message.startswith("Tegn")]
    assert [(f.file, f.sheet, f.row, f.column) for f in hits] == [("liste.csv", "", 2, "A"), ("liste.csv", "", 2, "C")]
    assert "styretegn U+009B" in hits[1].message
    assert sorted(result.data["value"])[:2] == [10.0, 11.0] and len(result.data) == 31
    assert set(result.data["municipality"]) == {"Aabenraa"}


def test_an_old_xls_workbook_is_cleaned_the_same_way():
    result = load(("gammel.xls", xls(("Data", [HEADER, ["Aabenraa\u2066", "2022-02", "Fleksjob", 10]]))))
    assert one(result, WARNING, "Tegn uden betydning").message.endswith(
        "retningstegn U+2066. Cellen læses som 'Aabenraa'."
    )
    assert result.data["code"].tolist() == [HOME]


def test_sheet_and_file_names_are_cleaned_like_cells():
    data = big_xlsx("Da\u202eta\u0007", [HEADER, ["Aabenraa", "2022-02", "Fleksjob", 10]])
    result = load(("tal\u202e\u0000.xlsx", data))
    assert [str(f) for f in result.findings if "navnet" in f.message] == [
        "Fil tal.xlsx: Filnavnet 'tal.xlsx' havde tegn uden betydning, som er fjernet (retningstegn U+202E og "
        "styretegn U+0000).",
        "Fil tal.xlsx, ark 'Data': Arknavnet 'Data' havde tegn uden betydning, som er fjernet (retningstegn U+202E "
        "og styretegn U+0007).",
    ]
    assert set(result.data["file"]) == {"tal.xlsx"} and set(result.data["sheet"]) == {"Data"}
    assert [(s.file, s.sheet) for s in result.sheets] == [("tal.xlsx", "Data")]


def test_a_label_longer_than_the_limit_is_an_error_naming_the_cell():
    long_name = "Fleksjob " + "x" * MAX_LABEL
    result = load(("lang.csv", csv([HEADER, ["Aabenraa", "2022-02", long_name, "10"]])))
    f = one(result, ERROR, "Teksten i cellen er for lang")
    assert (f.file, f.row, f.column) == ("lang.csv", 2, "C")
    assert f.message == (
        f"Teksten i cellen er for lang: {len(long_name)} tegn, og en celle må højst have {MAX_LABEL} "
        "tegn her. Den begynder 'Fleksjob xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…'. Ret cellen, eller vælg "
        "den rigtige fil."
    )
    assert result.data.empty
    # Every message after the reader sees at most the limit, never the whole text.
    assert all(len(x.message) < 2 * MAX_LABEL + 300 for x in result.findings)


def test_a_long_note_alone_on_its_row_is_prose_up_to_its_own_limit():
    note = "Kilde: " + "KRL. " * 100  # 507 characters, a footnote as exports write them
    ok = load(("note.csv", csv([HEADER, ["Aabenraa", "2022-02", "Fleksjob", "10"], [note]])))
    assert not [f for f in ok.findings if "for lang" in f.message]
    assert ok.data["value"].tolist() == [10.0]
    too_long = load(("note.csv", csv([HEADER, ["Aabenraa", "2022-02", "Fleksjob", "10"], ["x" * (MAX_PROSE + 1)]])))
    assert one(too_long, ERROR, "Teksten i cellen er for lang").row == 3
    assert f"højst have {MAX_PROSE} tegn" in one(too_long, ERROR, "Teksten").message


def test_read_cells_gives_other_readers_clean_text_only():
    data = big_xlsx("Data", [HEADER, ["Aabenraa_x0002_", "2022-02", "Fleks\u200bjob_x001F_", 10], ["y" * 5000]])
    ((_, rows, _, _),) = read_cells("a.xlsx", data, "xlsx")
    assert all(no_hidden_text(c) for row in rows for c in row)
    assert rows[1][:3] == ["Aabenraa", "2022-02", "Fleksjob"]
    assert len(rows[2][0]) == MAX_PROSE + 1  # cut, with an ellipsis


@pytest.mark.parametrize(
    ("text", "cleaned", "removed"),
    [
        ("Aabenraa", "Aabenraa", ()),
        ("Sønderborg", "Sønderborg", ()),
        ("a\ud800b", "ab", ("ugyldigt tegn U+D800",)),  # a lone surrogate (only a CSV decoded by hand can hold one)
        ("a\ufffeb\uffff", "ab", ("ugyldigt tegn U+FFFE", "ugyldigt tegn U+FFFF")),
        ("\ufeffKommune", "Kommune", ("usynligt tegn U+FEFF",)),
        ("Fleks\u00adjob", "Fleksjob", ("usynligt tegn U+00AD",)),
        ("a\r\nb", "a  b", ()),
        ("a\u2028b", "a b", ()),
        ("x\U000e0041y", "xy", ("usynligt tegn U+E0041",)),
    ],
)
def test_clean_text(text, cleaned, removed):
    assert clean_text(text) == (cleaned, removed)


# ---- messages never show Python or numpy text -----------------------------------------------------------


def test_show_writes_numpy_numbers_as_a_person_reads_them():
    # np.float64 is a float subclass: repr() gave "np.float64(6248.6)", shown as "np,float64(6248,6)".
    assert show(np.float64(6248.6)) == "6248,6"
    assert show(np.float32(1.5)) == "1,5"
    assert show(np.int64(12)) == "12"
    assert show(0.1 + 0.2) == "0,3"


def test_two_different_values_for_the_same_key_are_named_with_decimal_commas():
    a = csv([HEADER, ["Aabenraa", "2022-02", "Fleksjob", "6248,6"]])
    b = csv([HEADER, ["Aabenraa", "2022-02", "Fleksjob", "6248,7"]])
    result = load(("a.csv", a), ("b.csv", b))
    f = one(result, ERROR, "Samme tal angivet to gange")
    assert "er 6248,6 her, men 6248,7 i fil b.csv, række 2" in f.message
    assert "np" not in f.message and f.value == "6248,6"


def test_a_file_that_cannot_be_read_names_no_python_exception():
    broken = big_xlsx("Data", [HEADER])[:-40]  # cut through the zip's directory
    result = load(("kaput.xlsx", broken))
    assert result.errors
    for f in result.findings:
        assert "Error" not in f.message and "Exception" not in f.message, f.message
