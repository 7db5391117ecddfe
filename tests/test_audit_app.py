"""The audit log through the app (AppTest, a faked logged-in user, a real store): what is recorded for a
login, page views, an import and a saved scenario, a role change, a refused action; that only administrators
reach the Log page, its filters and its table; that a download is recorded when the file is made."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from test_auth_app import AUTH, CSV, DATA_PAGE, HR, LAESER, PLAN_PAGE, PLANNER, ROLES, app, assert_clean, page_links

from csr import audit
from csr.store import Store
from ui import auth

LOG_PAGE = "app_pages/log.py"
ADMIN = {"is_logged_in": True, "sub": "aa", "name": "Aase Admin", "groups": ["csr-admin"]}

pytestmark = pytest.mark.slow


def logged(directory: Path) -> list[tuple[str, str, str, str]]:
    """(who, role, event, detail) of every entry, oldest first."""
    entries = Store(directory).audit_entries()
    return list(zip(entries["who"], entries["role"], entries["event"], entries["detail"], strict=True))


def test_a_login_page_views_and_an_import_are_recorded_with_who_role_and_address(store_dir):
    at = app(HR)
    at.run()
    at.switch_page(DATA_PAGE).run()
    at.file_uploader(key="upload").set_value([("afdeling.csv", CSV, "text/csv")]).run()
    if [c for c in at.checkbox if c.key == "accept_warnings"]:
        at.checkbox(key="accept_warnings").check().run()
    at.button(key="import_confirm").click().run()
    assert_clean(at)
    entries = logged(store_dir)
    assert [e[:3] for e in entries] == [
        ("Hanne Hansen", "hr", audit.LOGIN),
        ("Hanne Hansen", "hr", audit.PAGE_VIEW),
        ("Hanne Hansen", "hr", audit.PAGE_VIEW),
        ("Hanne Hansen", "hr", audit.IMPORT),  # written by the store, in the import's own transaction
    ]
    assert [e[3] for e in entries[:3]] == ["hr", "Overblik", "Data"]
    assert entries[3][3].startswith("Import nr. 1") and "afdeling.csv" in entries[3][3]
    # The store's own entry carries the role and the address too (the session's, as the others).
    addresses = set(Store(store_dir).audit_entries()["address"])
    assert len(addresses) == 1


def test_a_saved_scenario_is_recorded_once(store_dir):
    at = app(PLANNER)
    at.run()
    at.switch_page(PLAN_PAGE).run()
    at.text_input(key="plan_name").input("Flere elever").run()
    at.button(key="plan_save").click().run()
    assert_clean(at)
    saves = [e for e in logged(store_dir) if e[2] == audit.SCENARIO_SAVE]
    assert saves == [("Pia Plan", "planlægger", audit.SCENARIO_SAVE, "Scenariet 'Flere elever' er gemt.")]


def test_a_change_of_groups_between_two_logins_is_recorded_as_a_role_change(store_dir):
    first = app(LAESER)
    first.run()
    assert_clean(first)
    second = app({**LAESER, "groups": ["csr-laeser", "csr-hr"]})
    second.run()
    assert_clean(second)
    entries = [e for e in logged(store_dir) if e[2] in (audit.LOGIN, audit.ROLE_CHANGE)]
    assert entries == [
        ("Lars Læser", "læser", audit.LOGIN, "læser"),
        ("Lars Læser", "læser og hr", audit.ROLE_CHANGE, "læser → læser og hr"),
        ("Lars Læser", "læser og hr", audit.LOGIN, "læser og hr"),
    ]
    third = app({**LAESER, "groups": ["csr-laeser", "csr-hr"]})  # the same groups again: no change
    third.run()
    assert [e[2] for e in logged(store_dir)].count(audit.ROLE_CHANGE) == 1


def test_only_the_administrator_reaches_the_log_page(store_dir):
    for user in (LAESER, HR, PLANNER):
        at = app(user)
        at.run()
        assert "Log" not in page_links(at)
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(LOG_PAGE)
    at = app(ADMIN)
    at.run()
    assert page_links(at)[-2:] == ["Log", "Indstillinger"]
    at.switch_page(LOG_PAGE).run()
    assert_clean(at)
    assert at.title[0].value == "Log og roller"


def test_the_log_page_lists_filters_and_names_the_roles(store_dir):
    for user in (LAESER, HR):
        at = app(user)
        at.run()
        at.switch_page(PLAN_PAGE).run()
    at = app(ADMIN)
    at.run()
    at.switch_page(LOG_PAGE).run()
    assert_clean(at)
    table = at.dataframe[0].value
    assert list(table.columns) == ["Tidspunkt", "Bruger", "Rolle", "Hændelse", "Detaljer", "Adresse"]
    # Newest first: the administrator's own login and page views, then hr's and the læser's.
    assert list(table["Bruger"])[:3] == ["Aase Admin"] * 3
    assert list(table["Hændelse"]).count("Login") == 3
    assert (table["Detaljer"] == "Planlægning").sum() == 2
    at.selectbox(key="log_who").select("Lars Læser").run()
    assert_clean(at)
    table = at.dataframe[0].value
    assert set(table["Bruger"]) == {"Lars Læser"}
    assert list(table["Hændelse"]) == ["Sidevisning", "Sidevisning", "Login"]
    roles = at.table[0].value
    assert list(roles["Rolle"]) == ["læser", "hr", "planlægger", "administrator"]
    assert list(roles["Grupper"]) == ["csr-laeser", "csr-hr", "csr-planlaegger", "csr-admin"]
    assert roles["Må"].iloc[0] == "se tallene"
    users = at.dataframe[1].value
    assert list(users["Bruger"]) == ["Aase Admin", "Hanne Hansen", "Lars Læser"]
    assert list(users["Rolle nu"]) == ["administrator", "hr", "læser"]


def test_a_refused_action_is_recorded_with_what_was_refused(store_dir):
    at = AppTest.from_function(_forged_undo, args=(str(store_dir),), default_timeout=120)
    at.secrets["auth"] = AUTH
    at.secrets["roles"] = ROLES
    at.user = LAESER
    at.run()
    assert not at.exception
    assert logged(store_dir) == [("Lars Læser", "læser", audit.DENIED, "indlæse eller fortryde data")]


def _forged_undo(directory: str) -> None:
    import streamlit as st

    from csr.store import Store, StoreError
    from ui import actions

    try:
        actions.undo(Store(directory), 1, "Forfalsket")
    except StoreError as exc:
        st.error(str(exc))


def test_a_download_is_recorded_when_the_file_is_made_with_who_asked_for_the_button(store_dir, monkeypatch):
    monkeypatch.setattr(auth, "actor", lambda: auth.Actor(who="Hanne Hansen", role="hr", address="10.1.2.3"))
    made = auth.audited(lambda: b"filen", audit.EXPORT, "csr-hr-regnskab-2024.pdf")
    assert Store(store_dir).audit_entries().empty  # drawing the button records nothing
    monkeypatch.setattr(auth, "actor", lambda: auth.Actor(who="", role="", address=""))  # no session then
    assert made() == b"filen"
    entries = Store(store_dir).audit_entries()
    assert list(zip(entries["who"], entries["role"], entries["event"], entries["detail"], entries["address"])) == [
        ("Hanne Hansen", "hr", audit.EXPORT, "csr-hr-regnskab-2024.pdf", "10.1.2.3")
    ]


def _many_downloads(count: int) -> None:
    import streamlit as st

    from csr import audit as events
    from ui import auth

    for i in range(count):
        st.download_button(
            f"Hent {i}",
            data=auth.audited(lambda i=i: f"fil {i}".encode(), events.DATA_DOWNLOAD, f"fil {i}"),
            key=f"d{i}",
        )


def test_the_actor_is_computed_once_per_run_however_many_buttons_a_page_draws(store_dir, monkeypatch):
    computed: list[str] = []
    address = auth.client_address
    monkeypatch.setattr(auth, "client_address", lambda: computed.append("x") or address())  # once per actor
    at = AppTest.from_function(_many_downloads, args=(12,), default_timeout=120)
    at.run()
    assert len(at.get("download_button")) == 12 and not at.exception
    assert len(computed) == 1
    at.run()
    assert len(computed) == 2  # a new run computes it afresh (the user or their roles may have changed)
    # Outside a run (where the deferred downloads are made) nothing is kept: each call computes it.
    auth.actor()
    auth.actor()
    assert len(computed) == 4


def test_the_app_computes_the_actor_once_per_run_and_still_records_who_downloads(store_dir, monkeypatch):
    computed: list[str] = []
    address = auth.client_address
    monkeypatch.setattr(auth, "client_address", lambda: computed.append("x") or address())
    at = app(HR)
    at.run()  # the login, the page view and Overblik's download buttons
    assert_clean(at)
    assert len(computed) == 1 and len(at.get("download_button")) >= 2
    assert [e[2] for e in logged(store_dir)] == [audit.LOGIN, audit.PAGE_VIEW]
    at.run()
    assert len(computed) == 2
