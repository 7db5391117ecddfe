"""The administrator's settings over the strategy file (csr.settings): validated as the file is, only what differs
stored, a TOML round trip, the store's `settings` table (its own migration 0003, an audit entry, the version
moved on), and the command line (`settings show|export|import|reset`, `report` following the stored settings)."""

from __future__ import annotations

import copy
import json
import shutil
import sqlite3
import tomllib
from pathlib import Path

import pytest

from csr import audit, db, settings
from csr.__main__ import main
from csr.config import ConfigError, default_config, default_raw, parse_config
from csr.importers import import_uploads, read_uploads
from csr.shares import compute
from csr.store import Store, StoreError
from csr.text import period_sentence, strategy_first_year

pytest_plugins = ("postgres_support", "tenancy_support")  # PostgreSQL, a database per test, a shared host

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = sorted(str(p) for p in (ROOT / "sample_data").glob("*.*"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"
HADERSLEV, AABENRAA, ESBJERG, KOLDING = 510, 580, 561, 621
FILE_NEIGHBOURS = [561, 510, 621, 540, 550, 575]  # the strategy file's: Esbjerg, Haderslev, Kolding, Sønderborg, …


def raw() -> dict:
    return copy.deepcopy(default_raw()[0])


@pytest.fixture(scope="module")
def sample():
    """The sample files read with the strategy file as it is (Aabenraa home), and their figures."""
    config = default_config()
    result = import_uploads(read_uploads(SAMPLE), config)
    return result, compute(result.data, result.placements, config)


# ---- validation: the strategy file's rules, and the settings' own -----------------------------------------


def test_a_new_home_and_neighbours_make_the_configuration_in_force():
    config = settings.config_with(raw(), {"strategy": {"home": HADERSLEV, "neighbours": [AABENRAA, ESBJERG]}})
    assert (config.home, config.neighbours) == (HADERSLEV, (AABENRAA, ESBJERG))
    assert config.home_name == "Haderslev" and config.organisation == "Haderslev Kommune"  # follows the home
    named = settings.config_with(
        raw(), {"strategy": {"home": HADERSLEV, "neighbours": [AABENRAA], "organisation": "Haderslev Kommune HR"}}
    )
    assert named.organisation == "Haderslev Kommune HR"
    # Everything else is the strategy file's.
    assert config.schemes == default_config().schemes and config.targets == default_config().targets


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"strategy": {"home": HADERSLEV, "neighbours": [HADERSLEV, AABENRAA]}},
            "Nøglen 'strategy.neighbours' nævner hjemkommunen Haderslev (510); en kommune kan ikke være sin egen",
        ),
        ({"strategy": {"neighbours": [ESBJERG, KOLDING, ESBJERG]}}, "nævner Esbjerg (561) mere end én gang"),
        ({"strategy": {"neighbours": []}}, "Nøglen 'strategy.neighbours' er tom: vælg mindst én omegnskommune."),
        ({"strategy": {"home": 999}}, "Nøglen 'strategy.home' nævner kommunekoden 999, som ikke findes"),
        ({"strategy": {"neighbours": [ESBJERG, 998]}}, "nævner kommunekoden 998, som ikke findes"),
        ({"strategy": {"home": "Haderslev"}}, "Nøglen 'strategy.home' i konfigurationen skal være af typen int"),
        ({"strategy": {"first_year": 2026}}, "Nøglen 'strategy.first_year' er 2026, men strategiperioden slutter i"),
        ({"strategy": {"last_year": "2026"}}, "Nøglen 'strategy.last_year' i konfigurationen skal være af typen int"),
        ({"strategy": {"measurement_months": [1]}}, "Nøglen 'strategy.measurement_months' kan ikke ændres"),
        ({"schemes": []}, "Nøglen 'schemes' kan ikke ændres under indstillingerne; den hører til strategifilen."),
        ({"targets": [{"id": "findes_ikke", "thresholds": []}]}, "nævner målet 'findes_ikke'"),
        ({"targets": [{"id": "beskaeftigelse_naboer", "thresholds": []}]}, "Målet 'beskaeftigelse_naboer' har ingen"),
        ({"targets": [{"id": "csr_maerke", "thresholds": []}]}, "Nøglen 'targets[1] (csr_maerke).thresholds' er tom."),
        (
            {"targets": [{"id": "csr_maerke", "thresholds": [{"from": 2020, "value": "ti"}]}]},
            "Nøglen 'targets[1] (csr_maerke).thresholds[0].value' i konfigurationen skal være af typen int/float",
        ),
        (
            {
                "targets": [
                    {"id": "csr_maerke", "thresholds": [{"from": 2020, "value": 10}, {"from": 2020, "value": 5}]}
                ]
            },
            "har to tærskler fra samme år",
        ),
        (  # the name states 15 %: a new value needs its own name, as in the file
            {"targets": [{"id": "samlet_min", "thresholds": [{"from": 2021, "value": 12.0}]}]},
            "hedder 'Mindst 15 % i en eller flere ordninger' fra 2021, men tærsklen er da 12 %",
        ),
        ({"targets": [{"id": "csr_maerke", "scope": "all", "thresholds": []}]}, "'targets[0].scope' (csr_maerke)"),
    ],
)
def test_invalid_settings_are_refused_in_danish_naming_the_key(overrides, message):
    with pytest.raises(ConfigError) as caught:
        settings.config_with(raw(), overrides)
    assert message in str(caught.value)


