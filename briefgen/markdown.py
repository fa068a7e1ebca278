"""Markdown rendering: markdown-it-py (CommonMark + tables, strikethrough,
footnotes) with two briefgen plugins, applied with ``md.use()``:

- :func:`wikilinks_plugin`: ``[[target]]`` and ``[[target|text]]`` link to an
  entity (id, name or alias; ``kind/id`` to be explicit) or a brief (slug);
- :func:`mentions_plugin`: the first mention of each listed entity, by name or
  alias, becomes a link — never inside links, code or headings;
- :func:`checked_links_plugin`: links and images that do not do what they seem
  (a scheme that is not published, shown as text; ``www.…`` without ``https://``)
  are reported.

Internal links are written as ``ROOT + "kind/id/"``; the page renderer replaces
:data:`ROOT` with the page's relative path to the site root, so one rendering
serves pages at any depth. Only http, https, mailto and relative links survive.
Those values (``ROOT``, link targets, mentions, the render state) are
:mod:`briefgen.links`'s, imported here for the callers of the renderer."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block import reference as reference_rule
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline import autolink as autolink_rule
from markdown_it.rules_inline import image as image_rule
from markdown_it.rules_inline import link as link_rule
from markdown_it.rules_inline.autolink import AUTOLINK_RE
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from .letters import UNSPACED_CLASS, unspaced
from .links import ROOT, LinkTarget, Mention, Problem, RenderEnv, looks_like_domain, safe_link
from .markdown_shortcuts import Renderer, normalize, prose_plugin
from .schema import url_scheme

# [[target]] or [[target|text]]; hard-wrapped Markdown may break either onto the next line
_WIKILINK = re.compile(r"\[\[([^\[\]|]{1,200})(?:\|([^\[\]]{0,300}))?\]\]")
_EMPTY_WIKILINK = re.compile(r"\[\[(?:\|[^\[\]]{0,300})?\]\]")  # [[]] or [[|text]]: no target at all


def wikilinks_plugin(md: MarkdownIt) -> None:
    def wikilink(state: StateInline, silent: bool) -> bool:
        if not state.src.startswith("[[", state.pos):
            return False
        m = _WIKILINK.match(state.src, state.pos)
        if not m:
            after_bracket = state.pos > 0 and state.src[state.pos - 1] == "["  # "[[[": reported at the first
            if not silent and not after_bracket:
                if _left_open(state):
                    _unclosed(state)
                elif (empty := _EMPTY_WIKILINK.match(state.src, state.pos)) and state.env.get("briefgen"):
                    _report(state, empty[0], _one_line(empty[0][2:-2])[:60])  # [[|text]]: shown whole
            return False
        env: RenderEnv | None = state.env.get("briefgen")
        if env is None:
            return False
        if not silent:
            target_text, label = _parts(m)
            target = env.resolve(target_text) if target_text else None
            if target is None:
                _report(state, m[0], target_text or _one_line(m[0][2:-2].replace("\\|", "|"))[:60])
                token = state.push("text", "", 0)
                token.content = label or target_text
            else:
                if m[2] is not None and not label:  # [[target|]]: shown as [[target]] would be
                    _report(state, m[0], target_text, "empty-text")
                token = state.push("link_open", "a", 1)
                token.attrs = {"href": ROOT + target.path, "class": "wikilink"}
                token = state.push("text", "", 0)
                token.content = label or target.title
                state.push("link_close", "a", -1)
        state.pos = m.end()
        return True

    md.inline.ruler.before("link", "briefgen_wikilink", wikilink)


_LINE_BREAK = re.compile(r"[ \t]*\n[ \t]*")


def _one_line(text: str) -> str:
    """``text`` of a link that names nothing (``[[ |`` then ``text]]`` on the next line) as it reads: each line break,
    with the spaces around it, one space (the diagnostic showed ``\\n``)."""
    return _LINE_BREAK.sub(" ", text)


def _left_open(state: StateInline) -> bool:
    """Whether the ``[[`` at ``state.pos``, which is no whole link, is left open: no ``]]`` comes before the
    next ``[[`` (after the run of ``[`` it starts: ``[[[[a]]]]`` is closed) or the end of the text, and its
    second ``[`` starts no Markdown link (``[[PDF](https://…)]``, a link in brackets: markdown-it's link rule
    takes it, and its ``]`` then closes nothing of this rule's)."""
    src, pos = state.src, state.pos
    after = pos + 2
    while src.startswith("[", after):
        after += 1
    following = src.find("[[", after)
    if src.find("]]", pos, following if following >= 0 else len(src)) >= 0:
        return False
    saved = state.pos, state.posMax
    state.pos = pos + 1
    try:
        return not link_rule(state, True)
    finally:
        state.pos, state.posMax = saved


def _parts(m: re.Match) -> tuple[str, str]:
    """The target and the text of a ``[[target|text]]``, each stripped. The ``|`` may be written ``\\|``,
    as a table needs it (``[[target\\|text]]``), anywhere: a table hands its cells to this rule with the
    backslash taken out, other text with it left in, which is then no part of the target."""
    target = m[1]
    if m[2] is not None and target.endswith("\\"):
        target = target[:-1]
    return " ".join(target.split()), " ".join((m[2] or "").split())  # (a line break in either is a space)


def _report(state: StateInline, raw: str, target: str, kind: str = "", at: int | None = None) -> None:
    """Add a :class:`Problem` of ``kind`` about ``target`` at ``raw``, the source text at ``at`` (by
    default ``state.pos``)."""
    env: RenderEnv | None = state.env.get("briefgen")
    if env is not None:
        line, col = _where(env, state, raw, at=state.pos if at is None else at)
        if (line, col, target) not in env.reported_urls:  # (a <url> reported as a link's or definition's address)
            env.problems.append(Problem(line, col, target, kind))


def _unclosed(state: StateInline) -> None:
    """Report a ``[[`` that nothing closes in its paragraph or table cell. Mostly a ``[[target|text]]``
    in a table, whose ``|`` the table took for a column separator (``\\|`` keeps it in the cell)."""
    env: RenderEnv | None = state.env.get("briefgen")
    if env is not None:
        end = state.src.find("\n", state.pos)
        raw = state.src[state.pos:end if end >= 0 else len(state.src)]  # (not a copy of the rest of the text each)
        line, col = _where(env, state, raw, state.pos, ends_cell=True)
        env.problems.append(Problem(line, col, raw[2:].strip()[:60], "unclosed"))


_CELL_END = re.compile(r"\s*(?:(?<!\\)\||$)")  # what follows an unclosed [[ that runs to its cell's or line's end


def _where(env: RenderEnv, state: StateInline, raw: str, at: int, ends_cell: bool = False) -> tuple[int, int]:
    """The line and column in the file of ``raw``, the text at ``at`` in ``state.src``. Its line is known; on
    that line, ``raw`` is found as often as it comes before ``at`` on its line of the text, plus one
    (``[[ghost]] and [[ghost]]``), with each ``|`` in it written ``|`` or ``\\|``: a table hands each cell
    to the inline rules with its ``\\|`` made ``|``. With ``ends_cell`` (the rest of a line or a table
    cell, after an unclosed ``[[``) only where it ends a cell or the line counts: the same text earlier
    on the line may be a whole ``[[target\\|text]]`` in another cell, which markdown-it hands to this
    rule on its own."""
    line_index = env.block_line + state.src.count("\n", 0, at)
    raw = raw.split("\n", 1)[0]  # (the part on its first line, of a link that goes on to the next)
    col = 1
    if 0 <= line_index < len(env.lines):
        line = env.lines[line_index]
        tail = raw.rstrip()
        if ends_cell and env.cell < 0 and line.rstrip().endswith(tail):  # the rest of its line, as written
            col = len(line.rstrip()) - len(tail) + 1
            return env.first_line + line_index, col + (env.first_col - 1 if line_index == 0 else 0)
        begin, end = _cell_span(line, env.cell) if env.cell >= 0 else (0, len(line))
        written = re.compile(r"\\?\|".join(map(re.escape, raw.split("|"))))
        starts = [m.start() for m in written.finditer(line, begin, end)
                  if not ends_cell or _CELL_END.match(line, m.end())]
        starts = starts or [m.start() for m in written.finditer(line, begin, end)] or \
            [m.start() for m in written.finditer(line)]
        before = 0 if ends_cell else state.src.count(raw, state.src.rfind("\n", 0, at) + 1, at)
        col = starts[min(before, len(starts) - 1)] + 1 if starts else 1
    if line_index == 0:
        col += env.first_col - 1
    return env.first_line + line_index, col


_PIPE = re.compile(r"(?<!\\)\|")


def _cell_span(line: str, index: int) -> tuple[int, int]:
    """Where the table cell ``index`` (0 for the first) of a table ``line`` is: between its pipes (a
    leading pipe opens the first cell), the whole line when it has fewer cells."""
    pipes = [m.start() for m in _PIPE.finditer(line)]
    if not line.lstrip().startswith("|"):
        pipes.insert(0, -1)
    if index >= len(pipes):
        return 0, len(line)
    return pipes[index] + 1, pipes[index + 1] if index + 1 < len(pipes) else len(line)


def checked_links_plugin(md: MarkdownIt) -> None:
    """Report the links and images that do not do what they seem: one whose scheme is not published
    (:func:`safe_link`: ``tel:``, ``ftp:``, ``javascript:``...), which markdown-it leaves as text, and a
    relative one that starts with a domain name (``www.cnn.com/story``), which leads nowhere on this
    site. markdown-it's own ``link``, ``image``, ``autolink`` and ``reference`` rules parse them, as
    before; each is wrapped to look at what it did."""
    md.inline.ruler.at("link", _checked_link)
    md.inline.ruler.at("image", _checked_image)
    md.inline.ruler.at("autolink", _checked_autolink)
    md.block.ruler.at("reference", _checked_reference)


def _checked_link(state: StateInline, silent: bool) -> bool:
    start, count = state.pos, len(state.tokens)
    if link_rule(state, silent):
        if not silent:
            _check_relative(state, start, count, "link")
        return True
    if not silent and state.src[start] == "[" and "briefgen" in state.env:  # (the rule runs at any "!", "<", "-"...)
        _check_refused(state, start)
    return False


def _checked_image(state: StateInline, silent: bool) -> bool:
    start, count = state.pos, len(state.tokens)
    if image_rule(state, silent):  # (one refused for its scheme is reported by the link rule, at its "[")
        if not silent:
            _check_relative(state, start, count, "image")
        return True
    return False


def _check_relative(state: StateInline, start: int, count: int, what: str) -> None:
    """Report the link or image a rule just made (from ``start``; its tokens from ``count`` on) if its URL
    is relative but starts with a domain name."""
    for token in state.tokens[count:]:  # the text before it, if any, then the link's own
        if token.type in ("link_open", "image"):
            url = token.attrGet("href" if what == "link" else "src")
            if isinstance(url, str) and looks_like_domain(url):
                _report(state, state.src[start:state.pos], url, f"{what}-domain", at=start)
            return


def _check_refused(state: StateInline, start: int) -> None:
    """Report the ``[text](url)`` (or ``![text](url)``) at ``start`` that the link rule did not take
    because its URL's scheme is not published: it stays as text."""
    src, end = state.src, state.posMax
    label_end = state.md.helpers.parseLinkLabel(state, start, True)
    pos = label_end + 1
    if label_end < 0 or pos >= end or src[pos] != "(":
        return
    pos += 1
    while pos < end and src[pos] in " \t\n":
        pos += 1
    found = state.md.helpers.parseLinkDestination(src, pos, end)
    if not found.ok or state.md.validateLink(state.md.normalizeLink(found.str)):
        return
    image = start > 0 and src[start - 1] == "!" and state.pending.endswith("!")  # the image rule refused it first
    begin = start - 1 if image else start
    _report(state, src[begin:found.pos], found.str, "image-scheme" if image else "link-scheme", at=begin)
    if src[pos] == "<":  # a <url> destination, left as text too, is not reported again (as an autolink); an
        # autolink in the link's text is (Call [the <tel:2> desk](tel:1))
        env: RenderEnv = state.env["briefgen"]
        env.reported_urls.add((*_where(env, state, src[pos:found.pos], pos), found.str))


def _checked_autolink(state: StateInline, silent: bool) -> bool:
    if autolink_rule(state, silent):
        return True
    if not silent and "briefgen" in state.env:
        # (up to the next < or >, as markdown-it's rule looks: not to the end of the text from every "<")
        m = _ANGLED.match(state.src, state.pos, state.posMax)
        url = m[1] if m else ""
        if AUTOLINK_RE.search(url) and not state.md.validateLink(state.md.normalizeLink(url)):
            _report(state, m[0], url, "link-scheme")
    return False


_ANGLED = re.compile(r"<([^<>]*)>")


# [label]: url, the url on the label's line or the next, and then nothing but a title on its line: a label
# followed by other text ("[Update]:" then "Update: officials said") is no definition, but a paragraph
_REFERENCE = re.compile(r"\[(?:[^\[\]\\\n]|\\.)+\]:[ \t]*\n?[ \t]*(?:<([^<>\n]*)>|(\S+))"
                        r"(?=[ \t]*(?:\n|$)|[ \t]+[\"'(])")


def _checked_reference(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """markdown-it's ``reference`` rule; a ``[label]: url`` definition it refused for its URL's scheme
    (left as text) is reported."""
    if reference_rule(state, start_line, end_line, silent):
        return True
    env: RenderEnv | None = state.env.get("briefgen")
    if not silent and env is not None:
        begin = state.bMarks[start_line] + state.tShift[start_line]
        m = _REFERENCE.match(state.src, begin, state.eMarks[min(start_line + 1, end_line - 1)])
        url = m and (m[1] if m[1] is not None else m[2])
        if url and not state.md.validateLink(state.md.normalizeLink(url)):
            col = begin - state.src.rfind("\n", 0, begin)
            env.problems.append(Problem(env.first_line + start_line, col, url, "link-scheme"))
            if m[1] is not None:  # the <url>, left as text, is not reported again as an autolink (there alone)
                angle = m.start(1) - 1
                env.reported_urls.add((env.first_line + start_line + m[0].count("\n"),
                                       angle - state.src.rfind("\n", 0, angle), url))
    return False


def _inline_with_lines(state: StateCore, shortcut: bool = True) -> None:
    """markdown-it's core 'inline' rule, also telling plugins which line each block starts on.

    A block with no character that stops markdown-it's ``text`` rule (its ``terminator_re``: every
    other inline rule, ours included, starts at one of them) is one text token: the ``text`` rule
    takes it all and the post-processing rules find no delimiter. It is made here without starting
    the inline parser (nine blocks in ten of the benchmark's briefs; a tenth of the stage). A
    markdown-it-py without ``terminator_re`` (it came with ``add_terminator_char``) parses every block,
    and so does ``shortcut=False`` (what tests/test_markdown_shortcuts.py compares with)."""
    env: RenderEnv | None = state.env.get("briefgen")
    md = state.md
    special = getattr(md.inline, "terminator_re", None) if shortcut else None
    previous, cell = "", -1
    for token in state.tokens:
        if token.type == "tr_open":
            cell = -1
        elif token.type in ("th_open", "td_open"):
            cell += 1
        elif token.type == "inline":
            if env is not None and token.map:
                env.block_line = token.map[0]
            if env is not None:
                env.cell = cell if previous in ("th_open", "td_open") else -1
            if token.children is None:
                token.children = []
            content = token.content
            if special is not None and content and not token.children and special.search(content) is None:
                token.children.append(_text(content))
            else:
                md.inline.parse(content, md, state.env, token.children)
        previous = token.type


def mentions_plugin(md: MarkdownIt) -> None:
    def link_mentions(state: StateCore) -> None:
        env: RenderEnv | None = state.env.get("briefgen")
        if env is None or not env.mentions:
            return
        by_name: dict[str, Mention] = {}
        for mention in env.mentions:
            for name in mention.names:
                normal = _NORMAL.get(name)
                if normal is None:
                    normal = _NORMAL[name] = " ".join(name.split())
                by_name.setdefault(normal, mention)
        blocks: list[tuple[Token, list]] = []  # inline tokens outside headings, and their children in runs
        in_heading = False
        for token in state.tokens:
            if token.type == "heading_open":
                in_heading = True
            elif token.type == "heading_close":
                in_heading = False
            elif token.type == "inline" and not in_heading and token.children:
                blocks.append((token, _runs(token.children)))
        texts = [part[1] for _, parts in blocks for part in parts if type(part) is tuple]
        found = _find_names(sorted(by_name, key=len, reverse=True), texts)
        if not any(found):
            return
        spans = iter(found)
        linked: set[LinkTarget] = set()
        for token, parts in blocks:
            runs = [next(spans) for part in parts if type(part) is tuple]
            if not any(runs):
                continue  # no name in this block: its children stay as they are
            each = iter(runs)
            children: list[Token] = []
            for part in parts:
                if type(part) is tuple:
                    children += _link_run(*part, next(each), by_name, linked)
                else:
                    children.append(part)
            token.children = children
            if len(linked) == len(env.mentions):
                return

    md.core.ruler.after("inline", "briefgen_mentions", link_mentions)


def _runs(children: list[Token]) -> list:
    """``children`` with each run of text and soft line breaks outside links (a name may wrap onto
    the next line of the source) as a tuple of its tokens and its text: a run before and after
    each other child, even an empty one (where an empty name matches)."""
    out: list = []
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
        out.append((run, _run_text(run)))
        out.append(child)
        run = []
    out.append((run, _run_text(run)))
    return out


def _run_text(run: list[Token]) -> str:
    if len(run) == 1:  # the most common run: one text token
        return "\n" if run[0].type == "softbreak" else run[0].content
    return "".join(["\n" if t.type == "softbreak" else t.content for t in run])


_NORMAL: dict[str, str] = {}  # an entity's name -> its words joined by one space (names recur in every brief)


Spans = list[tuple[int, int]]
_SPACES = re.compile(r"\s+")
_SEPARATOR = "\x00"  # neither a word character nor whitespace
# Characters of scripts written without spaces between words (letters.UNSPACED), and of Korean, whose words take
# endings (:func:`_suffixed`): a name next to one is a word on that side (习近平主席; 서울에서, CNN에서)
_UNSPACED = UNSPACED_CLASS
_SUFFIXED = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"
_LEFT = rf"(?:(?<![^\W{_UNSPACED}])|(?=[{_UNSPACED}]))"  # no word character before, but one of such a script
_RIGHT = rf"(?:(?![^\W{_UNSPACED}{_SUFFIXED}])|(?<=[{_UNSPACED}]))"  # nor after, but such a one or an ending


def _find_names(names: list[str], texts: list[str]) -> list[Spans]:
    """Where ``names`` (whitespace normalised, longest first) occur in each of ``texts``: the
    (start, end) of each match, left to right, not overlapping. A name matches as a whole word
    (no word character right before or after it), with any run of whitespace between its words;
    at each place, the first name in ``names`` that matches there wins.

    That is the regular expression ``(?<!\\w)(?:name|name|...)(?!\\w)`` (a side where a character is of
    a script written without spaces, :data:`letters.UNSPACED`, is a boundary too), the words of each name joined
    by ``\\s+``; compiling it for each document cost more than the rest of the rule, so it is only used
    when a name is empty (it then matches between any two non-word characters). Otherwise the texts are
    searched with ``str.find``, all at once, joined by a character that is neither a word character nor
    whitespace and that no name holds: no match spans two texts, and the edges of each text are word
    boundaries as the ends of a string are."""
    if "" in names:
        alternatives = (r"\s+".join(map(re.escape, name.split())) for name in names)
        pattern = re.compile(_LEFT + "(?:" + "|".join(alternatives) + ")" + _RIGHT)
        return [[m.span() for m in pattern.finditer(text)] for text in texts]
    if not texts or any(_SEPARATOR in name for name in names):
        return [_spans(names, text) for text in texts]
    out: list[Spans] = [[] for _ in texts]
    i = start_of = 0
    end_of = len(texts[0])
    for start, end in _spans(names, _SEPARATOR.join(texts)):
        while start >= end_of:
            i += 1
            start_of = end_of + 1
            end_of = start_of + len(texts[i])
        out[i].append((start - start_of, end - start_of))
    return out


def _spans(names: list[str], text: str) -> Spans:
    """:func:`_find_names` in one text, for names none empty: every place each name matches, then,
    left to right, the first name at each place after the last match.

    Each place a name's first word is found is checked by hand: ``\\w`` is ``str.isalnum()`` or ``_``
    (as in :mod:`re`), and the name as it is written (its words one space apart, the common case)
    is one ``startswith``; other whitespace goes through :func:`_match_rest`."""
    found: list[tuple[int, int, int]] = []  # (start, index of the name, end)
    find = text.find
    size = len(text)
    for index, name in enumerate(names):
        words = name.split(" ")
        first = words[0]
        at = find(first)
        while at >= 0:
            before = text[at - 1] if at else " "
            if not (before.isalnum() or before == "_") or unspaced(before) or unspaced(first[0]):
                end = at + len(name) if text.startswith(name, at) else _match_rest(text, at, words)
                if end == size or (end > 0 and (not (text[end].isalnum() or text[end] == "_") or unspaced(text[end])
                                                or unspaced(text[end - 1]) or _suffixed(text[end]))):
                    found.append((at, index, end))
            at = find(first, at + 1)
    found.sort()
    out = []
    after = 0
    for start, _, end in found:
        if start >= after:
            out.append((start, end))
            after = end
    return out


def _suffixed(char: str) -> bool:
    """Whether ``char`` is Korean, whose words take endings: a name followed by one still ends a word (서울에서),
    though it must start one (서울 is not in 북서울)."""
    o = ord(char)
    return 0x1100 <= o <= 0xD7AF and (o >= 0xAC00 or o <= 0x11FF or 0x3130 <= o <= 0x318F)


def _match_rest(text: str, at: int, words: list[str]) -> int:
    """Where ``words``, the first known to be at ``at``, end if the others follow it, each after a
    run of whitespace; -1 if they do not."""
    end = at + len(words[0])
    for word in words[1:]:
        spaces = _SPACES.match(text, end)
        if spaces is None or not text.startswith(word, spaces.end()):
            return -1
        end = spaces.end() + len(word)
    return end


def _link_run(run: list[Token], content: str, spans: Spans, by_name: dict[str, Mention],
              linked: set[LinkTarget]) -> list[Token]:
    out: list[Token] = []
    start = 0
    for begin, end in spans:
        matched = content[begin:end]
        mention = by_name.get(matched) or by_name[" ".join(matched.split())]  # the name as written, mostly
        if mention.target in linked:
            continue
        linked.add(mention.target)
        out += _text_and_breaks(content[start:begin])
        out += [_mention_open(mention.target.path), *_text_and_breaks(matched), Token("link_close", "a", -1)]
        start = end
    if start == 0:
        return run
    return out + _text_and_breaks(content[start:])


MENTION = "briefgen_mention"  # the opening tag of a first-mention link (see _mention_open)


def _mention_open(path: str) -> Token:
    """The opening tag of a first-mention link to the page ``path``: a token that carries its HTML, exactly
    what markdown-it writes for a ``link_open`` token with the attributes ``href`` (``ROOT`` + path) and
    ``class`` ("mention"), whose attributes it escaped and wrote out again for every link of every brief,
    each through :func:`_external_links` (about 13 µs a brief in the benchmark's corpus, 4 % of its
    Markdown). It renders as its content (:func:`make_markdown`); the ``link_close`` after it is
    markdown-it's own. Made after inline parsing, so no rule that pairs ``link_open`` tokens sees it."""
    token = Token(MENTION, "a", 1)
    token.content = f'<a href="{escapeHtml(ROOT + path)}" class="mention">'
    return token


def _text_and_breaks(content: str) -> list[Token]:
    if "\n" not in content:  # the most common: no line break
        return [_text(content)] if content else []
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
    """Links to other sites get rel="noopener noreferrer" (not internal ones, ``ROOT + path``: the
    most common, and their scheme is empty)."""

    def link_open(self, tokens, idx, options, env):
        token = tokens[idx]
        href = token.attrGet("href") or ""
        if not href.startswith(ROOT) and (url_scheme(href) in ("http", "https") or href.startswith("//")):
            token.attrSet("rel", "noopener noreferrer")
        return self.renderToken(tokens, idx, options, env)

    md.add_render_rule("link_open", link_open)


def make_markdown(html: bool = False) -> MarkdownIt:
    """The one Markdown parser a build uses (create once per process)."""
    md = MarkdownIt("commonmark", {"html": html, "typographer": False}, renderer_cls=Renderer)
    md.enable(["table", "strikethrough"])
    md.validateLink = safe_link  # type: ignore[method-assign]
    md.use(footnote_plugin)
    md.use(wikilinks_plugin)
    md.use(mentions_plugin)
    md.use(checked_links_plugin)
    md.use(prose_plugin)
    md.core.ruler.at("inline", _inline_with_lines)
    md.core.ruler.at("normalize", normalize)
    _external_links(md)
    md.add_render_rule(MENTION, lambda self, tokens, idx, options, env: tokens[idx].content)
    return md


def render(md: MarkdownIt, text: str, env: RenderEnv) -> str:
    """A body to HTML; unresolved ``[[...]]`` end up in ``env.problems``."""
    env.lines = text.split("\n")
    return md.render(text, {"briefgen": env})


def render_inline(md: MarkdownIt, text: str, env: RenderEnv) -> str:
    """One line of inline Markdown (claim notes) to HTML, without a paragraph."""
    env.lines = text.split("\n")
    return md.renderInline(text, {"briefgen": env})
