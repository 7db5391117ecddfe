"""Charts that fill their container, in a real browser: on a 390×844 phone, a 1400×900 laptop and a
1920×1080 projector in meeting mode, every chart on Udvikling, Omegnskommuner and Praktikpladser lies within
its container and the viewport, its title is the whole intended title (wrapped, never cut) inside the chart,
no label is cut, and no English ARIA text of Vega's is left but the two it cannot be told (sample data)."""

from __future__ import annotations

import re

import pytest
from browser_support import ARTIFACTS, BROWSER_MARKS, CHART, assert_no_error, open_page, wait_for_charts

from csr import charts

pytestmark = BROWSER_MARKS
pytest.importorskip("playwright.sync_api")

VIEWPORTS = [
    ("phone", 390, 844, ""),
    ("laptop", 1400, 900, ""),
    ("meeting", 1920, 1080, "?visning=m%C3%B8de"),
]
# Vega writes these on the chart's element and its root group whatever the spec says (vega-scenegraph)
VEGA_OWN_ROLES = {"visualization", "group mark container"}
ENGLISH = re.compile(r"\b(axis|scale|linear|ordinal|band|mark|title|share|category|order|value|year)\b", re.I)

# Per chart: its container, the SVG title as shown (lines joined), its box, its container's box, the text
# of every label, and every ARIA label and role description inside the chart that is not hidden.
CHART_FACTS = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].map(c => {
    const svg = c.querySelector('svg');
    const box = r => ({x: r.x, y: r.y, width: r.width, height: r.height, right: r.right, bottom: r.bottom});
    const title = svg.querySelector('.role-title-text');
    const lines = title ? [...title.querySelectorAll('text')].flatMap(
        t => t.querySelector('tspan') ? [...t.querySelectorAll('tspan')].map(s => s.textContent) : [t.textContent]) : [];
    const holder = c.closest('[data-testid="stColumn"]') || c.closest('[data-testid="stVerticalBlock"]');
    // what a screen reader is given: nothing inside an aria-hidden group counts
    const aria = [c, ...c.querySelectorAll('*')].filter(e => !e.closest('[aria-hidden="true"]'));
    return {
        key: [...(c.closest('[class*="st-key-chart_"]') || {classList: []}).classList]
            .find(k => k.startsWith('st-key-chart_')) || '',
        title: lines.join(' ').replace(/\\s+/g, ' ').trim(),
        titleBox: title ? box(title.getBoundingClientRect()) : null,
        box: box(svg.getBoundingClientRect()),
        element: box(c.getBoundingClientRect()),
        holder: box(holder.getBoundingClientRect()),
        texts: [...svg.querySelectorAll('text')].map(t => t.textContent),
        labels: aria.filter(e => e.hasAttribute('aria-label')).map(e => e.getAttribute('aria-label')),
        roles: aria.filter(e => e.hasAttribute('aria-roledescription')).map(e => e.getAttribute('aria-roledescription')),
    };
})"""


def _titles(spec: dict, meeting: bool) -> list[str]:
    """The titles each chart of a builder's spec is meant to show on screen, as written."""
    out = []
    for panel in charts.screen(spec, meeting).panels:
        written = panel.get("usermeta", {}).get(charts.TITLE_KEY, {}).get("text", "")
        out.append(" ".join(written) if isinstance(written, list) else written)
    return out


@pytest.fixture(scope="module")
def intended(sample_figures, config) -> dict[str, tuple[int, list[str]]]:
    """Per page, its number of charts and the titles of the charts (panels) it shows, in page order (the
    year shown is the latest complete one)."""
    f, year = sample_figures, sample_figures.latest_complete_year(config)
    groups = list(charts.comparison_groups(config))
    specs = {
        "udvikling": [
            charts.trend_chart(f.targets, f.years, config),
            charts.scheme_trend_chart(f.shares, config, "share"),
        ],
        "omegnskommuner": [
            *(charts.neighbour_ranking_chart(f.shares, f.neighbours, config, year, g) for g in groups),
            charts.neighbour_trend_chart(f.neighbours, f.years, config),
        ],
        "praktikpladser": [
            charts.placement_bullets(f.placements, year),
            charts.placement_years_chart(f.placements, f.provisional_years(config)),
        ],
    }
    return {
        page: (len(built), [t for c in built for t in _titles(c.to_dict(), False)]) for page, built in specs.items()
    }


