"""Turn content files into model objects: the brief, claim, source and entity
schemas, each field declared with its reader and a one-line doc."""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import PurePosixPath

import yaml

from . import schema
from .config import SiteConfig
from .diagnostics import Diagnostics, did_you_mean
from .frontmatter import parse_markdown_file, parse_yaml_file
from .model import Brief, Claim, Entity, Ref, Source, day_of, sort_key
from .schema import Field, Reader

SOURCE_FIELDS = {
    "outlet": Field(schema.text, "who published it, e.g. CNN", required=True),
    "url": Field(schema.http_url, "link to the article (http or https)"),
    "title": Field(schema.text, "the article's headline"),
    "date": Field(schema.date, "publication date, YYYY-MM-DD"),
}
CLAIM_FIELDS = {
    "text": Field(schema.text, "the claim, one sentence", required=True),
    # A status is a key of claim_statuses taken as written, so `status: false` means the status "false".
    "status": Field(schema.scalar_text, "how well it is verified, e.g. reported", required=True),
    "by": Field(schema.text, "who asserts it: an entity or plain text"),
    "about": Field(schema.text_list, "list of entity references the claim concerns"),
    "source": Field(schema.text, "the outlet of one of this brief's sources"),
    "note": Field(schema.text, "why it has this status (inline Markdown)"),
    "id": Field(schema.text, "stable anchor, lower-case letters, digits and hyphens"),
}


def _list_of(fields: dict[str, Field], what: str):
    def read(node: yaml.Node, r: Reader, name: str) -> list[tuple[dict, dict, yaml.Node]] | None:
        if not isinstance(node, yaml.SequenceNode) or node.tag != schema.SEQ:  # (other tags: read_fields)
            r.error(node, f"'{name}' must be a list of {what}s (each item starting with '- ')")
            return None
        items = []
        for item in node.value:
            if not r.spend(item):
                return items
            values, positions = schema.read_fields(item, r, fields, f"a {what}")
            items.append((values, positions, item))
        return items

    return read


BRIEF_FIELDS = {
    "title": Field(schema.text, "the headline", required=True),
    "date": Field(schema.date, "YYYY-MM-DD or a datetime with offset", required=True),
    "updated": Field(schema.date, "date of the last substantive update"),
    "summary": Field(schema.text, "one plain-text paragraph", required=True),
    "slug": Field(schema.text, "the URL name; default: the file name less any leading date"),
    "draft": Field(schema.boolean, "true keeps it out of builds without --drafts"),
    "tags": Field(schema.text_list, "list of topic tags"),
    "sources": Field(_list_of(SOURCE_FIELDS, "source"), "list of {outlet, url, title, date}"),
    "claims": Field(_list_of(CLAIM_FIELDS, "claim"), "list of {text, status, by, about, source, note, id}"),
}

_SLUG_FIELD = {"slug": BRIEF_FIELDS["slug"]}

ENTITY_FIELDS = {
    "name": Field(schema.text, "the display name", required=True),
    "aliases": Field(schema.text_list, "other names the entity is referred to by"),
    "summary": Field(schema.text, "one line of plain text"),
    "links": Field(lambda n, r, k: _links(n, r, k), "label: http(s) URL pairs"),
    "wikidata": Field(schema.text, "Wikidata id, e.g. Q57413"),
}
EVENT_FIELDS = {
    **ENTITY_FIELDS,
    "date": Field(schema.date, "when it happened (YYYY-MM-DD)", required=True),
    "end_date": Field(schema.date, "when it ended, for events that lasted"),
}
# Fact fields whose value is a reference to an entity of a kind (when that kind exists).
REFERENCE_FACTS = {"place": "places", "operator": "organizations"}

_UNDATED = dt.date(1970, 1, 1)  # the stand-in date of a brief whose date is an error (see load_brief)
_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}[-_]")


def _links(node: yaml.Node, r: Reader, name: str) -> list[tuple[str, str]] | None:
    entries = schema.mapping(node, r, "links")
    if entries is None:
        return None
    out = []
    for key, (_key_node, value_node) in entries.items():
        url = schema.http_url(value_node, r, f"links.{key}")
        if url is not None:
            out.append((key, url))
    return out


def slug_from_filename(rel: str) -> str:
    stem = PurePosixPath(rel).stem
    return schema.slugify(_DATE_PREFIX.sub("", stem))


