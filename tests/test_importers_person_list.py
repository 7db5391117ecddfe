"""HR systems' person lists: one row per person and period, counted per measurement month.

The files are written by the tests. Their shape follows the project's issue 9 ("HR systems' person
lists"): an identifier (employee number, name or a masked or whole CPR number), a scheme column or a
title line naming the scheme, start and end dates (empty = still there), maybe a department. Public
material on Danish HR extracts shows the same columns: a municipal HR data team's SD Løn extracts
keyed by a `CPR` column (DataOgDigitalisering/dokumentation, wiki/internt_øvrige_projekter.md) and
an HR system's employee lists with Afdeling, Navn and Startdato/Slutdato
(LinnJohanson/Easycruite, dk_da/online-help/adding_employees.md). Every identifier here is invented.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import tomllib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csr.config import DEFAULT_CONFIG, ConfigError, parse_config
from csr.importers.person_list import count_months, month_grid
from csr.model import ERROR, NOTE, WARNING
from csr.shares import compute
from csr.store import Store
from tests.importers_support import CONFIG, HOME, csv, load, messages, month, values, xlsx

D = dt.datetime
PRIVACY = (
    "Filen indeholder personhenførbare oplysninger (CPR-numre/navne). Kun antal personer pr. måned gemmes; "
    "identiteterne gemmes ikke."
)


def headcount(year: int, months=(2, 5, 8, 11), value: int = 100) -> tuple[str, list[list]]:
    """A template sheet with the home municipality's headcount, so that shares can be computed."""
    return (
        "Ansatte",
        [
            ["Kommune", "Måned", "Ordning", "Antal"],
            *[["Aabenraa", f"{year}-{m:02d}", "Ansatte i alt", value] for m in months],
        ],
    )