def test_the_strategy_file_itself_is_held_to_the_neighbour_rules():
    broken = raw()
    broken["strategy"]["neighbours"] = [*broken["strategy"]["neighbours"], broken["strategy"]["home"]]
    with pytest.raises(ConfigError, match="hjemkommunen Aabenraa \\(580\\)"):
        parse_config(broken)


def test_thresholds_and_the_period_change_the_targets_and_the_period_sentence():
    config = settings.config_with(
        raw(),
        {
            "strategy": {"first_year": 2023, "last_year": 2027},
            "targets": [
                {
                    "id": "samlet_min",
                    "thresholds": [{"from": 2023, "value": 12.5, "name": "Mindst 12,5 % i en eller flere ordninger"}],
                }
            ],
        },
    )
    target = config.target("samlet_min")
    assert target.threshold(2025) == 12.5 and target.name_in(2025) == "Mindst 12,5 % i en eller flere ordninger"
    assert strategy_first_year(config) == 2023 and config.last_year == 2027
    assert period_sentence(config, 2022).startswith("2022 ligger før strategiperioden 2023-2027.")
    assert period_sentence(config, 2027) is None and period_sentence(default_config(), 2027) is not None


def test_only_what_differs_from_the_strategy_file_is_stored_and_described():
    base = default_config()
    full = settings.settings_of(base)
    full["strategy"]["home"], full["strategy"]["neighbours"] = HADERSLEV, [AABENRAA, KOLDING]
    config = settings.config_with(raw(), full)
    diff = settings.difference(config, base)
    # Aabenraa's accessibility statement is not Haderslev's: none is linked until Haderslev's own is given.
    assert base.accessibility_statement and config.accessibility_statement == ""
    assert diff == {
        "strategy": {
            "organisation": "Haderslev Kommune",
            "accessibility_statement": "",
            "home": 510,
            "neighbours": [580, 621],
        }
    }
    assert settings.difference(base, base) == {} and settings.in_force({}) == base
    assert settings.describe(config, base) == (
        "Indstillinger gemt: strategi «CSR-strategi 2021-2024» for Haderslev Kommune, hjemkommune Haderslev (510), "
        "omegnskommuner Aabenraa, Kolding."
    )


def test_the_settings_in_force_go_to_toml_and_back_unchanged():
    overrides = {
        "strategy": {"name": 'Strategi "2025" \\ ny', "home": HADERSLEV, "neighbours": [AABENRAA, ESBJERG]},
        "targets": [
            {
                "id": "csr_maerke",
                "thresholds": [
                    {"from": 2020, "value": 10.0},
                    {"from": 2025, "value": 11.25, "name": "CSR-mærket ({threshold})"},
                ],
            },
        ],
    }
    config = settings.config_with(raw(), overrides)
    text = settings.to_toml(settings.settings_of(config), "CSR-indstillinger\nlinje to")
    assert text.startswith("# CSR-indstillinger\n# linje to\n")
    again = settings.config_with(raw(), settings.from_toml(text.encode(), "x.toml"))
    assert settings.settings_of(again) == settings.settings_of(config)
    assert again.name == 'Strategi "2025" \\ ny' and again.target("csr_maerke").threshold(2026) == 11.25
    assert tomllib.loads(text)["strategy"]["neighbours"] == [580, 561]  # the strategy file's key names


