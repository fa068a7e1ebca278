"""Split front matter from a Markdown file and compose YAML into located nodes.

YAML is composed (never constructed) with PyYAML's safe C composer when it is
available, so every value keeps its line and column, nothing is instantiated
from tags, and aliases stay shared nodes that :mod:`briefgen.schema` walks with
a budget instead of expanding."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import yaml

from .diagnostics import Diagnostics

try:  # the C loader is several times faster; both are safe loaders
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

_PLAIN_TAGS: dict[str, str] = {}  # plain scalar -> its implicit tag, for this process
_PLAIN_TAGS_MAX = 1 << 16  # entries (of at most 64 characters): a few MB at most


# A flow collection YAML reached the next line in without its closing bracket: named for the error.
_UNCLOSED = {"while parsing a flow sequence": ("list", "]"), "while parsing a flow mapping": ("mapping", "}")}


def _ran_on(text: str, exc: yaml.MarkedYAMLError) -> bool:
    """Whether YAML, in a ``[...]`` or ``{...}``, gave up because it ran on into what follows it: the end of
    the text, or a line indented no deeper than the one that opened it (the next key). A collection that
    spans lines and is closed, but lacks a comma on a later line, is not that: YAML's own place is right."""
    opened, stopped = exc.context_mark, exc.problem_mark
    if opened is None or stopped is None or stopped.line <= opened.line:
        return False
    lines = text.split("\n")
    if stopped.line >= len(lines) or not "".join(lines[stopped.line:]).strip():
        return True

    def indent(line: str) -> int:
        return len(line) - len(line.lstrip(" "))

    return indent(lines[stopped.line]) <= indent(lines[opened.line])


class _Loader(_SafeLoader):  # type: ignore[misc, valid-type]
    """The safe loader, with tags resolved as it resolves them, faster. Its composer (C or not) calls
    ``resolve`` in Python for every node; unquoted scalars (ids, statuses, dates, keys) repeat from file
    to file, so their tags (found by trying the implicit resolvers' patterns) are remembered; every
    other node gets the default tag of its kind, as there are no path resolvers."""

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode and implicit[0]:
            tag = _PLAIN_TAGS.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(value) <= 64 and len(_PLAIN_TAGS) < _PLAIN_TAGS_MAX:
                    _PLAIN_TAGS[value] = tag
            return tag
        if kind is yaml.ScalarNode:
            return self.DEFAULT_SCALAR_TAG
        return self.DEFAULT_SEQUENCE_TAG if kind is yaml.SequenceNode else self.DEFAULT_MAPPING_TAG

    def descend_resolver(self, current_node, current_index):  # only path resolvers need the path
        pass

    def ascend_resolver(self):
        pass


assert not _SafeLoader.yaml_path_resolvers, "the resolver shortcuts above assume no path resolvers"

FENCE = re.compile(r"^---[ \t]*$")
MAX_DEPTH = 50  # nesting deeper than this is never front matter; refuse before composing
# PyYAML's C composer recurses once per nesting level and crashes the interpreter somewhere past
# 20,000 levels. Every level needs its own '[', '{', '-', '?' or ':', so text with at most this
# many of them is composed first and its depth measured on the nodes; other text is measured
# on the parser's events before composing.
SAFE_TO_COMPOSE = 2_000
# Line breaks that YAML counts and a file's lines do not (or counts differently): only text
# without them needs its marks moved to file lines and columns.
_OTHER_BREAKS = "\r\x85\u2028\u2029"


def _other_breaks(text: str) -> bool:
    """Whether ``text`` holds one of :data:`_OTHER_BREAKS` (four ``in`` tests: a hundred times faster than
    a character class on text that is not all ASCII)."""
    return any(c in text for c in _OTHER_BREAKS)


