"""Login and roles through AppTest from the entrypoint: a faked `st.user` (`AppTest.user`) and `[auth]` and
`[roles]` in `AppTest.secrets`. What each role sees, that the server refuses a forged action, the user's name
in the history, the local mode's loopback rule, and the audit hook."""

from __future__ import annotations

from pathlib import Path

import pytest
from card_support import cards_of
from markdown_support import seen
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from csr.auth import Permission
from csr.store import Store

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
DATA_PAGE = "app_pages/data.py"
PLAN_PAGE = "app_pages/planlaegning.py"
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "en lang og tilfældig hemmelighed til testen",
    "client_id": "csr-dashboard",
    "client_secret": "hemmelig",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
ROLES = {
    "claim": "groups",
    "laeser": ["csr-laeser"],
    "hr": ["csr-hr"],
    "planlaegger": ["csr-planlaegger"],
    "administrator": ["csr-admin"],
}
HR = {"is_logged_in": True, "sub": "hh", "name": "Hanne Hansen", "email": "hh@kommune.dk", "groups": ["csr-hr"]}
LAESER = {"is_logged_in": True, "sub": "ll", "name": "Lars Læser", "groups": ["csr-laeser"]}
PLANNER = {"is_logged_in": True, "sub": "pp", "name": "Pia Plan", "groups": "csr-planlaegger"}
NOBODY = {"is_logged_in": True, "sub": "nn", "name": "Niels Nul", "groups": ["alle-ansatte"]}
CSV = "Kommune;Måned;Ordning;Antal\nAabenraa;2019-02;Fleksjob;12\nAabenraa;2019-05;Fleksjob;13\n".encode()
FIGURE_PAGES = ["Overblik", "Udvikling", "Omegnskommuner", "Landet", "Praktikpladser", "Planlægning"]


def app(user: dict | None, roles: dict | None = None) -> AppTest:
    """The app with login set up and `user` logged in (None: local mode, no secrets)."""
    at = AppTest.from_file(APP, default_timeout=180)
    if user is not None:
        at.secrets["auth"] = AUTH
        at.secrets["roles"] = roles or ROLES
        at.user = user
    return at


def page_links(at: AppTest) -> list[str]:
    """The page links the frame draws (every page st.navigation was given)."""
    return [link.proto.label for link in at.get("page_link")]


def assert_not_navigable(at: AppTest, page: str) -> None:
    """st.navigation was not given the page: AppTest cannot switch to it, as a browser cannot open it."""
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(page)


def sidebar_text(at: AppTest) -> str:
    return "\n".join([m.value for m in at.sidebar.markdown] + [c.value for c in at.sidebar.caption])


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


# ---- before login and without a role -----------------------------------------------------------------


def test_before_login_there_is_only_the_login_button(store_dir):
    at = app({"is_logged_in": False})
    at.run()
    assert_clean(at)
    assert [b.label for b in at.button] == ["Log ind"]
    assert [m.value for m in at.markdown] == ["Log ind med din arbejdskonto for at se kommunens CSR-tal."]
    assert not at.get("vega_lite_chart") and not cards_of(at) and not at.dataframe
    assert not at.get("file_uploader") and not at.selectbox
    assert "Lokal tilstand" not in sidebar_text(at)


def test_a_user_in_none_of_the_groups_gets_one_sentence_and_no_data(store_dir):
    at = app(NOBODY)
    at.run()
    assert_clean(at)
    assert [m.value for m in at.markdown] == [
        "Du er logget ind, men ingen af dine grupper giver adgang til CSR-tallene; bed kommunens administrator om "
        "en rolle."
    ]
    assert [b.label for b in at.button] == ["Log ud"]
    assert not at.get("vega_lite_chart") and not cards_of(at) and not at.dataframe and not at.get("file_uploader")


def test_broken_roles_are_shown_in_danish_and_nothing_else(store_dir):
    at = app(HR, roles={**ROLES, "admin": ["csr-admin"]})
    at.run()
    assert not at.exception
    assert [seen(e.value) for e in at.error] == [
        "[roles] har en ukendt rolle: 'admin'. Rollerne hedder administrator, hr, laeser og planlaegger."
    ]
    assert not at.get("vega_lite_chart") and not at.button


# ---- what each role sees ---------------------------------------------------------------------------------


