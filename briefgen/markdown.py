"""Markdown rendering: markdown-it-py (CommonMark + tables, strikethrough,
footnotes) with two briefgen plugins, applied with ``md.use()``:

- :func:`wikilinks_plugin`: ``[[target]]`` and ``[[target|text]]`` link to an
  entity (id, name or alias; ``kind/id`` to be explicit) or a brief (slug);
- :func:`mentions_plugin`: the first mention of each listed entity, by name or
  alias, becomes a link — never inside links, code or headings.

Internal links are written as ``ROOT + "kind/id/"``; the page renderer replaces
:data:`ROOT` with the page's relative path to the site root, so one rendering
serves pages at any depth. Only http, https, mailto and relative links survive."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from .schema import url_scheme

ROOT = "\x02root\x03/"  # placeholder for the page's relative root; control characters never reach content
SAFE_SCHEMES = frozenset({"", "http", "https", "mailto"})


@dataclass(frozen=True)
class LinkTarget:
    """Where a ``[[...]]`` link or a mention points: a site-relative path and a title."""

    path: str
    title: str


@dataclass(frozen=True)
class Mention:
    """An entity to link on first mention: the names that count, and its page."""

    names: tuple[str, ...]
    target: LinkTarget


@dataclass
class Problem:
    """A ``[[...]]`` that did not resolve, located in the body."""

    line: int
    col: int
    target: str


@dataclass
class RenderEnv:
    """Per-document state handed to the plugins through markdown-it's ``env``."""

    resolve: Callable[[str], LinkTarget | None]
    mentions: list[Mention] = field(default_factory=list)
    first_line: int = 1  # file line of the text's first line
    first_col: int = 1  # file column of the text's first character (inline values in YAML)
    lines: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    block_line: int = 0  # set per inline block while parsing


def safe_link(url: str) -> bool:
    """Only http(s), mailto and relative links pass (also used for autolinks and images)."""
    return url_scheme(url) in SAFE_SCHEMES


_WIKILINK = re.compile(r"\[\[([^\[\]\n|]{1,200})(?:\|([^\[\]\n]{1,300}))?\]\]")


def wikilinks_plugin(md: MarkdownIt) -> None:
    def wikilink(state: StateInline, silent: bool) -> bool:
        if not state.src.startswith("[[", state.pos):
            return False
        m = _WIKILINK.match(state.src, state.pos)
        if not m:
            return False
        env: RenderEnv | None = state.env.get("briefgen")
        if env is None:
            return False
        if not silent:
            target_text = m[1].strip()
            label = (m[2] or "").strip()
            target = env.resolve(target_text)
            if target is None:
                env.problems.append(_locate(env, state, m[0]))
                token = state.push("text", "", 0)
                token.content = label or target_text
            else:
                token = state.push("link_open", "a", 1)
                token.attrs = {"href": ROOT + target.path, "class": "wikilink"}
                token = state.push("text", "", 0)
                token.content = label or target.title
                state.push("link_close", "a", -1)
        state.pos = m.end()
        return True

    md.inline.ruler.before("link", "briefgen_wikilink", wikilink)


def _locate(env: RenderEnv, state: StateInline, raw: str) -> Problem:
    line_index = env.block_line + state.src.count("\n", 0, state.pos)
    col = 1
    if 0 <= line_index < len(env.lines):
        found = env.lines[line_index].find(raw)
        col = found + 1 if found >= 0 else 1
    if line_index == 0:
        col += env.first_col - 1
    return Problem(env.first_line + line_index, col, raw[2:-2].split("|")[0].strip())


def _inline_with_lines(state: StateCore) -> None:
    """markdown-it's core 'inline' rule, also telling plugins which line each block starts on."""
    env: RenderEnv | None = state.env.get("briefgen")
    for token in state.tokens:
        if token.type == "inline":
            if env is not None and token.map:
                env.block_line = token.map[0]
            if token.children is None:
                token.children = []
            state.md.inline.parse(token.content, state.md, state.env, token.children)