def test_a_toml_file_that_cannot_be_read_is_refused_in_danish():
    with pytest.raises(ConfigError, match=r"x\.toml kan ikke læses: den er ikke gyldig TOML"):
        settings.from_toml(b"home = ", "x.toml")
    with pytest.raises(ConfigError, match="ikke gemt som UTF-8"):
        settings.from_toml("[strategy]\nname = 'æ'".encode("latin-1"), "x.toml")


# ---- the figures follow the settings ------------------------------------------------------------------


def test_haderslev_as_home_gives_haderslevs_shares_and_the_chosen_neighbours_average(sample):
    from csr.report import build_report

    result, by_file = sample
    config = settings.config_with(raw(), {"strategy": {"home": HADERSLEV, "neighbours": [AABENRAA, ESBJERG]}})
    figures = compute(result.data, result.placements, config)
    year = build_report(figures, config, 2024)["years"][0]
    assert year["headcount"] == pytest.approx(4493.5)
    # Haderslev's categories as the strategy file's computation has them for Haderslev the neighbour.
    rows = by_file.years.set_index(["code", "year"])
    for category in ("beskaeftigelse", "uddannelse"):
        assert year["categories"][category] == pytest.approx(rows.loc[(HADERSLEV, 2024), category])
    # The neighbours' pooled average: their persons over their headcounts, computed here from the same rows.
    persons = sum(rows.loc[(c, 2024), "beskaeftigelse"] * rows.loc[(c, 2024), "headcount"] for c in (580, 561))
    heads = sum(rows.loc[(c, 2024), "headcount"] for c in (AABENRAA, ESBJERG))
    assert year["neighbours"]["beskaeftigelse"] == pytest.approx(persons / heads)


# ---- the store ---------------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def engine_store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    if request.param == "sqlite":
        return Store(tmp_path / "data")
    return Store(request.getfixturevalue("postgres_url"))


def test_both_engines_keep_the_newest_settings_with_who_and_when(engine_store):
    store = engine_store
    first = settings.save(store, {"strategy": {"home": HADERSLEV, "neighbours": [AABENRAA]}}, who="Aase")
    version = store.version()
    settings.save(store, {"strategy": {"home": KOLDING, "neighbours": [HADERSLEV, AABENRAA]}}, who="Bo")
    saved = store.settings()
    assert saved is not None and saved.who == "Bo" and saved.saved.tzinfo is not None
    assert settings.in_force(saved.payload).home_name == "Kolding" and first.home_name == "Haderslev"
    assert store.version() != version
    entries = store.audit_entries(event=audit.SETTINGS)
    assert list(entries["who"]) == ["Aase", "Bo"]


def test_saved_settings_are_stored_with_their_audit_entry_and_move_the_version_on(tmp_path):
    store = Store(tmp_path)
    assert store.settings() is None and settings.stored(store) == {}
    before = store.version()
    config = settings.save(store, {"strategy": {"home": HADERSLEV, "neighbours": [AABENRAA]}}, who="Aase Admin")
    assert config.home == HADERSLEV and store.version() != before
    saved = store.settings()
    assert saved is not None and saved.who == "Aase Admin"
    assert saved.payload == {
        "strategy": {
            "home": 510,
            "neighbours": [580],
            "organisation": "Haderslev Kommune",
            "accessibility_statement": "",
        }
    }
    assert settings.in_force(settings.stored(store)).home_name == "Haderslev"
    entries = store.audit_entries()
    assert list(entries["event"]) == [audit.SETTINGS] and list(entries["who"]) == ["Aase Admin"]
    assert audit.event_label(audit.SETTINGS) == "Indstillinger gemt"
    assert "hjemkommune Haderslev (510)" in entries["detail"].iloc[0]
    settings.save(store, {}, who="Aase Admin")  # back to the strategy file: the newest row is in force
    assert settings.in_force(settings.stored(store)) == default_config()
    with sqlite3.connect(tmp_path / "csr.sqlite") as con:
        assert con.execute("SELECT COUNT(*) FROM settings").fetchone()[0] == 2  # rows are only added


def test_invalid_settings_leave_the_store_unchanged(tmp_path):
    store = Store(tmp_path)
    before = store.version()
    with pytest.raises(ConfigError):
        settings.save(store, {"strategy": {"neighbours": []}}, who="x")
    assert store.settings() is None and store.version() == before and store.audit_entries().empty


