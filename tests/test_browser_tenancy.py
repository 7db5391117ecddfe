"""Many municipalities logged in on one shared host, in a real browser: Debian's nginx in front of two app
processes (tests/nginx_support.py) over one PostgreSQL database as the app's role `csr_app`, under row-level
security (tests/tenancy_support.py), with login through a local OIDC provider (tests/oidc_support.py) whose
users carry the claim `kommunekode` that `[roles] municipality_claim` names.

The database holds the national data (all 98 municipalities, stored by the host administrator), Aabenraa's own
data with a saved scenario and a strategy name of its own, and Haderslev's own data and scenario
(tests/tenancy_browser_support.py). A Haderslev user sees Haderslev's figures, rank, import and scenario and
nothing of Aabenraa's; an Aabenraa user in another browser sees Aabenraa's; a user whose login names no
municipality sees one sentence and no figures. The figures expected are computed in plain Python from the rows
stored. One database, provider and deployment serve the whole module.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import oidc_support as oidc
import pytest
from browser_support import (
    BROWSER_MARKS,
    CHART,
    app_pages,
    assert_no_error,
    text_once_it_holds,
    wait_for_charts,
    wait_for_page,
)
from nginx_support import NGINX_MARKS, Cluster, cluster_with_login
from tenancy_browser_support import (
    AABENRAA,
    AABENRAA_SCENARIO,
    AABENRAA_STRATEGY,
    CONFIG,
    HADERSLEV,
    HADERSLEV_FILE,
    HADERSLEV_SCENARIO,
    SAMPLE_FILES,
    Loaded,
    load,
    national_rank,
    percent,
    target_share,
)

from csr.auth import Permission, Role, permissions_of
from csr.shares import comparison_groups
from ui.auth import NO_MUNICIPALITY

pytestmark = [*BROWSER_MARKS, *NGINX_MARKS]
pytest_plugins = ("postgres_support", "tenancy_support")
pytest.importorskip("playwright.sync_api")

YEAR = 2023  # a complete year of every part, every card's value away from its threshold
SHARE_TARGETS = ("samlet_min", "beskaeftigelse_min", "beredskab_min", "uddannelse_min")
CLAIM = "kommunekode"
USERS = [
    {"sub": "hans", "name": "Hans Haderslev", "groups": ["csr-hr"], CLAIM: "510"},
    {"sub": "anne", "name": "Anne Aabenraa", "groups": ["csr-hr"], CLAIM: "Aabenraa"},  # a name, not a code
    {"sub": "ulla", "name": "Ulla Udenkommune", "groups": ["csr-hr"]},
]


def write_secrets(path: Path, provider_url: str, app_url: str) -> Path:
    """oidc_support's secrets file with `[roles] municipality_claim`: a shared host of many municipalities."""
    oidc.write_secrets(path, provider_url, app_url)
    text = path.read_text(encoding="utf-8")
    assert text.count("[roles]\n") == 1
    path.write_text(text.replace("[roles]\n", f'[roles]\nmunicipality_claim = "{CLAIM}"\n'), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def stored(postgres_server) -> Iterator[tuple[str, Loaded]]:
    """The shared host's database with its three parts stored; (the app role's URL, what was stored)."""
    from tenancy_support import shared_host

    with shared_host(postgres_server) as host:
        yield host.app_url, load(host.owner_url, host.app_url)


@pytest.fixture(scope="module")
def deployment(stored, tmp_path_factory) -> Iterator[Cluster]:
    app_url, _ = stored
    folder = tmp_path_factory.mktemp("tenancy")
    with (
        oidc.provider(USERS, log_name="oidc_provider_tenancy.log") as provider_url,
        cluster_with_login(
            folder / "lager",
            lambda path, url: write_secrets(path, provider_url, url),
            log_name="nginx-tenancy",
            database_url=app_url,
        ) as cluster,
    ):
        yield cluster


@contextlib.contextmanager
def logged_in(browser, url: str, sub: str) -> Iterator:
    """A page of a browser context of its own, logged in as the user `sub` through nginx."""
    context = browser.new_context(viewport={"width": 1400, "height": 1600}, locale="da-DK")
    context.set_default_timeout(90_000)
    try:
        page = context.new_page()
        oidc.log_in(page, url, sub)
        yield page
    finally:
        context.close()


def hr_page_links() -> int:
    """How many page links the frame draws for a user with the role hr (the pages of app.py it may see)."""
    from app import PAGE_NEEDS

    hr = permissions_of(frozenset({Role.HR}))
    return sum(1 for *_, address in app_pages() if PAGE_NEEDS.get(address, Permission.VIEW) in hr)


def saved_scenarios(page) -> list[str]:
    """The names Planlægning's list of saved scenarios offers, read from its opened list. The list is a popover
    that closes when the page scrolls under it (the page's last charts settling), so it is opened again until it
    stays open."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    combobox = page.locator(".st-key-plan_saved [role=combobox]")
    combobox.scroll_into_view_if_needed()
    for _ in range(3):
        page.locator(".st-key-plan_saved button[aria-haspopup='listbox']").click()  # the list's own button
        try:
            page.get_by_role("option").first.wait_for(timeout=5_000)
            return page.get_by_role("option").all_inner_texts()
        except PlaywrightTimeout:
            continue
    raise AssertionError(
        f"the list of saved scenarios did not open; aria-expanded={combobox.get_attribute('aria-expanded')}"
    )


def expected_cards(loaded: Loaded, code: int) -> dict[str, str]:
    rows = loaded.in_force(code)
    return {t: percent(target_share(rows, code, YEAR, t)) for t in SHARE_TARGETS}


def shown_cards(page) -> dict[str, str]:
    """The share targets' card values on Overblik, once the cards are drawn."""
    page.locator(".csr-card .csr-value").first.wait_for()
    return {t: page.locator(f'.csr-card[data-target="{t}"] .csr-value').inner_text() for t in SHARE_TARGETS}


def open_overblik(page, url: str, organisation: str) -> None:
    page.goto(f"{url}/?år={YEAR}")
    wait_for_charts(page, 1)
    page.wait_for_function("(t) => document.title === t", arg=f"CSR-tal · {organisation}")  # set once settings are read
    assert_no_error(page)


def test_haderslev_sees_its_own_figures_rank_import_and_scenario_and_nothing_of_aabenraa(deployment, browser, stored):
    _, loaded = stored
    url = deployment.nginx.url
    cards = expected_cards(loaded, HADERSLEV)
    assert cards != expected_cards(loaded, AABENRAA)  # the two municipalities' own figures differ, card for card
    with logged_in(browser, url, "hans") as page:
        open_overblik(page, url, "Haderslev Kommune")
        assert page.locator(".st-key-eksempeldata").count() == 0  # the stored figures, not the sample's
        assert shown_cards(page) == cards
        assert page.get_by_text(f"{CONFIG.name} · Haderslev Kommune", exact=True).count() == 1  # the frame's caption
        assert AABENRAA_STRATEGY not in page.content() and AABENRAA_STRATEGY not in page.title()

        # Landet: Haderslev's rank among all 98, per comparison category.
        page.goto(f"{url}/landet?år={YEAR}")
        wait_for_charts(page, len(comparison_groups(CONFIG)) + 1)
        assert_no_error(page)
        sentences = [s for s in page.locator("strong").all_inner_texts() if " er nr. " in s]
        ranks = [national_rank(loaded.in_force(HADERSLEV), HADERSLEV, YEAR, g) for g in comparison_groups(CONFIG)]
        assert [of for _, of in ranks] == [98] * len(ranks)
        assert len(sentences) == len(ranks)
        for sentence, (rank, of) in zip(sentences, ranks, strict=True):
            assert sentence.startswith(f"Haderslev er nr. {rank} af {of} kommuner i "), sentence
        assert AABENRAA_STRATEGY not in page.content() and AABENRAA_STRATEGY not in page.title()

        # Data: Haderslev's one import, none of Aabenraa's files.
        page.goto(f"{url}/data")
        history = text_once_it_holds(page, ".st-key-batch_1", "Import nr. 1")
        assert HADERSLEV_FILE in history and "Hans Haderslev" in history
        assert page.locator('[class*="st-key-batch_"]').count() == 1
        content = page.content()
        assert not [p.name for p in SAMPLE_FILES if p.name in content]
        assert "Anne Aabenraa" not in content

        # Planlægning: Haderslev's scenario only.
        page.goto(f"{url}/planlaegning?år={YEAR}")
        wait_for_page(page, hr_page_links())  # the run finished: the list is not drawn again under the click
        assert saved_scenarios(page) == [HADERSLEV_SCENARIO]
        page.keyboard.press("Escape")
        assert_no_error(page)
        assert AABENRAA_SCENARIO not in page.content()
        assert AABENRAA_STRATEGY not in page.content() and AABENRAA_STRATEGY not in page.title()


def test_aabenraa_in_another_browser_sees_its_own_strategy_and_figures_beside_haderslev(deployment, browser, stored):
    _, loaded = stored
    url = deployment.nginx.url
    with logged_in(browser, url, "hans") as haderslev, logged_in(browser, url, "anne") as aabenraa:
        open_overblik(haderslev, url, "Haderslev Kommune")
        open_overblik(aabenraa, url, "Aabenraa Kommune")
        assert shown_cards(aabenraa) == expected_cards(loaded, AABENRAA)
        assert aabenraa.get_by_text(f"{AABENRAA_STRATEGY} · Aabenraa Kommune", exact=True).count() == 1
        aabenraa.goto(f"{url}/landet?år={YEAR}")
        wait_for_charts(aabenraa, len(comparison_groups(CONFIG)) + 1)
        sentences = [s for s in aabenraa.locator("strong").all_inner_texts() if " er nr. " in s]
        for sentence, group in zip(sentences, comparison_groups(CONFIG), strict=True):
            rank, of = national_rank(loaded.in_force(AABENRAA), AABENRAA, YEAR, group)
            assert sentence.startswith(f"Aabenraa er nr. {rank} af {of} kommuner i "), sentence
        # Haderslev's session, run again after Aabenraa's: still Haderslev's own.
        haderslev.reload()
        wait_for_charts(haderslev, 1)
        assert shown_cards(haderslev) == expected_cards(loaded, HADERSLEV)
        assert AABENRAA_STRATEGY not in haderslev.content()


def test_a_login_without_a_municipality_gets_one_sentence_and_no_figures(deployment, browser):
    url = deployment.nginx.url
    with logged_in(browser, url, "ulla") as page:
        for address in ("/", f"/landet?år={YEAR}", "/data"):
            page.goto(f"{url}{address}")
            page.get_by_text(NO_MUNICIPALITY).wait_for()
            page.get_by_role("button", name="Log ud").wait_for()
            assert page.locator(".csr-card").count() == 0
            assert page.locator(CHART).count() == 0
            assert page.locator('[data-testid="stPageLink"]').count() == 0
            assert page.locator("h1").all_inner_texts() == ["CSR-tal"]
            content = page.content()
            assert "Haderslev" not in content and "Aabenraa" not in content
