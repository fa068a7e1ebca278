"""Dates in pages and feeds (days, updates, precision), Open Graph's locale, and long lists' pagers."""

from __future__ import annotations

import re

import pytest

from briefgen import render

from .conftest import build, make_site, parse_html, run_cli


def brief(slug: str, date: str, extra: str = "") -> str:
    return f"---\ntitle: Brief {slug}\ndate: {date}\nsummary: About {slug}.\n{extra}---\nBody.\n"


def test_the_timeline_shows_each_day_once_whatever_the_utc_offsets(tmp_path):
    dates = ["2025-06-03T01:00:00+00:00", "2025-06-02T23:30:00-05:00", "2025-06-03T06:00:00+00:00",
             "2025-06-03T09:00:00+14:00"]  # in UTC: 3 June 01:00, 3 June 04:30, 3 June 06:00, 2 June 19:00
    site = make_site(tmp_path / "s", {"briefgen.yaml": "title: T\n",
                                      **{f"content/briefs/b{i}.md": brief(f"b{i}", d) for i, d in enumerate(dates)}})
    out = build(site, tmp_path / "out")
    days = [h.text() for h in parse_html(out / "timeline/index.html").find_all("h2")]
    assert days == ["2 June 2025", "3 June 2025"], days


def test_an_update_before_publication_is_a_warning_and_left_out(tmp_path):
    site = make_site(tmp_path / "s", {
        "briefgen.yaml": "title: T\nbase_url: https://example.org/\n",
        "content/briefs/a.md": brief("a", "2025-06-06", "updated: 2025-06-01\n"),
        "content/briefs/b.md": brief("b", "2025-06-03", "updated: 2025-06-04T10:00:00.123456+00:00\n")})
    code, _, err = run_cli("build", site, "--out", tmp_path / "out")
    assert code == 0
    assert ("content/briefs/a.md:5:10: warning: 'updated' (2025-06-01) is before 'date' (2025-06-06); it is left "
            "out") in err
    feed = (tmp_path / "out/feed.xml").read_text()
    assert "2025-06-01" not in feed and "<updated>2025-06-06T00:00:00Z</updated>" in feed
    page = (tmp_path / "out/briefs/b/index.html").read_text()
    assert 'datetime="2025-06-04T10:00:00.123+00:00"' in page  # HTML takes at most milliseconds
    assert not re.search(r'datetime="[^"]*\.\d{4}', page)


def test_og_locale_is_written_only_for_a_language_with_a_region(tmp_path):
    for language, locale in (("pt-BR", "pt_BR"), ("zh-Hant-TW", "zh_TW"), ("en", None), ("ar", None)):
        site = make_site(tmp_path / language, {"briefgen.yaml": f"title: T\nlanguage: {language}\n",
                                               "content/briefs/a.md": brief("a", "2025-06-06")})
        out = build(site, tmp_path / language / "out")
        head = parse_html(out / "index.html").find("head")
        metas = [m.get("content") for m in head.find_all("meta", property="og:locale")]
        assert metas == ([locale] if locale else []), language
        html = parse_html(out / "index.html").find("html")
        assert (html.get("lang"), html.get("dir")) == (language, "rtl" if language == "ar" else "ltr")


@pytest.mark.parametrize("language, direction", [("ar", "rtl"), ("he-IL", "rtl"), ("fa", "rtl"), ("az-Arab", "rtl"),
                                                 ("en", "ltr"), ("ku-Latn", "ltr"), ("zh-Hant-TW", "ltr"),
                                                 ("en-x-arab", "ltr")])
def test_languages_written_right_to_left_set_the_pages_direction(language, direction):
    assert render.text_direction(language) == direction


def test_og_locale_reads_the_region_only():
    assert [render.og_locale(t) for t in ("pt-BR", "en-u-nu-ar", "es-419", "zh-Hant-TW", "en")] == [
        "pt_BR", "", "", "zh_TW", ""]


def test_og_locale_is_empty_for_a_language_without_a_region(tmp_path):
    """As docs/themes.md says: empty, not the text None."""
    site = make_site(tmp_path / "s", {"briefgen.yaml": "title: T\nlanguage: de\n",
                                      "content/briefs/a.md": brief("a", "2025-06-06"),
                                      "templates/tags.html": "[{{ site.og_locale }}]"})
    assert (build(site, tmp_path / "out") / "tags/index.html").read_text(encoding="utf-8") == "[]"