def test_a_read_only_store_refuses_to_save_settings(tmp_path, monkeypatch):
    Store(tmp_path)
    monkeypatch.setenv("CSR_READ_ONLY", "1")
    with pytest.raises(StoreError, match="skrivebeskyttet|kun læses"):
        settings.save(Store(tmp_path), {"strategy": {"home": HADERSLEV, "neighbours": [AABENRAA]}})


def test_stored_settings_that_no_longer_fit_the_file_say_where_to_fix_them(tmp_path):
    smaller = raw()
    smaller["municipalities"] = [m for m in smaller["municipalities"] if m["code"] != HADERSLEV]
    smaller["strategy"]["neighbours"] = [c for c in smaller["strategy"]["neighbours"] if c != HADERSLEV]
    with pytest.raises(settings.SettingsError, match="passer ikke til strategifilen: .*Ret dem på siden Indstillinger"):
        settings.in_force({"strategy": {"home": HADERSLEV, "neighbours": [AABENRAA]}}, smaller)


def test_the_migration_from_0002_to_0003_keeps_everything(tmp_path):
    """A store at revision 0002 (the schema-1 fixture brought to 0002 only) opens at 0003 with every import,
    row, scenario, profile, audit entry and its version as they were, and no settings."""
    shutil.copyfile(FIXTURES / "store-schema1.sqlite", tmp_path / "csr.sqlite")
    engine = db.sqlite_engine(tmp_path / "csr.sqlite", 30.0)
    with db.write(engine, 30.0) as con:
        db.upgrade(con, "0002")
    with sqlite3.connect(tmp_path / "csr.sqlite") as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0002"
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "settings" not in tables
        dump = {
            t: con.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in sorted(tables - {"alembic_version"})
        }
    with db.write(engine, 30.0) as con:
        db.upgrade(con, "0003")
    with sqlite3.connect(tmp_path / "csr.sqlite") as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0003"
        after = {t: con.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in dump}
        assert con.execute("SELECT COUNT(*) FROM settings").fetchone()[0] == 0
    assert after == dump and sum(len(rows) for rows in dump.values()) > 100
    store = Store(tmp_path)  # and on to the newest revision
    assert store.revision() == db.head()
    assert store.settings() is None and len(store.history()) == 5
    settings.save(store, {"strategy": {"home": HADERSLEV, "neighbours": [AABENRAA]}}, who="Aase")
    assert store.settings() is not None


# ---- the command line --------------------------------------------------------------------------------


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_command_line_imports_exports_and_shows_the_settings(tmp_path, capsys):
    data = str(tmp_path / "lager")
    wanted = tmp_path / "haderslev.toml"
    wanted.write_text(
        "[strategy]\nhome = 510\nneighbours = [580, 561]\nlast_year = 2026\n\n"
        '[[targets]]\nid = "csr_maerke"\nthresholds = [{ from = 2020, value = 10.0 }, { from = 2025, value = 12, name = "CSR-mærket (12 %)" }]\n',
        encoding="utf-8",
    )
    code, out, err = cli(capsys, "settings", "import", str(wanted), "--data-dir", data, "--who", "Aase")
    assert code == 0, err
    assert out.startswith("Indstillinger gemt: strategi «CSR-strategi 2021-2024» for Haderslev Kommune, hjemkommune")
    entries = Store(data).audit_entries()
    assert list(zip(entries["who"], entries["event"], strict=True)) == [("Aase", audit.SETTINGS)]

    code, out, _ = cli(capsys, "settings", "export", "--data-dir", data)
    assert code == 0
    exported = tomllib.loads(out)
    assert exported["strategy"] | {} == {
        "name": "CSR-strategi 2021-2024",
        "organisation": "Haderslev Kommune",
        "accessibility_statement": "",
        "home": 510,
        "neighbours": [580, 561],
        "first_year": 2021,
        "last_year": 2026,
    }
    maerke = next(t for t in exported["targets"] if t["id"] == "csr_maerke")
    assert maerke["thresholds"] == [
        {"from": 2020, "value": 10.0},
        {"from": 2025, "value": 12.0, "name": "CSR-mærket (12 %)"},
    ]

    # The export is accepted as it is, by another store: the same settings in force.
    (tmp_path / "ud.toml").write_text(out, encoding="utf-8")
    other = str(tmp_path / "andet")
    assert cli(capsys, "settings", "import", str(tmp_path / "ud.toml"), "--data-dir", other)[0] == 0
    assert settings.in_force(settings.stored(Store(other))) == settings.in_force(settings.stored(Store(data)))

    code, out, _ = cli(capsys, "settings", "show", "--data-dir", data)
    assert "Hjemkommune: Haderslev (510)\nOmegnskommuner: Aabenraa (580), Esbjerg (561)\n" in out
    assert "Strategiperiode: 2021-2026\n" in out and "Mål csr_maerke: fra 2020: 10 %; fra 2025: 12 %\n" in out
    assert "af Aase." in out

    code, out, _ = cli(capsys, "settings", "reset", "--data-dir", data)
    assert code == 0 and out == "Strategifilens indstillinger gælder igen.\n"
    assert "Hjemkommune: Aabenraa (580)" in cli(capsys, "settings", "show", "--data-dir", data)[1]