@dataclass
class Document:
    """A parsed front-matter file: the YAML root node and the Markdown body."""

    node: yaml.Node | None
    body: str
    body_line: int  # 1-based line of the body's first line in the file
    line_offset: int = 0  # add to a node's 0-based ``start_mark.line`` for its 0-based line in the file


def split(text: str, path: str, diagnostics: Diagnostics) -> tuple[str, int, str, int] | None:
    """Split ``---`` front matter from the body.

    Returns ``(yaml_text, yaml_first_line, body, body_first_line)`` or ``None``
    (with a diagnostic) when the fences are missing or unclosed."""
    lines = text.split("\n")
    if not lines or not FENCE.match(lines[0]):
        diagnostics.error(path, 1, 1, "the file does not start with front matter",
                          "put '---' on the first line, then the YAML fields, then '---'")
        return None
    for i in range(1, len(lines)):
        if FENCE.match(lines[i]) or lines[i].rstrip() == "...":
            yaml_text = "\n".join(lines[1:i])
            body = "\n".join(lines[i + 1:])
            return yaml_text, 2, body, i + 2
    diagnostics.error(path, 1, 1, "the front matter is never closed",
                      "add a line with just '---' after the last front matter field")
    return None


_SCALAR, _SEQUENCE = yaml.ScalarNode, yaml.SequenceNode  # what the composers make (exact types)
_STARTS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_ENDS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


@dataclass(frozen=True)
class _Mark:
    line: int  # 0-based, like PyYAML's marks
    column: int


class _Lines:
    """Character index → file line and column. YAML also breaks lines at U+0085, U+2028 and
    U+2029, so its own line numbers can drift from the file's; its character index cannot."""

    def __init__(self, text: str, first_line: int):
        self.text = text
        self.starts = [0, *(m.end() for m in re.finditer("\n", text))]
        self.offset = first_line - 1

    def mark(self, index: int) -> _Mark:
        index = max(0, min(index, len(self.text)))
        line = bisect.bisect_right(self.starts, index) - 1
        return _Mark(line + self.offset, index - self.starts[line])


def _too_deep(text: str) -> int:
    """Character index in ``text`` where lists and mappings nest deeper than :data:`MAX_DEPTH`, else -1.

    Composing is recursive (PyYAML's C composer can crash the interpreter on a
    few hundred thousand levels), so depth is measured first on the parser's
    events, which are produced iteratively. Every nested collection needs its
    own ``[``, ``{``, ``-``, ``?`` or ``:``, so text with fewer of them is
    shallow enough without parsing."""
    if _structure(text) <= MAX_DEPTH:
        return -1
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, _STARTS):
            depth += 1
            if depth > MAX_DEPTH:
                return event.start_mark.index
        elif isinstance(event, _ENDS):
            depth -= 1
    return -1


def _structure(text: str) -> int:
    return text.count("[") + text.count("{") + text.count("-") + text.count("?") + text.count(":")


