"""Typed readers that turn located YAML nodes into plain values.

Every reader takes a node and a :class:`Reader` (file path + diagnostics),
returns the converted value or ``None``, and reports what is wrong at the
node's own line and column. Text fields take the scalar exactly as written, so
YAML 1.1 surprises (``no`` → false, ``1:30`` → 90, dates) never change a
writer's words silently: they are reported where text is expected."""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import yaml

from .diagnostics import Diagnostics, did_you_mean
from .letters import TABLE

STR = "tag:yaml.org,2002:str"
NULL = "tag:yaml.org,2002:null"
BOOL = "tag:yaml.org,2002:bool"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
TIMESTAMP = "tag:yaml.org,2002:timestamp"
MAX_NODES = 20_000  # alias expansion budget for one file ("billion laughs"): values read
MAX_CHARS = 4_000_000  # and characters of text read, so aliases of one long value cannot multiply it
SEQ = "tag:yaml.org,2002:seq"
MAP = "tag:yaml.org,2002:map"
KNOWN_TAGS = frozenset({STR, NULL, BOOL, INT, FLOAT, TIMESTAMP, SEQ, MAP})
# Characters that are never text: C0 controls but tab and newline, DEL, C1 controls, the noncharacters U+FFFE/U+FFFF and
# lone surrogates. YAML's "\x01"-style escapes can produce them; they would make the Atom feeds invalid XML.
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")

_TYPE_NAMES = {NULL: "empty", BOOL: "true/false", INT: "a number", FLOAT: "a number", TIMESTAMP: "a date"}


@dataclass(frozen=True, slots=True)
class Pos:
    """A place in a file of the site, for diagnostics (a quarter of a million of them at 10,000 briefs:
    slotted, so that none has a dictionary). A named tuple is made and unpickled about twice as fast,
    but is 24 bytes larger: about 12 MB more at the peak of a 10,000-brief build, counted in the parent
    and again in each page worker, which the memory target (half of Hugo's) cannot spare."""

    path: str
    line: int
    col: int

    def __reduce__(self):  # unpickled by calling the class: twice as fast as a slotted dataclass's default
        return (Pos, (self.path, self.line, self.col))


@dataclass
class Reader:
    """Context for reading one file: where it is and where problems go."""

    path: str
    diagnostics: Diagnostics
    budget: list[int] = field(default_factory=lambda: [MAX_NODES, MAX_CHARS])
    line_offset: int = 0  # briefgen.frontmatter.Document.line_offset

    def pos(self, node: yaml.Node) -> Pos:
        mark = node.start_mark
        return Pos(self.path, mark.line + self.line_offset + 1, mark.column + 1)

    def error(self, node: yaml.Node, message: str, hint: str = "") -> None:
        p = self.pos(node)
        self.diagnostics.error(p.path, p.line, p.col, message, hint)

    def warning(self, node: yaml.Node, message: str, hint: str = "") -> None:
        p = self.pos(node)
        self.diagnostics.warning(p.path, p.line, p.col, message, hint)

    def spend(self, node: yaml.Node) -> bool:
        """Count one visited node and its text; False (with one error) once the budget is spent."""
        if self.budget[0] <= 0:
            return False
        self.budget[0] -= 1
        if isinstance(node, yaml.ScalarNode):
            self.budget[1] -= len(node.value)
        if self.budget[0] == 0 or self.budget[1] < 0:
            self.budget[0] = 0
            self.error(node, f"the file holds (or its YAML aliases expand to) more than {MAX_NODES:,} values "
                       f"or {MAX_CHARS:,} characters", "remove aliases (*name) that repeat large blocks, or split it")
            return False
        return True


def plain(node: yaml.Node) -> bool:
    """True for an unquoted scalar (the C and Python composers mark it differently)."""
    return not node.style


def type_name(node: yaml.Node) -> str:
    if node.tag not in KNOWN_TAGS:
        return f"a value tagged {tag_name(node)}"
    if isinstance(node, yaml.MappingNode):
        return "a mapping (key: value)" if node.tag == MAP else f"a mapping tagged {tag_name(node)}"
    if isinstance(node, yaml.SequenceNode):
        return "a list" if node.tag == SEQ else f"a list tagged {tag_name(node)}"
    return _TYPE_NAMES.get(node.tag, "text")


