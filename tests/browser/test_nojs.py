"""With JavaScript off the site stays readable and navigable; the search box is a plain link."""

from __future__ import annotations

import re

import pytest

from .conftest import html_pages

pytestmark = pytest.mark.browser


@pytest.fixture()
def nojs(new_page):
    return new_page(java_script_enabled=False, viewport={"width": 1280, "height": 900})


def test_every_page_readable_without_javascript(nojs, base_url, site):
    for url in html_pages(site):
        nojs.goto(base_url + url)
        assert nojs.locator("h1").count() == 1, url
        assert len(nojs.locator("main").inner_text().strip()) > 20, url
        if url != "404.html":
            search = nojs.locator("header a[href$='search/']")
            assert search.count() == 1 and search.inner_text().strip() == "Search", url
            assert nojs.locator("header input").count() == 0, url


def test_search_link_and_page_without_javascript(nojs, base_url):
    nojs.goto(base_url + "briefs/")
    nojs.locator("header a[href$='search/']").click()
    nojs.wait_for_url(re.compile(r"/search/$"))
    notice = nojs.locator("main noscript, main .notice").first
    assert "needs JavaScript" in nojs.locator("main").inner_text()
    assert notice is not None
    assert nojs.locator("form[data-search-page]").is_hidden()
    # and the notice offers the way round
    nojs.locator("main a[href$='claims/']").first.click()
    nojs.wait_for_url(re.compile(r"/claims/$"))


def test_claims_filter_links_without_javascript(nojs, base_url):
    nojs.goto(base_url + "claims/")
    assert nojs.locator("button[data-status]").count() == 0
    nojs.locator("main a.badge[href$='claims/denied/']").first.click()
    nojs.wait_for_url(re.compile(r"/claims/denied/$"))
    assert nojs.locator("h1").inner_text().startswith("Denied")


def test_brief_readable_without_javascript(nojs, base_url):
    nojs.goto(base_url + "briefs/second-strike-report/")
    text = nojs.locator("main").inner_text()
    assert "Hegseth" in text
    assert nojs.locator("main [id^='claim-']").count() >= 3