def config_with(**person_lists) -> object:
    raw = tomllib.loads(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    raw["person_lists"].update(person_lists)
    return parse_config(raw)


def scheme_values(result, scheme: str) -> dict[tuple[int, int], float]:
    return {(y, m): v for (c, y, k, m, s), v in values(result).items() if s == scheme and c == HOME and k == "M"}


# ---- the shapes ----------------------------------------------------------------------------------

BEREDSKAB = [
    ["Frivillige i Beredskabet 2022"],
    [],
    ["Medarbejdernr.", "Navn", "Afdeling", "Startdato", "Slutdato"],
    [1001, "Testperson Et", "Teknik og Miljø", D(2022, 1, 1), D(2022, 12, 31)],
    [1002, "Testperson To", "Sundhed", D(2022, 2, 28), D(2022, 5, 1)],  # one day of February and of May
    [1003, "Testperson Tre", "Sundhed", D(2022, 3, 1), D(2022, 4, 30)],  # between two measurement months
    [1004, "Testperson Fire", "Skole", D(2022, 9, 1), None],  # open end: still there
    [1001, "Testperson Et", "Beredskab", D(2022, 6, 1), D(2022, 8, 15)],  # the same person again, overlapping
]


def test_xlsx_with_title_line_excel_dates_and_overlaps():
    result = load(("beredskab.xlsx", xlsx(("Frivillige", BEREDSKAB), headcount(2022))), isolate=False)
    assert result.ok, messages(result)
    assert scheme_values(result, "beredskab") == {(2022, 2): 2, (2022, 5): 2, (2022, 8): 1, (2022, 11): 2}
    assert [s.shape for s in result.sheets] == ["personliste", "lang tabel"]
    figures = compute(result.data, result.placements, CONFIG)
    annual = figures.annual.set_index(["code", "year", "scheme"])
    assert annual.loc[(HOME, 2022, "beredskab"), "value"] == pytest.approx(7 / 4)
    assert not annual.loc[(HOME, 2022, "beredskab"), "provisional"]
    share = figures.shares.set_index(["code", "year", "scheme"]).loc[(HOME, 2022, "beredskab"), "share"]
    assert share == pytest.approx(1.75)
    notes = messages(result, NOTE)
    assert PRIVACY in notes
    summary = next(n for n in notes if n.startswith("Personliste:"))
    assert "rækkerne 4–8 (5 perioder, 4 personer)" in summary
    assert "Aabenraa Kommunes egne tal for Medarbejdere, der frivilligt indgår i Beredskabet" in summary
    assert "fra januar 2022 til december 2022" in summary
    assert "til og med december 2022 (den seneste dato i listen)" in summary


def test_provenance_is_the_first_row_counted_in_the_month():
    result = load(("beredskab.xlsx", xlsx(("Frivillige", BEREDSKAB))), isolate=False)
    data = result.data.set_index("index")
    assert data.loc[2, "row"] == 4 and data.loc[11, "row"] == 4 and data.loc[8, "row"] == 4
    assert set(result.data["column"]) == {"D"}
    assert set(result.data["sheet"]) == {"Frivillige"}
    assert (result.data["code"] == HOME).all() and (result.data["period"] == "M").all()


def test_csv_of_stu_and_fgu_persons_with_a_scheme_column_and_text_dates():
    # Refused before with "Ukendt ordning '020585-xxxx'": the data rows were taken for a header.
    rows = [
        ["CPR-nummer", "Ordning", "Fra", "Til"],
        ["020585-xxxx", "STU", "01-08-2021", "31-07-2022"],
        ["140866-xxxx", "STU", "01.02.2022"],  # a short line: no end field
        ["1105031234", "FGU", "2022-01-15", "2022-06-30"],
        ["110503-1234", "FGU-elever", "15-08-2022", ""],
        ["020585-xxxx", "STU", "01-08-2022", "31-12-2022"],
    ]
    result = load(("stu_fgu.csv", csv(rows)))
    assert result.ok, messages(result)
    assert not any("Ukendt ordning" in m for m in messages(result))
    # The span: August 2021 (earliest start) to December 2022 (latest date); 2021's February and May are outside.
    assert scheme_values(result, "stu") == {
        (2021, 8): 1,
        (2021, 11): 1,
        (2022, 2): 2,
        (2022, 5): 2,
        (2022, 8): 2,
        (2022, 11): 2,
    }
    assert scheme_values(result, "fgu") == {
        (2021, 8): 0,
        (2021, 11): 0,
        (2022, 2): 1,
        (2022, 5): 1,
        (2022, 8): 1,
        (2022, 11): 1,
    }
    annual = compute(result.data, result.placements, CONFIG).annual.set_index(["year", "scheme"])
    assert annual.loc[(2022, "stu"), "value"] == 2 and annual.loc[(2022, "fgu"), "value"] == 1
    assert annual.loc[(2021, "stu"), "provisional"]  # only August and November inside the list's span


def test_a_month_with_nobody_inside_the_span_is_zero_not_missing():
    rows = [
        ["STU-elever"],
        ["Løbenummer", "Startdato", "Slutdato"],
        ["A-1", "01-02-2021", "28-02-2021"],
        ["A-2", "01-11-2021", "30-11-2021"],
    ]
    result = load(("stu.xlsx", xlsx(("Ark1", rows), headcount(2021))), isolate=False)
    assert result.ok, messages(result)
    assert scheme_values(result, "stu") == {(2021, 2): 1, (2021, 5): 0, (2021, 8): 0, (2021, 11): 1}
    annual = compute(result.data, result.placements, CONFIG).annual.set_index(["year", "scheme"])
    assert annual.loc[(2021, "stu"), "value"] == 0.5
    assert annual.loc[(2021, "stu"), "present"] == 4 and not annual.loc[(2021, "stu"), "provisional"]
    zero_rows = result.data[result.data["value"] == 0]["row"]
    assert set(zero_rows) == {2}  # nobody to point at: the list's header row


def test_part_of_a_year_counts_only_in_the_measurement_months_covered():
    # DOMAIN: someone from 1 September to 31 December counts in November only, 1/4 person in the year.
    rows = [
        ["Studerende i praktik 2023"],
        ["Navn", "Start", "Slut"],
        ["Testperson Fem", "01-01-2023", "31-01-2023"],
        ["Testperson Seks", "01-09-2023", "31-12-2023"],
    ]
    result = load(("stud.xlsx", xlsx(("Ark1", rows), headcount(2023))), isolate=False)
    assert scheme_values(result, "studerende") == {(2023, 2): 0, (2023, 5): 0, (2023, 8): 0, (2023, 11): 1}
    annual = compute(result.data, result.placements, CONFIG).annual.set_index(["year", "scheme"])
    assert annual.loc[(2023, "studerende"), "value"] == 0.25


def test_open_end_counts_up_to_the_date_above_the_table():
    rows = [
        ["Frivillige i beredskabet"],
        ["Udtrukket 15-09-2025"],
        [],
        ["Medarbejdernummer", "Ansat fra", "Fratrådt"],
        ["M-7", D(2025, 1, 10), None],
        ["M-8", D(2024, 12, 1), D(2025, 3, 31)],
    ]
    result = load(("bered.xlsx", xlsx(("Ark1", rows))), isolate=False)
    assert scheme_values(result, "beredskab") == {(2025, 2): 2, (2025, 5): 1, (2025, 8): 1}
    summary = next(m for m in messages(result, NOTE) if m.startswith("Personliste:"))
    assert "til og med september 2025 (datoen over tabellen)" in summary


def test_reference_day_rule():
    rows = [
        ["Elever"],
        ["Medarbejdernr.", "Startdato", "Slutdato"],
        ["E1", "01-02-2022", "14-02-2022"],  # gone before the 15th
        ["E2", "15-02-2022", "15-02-2022"],  # there on the 15th only
        ["E3", "20-05-2022", "15-08-2022"],
    ]
    data = xlsx(("Ark1", rows))
    any_day = load(("elever.xlsx", data), isolate=False)
    assert scheme_values(any_day, "elever") == {(2022, 2): 2, (2022, 5): 1, (2022, 8): 1}
    reference = load(("elever.xlsx", data), config=config_with(rule="reference_day", reference_day=15), isolate=False)
    assert scheme_values(reference, "elever") == {(2022, 2): 1, (2022, 5): 0, (2022, 8): 1}
    assert any("når personen er der den 15. i måneden" in m for m in messages(reference, NOTE))
    # Day 31 in a shorter month is its last day: 28 February 2022.
    late = load(
        ("elever.xlsx", xlsx(("Ark1", [["Elever"], ["ID", "Fra", "Til"], ["E4", "28-02-2022", "28-02-2022"]]))),
        config=config_with(rule="reference_day", reference_day=31),
        isolate=False,
    )
    assert scheme_values(late, "elever") == {(2022, 2): 1}


def test_virksomhedspraktik_list_counts_every_month_as_persons_with_a_warning():
    rows = [
        ["Medarbejdernr.", "Type", "Startdato", "Slutdato"],
        ["V1", "Virksomhedspraktik", "10-01-2022", "20-03-2022"],
        ["V2", "Virksomhedspraktik", "01-03-2022", "30-04-2022"],
    ]
    result = load(("vp.csv", csv(rows)), isolate=False)
    assert scheme_values(result, "virksomhedspraktik") == {(2022, 1): 1, (2022, 2): 1, (2022, 3): 2, (2022, 4): 1}
    assert any(m.startswith("Kun antal personer: en personliste") for m in messages(result, WARNING))


def test_the_sheet_name_names_the_scheme_when_nothing_else_does():
    rows = [["Initialer", "Startdato", "Slutdato"], ["ABC", "01-02-2022", "31-05-2022"]]
    result = load(("lister.xlsx", xlsx(("FGU", rows))), isolate=False)
    assert scheme_values(result, "fgu") == {(2022, 2): 1, (2022, 5): 1}
    assert any("Ordningen er læst af arkets navn." in m for m in messages(result, NOTE))


def test_footnote_ends_the_list_and_total_rows_are_skipped():
    rows = [
        ["STU"],
        ["Navn", "Startdato", "Slutdato"],
        ["Testperson Syv", "01-02-2022", "28-02-2022"],
        ["I alt", None, None],
        ["Antal: 1", None, None],
        [],
        ["Kilde: HR-systemet"],
        ["Testperson Otte", "ikke en dato", None],
    ]
    result = load(("stu.xlsx", xlsx(("Ark1", rows))), isolate=False)
    assert result.ok, messages(result)
    assert scheme_values(result, "stu") == {(2022, 2): 1}


# ---- errors: row and column, never the identifier --------------------------------------------------


def test_errors_name_row_and_column_but_never_an_identifier():
    rows = [
        ["CPR-nr.", "Ordning", "Startdato", "Slutdato"],
        ["010190-1111", "STU", "31-02-2022", ""],  # no such date: shown, it is not personal
        ["020290-2222", "STU", "030390-3333", ""],  # a CPR number in the date column: not shown
        ["030390-3333", "STU", "01-06-2022", "01-03-2022"],  # end before start
        ["040490-4444", "STU", "", "01-03-2022"],  # no start
        ["", "STU", "01-03-2022", ""],  # no person
        ["050590-5555", "050590-5555", "01-03-2022", ""],  # a CPR number in the scheme column
        ["060690-6666", "Frivilig i beredskabet", "01-03-2022", ""],  # misspelt: shown, with a suggestion
        ["070790-7777", "Testperson Ti", "01-03-2022", ""],  # a name in the scheme column: not shown
        ["080890-8888", "Stine", "01-03-2022", ""],
    ]  # a name a little like 'STU': not shown
    result = load(("fejl.csv", csv(rows)))
    assert not result.ok and result.data.empty
    found = {(f.row, f.column): f for f in result.errors}
    assert (
        found[2, "C"].message.startswith("Dato kan ikke læses: '31-02-2022'.") and found[2, "C"].value == "31-02-2022"
    )
    assert (
        found[3, "C"].message.startswith("Dato kan ikke læses: cellen er ikke en dato.") and found[3, "C"].value == ""
    )
    assert found[4, "D"].message == (
        "Slutdato før startdato: perioden slutter 01-03-2022 og begynder 01-06-2022. Ret datoerne."
    )
    assert found[5, "C"].message.startswith("Startdato mangler:")
    assert found[6, "A"].message.startswith("Person mangler:")
    assert found[7, "B"].message.startswith("Ukendt ordning: cellen ligner ikke en ordning og vises ikke")
    assert found[7, "B"].value == ""
    assert found[8, "B"].message.startswith(
        "Ukendt ordning 'Frivilig i beredskabet'. Mente du 'Medarbejdere, der frivilligt indgår i Beredskabet'?"
    )
    assert (
        found[9, "B"].message.startswith("Ukendt ordning: cellen ligner ikke en ordning") and found[9, "B"].value == ""
    )
    assert found[10, "B"].message.startswith("Ukendt ordning: cellen ligner ikke en ordning")
    text = " ".join(f"{f} {f.value}" for f in result.findings)
    for secret in (
        "010190-1111",
        "020290-2222",
        "030390-3333",
        "040490-4444",
        "050590-5555",
        "060690-6666",
        "070790-7777",
        "Testperson",
        "Stine",
        "0101901111",
    ):
        assert secret not in text


def test_no_scheme_anywhere_is_an_error():
    rows = [["Medarbejdernr.", "Startdato", "Slutdato"], ["1", "01-02-2022", ""]]
    result = load(("liste.xlsx", xlsx(("Ark1", rows))), isolate=False)
    assert [f.message.split(":")[0] for f in result.errors][:1] == ["Ordning ikke angivet"]


def test_cpr_numbers_under_an_unknown_header_are_refused_without_echo():
    rows = [
        ["Nummer", "Ordning", "Begynder", "Ender"],
        ["020585-xxxx", "STU", "01-08-2021", "31-07-2022"],
        ["140866-1234", "STU", "01-02-2022", ""],
    ]
    result = load(("ukendt.csv", csv(rows)))
    assert not result.ok
    refusal = next(f for f in result.errors if f.message.startswith("Personhenførbare oplysninger"))
    assert (refusal.row, refusal.column, refusal.value) == (2, "A", "")
    text = " ".join(f"{f} {f.value}" for f in result.findings)
    assert "020585" not in text and "140866" not in text


# ---- personal data is never kept -------------------------------------------------------------------


def test_no_identifier_in_the_result_nor_in_the_store(tmp_path):
    cprs = ["241299-1357", "010203-2468", "311288-9999", "150575-xxxx"]
    names = ["Anna Testesen", "Bo Prøvesen", "Carl Eksempel", "Dorte Fiktiv"]
    rows = [
        ["STU-elever og FGU-elever, Aabenraa Kommune"],
        ["Udtrukket 01-12-2022"],
        [],
        ["CPR-nr.", "Navn", "Ordning", "Afdeling", "Fra dato", "Til dato"],
    ]
    for i, (cpr, name) in enumerate(zip(cprs, names, strict=True)):
        rows.append([cpr, name, "STU" if i % 2 else "FGU", "Ungdomsskolen", D(2022, 1 + i, 3), None])
    rows.append([cprs[0], names[0], "FGU", "Ungdomsskolen", "bad-date", None])  # an error row, too
    files = [("personer.xlsx", xlsx(("Personer", rows), headcount(2022)))]
    result = load(*files)
    assert any(f.message.startswith("Dato kan ikke læses") for f in result.errors)
    rows.pop()
    files = [("personer.xlsx", xlsx(("Personer", rows), headcount(2022)))]
    result = load(*files)
    assert result.ok, messages(result)
    assert scheme_values(result, "fgu") == {(2022, 2): 1, (2022, 5): 2, (2022, 8): 2, (2022, 11): 2}
    secrets = [
        *cprs,
        *(c.replace("-", "") for c in cprs),
        *(c[:6] for c in cprs),
        *names,
        *(n.split()[1] for n in names),
    ]
    shown = [repr(result.findings), repr(result.sheets), result.data.to_csv(), result.placements.to_csv()]
    for secret in secrets:
        assert not any(secret in text for text in shown), secret
    store = Store(tmp_path / "data")
    store.add_batch(files, result)
    dump = "\n".join(sqlite3.connect(store.path).iterdump())
    assert "personer.xlsx" in dump
    raw = b"".join(p.read_bytes() for p in (tmp_path / "data").rglob("*") if p.is_file())
    for secret in secrets:
        assert secret not in dump and secret.encode() not in raw, secret


# ---- the strategy file's [person_lists] ---------------------------------------------------------------


def test_the_counting_rule_is_validated():
    assert CONFIG.person_lists.rule == "any_day"
    with pytest.raises(ConfigError, match="'person_lists.rule'"):
        config_with(rule="first_day")
    with pytest.raises(ConfigError, match="'person_lists.reference_day'"):
        config_with(rule="reference_day", reference_day=0)
    with pytest.raises(ConfigError, match="'Fra'"):
        config_with(end_aliases=["Slutdato", "Fra"])


def test_without_person_list_words_a_person_list_is_not_recognised():
    raw = tomllib.loads(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    del raw["person_lists"]
    config = parse_config(raw)
    rows = [["STU"], ["Navn", "Startdato", "Slutdato"], ["Testperson Ni", "01-02-2022", "28-02-2022"]]
    result = load(("stu.xlsx", xlsx(("Ark1", rows))), config=config, isolate=False)
    assert result.data.empty and "personliste" not in [s.shape for s in result.sheets]
    assert month(HOME, 2022, 2, "stu") not in values(result)
    assert not any("Testperson" in str(f) for f in result.findings)
    assert ERROR in {f.severity for f in result.findings}


def test_a_headcount_label_in_the_scheme_column_is_an_error_and_other_rows_still_checked():
    rows = [
        ["Medarbejdernr.", "Ordning", "Startdato", "Slutdato"],
        ["1", "Ansatte i alt", "01-02-2022", ""],
        ["2", "STU", "01-02-2022", "31-05-2022"],
    ]
    result = load(("liste.csv", csv(rows)), isolate=False)
    assert [(f.row, f.column) for f in result.errors] == [(2, "B")]
    assert result.errors[0].message.startswith("'Ansatte i alt' er ikke en ordning")


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 2), st.integers(0, 700), st.integers(-1, 400)),
        min_size=1,
        max_size=40,
    ),
    st.sampled_from(["any_day", "reference_day"]),
    st.integers(1, 31),
    st.booleans(),
)
def test_counting_matches_a_plain_count(periods, rule, reference_day, every_month):
    """The merged-runs count against a day-by-day check of every row, person by person."""
    base = dt.date(2021, 12, 20).toordinal()
    person = np.array([p for p, _, _, _ in periods], np.int64)
    group = np.array([g for _, g, _, _ in periods], np.int64)
    start = np.array([base + s for _, _, s, _ in periods], np.int64)
    end = np.array([base + s + max(length, 0) for _, _, s, length in periods], np.int64)
    months = None if every_month else (2, 5, 8, 11)
    year, month, lo, hi = month_grid((2021, 12), (2024, 3), months, rule, reference_day)
    counts, first = count_months(start, end, person, group, 3, lo, hi)
    for g in range(3):
        for k in range(len(year)):
            covering = [i for i in range(len(periods)) if group[i] == g and start[i] <= hi[k] and end[i] >= lo[k]]
            assert counts[g, k] == len({int(person[i]) for i in covering})
            assert first[g, k] == (covering[0] if covering else -1)
