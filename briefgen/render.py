"""Pages: the list of every output file of a site, and rendering one page.

:func:`site_pages` says what to write (path, template, context);
:func:`render_page` is a pure function of (page, site view, theme) → bytes.
Page contexts are plain data (dataclass views, strings, lists), so pages can be
pickled to worker processes. Writing is :mod:`briefgen.output`'s job."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2
from markupsafe import escape

from . import feeds, fragments
from .config import NON_VERDICT_STATUSES, StatusConfig
from .diagnostics import ContentError
from .i18n import Strings
from .links import ROOT
from .model import Brief, Entity, day_of, sort_key
from .resolve import Site
from .templating import template_error
from .views import BriefSummary, BriefView, ClaimView, DateView, EntityLink, StatusCount, Views, iso

HOME_BRIEFS = 12
HOME_EVENTS = 6
CLAIMS_PER_STATUS_ON_TRACKER = 20
FEED_ENTRIES = 50

# Files made by :mod:`briefgen.feeds` rather than a theme template (the page's ``template``).
GENERATED = ("feed.xml", "sitemap.xml", "robots.txt")
# The templates that pages are rendered with (:func:`site_pages`), in the order of their first pages.
PAGE_TEMPLATES = ("index.html", "briefs.html", "brief.html", "kind.html", "entity.html", "claims.html", "status.html",
                  "timeline.html", "tags.html", "tag.html", "search.html", "404.html")


class Absent(jinja2.Undefined):
    """A documented page variable that one page has no value for (a stub entity's ``jsonld``): false and
    empty, and not defined, so that every way a theme tests it, ``{% if jsonld %}`` (which a plain
    undefined name fails under the themes' StrictUndefined) or ``{% if jsonld is defined %}`` (which None
    passes, writing "None"), leaves it out."""

    __slots__ = ()

    def __reduce__(self):  # one value for a page's fingerprint, whatever its hint
        return Absent, ()


def url_of(path: str) -> str:
    """Site-relative URL of an output path: ``briefs/x/`` for ``briefs/x/index.html``."""
    return path[: -len("index.html")] if path.endswith("index.html") else path


@dataclass(frozen=True, slots=True)
class Page:
    """One output file: where it goes, which template renders it, and what it shows."""

    path: str  # relative output path, e.g. "briefs/x/index.html"
    template: str
    title: str
    description: str = ""
    context: dict[str, Any] = field(default_factory=dict)
    served_anywhere: bool = False  # 404.html: hosts serve it at any URL, so links start from base_url's path

    @property
    def url(self) -> str:
        """Site-relative URL: ``briefs/x/`` for ``briefs/x/index.html``."""
        return url_of(self.path)

    @property
    def root(self) -> str:
        """Relative way back to the site root from this page's folder."""
        return "../" * self.path.count("/")

    @property
    def section(self) -> str:
        """The first path segment (``briefs``, ``people``, ``claims``…); ``""`` for top-level files."""
        return self.path.split("/", 1)[0] if "/" in self.path else ""

    def page(self) -> Page:
        return self


@dataclass(frozen=True, slots=True)
class Deferred:
    """A page named by its path, whose context is built only when :meth:`page` is called: a process
    that renders a share of the pages, or none of them, walks the rest without building them."""

    path: str
    make: Callable[..., Page]
    args: tuple

    def page(self) -> Page:
        return self.make(*self.args)


@dataclass(frozen=True, slots=True)
class Pagination:
    number: int
    total: int
    prev_url: str | None
    next_url: str | None
    first_url: str

    @property
    def pages(self) -> list[tuple[int, str]]:
        """``(number, url)`` of every page. Made from ``first_url`` and ``total`` when asked for
        rather than kept: a long list has hundreds of pages, and each page's fingerprint would
        hold them all."""
        return [(1, self.first_url), *((n, page_url(self.first_url, n)) for n in range(2, self.total + 1))]

    @property
    def window(self) -> list[tuple[int, str] | None]:
        """The pages a pager shows: the first and last, and two either side of this one, with None where
        pages are left out (``1 … 7 8 9 10 11 … 40``); every page would make each page's pager grow with
        the list, and the whole list grow as its square."""
        shown = sorted({1, self.total, *range(max(1, self.number - 2), min(self.total, self.number + 2) + 1)})
        out: list[tuple[int, str] | None] = []
        for n in shown:
            if out and n - out[-1][0] == 2:  # type: ignore[index]  # one page left out: show it, not "…"
                out.append((n - 1, page_url(self.first_url, n - 1)))
            elif out and n - out[-1][0] > 2:  # type: ignore[index]
                out.append(None)
            out.append((n, page_url(self.first_url, n)))
        return out


def page_url(base: str, n: int) -> str:
    """The URL of page ``n`` (from 1) of a list whose first page is ``base``."""
    return f"{base}page/{n}/" if n > 1 else base


def paginate(items: list, base: str, size: int) -> Iterator[tuple[str, list, Pagination]]:
    """Split ``items`` over ``base/index.html``, ``base/page/2/index.html``, …"""
    size = max(1, size)
    chunks = [items[i:i + size] for i in range(0, len(items), size)] or [[]]
    for n, chunk in enumerate(chunks, 1):
        pagination = Pagination(n, len(chunks), page_url(base, n - 1) if n > 1 else None,
                                page_url(base, n + 1) if n < len(chunks) else None, base)
        yield page_url(base, n) + "index.html", chunk, pagination


@dataclass(frozen=True, slots=True)
class StatusGroup:
    """One status on the claims tracker: its claims (the first few) and how many there are."""

    status: StatusConfig
    claims: list[ClaimView]
    count: int
    url: str


@dataclass(frozen=True, slots=True)
class TimelineItem:
    date: DateView
    end_date: DateView | None
    kind: str  # "event" or "brief"
    title: str
    url: str
    summary: str
    place: EntityLink | None = None  # an event's place
    status_counts: list[StatusCount] = field(default_factory=list)  # a brief's claims by status


@dataclass(frozen=True, slots=True)
class TimelineDay:
    """Timeline items that share a calendar day (``date`` is the day itself)."""

    date: DateView
    items: list[TimelineItem]


def site_pages(site: Site, views: Views) -> Iterator[Page | Deferred]:
    """Every page of the site, in a stable order; the many briefs' and entities' pages are
    :class:`Deferred` (call ``.page()`` on every item for the page itself)."""
    config = site.config
    say, title = views.strings.text, config.title
    size = config.page_size
    summaries = [views.summary(b) for b in site.briefs]
    items = timeline(site, views)
    totals = status_totals(site)

    yield Page("index.html", "index.html", config.title, config.description or config.title,
               {"briefs": summaries[:HOME_BRIEFS], "brief_count": len(summaries),
                "sections": sections(site, views.strings),
                "status_totals": totals, "events": [i for i in reversed(items) if i.kind == "event"][:HOME_EVENTS]})
    for path, chunk, pagination in paginate(summaries, "briefs/", size):
        yield Page(path, "briefs.html", say("all_briefs"), say("all_briefs_description", site=title),
                   {"briefs": chunk, "pagination": pagination, "brief_count": len(summaries)})
    for brief in site.briefs:
        yield Deferred(f"briefs/{brief.slug}/index.html", brief_page, (site, views, brief))

    # Every entity's feed between the briefs' pages and the entities' (the order of the site's HTML pages,
    # which the sitemap lists, stays as it was): a build's main process renders pages from the front and
    # its workers from the back (briefgen.writer), and where they meet, pages are better made of nothing
    # the others share (feeds are XML of brief summaries). Were entities' pages there, the brief cards and
    # claim rows they show would be rendered, and held, in both processes.
    for kind in config.entity_kinds:
        for e in site.kind_entities(kind):
            yield Deferred(f"{kind}/{e.id}/feed.xml", entity_feed, (site, views, e))
    for kind, kind_config in config.entity_kinds.items():
        yield Page(f"{kind}/index.html", "kind.html", kind_config.label,
                   say("kind_description", kind=kind_config.label, site=title),
                   {"kind": kind_config, "entities": views.listing(kind)})
        for e in site.kind_entities(kind):
            yield Deferred(f"{kind}/{e.id}/index.html", entity_page, (site, views, e))

    groups = [(s, [views.claim(c) for c in site.claims_by_status.get(k, [])])
              for k, s in config.claim_statuses.items()]
    yield Page("claims/index.html", "claims.html", say("claims_tracker"), say("claims_tracker_description", site=title),
               {"groups": [StatusGroup(s, claims[:CLAIMS_PER_STATUS_ON_TRACKER], len(claims), f"claims/{s.key}/")
                           for s, claims in groups],
                "status_totals": totals, "claim_count": sum(len(c) for _, c in groups)})
    for status, claims in groups:
        for path, chunk, pagination in paginate(claims, f"claims/{status.key}/", size):
            yield Page(path, "status.html", say("status_claims", status=status.label),
                       status.description or say("status_claims_description", status=status.label),
                       {"status": status, "claims": chunk, "count": len(claims), "pagination": pagination,
                        "status_totals": totals})

    for path, chunk, pagination in paginate(items, "timeline/", size):
        yield Page(path, "timeline.html", say("timeline"), say("timeline_description", site=title),
                   {"items": chunk, "days": by_day(chunk, views.strings), "pagination": pagination,
                    "event_label": config.entity_kinds["events"].singular if "events" in config.entity_kinds else ""})

    tag_list = [(label, slug, len(briefs)) for slug, (label, briefs) in site.tags.items()]
    yield Page("tags/index.html", "tags.html", say("tags"), say("tags_description", site=title), {"tags": tag_list})
    for slug, (label, briefs) in site.tags.items():
        tagged = [views.summary(b) for b in briefs]
        for path, chunk, pagination in paginate(tagged, f"tags/{slug}/", size):
            yield Page(path, "tag.html", say("tagged", tag=label), say("tagged_description", tag=label, site=title),
                       {"tag": label, "briefs": chunk, "pagination": pagination, "brief_count": len(tagged)})

    yield Page("search/index.html", "search.html", say("search"), say("search_description", site=title))
    yield Page("404.html", "404.html", say("not_found"), say("not_found_description"),
               served_anywhere=True)
    # Feeds and the sitemap leave out drafts (built with --drafts: a preview, should it ever be published)
    yield Page("feed.xml", "feed.xml", config.title, config.description,
               {"briefs": [s for s in summaries if not s.draft], "self_path": "feed.xml", "alternate": ""})


def brief_page(site: Site, views: Views, brief: Brief) -> Page:
    """A brief's own page (the only page that shows its Markdown body)."""
    path = f"briefs/{brief.slug}/index.html"
    view = views.brief(brief, "../" * path.count("/"))  # (Page.root)
    return Page(path, "brief.html", brief.title, brief.summary,
                {"brief": view, "jsonld": brief_jsonld(site, view), "og_type": "article"})


def entity_page(site: Site, views: Views, entity: Entity) -> Page:
    """An entity's own page (the only page that shows its Markdown body)."""
    config = site.config
    kind, kind_config = entity.kind, config.entity_kinds[entity.kind]
    description = entity.summary or views.strings.text("entity_description", kind=kind_config.singular,
                                                       site=config.title)
    path = f"{kind}/{entity.id}/index.html"
    context = {"entity": views.entity(entity, "../" * path.count("/")), "kind": kind_config,
               "feed": f"{kind}/{entity.id}/feed.xml",
               "og_type": "profile" if kind == "people" else "website",
               "jsonld": Absent(name="jsonld") if entity.stub else entity_jsonld(config, entity)}  # (a stub has none)
    return Page(path, "entity.html", entity.name, description, context)


def entity_jsonld(config, entity: Entity) -> str:
    """schema.org data of an entity's page: its type (:data:`SCHEMA_TYPES`), names, summary, and the pages
    elsewhere that are about it (``sameAs``: its links and Wikidata item), for search engines' knowledge of
    who and what the site covers."""
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": SCHEMA_TYPES.get(entity.kind, "Thing"),
                            "name": entity.name}
    if entity.aliases:
        data["alternateName"] = list(entity.aliases)
    if entity.summary:
        data["description"] = entity.summary
    url = config.absolute(f"{entity.kind}/{entity.id}/")
    if url:
        data["url"] = url
    same = [u for _, u in entity.links]
    if entity.wikidata:
        same.append(f"https://www.wikidata.org/wiki/{quote(entity.wikidata)}")
    if same:
        data["sameAs"] = same
    if entity.kind == "events" and entity.date is not None:
        data["startDate"] = iso(entity.date)
        if entity.end_date is not None:
            data["endDate"] = iso(entity.end_date)
    return json_for_html(data)