def test_laeser_sees_the_figures_pages_and_no_data_or_report_page(store_dir):
    at = app(LAESER)
    at.run()
    assert_clean(at)
    assert len(at.get("vega_lite_chart")) == 1  # Overblik's chart
    assert len(cards_of(at)) == 8  # and its eight target cards (what the tests before login find none of)
    assert page_links(at) == FIGURE_PAGES
    assert_not_navigable(at, DATA_PAGE)
    assert_not_navigable(at, "app_pages/rapport.py")
    text = sidebar_text(at)
    assert "**Lars Læser**  \nRolle: læser" in text and "Lokal tilstand uden login" not in text
    assert [b.label for b in at.sidebar.button] == ["Log ud"]
    at.switch_page(PLAN_PAGE).run()
    assert_clean(at)
    keys = {b.key for b in at.button}
    assert not {"plan_save", "plan_delete"} & keys  # saving and deleting are never drawn
    assert not [t for t in at.text_input if t.key == "plan_name"]


def test_hr_sees_the_data_page_with_the_uploader_and_no_name_field(store_dir):
    at = app(HR)
    at.run()
    assert page_links(at) == [*FIGURE_PAGES, "Rapport", "Data"]
    at.switch_page(DATA_PAGE).run()
    assert_clean(at)
    assert len(at.get("file_uploader")) == 1
    at.file_uploader(key="upload").set_value([("afdeling.csv", CSV, "text/csv")]).run()
    assert_clean(at)
    assert not [t for t in at.text_input if t.key == "import_who"]  # the name comes from the login
    if [c for c in at.checkbox if c.key == "accept_warnings"]:
        at.checkbox(key="accept_warnings").check().run()
    at.button(key="import_confirm").click().run()
    assert not at.exception
    history = Store(store_dir).history()
    assert history["who"].tolist() == ["Hanne Hansen"]
    assert "Hanne Hansen" in "\n".join(m.value for m in at.markdown)
    assert {"download_dataset", "download_history"} <= {b.key for b in at.download_button}
    at.switch_page(PLAN_PAGE).run()
    assert not {"plan_save", "plan_delete"} & {b.key for b in at.button}  # hr is not planlægger


def test_planlaegger_saves_a_scenario_under_the_login_name(store_dir):
    at = app(PLANNER)
    at.run()
    assert page_links(at) == FIGURE_PAGES
    at.switch_page(PLAN_PAGE).run()
    assert_clean(at)
    at.text_input(key="plan_name").input("Flere elever").run()
    at.button(key="plan_save").click().run()
    assert not at.exception
    assert "Scenariet «Flere elever» er gemt." in [seen(s.value) for s in at.success]
    saved = Store(store_dir).scenarios()
    assert saved["name"].tolist() == ["Flere elever"] and saved["who"].tolist() == ["Pia Plan"]
    assert {"plan_save", "plan_delete", "plan_load"} <= {b.key for b in at.button}


def test_local_mode_runs_as_before_with_the_free_text_name(store_dir):
    at = app(None)
    at.run()
    assert_clean(at)
    assert "Lokal tilstand uden login" in sidebar_text(at)
    assert not [b for b in at.button if b.label in ("Log ind", "Log ud")]
    assert page_links(at) == [*FIGURE_PAGES, "Rapport", "Data", "Log", "Indstillinger"]
    at.switch_page(DATA_PAGE).run()
    assert [t.label for t in at.text_input if t.key == "import_who"] == []  # drawn only once files are chosen
    at.file_uploader(key="upload").set_value([("afdeling.csv", CSV, "text/csv")]).run()
    at.text_input(key="import_who").input("HR-kontoret").run()
    if [c for c in at.checkbox if c.key == "accept_warnings"]:
        at.checkbox(key="accept_warnings").check().run()
    at.button(key="import_confirm").click().run()
    assert Store(store_dir).history()["who"].tolist() == ["HR-kontoret"]


# ---- the server refuses a forged action --------------------------------------------------------------------


def _forged(action: str, directory: str) -> None:
    """A script that calls a guarded action directly, as a request for a button never drawn would."""
    import streamlit as st

    from csr.importers import import_uploads
    from csr.store import Store, StoreError
    from ui import actions

    store = Store(directory)
    files = [("afdeling.csv", "Kommune;Måned;Ordning;Antal\nAabenraa;2019-02;Fleksjob;12\n".encode())]
    try:
        if action == "import":
            from csr.config import default_config

            actions.add_batch(store, files, import_uploads(files, default_config()), "Forfalsket")
        elif action == "undo":
            actions.undo(store, 1, "Forfalsket")
        elif action == "save_scenario":
            actions.save_scenario(store, "Forfalsket", {"year": 2019})
        elif action == "delete_scenario":
            actions.delete_scenario(store, "Gemt")
        st.success("udført")
    except StoreError as exc:
        st.error(str(exc))


