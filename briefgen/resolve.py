"""The resolved site: every brief, entity and claim, every reference resolved,
and the indexes pages are built from (backlinks, co-mentions, related briefs,
claims by status, tags). Pure: no file I/O; :mod:`briefgen.build` feeds it."""

from __future__ import annotations

import difflib
import functools
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import chain

from . import schema
from .config import SiteConfig
from .diagnostics import Diagnostics, did_you_mean
from .links import LinkTarget, Mention
from .model import Brief, Claim, Entity, EntityKey, Ref, sort_key
from .schema import Pos

MAX_SUGGESTED = 25  # links that point nowhere that get a "did you mean" (Site.close_targets)
_fold = functools.lru_cache(maxsize=1 << 16)(schema.fold)  # the same names are looked up again and again


def entity_path(key: EntityKey) -> str:
    return f"{key[0]}/{key[1]}/"


def brief_path(slug: str) -> str:
    return f"briefs/{slug}/"


@dataclass
class Site:
    """Everything a build renders, built once by :func:`resolve_site` and :func:`cross_link`."""

    config: SiteConfig
    briefs: list[Brief]  # newest first
    entities: dict[EntityKey, Entity]  # in kind order, then by id
    briefs_by_slug: dict[str, Brief] = field(default_factory=dict)
    names: dict[str, dict[str, set[str]]] = field(default_factory=dict)  # kind -> folded name -> ids
    mentioned_in: dict[EntityKey, list[Brief]] = field(default_factory=dict)  # newest first
    cited_in: dict[EntityKey, list[Brief]] = field(default_factory=dict)  # briefs a source of which it is, newest first
    claims_by: dict[EntityKey, list[Claim]] = field(default_factory=dict)
    claims_about: dict[EntityKey, list[Claim]] = field(default_factory=dict)
    co_mentions: dict[EntityKey, list[tuple[EntityKey, int]]] = field(default_factory=dict)
    related: dict[str, list[tuple[Brief, int]]] = field(default_factory=dict)
    tags: dict[str, tuple[str, list[Brief]]] = field(default_factory=dict)  # tag slug -> (label, briefs)
    claims_by_status: dict[str, list[Claim]] = field(default_factory=dict)
    drafts: dict[str, str] = field(default_factory=dict)  # slug -> file of each draft left out of the build
    unreadable: dict[EntityKey, str] = field(default_factory=dict)  # files whose errors left nothing (resolve_site)
    _mentions: dict[EntityKey, Mention] = field(default_factory=dict, repr=False, compare=False)
    _labels: dict[str, dict[str, object]] = field(default_factory=dict, repr=False, compare=False)
    _suggested: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    _suggestions_left: int = field(default=MAX_SUGGESTED, repr=False, compare=False)

    def kind_entities(self, kind: str) -> list[Entity]:
        return [e for k, e in self.entities.items() if k[0] == kind]

    def lookup(self, text: str, kinds: list[str] | None = None) -> list[EntityKey]:
        """Entities a reference names: ``kind/id`` or ``kind/name`` (an alias too), an id, a name or an alias."""
        if "/" in text:
            kind, _, ident = text.partition("/")
            if (kind, ident) in self.entities:
                return [(kind, ident)]
            return self._lookup(ident, [kind]) if kind in self.config.entity_kinds and "/" not in ident else []
        return self._lookup(text, kinds)

    def _lookup(self, text: str, kinds: list[str] | None) -> list[EntityKey]:
        folded = None  # folded only when no id matches: most references are ids
        found: list[EntityKey] = []
        for kind in kinds or self.config.entity_kinds:
            if (kind, text) in self.entities:
                found.append((kind, text))
                continue
            if folded is None:
                folded = _fold(text)
            ids = self.names.get(kind, {}).get(folded)
            if ids:
                found += [(kind, i) for i in sorted(ids)]
        return found

    def link_target(self, text: str) -> LinkTarget | None:
        """What a ``[[text]]`` link points to: an entity, else a brief by slug."""
        keys = self.lookup(text)
        if len(keys) == 1:
            e = self.entities[keys[0]]
            return LinkTarget(entity_path(e.key), e.name)
        brief = self.briefs_by_slug.get(text)
        if brief is not None:
            return LinkTarget(brief_path(brief.slug), brief.title)
        return None

    def link_problem(self, target: str) -> tuple[str, str]:
        """Why ``[[target]]`` points nowhere (:meth:`link_target` gave ``None``): a message and a hint."""
        if not target.partition("|")[0].strip():  # [[]] or [[|text]] (markdown keeps its text)
            return (f"link [[{target}]] names nothing to link to",
                    "write what it links to inside the brackets: [[id]], or [[id|text]]")
        keys = self.lookup(target)
        if len(keys) > 1:
            named = ", ".join(f"{kind}/{ident}" for kind, ident in keys)
            return (f"link [[{target}]] names more than one entity ({named})",
                    f"write the kind and id of the one it means, as [[{named.split(', ')[0]}]]")
        if target in self.drafts:
            return (f"link [[{target}]] points to a draft brief ({self.drafts[target]}), which this build leaves out",
                    "publish that brief (remove its draft: true), or build with --drafts to preview it")
        broken = self.unreadable_file(target)
        return (f"link [[{target}]] points to no entity or brief",
                f"fix the errors in {broken}" if broken is not None
                else self.close_targets(target) or "use an entity id, name or alias, or a brief's slug")

    def unreadable_file(self, target: str) -> str | None:
        """The file with errors that left no entity or brief (:attr:`unreadable`) that a reference most
        likely means: the entity whose id it gives (``id`` or ``kind/id``, the id made from a name as a
        stub's is), else the brief whose slug it is."""
        kind, slash, rest = target.partition("/")
        if slash:
            return self.unreadable.get((kind, schema.slugify(rest)))
        ident = schema.slugify(target)
        found = (self.unreadable.get((kind, ident)) for kind in (*self.config.entity_kinds, "briefs"))
        return next((file for file in found if file is not None), None)

    def close_targets(self, target: str) -> str:
        """"did you mean …?" for a ``[[target]]`` that points nowhere: the entities (by id, name or alias) and
        briefs (by slug) closest to it, each once; ``kind/`` ones for a ``kind/`` target. The labels are
        gathered once per site, and only the first :data:`MAX_SUGGESTED` links that point nowhere are
        compared with them in a build (:meth:`new_report`; each comparison reads every label: a site of 10,000
        briefs has 20,000)."""
        kind, slash, rest = target.partition("/")
        found = self._suggested.get(target)
        if found is not None:
            return found
        if self._suggestions_left <= 0:
            return ""
        self._suggestions_left -= 1
        owners = self._labels.get(kind if slash else "")
        if owners is None:
            owners = self._labels[kind if slash else ""] = self._close_labels(kind if slash else None)
        close: list[str] = []
        seen: set[object] = set()
        for label in difflib.get_close_matches(rest if slash else target, owners, n=12, cutoff=0.6):
            if owners[label] not in seen:
                seen.add(owners[label])
                close.append(f"{kind}/{label}" if slash else label)
        found = self._suggested[target] = "did you mean " + " or ".join(map(repr, close[:3])) + "?" if close else ""
        return found

    def new_report(self) -> None:
        """A build is about to report its links that point nowhere: :meth:`close_targets` may compare again."""
        self._suggestions_left = MAX_SUGGESTED

    def _close_labels(self, kind: str | None) -> dict[str, object]:
        """Every id, name and alias of the entities (of ``kind``, if given) and, for no kind, every brief
        slug: label -> the entity's key or the slug."""
        owners: dict[str, object] = {}
        for key, e in self.entities.items():
            if not e.stub and (kind is None or key[0] == kind):
                for label in (e.id, e.name, *e.aliases):
                    owners.setdefault(label, key)
        if kind is None:
            for slug in self.briefs_by_slug:
                owners.setdefault(slug, slug)
        return owners

    def mentions_for(self, brief: Brief) -> list[Mention]:
        """The entities a brief names, to link on first mention. One :class:`Mention` per entity, made
        the first time it is asked for: every brief that names the entity shares it."""
        out = []
        made = self._mentions
        for key in brief.entities:
            mention = made.get(key)
            if mention is None:
                e = self.entities[key]
                if e.stub:
                    continue
                mention = made[key] = Mention(tuple(dict.fromkeys([e.name, *e.aliases])),
                                              LinkTarget(entity_path(key), e.name))
            out.append(mention)
        return out