def entity_feed(site: Site, views: Views, entity: Entity) -> Page:
    """The Atom feed of the briefs that mention an entity. Like the site's feed, its context holds
    the briefs' summaries (views shared with other pages, which fingerprint cheaply): its entries
    and its date are made from them when it is rendered (:func:`render_generated`)."""
    config = site.config
    path = f"{entity.kind}/{entity.id}/feed.xml"
    briefs = [views.summary(b) for b in site.mentioned_in.get(entity.key, []) if not b.draft]
    context = {"briefs": briefs, "self_path": path, "alternate": f"{entity.kind}/{entity.id}/"}
    if not briefs:  # updated with the site's feed (an empty feed has no date of its own: readers showed 1970)
        context["updated"] = _site_updated(site, views)
    return Page(path, "feed.xml", f"{entity.name} — {config.title}",
                views.strings.text("entity_feed_description", name=entity.name), context)


_SITE_UPDATED: dict[int, tuple[Site, str | None]] = {}


def _site_updated(site: Site, views: Views) -> str | None:
    """The site feed's date (:func:`latest` of every brief), worked out once per site."""
    kept = _SITE_UPDATED.get(id(site))
    if kept is None or kept[0] is not site:
        _SITE_UPDATED.clear()
        kept = _SITE_UPDATED[id(site)] = (site, latest([views.summary(b) for b in site.briefs if not b.draft]))
    return kept[1]


