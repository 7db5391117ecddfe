"""The Planlægning page in a real browser: a slider moved with the keyboard changes the result, which
only the fragment reruns; on a 1400×900 laptop the last slider and the whole before/after table are on one
screen while it moves; the page with its charts is saved as test-artifacts/planlaegning.png.

Uses the server and Chromium of tests/browser_support.py, with the store in a temporary directory.
"""

from __future__ import annotations

import re

import pytest
from browser_support import ARTIFACTS, BROWSER_MARKS, assert_no_error, open_page, wait_for_charts

pytestmark = BROWSER_MARKS
pytest.importorskip("playwright.sync_api")

TABLE = ".st-key-plan_result table.csr-table"
HEADCOUNT_AFTER = f"{TABLE} tbody tr:first-child td:nth-child(3)"  # "Antal ansatte", column "Efter"


@pytest.fixture
def page(browser):  # tall enough for the whole page in one screenshot
    with open_page(browser, height=7000) as page:
        yield page


def test_a_slider_moves_the_result(server, page):
    page.goto(f"{server}/planlaegning?%C3%A5r=2025")  # the provisional year, planned only when chosen
    wait_for_charts(page, 2)
    assert_no_error(page)
    assert page.locator("h1").first.inner_text() == "Planlægning"
    # h1, then h2 sections, an h3 only under an h2 (axe-core "heading-order")
    levels = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stMain"] :is(h1, h2, h3, h4)')]
                 .map(h => Number(h.tagName[1]))"""
    )
    assert levels[0] == 1 and levels.count(1) == 1, levels
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    assert page.locator(HEADCOUNT_AFTER).inner_text().strip() == "4.660"
    title = page.locator(".st-key-chart_plan_figur1 svg text").all_text_contents()
    assert any(t.startswith("Scenariet for 2025") for t in title), title

    thumb = page.locator('.st-key-plan_elever input[type="range"]')
    thumb.focus()
    for _ in range(30):
        thumb.press("ArrowLeft")
    page.wait_for_function(
        f"""() => document.querySelector('{HEADCOUNT_AFTER}')?.innerText?.trim() === '4.630'""",
        timeout=60_000,
    )
    assert thumb.input_value() == "-30"
    wait_for_charts(page, 2)
    assert_no_error(page)
    # the goal seek now answers for the education target, in Danish
    goals = page.locator(".st-key-plan_goals").inner_text()
    assert re.search(r"fra august: \d+ personer; fra februar: \d+ personer", goals), goals
    # the chart's labels say the status in words and use decimal commas
    labels = [t.strip() for t in page.locator(".st-key-chart_plan_maal svg text").all_text_contents()]
    assert any(re.fullmatch(r"\d+,\d+ % · Ikke opfyldt", t) for t in labels), labels
    assert not [t for t in labels if re.fullmatch(r"\d+\.\d+", t)], "no decimal point anywhere"
    page.locator('[data-testid="stMainBlockContainer"]').screenshot(path=ARTIFACTS / "planlaegning.png")


def test_meeting_mode_shows_the_planner_large_without_the_controls(server, page):
    page.set_viewport_size({"width": 1920, "height": 7000})
    page.goto(f"{server}/planlaegning?visning=m%C3%B8de&%C3%A5r=2021")
    wait_for_charts(page, 2)
    assert_no_error(page)
    assert page.locator('[data-testid="stDownloadButton"]').count() == 0
    assert page.locator(".st-key-plan_save").count() == 0
    # meeting mode shows the plan, it does not edit it: no placement form and no "Brug forslaget"
    page.locator(".st-key-plan_goals").get_by_text("Det mindste antal ekstra personer").first.wait_for()
    assert page.locator(".st-key-plan_form").count() == 0 and page.get_by_text("Tilføj", exact=True).count() == 0
    assert page.locator('.st-key-plan_goals [data-testid="stButtonGroup"]').count() == 0
    assert page.get_by_text("Brug forslaget").count() == 0
    assert_fills_its_column(page, ".st-key-chart_plan_maal", 1920)
    # the planner's fragment may still be drawing when the charts are: wait for the slider itself
    slider = page.locator('.st-key-plan_fleksjob input[type="range"]')
    slider.first.wait_for(state="attached", timeout=60_000)
    assert slider.count() == 1
    assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") >= 20
    page.locator('[data-testid="stMainBlockContainer"]').screenshot(path=ARTIFACTS / "planlaegning-moede.png")


def test_the_last_slider_and_the_whole_target_table_share_one_laptop_screen(server, browser):
    with open_page(browser, width=1400, height=900) as page:
        page.goto(f"{server}/planlaegning?%C3%A5r=2021")
        wait_for_charts(page, 2)
        assert_no_error(page)
        after = page.locator(HEADCOUNT_AFTER)
        assert after.inner_text().strip() == "4.770"
        thumb = page.locator('.st-key-plan_headcount input[type="range"]')  # the last slider
        thumb.scroll_into_view_if_needed()
        thumb.focus()
        thumb.press("ArrowRight")
        page.wait_for_function(
            f"""() => document.querySelector('{HEADCOUNT_AFTER}')?.innerText?.trim() === '4.771'""",
            timeout=60_000,
        )
        assert_no_error(page)
        assert page.evaluate("window.scrollY + document.querySelector('[data-testid=\"stMain\"]').scrollTop") > 300
        slider = page.locator(".st-key-plan_headcount").bounding_box()
        table = page.locator(TABLE).bounding_box()
        assert slider and table
        assert slider["y"] >= 0 and slider["y"] + slider["height"] <= 900, slider
        assert table["y"] >= 0 and table["y"] + table["height"] <= 900, table  # every target, before and after
        assert table["x"] > slider["x"] + slider["width"]  # beside the sliders
        change = page.locator(f"{TABLE} thead th").last.bounding_box()  # the last column, "Ændring", not cut off
        assert change and change["x"] + change["width"] <= min(table["x"] + table["width"], 1400) + 1, (change, table)
        assert page.evaluate(
            f"(() => {{ const t = document.querySelector('{TABLE}'); return t.scrollWidth <= t.clientWidth + 1; }})()"
        )
        rows = page.locator(f"{TABLE} tbody tr").count()
        assert rows == 10  # the headcount, the share and the eight targets
        page.screenshot(path=str(ARTIFACTS / "planlaegning-laptop.png"))
        # "Brug forslaget" puts 33 apprentices from August into the plan, and the table says the target is met
        use = page.locator(".st-key-plan_goals button", has_text="Brug forslaget: fra august").first  # elever
        use.scroll_into_view_if_needed()
        use.click()
        page.wait_for_function(
            "() => document.querySelector('.st-key-plan_goals')?.innerText?.includes('Scenariet når alle målene')",
            timeout=60_000,
        )
        assert_no_error(page)
        education = page.locator(f"{TABLE} tbody tr").nth(7).inner_text()
        assert education.startswith("Mindst 5 % elever") and "Opfyldt" in education and "før: ikke opfyldt" in education
        assert page.locator('[data-testid="stTable"]', has_text="august – december").count() == 1  # the placement


def assert_fills_its_column(page, selector: str, width: int) -> None:
    """Every chart under `selector` (the bullets: one per target) as wide as the column, inside the screen's
    width, its labels and title inside the chart (nothing cut off)."""
    column = page.locator(selector).bounding_box()
    charts = page.locator(f"{selector} [data-testid='stVegaLiteChart'] svg").all()
    assert column and len(charts) == 8
    for chart in charts:
        box = chart.bounding_box()
        assert box and abs(box["width"] - column["width"]) <= 2 and box["x"] >= 0 and box["x"] + box["width"] <= width
        for text in chart.locator("text").all():
            t = text.bounding_box()
            if t and t["width"] > 0:
                assert box["x"] - 1 <= t["x"] and t["x"] + t["width"] <= box["x"] + box["width"] + 1, (
                    text.text_content()
                )


def test_on_a_phone_the_bullets_fill_the_screen_width(server, browser):
    with open_page(browser, f"{server}/planlaegning?%C3%A5r=2021", width=390, height=844) as page:
        wait_for_charts(page, 2)
        assert_no_error(page)
        page.locator(".st-key-chart_plan_maal").scroll_into_view_if_needed()
        assert_fills_its_column(page, ".st-key-chart_plan_maal", 390)
        labels = [t.strip() for t in page.locator(".st-key-chart_plan_maal svg text").all_text_contents()]
        assert any(re.fullmatch(r"\d+,\d+ % · Ikke opfyldt", t) for t in labels), labels
        page.screenshot(path=str(ARTIFACTS / "planlaegning-bullets-phone.png"), full_page=True)


def test_on_a_phone_the_sliders_and_the_table_stack(server, browser):
    with open_page(browser, width=390, height=844) as page:
        page.goto(f"{server}/planlaegning?%C3%A5r=2021")
        wait_for_charts(page, 2)
        assert_no_error(page)
        slider = page.locator(".st-key-plan_headcount").bounding_box()
        table = page.locator(TABLE).bounding_box()
        assert slider and table
        assert table["y"] > slider["y"] + slider["height"]  # below the sliders, not beside them
        assert abs(table["x"] - slider["x"]) < 2 and table["width"] <= 390
        position = page.evaluate(
            """() => getComputedStyle(document.querySelector('.st-key-plan_result').closest('[data-testid="stColumn"]'))
                     .position"""
        )
        assert position == "static"  # nothing sticks over the sliders on a small screen
