"""Import profiles: a file in a shape nobody foresaw is mapped once (columns to roles), saved in the store,
and the next file with the same headers is read the same way, by the app and by `python -m csr`.

The files are the project's own inventions (a department count with "Afdeling | Tidspunkt | Kategori |
Optælling"): no real system is mimicked here.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from importers_support import CONFIG, ESBJERG, HOME, xlsx
from markdown_support import seen

from csr.importers import import_uploads
from csr.importers.mapping import (
    PERSON_LIST,
    TABLE,
    Profile,
    ProfileError,
    find_header_row,
    guess_header_row,
    match,
    problems,
    profile_of_shape,
    signature,
    validate,
)
from csr.store import Store

ROOT = Path(__file__).resolve().parents[1]
HEADERS = ("Afdeling", "Tidspunkt", "Kategori", "Optælling")
UNKNOWN_CSV = (
    "Optælling pr. afdeling, udtræk fra personalesystemet\n"
    "Afdeling;Tidspunkt;Kategori;Optælling\n"
    "Job og Borger;2019-02;Fleksjob;12\n"
    "Job og Borger;2019-05;Fleksjob;13,5\n"
    "Job og Borger;2019-08;Fleksjob;14\n"
    "Job og Borger;2019-11;Fleksjob;15\n"
    "Hele kommunen;2019-02;Ansatte i alt;4.700\n"
    "Hele kommunen;2019-05;Ansatte i alt;4.712\n"
    "Hele kommunen;2019-08;Ansatte i alt;4.690\n"
    "Hele kommunen;2019-11;Ansatte i alt;4.698\n"
).encode()
# The same headers in other spellings, two title rows above them, in a workbook (real Excel dates).
SECOND_XLSX = xlsx(
    (
        "Optælling",
        [
            ["Afdelingernes tal 2020"],
            [],
            ["AFDELING", "tidspunkt", "kategori", "optaelling"],
            ["Skole", dt.datetime(2020, 2, 1), "Løntilskud", 7],
            ["Skole", dt.datetime(2020, 5, 1), "Løntilskud", 8.5],
        ],
    )
)


def afdelingstal(**changes) -> Profile:
    """The mapping a consultant makes for UNKNOWN_CSV: all rows are the home municipality's."""
    fields = {
        "name": "Afdelingstal",
        "kind": TABLE,
        "headers": HEADERS,
        "columns": {"period": "Tidspunkt", "scheme": "Kategori", "value": "Optælling"},
        "municipality": HOME,
    }
    return Profile(**{**fields, **changes})


def canonical(result) -> list[tuple]:
    cols = ["code", "year", "period", "index", "scheme", "value", "row", "column"]
    return [tuple(r) for r in result.data[cols].itertuples(index=False, name=None)]


# ---- reading with a profile ---------------------------------------------------------------------


def test_the_unknown_shape_is_refused_without_a_profile():
    result = import_uploads([("afdelinger.csv", UNKNOWN_CSV)], CONFIG)
    assert [f.message[:19] for f in result.errors] == ["Ingen brugbar tabel"]
    assert result.data.empty