def forged(user: dict, action: str, directory: Path) -> AppTest:
    at = AppTest.from_function(_forged, args=(action, str(directory)), default_timeout=120)
    at.secrets["auth"] = AUTH
    at.secrets["roles"] = ROLES
    at.user = user
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _stored(directory: Path) -> Store:
    from csr.config import default_config
    from csr.importers import import_uploads

    store = Store(directory)
    files = [("afdeling.csv", CSV)]
    store.add_batch(files, import_uploads(files, default_config()), who="Hanne Hansen")
    store.save_scenario("Gemt", {"year": 2019})
    return store


def test_a_forged_import_or_undo_by_a_laeser_does_nothing(store_dir):
    store = _stored(store_dir)
    for action in ("import", "undo"):
        at = forged(LAESER, action, store_dir)
        assert [e.value for e in at.error] == [Permission.IMPORT.refusal]
        assert not at.success
    history = store.history()
    assert len(history) == 1 and history["status"].tolist() == ["aktiv"]
    at = forged(HR, "undo", store_dir)  # the same call by hr is carried out
    assert [s.value for s in at.success] == ["udført"]
    assert store.history()["status"].tolist() != ["aktiv"]
    assert store.is_empty()


def test_a_forged_scenario_save_or_delete_by_laeser_or_hr_does_nothing(store_dir):
    store = _stored(store_dir)
    for user in (LAESER, HR):
        for action in ("save_scenario", "delete_scenario"):
            at = forged(user, action, store_dir)
            assert [e.value for e in at.error] == [Permission.SAVE_SCENARIO.refusal]
    assert store.scenarios()["name"].tolist() == ["Gemt"]
    assert [s.value for s in forged(PLANNER, "delete_scenario", store_dir).success] == ["udført"]
    assert store.scenarios().empty


# ---- local mode: only on loopback --------------------------------------------------------------------


@pytest.fixture
def address():
    """Set server.address for the test (AppTest runs in this process), then put it back."""
    before = st_config.get_option("server.address")
    yield lambda value: st_config.set_option("server.address", value)
    st_config.set_option("server.address", before)


@pytest.mark.parametrize("value", ["0.0.0.0", None, "192.168.1.20"])
def test_local_mode_refuses_other_addresses_than_loopback(store_dir, address, value, caplog):
    address(value)
    at = app(None)
    at.run()
    assert not at.exception
    assert len(at.error) == 1
    sentence = at.error[0].value
    assert sentence.startswith("Appen kører uden login (der er ingen [auth] i secrets.toml) og er sat til at lytte på")
    assert "CSR_ALLOW_ANONYMOUS=1" in sentence and "--server.address 127.0.0.1" in sentence
    assert not at.get("vega_lite_chart") and not cards_of(at) and not at.button and not at.selectbox
    assert any("svarer appen kun på en loopback-adresse" in r.getMessage() for r in caplog.records)


def test_anonymous_access_can_be_allowed_and_login_needs_no_loopback(store_dir, address, monkeypatch):
    address("0.0.0.0")
    monkeypatch.setenv("CSR_ALLOW_ANONYMOUS", "1")
    at = app(None)
    at.run()
    assert_clean(at)
    assert len(at.get("vega_lite_chart")) == 1
    monkeypatch.delenv("CSR_ALLOW_ANONYMOUS")
    at = app(LAESER)  # with login the address is the deployment's business
    at.run()
    assert_clean(at)
    assert len(at.get("vega_lite_chart")) == 1


# ---- the audit hook ----------------------------------------------------------------------------------------


def test_login_and_page_views_reach_the_stores_audit_log_when_it_has_one(store_dir, monkeypatch):
    events: list[dict] = []
    monkeypatch.setattr(Store, "record_event", lambda self, **kw: events.append(kw), raising=False)
    at = app(HR)
    at.run()
    at.selectbox(key="year").select(2019).run()  # a rerun on the same page is no new page view
    at.switch_page(DATA_PAGE).run()
    assert_clean(at)
    assert [(e["event"], e["detail"]) for e in events] == [
        ("login", "hr"),
        ("page_view", "Overblik"),
        ("page_view", "Data"),
    ]
    assert {e["who"] for e in events} == {"Hanne Hansen"} and {e["role"] for e in events} == {"hr"}
    assert all(isinstance(e["address"], str) for e in events)


def test_a_refused_action_is_audited(store_dir, monkeypatch):
    _stored(store_dir)
    events: list[dict] = []
    monkeypatch.setattr(Store, "record_event", lambda self, **kw: events.append(kw), raising=False)
    forged(LAESER, "undo", store_dir)
    assert [(e["who"], e["event"], e["detail"], e["role"]) for e in events] == [
        ("Lars Læser", "denied", "indlæse eller fortryde data", "læser")
    ]