def tag_name(node: yaml.Node) -> str:
    return node.tag.replace("tag:yaml.org,2002:", "!!")


def described(name: str) -> str:
    """How a message names a field: ``'title'``; an item of a list (``tags item``) as ``an item of 'tags'``."""
    return f"an item of '{name[:-5]}'" if name.endswith(" item") else f"'{name}'"


def bad_char(value: str) -> str:
    """The first character of ``value`` that is never text (``''`` when there is none)."""
    if value.isprintable():  # no control, surrogate or noncharacter: a C loop, faster than the pattern
        return ""
    m = _NOT_TEXT.search(value)
    return m[0] if m else ""


def _check_chars(node: yaml.ScalarNode, r: Reader, name: str) -> bool:
    c = bad_char(node.value)
    if c:
        r.error(node, f"{described(name)} contains the control character U+{ord(c):04X}",
                "remove it (a YAML escape such as \\x01 in double quotes can produce one)")
    return not c


def text(node: yaml.Node, r: Reader, name: str, *, allow_empty: bool = False) -> str | None:
    """A plain-text field. Numbers, dates and yes/no are reported, not converted."""
    if not r.spend(node):
        return None
    # Most fields are text as expected: take it after one tag and one character check.
    if node.tag == STR and type(node) is yaml.ScalarNode and not bad_char(node.value):
        value = node.value.strip()
        if value or allow_empty:
            if not value.isprintable():  # a line break, or a format character such as a bidi control
                _warn_bidi(node, r, name, value)
            return value
    return _checked_text(node, r, name, allow_empty)


# Bidirectional embeddings, overrides and isolates: invisible, they change the order in which what follows them is
# shown, up to the end of the line or of the page's title (a name can be shown as "evil.exe" stored as "exe.live")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _warn_bidi(node: yaml.Node, r: Reader, name: str, value: str) -> None:
    m = _BIDI.search(value)
    if m:
        char = f"U+{ord(m[0]):04X} ({unicodedata.name(m[0])})"
        r.warning(node, f"{described(name)} contains the invisible character {char}, "
                  "which changes the order in which the text after it is shown",
                  "remove it: browsers order right-to-left and left-to-right text by themselves")


def _checked_text(node: yaml.Node, r: Reader, name: str, allow_empty: bool) -> str | None:
    """:func:`text` once its node is counted: every check, in the order the diagnostics follow."""
    if not isinstance(node, yaml.ScalarNode):
        where = "each item as text" if name.endswith(" item") else f"one line of text after '{name}:'"
        r.error(node, f"{described(name)} must be text, not {type_name(node)}",
                f"write {where}; quote it if it starts with [, {{ or -")
        return None
    if node.tag == NULL and not node.value:
        if allow_empty:
            return None
        # (an optional field left empty is no field at all: read_fields skips it, so this one is needed)
        r.error(node, f"{described(name)} is empty", "write a value or remove the empty item" if name.endswith(" item")
                else "write a value after the colon")
        return None
    if node.tag not in KNOWN_TAGS:
        r.error(node, f"{described(name)} must be text, not {type_name(node)}", "remove the tag (!!...)")
        return None
    if node.tag != STR and plain(node):
        r.error(node, f"{described(name)} must be text, but YAML reads {node.value!r} as {type_name(node)}",
                f'put it in quotes: "{node.value}"' if name.endswith(" item")
                else f'put it in quotes: {name}: "{node.value}"')
        return None
    if not _check_chars(node, r, name):
        return None
    value = node.value.strip()
    if not value and not allow_empty:
        r.error(node, f"{described(name)} is empty", "write a value, or remove the line if the field is optional")
        return None
    if not value.isprintable():
        _warn_bidi(node, r, name, value)
    return value