def test_a_profile_reads_the_unknown_shape_into_exact_canonical_values():
    result = import_uploads([("afdelinger.csv", UNKNOWN_CSV)], CONFIG, profiles=[afdelingstal()])
    assert result.ok, [str(f) for f in result.errors]
    assert canonical(result) == [
        (HOME, 2019, "M", 2, "fleksjob", 12.0, 3, "D"),
        (HOME, 2019, "M", 5, "fleksjob", 13.5, 4, "D"),
        (HOME, 2019, "M", 8, "fleksjob", 14.0, 5, "D"),
        (HOME, 2019, "M", 11, "fleksjob", 15.0, 6, "D"),
        (HOME, 2019, "M", 2, "headcount", 4700.0, 7, "D"),
        (HOME, 2019, "M", 5, "headcount", 4712.0, 8, "D"),
        (HOME, 2019, "M", 8, "headcount", 4690.0, 9, "D"),
        (HOME, 2019, "M", 11, "headcount", 4698.0, 10, "D"),
    ]
    assert set(result.data["municipality"]) == {"Aabenraa"}
    (sheet,) = result.sheets
    assert sheet.shape == "læst med profilen 'Afdelingstal'" and profile_of_shape(sheet.shape) == "Afdelingstal"
    (note,) = [f for f in result.notes if "profilen" in f.message]
    assert note.message.startswith("Læst med profilen 'Afdelingstal': overskrifterne i række 2 passer")
    assert "kommune = alle rækker er Aabenraa, periode = Tidspunkt" in note.message
    (warning,) = result.warnings  # the file names no municipality: booked to the home only with a warning
    assert warning.message == (
        "Ingen kommune i filen: profilen 'Afdelingstal' læser alle rækker som Aabenraa "
        "Kommunes tal. Tjek, at filen kun har Aabenraas tal."
    )
    assert warning.row == 2


def test_the_next_file_with_the_same_headers_is_recognised_by_its_signature():
    assert signature(["AFDELING", "tidspunkt", None, "kategori", "optaelling"]) == signature(HEADERS)
    result = import_uploads([("andet.xlsx", SECOND_XLSX)], CONFIG, profiles=[afdelingstal()])
    assert result.ok, [str(f) for f in result.errors]
    assert canonical(result) == [
        (HOME, 2020, "M", 2, "loentilskud", 7.0, 4, "D"),
        (HOME, 2020, "M", 5, "loentilskud", 8.5, 5, "D"),
    ]
    assert result.sheets[0].sheet == "Optælling" and result.sheets[0].shape == "læst med profilen 'Afdelingstal'"


def test_other_headers_are_not_read_with_the_profile():
    extra = UNKNOWN_CSV.replace(b"Kategori;Opt\xc3\xa6lling\n", b"Kategori;Opt\xc3\xa6lling;Bem\xc3\xa6rkning\n")
    result = import_uploads([("afdelinger.csv", extra)], CONFIG, profiles=[afdelingstal()])
    assert [f.message[:19] for f in result.errors] == ["Ingen brugbar tabel"]
    rows = [["Titel"], list(HEADERS)]
    assert find_header_row(rows, afdelingstal()) == 1
    assert find_header_row([["Titel"]] * 60 + [list(HEADERS)], afdelingstal()) is None  # only the first 60 rows


def test_the_first_matching_profile_wins_and_a_municipality_column_and_fixed_scheme_are_used():
    csv = "Sted;Tidspunkt;Art;Optælling\nEsbjerg;2019Q1;x;3\nHele landet;2019Q1;x;999\n".encode()
    place = Profile(
        "Sted",
        TABLE,
        ("Sted", "Tidspunkt", "Art", "Optælling"),
        {"municipality": "Sted", "period": "Tidspunkt", "value": "Optælling"},
        scheme="igu",
    )
    later = Profile("Anden", TABLE, place.headers, {"period": "Tidspunkt", "value": "Optælling"}, HOME, "elever")
    assert match([list(place.headers)], [place, later]) == (place, 0)
    result = import_uploads([("sted.csv", csv)], CONFIG, profiles=[afdelingstal(), place, later])
    assert result.ok, [str(f) for f in result.errors]
    assert canonical(result) == [(ESBJERG, 2019, "Q", 1, "igu", 3.0, 2, "D")]
    assert not [w for w in result.warnings if "kommune" in w.message.lower()]  # the file names its municipality
    assert any(f.message.startswith("Samleområde sprunget over: 'Hele landet'") for f in result.notes)