def mentions_plugin(md: MarkdownIt) -> None:
    def link_mentions(state: StateCore) -> None:
        env: RenderEnv | None = state.env.get("briefgen")
        if env is None or not env.mentions:
            return
        by_name: dict[str, Mention] = {}
        for mention in env.mentions:
            for name in mention.names:
                by_name.setdefault(" ".join(name.split()), mention)
        # A name can only match if it is in the text, give or take whitespace: leave the others out of the
        # pattern (compiling it is most of the cost of this rule; most listed names are never written out).
        text = " ".join(" ".join("".join(c.content if c.type == "text" else "\n" for c in t.children
                                         if c.type in ("text", "softbreak")).split())
                        for t in state.tokens if t.type == "inline" and t.children)
        names = [n for n in sorted(by_name, key=len, reverse=True) if n in text]
        if not names:
            return
        alternatives = (r"\s+".join(map(re.escape, name.split())) for name in names)
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")
        linked: set[LinkTarget] = set()
        in_heading = False
        for token in state.tokens:
            if token.type == "heading_open":
                in_heading = True
            elif token.type == "heading_close":
                in_heading = False
            elif token.type == "inline" and not in_heading and token.children:
                token.children = _link_children(token.children, pattern, by_name, linked)
                if len(linked) == len(env.mentions):
                    return

    md.core.ruler.after("inline", "briefgen_mentions", link_mentions)


def _link_children(children: list[Token], pattern: re.Pattern, by_name: dict[str, Mention],
                   linked: set[LinkTarget]) -> list[Token]:
    """Link first mentions in runs of text and soft line breaks outside links
    (a name may wrap onto the next line of the source)."""
    out: list[Token] = []
    run: list[Token] = []
    depth = 0
    for child in children:
        if child.type == "link_open":
            depth += 1
        elif child.type == "link_close":
            depth -= 1
        if depth == 0 and child.type in ("text", "softbreak"):
            run.append(child)
            continue
        out += _link_run(run, pattern, by_name, linked)
        run = []
        out.append(child)
    out += _link_run(run, pattern, by_name, linked)
    return out


def _link_run(run: list[Token], pattern: re.Pattern, by_name: dict[str, Mention],
              linked: set[LinkTarget]) -> list[Token]:
    content = "".join("\n" if t.type == "softbreak" else t.content for t in run)
    out: list[Token] = []
    start = 0
    for m in pattern.finditer(content):
        mention = by_name[" ".join(m[0].split())]
        if mention.target in linked:
            continue
        linked.add(mention.target)
        out += _text_and_breaks(content[start:m.start()])
        link = Token("link_open", "a", 1)
        link.attrs = {"href": ROOT + mention.target.path, "class": "mention"}
        out += [link, *_text_and_breaks(m[0]), Token("link_close", "a", -1)]
        start = m.end()
    if start == 0:
        return run
    return out + _text_and_breaks(content[start:])


def _text_and_breaks(content: str) -> list[Token]:
    out: list[Token] = []
    for i, line in enumerate(content.split("\n")):
        if i:
            out.append(Token("softbreak", "br", 0))
        if line:
            out.append(_text(line))
    return out


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _external_links(md: MarkdownIt) -> None:
    """Links to other sites get rel="noopener noreferrer"."""

    def link_open(self, tokens, idx, options, env):
        token = tokens[idx]
        href = token.attrGet("href") or ""
        if url_scheme(href) in ("http", "https") or href.startswith("//"):
            token.attrSet("rel", "noopener noreferrer")
        return self.renderToken(tokens, idx, options, env)

    md.add_render_rule("link_open", link_open)


def make_markdown(html: bool = False) -> MarkdownIt:
    """The one Markdown parser a build uses (create once per process)."""
    md = MarkdownIt("commonmark", {"html": html, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.validateLink = safe_link  # type: ignore[method-assign]
    md.use(footnote_plugin)
    md.use(wikilinks_plugin)
    md.use(mentions_plugin)
    md.core.ruler.at("inline", _inline_with_lines)
    _external_links(md)
    return md


def render(md: MarkdownIt, text: str, env: RenderEnv) -> str:
    """A body to HTML; unresolved ``[[...]]`` end up in ``env.problems``."""
    env.lines = text.split("\n")
    return md.render(text, {"briefgen": env})


def render_inline(md: MarkdownIt, text: str, env: RenderEnv) -> str:
    """One line of inline Markdown (claim notes) to HTML, without a paragraph."""
    env.lines = text.split("\n")
    return md.renderInline(text, {"briefgen": env})