def _index_names(config: SiteConfig, entities: dict[EntityKey, Entity], diagnostics: Diagnostics):
    names: dict[str, dict[str, set[str]]] = {k: defaultdict(set) for k in config.entity_kinds}
    owner: dict[tuple[str, str], Entity] = {}
    for e in entities.values():
        for label in dict.fromkeys([e.id, e.name, *e.aliases]):
            folded = schema.fold(label)
            if not folded:
                continue
            other = owner.get((e.kind, folded))
            if other is not None and other.id != e.id:
                p = _label_pos(e, label)
                diagnostics.error(p.path, p.line, p.col, f"the name or alias {label!r} also belongs to {other.path}",
                                  "a name or alias must point to one entity of a kind; remove or change one")
                continue
            owner[(e.kind, folded)] = e
            names[e.kind][folded].add(e.id)
    return names


def _label_pos(e: Entity, label: str) -> Pos:
    """Where ``label``, the id, name or an alias of ``e``, is first written (the id: the file itself)."""
    for written, pos in zip([e.name, *e.aliases], e.label_pos, strict=False):
        if written == label:
            return pos
    return e.pos


def _same_name(a: str, b: str) -> bool:
    """True when two paths are one file on a case-insensitive, normalisation-insensitive file system."""
    return unicodedata.normalize("NFC", a).casefold() == unicodedata.normalize("NFC", b).casefold()