def scalar_text(node: yaml.Node, r: Reader, name: str) -> str | None:
    """Any scalar, exactly as written (for fact tables: ``hull: 78`` shows ``78``)."""
    if not r.spend(node):
        return None
    if not isinstance(node, yaml.ScalarNode):
        r.error(node, f"{described(name)} must be a single value, not {type_name(node)}",
                "facts are shown in a table of single values")
        return None
    if not _check_chars(node, r, name):
        return None
    value = node.value.strip()
    if not value.isprintable():
        _warn_bidi(node, r, name, value)
    return value


def boolean(node: yaml.Node, r: Reader, name: str) -> bool | None:
    if isinstance(node, yaml.ScalarNode) and plain(node):
        word = node.value.lower()
        if word in ("true", "yes", "on"):
            return True
        if word in ("false", "no", "off"):
            return False
    r.error(node, f"'{name}' must be true or false, not {node.value!r}" if isinstance(node, yaml.ScalarNode)
            else f"'{name}' must be true or false, not {type_name(node)}")
    return None


def integer(node: yaml.Node, r: Reader, name: str, minimum: int = 0, usual: int | None = None) -> int | None:
    """A whole number of at least ``minimum``; ``usual`` (the default) is the example its error gives."""
    if isinstance(node, yaml.ScalarNode) and re.fullmatch(r"[0-9]+", node.value.replace("_", "")):
        value = int(node.value.replace("_", ""))
        if value >= minimum:
            return value
    r.error(node, f"'{name}' must be a whole number of at least {minimum}",
            f"e.g. {name}: {usual if usual is not None else max(minimum, 1)}")
    return None


_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DATETIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6})\d*)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?"
)


def date(node: yaml.Node, r: Reader, name: str) -> dt.date | dt.datetime | None:
    """A date (``2025-12-01``) or a datetime with a UTC offset."""
    if not isinstance(node, yaml.ScalarNode) or not node.value:
        r.error(node, f"'{name}' must be a date like 2025-12-01, not {type_name(node)}",
                f"write it as {name}: YYYY-MM-DD, or a datetime with its offset (2025-12-01T17:00:00-05:00)")
        return None
    value = node.value.strip()
    try:
        m = _DATE.fullmatch(value)
        if m:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        m = _DATETIME.fullmatch(value)
        if m:
            micro = int((m[7] or "0").ljust(6, "0"))
            naive = dt.datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]), int(m[6] or 0), micro)
            zone = m[8]
            if not zone:
                r.warning(node, f"'{name}' has a time but no UTC offset; it is read as UTC",
                          f"write it with an offset, e.g. {value}+00:00")
                return naive.replace(tzinfo=dt.timezone.utc)
            if zone in "Zz":
                return naive.replace(tzinfo=dt.timezone.utc)
            digits = zone[1:].replace(":", "")
            hours, minutes = int(digits[:2]), int(digits[2:] or 0)
            if hours > 23 or minutes > 59:
                r.error(node, f"'{name}' has a UTC offset out of range: {zone}",
                        "write an offset from -23:59 to +23:59, e.g. 2025-12-01T17:00:00-05:00")
                return None
            delta = dt.timedelta(hours=hours, minutes=minutes)
            aware = naive.replace(tzinfo=dt.timezone(delta if zone[0] == "+" else -delta))
            aware.astimezone(dt.timezone.utc)  # briefs and events are ordered in UTC (model.sort_key)
            return aware
    except OverflowError:
        r.error(node, f"'{name}' falls outside the years 1 to 9999 in UTC",
                "use a date and time within those years once its UTC offset is applied")
        return None
    except ValueError as exc:
        r.error(node, f"'{name}' is not a valid date: {exc}", "use YYYY-MM-DD, e.g. 2025-12-01")
        return None
    r.error(node, f"'{name}' is not a valid date: {value!r}",
            "use YYYY-MM-DD (2025-12-01) or a datetime with offset (2025-12-01T17:00:00-05:00)")
    return None


