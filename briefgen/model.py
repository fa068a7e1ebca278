"""The content model: plain dataclasses, no I/O.

Loading (:mod:`briefgen.load`) fills the fields read from files; resolution
(:mod:`briefgen.resolve`) fills the ``resolved`` fields (entity keys, HTML).
An entity is addressed by its :data:`EntityKey` ``(kind, id)``."""

from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass, field, fields

from .schema import Pos

EntityKey = tuple[str, str]  # (kind, id)
Date = dt.date | dt.datetime


def _pickled_by_init(cls):
    """Pickle instances as a call of the class with every field, in order. Parse results are pickled by
    workers and unpickled, one file at a time, by the process that keeps the site: a slotted dataclass's
    default pickle is a dictionary of its fields set one by one, which unpickles about half again slower
    and is half again bigger."""
    values = operator.attrgetter(*(f.name for f in fields(cls)))

    def __reduce__(self):
        return (cls, values(self))

    cls.__reduce__ = __reduce__
    return cls


def day_of(value: Date) -> dt.date:
    """The calendar day a date or datetime is written on (a datetime's own, whatever its UTC offset)."""
    return value.date() if isinstance(value, dt.datetime) else value


def sort_key(value: Date) -> dt.datetime:
    """Dates and datetimes on one UTC axis (a bare date is midnight UTC)."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc)
    return dt.datetime(value.year, value.month, value.day, tzinfo=dt.timezone.utc)


@_pickled_by_init
@dataclass(slots=True)
class Ref:
    """An entity reference as written: an id, a name or an alias."""

    text: str
    pos: Pos
    key: EntityKey | None = None  # resolved


@_pickled_by_init
@dataclass(slots=True)
class Source:
    outlet: str
    pos: Pos
    url: str | None = None
    title: str | None = None
    date: Date | None = None
    entity: EntityKey | None = None  # resolved when the outlet names an entity


@_pickled_by_init
@dataclass(slots=True)
class Claim:
    text: str
    status: str
    pos: Pos
    id: str
    brief_slug: str
    by: str | None = None
    by_pos: Pos | None = None
    about: list[Ref] = field(default_factory=list)
    source: str | None = None
    source_pos: Pos | None = None
    note: str | None = None
    note_pos: Pos | None = None
    # A note written over several lines (a block scalar, note: >- or |, or a plain or quoted one that goes on):
    # where each of its lines starts, as (offset in the note, file line, file column), to locate its problems
    note_lines: tuple[tuple[int, int, int], ...] = ()
    # resolved
    by_entity: EntityKey | None = None
    source_index: int | None = None  # index into the brief's sources
    note_html: str = ""


@_pickled_by_init
@dataclass(slots=True)
class Brief:
    path: str
    slug: str
    title: str
    date: Date
    summary: str
    body: str
    body_line: int
    pos: Pos
    updated: Date | None = None
    draft: bool = False
    tags: list[str] = field(default_factory=list)
    refs: dict[str, list[Ref]] = field(default_factory=dict)  # kind -> references as listed
    sources: list[Source] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    slug_pos: Pos | None = None
    # resolved
    entities: list[EntityKey] = field(default_factory=list)  # listed entities, deduplicated, in order
    html: str = ""


@_pickled_by_init
@dataclass(slots=True)
class Entity:
    kind: str
    id: str
    path: str
    name: str
    pos: Pos
    aliases: list[str] = field(default_factory=list)
    summary: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url)
    wikidata: str | None = None
    facts: list[tuple[str, str]] = field(default_factory=list)  # (field, value as written)
    fact_refs: dict[str, Ref] = field(default_factory=dict)  # facts that reference an entity (place, operator)
    date: Date | None = None
    end_date: Date | None = None
    body: str = ""
    body_line: int = 0
    stub: bool = False  # made for an unknown reference
    label_pos: tuple[Pos, ...] = ()  # where the name and each alias are written, in that order
    # resolved
    html: str = ""
    fact_links: dict[str, EntityKey] = field(default_factory=dict)  # other facts that name one entity

    @property
    def key(self) -> EntityKey:
        return (self.kind, self.id)