@pytest.mark.parametrize(("name", "width", "height", "query"), VIEWPORTS)
def test_charts_fill_their_container_with_whole_titles_and_danish_aria(
    server, browser, intended, name, width, height, query
):
    with open_page(browser, width=width, height=height) as page:
        for path, (shown, titles) in intended.items():
            page.goto(f"{server}/{path}{query}")
            wait_for_charts(page, shown)
            page.wait_for_timeout(1000)  # the last panels' fit to their columns
            assert_no_error(page)
            facts = page.evaluate(CHART_FACTS)
            page.locator(CHART).first.screenshot(path=str(ARTIFACTS / f"charts_{path}_{name}.png"))
            assert [f["title"] for f in facts] == titles
            for f in facts:
                where = f"{path} {name} {f['title']!r}"
                box, holder = f["box"], f["holder"]
                assert box["width"] >= 0.9 * holder["width"], f"{where}: fills its container"
                assert box["x"] >= holder["x"] - 1 and box["right"] <= holder["right"] + 1, where
                assert box["right"] <= width, f"{where}: within the viewport"
                title = f["titleBox"]
                assert title and title["x"] >= box["x"] - 1 and title["right"] <= box["right"] + 1, where
                assert not [t for t in f["texts"] if "…" in t], f"{where}: a cut label"
                assert set(f["roles"]) <= VEGA_OWN_ROLES, f"{where}: {set(f['roles']) - VEGA_OWN_ROLES}"
                assert f["labels"] and not [t for t in f["labels"] if ENGLISH.search(t)], f"{where}: {f['labels']}"
                assert all(re.search("(Linje|Søjle)diagram", t) for t in f["labels"]), f["labels"]
            if name == "phone":  # the columns of a faceted chart stack: each panel has the whole width
                assert all(f["box"]["width"] >= width - 60 for f in facts), path
            if name == "meeting":  # large type of the charts' own, no zoom
                size = page.evaluate(
                    """() => parseFloat(getComputedStyle(document.querySelector(
                        '[data-testid="stVegaLiteChart"] svg .role-axis-label text')).fontSize)"""
                )
                assert size >= 12 * 1.4
                assert page.evaluate("""() => getComputedStyle(
                    document.querySelector('[data-testid="stVegaLiteChart"]')).zoom""") in ("1", "normal")


def test_the_data_behind_a_chart_and_omegnskommuners_tables_are_whole_at_1400(server, browser):
    with open_page(browser, width=1400, height=900) as page:
        page.goto(f"{server}/omegnskommuner")
        wait_for_charts(page, 3)
        assert_no_error(page)
        tables = page.locator('[class*="st-key-table_omegn_"] table')
        assert tables.count() == 2
        for i in range(2):
            # nothing scrolls sideways, and no cell (scheme name, header, number) is cut
            cut = tables.nth(i).evaluate(
                """t => [t, t.parentElement, ...t.querySelectorAll('th, td')]
                    .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)"""
            )
            assert cut == []
            box = tables.nth(i).bounding_box()
            main = page.locator('[data-testid="stMainBlockContainer"]').bounding_box()
            assert box and main and box["x"] + box["width"] <= main["x"] + main["width"]
        text = tables.first.inner_text()
        assert "Skånejob" in text and "Omegnsgennemsnit" in text and re.search(r"\d+,\d\s%", text)
        page.locator('[class*="st-key-table_omegn_"]').first.screenshot(path=str(ARTIFACTS / "omegn_table.png"))

        page.goto(f"{server}/praktikpladser")
        wait_for_charts(page, 2)
        expander = page.locator(".st-key-data_praktikpladser")
        expander.get_by_text("Tallene bag figuren").click()
        table = expander.locator("table")
        table.wait_for(state="visible")
        rows = table.evaluate(
            "t => [...t.querySelectorAll('tr')].map(r => [...r.children].map(c => c.textContent.trim()))"
        )
        assert rows[0] == ["Uddannelse", "Aftalt", "Besat", "Mangler", "Opfyldelse", "Status"]
        by_name = {r[0]: r[1:] for r in rows[1:]}
        assert by_name["Social- og sundhedsassistent"] == ["56", "56", "0", "100,0 %", "Opfyldt"]