def test_the_command_line_refuses_invalid_settings_in_danish(tmp_path, capsys):
    data = str(tmp_path / "lager")
    bad = tmp_path / "bad.toml"
    bad.write_text("[strategy]\nhome = 510\nneighbours = [510, 580]\n", encoding="utf-8")
    code, out, err = cli(capsys, "settings", "import", str(bad), "--data-dir", data)
    assert code == 2 and out == ""
    assert err == (
        "Fejl: Nøglen 'strategy.neighbours' nævner hjemkommunen Haderslev (510); en kommune kan ikke være sin egen "
        "omegnskommune.\n"
    )
    bad.write_text("[headcount]\nname = 'x'\n", encoding="utf-8")
    assert "Nøglen 'headcount' kan ikke ændres" in cli(capsys, "settings", "import", str(bad), "--data-dir", data)[2]
    assert cli(capsys, "settings", "import", "--data-dir", data)[0] == 2
    assert Store(data).settings() is None


def test_report_follows_the_stored_settings_and_reading_files_creates_no_store(tmp_path, capsys, sample):
    data = tmp_path / "lager"
    code, out, err = cli(capsys, "report", *SAMPLE, "--year", "2024", "--json", "--data-dir", str(data))
    assert code == 0, err
    assert json.loads(out)["municipality"] == "Aabenraa" and not data.exists()
    settings.save(Store(data), {"strategy": {"home": HADERSLEV, "neighbours": [AABENRAA, ESBJERG]}}, who="Aase")
    code, out, err = cli(capsys, "report", *SAMPLE, "--year", "2024", "--json", "--data-dir", str(data))
    assert code == 0, err
    report = json.loads(out)
    (year,) = report["years"]
    rows = sample[1].years.set_index(["code", "year"])
    assert report["municipality"] == "Haderslev" and year["headcount"] == pytest.approx(4493.5)
    assert year["categories"]["uddannelse"] == pytest.approx(rows.loc[(HADERSLEV, 2024), "uddannelse"])
    # The stored data follow too: imported once, reported for the home in force.
    assert cli(capsys, "import", *SAMPLE, "--data-dir", str(data))[0] == 0
    code, out, err = cli(capsys, "report", "--year", "2024", "--data-dir", str(data))
    assert code == 0, err
    assert out.startswith("CSR-strategi 2021-2024 – Haderslev Kommune\n") and "4.493,5" in out


def test_a_new_homes_own_accessibility_statement_is_kept_and_checked_like_the_files():
    own = "https://www.was.digst.dk/haderslev-dk"
    moved = {"strategy": {"home": HADERSLEV, "neighbours": [AABENRAA], "accessibility_statement": own}}
    assert settings.config_with(raw(), moved).accessibility_statement == own
    same_home = {"strategy": {"accessibility_statement": "https://tilgaengelighed.aabenraa.dk"}}
    assert settings.config_with(raw(), same_home).accessibility_statement == "https://tilgaengelighed.aabenraa.dk"
    for bad in ("http://www.was.digst.dk/haderslev-dk", "https://x.dk/(javascript)", "www.was.digst.dk"):
        with pytest.raises(ConfigError, match="strategy.accessibility_statement"):
            settings.config_with(raw(), {"strategy": {"accessibility_statement": bad}})


