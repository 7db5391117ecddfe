"""Validation: every finding names file, sheet, row, column and value in Danish; any error imports nothing."""

from __future__ import annotations

import io

from importers_support import HOME, TONDER, csv, load, month, one, values, xlsx

from csr.model import ERROR

HEADER = ["Kommune", "Måned", "Ordning", "Antal"]
HINT = "Skriv fx 2019-02, 2019M02, feb 2019 eller en Excel-dato."


def template(*rows: list, sheet: str = "Data") -> bytes:
    return xlsx((sheet, [HEADER, *rows]))


def located(finding) -> tuple:
    return finding.file, finding.sheet, finding.row, finding.column, finding.value


def test_text_where_a_number_belongs():
    result = load(
        ("tal.xlsx", template(["Tønder", "2019-02", "Fleksjob", "mange"], ["Tønder", "2019-05", "Fleksjob", 3]))
    )
    error = one(result, ERROR, "Tekst hvor der skal stå et tal")
    assert error.message == (
        "Tekst hvor der skal stå et tal: 'mange'. Skriv et tal (fx 12 eller 12,5), eller lad "
        "cellen stå tom, hvis tallet ikke kendes."
    )
    assert located(error) == ("tal.xlsx", "Data", 2, "D", "mange")
    assert str(error).startswith("Fil tal.xlsx, ark 'Data', række 2, kolonne D: Tekst hvor")
    assert result.data.empty and result.placements.empty


def test_a_table_that_does_not_start_in_a1_is_located_in_excel_terms():
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Ark"
    for i, row in enumerate([HEADER, ["Tønder", "2019-02", "Fleksjob", "mange"]]):
        for j, value in enumerate(row):
            ws.cell(row=4 + i, column=3 + j, value=value)
    buffer = io.BytesIO()
    wb.save(buffer)
    error = one(load(("x.xlsx", buffer.getvalue())), ERROR, "Tekst hvor")
    assert (error.row, error.column) == (5, "F")


def test_a_negative_number():
    result = load(("tal.csv", csv([HEADER, ["Tønder", "2019-02", "Fleksjob", "-3,5"]])))
    error = one(result, ERROR, "Negativt tal")
    assert error.message == "Negativt tal: -3,5. Et antal kan ikke være negativt; ret tallet."
    assert located(error) == ("tal.csv", "", 2, "D", "-3,5")
    assert (
        str(error)
        == "Fil tal.csv, række 2, kolonne D: Negativt tal: -3,5. Et antal kan ikke være negativt; ret tallet."
    )


def test_a_negative_number_in_an_excel_cell_is_shown_with_a_decimal_comma():
    result = load(("tal.xlsx", template(["Tønder", "2019-02", "Fleksjob", -2.5])))
    assert one(result, ERROR, "Negativt tal").value == "-2,5"


def test_a_month_that_cannot_be_read():
    result = load(("m.xlsx", template(["Tønder", "2019-13", "Fleksjob", 1], ["Tønder", "foo", "Fleksjob", 2])))
    assert [(f.message, *located(f)) for f in result.errors] == [
        (f"Måned kan ikke læses: '2019-13'. {HINT}", "m.xlsx", "Data", 2, "B", "2019-13"),
        (f"Måned kan ikke læses: 'foo'. {HINT}", "m.xlsx", "Data", 3, "B", "foo"),
    ]
    assert result.data.empty


def test_missing_municipality_month_or_scheme_on_a_row_with_a_number():
    result = load(
        (
            "m.xlsx",
            template([None, "2019-02", "Fleksjob", 2], ["Tønder", None, "Fleksjob", 1], ["Tønder", "2019-02", None, 3]),
        )
    )
    assert sorted((f.message, f.row, f.column) for f in result.errors) == [
        ("Kommune mangler: rækken har et tal, men ingen kommune. Skriv kommunens navn eller KRL-kode.", 2, "A"),
        ("Måned mangler: rækken har et tal, men ingen måned. Skriv fx 2019-02, feb 2019 eller en Excel-dato.", 3, "B"),
        ("Ordning mangler: rækken har et tal, men ingen ordning. Skriv ordningens navn.", 4, "C"),
    ]


def test_a_blank_municipality_cell_repeats_the_name_above():
    result = load(("m.xlsx", template(["Tønder", "2019-02", "Fleksjob", 1], [None, "2019-05", "Fleksjob", 2])))
    assert values(result) == {month(TONDER, 2019, 2, "fleksjob"): 1.0, month(TONDER, 2019, 5, "fleksjob"): 2.0}


