"""Shortcuts through markdown-it-py for what briefs are mostly made of (lines of prose, paragraphs
without markup), each giving exactly the tokens and the HTML markdown-it's own rules give.
:mod:`briefgen.markdown` uses them; ``tests/test_markdown_shortcuts.py`` compares them with
markdown-it's rules on random Markdown.

Checked against markdown-it-py 4.3 and mdit-py-plugins 0.7 (the footnote plugin); each shortcut
names the markdown-it behaviour it relies on, and the test fails if a new version changes it."""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block import StateBlock, lheading, paragraph, table
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict


def prose_plugin(md: MarkdownIt) -> None:
    """A shortcut for the most common block, a paragraph of prose: a line whose first character is a
    letter, indented less than a code block, can only start a table, a setext heading or a paragraph.
    markdown-it would first try every other block rule on it (code, fence, blockquote, hr, list,
    footnote definition, reference, HTML block, ATX heading), each of which returns False on such a
    line without changing the state; this rule, put first, goes straight to table, lheading and
    paragraph, in markdown-it's order, so the tokens are the same (a tenth of block parsing).

    It relies on those rules looking at the first character, as CommonMark says they must. It is never
    used as a terminator (no ``alt``) and tries nothing in silent mode."""

    def prose(state: StateBlock, line: int, end: int, silent: bool) -> bool:
        pos = state.bMarks[line] + state.tShift[line]
        if silent or pos >= state.eMarks[line] or not state.src[pos].isalpha() or state.is_code_block(line):
            return False
        return table(state, line, end, False) or lheading(state, line, end, False) or paragraph(state, line, end, False)

    md.block.ruler.before("table", "briefgen_prose", prose)


def normalize(state: StateCore) -> None:
    """markdown-it's core 'normalize' rule (CR LF and CR to LF, NUL to U+FFFD) without its two regular
    expression substitutions when there is nothing to replace: the first replaces every LF by an LF
    (8 % of the stage)."""
    src = state.src
    if "\r" in src:
        src = src.replace("\r\n", "\n").replace("\r", "\n")
    if "\0" in src:
        src = src.replace("\0", "\ufffd")
    state.src = src


class Renderer(RendererHTML):
    """markdown-it's HTML renderer, quicker for what briefs are made of: a tag without attributes, not
    hidden and not self-closing (paragraphs, list items, emphasis: a third of rendering went to the
    generic ``renderToken``) is written here as ``RendererHTML.renderToken`` writes it, and text as
    its 'text' rule writes it; any other token goes to markdown-it's methods and rules."""

    def renderInline(self, tokens: Sequence[Token], options: OptionsDict, env: EnvType) -> str:
        """``RendererHTML.renderInline``, writing text tokens itself while the 'text' rule is markdown-it's."""
        rules = self.rules
        text = rules.get("text")
        if getattr(text, "__func__", None) is not RendererHTML.text:
            return super().renderInline(tokens, options, env)
        out: list[str] = []
        for i, token in enumerate(tokens):
            kind = token.type
            if kind == "text":
                out.append(escapeHtml(token.content))
            elif kind in rules:
                out.append(rules[kind](tokens, i, options, env))
            else:
                out.append(self.renderToken(tokens, i, options, env))
        return "".join(out)

    def renderToken(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        nesting = token.nesting
        if token.attrs or token.hidden or nesting == 0:
            return super().renderToken(tokens, idx, options, env)
        if not token.block:
            return ("</" if nesting == -1 else "<") + token.tag + ">"
        if nesting == -1:
            return "</" + token.tag + ">\n"
        # An opening block tag: a newline before it after a hidden paragraph (tight lists), and after
        # it unless an inline token, a hidden one or its own closing tag follows.
        tag = token.tag
        out = "\n<" + tag if idx and tokens[idx - 1].hidden else "<" + tag
        if idx + 1 < len(tokens):
            after = tokens[idx + 1]
            if after.type == "inline" or after.hidden or (after.nesting == -1 and after.tag == tag):
                return out + ">"
        return out + ">\n"