def test_a_typed_percentage_is_read_as_the_importers_read_danish_numbers():
    assert [settings.parse_percent(t, "Tærsklen") for t in ("15", "2,5", " 2,5 % ", "12.5", "0", "100")] == [
        15.0, 2.5, 2.5, 12.5, 0.0, 100.0,
    ]  # fmt: skip
    for typed, reason in (("fem", "et tal som 15"), ("", "et tal som 15"), ("1,2,3", "et tal som 15"),
                          ("101", "en procent mellem 0 og 100"), ("-1", "en procent mellem 0 og 100"), ("nan", "et tal som 15")):  # fmt: skip
        with pytest.raises(ConfigError, match=f"^Tærsklen skal være {reason}"):
            settings.parse_percent(typed, "Tærsklen")
    assert settings.percent_text(12.5) == "12,5 %" and settings.percent_text(10.0) == "10 %"


# ---- one municipality of a shared host ---------------------------------------------------------------------


def test_a_municipality_of_a_shared_host_starts_from_the_file_with_itself_as_home():
    assert default_config().neighbours == tuple(FILE_NEIGHBOURS)
    assert settings.for_municipality({}, AABENRAA) == {}  # the file's own home: the file as it is
    overrides = settings.for_municipality({}, HADERSLEV)
    # The file's neighbours, with the file's home in Haderslev's place (the Indstillinger page says so).
    assert overrides == {"strategy": {"home": HADERSLEV, "neighbours": [561, AABENRAA, 621, 540, 550, 575]}}
    config = settings.in_force(overrides)
    assert (config.home_name, config.organisation, config.accessibility_statement) == (
        "Haderslev",
        "Haderslev Kommune",
        "",
    )
    assert [t.thresholds for t in config.targets] == [t.thresholds for t in default_config().targets]
    own = {"strategy": {"neighbours": [KOLDING]}, "targets": []}
    assert settings.for_municipality(own, KOLDING - 1)["strategy"] == {"neighbours": [KOLDING], "home": KOLDING - 1}
    with pytest.raises(settings.SettingsError, match="kommunekode 580 som hjemkommune, men tallene her er kommune 510"):
        settings.for_municipality({"strategy": {"home": AABENRAA}}, HADERSLEV)


def test_the_home_of_a_store_opened_for_one_municipality_cannot_be_changed(tmp_path):
    plain = Store(tmp_path)  # the quick start: the home is the settings' choice
    assert plain.fixed_home is None
    settings.save(plain, {"strategy": {"home": HADERSLEV, "neighbours": [AABENRAA]}}, who="Aase")
    settings.save(plain, {}, who="Aase")
    own = Store(tmp_path, tenant="Aabenraa")  # the command line's --municipality on the one municipality of SQLite
    assert own.fixed_home == AABENRAA
    with pytest.raises(settings.SettingsError, match=r"Hjemkommunen er Aabenraa \(580\), .* til Haderslev \(510\)"):
        settings.save(own, {"strategy": {"home": HADERSLEV, "neighbours": [AABENRAA]}}, who="Aase")
    assert settings.save(own, {"strategy": {"neighbours": [KOLDING]}}, who="Aase").neighbours == (KOLDING,)


def test_each_municipality_of_a_shared_host_keeps_its_own_settings(host):
    a, b = Store(host.app_url, tenant=AABENRAA), Store(host.app_url, tenant=HADERSLEV)
    assert settings.in_force(settings.stored(b)).home == HADERSLEV and settings.stored(a) == {}
    saved = settings.save(b, {"strategy": {"neighbours": [AABENRAA, KOLDING], "name": "Haderslevs strategi"}}, who="Bo")
    assert (saved.home, saved.neighbours, saved.name) == (HADERSLEV, (AABENRAA, KOLDING), "Haderslevs strategi")
    exported = settings.settings_of(settings.in_force(settings.stored(a)))  # Aabenraa's settings as a whole
    with pytest.raises(settings.SettingsError, match=r"Hjemkommunen er Haderslev \(510\)"):
        settings.save(b, exported, who="Bo")
    assert settings.stored(a) == {} and a.audit_entries().empty  # nothing of Haderslev's reached Aabenraa
    assert settings.in_force(settings.stored(b)).name == "Haderslevs strategi"
    assert list(b.audit_entries()["who"]) == ["Bo"]
