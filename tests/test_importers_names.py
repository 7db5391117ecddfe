"""Municipality and scheme names in the spellings uploads bring; workbooks with several sheets."""

from __future__ import annotations

import pytest
from importers_support import CONFIG, HOME, TONDER, csv, load, month, one, values, xlsx

from csr.model import ERROR, NOTE, WARNING

HEADER = ["Kommune", "Måned", "Ordning", "Antal"]


def one_row(municipality: object = "Aabenraa", scheme: object = "Fleksjob", value: object = 5) -> bytes:
    return xlsx(("Data", [HEADER, [municipality, "2019-02", scheme, value]]))


@pytest.mark.parametrize(
    "name",
    [
        "Aabenraa",
        "Aabenraa Kommune",
        "aabenraa kommune",
        "AABENRAA",
        "Åbenrå",
        "Åbenrå Kommune",
        "Abenra",
        " Aabenraa ",
        580,
        580.0,
        "580",
        "Aabenraa kommunes",
    ],
)
def test_the_home_municipality_in_every_spelling_and_as_a_code(name):
    result = load(("x.xlsx", one_row(name)))
    assert result.ok, result.findings
    assert values(result) == {month(HOME, 2019, 2, "fleksjob"): 5.0}
    assert list(result.data["municipality"]) == ["Aabenraa"]
    assert not [f for f in result.warnings if "sammenligningen" in f.message]


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Tønder", 550),
        ("Toender", 550),
        ("Tonder Kommune", 550),
        ("Sønderborg", 540),
        ("Soenderborg", 540),
        ("Vejen", 575),
        ("Haderslev", 510),
        ("Kolding Kommune", 621),
        ("561", 561),
    ],
)
def test_the_neighbours(name, code):
    result = load(("x.xlsx", one_row(name)))
    assert values(result) == {month(code, 2019, 2, "fleksjob"): 5.0}
    assert not [f for f in result.warnings if "sammenligningen" in f.message]


def test_a_municipality_outside_the_comparison_is_kept_with_a_warning():
    result = load(("x.xlsx", one_row("Odense")))
    assert result.ok
    assert values(result) == {month(461, 2019, 2, "fleksjob"): 5.0}
    warning = one(result, WARNING, "Kommune uden for omegnen")
    assert warning.message == (
        "Kommune uden for omegnen: Odense er hverken Aabenraa eller en "
        "omegnskommune; tallene gemmes og indgår kun i sammenligningen med hele landet (siden Landet)."
    )
    assert (warning.file, warning.sheet, warning.row, warning.value) == ("x.xlsx", "Data", 2, "Odense")


def test_many_municipalities_outside_the_comparison_give_one_warning():
    rows = [HEADER] + [[m.code, "2019-02", "Fleksjob", 1] for m in CONFIG.municipalities]
    result = load(("national.xlsx", xlsx(("Data", rows))))
    assert len(result.data) == 98
    warning = one(result, WARNING, "Kommuner uden for omegnen")
    assert warning.message == (
        "Kommuner uden for omegnen: København, Frederiksberg, Ballerup og 88 andre "
        "er hverken Aabenraa eller en omegnskommune; tallene gemmes og indgår kun i "
        "sammenligningen med hele landet (siden Landet)."
    )


def test_a_name_that_matches_no_municipality_is_an_error_naming_the_nearest():
    result = load(("x.xlsx", one_row("Aabenra Komune")))
    error = one(result, ERROR, "Ukendt kommune")
    assert error.message.startswith("Ukendt kommune 'Aabenra Komune'. Mente du 'Aabenraa', ")
    assert error.message.endswith("? Skriv kommunens navn (fx Aabenraa) eller KRL-kode (fx 580).")
    assert (error.file, error.sheet, error.row, error.column, error.value) == (
        "x.xlsx",
        "Data",
        2,
        "A",
        "Aabenra Komune",
    )
    assert result.data.empty


@pytest.mark.parametrize("label", ["580 Aabenraa", "580 - Aabenraa Kommune", "Aabenraa (580)", "0580 Åbenrå"])
def test_a_code_and_a_name_together(label):
    result = load(("x.xlsx", one_row(label)))
    assert values(result) == {month(HOME, 2019, 2, "fleksjob"): 5.0}


def test_a_code_and_a_name_that_disagree_is_an_error():
    result = load(("x.xlsx", one_row("550 Aabenraa")))
    error = one(result, ERROR, "Kode og navn passer ikke sammen")
    assert error.message == (
        "Kode og navn passer ikke sammen: '550 Aabenraa'. 550 er Tønder, ikke Aabenraa. Ret koden eller navnet."
    )
    assert (error.row, error.column, error.value) == (2, "A", "550 Aabenraa")


def test_a_code_that_is_no_municipality_is_an_error():
    result = load(("x.xlsx", one_row(999)))
    error = one(result, ERROR, "Ukendt kommune")
    assert error.message.startswith("Ukendt kommune '999'.")
    assert (error.row, error.column, error.value) == (2, "A", "999")


@pytest.mark.parametrize("area", ["Hele landet", "RAR Sydjylland", "Region Syddanmark", "Landet i alt"])
def test_aggregate_areas_are_skipped_with_a_note(area):
    rows = [HEADER, [area, "2019-02", "Fleksjob", 9000], ["Tønder", "2019-02", "Fleksjob", 5]]
    result = load(("x.xlsx", xlsx(("Data", rows))))
    assert result.ok, result.findings
    assert values(result) == {month(TONDER, 2019, 2, "fleksjob"): 5.0}
    note = one(result, NOTE, "Samleområde sprunget over")
    assert (note.row, note.column, note.value) == (2, "A", area)