def body_pages(site: Site, views: Views, owners: list) -> list[Page]:
    """The pages that show the Markdown bodies of ``owners`` (briefs and entities of ``site``)."""
    return [brief_page(site, views, o) if isinstance(o, Brief) else entity_page(site, views, o) for o in owners]


def sections(site: Site, strings: Strings) -> list[tuple[str, str, int]]:
    """(label, url, count) for the home page's section list."""
    say = strings.text
    out = [(say("briefs"), "briefs/", len(site.briefs))]
    for kind, cfg in site.config.entity_kinds.items():
        out.append((cfg.label, f"{kind}/", sum(1 for k in site.entities if k[0] == kind)))
    out.append((say("claims"), "claims/", sum(len(c) for c in site.claims_by_status.values())))
    out.append((say("timeline"), "timeline/", len(site.briefs) + sum(1 for k in site.entities if k[0] == "events")))
    out.append((say("tags"), "tags/", len(site.tags)))
    return out


def status_totals(site: Site) -> list[StatusCount]:
    """How many claims the site has of each status, in vocabulary order (zeros included)."""
    return [StatusCount(k, s.label, len(site.claims_by_status.get(k, [])), f"claims/{k}/")
            for k, s in site.config.claim_statuses.items()]


def timeline(site: Site, views: Views) -> list[TimelineItem]:
    """Dated events and briefs, oldest first, by the day each is dated (its own, whatever its UTC offset: a
    day is shown once) and then the instant (events before briefs at one instant)."""
    keyed = []
    for key, e in site.entities.items():
        if key[0] == "events" and e.date is not None:
            keyed.append(((day_of(e.date), sort_key(e.date), 0, e.id), TimelineItem(
                DateView.of(e.date, views.strings), DateView.of(e.end_date, views.strings), "event", e.name,
                f"events/{e.id}/", e.summary, views.place(e))))
    for b in site.briefs:
        s = views.summary(b)
        keyed.append(((day_of(b.date), sort_key(b.date), 1, b.slug), TimelineItem(
            s.date, None, "brief", b.title, s.url, b.summary, status_counts=s.status_counts)))
    keyed.sort(key=lambda kv: kv[0])
    return [item for _, item in keyed]