def text_list(node: yaml.Node, r: Reader, name: str) -> list[tuple[str, Pos]]:
    """A list of text items (a single text value is reported: lists need brackets)."""
    if isinstance(node, yaml.ScalarNode):
        if node.tag == NULL and not node.value:
            return []
        r.error(node, f"'{name}' must be a list, not a single value",
                f"write it as a list: {name}: [{node.value}]")
        return []
    if not isinstance(node, yaml.SequenceNode) or node.tag != SEQ:  # (a field's other tags: read_fields)
        r.error(node, f"'{name}' must be a list, not {type_name(node)}", f"write it as {name}: [a, b]")
        return []
    out = []
    item_name = f"{name} item"
    for item in node.value:
        value = text(item, r, item_name)
        if value is not None:
            out.append((value, r.pos(item)))
    return out


def mapping(node: yaml.Node | None, r: Reader, name: str) -> dict[str, tuple[yaml.Node, yaml.Node]] | None:
    """A mapping as ``{key: (key_node, value_node)}``; duplicate keys are errors."""
    if node is None:
        return {}
    if not r.spend(node):
        return None
    if not isinstance(node, yaml.MappingNode) or node.tag != MAP:
        r.error(node, f"{name} must be a mapping of 'key: value' lines, not {type_name(node)}",
                "remove the tag (!!...)" if node.tag not in KNOWN_TAGS else
                "write its keys on the lines below, indented, each as 'key: value'")
        return None
    out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            r.error(key_node, f"a key in {name} must be text, not {type_name(key_node)}",
                    "write the key as a plain word, e.g. role: …")
            continue
        if key_node.tag == "tag:yaml.org,2002:merge":
            r.error(key_node, "YAML merge keys (<<) are not supported", "write the fields out")
            continue
        if key_node.tag not in KNOWN_TAGS:
            r.error(key_node, f"a key in {name} has the YAML tag {tag_name(key_node)}, which is not allowed",
                    "remove the tag (!...)")
            continue
        key = key_node.value
        if bad_char(key):
            r.error(key_node, f"a key in {name} contains the control character U+{ord(bad_char(key)):04X}",
                    "remove it")
            continue
        if key in out:
            first = r.pos(out[key][0])
            r.error(key_node, f"duplicate key '{key}' (first given on line {first.line})",
                    "remove one of them; YAML would silently keep only the last")
            continue
        out[key] = (key_node, value_node)
    return out


@dataclass(frozen=True)
class Field:
    """One declared field of a schema: its reader, whether it is required, and its doc."""

    read: Callable[[yaml.Node, Reader, str], Any]
    doc: str
    required: bool = False


def read_fields(
    node: yaml.Node | None,
    r: Reader,
    fields: dict[str, Field],
    what: str,
    *,
    extra: Callable[[str, yaml.Node, yaml.Node], bool] | None = None,
    at: yaml.Node | None = None,
) -> tuple[dict[str, Any], dict[str, Pos]]:
    """Read a mapping against declared fields.

    Unknown keys are errors with the closest known key, unless ``extra`` accepts
    them (``extra(key, key_node, value_node)`` returns True when it consumed the
    key). Returns the values and the position of each present field."""
    entries = mapping(node, r, what)
    values: dict[str, Any] = {}
    positions: dict[str, Pos] = {}
    meant: set[str] = set()  # the field each unknown key most likely means, which may be a missing one
    taken: dict[str, yaml.Node] = {}  # keys ``extra`` took (an entity's facts), one of which may be misspelt
    if entries is None:
        return values, positions
    for key, (key_node, value_node) in entries.items():
        if value_node.tag not in KNOWN_TAGS:  # whatever the field (a date, a flag, a fact...): values are plain data
            r.error(value_node, f"'{key}' has the YAML tag {tag_name(value_node)}, which is not allowed",
                    "remove the tag (!...)")
            positions[key] = r.pos(value_node)
            continue
        spec = fields.get(key)
        if spec is None:
            if extra and extra(key, key_node, value_node):
                taken[key] = key_node
                continue
            meant.update(difflib.get_close_matches(key, list(fields), n=1, cutoff=0.6))
            r.error(key_node, f"unknown field '{key}' in {what}", did_you_mean(key, fields) or
                    "known fields: " + ", ".join(sorted(fields)))
            continue
        positions[key] = r.pos(value_node)
        if isinstance(value_node, yaml.ScalarNode) and value_node.tag == NULL and not value_node.value \
                and not spec.required:
            continue
        value = spec.read(value_node, r, key)
        if value is not None:
            values[key] = value
    missing = [k for k, s in fields.items() if s.required and k not in values and k not in positions]
    for key in missing:
        if key in meant:
            continue  # misspelt: its unknown key's error already names the field it means (one problem, one line)
        where = at if at is not None else node
        hint = f"add '{key}: ...': {fields[key].doc}"
        close = difflib.get_close_matches(key, list(taken), n=1, cutoff=0.6)
        if close:
            hint += f"; or rename '{close[0]}' on line {r.pos(taken[close[0]]).line}, if it is meant to be it"
        if where is None:
            r.diagnostics.error(r.path, 1, 1, f"{what} is missing the required field '{key}'", hint)
        else:
            r.error(where, f"{what} is missing the required field '{key}'", hint)
    return values, positions


