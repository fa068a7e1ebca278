"""The shortcuts of briefgen.markdown_shortcuts (and the inline one of briefgen.markdown) give exactly
the tokens and the HTML of markdown-it's own rules, on random Markdown of every block and inline kind."""

from __future__ import annotations

import functools
import random

from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import normalize

from briefgen.markdown import LinkTarget, Mention, RenderEnv, _inline_with_lines, make_markdown, render

LINES = ["Ana met Bo.", "Élan *vital* and **bold**", "a | b", "| a | b |", "|---|---|", "--|--", ":-:|--",
         "===", "---", "***", "___", "- item", "* item", "+ item", "1. one", "2) two", "10. ten", "> quote",
         ">", "# Head", "###### six", "#no", "    code", "\tcode", "```", "```py", "~~~", "[ref]: /url",
         "[ref]", "[^1]: note", "[^1]", "^[inline]", "<div>", "</div>", "<b>x</b>", "<!-- c -->", "",
         " ", "   ", "Ana Maduro", "x  ", "y\\", "[[ana]] and [[ghost|G]]", "`code` ~~del~~ &amp; &#32;",
         "[link](https://e.x/) <https://e.x/> ![i](/i.png)", "_em_ __strong__", "\x00", "ünïcödé ß",
         "Ω and 日本", "x: y - z + w = v @ u % t $ s { r } q", "_", "Bo", "  - nested", "   > deep"]


def random_markdown(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(1, 14)):
        line = rng.choice(LINES)
        if rng.random() < 0.3:
            line = rng.choice(["", " ", "  ", "   ", "    ", "\t", "> ", "- ", "1. "]) + line
        if rng.random() < 0.2:
            line += " " + rng.choice(LINES)
        lines.append(line)
    return "".join(line + rng.choice(["\n", "\n", "\n", "\n\n", "\r\n", "\r"]) for line in lines)[:rng.randint(1, 400)]


def plain_markdown(html: bool):
    """make_markdown() without the shortcuts: markdown-it's rules and renderer."""
    md = make_markdown(html=html)
    md.block.ruler.disable("briefgen_prose")
    md.core.ruler.at("normalize", normalize)
    md.core.ruler.at("inline", functools.partial(_inline_with_lines, shortcut=False))
    md.renderer.__class__ = RendererHTML  # keeps the render rules plugins added
    return md


def shape(tokens) -> list:
    return [(t.type, t.tag, t.nesting, t.attrs, t.map, t.level, t.content, t.markup, t.info, t.meta, t.block,
             t.hidden, shape(t.children) if t.children is not None else None) for t in tokens]


def test_shortcuts_give_markdown_its_own_tokens_and_html():
    mentions = [Mention(("Ana Maduro", "Ana"), LinkTarget("people/ana/", "Ana")),
                Mention(("Bo",), LinkTarget("people/bo/", "Bo"))]
    targets = {"ana": LinkTarget("people/ana/", "Ana")}
    rng = random.Random(5)
    for html in (False, True):
        fast, plain = make_markdown(html=html), plain_markdown(html)
        for _ in range(3000):
            text = random_markdown(rng)
            envs = [RenderEnv(targets.get, mentions[:rng.randint(0, 2)]) for _ in range(2)]
            envs[1].mentions = envs[0].mentions
            assert render(fast, text, envs[0]) == render(plain, text, envs[1]), text
            assert envs[0].problems == envs[1].problems
            assert shape(fast.parse(text, {"briefgen": envs[0]})) == shape(plain.parse(text, {"briefgen": envs[1]}))
