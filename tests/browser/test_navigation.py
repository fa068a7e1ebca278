"""A reader's path through the example: home → brief → person → another brief → ship → event → timeline,
by clicking the links a reader would click."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def h1(page) -> str:
    return page.locator("h1").inner_text().strip()


def test_home_to_timeline(page, base_url):
    page.goto(base_url)
    assert page.title().startswith("Venezuela Crisis Briefing")
    assert page.locator("h1").count() == 1

    # home → the newest brief
    page.locator("main a[href$='briefs/oval-office-meeting/']").first.click()
    page.wait_for_url(re.compile(r"/briefs/oval-office-meeting/$"))
    assert "Oval Office" in h1(page)
    assert page.locator("main [id^='claim-']").count() >= 1  # its claims, with anchors

    # brief → a person it involves
    page.locator("main a[href$='people/nicolas-maduro/']").first.click()
    page.wait_for_url(re.compile(r"/people/nicolas-maduro/$"))
    assert h1(page) == "Nicolás Maduro"

    # person → another brief that mentions him
    page.locator("main a[href$='briefs/caribbean-buildup/']").first.click()
    page.wait_for_url(re.compile(r"/briefs/caribbean-buildup/$"))
    assert "Caribbean" in h1(page)

    # brief → a ship
    page.locator("main a[href$='ships/uss-gerald-r-ford/']").first.click()
    page.wait_for_url(re.compile(r"/ships/uss-gerald-r-ford/$"))
    assert "Gerald R. Ford" in h1(page)

    # ship → an event it is mentioned with
    page.locator("main a[href$='events/uss-gerald-r-ford-caribbean-arrival-2025-11-11/']").first.click()
    page.wait_for_url(re.compile(r"/events/uss-gerald-r-ford-caribbean-arrival-2025-11-11/$"))
    assert page.locator("h1").count() == 1

    # event → the timeline, from the header
    page.locator("header nav a[href$='timeline/']").click()
    page.wait_for_url(re.compile(r"/timeline/$"))
    assert h1(page) == "Timeline"
    timeline = page.locator("main").inner_text()
    assert "Gerald R. Ford" in timeline and "Oval Office" in timeline


def test_back_and_forward_keep_working(page, base_url):
    page.goto(base_url + "briefs/")
    page.locator("main a[href$='briefs/trump-maduro-call/']").first.click()
    page.wait_for_url(re.compile(r"/briefs/trump-maduro-call/$"))
    page.go_back()
    page.wait_for_url(re.compile(r"/briefs/$"))
    assert h1(page).startswith("All briefs")
    page.go_forward()
    page.wait_for_url(re.compile(r"/briefs/trump-maduro-call/$"))