def test_a_profile_that_cannot_be_used_is_a_danish_error_on_the_sheet():
    broken = afdelingstal(columns={"period": "Tidspunkt", "value": "Optælling"})  # no scheme at all
    result = import_uploads([("afdelinger.csv", UNKNOWN_CSV)], CONFIG, profiles=[broken])
    (error,) = result.errors
    assert error.message == (
        "Profilen 'Afdelingstal' passer til overskrifterne i række 2, men kan ikke bruges: "
        "Vælg kolonnen med ordningen, eller hvilken ordning alle rækker er. Ret eller slet "
        "profilen."
    )


# ---- validation and the stored form -------------------------------------------------------------


def test_validation_names_the_missing_role_and_the_column_that_does_not_exist():
    assert problems(afdelingstal(), CONFIG) == []
    assert problems(
        afdelingstal(
            name=" ", municipality=None, columns={"period": "Dato", "value": "Tidspunkt", "scheme": "Tidspunkt"}
        ),
        CONFIG,
    ) == [
        "Giv profilen et navn.",
        "Vælg kolonnen med kommunen, eller 'Alle rækker er Aabenraa'.",
        "Kolonnen 'Dato' (valgt som periode) findes ikke i overskriftsrækken: Afdeling, Tidspunkt, Kategori, "
        "Optælling.",
        "Kolonnen 'Tidspunkt' er valgt både som antal og som ordning; vælg en kolonne til hver.",
    ]
    assert problems(afdelingstal(columns={"scheme": "Kategori"}, scheme="fleksjob"), CONFIG) == [
        "Vælg kolonnen med perioden (måned, kvartal eller år).",
        "Vælg kolonnen med tallene.",
        "Vælg enten en kolonne med ordningen eller én ordning for alle rækker, ikke begge.",
    ]
    assert problems(
        afdelingstal(columns={"period": "Tidspunkt", "value": "Optælling"}, scheme="bogus", municipality=99999), CONFIG
    ) == ["Ordningen 'bogus' findes ikke i strategifilen.", "Kommunekoden 99999 findes ikke."]
    with pytest.raises(ProfileError, match="^Vælg kolonnen med tallene.$"):
        validate(afdelingstal(columns={"period": "Tidspunkt", "scheme": "Kategori"}), CONFIG)


def test_a_profile_survives_json_and_a_damaged_one_says_so():
    p = afdelingstal()
    back = Profile.from_dict(json.loads(json.dumps(p.to_dict())))
    assert back == p and back.signature == ("afdeling", "tidspunkt", "kategori", "optalling")
    with pytest.raises(ProfileError, match="^Profilen 'X' er beskadiget"):
        Profile.from_dict({"name": "X", "headers": "Afdeling", "columns": {}})
    with pytest.raises(ProfileError, match="^En gemt profil har intet navn"):
        Profile.from_dict({})


def test_the_header_guess_is_the_first_row_with_the_most_cells():
    rows = [["Titel"], [], list(HEADERS), ["a", "2019-02", "Fleksjob", "1"]]
    assert guess_header_row(rows) == 2


def test_the_store_saves_lists_and_deletes_profiles_with_who_and_when(tmp_path):
    store = Store(tmp_path)
    assert store.profiles() == []
    before = dt.datetime.now(dt.UTC)
    store.save_profile("Afdelingstal", afdelingstal().to_dict(), who="HR")
    store.save_profile("Sted", afdelingstal(name="Sted").to_dict())
    saved = Store(tmp_path).profiles()
    assert [(s.name, s.who) for s in saved] == [("Sted", ""), ("Afdelingstal", "HR")]  # the newest first
    assert all(s.saved >= before for s in saved)
    assert Profile.from_dict(saved[1].payload) == afdelingstal()
    store.save_profile("Afdelingstal", afdelingstal(municipality=ESBJERG).to_dict(), who="Ny")
    newest = store.profiles()[0]
    assert (newest.name, newest.who, newest.payload["municipality"]) == ("Afdelingstal", "Ny", ESBJERG)
    store.delete_profile("Sted")
    assert [s.name for s in store.profiles()] == ["Afdelingstal"]
    from csr.store import StoreError

    with pytest.raises(StoreError, match="^Profilen 'Sted' findes ikke.$"):
        store.delete_profile("Sted")
    with pytest.raises(StoreError, match="^Giv profilen et navn.$"):
        store.save_profile("  ", {})


