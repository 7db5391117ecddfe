"""KRL-style pivots as payroll statistics export them (issue 9, items 3 and 5): municipality codes, also
zero-padded; Danish month names across; a municipality in a merged cell over its month columns (python-calamine
returns a merged cell's value in its first cell only, see tafia/calamine's merged-region handling); real Excel
dates; total rows that are not a scheme.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from importers_support import ESBJERG, HOME, load, one, values, xlsx
from openpyxl import Workbook

from csr.config import DEFAULT_CONFIG, ConfigError, default_config, parse_config
from csr.model import ERROR, NOTE, WARNING

MONTHS = ["februar 2022", "maj 2022"]


def merged_workbook(top: list, months: list) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "KRL"
    ws.append(["Ordning", top[0], None, top[1], None])
    ws.merge_cells("B1:C1")
    ws.merge_cells("D1:E1")
    ws.append([None, *months, *months])
    ws.append(["Ansatte i alt", 4700, 4701, 8800, 8801])
    ws.append(["Fleksjob", 250, 251, 400, 401])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


EXPECTED = {
    (HOME, 2022, "M", 2, "headcount"): 4700.0,
    (HOME, 2022, "M", 5, "headcount"): 4701.0,
    (ESBJERG, 2022, "M", 2, "headcount"): 8800.0,
    (ESBJERG, 2022, "M", 5, "headcount"): 8801.0,
    (HOME, 2022, "M", 2, "fleksjob"): 250.0,
    (HOME, 2022, "M", 5, "fleksjob"): 251.0,
    (ESBJERG, 2022, "M", 2, "fleksjob"): 400.0,
    (ESBJERG, 2022, "M", 5, "fleksjob"): 401.0,
}


@pytest.mark.parametrize(
    "top", [["Aabenraa", "Esbjerg"], [580, 561], ["0580", "0561"], ["580 Aabenraa", "561 Esbjerg"]]
)
@pytest.mark.parametrize("months", [MONTHS, [dt.datetime(2022, 2, 1), dt.datetime(2022, 5, 1)]])
def test_a_municipality_in_a_merged_cell_over_its_months(top, months):
    result = load(("krl.xlsx", merged_workbook(top, months)))
    assert result.ok, result.findings
    assert values(result) == EXPECTED


@pytest.mark.parametrize("first, second", [("0580", "0561"), (580, 561), ("580", "561")])
def test_codes_down_a_municipality_column(first, second):
    rows = [
        ["Kommune", "Ordning", *MONTHS],
        [first, "Ansatte i alt", 4700, 4701],
        [None, "Fleksjob", 250, 251],
        [second, "Ansatte i alt", 8800, 8801],
        [None, "Fleksjob", 400, 401],
    ]
    assert values(load(("krl.xlsx", xlsx(("Ark1", rows))))) == EXPECTED


def test_codes_without_a_heading_are_still_the_municipality_column():
    rows = [
        ["", "Ordning", *MONTHS],
        [580, "Ansatte i alt", 4700, 4701],
        [580, "Fleksjob", 250, 251],
        [561, "Ansatte i alt", 8800, 8801],
        [561, "Fleksjob", 400, 401],
    ]
    assert values(load(("krl.xlsx", xlsx(("Ark1", rows))))) == EXPECTED


@pytest.mark.parametrize("label", ["I alt på særlige vilkår", "Total", "Sum"])
def test_a_total_row_is_skipped_with_a_note_and_checked_against_its_rows(label):
    rows = [
        ["Aabenraa"],
        ["Ordning", *MONTHS],
        ["Ansatte i alt", 4700, 4701],
        ["Fleksjob", 250, 251],
        ["Løntilskud", 10, 11],
        [label, 260, 262],
    ]
    result = load(("krl.xlsx", xlsx(("Ark1", rows))))
    assert result.ok, result.findings
    got = values(result)
    assert got[(HOME, 2022, "M", 2, "headcount")] == 4700.0 and got[(HOME, 2022, "M", 5, "fleksjob")] == 251.0
    assert len(got) == 6
    note = one(result, NOTE, "Sumrække sprunget over")
    assert note.value == label and note.row == 6
    assert not [f for f in result.findings if f.message.startswith("Sumrække passer ikke")]


def test_a_total_row_that_differs_from_its_rows_is_a_warning():
    rows = [
        ["Aabenraa"],
        ["Ordning", *MONTHS],
        ["Ansatte i alt", 4700, 4701],
        ["Fleksjob", 250, 251],
        ["Løntilskud", 10, 11],
        ["I alt på særlige vilkår", 260, 300],
    ]
    result = load(("krl.xlsx", xlsx(("Ark1", rows))))
    warning = one(result, WARNING, "Sumrække passer ikke")
    assert warning.message == (
        "Sumrække passer ikke: 'I alt på særlige vilkår' er 300, men rækkerne over den giver "
        "262. Mangler der en ordning, eller er et tal forkert?"
    )
    assert (warning.row, warning.column) == (6, "C")
    assert warning in result.warnings


def test_i_alt_is_the_headcount_alone_and_a_total_beside_ansatte_i_alt():
    alone = [["Aabenraa"], ["Ordning", *MONTHS], ["I alt", 4700, 4701], ["Fleksjob", 250, 251]]
    assert values(load(("a.xlsx", xlsx(("Ark1", alone)))))[(HOME, 2022, "M", 2, "headcount")] == 4700.0
    beside = [
        ["Aabenraa"],
        ["Ordning", *MONTHS],
        ["Månedslønnede i alt", 4700, 4701],
        ["Fleksjob", 250, 251],
        ["Løntilskud", 10, 11],
        ["I alt", 260, 262],
    ]
    result = load(("b.xlsx", xlsx(("Ark1", beside))))
    assert result.ok, result.findings
    assert values(result)[(HOME, 2022, "M", 2, "headcount")] == 4700.0
    assert one(result, NOTE, "Sumrække sprunget over").value == "I alt"


@pytest.mark.parametrize("name", ["Høje Taastrup", "Høje-Taastrup", "Høje-Taastrup Kommune"])
def test_official_spelling_variants(name):
    rows = [["Kommune", "Ordning", *MONTHS], [name, "Fleksjob", 12, 13]]
    assert values(load(("k.xlsx", xlsx(("Ark1", rows))))) == {
        (169, 2022, "M", 2, "fleksjob"): 12.0,
        (169, 2022, "M", 5, "fleksjob"): 13.0,
    }


# ---- messages (item 8) ----------------------------------------------------------------------------


def test_a_cpr_like_value_in_the_scheme_column_is_never_echoed():
    rows = [
        ["Kommune", "Måned", "Ordning", "Antal"],
        ["Aabenraa", "2022-02", "020585-xxxx", 1],
        ["Aabenraa", "2022-02", "0205851234", 1],
    ]
    result = load(("stu.xlsx", xlsx(("Ark1", rows))))
    errors = [f for f in result.findings if f.severity == ERROR]
    assert errors and all("020585" not in str(f) and "020585" not in f.value for f in result.findings)
    # The sheet is refused as personal data before any table reader sees it (csr.importers.person_list).
    assert errors[0].message.startswith("Personhenførbare oplysninger: arket har CPR-numre")
    assert all("alias" not in f.message for f in errors)


@pytest.mark.parametrize(
    "label, says",
    [("580 Aabenraa", "det er et område"), ("I alt på særlige vilkår", None), ("123456", "det ligner et nummer")],
)
def test_no_alias_advice_for_an_area_a_total_or_a_number(label, says):
    rows = [["Kommune", "Måned", "Ordning", "Antal"], ["Aabenraa", "2022-02", label, 1]]
    result = load(("x.xlsx", xlsx(("Ark1", rows))))
    assert all("alias" not in f.message for f in result.findings)
    if says:
        assert says in one(result, ERROR, "Ukendt ordning").message


def test_an_unrecognised_file_names_its_columns_and_the_shapes():
    from importers_support import csv

    rows = [["Medarbejder", "Afdeling", "Bemærkning"], ["Anna", "Løn", "ok"], ["Bo", "IT", "ok"]]
    result = load(("hr.csv", csv(rows)))
    error = one(result, ERROR, "Ingen brugbar tabel")
    assert "Kolonnerne er 'Medarbejder', 'Afdeling' og 'Bemærkning'." in error.message
    assert "Statistikbanken som CSV" in error.message and "jobindsats.dk's API" in error.message


# ---- the strategy file's lists ---------------------------------------------------------------------


def test_skip_and_total_lists_are_validated():
    import tomllib

    raw = tomllib.loads(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    raw["skip"]["schemes"].append("Fleksjobbere")
    with pytest.raises(ConfigError, match="skip.schemes"):
        parse_config(raw)
    raw = tomllib.loads(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    raw["aggregates"]["codes"].append(580)
    with pytest.raises(ConfigError, match="aggregates.codes"):
        parse_config(raw)
    config = default_config()
    assert config.is_skipped_scheme("privat virksomhedspraktik") and config.is_total_row("TOTAL")
    assert config.is_aggregate("411") and config.is_aggregate("000 Hele landet") and not config.is_aggregate("580")