@pytest.mark.parametrize(
    ("spelling", "scheme"),
    [
        ("Fleksjobbere", "fleksjob"),
        ("fleksjob", "fleksjob"),
        ("FLEKSJOB", "fleksjob"),
        ("Skånejob", "skaanejob"),
        ("Skaanejob", "skaanejob"),
        ("skanejob", "skaanejob"),
        ("Job med løntilskud til førtidspensionister (skånejob)", "skaanejob"),
        ("IGU-elever", "igu"),
        ("IGU elever", "igu"),
        ("igu", "igu"),
        ("Integrationsgrunduddannelse (IGU)", "igu"),
        ("Voksenlærling", "voksenlaerlinge"),
        ("Voksenlaerlinge", "voksenlaerlinge"),
        ("Frivillige i beredskabet", "beredskab"),
        ("Frivillige i Beredskabet", "beredskab"),
        ("Løntilskud", "loentilskud"),
        ("Loentilskud", "loentilskud"),
        ("Ledige i jobrotation", "jobrotation"),
        ("Elever", "elever"),
        ("EUD-elever", "elever"),
        ("Studerende i praktik", "studerende"),
        ("STU", "stu"),
        ("FGU", "fgu"),
        ("Virksomhedspraktik", "virksomhedspraktik"),
        ("Ansatte i alt", "headcount"),
        ("I alt", "headcount"),
        ("Månedslønnede", "headcount"),
    ],
)
def test_scheme_names_in_many_spellings(spelling, scheme):
    result = load(("x.xlsx", one_row(scheme=spelling)))
    assert result.ok, result.findings
    assert list(result.data["scheme"]) == [scheme]


def test_an_unknown_scheme_is_an_error_naming_the_nearest():
    result = load(("x.xlsx", one_row(scheme="Flexjobbere")))
    error = one(result, ERROR, "Ukendt ordning")
    assert error.message.startswith("Ukendt ordning 'Flexjobbere'. Mente du 'Fleksjob', ")
    assert error.message.endswith("? Ret navnet i filen, eller få det tilføjet som alias i konfigurationen.")
    assert (error.file, error.sheet, error.row, error.column, error.value) == ("x.xlsx", "Data", 2, "C", "Flexjobbere")


def test_every_sheet_with_a_table_is_read_and_a_notes_sheet_is_skipped_with_a_note():
    data = xlsx(
        ("Noter", [["Udtræk fra HR"], ["Se arkene 2019 og 2020"]]),
        ("2019", [HEADER, ["Tønder", "2019-02", "Fleksjob", 1]]),
        ("2020", [["Tønder Kommune"], ["Ordning", "feb 2020", "maj 2020"], ["Fleksjob", 2, 3]]),
        ("Tom", []),
        ("Praktik", [["År", "Uddannelse", "Aftalt", "Realiseret"], [2020, "Kontoruddannelse", 6, 6]]),
    )
    result = load(("hr.xlsx", data))
    assert result.ok, result.findings
    assert values(result) == {
        month(TONDER, 2019, 2, "fleksjob"): 1.0,
        month(TONDER, 2020, 2, "fleksjob"): 2.0,
        month(TONDER, 2020, 5, "fleksjob"): 3.0,
    }
    assert [(s.sheet, s.shape) for s in result.sheets] == [
        ("2019", "lang tabel"),
        ("2020", "periode i kolonner"),
        ("Praktik", "praktikpladser"),
    ]
    assert [f.message for f in result.notes] == ["Arket 'Noter' indeholder ingen tabel med tal og er sprunget over."]
    assert len(result.placements) == 1


def test_a_sheet_with_numbers_but_no_recognisable_header_is_skipped_with_a_warning():
    data = xlsx(
        ("Data", [HEADER, ["Tønder", "2019-02", "Fleksjob", 1]]),
        ("Andet", [["Navn", "Tal"], ["a", 1], ["b", 2]]),
    )
    result = load(("hr.xlsx", data))
    warning = one(result, WARNING, "Arket 'Andet'")
    assert warning.message.startswith(
        "Arket 'Andet' har tal, men ingen overskriftsrække, der kan genkendes (fx "
        "Kommune, Måned, Ordning, Antal eller måneder hen over kolonnerne), og er "
        "sprunget over."
    )
    assert warning.sheet == "Andet"
    assert result.ok and len(result.data) == 1


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_workbook_with_no_usable_table_is_an_error(kind):
    rows = [["Referat fra mødet"], ["Vi aftalte at sende tallene senere."]]
    name, data = ("noter.xlsx", xlsx(("Ark1", rows))) if kind == "xlsx" else ("noter.csv", csv(rows))
    result = load((name, data))
    error = one(result, ERROR, "Ingen brugbar tabel")
    if kind == "xlsx":
        assert error.message.startswith(
            "Ingen brugbar tabel: intet ark har en overskriftsrække med fx Kommune, "
            "Måned, Ordning og Antal eller måneder hen over kolonnerne. Er det den "
            "rigtige fil? Filer i disse former kan læses: projektets skabelon"
        )
    else:
        assert error.message.startswith(
            "Ingen brugbar tabel: filen har ingen overskriftsrække, der kan genkendes. "
            "Filer i disse former kan læses: projektets skabelon"
        )
    assert "Statistikbanken som CSV (OMRÅDE, TID, INDHOLD)" in error.message
    assert error.file == name
    assert result.data.empty