def test_a_store_made_before_profiles_existed_gets_the_table_on_first_save(tmp_path):
    import shutil
    import sqlite3

    # A first-release store (schema 1) from before profiles: the migration to schema 2 adds the table.
    shutil.copyfile(Path(__file__).parent / "fixtures" / "store-schema1.sqlite", tmp_path / "csr.sqlite")
    with sqlite3.connect(tmp_path / "csr.sqlite") as con:
        con.execute("DROP TABLE profiles")
    store = Store(tmp_path)
    assert store.profiles() == []
    store.save_profile("Afdelingstal", afdelingstal().to_dict())
    assert [s.name for s in store.profiles()] == ["Afdelingstal"]


# ---- person lists (the reader comes from csr.importers.person_list) -----------------------------


def test_a_person_list_profile_counts_people_per_month():
    pytest.importorskip("csr.importers.person_list")
    csv = b"Medarb.;Fra;Til;Hold\n1001;01-01-2019;31-12-2019;x\n1002;01-09-2019;;x\n"
    p = Profile(
        "Frivillige",
        PERSON_LIST,
        ("Medarb.", "Fra", "Til", "Hold"),
        {"person": "Medarb.", "start": "Fra", "end": "Til"},
        scheme="beredskab",
    )
    assert problems(p, CONFIG) == []
    result = import_uploads([("frivillige.csv", csv)], CONFIG, profiles=[p])
    assert result.ok, [str(f) for f in result.errors]
    counts = result.data[(result.data["year"] == 2019) & (result.data["scheme"] == "beredskab")]
    by_month = dict(zip(counts["index"].astype(int), counts["value"], strict=True))
    assert by_month[2] == 1 and by_month[8] == 1 and by_month[11] == 2
    assert set(result.data["code"]) == {HOME}


# ---- the command line ------------------------------------------------------------------------------


def cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "CSR_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "csr", *args], capture_output=True, text=True, cwd=ROOT, timeout=300, env=env
    )


