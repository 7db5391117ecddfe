"""The page Indstillinger through the app (AppTest, a faked logged-in user, a real store): only administrators
reach it; a saved home and neighbours change Overblik's figures; an invalid choice is refused in Danish and
nothing is stored; the save is in the audit log with who; TOML out and in; back to the strategy file."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from markdown_support import seen
from streamlit.testing.v1 import AppTest
from test_audit_app import ADMIN
from test_auth_app import HR, LAESER, app, assert_clean, assert_not_navigable, page_links

from csr import audit, settings
from csr.config import default_config
from csr.importers import import_uploads, read_uploads
from csr.shares import compute
from csr.store import Store

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = sorted(str(p) for p in (ROOT / "sample_data").glob("*.*"))
PAGE = "app_pages/indstillinger.py"
OVERBLIK = "app_pages/overblik.py"
SUBMIT = "FormSubmitter:settings_form-Gem indstillingerne"

pytestmark = pytest.mark.slow


def settings_page(user: dict = ADMIN) -> AppTest:
    at = app(user)
    at.run()
    at.switch_page(PAGE).run()
    assert_clean(at)
    return at


def texts(at: AppTest) -> str:
    """The Markdown bodies as a reader sees them (names are escaped on the page)."""
    return "\n".join(seen(m.value) for m in at.markdown)


def haderslev_2024_share() -> str:
    """Haderslev's share of employees in the CSR mark's schemes in 2024, as Overblik states it, computed here from
    the sample files with the strategy file's rules and Haderslev as home."""
    config = settings.config_with(settings.default_raw()[0], {"strategy": {"home": 510, "neighbours": [580, 561]}})
    result = import_uploads(read_uploads(SAMPLE), config)
    figures = compute(result.data, result.placements, config)
    value = figures.target(2024, "csr_maerke").value
    assert value is not None
    return f"{value:.1f}".replace(".", ",") + " %"


def test_only_administrators_see_the_page(store_dir):
    at = app(ADMIN)
    at.run()
    assert "Indstillinger" in page_links(at)
    for user in (LAESER, HR):
        other = app(user)
        other.run()
        assert "Indstillinger" not in page_links(other)
        assert_not_navigable(other, PAGE)


def test_the_page_has_its_headings_and_the_settings_in_force(store_dir):
    at = settings_page()
    assert [t.value for t in at.title] == ["Indstillinger"]
    assert [h.value for h in at.header] == [
        "Strategi",
        "Hjemkommune og omegnskommuner",
        "Strategiperiode",
        "Mål og tærskler",
        "Hent og indlæs",
        "Strategifilens indstillinger",
    ]
    assert at.selectbox(key="settings_home").value == 580
    assert at.multiselect(key="settings_neighbours").value == [561, 510, 621, 540, 550, 575]
    assert at.number_input(key="settings_first_year").value == 2021
    assert at.text_input(key="settings_samlet_min_1_value").value == "15"


def test_a_saved_home_changes_overbliks_figures_and_is_in_the_log(store_dir):
    at = settings_page()
    overblik_before = app(ADMIN)
    overblik_before.run()
    assert "Aabenraa Kommune opfylder kravet til CSR-mærket i 2024" in texts(overblik_before)

    at.selectbox(key="settings_home").set_value(510)
    at.multiselect(key="settings_neighbours").set_value([580, 561])
    at.button(key=SUBMIT).click().run()
    assert_clean(at)
    assert at.success and "Hjemkommunen er nu Haderslev, med 2 omegnskommuner" in at.success[0].value
    assert at.selectbox(key="settings_home").value == 510  # the form shows what is in force now

    at.switch_page(OVERBLIK).run()
    assert_clean(at)
    share = haderslev_2024_share()
    assert f"Haderslev Kommune opfylder kravet til CSR-mærket i 2024: {share} af de ansatte" in texts(at)
    assert "Aabenraa Kommune opfylder" not in texts(at)
    # Another session (another process would be the same: the store's version moved on) sees it too.
    other = app(LAESER)
    other.run()
    assert f"Haderslev Kommune opfylder kravet til CSR-mærket i 2024: {share}" in texts(other)

    entries = Store(store_dir).audit_entries(event=audit.SETTINGS)
    assert list(entries["who"]) == ["Aase Admin"] and list(entries["role"]) == ["administrator"]
    assert entries["detail"].iloc[0].endswith("hjemkommune Haderslev (510), omegnskommuner Aabenraa, Esbjerg.")


def test_an_invalid_choice_is_refused_in_danish_and_nothing_is_stored(store_dir):
    at = settings_page()
    at.selectbox(key="settings_home").set_value(510)
    at.multiselect(key="settings_neighbours").set_value([510, 580])
    at.button(key=SUBMIT).click().run()
    assert [e.value for e in at.error] == [
        "Indstillingerne er ikke gemt\\: Nøglen 'strategy\\.neighbours' nævner hjemkommunen Haderslev \\(510\\); en "
        "kommune kan ikke være sin egen omegnskommune\\."
    ]
    at.multiselect(key="settings_neighbours").set_value([580])
    at.text_input(key="settings_csr_maerke_0_value").input("ti")
    at.button(key=SUBMIT).click().run()
    assert "skal være et tal som 15 eller 2,5, ikke «ti»" in at.error[0].value
    assert Store(store_dir).settings() is None and Store(store_dir).audit_entries(event=audit.SETTINGS).empty