def test_blank_values_are_missing_not_zero_and_not_errors():
    result = load(
        (
            "m.xlsx",
            template(
                ["Tønder", "2019-02", "Fleksjob", None],
                ["Tønder", "2019-05", "Fleksjob", "-"],
                ["Tønder", "2019-08", "Fleksjob", 0],
            ),
        )
    )
    assert result.ok
    assert values(result) == {month(TONDER, 2019, 8, "fleksjob"): 0.0}  # a written 0 is a real zero


def test_the_same_key_twice_with_different_values_in_one_file():
    result = load(
        ("d.xlsx", template(["Tønder", "2019-02", "Fleksjob", 5], ["Tønder Kommune", "feb 2019", "Fleksjob", 6]))
    )
    error = one(result, ERROR, "Samme tal angivet to gange")
    assert error.message == (
        "Samme tal angivet to gange med forskellige værdier: Tønder, februar 2019, Fleksjob er "
        "5 her, men 6 i fil d.xlsx, ark 'Data', række 3. Ret det forkerte tal, eller fjern den "
        "ene fil."
    )
    assert located(error) == ("d.xlsx", "Data", 2, "D", "5")
    assert result.data.empty


def test_the_same_key_twice_across_two_files():
    krl = xlsx(("2019", [["Aabenraa Kommune"], ["Ordning", "feb 2019"], ["Ansatte i alt", 4700]]))
    own = csv([HEADER, ["Aabenraa", "2019-02", "I alt", "4.701"]])
    result = load(("krl.xlsx", krl), ("egne.csv", own))
    error = one(result, ERROR, "Samme tal angivet to gange")
    assert error.message == (
        "Samme tal angivet to gange med forskellige værdier: Aabenraa, februar 2019, "
        "månedslønnede ansatte er 4700 her, men 4701 i fil egne.csv, række 2. Ret det forkerte "
        "tal, eller fjern den ene fil."
    )
    assert located(error) == ("krl.xlsx", "2019", 3, "B", "4700")
    assert result.data.empty


def test_the_same_key_twice_with_the_same_value_is_kept_once():
    data = template(["Tønder", "2019-02", "Fleksjob", 5])
    result = load(("a.xlsx", data), ("b.xlsx", data))
    assert result.ok
    assert values(result) == {month(TONDER, 2019, 2, "fleksjob"): 5.0}
    assert list(result.data["file"]) == ["a.xlsx"]


def test_placements_twice_with_different_numbers():
    placements = [["År", "Uddannelse", "Aftalt", "Realiseret"], [2019, "Kontoruddannelse", 6, 6]]
    other = [["År", "Uddannelse", "Aftalt", "Realiseret"], [2019, "Kontoruddannelse", 6, 5]]
    result = load(("a.xlsx", xlsx(("P", placements))), ("b.xlsx", xlsx(("P", other))))
    error = one(result, ERROR, "Praktikpladser for Kontoruddannelse 2019")
    assert error.message == (
        "Praktikpladser for Kontoruddannelse 2019 er angivet to gange med forskellige tal (også "
        "i fil b.xlsx, ark 'P', række 2). Ret det forkerte tal, eller fjern den ene række."
    )
    assert (error.file, error.sheet, error.row) == ("a.xlsx", "P", 2)
    assert result.placements.empty


def test_placement_numbers_are_validated_too():
    rows = [
        ["År", "Uddannelse", "Aftalt", "Realiseret"],
        ["20x9", "Kontoruddannelse", 6, 6],
        [2019, "Ernæringsassistent", "fire", -1],
    ]
    result = load(("p.xlsx", xlsx(("P", rows))))
    assert [(f.message.split(":")[0], f.row, f.column, f.value) for f in result.errors] == [
        ("År kan ikke læses", 2, "A", "20x9"),
        ("Tekst hvor der skal stå et tal", 3, "C", "fire"),
        ("Negativt tal", 3, "D", "-1"),
    ]


def test_an_import_with_any_error_produces_nothing_and_reports_every_file():
    good = template(["Tønder", "2019-02", "Fleksjob", 5])
    bad = template(["Tønder", "2019-05", "Flexjob", 5])
    placements = xlsx(("P", [["År", "Uddannelse", "Aftalt", "Realiseret"], [2019, "Kontoruddannelse", 6, 6]]))
    result = load(("god.xlsx", good), ("fejl.xlsx", bad), ("praktik.xlsx", placements), ("tom.csv", b""))
    assert not result.ok
    assert result.data.empty and result.placements.empty
    assert [f.file for f in result.errors] == ["fejl.xlsx", "tom.csv"]
    assert [s.file for s in result.sheets] == ["god.xlsx", "fejl.xlsx", "praktik.xlsx"]


