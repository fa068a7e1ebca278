"""The claims tracker's status filter: buttons with JavaScript, links to claims/<status>/ without."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

STATUSES = ("confirmed", "reported", "claimed", "disputed", "denied", "unverified", "false")


def visible_groups(page) -> list[str]:
    return page.eval_on_selector_all("section.claim-group", "ss => ss.filter(s => !s.hidden).map(s => s.id)")


def test_filter_by_status(page, base_url):
    page.goto(base_url + "claims/")
    assert visible_groups(page) == list(STATUSES)
    disputed = page.locator("button[data-status='disputed']")
    assert disputed.get_attribute("aria-pressed") == "false"
    disputed.click()
    assert visible_groups(page) == ["disputed"]
    assert disputed.get_attribute("aria-pressed") == "true"
    assert page.url.endswith("/claims/#disputed")
    claims = page.locator("section#disputed .claim")
    assert claims.count() >= 1
    assert all("disputed" in (c.get_attribute("class") or "") for c in claims.all())
    assert "disputed" in page.locator("[role=status]").last.inner_text().lower()

    page.locator("button[data-status='confirmed']").click()
    assert visible_groups(page) == ["confirmed"]
    assert disputed.get_attribute("aria-pressed") == "false"
    page.locator("button[data-status='confirmed']").click()  # pressing the chosen status again shows all
    assert visible_groups(page) == list(STATUSES)

    page.locator("button[data-status='denied']").click()
    page.locator("button[data-status='']").click()  # "All"
    assert visible_groups(page) == list(STATUSES)
    assert not page.url.endswith("#denied")


def test_filter_from_the_address(page, base_url):
    page.goto(base_url + "claims/#claimed")
    assert visible_groups(page) == ["claimed"]
    assert page.locator("button[data-status='claimed']").get_attribute("aria-pressed") == "true"


def test_the_status_line_follows_the_address(page, base_url):
    """Going from claims/#denied to claims/#reported (a link, Back) shows Reported, and the hidden status line says
    so rather than still "Denied"."""
    page.goto(base_url + "claims/")
    status = page.locator("[role=status]").last
    assert status.text_content() == ""  # (nothing to say on an ordinary visit)
    page.locator("button[data-status='denied']").click()
    assert status.text_content() == "Showing only claims rated \u201cDenied\u201d"
    page.evaluate("location.hash = '#reported'")
    page.wait_for_function("document.getElementById('denied').hidden && !document.getElementById('reported').hidden")
    assert visible_groups(page) == ["reported"]
    assert page.locator("button[data-status='reported']").get_attribute("aria-pressed") == "true"
    assert status.text_content() == "Showing only claims rated \u201cReported\u201d"
    page.go_back()  # to #denied
    page.wait_for_function("!document.getElementById('denied').hidden")
    assert status.text_content() == "Showing only claims rated \u201cDenied\u201d"
    page.evaluate("location.hash = '#'")
    page.wait_for_function("!document.getElementById('confirmed').hidden")
    assert visible_groups(page) == list(STATUSES)
    assert status.text_content() == "Showing every status"
    page.goto(base_url + "claims/#false")  # opened at a status: it says which
    assert page.locator("[role=status]").last.text_content() == "Showing only claims rated \u201cFalse\u201d"


def test_status_page_lists_one_status(page, base_url):
    page.goto(base_url + "claims/disputed/")
    assert re.match(r"Disputed", page.locator("h1").inner_text())
    badges = page.locator("main .claim .badge")
    assert badges.count() >= 1
    assert {b.inner_text().strip().lower() for b in badges.all()} == {"disputed"}


def test_all_sits_in_the_row_of_status_buttons_at_their_height(page, base_url):
    """"All" and the status buttons are as tall as each other and as the status links the home page shows
    (a button's font: inherit once gave the status buttons the page's line height, 24.8 px against 22.4)."""
    page.goto(base_url + "claims/")
    heights = page.eval_on_selector_all(".status-legend button", "bs => bs.map(b => b.getBoundingClientRect().height)")
    assert len(heights) == len(STATUSES) + 1
    page.goto(base_url)
    links = page.eval_on_selector_all(".status-legend a.badge", "as => as.map(a => a.getBoundingClientRect().height)")
    assert {round(h, 1) for h in heights + links} == {round(links[0], 1)}, (heights, links)


@pytest.mark.parametrize("fragment", ["#constructor", "#toString", "#%E0"])
def test_an_address_that_names_no_status_shows_every_claim(page, base_url, fragment):
    """claims/#constructor hid every section and stopped the script (a name every object has); #%E0 (not
    UTF-8) stopped it before it followed the address."""
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base_url + "claims/" + fragment)
    assert visible_groups(page) == list(STATUSES)
    assert errors == []
    page.evaluate("location.hash = '#reported'")
    page.wait_for_function("document.getElementById('denied').hidden && !document.getElementById('reported').hidden")