def test_the_command_line_matches_stored_profiles_uses_one_by_name_lists_and_deletes(tmp_path):
    data_dir = tmp_path / "lager"
    files = tmp_path / "filer"
    files.mkdir()
    (files / "afdelinger.csv").write_bytes(UNKNOWN_CSV)
    (files / "andet.xlsx").write_bytes(SECOND_XLSX)

    refused = cli("report", str(files / "afdelinger.csv"), "--json", data_dir=data_dir)
    assert refused.returncode == 2 and "Ingen brugbar tabel" in refused.stderr
    assert not data_dir.exists()  # reading files never creates a store

    Store(data_dir).save_profile("Afdelingstal", afdelingstal().to_dict(), who="HR")
    listed = cli("profiles", data_dir=data_dir)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith(
        "Afdelingstal: tabel: kommune = alle rækker er Aabenraa, periode = Tidspunkt, "
        "ordning = Kategori, antal = Optælling – gemt "
    )
    assert listed.stdout.rstrip().endswith("af HR")

    report = cli("report", str(files / "afdelinger.csv"), "--json", "--year", "2019", data_dir=data_dir)
    assert report.returncode == 0, report.stderr
    assert "Bemærk: fil afdelinger.csv: læst med profilen 'Afdelingstal'." in report.stderr
    (year,) = json.loads(report.stdout)["years"]
    assert year["headcount"] == pytest.approx((4700 + 4712 + 4690 + 4698) / 4)
    assert year["total_share"] == pytest.approx(13.625 / 4700 * 100)

    named = cli("import", str(files / "andet.xlsx"), "--profile", "Afdelingstal", "--who", "HR", data_dir=data_dir)
    assert named.returncode == 0, named.stderr
    assert "ark 'Optælling': læst med profilen 'Afdelingstal'" in named.stderr
    assert named.stdout.startswith("Import nr. 1 er gemt: 2 tal fra 1 fil (andet.xlsx).")

    unknown = cli("import", str(files / "andet.xlsx"), "--profile", "Nej", data_dir=data_dir)
    assert unknown.returncode == 2
    assert unknown.stderr == "Fejl: profilen 'Nej' findes ikke. Gemte profiler: 'Afdelingstal'.\n"

    Store(data_dir).save_profile("Sted", Profile("Sted", TABLE, ("Sted", "Tid"), {"period": "Tid"}).to_dict())
    other = cli("import", str(files / "andet.xlsx"), "--profile", "Sted", data_dir=data_dir)
    assert other.returncode == 2 and "Fejl: profilen 'Sted' kan ikke bruges: Vælg kolonnen med tallene." in other.stderr
    Store(data_dir).save_profile(
        "Sted",
        afdelingstal(
            name="Sted", headers=("Sted", "Tid"), columns={"period": "Tid", "value": "Sted"}, scheme="igu"
        ).to_dict(),
    )
    mismatch = cli("import", str(files / "andet.xlsx"), "--profile", "Sted", data_dir=data_dir)
    assert mismatch.returncode == 2
    assert "Fejl: filen andet.xlsx har ingen overskriftsrække med profilen 'Sted's overskrifter" in mismatch.stderr

    stored = cli("report", "--profile", "Afdelingstal", data_dir=data_dir)
    assert stored.returncode == 2 and stored.stderr.startswith("Fejl: --profile bruges, når filerne gives med")

    deleted = cli("profiles", "delete", "Afdelingstal", data_dir=data_dir)
    assert (deleted.returncode, deleted.stdout) == (0, "Profilen 'Afdelingstal' er slettet.\n")
    again = cli("profiles", "delete", "Afdelingstal", data_dir=data_dir)
    assert (again.returncode, again.stderr) == (2, "Fejl: Profilen 'Afdelingstal' findes ikke.\n")
    assert cli("profiles", "delete", data_dir=data_dir).returncode == 2
    assert cli("profiles", "vis", data_dir=data_dir).returncode == 2
    assert [s.name for s in Store(data_dir).profiles()] == ["Sted"]


# ---- the Data page (AppTest) -------------------------------------------------------------------------