def test_many_errors_of_one_kind_are_counted_not_listed():
    rows = [["Tønder", f"2019-{m:02d}", "Fleksjob", "mange"] for m in range(1, 13)] + [
        ["Vejen", f"2019-{m:02d}", "Fleksjob", "mange"] for m in range(1, 13)
    ]
    result = load(("x.xlsx", template(*rows)))
    assert len([f for f in result.errors if f.message.startswith("Tekst hvor der skal stå et tal: 'mange'")]) == 10
    summary = one(result, ERROR, "Tekst hvor der skal stå et tal: 14")
    assert summary.message == "Tekst hvor der skal stå et tal: 14 tilfælde mere i arket ud over de 10 ovenfor."
    assert (summary.file, summary.sheet) == ("x.xlsx", "Data")


def test_warnings_are_not_errors_and_the_data_is_kept():
    rows = [
        ["Virksomhedspraktik (fuldtidspersoner)"],
        ["Område", "Periode", "Antal fuldtidspersoner"],
        ["Aabenraa", "2019M01", ".."],
        ["Aabenraa", "2019M02", "5"],
        ["Odense", "2019M02", "7"],
    ]
    krl = xlsx(
        (
            "2019",
            [["Aabenraa Kommune"], ["Ordning", "feb 2019", "maj 2019"], ["I alt", 4700, 4710], ["Fleksjob", 250, None]],
        )
    )
    result = load(("j.csv", csv(rows)), ("krl.xlsx", krl))
    assert result.ok
    assert [f.message[:20] for f in result.warnings] == [
        "Skjult værdi ('..'):",
        "Kommune uden for ome",
        "Målemåned mangler: A",
        "Målemåned mangler: A",
    ]
    missing = [f.message for f in result.warnings if f.message.startswith("Målemåned")]
    assert missing == [
        "Målemåned mangler: Aabenraa 2019 mangler august og november for ansatte; året beregnes af de måneder, der "
        "er, og vises som foreløbigt.",
        "Målemåned mangler: Aabenraa 2019 mangler maj, august og november for Fleksjob; året beregnes af de "
        "måneder, der er, og vises som foreløbigt.",
    ]
    assert values(result)[(HOME, 2019, "M", 2, "virksomhedspraktik")] == 5.0
    assert len(result.data) == 5


def test_quarterly_and_yearly_values_count_for_the_measurement_months():
    result = load(
        (
            "q.xlsx",
            template(
                ["Tønder", "2019Q1", "Fleksjob", 5],
                ["Tønder", "2019K2", "Fleksjob", 6],
                ["Tønder", "2019", "STU", 2],
                ["Tønder", "2019-02", "Elever", 1],
                ["Tønder", "2019Q2", "Elever", 1],
                ["Tønder", "2019-08", "Elever", 1],
                ["Tønder", "2019Q4", "Elever", 1],
            ),
        )
    )
    assert [f.message for f in result.warnings] == [
        "Målemåned mangler: Tønder 2019 mangler august og november for Fleksjob; året beregnes af de måneder, der "
        "er, og vises som foreløbigt."
    ]


def test_the_isolated_child_process_gives_the_same_result():
    rows = [["Tønder", "2019-02", "Fleksjob", 5], ["Hele landet", "2019-02", "Fleksjob", 9], ["X", "2019-02", "STU", 1]]
    data = template(*rows)
    here = load(("x.xlsx", data), isolate=False)
    there = load(("x.xlsx", data), isolate=True)
    assert here.findings == there.findings
    assert there.findings and there.errors
    good = template(rows[0])
    assert (
        values(load(("x.xlsx", good), isolate=False))
        == values(load(("x.xlsx", good), isolate=True))
        == {month(TONDER, 2019, 2, "fleksjob"): 5.0}
    )


def test_a_file_that_is_no_spreadsheet_is_one_danish_sentence():
    result = load(("billede.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(100)))
    assert len(result.errors) == 1
    error = result.errors[0]
    assert error.file == "billede.xlsx" and "billede.xlsx" in error.message
    assert result.data.empty