def test_a_new_threshold_and_period_are_saved(store_dir):
    at = settings_page()
    at.number_input(key="settings_last_year").set_value(2026)
    at.number_input(key="settings_csr_maerke_1_from").set_value(2025)
    at.text_input(key="settings_csr_maerke_1_value").input("12,5")
    at.text_input(key="settings_csr_maerke_1_name").input("CSR-mærket (mindst {threshold})")
    at.button(key=SUBMIT).click().run()
    assert_clean(at)
    config = settings.in_force(settings.stored(Store(store_dir)))
    target = config.target("csr_maerke")
    assert [(t.from_year, t.value) for t in target.thresholds] == [(2020, 10.0), (2025, 12.5)]
    assert target.name_in(2025) == "CSR-mærket (mindst 12,5 %)" and config.last_year == 2026
    assert at.text_input(key="settings_csr_maerke_1_value").value == "12,5"


def test_the_settings_go_out_as_toml_and_come_back_in_and_the_file_can_rule_again(store_dir):
    at = settings_page()
    (download,) = [d for d in at.get("download_button") if d.proto.label == "Hent indstillingerne (.toml)"]
    exported = settings.to_toml(settings.settings_of(default_config()))
    assert tomllib.loads(exported)["strategy"]["home"] == 580
    changed = exported.replace("home = 580", "home = 510").replace("neighbours = [561, 510,", "neighbours = [561, 580,")
    at.file_uploader(key="settings_upload").set_value([("haderslev.toml", changed.encode(), "application/toml")]).run()
    at.button(key="settings_import").click().run()
    assert_clean(at)
    assert "Indstillingerne fra haderslev\\.toml er gemt" in at.success[0].value
    assert settings.in_force(settings.stored(Store(store_dir))).home_name == "Haderslev"

    at.button(key="settings_reset").click().run()
    assert_clean(at)
    assert settings.in_force(settings.stored(Store(store_dir))) == default_config()
    assert at.selectbox(key="settings_home").value == 580


def test_in_local_mode_the_page_is_there_and_the_typed_name_is_recorded(store_dir):
    at = app(None)
    at.run()
    assert "Indstillinger" in page_links(at)
    at.switch_page(PAGE).run()
    at.selectbox(key="settings_home").set_value(510)
    at.multiselect(key="settings_neighbours").set_value([580])
    at.text_input(key="settings_who").input("HR-kontoret")
    at.button(key=SUBMIT).click().run()
    assert_clean(at)
    entries = Store(store_dir).audit_entries(event=audit.SETTINGS)
    assert list(entries["who"]) == ["HR-kontoret"]


def test_stored_settings_that_no_longer_fit_stop_the_figures_but_not_the_settings_page(store_dir):
    # Saved once over a strategy file that had the target; the file in force has no target of that id.
    Store(store_dir).save_settings({"targets": [{"id": "fjernet_maal", "thresholds": []}]}, who="Aase")
    at = app(ADMIN)
    at.run()
    assert at.error and "De gemte indstillinger passer ikke til strategifilen" in at.error[0].value
    assert "Indstillinger" in at.error[0].value
    at.switch_page(PAGE).run()
    assert not at.exception
    assert "passer ikke til strategifilen" in at.error[0].value
    assert at.selectbox(key="settings_home").value == 580  # the strategy file's, to start from
    at.button(key="settings_reset").click().run()
    assert_clean(at)
    at.switch_page(OVERBLIK).run()
    assert_clean(at)
    assert "Aabenraa Kommune opfylder kravet til CSR-mærket i 2024" in texts(at)


PREVIEW_SCRIPT = """
import streamlit as st
from ui import data
person_list = "CPR-nummer;Ordning;Fra;Til\\r\\n020585-xxxx;STU;01-08-2021;31-07-2022\\r\\n".encode()
result = data.imported([("stu.csv", person_list)])
st.text("STU: " + ",".join(str(c) for c in sorted(set(result.data["code"]))))
"""


def test_a_preview_cached_before_another_process_saved_settings_books_the_new_home(store_dir):
    """The Data page's preview is cached on the files. Settings saved elsewhere (another process: this one's
    caches are not cleared) must still change it at the next rerun: a person list is the home's own."""
    at = AppTest.from_string(PREVIEW_SCRIPT, default_timeout=120)
    at.run()
    assert [t.value for t in at.text] == ["STU: 580"]
    settings.save(Store(store_dir), {"strategy": {"home": 510, "neighbours": [580, 561]}}, who="en anden proces")
    at.run()
    assert [t.value for t in at.text] == ["STU: 510"]


def test_names_from_an_uploaded_settings_file_are_text_on_every_page(store_dir):
    """A settings file is a file: the strategy's name, the organisation and a threshold's name it brings are
    shown as text on every page, never as Markdown (an image would make the browser fetch its address)."""
    from test_markdown_escape import EVIL, assert_no_markup

    evil = {
        "strategy": {"name": f"Strategi {EVIL}", "organisation": f"Kommune {EVIL}"},
        "targets": [
            {"id": "csr_maerke", "thresholds": [{"from": 2020, "value": 10.0, "name": f"{EVIL} {{threshold}}"}]}
        ],
    }
    settings.save(Store(store_dir), evil, who="Aase")
    at = app(ADMIN)
    at.run()
    assert_no_markup(at)
    for page in (
        "app_pages/overblik.py",
        "app_pages/udvikling.py",
        "app_pages/omegnskommuner.py",
        "app_pages/praktikpladser.py",
        "app_pages/planlaegning.py",
        "app_pages/rapport.py",
        PAGE,
    ):
        at.switch_page(page).run()
        assert_no_markup(at)