def resolve_site(config: SiteConfig, briefs: list[Brief], entities: list[Entity],
                 diagnostics: Diagnostics, unreadable: dict[EntityKey, str] | None = None,
                 drafts: dict[str, str] | None = None) -> Site:
    """Index and resolve. Unknown references become warnings and stub entities; ``unreadable``: the
    entity and brief files that have errors that left nothing (:func:`briefgen.reading.unreadable`), which
    references and ``[[links]]`` to them are told to fix; ``drafts``: the draft briefs left out, by slug, which links
    to them are told about (:attr:`briefgen.reading.Scan.drafts`).

    The site is then complete for Markdown rendering (entities, names, briefs by slug, each brief's
    entities); :func:`cross_link` adds what pages need besides, which a build does while workers
    already render Markdown (:func:`briefgen.stages.render_markdown`)."""
    by_key: dict[EntityKey, Entity] = {}
    for e in entities:
        if e.key in by_key:
            diagnostics.error(e.path, 1, 1, f"duplicate {e.kind} id '{e.id}' (also {by_key[e.key].path})",
                              "keep one file per id")
            continue
        by_key[e.key] = e
    kind_order = {k: i for i, k in enumerate(config.entity_kinds)}
    by_key = dict(sorted(by_key.items(), key=lambda kv: (kind_order[kv[0][0]], kv[0][1])))

    briefs_by_slug: dict[str, Brief] = {}
    for b in sorted(briefs, key=lambda b: b.path):
        if b.slug in briefs_by_slug:
            p = b.slug_pos or b.pos
            other = briefs_by_slug[b.slug].path
            if _same_name(b.path, other):
                diagnostics.error(b.path, p.line, p.col,
                                  f"duplicate brief slug '{b.slug}' (also {other!a}; this is {b.path!a})",
                                  "the file names differ only in letter case or Unicode normalisation, which "
                                  "macOS and Windows treat as one file; rename or remove one")
            else:
                diagnostics.error(b.path, p.line, p.col, f"duplicate brief slug '{b.slug}' (also {other})",
                                  "set a different 'slug:' in one of them")
            continue
        briefs_by_slug[b.slug] = b
    ordered = sorted(briefs_by_slug.values(), key=lambda b: (sort_key(b.date), b.slug), reverse=True)

    site = Site(config=config, briefs=ordered, entities=by_key, briefs_by_slug=briefs_by_slug,
                names=_index_names(config, by_key, diagnostics), drafts=dict(drafts or {}),
                unreadable=dict(unreadable or {}))
    _Resolver(site, diagnostics).run()
    return site


def stub_name(text: str) -> str:
    """What makes unknown references one name, with one stub page: their text, less case, accents and
    the difference between spaces and hyphens (``Ghost Person``, ``ghost-person``)."""
    return " ".join(schema.fold(text).replace("-", " ").split())