def test_a_long_list_shows_a_window_of_pages_and_numbers_its_titles(tmp_path):
    site = make_site(tmp_path / "s", {"briefgen.yaml": "title: T\npage_size: 1\n",
                                      **{f"content/briefs/b{i:02d}.md": brief(f"b{i:02d}", f"2025-06-{i + 1:02d}")
                                         for i in range(12)}})
    out = build(site, tmp_path / "out")

    def pager(rel: str) -> list[str]:
        nav = parse_html(out / rel).find("nav", cls="pager")
        return [li.text().strip() for li in nav.find("ol").find_all("li")]

    assert pager("briefs/page/6/index.html") == ["1", "…", "4", "5", "6", "7", "8", "…", "12"]
    assert pager("briefs/index.html") == ["1", "2", "3", "…", "12"]
    assert pager("briefs/page/4/index.html") == ["1", "2", "3", "4", "5", "6", "…", "12"]  # no "…" for one page
    assert pager("briefs/page/12/index.html") == ["1", "…", "10", "11", "12"]
    titles = {rel: parse_html(out / rel).find("title").text()
              for rel in ("briefs/index.html", "briefs/page/6/index.html")}
    assert titles == {"briefs/index.html": "All briefs — T", "briefs/page/6/index.html": "All briefs, page 6 — T"}


def test_a_share_image_is_given_to_link_previews_and_json_ld(tmp_path):
    files = {"briefgen.yaml": "title: T\nbase_url: https://example.org/b/\nimage: assets/share.png\n",
             "static/assets/share.png": b"\x89PNG\r\n\x1a\n", "content/briefs/a.md": brief("a", "2025-06-06")}
    out = build(make_site(tmp_path / "s", files), tmp_path / "out", "--strict")
    page = parse_html(out / "briefs/a/index.html")
    head = page.find("head")
    assert [m.get("content") for m in head.find_all("meta", property="og:image")] == [
        "https://example.org/b/assets/share.png"]
    assert head.find("meta", name="twitter:card").get("content") == "summary_large_image"
    assert '"image":"https://example.org/b/assets/share.png"' in (out / "briefs/a/index.html").read_text()
    # no base_url: a preview cannot use a relative address, so there is none
    files["briefgen.yaml"] = "title: T\nimage: assets/share.png\n"
    out = build(make_site(tmp_path / "s2", files), tmp_path / "out2")
    assert not parse_html(out / "index.html").find("head").find_all("meta", property="og:image")


def test_a_share_image_that_is_not_there_or_not_a_path_is_reported(tmp_path):
    site = make_site(tmp_path / "s", {"briefgen.yaml": "title: T\nimage: assets/missing.png\n",
                                      "content/briefs/a.md": brief("a", "2025-06-06")})
    code, _, err = run_cli("check", site)
    assert code == 0 and ("briefgen.yaml:2:8: warning: image 'assets/missing.png' is not a static file of the site "
                          "(put the picture at static/assets/missing.png, or give its https:// URL)") in err
    for bad in ("../secret.png", "javascript:alert(1)", "a//b.png", "a#1.png", "a.png?x"):
        (site / "briefgen.yaml").write_text(f"title: T\nimage: '{bad}'\n")
        code, _, err = run_cli("check", site)
        assert code == 1 and "briefgen.yaml:2:8: error: 'image' must be" in err, (bad, err)
    (site / "briefgen.yaml").write_text("title: T\nimage: https://cdn.example.org/card.png\n")
    assert run_cli("check", site, "--strict")[0] == 0


@pytest.mark.parametrize("total", range(1, 10))
def test_the_pager_window_shows_the_ends_and_two_either_side_and_elides_only_runs_of_pages(total):
    for number in range(1, total + 1):
        window = render.Pagination(number, total, None, None, "briefs/").window
        shown = [item[0] for item in window if item]
        assert shown == sorted(set(shown)) and {1, number, total} <= set(shown)
        assert set(range(max(1, number - 2), min(total, number + 2) + 1)) <= set(shown)
        for i, item in enumerate(window):  # "…" stands for two pages or more, never one
            if item is None:
                assert window[i + 1][0] - window[i - 1][0] > 2
        assert window[shown.index(number) + sum(1 for x in window[:shown.index(number)] if x is None)] == (
            number, render.page_url("briefs/", number))