def _claim_id(text: str, taken: set[str], counters: dict[str, int]) -> str:
    words = schema.slugify(text).split("-")
    base = ""
    for word in words:
        if len(base) + len(word) + 1 > 48:
            break
        base = f"{base}-{word}" if base else word
    if schema.loses_its_name(text):  # an anchor that stays with its claim when others come before it
        base = f"{base}-{schema.short_digest(text)}" if base else schema.short_digest(text)
    base = base or "claim"
    ident, n = base, counters.get(base, 2)  # counters: many claims with one text stay linear, not quadratic
    while ident in taken:
        ident, n = f"{base}-{n}", n + 1
    counters[base] = n
    return ident


@functools.lru_cache(maxsize=8)
def _brief_fields(kinds: tuple[tuple[str, str], ...]) -> dict[str, Field]:
    """The brief schema for entity ``kinds`` (key, label): :data:`BRIEF_FIELDS` and a list of references
    per kind. Made once per configuration, not once per brief."""
    kind_fields = {k: Field(schema.text_list, f"list of {label.lower()} (ids, names or aliases)") for k, label in kinds}
    return {**BRIEF_FIELDS, **kind_fields}


def _block_lines(mapping: yaml.Node, key: str, value: str, text: str, line_offset: int
                 ) -> tuple[tuple[int, int, int], ...]:
    """Where each line of the scalar that ``mapping`` gives ``key`` starts, when it is written over several
    lines (a block scalar, ``>`` or ``|``, or a plain or quoted one that goes on): (offset in its ``value``,
    1-based file line and column), found in the file's ``text`` line by line; () for a scalar on one line,
    and only as far as its lines are found in its value (an escape sequence, ``\\n``, ends the search)."""
    node = next((v for k, v in mapping.value if isinstance(k, yaml.ScalarNode) and k.value == key), None) \
        if isinstance(mapping, yaml.MappingNode) else None
    if not isinstance(node, yaml.ScalarNode):
        return ()
    first, last = node.start_mark.line + line_offset, node.end_mark.line + line_offset
    block = node.style in ("|", ">")
    if not block and last == first:
        return ()
    lines = text.split("\n")
    quoted = 1 if node.style in ('"', "'") else 0
    found: list[tuple[int, int, int]] = []
    indent = None
    at = 0
    for index in range(first + block, min(last + 1, len(lines))):
        line = lines[index]
        if not block and index == last:
            line = line[:node.end_mark.column - quoted]  # (not a comment after it, nor its closing quote)
        line = line.rstrip()
        if block:
            if not line.strip():
                continue
            if indent is None:
                indent = len(line) - len(line.lstrip(" "))
            col = indent
        else:
            col = node.start_mark.column + quoted if index == first else len(line) - len(line.lstrip())
        start = value.find(line[col:], at) if line[col:] else -1
        if start < 0:
            if block or line[col:]:
                break
            continue  # (an empty line of a plain or quoted scalar: a line break in its value)
        found.append((start, index + 1, col + 1))
        at = start + len(line) - col
    return tuple(found)