def open_data_page():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    at.switch_page("app_pages/data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at) -> str:
    return seen("\n".join([m.value for m in at.markdown] + [i.value for i in at.info] + [s.value for s in at.success]))


def test_the_data_page_maps_an_unknown_file_saves_the_profile_and_recognises_the_next_file(store_dir):
    at = open_data_page()
    at.file_uploader(key="upload").set_value([("afdelinger.csv", UNKNOWN_CSV, "text/csv")]).run()
    assert not at.exception
    assert "Vælg kolonnerne" in [s.value for s in at.subheader]
    assert at.selectbox(key="mapping_header_row").value == 1  # the title line above is skipped
    assert at.selectbox(key="mapping_period").options == ["Afdeling", "Tidspunkt", "Kategori", "Optælling"]
    assert "Alle rækker er Aabenraa" in at.selectbox(key="mapping_municipality").options
    assert "Alle rækker er Fleksjob" in at.selectbox(key="mapping_scheme").options
    assert "For at se resultatet: Vælg kolonnen med perioden (måned, kvartal eller år)" in texts(at).replace("\\", "")
    at.selectbox(key="mapping_municipality").set_value(f"alle:{HOME}")
    at.selectbox(key="mapping_period").set_value("kolonne:Tidspunkt")
    at.selectbox(key="mapping_scheme").set_value("kolonne:Kategori")
    at.selectbox(key="mapping_value").set_value("kolonne:Optælling").run()
    assert not at.exception, [e.value for e in at.exception]
    preview = next(d.value for d in at.dataframe if "Kolonne" in d.value.columns)
    assert list(preview.columns) == ["Kommune", "Periode", "Ordning", "Antal", "Række", "Kolonne"]
    assert preview.iloc[1].tolist() == ["Aabenraa", "maj 2019", "Fleksjob", "13,5", 4, "D"]
    assert preview.iloc[5].tolist() == ["Aabenraa", "maj 2019", "Månedslønnede ansatte", "4.712", 8, "D"]
    assert at.button(key="mapping_save").disabled  # no name yet
    at.text_input(key="mapping_name").input("Afdelingstal")
    at.text_input(key="mapping_who").input("HR").run()
    at.button(key="mapping_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    (saved,) = Store(store_dir).profiles()
    assert (saved.name, saved.who) == ("Afdelingstal", "HR")
    assert Profile.from_dict(saved.payload) == afdelingstal()
    assert "Profilen 'Afdelingstal' er gemt" in texts(at)
    assert "afdelinger.csv: læst med profilen 'Afdelingstal'." in texts(at)
    assert not at.error and "Vælg kolonnerne" not in [s.value for s in at.subheader]
    assert "Ingen kommune i filen: profilen 'Afdelingstal'" in seen(at.warning[0].value)  # the home, only when ticked
    assert at.button(key="import_confirm").disabled
    at.checkbox(key="accept_warnings").check().run()
    at.button(key="import_confirm").click().run()
    assert Store(store_dir).history()["rows"].tolist() == [8]

    second = open_data_page()
    second.file_uploader(key="upload").set_value([("andet.xlsx", SECOND_XLSX, "application/octet-stream")]).run()
    assert not second.exception
    assert "andet.xlsx, ark 'Optælling': læst med profilen 'Afdelingstal'." in texts(second)
    assert "Vælg kolonnerne" not in [s.value for s in second.subheader]


def test_file_text_in_the_mapping_step_is_plain_or_escaped(store_dir):
    csv = "**Fed**;[link](x);Optælling\n1;2;3\n".encode()
    at = open_data_page()
    at.file_uploader(key="upload").set_value([("a_b*.csv", csv, "text/csv")]).run()
    assert not at.exception
    assert at.selectbox(key="mapping_value").options == ["**Fed**", "[link](x)", "Optælling"]  # plain options
    for m in at.markdown:
        assert "**Fed**" not in m.value and "[link](x)" not in m.value


def test_the_data_page_maps_a_person_list(store_dir):
    pytest.importorskip("csr.importers.person_list")
    csv = b"Medarb.;Fra;Til\n1001;01-01-2019;31-12-2019\n1002;01-09-2019;\n"
    at = open_data_page()
    at.file_uploader(key="upload").set_value([("frivillige.csv", csv, "text/csv")]).run()
    assert not at.exception
    if "Vælg kolonnerne" not in [s.value for s in at.subheader]:
        pytest.skip("the person-list reader recognises this list by itself")
    at.radio(key="mapping_kind").set_value(PERSON_LIST).run()
    at.selectbox(key="mapping_person").set_value("kolonne:Medarb.")
    at.selectbox(key="mapping_start").set_value("kolonne:Fra")
    at.selectbox(key="mapping_end").set_value("kolonne:Til")
    at.selectbox(key="mapping_scheme_persons").set_value("alle:beredskab").run()
    assert not at.exception, [e.value for e in at.exception]
    preview = next(d.value for d in at.dataframe if "Kolonne" in d.value.columns)
    november = preview[
        (preview["Periode"] == "november 2019")
        & (preview["Ordning"] == "Medarbejdere, der frivilligt indgår i Beredskabet")
    ]
    assert november["Antal"].tolist() == ["2"]
