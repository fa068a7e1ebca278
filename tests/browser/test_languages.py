"""A site in another language, in Chromium: the example built with ``language: fr``, whose search box, results
and claims filter speak French (the words come from the pages and meta.json, briefgen/i18n.py)."""

from __future__ import annotations

import contextlib
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import REPO, static_host

pytestmark = pytest.mark.browser


@contextlib.contextmanager
def example_in(language: str, folder: Path) -> Iterator[str]:
    """The example site built with ``language:`` in ``folder``, served: its URL."""
    from briefgen.build import BuildOptions, build

    for name in ("content", "static"):
        shutil.copytree(REPO / name, folder / name)
    config = (REPO / "briefgen.yaml").read_text(encoding="utf-8")
    (folder / "briefgen.yaml").write_text(config.replace("\nlanguage: en\n", f"\nlanguage: {language}\n"),
                                          encoding="utf-8")
    build(BuildOptions(folder, out_dir=folder / "out", strict=True, progress=False))
    with static_host(folder / "out", "/") as url:
        yield url


@pytest.fixture(scope="module")
def french_url(tmp_path_factory) -> Iterator[str]:
    with example_in("fr", tmp_path_factory.mktemp("french")) as url:
        yield url


def test_the_header_box_and_its_results_speak_the_site_s_language(page, french_url):
    page.goto(french_url)
    box = page.locator("#site-search-q")
    assert box.get_attribute("placeholder") == "Rechercher…"
    assert page.locator("#site-search-panel").get_attribute("aria-label") == "Résultats de recherche"
    box.fill("maduro")
    page.locator("#site-search-panel .search-hit").first.wait_for()
    assert page.locator("#site-search-panel .search-group-people .search-group-label").text_content().startswith(
        "Personnes ")  # (shown in capitals by the style sheet)
    assert re.fullmatch(r"Voir tout \(\d+ résultats\) →", page.locator("#site-search-panel .search-all").inner_text())
    box.fill("zzzzqx")
    page.locator("#site-search-panel .search-none").wait_for()
    assert page.locator("#site-search-panel .search-none").inner_text() == "Aucun résultat."


def test_the_search_page_counts_in_the_site_s_language(page, french_url):
    page.goto(french_url + "search/?q=maduro")
    status = page.locator("#search-status")
    page.wait_for_function("document.getElementById('search-status').textContent.includes('pour')")
    assert re.fullmatch(r"\d+ résultats pour «\u00a0maduro\u00a0»", status.inner_text())  # (no-break spaces)
    page.fill("#search-q", "x")
    page.wait_for_function("document.getElementById('search-status').textContent.length > 0")
    assert status.inner_text() == "Saisissez au moins deux lettres."
    claim = page.locator("#search-results .search-claim .search-meta").first
    page.fill("#search-q", "boat")
    claim.wait_for()
    assert claim.inner_text().startswith("Dans la brève «\u00a0")


def test_the_claims_filter_speaks_the_site_s_language(page, french_url):
    page.goto(french_url + "claims/")
    everything = page.locator("button[data-status='']")
    assert everything.text_content() == "Tous"
    assert page.locator(".status-legend").get_attribute("aria-label") == "Afficher les affirmations par statut"
    page.locator("button[data-status='disputed']").click()
    shown = page.locator("[role=status]").last.text_content()
    assert shown == "Affichage limité au statut «\u00a0Contestée\u00a0»"  # (no count)


GERMAN = {
    "briefgen.yaml": "title: Lagebild\nbase_url: http://127.0.0.1/\nlanguage: de\n",
    "content/briefs/urteil.md": """---
title: Urteil verkündet
date: 2025-09-30T23:45:00+05:30
updated: 2025-12-01T17:30:00+01:00
summary: Das Gericht hat entschieden.
tags: [Bundesverfassungsgerichtsentscheidungsbegründungen]
people: [Erika Mustermann]
sources:
  - outlet: Tagesblatt
    url: https://example.org/a
    date: 2025-09-30T23:45:00+05:30
claims:
  - text: Das Urteil ist rechtskräftig.
    status: unverified
    source: Tagesblatt
---
Erika Mustermann sprach.
""",
    "content/people/erika-mustermann.yaml": "name: Erika Mustermann\n",
}


@pytest.fixture(scope="module")
def german(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    from briefgen.build import BuildOptions, build

    from ..conftest import make_site

    site = make_site(tmp_path_factory.mktemp("german") / "site", GERMAN)
    out = site / "out"
    build(BuildOptions(site, out_dir=out, strict=True, progress=False))
    with static_host(out, "/") as url:
        yield url, out


def test_long_words_and_dates_with_times_fit_a_phone(new_page, german):
    """"Aktualisiert am 1. Dezember 2025, 17:30 UTC+01:00" and a 50-letter tag wrap rather than widen the page;
    the date wraps after its year, not between "1." and "Dezember"."""
    from .conftest import dates_split, html_pages, wider_than_the_window
    from .test_mobile import PHONE

    url, out = german
    page = new_page(**PHONE)
    problems = wider_than_the_window(page, url, html_pages(out))
    assert not problems, "\n".join(problems)
    problems = dates_split(page, url, html_pages(out))
    assert not problems, "\n".join(problems)
    page.goto(url + "briefs/urteil/")
    meta = page.locator(".brief-header .meta").inner_text()
    assert "Aktualisiert am 1.\u00a0Dezember\u00a02025, 17:30 UTC+01:00" in meta  # (no-break spaces in the date)


def test_french_dates_keep_day_and_month_together_on_a_phone(new_page, french_url):
    """"Mis à jour le 30 novembre 2025" and "1er décembre 2025" on a phone: never "1er / décembre"."""
    from .conftest import dates_split
    from .test_mobile import PHONE

    problems = dates_split(new_page(**PHONE), french_url, ["", "briefs/", "claims/", "timeline/",
                                                            "briefs/caribbean-buildup/", "briefs/oval-office-meeting/"])
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def arabic_url(tmp_path_factory) -> Iterator[str]:
    with example_in("ar", tmp_path_factory.mktemp("arabic")) as url:
        yield url


def test_english_text_in_a_right_to_left_site_reads_left_to_right(page, arabic_url):
    """A short English claim on an Arabic page starts at the left of its box, its full stop at its end (as
    dir="auto" would lay it out), while the page's own words start at the right."""
    page.goto(arabic_url + "claims/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    offsets = page.eval_on_selector_all(".claim-text", """els => els.filter(e => e.textContent.length < 45).map(e => {
        const range = document.createRange(); range.setStart(e.firstChild, 0); range.setEnd(e.firstChild, 1);
        return [range.getBoundingClientRect().left - e.getBoundingClientRect().left,
                e.getBoundingClientRect().right - range.getBoundingClientRect().right]; })""")
    assert offsets and all(left < 2 for left, _ in offsets), offsets
    lede = page.locator(".page-header .lede")
    box, text = lede.bounding_box(), page.evaluate("""() => { const e = document.querySelector('.page-header .lede');
        const r = document.createRange(); r.setStart(e.firstChild, 0); r.setEnd(e.firstChild, 1);
        return r.getBoundingClientRect().right; }""")
    assert box["x"] + box["width"] - text < 2  # the Arabic sentence starts at the right