def by_day(items: list[TimelineItem], strings: Strings) -> list[TimelineDay]:
    days: list[TimelineDay] = []
    for item in items:
        day = item.date.iso[:10]
        if not days or days[-1].date.iso != day:
            days.append(TimelineDay(DateView.of(dt.date.fromisoformat(day), strings), []))
        days[-1].items.append(item)
    return days


def feed_entries(briefs: list[BriefSummary]) -> list[feeds.FeedEntry]:
    return [_feed_item(b)[1] for b in briefs[:FEED_ENTRIES]]


def latest(briefs: list[BriefSummary]) -> str | None:
    """The most recent publication or update among ``briefs`` (ISO), for a feed's ``updated``."""
    return max(map(_feed_item, briefs), key=_instant_of)[2] if briefs else None


def _feed_item(b: BriefSummary) -> tuple[BriefSummary, feeds.FeedEntry, str, dt.datetime]:
    """A brief's entry in feeds, its Atom timestamp and that as an instant: made once per process for the
    site's feed and the feed of every entity the brief mentions (see :func:`forget_feeds`)."""
    item = _FEED_ITEMS.get(id(b))
    if item is None or item[0] is not b:
        stamp = feeds.atom_date((b.updated or b.date).iso)
        entry = feeds.FeedEntry(b.title, b.url, b.date.iso, (b.updated or b.date).iso, b.summary,
                                tuple((label, url.split("/")[1]) for label, url in b.tags))
        if len(_FEED_ITEMS) >= feeds.MEMO_MAX:
            _FEED_ITEMS.clear()
        item = _FEED_ITEMS[id(b)] = (b, entry, stamp, _instant(stamp))
    return item