def load_brief(rel: str, text: str, config: SiteConfig, diagnostics: Diagnostics) -> Brief | None:
    doc = parse_markdown_file(text, rel, diagnostics)
    if doc is None:
        return None
    r = Reader(rel, diagnostics, line_offset=doc.line_offset)
    fields = _brief_fields(tuple((k, c.label) for k, c in config.entity_kinds.items()))
    values, positions = schema.read_fields(doc.node, r, fields, "the brief's front matter")
    if not all(k in values for k in ("title", "date", "summary")) and not diagnostics.errors:
        return None  # (never: a required field that is missing or unreadable is an error)
    # A brief whose title, date, summary or URL name (or a claim's text or status) is missing or not valid
    # (an error, reported) is read to the end and resolved all the same, so that one run reports every
    # problem in it; the error stops the build before any page is rendered, so the stand-ins below
    # are never shown.
    start = schema.Pos(rel, 1, 1)

    summary = values.get("summary", "")
    if len(summary) > config.summary_max_length:
        p = positions["summary"]
        diagnostics.warning(rel, p.line, p.col,
                            f"summary is {len(summary)} characters, over summary_max_length "
                            f"({config.summary_max_length})", "shorten it; the body holds the details")

    updated = values.get("updated")
    if updated is not None and "date" in values and _before(updated, values["date"]):
        p = positions["updated"]
        diagnostics.warning(rel, p.line, p.col, f"'updated' ({updated}) is before 'date' ({values['date']}); it is "
                            "left out (feeds and search engines read an update as coming after publication)",
                            "correct the update's date, or remove it")
        updated = None
    slug_pos = positions.get("slug")
    slug = _slug(rel, values, positions, diagnostics)
    brief = Brief(path=rel, slug=slug, title=values.get("title", ""), date=values.get("date", _UNDATED),
                  summary=summary, body=doc.body, body_line=doc.body_line, pos=start, updated=updated,
                  draft=values.get("draft", False), slug_pos=slug_pos)
    seen_tags: set[str] = set()  # URL names: spellings of one tag (Türkiye, turkiye) are one tag
    for tag, pos in values.get("tags", []):
        tag_slug = schema.tag_slug(tag)
        if not tag_slug:
            diagnostics.error(rel, pos.line, pos.col, f"tag {tag!r} has no letters a-z or digits for its URL name "
                              "(tags/<name>/, made of a-z, 0-9 and hyphens; accents are dropped)",
                              "write the tag in Latin letters, e.g. a transliteration, or remove it")
            continue
        if not schema.is_id(tag_slug):
            diagnostics.error(rel, pos.line, pos.col, f"tag {tag!r} would have the URL name {tag_slug!r}",
                              schema.id_hint(tag_slug))
            continue
        lost = schema.non_latin_words(tag) if schema.loses_its_name(tag) else []
        if lost:  # Россия 2025 and 日本 2025 would both be tags/2025/
            diagnostics.warning(rel, pos.line, pos.col,
                                f"tag {tag!r} would have the URL name {tag_slug!r}, without "
                                f"{' '.join(lost)!r}: URL names hold only a-z, 0-9 and hyphens",
                                "write the tag in Latin letters, e.g. a transliteration")
        if tag_slug not in seen_tags:
            seen_tags.add(tag_slug)
            brief.tags.append(tag)
    for kind in config.entity_kinds:
        if kind in values:
            brief.refs[kind] = [Ref(t, p) for t, p in values[kind]]

    for v, _, node in values.get("sources", []):
        if "outlet" in v:
            brief.sources.append(Source(outlet=v["outlet"], pos=r.pos(node), url=v.get("url"),
                                        title=v.get("title"), date=v.get("date")))
    taken: set[str] = set()
    explicit: dict[str, schema.Pos] = {}
    for v, p, node in values.get("claims", []):
        # a claim whose text or status is missing or unreadable (an error, reported) is checked all the same
        claim_pos = r.pos(node)
        ident = v.get("id")
        if ident is not None:
            ip = p["id"]
            if not schema.is_id(ident):
                diagnostics.error(rel, ip.line, ip.col, f"claim id {ident!r} is not a valid anchor",
                                  schema.id_hint(ident))
                ident = None
            elif ident in explicit:
                diagnostics.error(rel, ip.line, ip.col, f"claim id {ident!r} is used twice in this brief "
                                  f"(first on line {explicit[ident].line})", "give each claim its own id")
                ident = None
            else:
                explicit[ident] = ip
        claim = Claim(text=v.get("text", ""), status=v.get("status", ""), pos=claim_pos, id=ident or "",
                      brief_slug=slug, by=v.get("by"), by_pos=p.get("by"), source=v.get("source"),
                      source_pos=p.get("source"), note=v.get("note"), note_pos=p.get("note"))
        if claim.note:
            claim.note_lines = _block_lines(node, "note", claim.note, text, doc.line_offset)
        claim.about = [Ref(t, tp) for t, tp in v.get("about", [])]
        sp = p.get("status")
        if "status" in v and claim.status not in config.claim_statuses:
            diagnostics.error(rel, sp.line, sp.col, f"unknown claim status {claim.status!r}",
                              _status_hint(claim.status, config.claim_statuses))
        brief.claims.append(claim)
    taken.update(explicit)
    counters: dict[str, int] = {}
    for claim in brief.claims:
        if not claim.id:
            claim.id = _claim_id(claim.text, taken, counters)
            taken.add(claim.id)
    return brief


def _slug(rel: str, values: dict, positions: dict[str, schema.Pos], diagnostics: Diagnostics) -> str:
    """The brief's URL name: its ``slug:``, else its file name less any leading date. One that is not
    valid is an error, and the brief gets ``rel`` in its place: never a valid slug, and no other file's."""
    if "slug" in values:
        slug = values["slug"]
        if not schema.is_id(slug):
            pos = positions["slug"]
            diagnostics.error(rel, pos.line, pos.col, f"slug {slug!r} is not a valid URL name", schema.id_hint(slug))
            return rel
        return slug
    slug = slug_from_filename(rel)
    if not slug:
        diagnostics.error(rel, 1, 1, "cannot make a URL name from this file name",
                          "rename the file with the letters a-z or digits (e.g. a transliteration), or set "
                          "'slug:' in the front matter")
        return rel
    if not schema.is_id(slug):
        diagnostics.error(rel, 1, 1, f"the file name gives the URL name {slug!r}, which is not valid",
                          schema.id_hint(slug) + "; rename the file or set 'slug:' in the front matter")
        return rel
    return slug


