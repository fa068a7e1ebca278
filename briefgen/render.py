"""Pages: the list of every output file of a site, and rendering one page.

:func:`site_pages` says what to write (path, template, context);
:func:`render_page` is a pure function of (page, site view, theme) → bytes.
Writing is :mod:`briefgen.output`'s job."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import jinja2

from .config import NON_VERDICT_STATUSES
from .markdown import ROOT
from .model import sort_key
from .resolve import Site
from .views import BriefView, DateView, Views

HOME_BRIEFS = 12
CLAIMS_PER_STATUS_ON_TRACKER = 20


@dataclass(frozen=True, slots=True)
class Page:
    """One output file: where it goes, which template renders it, and what it shows."""

    path: str  # relative output path, e.g. "briefs/x/index.html"
    template: str
    title: str
    description: str = ""
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """Site-relative URL: ``briefs/x/`` for ``briefs/x/index.html``."""
        return self.path[: -len("index.html")] if self.path.endswith("index.html") else self.path

    @property
    def root(self) -> str:
        """Relative way back to the site root from this page's folder."""
        return "../" * self.path.count("/")


@dataclass(frozen=True, slots=True)
class Pagination:
    number: int
    total: int
    prev_url: str | None
    next_url: str | None
    first_url: str


def paginate(items: list, base: str, size: int) -> Iterator[tuple[str, list, Pagination]]:
    """Split ``items`` over ``base/index.html``, ``base/page/2/index.html``, …"""
    chunks = [items[i:i + size] for i in range(0, len(items), size)] or [[]]
    urls = [base] + [f"{base}page/{n}/" for n in range(2, len(chunks) + 1)]
    for n, chunk in enumerate(chunks, 1):
        pagination = Pagination(n, len(chunks), urls[n - 2] if n > 1 else None,
                                urls[n] if n < len(chunks) else None, base)
        yield urls[n - 1] + "index.html", chunk, pagination


def site_pages(site: Site, views: Views) -> Iterator[Page]:
    """Every page of the site, in a stable order."""
    config = site.config
    size = config.page_size
    summaries = [views.summary(b) for b in site.briefs]

    yield Page("index.html", "index.html", config.title, config.description,
               {"briefs": summaries[:HOME_BRIEFS], "brief_count": len(summaries), "sections": sections(site)})
    for path, chunk, pagination in paginate(summaries, "briefs/", size):
        yield Page(path, "briefs.html", "All briefs", f"Every brief of {config.title}, newest first.",
                   {"briefs": chunk, "pagination": pagination})
    for brief in site.briefs:
        view = views.brief(brief)
        yield Page(f"briefs/{brief.slug}/index.html", "brief.html", brief.title, brief.summary,
                   {"brief": view, "jsonld": brief_jsonld(site, view), "og_type": "article"})

    for kind, kind_config in config.entity_kinds.items():
        entities = site.kind_entities(kind)
        listing = [(views.link(e.key), e.summary, len(site.mentioned_in.get(e.key, []))) for e in entities]
        yield Page(f"{kind}/index.html", "kind.html", kind_config.label,
                   f"{kind_config.label} in {config.title}.", {"kind": kind_config, "entities": listing})
        for e in entities:
            view = views.entity(e)
            description = e.summary or f"{kind_config.singular} in {config.title}."
            yield Page(f"{kind}/{e.id}/index.html", "entity.html", e.name, description,
                       {"entity": view, "kind": kind_config, "feed": f"{kind}/{e.id}/feed.xml"})
            yield Page(f"{kind}/{e.id}/feed.xml", "feed.xml", f"{e.name} — {config.title}", description,
                       {"entries": view.briefs[:50], "self_path": f"{kind}/{e.id}/feed.xml",
                        "alternate": f"{kind}/{e.id}/", "updated": feed_updated(site, e.key)})

    statuses = config.claim_statuses
    groups = [(s, [views.claim(c) for c in site.claims_by_status.get(k, [])]) for k, s in statuses.items()]
    yield Page("claims/index.html", "claims.html", "Claims tracker",
               f"Every claim in {config.title}, by verification status.",
               {"groups": [(s, claims[:CLAIMS_PER_STATUS_ON_TRACKER], len(claims)) for s, claims in groups],
                "claim_count": sum(len(c) for _, c in groups)})
    for status, claims in groups:
        for path, chunk, pagination in paginate(claims, f"claims/{status.key}/", size):
            yield Page(path, "status.html", f"{status.label} claims", status.description,
                       {"status": status, "claims": chunk, "count": len(claims), "pagination": pagination})

    items = timeline(site, views)
    for path, chunk, pagination in paginate(items, "timeline/", size):
        yield Page(path, "timeline.html", "Timeline", f"Events and briefs of {config.title} in date order.",
                   {"items": chunk, "pagination": pagination})

    tag_list = [(label, slug, len(briefs)) for slug, (label, briefs) in site.tags.items()]
    yield Page("tags/index.html", "tags.html", "Tags", f"Topics in {config.title}.", {"tags": tag_list})
    for slug, (label, briefs) in site.tags.items():
        for path, chunk, pagination in paginate([views.summary(b) for b in briefs], f"tags/{slug}/", size):
            yield Page(path, "tag.html", f"Tagged “{label}”", f"Briefs tagged {label}.",
                       {"tag": label, "briefs": chunk, "pagination": pagination})

    yield Page("404.html", "404.html", "Page not found", "This page does not exist.")
    yield Page("feed.xml", "feed.xml", config.title, config.description,
               {"entries": summaries[:50], "self_path": "feed.xml", "alternate": "",
                "updated": summaries[0].updated or summaries[0].date if summaries else None})