_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_ID = 120  # characters of an id or slug at most
# Device names Windows reserves: no file or folder can have them, so a site using one cannot be checked out there.
WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                              *(f"lpt{i}" for i in range(10))})


def is_id(value: str) -> bool:
    """Ids and slugs: lower-case ASCII letters, digits and single hyphens, at most :data:`MAX_ID` of them;
    not a name Windows reserves."""
    return id_shaped(value) and len(value) <= MAX_ID and value not in WINDOWS_RESERVED


def id_shaped(value: str) -> bool:
    """Whether ``value`` is made of lower-case ASCII letters, digits and single hyphens, as an id is (whatever
    its length, and whether Windows reserves it)."""
    return bool(_ID.fullmatch(value))


def id_hint(value: str) -> str:
    """How to fix an invalid id or slug (for a diagnostic's hint): what is wrong with it, and an example."""
    if value in WINDOWS_RESERVED:
        return f"{value!r} is a device name on Windows, where no file or folder can have it; e.g. {value + '-1'!r}"
    suggestion = slugify(value)
    if suggestion in WINDOWS_RESERVED:
        suggestion += "-1"
    example = f", e.g. {suggestion!r}" if suggestion else ""
    if id_shaped(value):  # too long, and nothing else
        return f"it has {len(value)} characters, and a URL name has at most {MAX_ID}: shorten it{example}"
    rule = "use lower-case letters a-z, digits and hyphens"
    return rule + (f", at most {MAX_ID} of them" if len(value) > MAX_ID else "") + example


def slugify(value: str) -> str:
    """``Nicolás Maduro`` → ``nicolas-maduro``, ``Łódź`` → ``lodz``; only [a-z0-9-] survive."""
    if not value.isascii():
        value = unicodedata.normalize("NFKD", value).lower().translate(TABLE)
        value = value.encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
    return value[:80].rstrip("-")


def _letters_lost(word: str) -> int:
    """How many letters of ``word`` :func:`slugify` drops: letters of scripts other than Latin (but modifier
    letters, such as the ʻokina of Hawaiʻi, which are marks of a kind)."""
    word = unicodedata.normalize("NFKD", word).lower().translate(TABLE)
    return sum(1 for c in word if c.isalpha() and not c.isascii() and unicodedata.category(c) != "Lm")


def non_latin_words(value: str) -> list[str]:
    """The words of ``value`` with letters that :func:`slugify` cannot keep (``Россия 2025`` → ``['Россия']``)."""
    if value.isascii():
        return []
    return [w for w in value.split() if _letters_lost(w)]


def loses_its_name(value: str) -> bool:
    """Whether :func:`slugify` drops more of ``value``'s letters than it keeps, so that its URL name no longer
    names it (``Россия 2025`` → ``2025``, ``Путин`` → nothing); not ``Путин said inflation fell``, nor
    ``Kyiv (Київ)``."""
    if value.isascii():
        return False
    return _letters_lost(value) > sum(1 for c in slugify(value) if c.isalpha())


def short_digest(value: str) -> str:
    """Eight hex digits naming ``value`` as :func:`fold` sees it: the URL name of a name with no Latin letters."""
    return hashlib.blake2b(fold(value).encode("utf-8"), digest_size=4).hexdigest()