def brief_slug(rel: str, text: str) -> str | None:
    """The slug :func:`load_brief` gives the brief ``rel`` (``rel`` itself when it is not valid), reading
    only the ``slug`` field of its front matter: ``briefgen new`` needs the slug of every brief, and
    reading whole briefs (claims, sources...) takes nearly twice as long. None when the front matter
    does not parse (:func:`load_brief` gives no brief)."""
    diagnostics = Diagnostics()  # what is wrong is the build's to report
    doc = parse_markdown_file(text, rel, diagnostics)
    if doc is None:
        return None
    r = Reader(rel, diagnostics, line_offset=doc.line_offset)
    values, positions = schema.read_fields(doc.node, r, _SLUG_FIELD, "the brief's front matter",
                                           extra=lambda *_: True)  # the other fields: not read here
    return _slug(rel, values, positions, diagnostics)


def _before(a: dt.date, b: dt.date) -> bool:
    """``a`` is before ``b``: as times when both have one, else as days (a day holds its times)."""
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
        return sort_key(a) < sort_key(b)
    return day_of(a) < day_of(b)


def _status_hint(word: str, choices) -> str:
    return did_you_mean(word, choices) or "known statuses: " + ", ".join(choices)


def load_entity(rel: str, kind: str, text: str, config: SiteConfig, diagnostics: Diagnostics) -> Entity | None:
    path = PurePosixPath(rel)
    ident = path.stem
    if not schema.is_id(ident):
        suggestion = schema.slugify(ident)
        if schema.id_shaped(ident) or suggestion in schema.WINDOWS_RESERVED:  # reserved by Windows, or too long
            hint = schema.id_hint(ident) + "; rename the file"
        elif suggestion:
            hint = f"rename the file to {suggestion + path.suffix!r}"
        else:
            hint = "use lower-case letters, digits and hyphens"
        diagnostics.error(rel, 1, 1, f"{ident!r} is not a valid entity id (the file name is the id)", hint)
        return None
    if path.suffix == ".md":
        doc = parse_markdown_file(text, rel, diagnostics)
    else:
        doc = parse_yaml_file(text, rel, diagnostics)
    if doc is None:
        return None
    r = Reader(rel, diagnostics, line_offset=doc.line_offset)
    fields = EVENT_FIELDS if kind == "events" else ENTITY_FIELDS
    facts: list[tuple[str, str]] = []
    fact_refs: dict[str, Ref] = {}

    def extra(key: str, key_node: yaml.Node, value_node: yaml.Node) -> bool:
        if isinstance(value_node, yaml.ScalarNode):
            value = schema.scalar_text(value_node, r, key)
            if value:
                facts.append((key, value))
                ref_kind = REFERENCE_FACTS.get(key)
                if ref_kind in config.entity_kinds:
                    fact_refs[key] = Ref(value, r.pos(value_node))
            return True
        if did_you_mean(key, fields):
            return False  # most likely a misspelt field: reported as unknown, with the field meant
        if key in REFERENCE_FACTS:
            hint = f"write one reference, the id, name or alias of one of the {REFERENCE_FACTS[key]}"
        else:
            hint = f"write it on one line, e.g. {key}: A and B"
        r.error(value_node, f"the fact '{key}' must be one value, not {schema.type_name(value_node)}",
                f"{hint} (the fields are {', '.join(sorted(fields))}; any other key is a fact)")
        return True

    values, positions = schema.read_fields(doc.node, r, fields, f"the {config.entity_kinds[kind].singular.lower()}",
                                           extra=extra)
    if "name" not in values:
        return None
    if "date" in values and "end_date" in values and _before(values["end_date"], values["date"]):
        p = positions["end_date"]
        diagnostics.warning(rel, p.line, p.col, f"'end_date' ({values['end_date']}) is before 'date' "
                            f"({values['date']})", "swap them, or correct the end date")
    aliases = values.get("aliases", [])
    entity = Entity(kind=kind, id=ident, path=rel, name=values["name"], pos=schema.Pos(rel, 1, 1),
                    aliases=[a for a, _ in aliases], summary=values.get("summary", ""),
                    links=values.get("links", []), wikidata=values.get("wikidata"), facts=facts,
                    fact_refs=fact_refs, date=values.get("date"), end_date=values.get("end_date"),
                    body=doc.body, body_line=doc.body_line,
                    label_pos=(positions["name"], *(p for _, p in aliases)))
    return entity
