"""Two municipalities on one shared host, through the pages (AppTest from the entrypoint, a faked login whose
claim `kommunekode` names the user's municipality, `[roles] municipality_claim`): each sees its own figures,
imports, scenarios, settings and audit entries, and nothing of the other's — on every page and in the data
download, as the app's database role under row-level security (tests/tenancy_support.py).

Aabenraa (580) holds the sample data with its own headcount doubled, under file names of its own; Haderslev (510)
holds the sample data with the codes 580 and 510 swapped: Haderslev's figures are then the sample's Aabenraa
figures, which tests/test_app.py states for 2019 (22,0 % in one or more schemes, …).
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from card_support import cards_of
from markdown_support import seen
from streamlit.testing.v1 import AppTest
from test_auth_app import AUTH, ROLES

from csr import settings
from csr.config import HEADCOUNT, default_config
from csr.importers import import_uploads, read_uploads
from csr.model import ImportResult
from csr.shares import compute
from csr.store import Store
from ui import auth

pytest_plugins = ("postgres_support", "tenancy_support")
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
SAMPLE = sorted(str(p) for p in (ROOT / "sample_data").glob("*.*"))
AABENRAA, HADERSLEV = 580, 510
SHARED_ROLES = {**ROLES, "municipality_claim": "kommunekode"}
AASE = {"is_logged_in": True, "sub": "aa", "name": "Aase Aabenraa", "groups": ["csr-admin"], "kommunekode": "580"}
BO = {"is_logged_in": True, "sub": "bo", "name": "Bo Haderslev", "groups": ["csr-admin"], "kommunekode": "Haderslev"}
NO_CODE = {"is_logged_in": True, "sub": "nn", "name": "Nis Uden Kommune", "groups": ["csr-admin"]}
PAGES = [
    "app_pages/overblik.py",
    "app_pages/udvikling.py",
    "app_pages/omegnskommuner.py",
    "app_pages/landet.py",
    "app_pages/praktikpladser.py",
    "app_pages/planlaegning.py",
    "app_pages/rapport.py",
    "app_pages/data.py",
    "app_pages/log.py",
    "app_pages/indstillinger.py",
]
# What is Aabenraa's alone: its file names, its strategy's name, its scenario and its administrator.
AABENRAA_MARKS = ("aabenraa-", "Aabenraas egen strategi", "Aabenraas plan", "Aase Aabenraa")
HADERSLEV_MARKS = ("haderslev-", "Haderslevs plan", "Bo Haderslev")


def renamed(result: ImportResult, prefix: str) -> tuple[list[tuple[str, bytes]], ImportResult]:
    """The result under file names of the municipality's own (`prefix` + the sample's name)."""
    data = result.data.assign(file=prefix + result.data["file"].astype(str))
    placements = result.placements.assign(file=prefix + result.placements["file"].astype(str))
    files = [(f"{prefix}{Path(p).name}", Path(p).read_bytes()) for p in SAMPLE]
    return files, ImportResult(data=data, placements=placements)


def swapped(data: pd.DataFrame) -> pd.DataFrame:
    """The rows with Aabenraa and Haderslev swapped (codes and names)."""
    codes = data["code"].map({AABENRAA: HADERSLEV, HADERSLEV: AABENRAA}).fillna(data["code"]).astype(data["code"].dtype)
    names = data["municipality"].map({"Aabenraa": "Haderslev", "Haderslev": "Aabenraa"}).fillna(data["municipality"])
    return data.assign(code=codes, municipality=names.astype(data["municipality"].dtype))


@pytest.fixture
def shared_host(host, monkeypatch):
    """The app as a shared host's (the app's role), with Aabenraa's and Haderslev's data, settings and scenario."""
    monkeypatch.setenv("CSR_DATABASE_URL", host.app_url)
    for name in ("CSR_DATA_DIR", "CSR_MUNICIPALITY", "CSR_ALLOW_ANONYMOUS"):
        monkeypatch.delenv(name, raising=False)
    sample = import_uploads(read_uploads(SAMPLE), default_config())
    own = (sample.data["code"] == AABENRAA) & (sample.data["scheme"] == HEADCOUNT)
    doubled = sample.data.assign(value=sample.data["value"].where(~own, sample.data["value"] * 2))
    a = Store(host.app_url, tenant=AABENRAA)
    a_files, a_result = renamed(ImportResult(data=doubled, placements=sample.placements), "aabenraa-")
    a.add_batch(a_files, a_result, who="Aase Aabenraa")
    settings.save(a, {"strategy": {"name": "Aabenraas egen strategi"}}, who="Aase Aabenraa")
    a.save_scenario("Aabenraas plan", {"year": 2019}, who="Aase Aabenraa")
    b = Store(host.app_url, tenant=HADERSLEV)
    b_files, b_result = renamed(ImportResult(data=swapped(sample.data), placements=sample.placements), "haderslev-")
    b.add_batch(b_files, b_result, who="Bo Haderslev")
    b.save_scenario("Haderslevs plan", {"year": 2019}, who="Bo Haderslev")
    return a_result, b_result


def app(user: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.secrets["auth"] = AUTH
    at.secrets["roles"] = SHARED_ROLES
    at.user = user
    return at


def everything_shown(at: AppTest) -> str:
    """Every text of the page a reader could see: Markdown, captions, titles, cards, tables, widget labels and
    options, and the tab title."""
    parts = [seen(m.value) for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for kind in (at.title, at.header, at.subheader, at.info, at.success, at.warning) for e in kind]
    parts += [h.proto.body for h in at.get("html")]
    parts += [df.value.to_csv() for df in at.dataframe]
    for box in at.selectbox:
        parts += [box.label, *[str(o) for o in box.options]]  # the options as shown (formatted)
    parts += [str(t.value) for t in at.text_input]
    return "\n".join(parts)


def test_haderslev_sees_its_own_figures_and_nothing_of_aabenraas_on_any_page(shared_host, monkeypatch):
    made: list[tuple[str, object]] = []  # the deferred downloads the pages draw: (what, the function run on click)
    original = auth.audited

    def capture(make, event, detail, person=None):
        made.append((detail, make))
        return original(make, event, detail, person)

    monkeypatch.setattr(auth, "audited", capture)
    at = app(BO)
    at.run()
    at.switch_page("app_pages/overblik.py").run()
    at.selectbox(key="year").set_value(2019).run()
    assert not at.exception, [e.value for e in at.exception]
    cards = {c["name"]: c["value"] for c in cards_of(at).values()}
    # The sample's Aabenraa figures (tests/test_app.py), now Haderslev's own.
    assert cards["Mindst 10 % i en eller flere ordninger"] == "22,0 %"
    assert cards["Mindst 6 % i beskæftigelsesordninger"] == "10,2 %"
    assert cards["Aftalte praktik- og elevpladser"] == "187 besatte mod 184 aftalte pladser"
    assert "Haderslev Kommune" in everything_shown(at)
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert not at.error, (page, [e.value for e in at.error])
        shown = everything_shown(at)
        assert not [mark for mark in AABENRAA_MARKS if mark in shown], page
        if page == "app_pages/data.py":
            assert shown.count("haderslev-") >= 3  # its own three files in the history
        if page == "app_pages/log.py":
            assert "Bo Haderslev" in shown
        if page == "app_pages/planlaegning.py":
            assert "Haderslevs plan" in shown
        if page == "app_pages/indstillinger.py":
            home = at.selectbox(key="settings_home")
            assert home.value == HADERSLEV and home.disabled
    # The data download, as the button would make it: Haderslev's rows only.
    dataset = next(make for what, make in made if what == "Alle gældende tal")
    sheet = openpyxl.load_workbook(io.BytesIO(dataset())).worksheets[0]  # type: ignore[operator]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) > 1000
    cells = "\n".join(str(c) for row in rows for c in row if c is not None)
    assert "haderslev-" in cells and "aabenraa-" not in cells


def test_aabenraa_sees_its_own_and_nothing_of_haderslevs(shared_host):
    a_result, _ = shared_host
    config = settings.in_force({"strategy": {"name": "Aabenraas egen strategi"}})
    expected = compute(a_result.data, a_result.placements, config).target(2019, "csr_maerke").value
    assert expected is not None and f"{expected:.1f}" != "22.0"  # a doubled headcount: about half the share
    at = app(AASE)
    at.run()
    at.selectbox(key="year").set_value(2019).run()
    cards = {c["name"]: c["value"] for c in cards_of(at).values()}
    assert cards["Mindst 10 % i en eller flere ordninger"] == f"{expected:.1f}".replace(".", ",") + " %"
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        shown = everything_shown(at)
        assert not [mark for mark in HADERSLEV_MARKS if mark in shown], page
        if page == "app_pages/data.py":
            assert shown.count("aabenraa-") >= 3
        if page == "app_pages/indstillinger.py":
            assert at.text_input(key="settings_name").value == "Aabenraas egen strategi"


def test_a_user_of_a_shared_host_without_a_municipality_sees_no_data(shared_host):
    at = app(NO_CODE)
    at.run()
    assert [m.value for m in at.markdown] == [auth.NO_MUNICIPALITY]
    assert not cards_of(at) and not at.get("vega_lite_chart") and not at.dataframe
    assert [b.key for b in at.button] == ["logout"]


def test_a_municipality_with_no_data_of_its_own_is_told_so_not_shown_the_sample(host, monkeypatch):
    monkeypatch.setenv("CSR_DATABASE_URL", host.app_url)
    monkeypatch.delenv("CSR_DATA_DIR", raising=False)
    at = app({**BO, "kommunekode": "621"})  # Kolding: nothing imported yet
    at.run()
    assert [seen(e.value) for e in at.error] == [
        "Der er endnu ingen tal for Kolding. En bruger med rollen hr indlæser dem på siden Data."
    ]
    assert not cards_of(at) and not at.warning  # no sample data banner: Kolding is not shown Aabenraa's sample
    at.switch_page("app_pages/data.py").run()
    assert not at.exception and not at.error
    assert at.get("file_uploader")  # where its hr imports its data