def stub_base(text: str) -> str:
    """The URL name of the stub page of an unknown reference ``text``, made from it as an id; with eight
    hex digits made from it when it has letters an id cannot hold (``Москва 121`` → ``121-1b2c3d4e``), so
    that Москва 121 and Варяг 121 do not make one page, nor Путин none."""
    ident = schema.slugify(text)
    if schema.loses_its_name(text):
        ident = f"{ident}-{schema.short_digest(text)}".lstrip("-")
    return ident


def _stub_order(item: tuple[tuple[str, str], str]) -> tuple:
    """The order in which unknown names ``((kind, stub name), base URL name)`` take their stub's URL name: by
    kind and URL name, an id as written (``jane-doe-2``, which is its own URL name) before other names."""
    (kind, name), base = item
    return (kind, base, name != base.replace("-", " "), name)


class _Resolver:
    def __init__(self, site: Site, diagnostics: Diagnostics):
        self.site = site
        self.diagnostics = diagnostics
        self.unreadable = site.unreadable
        self.keys: dict[EntityKey, EntityKey] = {k: k for k in site.entities}
        self.found: dict[tuple[str, str | None], list[EntityKey]] = {}  # (text, kind or None) -> lookup
        self.stub_ids: dict[tuple[str, str], str] = {}  # (kind, stub name) -> its URL name (plan_stubs)

    def lookup(self, text: str, kind: str | None = None) -> list[EntityKey]:
        """``site.lookup`` of ``text`` (in one kind, or all), remembered: the same ids and names are looked
        up from brief after brief (160,000 look-ups of ~10,000 texts at 10,000 briefs). Forgotten whenever
        a stub entity is added, which can change what a text finds. The list is not to be changed."""
        found = self.found.get((text, kind))
        if found is None:
            found = self.found[text, kind] = self.site.lookup(text, [kind] if kind is not None else None)
        return found

    def key(self, key: EntityKey | None) -> EntityKey | None:
        """The one tuple of ``key`` (that of ``site.entities``): references hold it, not a copy each."""
        return None if key is None else self.keys.setdefault(key, key)

    def unknown(self, ref: Ref, kinds: list[str], what: str) -> None:
        ident = schema.slugify(ref.text)
        files = [self.unreadable[kind, ident] for kind in kinds if (kind, ident) in self.unreadable]
        ids = sorted({k[1] for k, e in self.site.entities.items() if k[0] in kinds and not e.stub})
        if ident and not schema.loses_its_name(ref.text):
            hint = did_you_mean(ident, ids)
        else:  # Путинн: its URL name says little; the names and aliases say more
            hint = did_you_mean(ref.text, [n for k, e in self.site.entities.items() if k[0] in kinds and not e.stub
                                           for n in (e.name, *e.aliases)])
        others = [k for k in self.lookup(ref.text) if k[0] not in kinds and not self.site.entities[k].stub]
        if files:  # its file is there, but has errors (reported there) that left no entity
            hint = f"fix the errors in {files[0]}"
        elif others:  # an entity of another kind (a person given as a ship's operator, or listed under places)
            other = self.site.entities[others[0]]
            a_kind = _a(self.site.config.entity_kinds[other.kind].singular.lower())
            hint = (f"{ref.text!r} is {a_kind} ({other.path}), not {_a(what)}: name {_a(what)} here, or move it "
                    f"to where {a_kind} goes")
        elif not hint:
            where = " or ".join(f"content/{k}/" for k in kinds[:2]) if len(kinds) <= 2 else "content/<kind>/"
            hint = f"add an entity file in {where}, or fix the spelling"
        self.diagnostics.warning(ref.pos.path, ref.pos.line, ref.pos.col, f"unknown {what} {ref.text!r}", hint)

    def ambiguous(self, ref: Ref, keys: list[EntityKey]) -> None:
        files = ", ".join(self.site.entities[k].path for k in keys)
        self.diagnostics.error(ref.pos.path, ref.pos.line, ref.pos.col,
                               f"{ref.text!r} matches more than one entity ({files})",
                               "write the id, or kind/id, instead of the name")

    def plan_stubs(self) -> None:
        """Decide the URL name of the stub page of every unknown reference in the briefs' entity lists,
        before any is made, so that it depends on the names alone (not on the order of the briefs), and
        no two stubs, nor a stub and an entity, share one. Names that differ only in case, accents,
        spaces or hyphens (:func:`stub_name`) are one name and share one stub.

        Each gets the URL name made from it as an id (:func:`stub_base`) when no entity has that, and no
        other name that gives it comes before it (an id as written first, then in sorted order); the others
        get it with the first free number added (``jane-doe-2``), in sorted order. A name with no URL name
        (no letter a-z or digit) or one Windows reserves (``con``) gets no stub."""
        wanted: dict[tuple[str, str], str] = {}  # (kind, stub name) -> base URL name
        for brief in self.site.briefs:
            for kind, refs in brief.refs.items():
                for ref in refs:
                    if not self.lookup(ref.text, kind):  # (of spellings of one name, the first URL name in order)
                        name, base = (kind, stub_name(ref.text)), stub_base(ref.text)
                        wanted[name] = min(wanted.get(name, base), base)
        taken = set(self.site.entities)
        later = []
        for (kind, name), base in sorted(wanted.items(), key=_stub_order):
            if not schema.is_id(base):  # no URL name, or a name Windows reserves
                continue
            if (kind, base) in taken:
                later.append((kind, name, base))
            else:
                taken.add((kind, base))
                self.stub_ids[kind, name] = base
        for kind, name, base in later:
            n = 2
            while (kind, f"{base}-{n}") in taken:
                n += 1
            taken.add((kind, f"{base}-{n}"))
            self.stub_ids[kind, name] = f"{base}-{n}"

    def stub(self, kind: str, ref: Ref) -> EntityKey | None:
        """The stub entity of an unknown reference (made the first time), at the URL name
        :meth:`plan_stubs` gave its name; None for a name that gets no stub."""
        ident = self.stub_ids.get((kind, stub_name(ref.text)))
        if ident is None:
            return None
        key = (kind, ident)
        if key not in self.site.entities:
            self.found.clear()
            self.site.entities[key] = Entity(kind=kind, id=ident, path=ref.pos.path, name=ref.text,
                                             pos=ref.pos, stub=True)
        return self.key(key)

    def run(self) -> None:
        site = self.site
        kinds = list(site.config.entity_kinds)
        self.plan_stubs()
        for brief in site.briefs:
            listed: list[EntityKey] = []
            for kind, refs in brief.refs.items():
                for ref in refs:
                    keys = self.lookup(ref.text, kind)
                    if len(keys) > 1:
                        self.ambiguous(ref, keys)
                        continue
                    if not keys:
                        self.unknown(ref, [kind], site.config.entity_kinds[kind].singular.lower())
                        stub = self.stub(kind, ref)
                        keys = [stub] if stub else []
                    if keys:
                        ref.key = self.key(keys[0])
                        listed.append(ref.key)
            brief.entities = list(dict.fromkeys(listed))
            for source in brief.sources:
                source.entity = self.pick(self.lookup(source.outlet), brief)
            outlets = {s.outlet: i for i, s in enumerate(brief.sources)}
            outlets_folded = None  # by folded name, made for the first claim whose source is not as written
            for claim in brief.claims:
                if claim.by:
                    claim.by_entity = self.pick(self.lookup(claim.by), brief)
                for ref in claim.about:
                    keys = self.lookup(ref.text)
                    key = self.pick(keys, brief)
                    if key is None and len(keys) > 1:
                        self.ambiguous(ref, keys)
                    elif key is None:
                        self.unknown(ref, kinds, "entity")
                    ref.key = key
                if claim.source is not None:
                    index = outlets.get(claim.source)
                    if index is None:
                        if outlets_folded is None:
                            outlets_folded = {schema.fold(s.outlet): i for i, s in enumerate(brief.sources)}
                        index = outlets_folded.get(schema.fold(claim.source))
                    if index is None:
                        p = claim.source_pos or claim.pos
                        known = [s.outlet for s in brief.sources]
                        hint = did_you_mean(claim.source, known) if known else ""
                        self.diagnostics.error(
                            p.path, p.line, p.col, f"claim source {claim.source!r} is not one of this brief's sources",
                            hint or ("add it under 'sources:' with '- outlet: " + claim.source + "'"))
                    claim.source_index = index
        for entity in list(site.entities.values()):
            for name, ref in entity.fact_refs.items():
                kind = "places" if name == "place" else "organizations"
                keys = self.lookup(ref.text, kind)
                if len(keys) == 1:
                    ref.key = self.key(keys[0])
                elif len(keys) > 1:
                    self.ambiguous(ref, keys)
                else:
                    self.unknown(ref, [kind], site.config.entity_kinds[kind].singular.lower())
            # Any other fact whose value is one entity's name or alias (predecessor: Hugo Chávez) links to
            # it, as a source's outlet does; a value that names none, or several, is just text.
            links = {}
            for name, value in entity.facts:
                if name not in entity.fact_refs:
                    keys = self.lookup(value)
                    if len(keys) == 1 and keys[0] != entity.key and not site.entities[keys[0]].stub:
                        links[name] = self.key(keys[0])
            entity.fact_links = links

    def pick(self, keys: list[EntityKey], brief: Brief) -> EntityKey | None:
        """One entity for a reference that may name several: prefer those the brief lists."""
        if len(keys) == 1:
            return self.key(keys[0])
        listed = [k for k in keys if k in brief.entities]
        return self.key(listed[0]) if len(listed) == 1 else None


