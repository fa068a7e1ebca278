"""The built site, page type by page type (SPEC §5), read back as parsed HTML.

Most tests read the example site (built once per session); expectations are
computed from its content files, so they follow the content. One-off cases
use small sites made with ``make_site``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from briefgen.config import DEFAULT_STATUSES, NON_VERDICT_STATUSES

from .conftest import BASIC, REPO, build, make_site, parse_html, run_cli

KINDS = ("people", "ships", "events", "organizations", "places")
STATUS_LABELS = {k: s.label for k, s in DEFAULT_STATUSES.items()}


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n", 2)[1]) if text.startswith("---") else yaml.safe_load(text)


def example_briefs() -> dict[str, dict]:
    """slug → front matter of every published example brief, newest first (the site's order)."""
    out = {}
    for path in sorted((REPO / "content" / "briefs").glob("*.md")):
        fm = front_matter(path)
        if not fm.get("draft"):
            out[fm.get("slug") or path.stem[11:]] = fm
    return dict(sorted(out.items(), key=lambda kv: (iso_day(kv[1]["date"]), kv[0]), reverse=True))


def iso_day(value) -> str:
    return value.isoformat()[:10] if isinstance(value, dt.date) else str(value)[:10]


def main(page):
    return page.find("main")


def page(out: Path, rel: str):
    path = out / rel
    assert path.is_file(), f"{rel} was not built"
    return parse_html(path)


# --- every page ---------------------------------------------------------------------------------------------

def html_pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def test_every_page_has_title_description_canonical_and_open_graph(example_out):
    base = "https://example.github.io/venezuela-briefs/"
    for path in html_pages(example_out):
        rel = path.relative_to(example_out).as_posix()
        doc = parse_html(path)
        head = doc.find("head")
        assert head.find("title").text(), rel
        metas = {m.get("name") or m.get("property"): m.get("content") for m in head.find_all("meta")}
        assert metas.get("description"), f"{rel}: empty meta description"
        for prop in ("og:title", "og:description", "og:type", "og:site_name"):
            assert metas.get(prop), f"{rel}: no {prop}"
        if rel == "404.html":
            assert metas.get("robots") == "noindex"
            continue
        url = base + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
        assert head.find("link", rel="canonical").get("href") == url, rel
        assert metas["og:url"] == url, rel
        assert doc.find("html").get("lang") == "en"
        assert len(doc.find_all("h1")) == 1, f"{rel}: one <h1> per page"


def test_page_titles_and_descriptions(example_out):
    home = page(example_out, "index.html").find("head")
    assert home.find("title").text() == "Venezuela Crisis Briefing"
    brief = page(example_out, "briefs/oval-office-meeting/index.html").find("head")
    assert brief.find("title").text().startswith("Trump summons security chiefs")
    assert brief.find("title").text().endswith("— Venezuela Crisis Briefing")
    summary = " ".join(example_briefs()["oval-office-meeting"]["summary"].split())
    assert brief.find("meta", name="description").get("content") == summary
    assert brief.find("meta", property="og:type").get("content") == "article"
    assert brief.find("meta", property="article:published_time").get("content") == "2025-12-01"


def test_no_javascript_needed_and_nothing_external(example_out):
    """Content is in the HTML; scripts are only local and deferred; no fonts or styles from elsewhere."""
    for path in html_pages(example_out):
        doc = parse_html(path)
        for script in doc.find_all("script"):
            src = script.get("src")
            if src is None:
                assert script.get("type") == "application/ld+json", path
            else:
                assert "://" not in src and not src.startswith("//"), path
        for link in doc.find_all("link", rel="stylesheet"):
            assert "://" not in link.get("href"), path
    css = (example_out / "assets" / "style.css").read_text(encoding="utf-8")
    assert "@import" not in css and "url(" not in css and "@font-face" not in css


# --- home, archive -------------------------------------------------------------------------------------------

def test_home_lists_latest_briefs_with_dates_summaries_and_status_counts(example_out):
    briefs = example_briefs()
    home = main(page(example_out, "index.html"))
    items = home.find("section", cls="home-briefs").find_all("li", cls="brief-item")
    assert len(items) == min(12, len(briefs))
    dates = [item.find("time").get("datetime") for item in items]
    assert dates == sorted(dates, reverse=True)
    first = items[0]
    slug = first.find("a").get("href").split("/")[-2]
    fm = briefs[slug]
    assert first.find("a").text() == fm["title"]
    assert first.find("p", cls="summary").text() == " ".join(fm["summary"].split())
    counts = {}
    for claim in fm.get("claims", []):
        counts[claim["status"]] = counts.get(claim["status"], 0) + 1
    badges = first.find("ul", cls="status-counts").find_all(cls="badge")
    assert {b.text() for b in badges} == {f"{STATUS_LABELS[k]} {n}" for k, n in counts.items()}
    # plain: a link to claims/<status>/ would lead to every claim of that status, not the brief's own
    assert {b.tag for b in badges} == {"span"} and not first.find("ul", cls="status-counts").find_all("a")


def test_status_counts_on_cards_are_plain_and_the_tracker_s_badges_links(example_out):
    for path in ("index.html", "briefs/index.html", "timeline/index.html", "people/donald-trump/index.html",
                 "briefs/caribbean-buildup/index.html"):
        counts = main(page(example_out, path)).find_all("ul", cls="status-counts")
        assert counts and not [a for ul in counts for a in ul.find_all("a")], path
    for path in ("index.html", "claims/index.html", "claims/denied/index.html"):
        legend = main(page(example_out, path)).find("ul", cls="status-legend")
        assert all(b.get("href", "").endswith(f"claims/{b.classes[1][len('status-'):]}/")
                   for b in legend.find_all("a", cls="badge")) and legend.find_all("a", cls="badge"), path


def test_home_links_to_every_section(example_out):
    hrefs = {a.get("href") for a in page(example_out, "index.html").find_all("a")}
    for section in ("briefs/", *(f"{k}/" for k in KINDS), "claims/", "timeline/", "tags/", "feed.xml"):
        assert section in hrefs, section


def test_brief_archive_lists_every_brief_newest_first(example_out):
    doc = main(page(example_out, "briefs/index.html"))
    items = doc.find_all("li", cls="brief-item")
    assert len(items) == len(example_briefs())
    dates = [i.find("time").get("datetime") for i in items]
    assert dates == sorted(dates, reverse=True)


# --- a brief ------------------------------------------------------------------------------------------------

def test_brief_page_shows_title_dates_summary_body_and_mentions(example_out):
    fm = example_briefs()["second-strike-report"]
    doc = main(page(example_out, "briefs/second-strike-report/index.html"))
    assert doc.find("h1").text() == fm["title"]
    times = [t.get("datetime") for t in doc.find("header", cls="brief-header").find_all("time")]
    assert times == [iso_day(fm["date"]), iso_day(fm["updated"])]
    assert doc.find("p", cls="standfirst").text() == " ".join(fm["summary"].split())
    body = doc.find("div", cls="prose")
    mentions = {a.get("href"): a.text() for a in body.find_all("a", cls="mention")}
    assert mentions["../../people/pete-hegseth/"] == "Secretary of War Pete Hegseth"
    assert "../../people/donald-trump/" in mentions
    # first mention only: one mention link per entity
    hrefs = [a.get("href") for a in body.find_all("a", cls="mention")]
    assert len(hrefs) == len(set(hrefs))
    # [[slug]] and [[id|text]] links
    wikilinks = {a.get("href"): a.text() for a in body.find_all("a", cls="wikilink")}
    assert wikilinks["../../events/boat-strike-2025-09-02/"] == "on 2 September"
    assert wikilinks["../../briefs/caribbean-buildup/"] == "Largest US force in the Caribbean since the Cold War"
    # never inside headings
    for heading in body.find_all("h2"):
        assert not heading.find_all("a")


def test_brief_claims_have_badges_claimant_source_note_and_stable_anchors(example_out):
    fm = example_briefs()["second-strike-report"]
    doc = main(page(example_out, "briefs/second-strike-report/index.html"))
    claims = doc.find("section", cls="claims").find_all("li", cls="claim")
    assert len(claims) == len(fm["claims"])
    for li, claim in zip(claims, fm["claims"], strict=True):
        status = claim["status"] if isinstance(claim["status"], str) else str(claim["status"]).lower()
        assert li.get("id") == f"claim-{claim['id']}"
        assert f"status-{status}" in li.classes
        badge = li.find(cls="badge")
        assert badge.text() == STATUS_LABELS[status]  # a text label, never colour alone
        assert badge.get("href") == f"../../claims/{status}/"
        assert li.find("p", cls="claim-text").text() == " ".join(claim["text"].split())
        meta = {div.find("dt").text(): div.find("dd") for div in li.find("dl").find_all("div")}
        if claim.get("by"):
            assert meta["By"].text()
        if claim.get("source"):
            assert meta["Source"].text().startswith(claim["source"])
        if claim.get("note"):
            assert li.find("p", cls="claim-note").text().startswith("Note:")
        assert li.find("a", cls="permalink").get("href") == f"#claim-{claim['id']}"
    hegseth = doc.find("li", id_="claim-report-fabricated")
    by = {div.find("dt").text(): div.find("dd") for div in hegseth.find("dl").find_all("div")}["By"]
    assert by.find("a").get("href") == "../../people/pete-hegseth/"


def test_brief_sources_chips_and_related(example_out):
    fm = example_briefs()["oval-office-meeting"]
    doc = main(page(example_out, "briefs/oval-office-meeting/index.html"))
    sources = doc.find("section", cls="sources").find_all("li")
    assert [li.text().split(":")[0] for li in sources] == [s["outlet"] for s in fm["sources"]]
    groups = doc.find("section", cls="entities").find_all("div", cls="entity-group")
    labels = [g.find("h3").text() for g in groups]
    assert labels == [k.capitalize() for k in KINDS if fm.get(k)]
    people = groups[0].find_all("a", cls="chip")
    assert [a.get("href") for a in people] == [f"../../people/{p}/" for p in fm["people"]]
    related = parse_html(example_out / "briefs/oval-office-meeting/index.html").find("aside", cls="related")
    shared = [int(p.text().split()[0]) for p in related.find_all("p", cls="shared")]
    assert shared and shared == sorted(shared, reverse=True)


def shared_entities(a: dict, b: dict) -> int:
    return sum(len(set(a.get(k, [])) & set(b.get(k, []))) for k in KINDS)


def test_related_briefs_are_ranked_by_shared_entities(example_out):
    briefs = example_briefs()
    for slug, fm in briefs.items():
        related = parse_html(example_out / f"briefs/{slug}/index.html").find_all("aside", cls="related")
        if not related:
            continue
        for item in related[0].find_all("li", cls="brief-item"):
            other = item.find("a").get("href").split("/")[-2]
            stated = int(item.find("p", cls="shared").text().split()[0])
            assert stated == shared_entities(fm, briefs[other]), (slug, other)


# --- JSON-LD ------------------------------------------------------------------------------------------------

def jsonld(doc) -> list:
    scripts = doc.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    return json.loads(scripts[0].raw_text())


def test_brief_jsonld_newsarticle_and_one_claimreview_per_verdict(example_out):
    for slug, fm in example_briefs().items():
        data = jsonld(page(example_out, f"briefs/{slug}/index.html"))
        article = data[0]
        assert article["@type"] == "NewsArticle"
        assert article["headline"] == fm["title"]
        assert article["datePublished"] == iso_day(fm["date"])
        assert article["url"] == f"https://example.github.io/venezuela-briefs/briefs/{slug}/"
        reviews = [d for d in data if d["@type"] == "ClaimReview"]
        verdicts = [c for c in fm.get("claims", []) if str(c["status"]).lower() not in NON_VERDICT_STATUSES]
        assert len(reviews) == len(verdicts) == len(data) - 1
        for review, claim in zip(reviews, verdicts, strict=True):
            status = str(claim["status"]).lower()
            assert review["claimReviewed"] == " ".join(claim["text"].split())
            assert review["reviewRating"]["alternateName"] == STATUS_LABELS[status]
            assert review["url"].endswith(f"#claim-{claim['id']}")

            author = review["itemReviewed"].get("author")
            if author and "url" in author:  # a claimant with a page: a Person or an Organization, as schema.org expects
                kind = author["url"].split("/")[-3]
                assert author["@type"] == {"people": "Person", "organizations": "Organization"}.get(kind, "Thing")
        about = {(a["url"].split("/")[-3], a["@type"]) for a in article["about"]}
        assert {t for k, t in about if k in ("people", "organizations", "places", "events")} <= {
            "Person", "Organization", "Place", "Event"} and all(t == "Thing" for k, t in about if k == "ships")
    trump = jsonld(page(example_out, "briefs/trump-maduro-call/index.html"))
    assert {"@type": "Person", "name": "Donald Trump",
            "url": "https://example.github.io/venezuela-briefs/people/donald-trump/"} in trump[0]["about"]


def test_entity_pages_describe_their_entity_for_search_engines(example_out):
    maduro = jsonld(page(example_out, "people/nicolas-maduro/index.html"))
    assert maduro["@type"] == "Person" and maduro["name"] == "Nicolás Maduro" and "Maduro" in maduro["alternateName"]
    assert maduro["url"] == "https://example.github.io/venezuela-briefs/people/nicolas-maduro/"
    assert maduro["sameAs"] and all(u.startswith("https://") for u in maduro["sameAs"])
    call = jsonld(page(example_out, "events/trump-maduro-phone-call-2025-11-21/index.html"))
    assert (call["@type"], call["startDate"]) == ("Event", "2025-11-21")
    assert jsonld(page(example_out, "ships/uss-gerald-r-ford/index.html"))["@type"] == "Thing"


HOSTILE = '</script><script>alert("x")</script> & <!-- \u2028 "quoted"'


def test_jsonld_survives_hostile_strings(tmp_path):
    site = make_site(tmp_path / "s", {
        "briefgen.yaml": "title: T\nbase_url: https://example.org/\n",
        "content/briefs/2025-01-01-x.md": f"""
            ---
            title: {json.dumps(HOSTILE)}
            date: 2025-01-01
            summary: {json.dumps(HOSTILE)}
            claims:
              - text: {json.dumps(HOSTILE)}
                status: false
                by: {json.dumps(HOSTILE)}
            ---
            Body.
        """,
    })
    out = build(site, tmp_path / "out")
    raw = (out / "briefs/x/index.html").read_text(encoding="utf-8")
    doc = parse_html(raw)
    scripts = doc.find_all("script")
    assert [s.get("type") for s in scripts if s.get("src") is None] == ["application/ld+json"]
    assert "alert" not in "".join(s.raw_text() for s in scripts if s.get("type") != "application/ld+json")
    data = jsonld(doc)
    assert data[0]["headline"] == HOSTILE
    assert data[1]["claimReviewed"] == HOSTILE
    assert data[1]["itemReviewed"]["author"]["name"] == HOSTILE
    assert data[1]["reviewRating"]["alternateName"] == "False"
    assert doc.find("h1").text() == " ".join(HOSTILE.split())
    assert doc.find("title").text().startswith("</script>")


def test_json_for_html_escapes_everything_that_could_end_a_script():
    from briefgen.render import json_for_html

    text = json_for_html({"a": "</script><!--&\u2028\u2029"})
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in text
    assert json.loads(text) == {"a": "</script><!--&\u2028\u2029"}


# --- entities -----------------------------------------------------------------------------------------------

def test_entity_page_name_summary_facts_links_and_feed(example_out):
    fm = front_matter(REPO / "content/ships/uss-gerald-r-ford.yaml")
    doc = main(page(example_out, "ships/uss-gerald-r-ford/index.html"))
    assert doc.find("h1").text() == fm["name"]
    assert doc.find("p", cls="kicker").text() == "Ship"
    assert doc.find("p", cls="standfirst").text() == fm["summary"]
    facts = {tr.find("th").text(): tr.find("td") for tr in doc.find("table", cls="facts").find_all("tr")}
    assert facts["Hull"].text() == fm["hull"]
    assert facts["Class"].text() == fm["class"]
    assert facts["Operator"].find("a").get("href") == "../../organizations/united-states-navy/"
    assert facts["Also known as"].text() == ", ".join(fm["aliases"])
    links = doc.find("ul", cls="link-list").find_all("a")
    assert [(a.text(), a.get("href")) for a in links] == [("Wikipedia", fm["links"]["wikipedia"])]
    assert doc.find("p", cls="feed-link").find("a").get("href") == "../../ships/uss-gerald-r-ford/feed.xml"


def test_a_fact_that_names_one_entity_links_to_it(tmp_path):
    """Besides the reference facts (place, operator), a fact whose value is an entity's name, alias or id
    links to its page; a value naming none, several, the entity itself or only a stub stays text."""
    files = {**BASIC,
             "content/people/nicolas-maduro.yaml": """
                 name: Nicolás Maduro
                 aliases: [Maduro]
                 predecessor: hugo chavez
                 rival: Donald Trump
                 self: Maduro
                 party: United Socialist Party of Venezuela
                 either: Twin
                 one: organizations/twin-b
                 country: venezuela
             """,
             "content/people/hugo-chavez.yaml": "name: Hugo Chávez\n",
             "content/people/twin-a.yaml": "name: Twin A\naliases: [Twin]\n",
             "content/organizations/twin-b.yaml": "name: Twin B\naliases: [Twin]\n"}
    files["content/briefs/2025-12-01-meeting.md"] = files["content/briefs/2025-12-01-meeting.md"].replace(
        "people: [", "places: [Venezuela]\n        people: [")
    code, _, err = run_cli("build", make_site(tmp_path / "s", files), "--out", tmp_path / "out")
    assert code == 0, err
    doc = main(parse_html(tmp_path / "out/people/nicolas-maduro/index.html"))
    facts = {tr.find("th").text(): tr.find("td") for tr in doc.find("table", cls="facts").find_all("tr")}
    links = {label: [a.get("href") for a in td.find_all("a")] for label, td in facts.items()}
    assert links["Predecessor"] == ["../../people/hugo-chavez/"]  # its name, however it is written
    assert facts["Predecessor"].text() == "Hugo Chávez"  # named as its page names it, as place and operator are
    assert links["Rival"] == ["../../people/donald-trump/"]
    assert links["Self"] == links["Party"] == links["Either"] == []
    assert links["One"] == ["../../organizations/twin-b/"]  # kind/id picks one
    assert links["Country"] == []  # Venezuela is a stub (a brief names it, no file): no page of its own


def test_entity_page_briefs_newest_first_claims_by_and_about(example_out):
    briefs = example_briefs()
    mentioning = {s for s, fm in briefs.items() if "donald-trump" in fm.get("people", [])}
    doc = main(page(example_out, "people/donald-trump/index.html"))
    section = doc.find("section", **{"aria-labelledby": "briefs"})
    items = section.find_all("li", cls="brief-item")
    assert {i.find("h3").find("a").get("href").split("/")[-2] for i in items} == mentioning
    dates = [i.find("time").get("datetime") for i in items]
    assert dates == sorted(dates, reverse=True)
    by = [c for fm in briefs.values() for c in fm.get("claims", []) if c.get("by") in ("Donald Trump", "donald-trump")]
    claims_by = doc.find("section", **{"aria-labelledby": "claims-by"}).find_all("li", cls="claim")
    assert len(claims_by) == len(by)
    for li in claims_by:
        assert li.find(cls="badge").text() in STATUS_LABELS.values()
        link = {d.find("dt").text(): d.find("dd") for d in li.find("dl").find_all("div")}["In"].find("a")
        assert link.get("href").startswith("../../briefs/") and "#claim-" in link.get("href")
    about = [c for fm in briefs.values() for c in fm.get("claims", []) if "donald-trump" in c.get("about", [])]
    claims_about = doc.find("section", **{"aria-labelledby": "claims-about"}).find_all("li", cls="claim")
    assert len(claims_about) == len(about)


def test_entity_page_co_mentions_with_counts(example_out):
    briefs = example_briefs()
    mine = [fm for fm in briefs.values() if "donald-trump" in fm.get("people", [])]
    doc = main(page(example_out, "people/donald-trump/index.html"))
    rows = doc.find("ul", cls="mention-list").find_all("li")
    assert rows
    counts = []
    for li in rows:
        kind, ident = li.find("a").get("href").split("/")[-3:-1]
        expected = sum(1 for fm in mine if ident in fm.get(kind, []))
        count = int(li.find("span", cls="count").text().split()[0])
        assert count == expected, ident
        counts.append(count)
    assert counts == sorted(counts, reverse=True)


def test_event_page_and_kind_index_show_dates_and_places(example_out):
    doc = main(page(example_out, "events/oval-office-meeting-2025-12-01/index.html"))
    when = doc.find("p", cls="event-when")
    assert when.find("time").get("datetime") == "2025-12-01"
    assert when.find("a").get("href") == "../../places/oval-office/"
    events = main(page(example_out, "events/index.html")).find("ul", cls="entity-list").find_all("li")
    rows = [li for li in events if li.parent.tag == "ul"]
    dates = [li.find("time").get("datetime") for li in rows]
    assert dates == sorted(dates, reverse=True)
    assert len(rows) == len(list((REPO / "content/events").iterdir()))


def test_kind_index_lists_entities_with_brief_counts(example_out):
    briefs = example_briefs()
    doc = main(page(example_out, "people/index.html"))
    rows = [li for li in doc.find("ul", cls="entity-list").find_all("li") if li.parent.tag == "ul"]
    assert len(rows) == len(list((REPO / "content/people").iterdir()))
    for li in rows:
        ident = li.find("a", cls="name").get("href").split("/")[-2]
        expected = sum(1 for fm in briefs.values() if ident in fm.get("people", []))
        assert li.find("p", cls="count").text() == f"{expected} brief{'' if expected == 1 else 's'}"


# --- claims, timeline, tags, 404 ----------------------------------------------------------------------------

def all_claims() -> list[tuple[str, dict]]:
    return [(slug, c) for slug, fm in example_briefs().items() for c in fm.get("claims", [])]


def test_claims_tracker_groups_every_claim_by_status(example_out):
    claims = all_claims()
    doc = main(page(example_out, "claims/index.html"))
    groups = doc.find_all("section", cls="claim-group")
    assert [g.get("id") for g in groups] == list(DEFAULT_STATUSES)
    for group in groups:
        status = group.get("id")
        expected = [c for _, c in claims if str(c["status"]).lower() == status]
        items = group.find_all("li", cls="claim")
        assert len(items) == min(len(expected), 20)
        assert group.find("h2").find(cls="badge").text() == STATUS_LABELS[status]
        for li in items:
            assert f"status-{status}" in li.classes
    legend = doc.find("ul", cls="status-legend").find_all("a")
    assert [a.get("href") for a in legend] == [f"../claims/{k}/" for k in DEFAULT_STATUSES]


def test_status_pages_list_only_their_claims_linking_to_anchors(example_out):
    claims = all_claims()
    for status, label in STATUS_LABELS.items():
        doc = main(page(example_out, f"claims/{status}/index.html"))
        assert doc.find("h1").text().startswith(f"{label} claims")
        items = doc.find("ol", cls="claim-list").find_all("li", cls="claim") if doc.find_all("ol") else []
        expected = [(s, c) for s, c in claims if str(c["status"]).lower() == status]
        assert len(items) == len(expected)
        for li, (slug, claim) in zip(items, expected, strict=True):
            assert li.find(cls="badge").text() == label
            meta = {d.find("dt").text(): d.find("dd") for d in li.find("dl").find_all("div")}
            assert meta["In"].find("a").get("href") == f"../../briefs/{slug}/#claim-{claim['id']}"
        # the list of all statuses below marks this one as the page the reader is on
        legend = doc.find("ul", cls="status-legend")
        assert [a.text().split()[0] for a in legend.find_all("a") if a.get("aria-current") == "page"] == [label]


def test_every_page_has_the_sites_icon(example_out):
    for path in html_pages(example_out):
        icons = parse_html(path).find_all("link", rel="icon")
        assert len(icons) == 1, path
        assert (path.parent / icons[0].get("href")).resolve() == (example_out / "assets/favicon.svg").resolve() \
            or path.name == "404.html", path
    assert (example_out / "assets/favicon.svg").read_text().startswith("<svg xmlns=")


def test_timeline_shows_events_and_briefs_in_date_order_with_places(example_out):
    doc = main(page(example_out, "timeline/index.html"))
    days = [d.find("time").get("datetime") for d in doc.find_all("h2", cls="tl-date")]
    assert days == sorted(days) and len(days) == len(set(days))
    items = doc.find_all("li", cls="tl-item")
    events = len(list((REPO / "content/events").iterdir()))
    assert len(items) == events + len(example_briefs())
    assert len([i for i in items if "tl-event" in i.classes]) == events
    strike = next(i for i in items if i.find("h3").find("a").get("href") == "../events/boat-strike-2025-09-02/")
    assert strike.find("p", cls="meta").find("a").get("href") == "../places/caribbean-sea/"


def test_tag_pages(example_out):
    briefs = example_briefs()
    tagged = {s for s, fm in briefs.items() if "Venezuela" in fm.get("tags", [])}  # tags/venezuela/: its URL name
    doc = main(page(example_out, "tags/venezuela/index.html"))
    assert {h.find("a").get("href").split("/")[-2] for h in doc.find_all("h2")} == tagged
    index = main(page(example_out, "tags/index.html"))
    link = index.find("a", href="../tags/venezuela/")
    assert link.text() == f"Venezuela {len(tagged)}"


def test_404_nojekyll_and_machine_files(example_out):
    doc = page(example_out, "404.html")
    assert doc.find("h1").text() == "Page not found"
    # served at any depth by GitHub Pages: links start from base_url's path
    assert doc.find("link", rel="stylesheet").get("href") == "/venezuela-briefs/assets/style.css"
    assert (example_out / ".nojekyll").read_bytes() == b""
    for name in ("feed.xml", "sitemap.xml", "robots.txt"):
        assert (example_out / name).is_file()


# --- small sites --------------------------------------------------------------------------------------------

def many_briefs(n: int) -> dict[str, str]:
    files = {"briefgen.yaml": "title: Many\npage_size: 2\n"}
    for i in range(1, n + 1):
        files[f"content/briefs/2025-01-{i:02d}-b{i}.md"] = (
            f"---\ntitle: Brief {i}\ndate: 2025-01-{i:02d}\nsummary: S{i}.\ntags: [t]\n"
            f"claims:\n  - text: C{i}.\n    status: disputed\n---\nBody.\n")
    return files


def test_long_lists_are_paginated(tmp_path):
    out = build(make_site(tmp_path / "s", many_briefs(5)), tmp_path / "out")
    for base in ("briefs", "tags/t", "claims/disputed", "timeline"):
        first = main(parse_html(out / base / "index.html"))
        assert len(first.find_all("li", cls="brief-item") or first.find_all("li", cls="claim")
                   or first.find_all("li", cls="tl-item")) == 2
        pager = first.find("nav", cls="pager")
        assert pager.find("a", rel="next").get("href").endswith(f"{base.split('/')[-1]}/page/2/")
        last = parse_html(out / base / "page/3/index.html")
        assert not last.find("nav", cls="pager").find_all("a", rel="next")
        assert last.find("nav", cls="pager").find("span", **{"aria-current": "page"}).text() == "3"
    newest = main(parse_html(out / "briefs/index.html")).find("li", cls="brief-item").find("h2").text()
    assert newest == "Brief 5"


def test_no_base_url_means_no_canonical_and_relative_everything(tmp_path):
    out = build(make_site(tmp_path / "s", {**BASIC, "briefgen.yaml": "title: T\n"}), tmp_path / "out")
    doc = parse_html(out / "briefs/meeting/index.html")
    assert not doc.find_all("link", rel="canonical")
    assert not doc.find_all("meta", property="og:url")
    data = jsonld(doc)
    assert "url" not in data[0]
    assert parse_html(out / "404.html").find("link", rel="stylesheet").get("href") == "assets/style.css"


def test_drafts_and_stub_entities(tmp_path):
    files = {**BASIC}
    files["content/briefs/2025-12-02-draft.md"] = ("---\ntitle: Draft one\ndate: 2025-12-02\nsummary: S.\n"
                                                   "draft: true\npeople: [nobody-known]\n---\nBody.\n")
    out = build(make_site(tmp_path / "s", files), tmp_path / "out", "--drafts")
    doc = main(parse_html(out / "briefs/draft/index.html"))
    assert "Draft" in doc.find("p", cls="kicker").text()
    stub = main(parse_html(out / "people/nobody-known/index.html"))
    assert stub.find("p", cls="notice")
    chip = doc.find("a", cls="chip")
    assert "chip-stub" in chip.classes


def test_output_is_deterministic(tmp_path):
    site = make_site(tmp_path / "s", BASIC)
    a, b = build(site, tmp_path / "a"), build(site, tmp_path / "b")
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files_a == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


@pytest.mark.parametrize("status", list(DEFAULT_STATUSES))
def test_every_status_badge_has_its_label(tmp_path, status):
    files = {**BASIC}
    files["content/briefs/2025-12-01-meeting.md"] = BASIC["content/briefs/2025-12-01-meeting.md"].replace(
        "status: reported", f"status: '{status}'")
    out = build(make_site(tmp_path / "s", files), tmp_path / "out")
    badge = main(parse_html(out / "briefs/meeting/index.html")).find("li", cls="claim").find(cls="badge")
    assert badge.text() == STATUS_LABELS[status]
    assert f"status-{status}" in badge.classes


def test_cli_build_reports_no_traceback_for_template_errors(tmp_path):
    site = make_site(tmp_path / "s", {**BASIC, "templates/tag.html": "{% extends 'base.html' %}\n"
                                      "{% block main %}{{ tag.nope() }}{% endblock %}\n"})
    code, out, err = run_cli("build", site, "--out", tmp_path / "out")
    assert code == 1
    assert "Traceback" not in out + err
    assert "templates/tag.html:2:1: error: template error while rendering tags/venezuela/index.html" in err


def test_an_outlets_page_lists_the_briefs_that_cite_it_without_counting_them_as_mentions(tmp_path):
    """A news organization used as a source is not a party to the story: it is not listed among the brief's
    entities (nor counted with them), yet its page shows the briefs one of whose sources it is."""
    files = {**BASIC, "content/organizations/cnn.yaml": "name: CNN\n"}
    site = make_site(tmp_path / "s", files)
    out = build(site, tmp_path / "out")
    page = parse_html((out / "organizations/cnn/index.html").read_text())
    cited = page.find("section", aria_labelledby="cited")
    assert cited.find("h2").text() == "Briefs citing CNN 1"
    assert [a.get("href") for a in cited.find_all("a")][:1] == ["../../briefs/meeting/"]
    # a source is no mention; an outlet only cited has no empty "Briefs 0" section above its citing briefs
    assert page.find_all("section", aria_labelledby="briefs") == []
    assert "No brief mentions CNN" not in page.text()
    maduro = parse_html((out / "people/nicolas-maduro/index.html").read_text())
    assert maduro.find("section", aria_labelledby="briefs") is not None
    trump = parse_html((out / "people/donald-trump/index.html").read_text())
    with_links = [a.get("href") for a in trump.find("section", aria_labelledby="with").find_all("a")]
    assert "../../people/nicolas-maduro/" in with_links
    assert "../../organizations/cnn/" not in with_links  # nor often mentioned with the brief's entities
    brief = (out / "briefs/meeting/index.html").read_text()
    assert 'href="../../organizations/cnn/"' in brief  # its source line links to it, as before
