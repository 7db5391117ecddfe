"""Login in a real browser: a local OIDC provider (oidc-provider-mock) with users in groups, the app with its
own secrets file. hr sees the Data page's uploader; a læser in a fresh context sees no Data page and no
uploader, also at the Data page's address; a user in no group gets the one sentence and no figures."""

from __future__ import annotations

import pytest
from browser_support import BROWSER_MARKS, CHART, PAGE_LINKS, axe_violations, chromium, open_page
from oidc_support import log_in, serve_with_login

pytestmark = BROWSER_MARKS

USERS = [
    {"sub": "hanne", "name": "Hanne Hansen", "email": "hanne@kommune.dk", "groups": ["alle-ansatte", "csr-hr"]},
    {"sub": "lars", "name": "Lars Læser", "groups": ["csr-laeser"]},
    {"sub": "niels", "name": "Niels Nul", "groups": ["alle-ansatte"]},
]
UPLOADER = '[data-testid="stFileUploader"]'


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    with serve_with_login(USERS, tmp_path_factory.mktemp("login")) as (url, _data_dir):
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def links(page) -> list[str]:
    return [t.strip().split()[-1] for t in page.locator(PAGE_LINKS).all_inner_texts()]


def test_before_login_only_the_login_button(app_url, browser):
    with open_page(browser, height=900) as page:
        page.goto(app_url)
        page.get_by_role("button", name="Log ind").wait_for()
        assert page.get_by_text("Log ind med din arbejdskonto for at se kommunens CSR-tal.").is_visible()
        assert page.locator(CHART).count() == 0 and page.locator(UPLOADER).count() == 0
        assert page.locator(PAGE_LINKS).count() == 0
        assert axe_violations(page) == []
        page.goto(f"{app_url}/data")  # the Data page's address shows the same login page
        page.get_by_role("button", name="Log ind").wait_for()
        assert page.locator(UPLOADER).count() == 0


def test_hr_logs_in_and_sees_the_data_pages_uploader(app_url, browser):
    with open_page(browser, height=900) as page:
        log_in(page, app_url, "hanne")
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert sidebar.get_by_text("Hanne Hansen").is_visible()
        assert sidebar.get_by_text("Rolle: hr").is_visible()
        assert axe_violations(page) == []  # the name, the role and "Log ud" in the sidebar
        page.locator(CHART).first.wait_for()
        page.locator(PAGE_LINKS).nth(7).wait_for()
        assert links(page) == [
            "Overblik",
            "Udvikling",
            "Omegnskommuner",
            "Landet",
            "Praktikpladser",
            "Planlægning",
            "Rapport",
            "Data",
        ]
        page.locator(PAGE_LINKS).filter(has_text="Data").click()
        page.locator(UPLOADER).wait_for()
        assert page.get_by_role("heading", name="Data", exact=True).is_visible()
        assert page.locator(".st-key-import_who").count() == 0  # the history takes the name from the login


def test_laeser_in_a_fresh_context_sees_no_data_page_and_no_uploader(app_url, browser):
    with open_page(browser, height=900) as page:
        log_in(page, app_url, "lars")
        page.locator(CHART).first.wait_for()
        page.locator(PAGE_LINKS).nth(5).wait_for()
        assert links(page) == ["Overblik", "Udvikling", "Omegnskommuner", "Landet", "Praktikpladser", "Planlægning"]
        assert page.locator('[data-testid="stSidebar"]').get_by_text("Rolle: læser").is_visible()
        assert page.locator(UPLOADER).count() == 0
        page.goto(f"{app_url}/data")  # typed by hand: the page is not there for a læser
        page.locator(CHART).first.wait_for()
        assert page.locator(UPLOADER).count() == 0
        assert page.get_by_role("heading", name="Data", exact=True).count() == 0


def test_a_user_in_no_group_gets_one_sentence_and_no_figures(app_url, browser):
    with open_page(browser, height=900) as page:
        log_in(page, app_url, "niels")
        page.get_by_text("ingen af dine grupper giver adgang til CSR-tallene").wait_for()
        assert page.locator(CHART).count() == 0 and page.locator(UPLOADER).count() == 0
        assert page.locator('[data-testid="stMetric"]').count() == 0
        assert page.locator(PAGE_LINKS).count() == 0
        page.get_by_role("button", name="Log ud").click()
        page.get_by_role("button", name="End session").click()  # the provider's own logout page
        page.get_by_role("button", name="Log ind").wait_for()
        assert page.get_by_text("ingen af dine grupper").count() == 0