def _a(noun: str) -> str:
    """``noun`` with "a" or "an" (by its first letter: the default kinds' names read right)."""
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def _top(counts: dict, k: int) -> list[tuple[int, object]]:
    """``sorted((-n, item) for item, n in counts.items())[:k]``, sorted in C without a pair per item: by
    item, then (stably, so ties stay in item order) by count, most first."""
    order = sorted(counts)
    order.sort(key=counts.__getitem__, reverse=True)
    return [(-counts[item], item) for item in order[:k]]


def cross_link(site: Site) -> None:
    """Backlinks (briefs by entity, briefs by the outlet of a source, claims by claimant, subject and status),
    tags, co-mentions and related briefs; reports nothing."""
    mentioned: dict[EntityKey, list[Brief]] = defaultdict(list)
    cited: dict[EntityKey, list[Brief]] = defaultdict(list)
    by_status: dict[str, list[Claim]] = {s: [] for s in site.config.claim_statuses}
    tags: dict[str, tuple[str, list[Brief]]] = {}
    for brief in site.briefs:  # newest first, so every list below is newest first
        for key in brief.entities:
            mentioned[key].append(brief)
        for key in dict.fromkeys(s.entity for s in brief.sources if s.entity):
            cited[key].append(brief)
        for claim in brief.claims:
            if claim.by_entity:
                site.claims_by.setdefault(claim.by_entity, []).append(claim)
            for key in dict.fromkeys(r.key for r in claim.about if r.key):
                site.claims_about.setdefault(key, []).append(claim)
            if claim.status in by_status:
                by_status[claim.status].append(claim)
        for tag in brief.tags:
            tags.setdefault(schema.tag_slug(tag), (tag, []))[1].append(brief)
    site.mentioned_in = dict(mentioned)
    site.cited_in = dict(cited)
    # Co-mentions: for each entity, the entities of the briefs that mention it (counted in C, one
    # Counter per entity), less itself; the 12 most frequent, then by key.
    co_mentions = {}
    for key, briefs in mentioned.items():
        c = Counter(chain.from_iterable(b.entities for b in briefs))
        del c[key]
        if c:
            co_mentions[key] = [(other, -n) for n, other in _top(c, 12)]
    site.co_mentions = co_mentions
    site.claims_by_status = by_status
    site.tags = dict(sorted(tags.items()))
    # Related briefs: most shared entities, then newest, then by slug. Each brief gets a rank in that
    # tie-break order once, so the briefs sharing an entity are counted and compared as small ints.
    ranked_briefs = sorted(site.briefs, key=lambda b: (-sort_key(b.date).timestamp(), b.slug))
    rank = {b.slug: i for i, b in enumerate(ranked_briefs)}
    ranks = {key: [rank[b.slug] for b in briefs] for key, briefs in mentioned.items()}
    for brief in site.briefs:
        shared = Counter(chain.from_iterable(ranks[key] for key in brief.entities))
        del shared[rank[brief.slug]]  # listed once for each of its own entities
        site.related[brief.slug] = [(ranked_briefs[r], -n) for n, r in _top(shared, 5)]
