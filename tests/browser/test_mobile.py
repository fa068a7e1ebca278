"""A 390 px wide phone: no page scrolls sideways, and the search panel fits; every page keeps the header's column;
no date breaks between day and month."""

from __future__ import annotations

import pytest

from .conftest import dates_split, html_pages, wider_than_the_window

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_horizontal_scroll_on_any_page(new_page, base_url, site, scheme):
    page = new_page(color_scheme=scheme, **PHONE)
    problems = wider_than_the_window(page, base_url, html_pages(site))
    assert not problems, "\n".join(problems)


def test_search_on_a_phone(new_page, base_url):
    page = new_page(**PHONE)
    page.goto(base_url + "briefs/")
    page.locator("#site-search-q").tap()
    page.locator("#site-search-q").fill("maduro")
    panel = page.locator("#site-search-panel")
    panel.locator(".search-hit").first.wait_for()
    box = panel.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    field = page.locator("#site-search-q").bounding_box()
    assert (round(box["x"]), round(box["width"])) == (round(field["x"]), round(field["width"]))  # under the box
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(base_url + "search/?q=maduro")
    page.locator("#search-results .search-hit").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize("width", [390, 1280])
def test_every_page_has_the_header_s_column(new_page, base_url, site, width):
    """The content column starts where the header's does and is as wide, on short pages too (a flex
    layout once shrank main to its content on /tags/ and /search/)."""
    page = new_page(viewport={"width": width, "height": 900})
    problems = []
    for url in html_pages(site):
        page.goto(base_url + url)
        header, main = (page.locator(sel).bounding_box() for sel in (".site-header .wrap", "main"))
        if (round(main["x"]), round(main["width"])) != (round(header["x"]), round(header["width"])):
            problems.append(f"{url}: main at x={main['x']:.0f} w={main['width']:.0f}, "
                            f"header at x={header['x']:.0f} w={header['width']:.0f}")
    assert not problems, "\n".join(problems)


def test_dates_keep_day_and_month_together(new_page, base_url, site):
    """"Updated 30 November 2025" may wrap after "Updated", never as "30 / November 2025"."""
    page = new_page(**PHONE)
    problems = dates_split(page, base_url, html_pages(site))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", [390, 1280])
def test_rules_are_as_wide_as_what_they_head(new_page, base_url, width):
    """The home page's "Latest briefs" rule ends where its briefs do; the claims tracker's status bar where its
    row of badges does (filter buttons included), on one line or wrapped."""
    page = new_page(viewport={"width": width, "height": 900})
    page.goto(base_url)
    rule, item = (page.locator(s).first.bounding_box() for s in ("#latest", ".home-briefs .brief-item"))
    assert (round(rule["x"]), round(rule["width"])) == (round(item["x"]), round(item["width"]))
    for url in ("claims/", "claims/disputed/"):
        page.goto(base_url + url)
        bar = page.locator(".status-bar").bounding_box()
        ends = page.eval_on_selector_all(".status-legend > li", "ls => ls.map(l => l.getBoundingClientRect().right)")
        column = page.locator("main").evaluate(
            "m => m.getBoundingClientRect().right - parseFloat(getComputedStyle(m).paddingRight)")
        assert bar["x"] + bar["width"] >= max(ends) - 1, url  # no badge beyond the bar's end
        assert round(bar["x"] + bar["width"]) in (round(max(ends)), round(column)), (url, bar, max(ends), column)
