"""Search: the header box and the search page, in Chromium, against the index built from the example."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def search_requests(page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda r: "/search/" in r.url and seen.append(r.url))
    return seen


def test_index_loads_only_when_search_is_used(page, base_url):
    seen = search_requests(page)
    page.goto(base_url + "briefs/")
    page.wait_for_load_state("networkidle")
    assert page.locator("#site-search-q").is_visible()  # the link became a box
    assert seen == [], "the index must not load before the reader uses search"
    page.focus("#site-search-q")
    page.wait_for_function("document.documentElement.dataset.search === 'ready'")
    assert [u for u in seen if u.endswith("search/meta.json")]
    assert not [u for u in seen if "/t/" in u or "/d/" in u], "shards load when a query needs them"


def test_header_box_prefix_accents_and_case(page, base_url):
    page.goto(base_url)
    box = page.locator("#site-search-q")
    box.fill("madur")
    panel = page.locator("#site-search-panel")
    panel.locator(".search-hit").first.wait_for()
    assert panel.is_visible()
    people = panel.locator(".search-group-people")
    assert people.locator("a", has_text="Nicolás Maduro").count() == 1
    assert panel.locator(".search-group-briefs .search-hit").count() >= 1
    # the matched prefix is highlighted
    assert people.locator("mark").first.inner_text().lower() == "madur"

    for query in ("NICOLÁS MAD", "nicolas maduro", "Nicolas"):
        box.fill(query)
        page.wait_for_function("q => document.querySelector('#site-search-panel .search-all')"
                               " && document.querySelector('#site-search-panel .search-all').href"
                               ".includes(encodeURIComponent(q))", arg=query)
        assert people.locator("a", has_text="Nicolás Maduro").count() == 1, query


def test_header_box_result_click_and_keyboard(page, base_url):
    page.goto(base_url + "claims/")
    box = page.locator("#site-search-q")
    box.fill("ford")
    page.locator("#site-search-panel .search-group-ships a", has_text="USS Gerald R. Ford").wait_for()
    # a screen reader is told the box is a combobox and whether its results are shown
    assert (box.get_attribute("role"), box.get_attribute("aria-expanded")) == ("combobox", "true")
    assert page.locator("#site-search-panel").get_attribute("role") == "dialog"
    # keyboard: ArrowDown moves into the results, Escape closes and returns to the box
    box.press("ArrowDown")
    assert page.evaluate("document.activeElement.closest('#site-search-panel') !== null")
    page.keyboard.press("Escape")
    assert page.locator("#site-search-panel").is_hidden()
    assert box.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.id") == "site-search-q"
    box.press("ArrowDown")  # nothing to move into while closed: stays put
    box.fill("gerald ford")
    link = page.locator("#site-search-panel .search-group-ships a", has_text="USS Gerald R. Ford")
    link.click()
    page.wait_for_url(re.compile(r"/ships/uss-gerald-r-ford/$"))
    assert "Gerald R. Ford" in page.locator("h1").inner_text()


def test_show_all_moves_focus_to_the_first_hit_it_shows(page, base_url):
    page.goto(base_url + "search/?q=the")
    more = page.locator("#search-results .search-group-claims .search-more")
    more.wait_for()
    shown = page.locator("#search-results .search-group-claims .search-hit").count()
    more.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.closest('.search-group-claims') !== null")
    index = page.evaluate("""() => [...document.querySelectorAll('#search-results .search-group-claims .search-hit')]
                                   .indexOf(document.activeElement.closest('.search-hit'))""")
    assert index == shown  # the first claim the button added, so Tab goes on from there


def test_enter_opens_the_search_page(page, base_url):
    page.goto(base_url + "briefs/")
    page.fill("#site-search-q", "cartel soles")
    page.press("#site-search-q", "Enter")
    page.wait_for_url(re.compile(r"/search/\?q=cartel\+soles$"))
    page.locator("#search-results .search-hit").first.wait_for()
    assert page.input_value("#search-q") == "cartel soles"


def test_a_claim_hit_names_its_brief_as_a_title(page, base_url):
    page.goto(base_url + "search/?q=ultimatum")
    hit = page.locator("#search-results .search-group-claims .search-hit").first
    hit.wait_for()
    assert re.fullmatch(r"In the brief \u201c.+\u201d", hit.locator(".search-meta").inner_text())


def test_search_page_groups_badges_and_claim_click(page, base_url):
    page.goto(base_url + "search/")
    assert page.locator("h1").inner_text() == "Search"
    page.fill("#search-q", "cartel")
    results = page.locator("#search-results")
    results.locator(".search-group-claims .search-hit").first.wait_for()
    headings = results.locator("h2").all_inner_texts()
    assert [h.split()[0] for h in headings][:1] == ["Briefs"] and headings[-1].startswith("Claims")
    assert "Organizations" in " ".join(headings)
    assert re.search(r"\d+ results? for “cartel”", page.locator("#search-status").inner_text())
    assert "q=cartel" in page.url  # the address follows the query, for sharing and Back

    claims = results.locator(".search-group-claims .search-hit")
    badges = claims.locator(".badge")
    assert badges.count() == claims.count()
    assert "Disputed" in badges.all_inner_texts() or "DISPUTED" in badges.all_inner_texts()
    disputed = claims.filter(has=page.locator(".badge.status-disputed")).first
    assert disputed.locator(".badge").inner_text().strip().lower() == "disputed"

    claim = results.locator(".search-group-claims a", has_text="No organization called the Cartel de los Soles")
    claim.click()
    page.wait_for_url(re.compile(r"/briefs/cartel-de-los-soles-designation/#claim-cartel-does-not-exist$"))
    assert page.locator("#claim-cartel-does-not-exist").is_visible()


def test_search_page_reads_q_and_finds_claim_text_and_body(page, base_url):
    page.goto(base_url + "search/?q=militias")  # a word of a claim's text
    page.locator("#search-results .search-hit").first.wait_for()
    assert page.locator("#search-results .search-group-claims").count() == 1
    page.fill("#search-q", "zzzzqx")
    page.wait_for_function("document.getElementById('search-status').textContent.includes('Nothing found')")
    assert page.locator("#search-results .search-hit").count() == 0
    page.fill("#search-q", "m")
    page.wait_for_function("document.getElementById('search-status').textContent.includes('two letters')")


def test_aliases_are_searchable(page, base_url):
    page.goto(base_url + "search/?q=the+ford")
    page.locator("#search-results .search-group-ships a", has_text="USS Gerald R. Ford").wait_for()


def test_a_long_summary_shows_the_words_around_its_first_match(page, base_url):
    page.goto(base_url + "search/?q=maduro")
    hits = page.locator("#search-results .search-group-briefs .search-hit")
    hits.first.wait_for()
    late = hits.filter(has_text="Trump summons security chiefs").locator(".search-snippet")
    text = late.inner_text()  # "Maduro" is the summary's last word, past its first 160 characters
    assert text.startswith("\u2026") and text.rstrip(".").endswith("Nicolás Maduro"), text
    assert len(text) <= 170 and late.locator("mark").all_inner_texts() == ["Maduro"]
    early = hits.filter(has_text="Trump confirms call with Maduro").locator(".search-snippet")
    assert early.inner_text().startswith("Trump says a call") and early.inner_text().endswith("\u2026")
    assert early.locator("mark").count() >= 1
