"""View objects: what templates receive. Built from the resolved :class:`Site`;
templates never see the model. Every URL here is relative to the site root
(``briefs/x/``); templates prefix it with ``root``, the page's way back to the
root, so every internal link is relative. Documented in docs/themes.md."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .i18n import Strings, default_strings
from .links import ROOT
from .model import Brief, Claim, Date, Entity, EntityKey, sort_key
from .resolve import Site, brief_path, entity_path
from .schema import fold, tag_slug

EPOCH = dt.datetime(1, 1, 1, tzinfo=dt.timezone.utc)


def iso(value: Date) -> str:
    """``2025-12-01`` or ``2025-12-01T17:00:00-05:00`` (at most milliseconds, as HTML's ``datetime`` takes)."""
    if isinstance(value, dt.datetime) and value.microsecond:
        return value.isoformat(timespec="milliseconds")
    return value.isoformat()


@dataclass(slots=True)
class DateView:
    iso: str
    display: str

    @classmethod
    def of(cls, value: Date | None, strings: Strings) -> DateView | None:
        """The date as HTML's ``datetime`` takes it, and as ``strings`` show it (``1 December 2025``)."""
        return cls(iso(value), strings.date(value)) if value is not None else None


@dataclass(slots=True)
class EntityLink:
    """A link to an entity page (``stub``: made for an unknown reference)."""

    kind: str
    id: str
    name: str
    url: str
    kind_label: str  # singular, e.g. Person
    stub: bool = False


@dataclass(slots=True)
class StatusCount:
    key: str
    label: str
    count: int
    url: str


@dataclass(slots=True)
class SourceView:
    outlet: str
    url: str | None
    title: str | None
    date: DateView | None
    entity: EntityLink | None


@dataclass(slots=True)
class ClaimView:
    """A claim with its status, claimant, source and note, and where it lives (``anchor`` and ``url`` are
    made from ``id`` and ``brief_url`` when asked for: a site has tens of thousands of claims)."""

    id: str
    text: str
    status: str
    status_label: str
    status_description: str
    by: str | None
    by_entity: EntityLink | None
    about: list[EntityLink]
    about_text: list[str]  # references that did not resolve
    source: SourceView | None
    note_html: str
    brief_title: str
    brief_url: str
    brief_date: DateView

    @property
    def anchor(self) -> str:
        """The HTML id on the brief page."""
        return f"claim-{self.id}"

    @property
    def url(self) -> str:
        """``brief_url`` + ``#`` + ``anchor``."""
        return f"{self.brief_url}#claim-{self.id}"


@dataclass(slots=True)
class BriefSummary:
    """A brief as listed on index pages."""

    slug: str
    url: str
    title: str
    date: DateView
    updated: DateView | None
    summary: str
    tags: list[tuple[str, str]]  # (label, url)
    status_counts: list[StatusCount]
    claim_count: int
    draft: bool


@dataclass(slots=True)
class EntityGroup:
    kind: str
    label: str  # plural, e.g. People
    entities: list[EntityLink]


@dataclass(slots=True)
class BriefView:
    """Everything a brief page shows."""

    summary: BriefSummary
    html: str
    claims: list[ClaimView]
    sources: list[SourceView]
    groups: list[EntityGroup]
    related: list[tuple[BriefSummary, int]]  # (brief, number of shared entities)


@dataclass(slots=True)
class Fact:
    label: str
    value: str
    link: EntityLink | None = None


@dataclass(slots=True)
class EntityView:
    """Everything an entity page shows."""

    link: EntityLink
    summary: str
    aliases: list[str]
    facts: list[Fact]  # extra scalar fields, in file order (an event's place is ``place`` instead)
    links: list[tuple[str, str]]  # (label, url); labels capitalised: "Wikipedia"
    wikidata: str | None
    html: str
    date: DateView | None
    end_date: DateView | None
    briefs: list[BriefSummary]  # newest first
    claims_by: list[ClaimView]
    claims_about: list[ClaimView]
    co_mentions: list[tuple[EntityLink, int]]  # (entity, number of briefs mentioning both), most first
    brief_count: int = 0
    place: EntityLink | None = None  # an event's place, when it resolves
    kind_label: str = ""  # plural, e.g. People
    cited: list[BriefSummary] = field(default_factory=list)  # briefs a source of which it is (an outlet), newest first


@dataclass(slots=True)
class EntityListItem:
    """One row of a kind index (``people/``)."""

    link: EntityLink
    summary: str
    brief_count: int
    date: DateView | None = None  # events
    end_date: DateView | None = None
    place: EntityLink | None = None


@dataclass
class Views:
    """Builds and memoises views for one site (each brief's summary is built once)."""

    site: Site
    strings: Strings = field(init=False)  # the site's (the built-in English without them)
    _summaries: dict[str, BriefSummary] = field(default_factory=dict)
    _links: dict[EntityKey, EntityLink] = field(default_factory=dict)
    _claims: dict[int, ClaimView] = field(default_factory=dict)
    # Value objects that many summaries show alike, made once each (views are never changed once made).
    _tags: dict[str, tuple[str, str]] = field(default_factory=dict)  # tag -> (label, url)
    _counts: dict[tuple[str, int], StatusCount] = field(default_factory=dict)  # (status, count) -> its view

    def __post_init__(self) -> None:
        config = getattr(self.site, "config", None)  # (views made without a site: to digest values alone)
        self.strings = (config.strings if config is not None else None) or default_strings()

    def _shared(self, view):
        """Called once for each view made here to be shown on many pages (links, brief summaries,
        claims), and returns it: :class:`briefgen.writer.TrackedViews` records them, at no cost to
        the many calls that find a view already made."""
        return view

    def link(self, key: EntityKey) -> EntityLink:
        link = self._links.get(key)
        if link is None:
            e = self.site.entities[key]
            kind = self.site.config.entity_kinds[e.kind]
            link = self._shared(EntityLink(e.kind, e.id, e.name, entity_path(key), kind.singular, e.stub))
            self._links[key] = link
        return link

    def summary(self, brief: Brief) -> BriefSummary:
        view = self._summaries.get(brief.slug)
        if view is None:
            counts: dict[str, int] = {}
            for c in brief.claims:
                counts[c.status] = counts.get(c.status, 0) + 1
            statuses = self.site.config.claim_statuses
            view = BriefSummary(
                slug=brief.slug, url=brief_path(brief.slug), title=brief.title,
                date=DateView.of(brief.date, self.strings),
                updated=DateView.of(brief.updated, self.strings), summary=brief.summary,
                tags=[self._tag(t) for t in brief.tags],
                status_counts=[self._count(k, s.label, counts[k]) for k, s in statuses.items() if k in counts],
                claim_count=len(brief.claims), draft=brief.draft)
            self._summaries[brief.slug] = view = self._shared(view)
        return view

    def _tag(self, tag: str) -> tuple[str, str]:
        item = self._tags.get(tag)
        if item is None:
            item = self._tags[tag] = (tag, f"tags/{tag_slug(tag)}/")
        return item

    def _count(self, key: str, label: str, count: int) -> StatusCount:
        view = self._counts.get((key, count))
        if view is None:
            view = self._counts[(key, count)] = StatusCount(key, label, count, f"claims/{key}/")
        return view

    def source(self, brief: Brief, index: int | None) -> SourceView | None:
        if index is None:
            return None
        s = brief.sources[index]
        return SourceView(s.outlet, s.url, s.title, DateView.of(s.date, self.strings),
                          self.link(s.entity) if s.entity else None)

    def claim(self, claim: Claim) -> ClaimView:
        view = self._claims.get(id(claim))
        if view is None:
            brief = self.site.briefs_by_slug[claim.brief_slug]
            summary = self.summary(brief)  # its URL and date, rather than a copy of each for every claim
            status = self.site.config.claim_statuses.get(claim.status)
            view = ClaimView(
                id=claim.id, text=claim.text, status=claim.status,
                status_label=status.label if status else claim.status,
                status_description=status.description if status else "",
                by=claim.by, by_entity=self.link(claim.by_entity) if claim.by_entity else None,
                about=[self.link(r.key) for r in claim.about if r.key],
                about_text=[r.text for r in claim.about if not r.key],
                source=self.source(brief, claim.source_index), note_html=claim.note_html,
                brief_title=brief.title, brief_url=summary.url, brief_date=summary.date)
            self._claims[id(claim)] = view = self._shared(view)
        return view

    def brief(self, brief: Brief, root: str | None = None) -> BriefView:
        """What a brief's page shows; with ``root`` (the page's way back to the site root), its body's links are
        made relative to the page (:func:`page_html`)."""
        groups = []
        for kind, cfg in self.site.config.entity_kinds.items():
            links = [self.link(k) for k in brief.entities if k[0] == kind]
            if links:
                groups.append(EntityGroup(kind, cfg.label, links))
        return BriefView(
            summary=self.summary(brief), html=page_html(brief.html, root), claims=[self.claim(c) for c in brief.claims],
            sources=[self.source(brief, i) for i in range(len(brief.sources))], groups=groups,
            related=[(self.summary(b), n) for b, n in self.site.related.get(brief.slug, [])])

    def place(self, entity: Entity) -> EntityLink | None:
        ref = entity.fact_refs.get("place")
        return self.link(ref.key) if ref is not None and ref.key is not None else None

    def entity(self, entity: Entity, root: str | None = None) -> EntityView:
        """What an entity's page shows; ``root``: as for :meth:`brief`."""
        key = entity.key
        place = self.place(entity) if entity.kind == "events" else None
        facts = []
        for name, value in entity.facts:
            if place is not None and name == "place":
                continue  # shown with the date, under the event's name
            ref = entity.fact_refs.get(name)
            target = ref.key if ref is not None else entity.fact_links.get(name)
            facts.append(Fact(label(name), value, self.link(target) if target else None))
        briefs = self.site.mentioned_in.get(key, [])
        return EntityView(
            link=self.link(key), summary=entity.summary, aliases=entity.aliases, facts=facts,
            links=[(label(name), url) for name, url in entity.links],
            wikidata=entity.wikidata, html=page_html(entity.html, root), date=DateView.of(entity.date, self.strings),
            end_date=DateView.of(entity.end_date, self.strings), briefs=[self.summary(b) for b in briefs],
            claims_by=[self.claim(c) for c in self.site.claims_by.get(key, [])],
            claims_about=[self.claim(c) for c in self.site.claims_about.get(key, [])],
            co_mentions=[(self.link(k), n) for k, n in self.site.co_mentions.get(key, [])],
            brief_count=len(briefs), place=place, kind_label=self.site.config.entity_kinds[entity.kind].label,
            cited=[self.summary(b) for b in self.site.cited_in.get(key, [])])

    def listing(self, kind: str) -> list[EntityListItem]:
        """A kind's entities for its index: by name; events by date, newest first."""
        items = []
        for e in self.site.kind_entities(kind):
            items.append(EntityListItem(self.link(e.key), e.summary, len(self.site.mentioned_in.get(e.key, [])),
                                        DateView.of(e.date, self.strings), DateView.of(e.end_date, self.strings),
                                        self.place(e)))
        items.sort(key=lambda i: (fold(i.link.name), i.link.id))
        if kind == "events":
            dated = {e.id: sort_key(e.date) for e in self.site.kind_entities(kind) if e.date is not None}
            items.sort(key=lambda i: dated.get(i.link.id, EPOCH), reverse=True)
        return items


def page_html(html: str, root: str | None) -> str:
    """Rendered Markdown shown on one page only (a brief's or an entity's body), its links made relative to that
    page, whose way back to the site root is ``root``: a template then has the body as the page shows it (its
    length, an excerpt, a filter such as ``urlencode``), not the placeholder :data:`briefgen.links.ROOT` that the
    page's other links have until the page is written. None: left as it is."""
    return html if root is None or ROOT not in html else html.replace(ROOT, root)


def label(name: str) -> str:
    """A field or link name as a label: ``term_began`` → ``Term began``, ``wikipedia`` → ``Wikipedia``."""
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]