def _instant_of(item: tuple) -> dt.datetime:
    return item[3]


# id of a brief's summary -> (the summary, ...): see _feed_item. Keyed by identity, as views are never
# changed once made; the summary is held, so its id cannot be another's while the entry lives.
_FEED_ITEMS: dict[int, tuple[BriefSummary, feeds.FeedEntry, str, dt.datetime]] = {}


def forget_feeds() -> None:
    """Let go of the feeds' entries made so far (this process's pages are done)."""
    _FEED_ITEMS.clear()
    feeds.forget()


def _instant(stamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def json_for_html(data: Any) -> str:
    """JSON safe inside <script>: no '<', '>' or '&' can end the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") \
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


# schema.org types of the default entity kinds (others are Things): a claim's author, for one, is expected to be
# a Person or an Organization
SCHEMA_TYPES = {"people": "Person", "organizations": "Organization", "places": "Place", "events": "Event"}


def brief_jsonld(site: Site, view: BriefView) -> str:
    """schema.org NewsArticle plus one ClaimReview per claim whose status is a verdict."""
    config = site.config
    s = view.summary
    url = config.absolute(s.url)
    publisher: dict[str, Any] = {"@type": "Organization", "name": config.title}
    if config.base_url:
        publisher["url"] = config.base_url

    def thing(link: EntityLink) -> dict[str, Any]:
        out = {"@type": SCHEMA_TYPES.get(link.kind, "Thing"), "name": link.name}
        if config.base_url:
            out["url"] = config.absolute(link.url)
        return out

    article: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": s.title,
        "description": s.summary, "datePublished": s.date.iso, "dateModified": (s.updated or s.date).iso,
        "inLanguage": config.language, "author": publisher, "publisher": publisher,
        "about": [thing(link) for g in view.groups for link in g.entities],
    }
    image = image_url(config)
    if image:
        article["image"] = image
    if s.tags:
        article["keywords"] = [label for label, _ in s.tags]
    if url:
        article["url"] = url
        article["mainEntityOfPage"] = url
    graph = [article]
    for c in view.claims:
        if c.status in NON_VERDICT_STATUSES:
            continue
        claim: dict[str, Any] = {"@type": "Claim"}
        if c.by:
            claim["author"] = thing(c.by_entity) if c.by_entity else {"@type": "Thing", "name": c.by}
        if c.source and c.source.url:
            claim["appearance"] = {"@type": "CreativeWork", "url": c.source.url, "name": c.source.title
                                   or c.source.outlet}
        review: dict[str, Any] = {
            "@context": "https://schema.org", "@type": "ClaimReview", "claimReviewed": c.text,
            "datePublished": s.date.iso, "author": publisher, "itemReviewed": claim,
            "reviewRating": {"@type": "Rating", "alternateName": c.status_label},
        }
        if url:
            review["url"] = f"{url}#{c.anchor}"
        graph.append(review)
    return json_for_html(graph)


# Languages, and scripts, written from right to left (BCP 47 subtags)
_RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ps", "sd", "syr", "ug", "ur", "yi"})
_RTL_SCRIPTS = frozenset({"arab", "hebr", "thaa", "syrc", "nkoo", "adlm", "rohg", "mand", "samr"})


def text_direction(language: str) -> str:
    """``rtl`` for a language tag written right to left (``ar``, ``he-IL``, ``az-Arab``), else ``ltr``."""
    parts = _subtags(language.lower())
    script = next((p for p in parts[1:] if len(p) == 4 and p.isalpha()), None)
    if script is not None:
        return "rtl" if script in _RTL_SCRIPTS else "ltr"
    return "rtl" if parts[0] in _RTL_LANGUAGES else "ltr"


def og_locale(language: str) -> str:
    """Open Graph's ``language_TERRITORY`` for a language tag with a region (``pt-BR`` → ``pt_BR``); empty
    for one without (``en``: Open Graph's default is en_US, and no region can be made up)."""
    parts = _subtags(language)
    region = next((p for p in parts[1:] if len(p) == 2 and p.isalpha()), None)  # (Open Graph takes no es_419)
    return f"{parts[0].lower()}_{region.upper()}" if region else ""


def _subtags(language: str) -> list[str]:
    """A language tag's language, script and region subtags: up to its first extension or private-use part
    (``en-u-nu-arab``, ``en-x-arab``), whose subtags mean something else."""
    parts = language.split("-")
    cut = next((i for i, p in enumerate(parts) if i and len(p) == 1), len(parts))
    return parts[:cut]


def image_url(config) -> str:
    """The absolute URL of the site's ``image`` (link previews need one): '' without it, or without a
    ``base_url`` to make a static file's path absolute."""
    if "://" in config.image:
        return config.image
    return config.absolute(quote(config.image, safe="/")) if config.image else ""


def site_context(site: Site) -> dict[str, Any]:
    """What every page receives as ``site``."""
    config = site.config
    return {
        "title": config.title, "description": config.description, "language": config.language,
        "og_locale": og_locale(config.language), "dir": text_direction(config.language),
        "image": image_url(config),
        "base_url": config.base_url,
        "kinds": [(k, c.label) for k, c in config.entity_kinds.items()],
        "statuses": list(config.claim_statuses.values()),
    }


def page_root(page: Page, base_url: str) -> str:
    """What the page's links start with: its relative way back to the root, or, for a page a host
    serves at any URL (404.html), the path of ``base_url`` (relative when there is no base_url)."""
    if page.served_anywhere and base_url:
        path = urlsplit(base_url).path or "/"
        return path if path.endswith("/") else path + "/"
    return page.root


def render_page(env: jinja2.Environment, page: Page, site_view: dict[str, Any], config) -> bytes:
    """Render one page to bytes. Pure: the same inputs give the same bytes."""
    if page.template in GENERATED:
        return render_generated(page, site_view, config)
    recursed = getattr(env, "recursed", None)
    if recursed and page.template in recursed:  # it recursed without end on another page: it would on this one
        path, diagnostics = recursed[page.template]
        raise ContentError([replace(d, message=d.message.replace(f"rendering {path}:", f"rendering {page.path}:", 1))
                            for d in diagnostics])
    root = page_root(page, config.base_url)
    fragments.set_root(env, root)
    try:
        html = env.get_template(page.template).render(
            site=site_view, page=page, root=root, canonical=config.absolute(page.url),
            absolute=config.absolute, **page.context)
    except Exception as exc:  # a template is user code: report where it failed, not a traceback
        error = template_error(exc, env, page.path)
        if error is None:
            raise
        if isinstance(exc, RecursionError) and recursed is not None:
            # Rendered again on every page of the template, it would cost a fifth of a second each (Jinja rewrites
            # a thousand frames of traceback): each later page gets the same error (forget_recursion)
            recursed[page.template] = (page.path, error.diagnostics)
        raise error from None
    data = html.encode("utf-8")
    if ROOT in html:  # encoded first: splitting bytes and joining them is about twice as fast as str.replace
        # escaped as {{ root }} is (only the 404 page's root, base_url's path, could hold anything to escape)
        data = str(escape(root)).encode("utf-8").join(data.split(_ROOT_BYTES))
    return data


_ROOT_BYTES = ROOT.encode("utf-8")


def forget_recursion(env: jinja2.Environment) -> None:
    """Forget the templates that recursed without end (:func:`render_page`): a new build's pages, whose data
    may differ, are rendered again."""
    recursed = getattr(env, "recursed", None)
    if recursed:
        recursed.clear()


def render_generated(page: Page, site_view: dict[str, Any], config) -> bytes:
    """Feeds, sitemap and robots.txt (:mod:`briefgen.feeds`)."""
    if page.template == "sitemap.xml":
        if "parts" in page.context:
            return feeds.sitemap_index(page.context["parts"], config.base_url)
        return feeds.sitemap(page.context.get("urls", []), config.base_url, page.context.get("lastmod"))
    if page.template == "robots.txt":
        return feeds.robots(config.base_url)
    c = page.context
    return feeds.atom(title=page.title, subtitle=page.description, self_path=c["self_path"],
                      alternate=c["alternate"], updated=latest(c["briefs"]) or c.get("updated"),
                      entries=feed_entries(c["briefs"]),
                      author=site_view["title"], language=site_view["language"], base_url=config.base_url)