@functools.lru_cache(maxsize=4096)
def tag_slug(tag: str) -> str:
    """:func:`slugify` of a tag, remembered: a site has a few tags, named on brief after brief."""
    return slugify(tag)


def fold(value: str) -> str:
    """Case- and accent-insensitive lookup key: ``Nicolás  MADURO`` → ``nicolas maduro``, ``ŁÓDŹ`` → ``lodz``."""
    if value.isascii():
        return " ".join(value.lower().split())
    value = unicodedata.normalize("NFKD", value)
    value = "".join(c for c in value if not unicodedata.combining(c))
    return " ".join(value.casefold().translate(TABLE).split())


_BLANK_OR_CONTROL = re.compile(r"[\x00-\x20\x7f]")  # what a browser ignores in a URL's scheme
_BLANK = re.compile(r"[\x00-\x20]")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")


def url_scheme(url: str) -> str:
    """The scheme of ``url`` after removing control characters and spaces ('' if relative)."""
    cleaned = _BLANK_OR_CONTROL.sub("", url)
    m = _SCHEME.match(cleaned)
    return m[1].lower() if m else ""


_HOST = re.compile(r"[^\W_](?:[\w.-]*[^\W_])?\.?|[0-9a-f:.]+")  # a name (IDN too) or an address (IPv6 unbracketed)
_BASE_PATH = re.compile(r"/(?:[A-Za-z0-9._~%-]+/)*[A-Za-z0-9._~%-]*")  # what a site's address may have after its host


def base_url_problem(value: str) -> str | None:
    """Why ``value`` (an http(s) URL) cannot be a site's address, or None. Its path becomes the links of
    the page a host serves at any address (404.html), so it must be a plain path: no ``//``, ``\\``,
    ``.``/``..`` segments, quotes or markup, query or fragment."""
    if _BLANK.search(value) or bad_char(value):
        return "it cannot have spaces or control characters"
    try:
        parts = urlsplit(value)
        port = parts.port  # (a ValueError when it is no port)
    except ValueError as exc:
        return f"it is not a valid URL ({exc})"
    if not parts.netloc or "\\" in value or "@" in parts.netloc or not _HOST.fullmatch(parts.hostname or ""):
        return "it needs a host name, and no user name or backslash"
    if (port is not None and not 0 < port < 65536) or parts.netloc.endswith(":"):
        return "its port must be a number from 1 to 65535"
    if parts.query or parts.fragment or value.endswith(("?", "#")):
        return "it cannot have a query (?) or fragment (#)"
    path = parts.path or "/"
    if not _BASE_PATH.fullmatch(path) or any(seg in (".", "..") for seg in path.split("/")):
        return (f"its path {path!r} must be plain folder names (letters, digits, . _ ~ - and %XX) between "
                "single slashes")
    return None


_DOMAIN = re.compile(r"(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}", re.I)


def bare_domain(value: str) -> str | None:
    """``value`` as the line of a ``CNAME`` file (``Briefs.Example.org.`` → ``briefs.example.org``), or None
    when it is not a bare domain name. GitHub Pages reads that file as a host name: a URL, a path, a port or
    an IP address in it breaks the custom domain, after the deploy has published it."""
    domain = value.strip().rstrip(".").lower()
    return domain if _DOMAIN.fullmatch(domain) else None


def domain_hint(value: str, write: str) -> str:
    """What to write instead of ``value``, which :func:`bare_domain` refused: the host name of a URL
    (``https://x.org/`` → ``x.org``) where it has one. ``write`` is how the setting is given (``cname: ``)."""
    try:
        host = urlsplit(value.strip() if "//" in value else "//" + value.strip()).hostname
    except ValueError:
        host = None
    domain = bare_domain(host) if host else None
    return f"write the domain alone: {write}{domain or 'briefs.example.org'}"


def http_url(node: yaml.Node, r: Reader, name: str) -> str | None:
    """An absolute http(s) URL."""
    value = text(node, r, name)
    if value is None:
        return None
    if url_scheme(value) not in ("http", "https") or _BLANK.search(value) or "://" not in value:
        r.error(node, f"'{name}' must be an http:// or https:// URL, not {value[:60]!r}",
                "only web links are allowed")
        return None
    return value