def sections(site: Site) -> list[tuple[str, str, int]]:
    """(label, url, count) for the home page's section list."""
    out = [("Briefs", "briefs/", len(site.briefs))]
    for kind, cfg in site.config.entity_kinds.items():
        out.append((cfg.label, f"{kind}/", sum(1 for k in site.entities if k[0] == kind)))
    out.append(("Claims", "claims/", sum(len(c) for c in site.claims_by_status.values())))
    out.append(("Timeline", "timeline/", len(site.briefs) + sum(1 for k in site.entities if k[0] == "events")))
    out.append(("Tags", "tags/", len(site.tags)))
    return out


@dataclass(frozen=True, slots=True)
class TimelineItem:
    date: DateView
    end_date: DateView | None
    kind: str  # "event" or "brief"
    title: str
    url: str
    summary: str
    place: Any = None  # EntityLink of an event's place


def timeline(site: Site, views: Views) -> list[TimelineItem]:
    keyed = []
    for key, e in site.entities.items():
        if key[0] == "events" and e.date is not None:
            ref = e.fact_refs.get("place")
            place = views.link(ref.key) if ref and ref.key else None
            keyed.append(((sort_key(e.date), 0, e.id), TimelineItem(
                DateView.of(e.date), DateView.of(e.end_date), "event", e.name, f"events/{e.id}/", e.summary, place)))
    for b in site.briefs:
        keyed.append(((sort_key(b.date), 1, b.slug), TimelineItem(
            DateView.of(b.date), None, "brief", b.title, f"briefs/{b.slug}/", b.summary)))
    keyed.sort(key=lambda kv: kv[0])
    return [item for _, item in keyed]


def feed_updated(site: Site, key) -> DateView | None:
    briefs = site.mentioned_in.get(key, [])
    if not briefs:
        return None
    return DateView.of(max((b.updated or b.date for b in briefs), key=sort_key))


def json_for_html(data: Any) -> str:
    """JSON safe inside <script>: no '<', '>' or '&' can end the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") \
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def brief_jsonld(site: Site, view: BriefView) -> str:
    """schema.org NewsArticle plus one ClaimReview per claim whose status is a verdict."""
    config = site.config
    s = view.summary
    url = config.absolute(s.url)
    article: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": s.title,
        "description": s.summary, "datePublished": s.date.iso, "inLanguage": config.language,
        "publisher": {"@type": "Organization", "name": config.title},
        "about": [{"@type": "Thing", "name": link.name} for g in view.groups for link in g.entities],
    }
    if s.updated:
        article["dateModified"] = s.updated.iso
    if url:
        article["url"] = url
        article["mainEntityOfPage"] = url
    graph = [article]
    for c in view.claims:
        if c.status in NON_VERDICT_STATUSES:
            continue
        review: dict[str, Any] = {
            "@context": "https://schema.org", "@type": "ClaimReview", "claimReviewed": c.text,
            "datePublished": s.date.iso,
            "author": {"@type": "Organization", "name": config.title},
            "reviewRating": {"@type": "Rating", "alternateName": c.status_label},
        }
        if url:
            review["url"] = f"{url}#{c.anchor}"
        if c.by:
            review["itemReviewed"] = {"@type": "Claim", "author": {"@type": "Thing", "name": c.by_entity.name
                                                                   if c.by_entity else c.by}}
        graph.append(review)
    return json_for_html(graph)


def site_context(site: Site) -> dict[str, Any]:
    """What every page receives as ``site``."""
    config = site.config
    return {
        "title": config.title, "description": config.description, "language": config.language,
        "base_url": config.base_url,
        "kinds": [(k, c.label) for k, c in config.entity_kinds.items()],
        "statuses": list(config.claim_statuses.values()),
    }


def render_page(env: jinja2.Environment, page: Page, site_view: dict[str, Any], config) -> bytes:
    """Render one page to bytes. Pure: the same inputs give the same bytes."""
    template = env.get_template(page.template)
    root = page.root
    html = template.render(
        site=site_view, page=page, root=root, canonical=config.absolute(page.url),
        absolute=config.absolute, **page.context)
    if ROOT in html:
        html = html.replace(ROOT, root)
    return html.encode("utf-8")