def _first_too_deep(root: yaml.Node) -> yaml.Node | None:
    """The first collection (in document order) nested deeper than :data:`MAX_DEPTH`, as the
    parser's events would count it: a node shared through an alias counts where it is defined.

    Only collections are pushed (front matter is mostly scalars: a brief has ~20 collections and
    ~100 scalars), in the order a walk of every node would reach them."""
    seen: set[int] = set()
    stack = [] if type(root) is _SCALAR else [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if depth > MAX_DEPTH:
            return node
        depth += 1
        if type(node) is _SEQUENCE:
            stack += [(child, depth) for child in reversed(node.value) if type(child) is not _SCALAR]
        else:
            for key, value in reversed(node.value):
                if type(value) is not _SCALAR:
                    stack.append((value, depth))
                if type(key) is not _SCALAR:
                    stack.append((key, depth))
    return None


def compose(text: str, path: str, first_line: int, diagnostics: Diagnostics) -> tuple[yaml.Node | None, int]:
    """Compose YAML text into a node tree located in the file: ``(node, line_offset)``, where a
    node's 0-based file line is ``start_mark.line + line_offset`` and its column ``start_mark.column``.

    ``first_line`` is the 1-based file line of the text's first line. Syntax
    errors become one diagnostic at the position YAML reports."""
    if "\t" in text:
        for lineno, line in enumerate(text.split("\n")):
            stripped = line.lstrip(" ")
            if stripped.startswith("\t"):
                diagnostics.error(path, first_line + lineno, len(line) - len(stripped) + 1,
                                  "a tab is used for indentation", "YAML indents with spaces only")
                return None, 0
    too_deep = f"YAML nested more than {MAX_DEPTH} levels deep"
    deep_hint = "front matter needs only a few levels of lists and mappings"
    structure = _structure(text)
    try:
        if structure > SAFE_TO_COMPOSE:
            deep = _too_deep(text)
            if deep >= 0:
                diagnostics.error(path, _Lines(text, first_line).mark(deep).line + 1, 1, too_deep, deep_hint)
                return None, 0
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context == "while scanning a simple key" and exc.context_mark:
            mark = exc.context_mark  # the line that lacks its ':', not the next one, where it was missed
        problem = exc.problem or exc.context or "invalid YAML"
        hint = "check the indentation and quote values that contain ': ' or start with a special character"
        unclosed = _UNCLOSED.get(exc.context or "")
        if unclosed and "did not find expected ','" in (exc.problem or "") and _ran_on(text, exc):
            mark = exc.context_mark  # where the [ or { was opened, not the line after, where YAML gave up
            what, closer = unclosed
            problem = f"this {what} is not closed with '{closer}'"
            hint = f"add the '{closer}', and put a comma between items; quote an item that holds , [ ] {{ }} or #"
        at = _Lines(text, first_line).mark(mark.index) if mark else _Mark(first_line - 1, 0)
        diagnostics.error(path, at.line + 1, at.column + 1, f"YAML syntax error: {problem}", hint)
        return None, 0
    except yaml.YAMLError as exc:
        diagnostics.error(path, first_line, 1, f"YAML error: {exc}")
        return None, 0
    except RecursionError:
        diagnostics.error(path, first_line, 1, "YAML nested too deeply")
        return None, 0
    if node is None:
        return None, 0
    deep_node = _first_too_deep(node) if structure > MAX_DEPTH else None
    if deep_node is not None:
        line = _Lines(text, first_line).mark(deep_node.start_mark.index).line
        diagnostics.error(path, line + 1, 1, too_deep, deep_hint)
        return None, 0
    if _other_breaks(text):
        _relocate(node, _Lines(text, first_line))
        return node, 0
    return node, first_line - 1  # YAML's own lines and columns are the file's, but for the first line


def _relocate(root: yaml.Node, lines: _Lines) -> None:
    """Give every node its file line and column (each shared node once; aliases may even make cycles)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        node.start_mark = lines.mark(node.start_mark.index)
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack += (key, value)


def parse_markdown_file(text: str, path: str, diagnostics: Diagnostics) -> Document | None:
    """Front matter + body of a ``.md`` brief or entity."""
    parts = split(text, path, diagnostics)
    if parts is None:
        return None
    yaml_text, yaml_line, body, body_line = parts
    if not yaml_text.strip():
        return Document(None, body, body_line)
    node, offset = compose(yaml_text, path, yaml_line, diagnostics)
    if node is None and diagnostics.errors and diagnostics.errors[-1].path == path:
        return None
    return Document(node, body, body_line, offset)


def parse_yaml_file(text: str, path: str, diagnostics: Diagnostics) -> Document | None:
    """A whole ``.yaml`` file (config or entity)."""
    if not text.strip():
        return Document(None, "", 0)
    node, offset = compose(text, path, 1, diagnostics)
    if node is None and diagnostics.errors and diagnostics.errors[-1].path == path:
        return None
    return Document(node, "", 0, offset)
