"""The Data page through AppTest, each test on its own temporary store ($CSR_DATA_DIR): upload, preview,
errors, warnings, confirm, the pages afterwards, history, undo, downloads, meeting mode, a broken store."""

from __future__ import annotations

import io
import tomllib
from pathlib import Path

import openpyxl
import pytest
from card_support import card_values
from markdown_support import seen
from streamlit.testing.v1 import AppTest

from csr.store import Store

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
DATA_PAGE = "app_pages/data.py"
SAMPLE_FILES = sorted(p for p in (ROOT / "sample_data").iterdir() if p.suffix in (".xlsx", ".csv"))
MIME = "application/octet-stream"

ERROR_CSV = (
    "Kommune;Måned;Ordning;Antal\nAabenraa;2019-02;Fleksjob;12\nAabenraa;2019-05;Fleksjob;abc\n"
    "Aabenraa;2019-08;Flexjob;3\n"
).encode()


def sample_uploads() -> list[tuple[str, bytes, str]]:
    return [(p.name, p.read_bytes(), MIME) for p in SAMPLE_FILES]


def open_data_page(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(DATA_PAGE).run()
    assert_no_exception(at)
    return at


def assert_no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def upload(at: AppTest, files: list[tuple[str, bytes, str]]) -> AppTest:
    at.file_uploader(key="upload").set_value(files).run()
    assert_no_exception(at)
    return at


def download(at: AppTest, key: str):
    return next(b for b in at.download_button if b.key == key)


def markdown(at: AppTest) -> str:
    """The Markdown bodies as a reader sees them (file names are escaped, `ui.safe`)."""
    return seen("\n".join(m.value for m in at.markdown))


def confirm_samples(at: AppTest) -> AppTest:
    upload(at, sample_uploads())
    at.checkbox(key="accept_warnings").check().run()
    at.button(key="import_confirm").click().run()
    assert_no_exception(at)
    return at


def overblik_2019(at: AppTest) -> dict[str, str]:
    at.switch_page("app_pages/overblik.py").run()
    at.selectbox(key="year").select(2019).run()
    assert_no_exception(at)
    return card_values(at)


def store_samples(directory: Path) -> Store:
    from csr.importers import import_files

    store = Store(directory)
    store.add_batch([(p.name, p.read_bytes()) for p in SAMPLE_FILES], import_files(SAMPLE_FILES), who="Test")
    return store


# ---- the empty store -------------------------------------------------------------------------


def test_the_empty_store_shows_the_sample_data_and_the_upload(store_dir):
    at = open_data_page()
    assert at.title[0].value == "Data"
    assert not at.error
    assert "Databasen er tom, så siderne viser **eksempeldata**" in at.info[0].value
    assert not [c.value for c in at.caption if str(store_dir) in c.value]  # the server's path is nobody's business
    uploader = at.file_uploader(key="upload")
    assert uploader.accept_multiple_files
    assert sorted(uploader.allowed_type) == [".csv", ".json", ".xls", ".xlsx"]
    assert uploader.proto.max_upload_size_mb == 200
    assert "Ingen importer endnu." in markdown(at)
    assert download(at, "download_history").disabled  # nothing to download yet
    assert len(at.download_button) == 3  # template, dataset, history
    at.switch_page("app_pages/overblik.py").run()
    assert "Eksempeldata" in at.warning[0].value


def test_the_upload_limit_is_the_same_in_the_config_and_the_code():
    from csr.importers.safety import LIMITS, MB
    from ui.upload import MAX_UPLOAD_MB

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == MAX_UPLOAD_MB == LIMITS.max_bytes // MB == 200


# ---- the preview -------------------------------------------------------------------------------


def test_the_preview_says_what_was_recognised_and_stores_nothing(store_dir):
    at = upload(open_data_page(), sample_uploads())
    shown = markdown(at)
    assert (
        "3 filer (74 kB) læst: 2.876 tal for 7 kommuner (Aabenraa, Esbjerg, Haderslev, Kolding, Sønderborg, "
        "Tønder, Vejen) fra januar 2018 til august 2025, 12 ordninger og antal ansatte, samt 49 "
        "praktikpladser."
    ) in shown
    table = at.dataframe[0].value
    assert list(table.columns) == [
        "Fil",
        "Ark",
        "Genkendt som",
        "Rækker",
        "Kommuner",
        "Første periode",
        "Sidste periode",
        "Ordninger",
    ]
    krl_2019 = table[(table["Fil"] == "krl_ansatte_og_ordninger.xlsx") & (table["Ark"] == "2019")].iloc[0]
    assert krl_2019["Genkendt som"] == "periode i kolonner"
    assert krl_2019["Rækker"] == "252"
    assert krl_2019["Første periode"] == "februar 2019" and krl_2019["Sidste periode"] == "november 2019"
    assert "Månedslønnede ansatte" in krl_2019["Ordninger"]
    csv = table[table["Fil"] == "jobindsats_virksomhedspraktik.csv"].iloc[0]
    assert csv["Ordninger"] == "Virksomhedspraktik" and csv["Rækker"] == "644"
    assert len(table) == 12  # egne_lister: Data, Beredskab, Praktikpladser; jobindsats: one; KRL: 8 years
    # seven warnings (November 2025 missing), each naming its municipality; a tick is needed before saving
    assert at.warning[0].value.startswith("**7 advarsler.**")
    assert "Aabenraa 2025 mangler november for ansatte og 11 ordninger" in seen(at.warning[0].value)
    assert at.button(key="import_confirm").disabled
    # notes name file, sheet, row and column
    notes = seen("\n".join(m.value for m in at.expander[0].markdown))
    assert at.expander[0].label == "Noter fra indlæsningen (5)"
    assert "Fil jobindsats_virksomhedspraktik.csv, række 6, kolonne A: Samleområde sprunget over" in notes
    assert Store(store_dir).is_empty()  # a preview stores nothing
    at.checkbox(key="accept_warnings").check().run()
    assert not at.button(key="import_confirm").disabled
    assert Store(store_dir).is_empty()


def test_errors_name_file_row_column_and_value_and_block_the_import(store_dir):
    at = upload(open_data_page(), [("fejl.csv", ERROR_CSV, "text/csv")])
    assert len(at.error) == 1
    message = seen(at.error[0].value)
    assert message.startswith("**Filerne kan ikke gemmes: 2 fejl.**")
    assert "Fil fejl.csv, række 3, kolonne D: Tekst hvor der skal stå et tal: 'abc'" in message
    assert "Fil fejl.csv, række 4, kolonne C: Ukendt ordning 'Flexjob'. Mente du 'Fleksjob'" in message
    assert not [b for b in at.button if b.key == "import_confirm"]  # no way to store it
    assert Store(store_dir).is_empty()


@pytest.mark.parametrize(
    ("name", "content", "sentence"),
    [
        (
            "x.xlsx",
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
            "Filen x\\.xlsx er ikke et Excel\\-regneark eller en CSV\\-fil \\(den ligner en PDF\\-fil\\)",
        ),
        ("tom.csv", b"", "Filen tom\\.csv er tom\\."),
    ],
)
def test_a_hostile_or_broken_file_gets_its_sentence(store_dir, name, content, sentence):
    at = upload(open_data_page(), [(name, content, MIME)])
    assert sentence in at.error[0].value
    assert "Traceback" not in at.error[0].value
    at.switch_page("app_pages/udvikling.py").run()  # the app goes on
    assert_no_exception(at)
    assert at.title[0].value == "Udvikling"


def test_a_workbook_that_would_abort_the_parser_is_refused_and_the_server_survives(store_dir):
    from test_safety import XFD_CELL_XLSX

    at = upload(open_data_page(), [("celle.xlsx", XFD_CELL_XLSX, MIME), sample_uploads()[0]])
    message = seen(at.error[0].value)
    assert "Filen celle.xlsx er for stor til at blive behandlet sikkert" in message
    assert "16.384 kolonner" in message
    assert Store(store_dir).is_empty()


# ---- confirming ------------------------------------------------------------------------------


def test_confirm_stores_the_import_and_every_page_shows_it_at_once(store_dir):
    at = confirm_samples(open_data_page())
    assert seen(at.success[0].value).startswith(
        "Import nr. 1 er gemt: 2.876 tal og 49 praktikpladser fra 3 filer "
        "(egne_lister.xlsx, jobindsats_virksomhedspraktik.csv, "
        "krl_ansatte_og_ordninger.xlsx)."
    )
    assert "Filerne ovenfor er gemt." in at.info[0].value  # no second preview of the same files
    assert "Siderne viser de indlæste tal fra 1 import; den nyeste er nr. 1" in markdown(at)
    store = Store(store_dir)
    assert not store.is_empty()
    assert len(store.current()[0]) == 2876
    cards = overblik_2019(at)
    assert not at.warning, "the sample-data banner is gone"
    assert cards["Mindst 10 % i en eller flere ordninger"] == "22,0 %"
    basis = seen("\n".join(m.value for m in at.expander[-1].markdown))
    assert "Tallene er beregnet af de indlæste filer" in basis
    assert "ark «2019» · import nr. 1 · 252 rækker · februar 2019 – november 2019" in basis
    assert "ark «Praktikpladser» · praktikpladser, import nr. 1 · 49 rækker" in basis


def test_another_session_reads_the_stored_data(store_dir):
    store_samples(store_dir)
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    assert_no_exception(at)
    assert not at.warning
    assert overblik_2019(at)["Mindst 6 % i beskæftigelsesordninger"] == "10,2 %"


def test_the_same_files_again_are_named_at_upload_and_not_stored_twice(store_dir):
    store_samples(store_dir)
    at = upload(open_data_page(), sample_uploads())
    duplicates = [seen(w.value) for w in at.warning if "er allerede indlæst den" in w.value]
    assert len(duplicates) == 3
    assert "Filen egne_lister.xlsx er allerede indlæst den" in duplicates[0] and "(import nr. 1)" in duplicates[0]
    at.checkbox(key="accept_warnings").check().run()
    at.button(key="import_confirm").click().run()
    assert_no_exception(at)
    assert any("Intet er gemt igen." in seen(w.value) for w in at.warning)
    assert len(Store(store_dir).history()) == 1


def test_the_warnings_tick_belongs_to_one_set_of_files(store_dir):
    at = upload(open_data_page(), sample_uploads())
    at.checkbox(key="accept_warnings").check().run()
    upload(at, sample_uploads()[:2])  # other files: new warnings, no tick
    assert at.checkbox(key="accept_warnings").value is False
    assert at.button(key="import_confirm").disabled


# ---- history and undo ------------------------------------------------------------------------


def _double_the_2019_headcount(store: Store) -> tuple[str, bytes]:
    data = store.current()[0]
    head = data[(data["code"] == 580) & (data["year"] == 2019) & (data["scheme"] == "headcount")]
    lines = ["Kommune;Måned;Ordning;Antal"]
    lines += [f"Aabenraa;2019-{m:02d};Ansatte i alt;{v * 2:.0f}" for m, v in zip(head["index"], head["value"])]
    return "ansatte_2019.csv", ("\n".join(lines) + "\n").encode()


def test_history_and_undo_with_its_preview_and_confirmation(store_dir):
    store = store_samples(store_dir)
    name, content = _double_the_2019_headcount(store)
    at = open_data_page()
    upload(at, [(name, content, "text/csv")])
    at.button(key="import_confirm").click().run()  # no warnings: no tick needed
    assert seen(at.success[0].value).startswith(
        "Import nr. 2 er gemt: 4 tal fra 1 fil (ansatte_2019.csv). 4 ældre tal er erstattet af de nye."
    )
    assert overblik_2019(at)["Mindst 10 % i en eller flere ordninger"] == "11,0 %"

    at.switch_page(DATA_PAGE).run()
    batches = [m.value for m in at.markdown if m.value.startswith("**Import nr.")]
    assert batches[0].startswith("**Import nr. 2**") and batches[1].startswith("**Import nr. 1**")
    assert "ansatte\\_2019\\.csv · 4 tal · 4 gældende · erstattede 4 ældre tal" in batches[0]  # the name escaped
    assert "· 2.876 tal og 49 praktikpladser · 2.921 gældende, 4 erstattet af nyere importer" in batches[1]
    assert " af Test" in batches[1]

    at.button(key="undo_2").click().run()
    assert_no_exception(at)
    summary = store.undo_preview(2).summary()
    assert summary in [seen(w.value) for w in at.warning]
    assert "går 4 tal tilbage til værdien fra en tidligere import" in summary
    changes = at.dataframe[0].value
    assert list(changes.columns) == ["Kommune", "Periode", "Ordning", "Nu", "Efter fortrydelsen", "Fra import nr."]
    assert changes["Periode"].tolist() == ["februar 2019", "maj 2019", "august 2019", "november 2019"]
    assert set(changes["Fra import nr."]) == {"1"}
    assert store.history()["status"].tolist() == ["aktiv", "aktiv"]  # asked, not yet done

    at.button(key="undo_confirm_2").click().run()
    assert_no_exception(at)
    assert seen(at.success[0].value) == (
        "Import nr. 2 (ansatte_2019.csv) er fortrudt: 4 tal er tilbage på værdien fra en tidligere import."
    )
    assert store.history()["status"].tolist() == ["fortrudt", "aktiv"]
    assert "**fortrudt**" in [m.value for m in at.markdown if m.value.startswith("**Import nr. 2**")][0]
    assert not [b for b in at.button if b.key == "undo_2"]  # an undone import cannot be undone again
    assert overblik_2019(at)["Mindst 10 % i en eller flere ordninger"] == "22,0 %"


def test_cancelling_an_undo_changes_nothing_and_undoing_everything_brings_back_the_sample(store_dir):
    store = store_samples(store_dir)
    at = open_data_page()
    at.button(key="undo_1").click().run()
    assert "forsvinder 2.925 tal, fordi ingen tidligere import har dem" in seen(at.warning[0].value)
    at.button(key="undo_cancel_1").click().run()
    assert not [b for b in at.button if b.key == "undo_confirm_1"]
    assert not store.is_empty()
    at.button(key="undo_1").click().run()
    at.button(key="undo_confirm_1").click().run()
    assert store.is_empty()
    assert "Databasen er tom" in at.info[0].value
    at.switch_page("app_pages/overblik.py").run()
    assert "Eksempeldata" in at.warning[0].value


# ---- downloads -------------------------------------------------------------------------------


def test_the_dataset_and_history_downloads_are_workbooks_with_danish_headers(store_dir, config):
    from csr.template import DATA_HEADER, write_template
    from ui import downloads
    from ui.upload import dataset_xlsx, history_table

    store = store_samples(store_dir)
    snap = store.snapshot()
    book = openpyxl.load_workbook(io.BytesIO(dataset_xlsx(snap.data, snap.placements, config)), read_only=True)
    assert book.sheetnames == ["Tal", "Praktikpladser"]
    rows = list(book["Tal"].iter_rows(values_only=True))
    assert rows[0] == ("Kommune", "Kommunekode", "År", "Periode", "Ordning", "Antal", "Fil", "Ark", "Række", "Kolonne")
    assert len(rows) == 2876 + 1
    aabenraa = [r for r in rows if r[0] == "Aabenraa" and r[3] == "februar 2019" and r[4] == "Månedslønnede ansatte"]
    assert len(aabenraa) == 1 and aabenraa[0][5] == 4693 and aabenraa[0][6] == "krl_ansatte_og_ordninger.xlsx"
    places = list(book["Praktikpladser"].iter_rows(values_only=True))
    assert places[0] == ("År", "Uddannelse", "Aftalt", "Realiseret", "Fil", "Ark", "Række") and len(places) == 50

    history = history_table(store.history())
    sheet = openpyxl.load_workbook(io.BytesIO(downloads.xlsx_bytes(history, "Importhistorik"))).active
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["Import nr.", "Indlæst", "Indlæst af", "Filer"] and "Status" in header
    assert sheet.cell(2, 3).value == "Test" and sheet.cell(2, header.index("Status") + 1).value == "aktiv"

    template = openpyxl.load_workbook(io.BytesIO(write_template(config)))
    assert tuple(c.value for c in template["Data"][1]) == DATA_HEADER

    at = open_data_page()
    assert [b.proto.label for b in at.download_button] == [
        "Hent skabelonen",
        "Alle gældende tal (.xlsx)",
        "Importhistorik (.xlsx)",
    ]


# ---- meeting mode, a broken store, keys -----------------------------------------------------


def test_meeting_mode_shows_the_history_without_upload_or_undo(store_dir):
    store_samples(store_dir)
    at = open_data_page({"visning": "møde"})
    assert "Indlæsning er ikke mulig i mødevisning." in at.info[0].value
    assert not at.file_uploader
    assert not [b for b in at.button if b.key.startswith("undo_")]
    assert not at.download_button
    assert any(m.value.startswith("**Import nr. 1**") for m in at.markdown)


def test_a_store_that_cannot_be_created_is_a_danish_error_on_every_page(tmp_path, monkeypatch):
    blocker = tmp_path / "en_fil"
    blocker.write_text("ikke en mappe")
    monkeypatch.setenv("CSR_DATA_DIR", str(blocker / "data"))
    at = open_data_page()
    assert len(at.error) == 1
    assert seen(at.error[0].value).startswith("Datamappen kan ikke oprettes")
    assert str(blocker) not in at.error[0].value  # no server path
    assert "Der kan ikke indlæses eller fortrydes noget, før det er rettet." in seen(at.error[0].value)
    assert at.download_button[0].proto.label == "Hent skabelonen"  # the template is still there
    at.switch_page("app_pages/overblik.py").run()
    assert_no_exception(at)
    assert at.error[0].value.startswith("Datamappen")


def test_a_damaged_database_file_is_a_danish_error(store_dir):
    store_dir.mkdir()
    (store_dir / "csr.sqlite").write_bytes(b"this is no database" * 100)
    at = open_data_page()
    assert "Databasen i datamappen er ikke en brugbar CSR-database" in seen(at.error[0].value)
    assert str(store_dir) not in at.error[0].value  # no server path
    at.switch_page("app_pages/overblik.py").run()
    assert_no_exception(at)
    assert "er ikke en brugbar CSR-database" in seen(at.error[0].value)


def test_every_widget_on_the_data_page_has_a_key(store_dir):
    store_samples(store_dir)
    at = upload(
        open_data_page(),
        [("ansatte.csv", _double_the_2019_headcount(Store(store_dir))[1], MIME), *sample_uploads()[:1]],
    )
    at.button(key="undo_1").click().run()
    kinds = ("button", "checkbox", "text_input", "download_button", "toggle")
    widgets = [w for kind in kinds for w in getattr(at, kind)] + [at.file_uploader(key="upload")]
    assert {"upload", "import_confirm", "undo_confirm_1", "undo_cancel_1", "import_who"} <= {w.key for w in widgets}
    assert all(w.key for w in widgets), [w.label for w in widgets if not w.key]


def test_stored_data_without_the_home_headcount_is_an_error_on_the_pages_but_the_data_page_can_undo_it(store_dir):
    at = open_data_page()
    upload(at, [("esbjerg.csv", "Kommune;Måned;Ordning;Antal\nEsbjerg;2019-02;Fleksjob;12\n".encode(), "text/csv")])
    at.checkbox(key="accept_warnings").check().run()
    at.button(key="import_confirm").click().run()
    at.switch_page("app_pages/overblik.py").run()
    assert_no_exception(at)
    assert at.error[0].value.startswith("De indlæste tal indeholder ingen tal for Aabenraa med antal ansatte")
    at.switch_page(DATA_PAGE).run()
    assert not at.error
    at.button(key="undo_1").click().run()
    at.button(key="undo_confirm_1").click().run()
    at.switch_page("app_pages/overblik.py").run()
    assert not at.error and "Eksempeldata" in at.warning[0].value
