"""First-mention linking without a regular expression per text gives exactly what the rule as
first written gives: one compiled alternation of the names found in the text, per text."""

from __future__ import annotations

import random
import re

from markdown_it.token import Token

from briefgen.markdown import ROOT, LinkTarget, Mention, RenderEnv, _find_names, _text_and_breaks, make_markdown, render

# Words of names and of texts: prefixes of one another, regular-expression metacharacters, word
# characters that are not letters, accents (composed and not), other scripts.
WORDS = ["Ana", "Ana-Maria", "Anas", "An", "Maduro", "Mad", "Maduros", "U.S.", "U.S", "US", "C++", "C",
         "(Fox)", "Fox", "a.b*c", "$x^", "[Y]", r"\d+", "a|b", "?", "Nicolás", "Nicola\u0301s", "Nicol",
         "_x", "x_", "_", "1", "12", "\u0661\u0662", "\u65e5\u672c", "\u65e5", "\u03a9", "\u01c5",
         "\u00df", "SS", "O'Neil", "O", "Neil", "e\u0301", "\uc11c\uc6b8", "\uc5d0\uc11c", "\u0e44\u0e17\u0e22"]
SPACES = [" ", " ", " ", "  ", "\t", "\n", "\u00a0", "\u2003", "\x1c", " \n "]
FILLER = ["the", "and", ",", ".", "'s", "-", "_", "*", "**", "`Ana`", "`x`", "[Ana Maduro](https://e.x/)",
          "[link](../rel/)", "[[Ana]]", "[[ghost|Maduro]]", "<https://e.x/Ana>", "&amp;", "&#32;", "&nbsp;",
          "\\*", "\\_", "  \n", "\\\n", "[^1]", "<b>", "\x00", "~~", "\u00a0"]


def random_name(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.02:
        return rng.choice(["", " ", "\n"])  # empty once normalised: matches between non-word characters
    if roll < 0.04:
        return rng.choice(WORDS) + "\x00" + rng.choice(WORDS)
    words = [rng.choice(WORDS) for _ in range(rng.choice([1, 1, 1, 2, 2, 3]))]
    name = "".join(w + rng.choice(SPACES) for w in words[:-1]) + words[-1]
    if rng.random() < 0.1:
        name = rng.choice(SPACES) + name + rng.choice(SPACES)
    return name


def random_text(rng: random.Random, size: int, names: list[str]) -> str:
    """Words, Markdown and ``names``, their words apart by any whitespace."""
    out = []
    for _ in range(size):
        roll = rng.random()
        if roll < 0.3 and names:
            out.append("".join(w + rng.choice(SPACES) for w in rng.choice(names).split()).rstrip())
        else:
            out.append(rng.choice(WORDS) if roll < 0.7 else rng.choice(FILLER))
        out.append(rng.choice([*SPACES, "", "", ".", ", ", "'", "_", "-"]))
    return "".join(out)


def random_document(rng: random.Random, names: list[str]) -> str:
    blocks = []
    for _ in range(rng.randint(1, 6)):
        prefix = rng.choice(["", "", "", "# ", "## ", "> ", "- ", "1. ", "    ", "Title\n===\n\n"])
        if rng.random() < 0.05:
            blocks.append("```\nAna Maduro\n```")
            continue
        blocks.append(prefix + random_text(rng, rng.randint(1, 25), names))
    if rng.random() < 0.2:
        blocks.append("[^1]: Ana " + random_text(rng, 5, names))
    return rng.choice(["\n\n", "\n", "\n\n\n"]).join(blocks) + rng.choice(["", "\n"])


def random_mentions(rng: random.Random) -> list[Mention]:
    targets = [LinkTarget(f"people/p{i}/", f"P{i}") for i in range(6)]
    # targets may repeat (two mentions, one page), and names may belong to two mentions
    return [Mention(tuple(random_name(rng) for _ in range(rng.randint(1, 4))), rng.choice(targets))
            for _ in range(rng.randint(0, 5))]


# The rule as first written: one alternation per text of the names found in it, longest first.

# A name is a word: no word character (``\\w``) right before or after it, unless a character on that side of the
# boundary is of a script written without spaces (Chinese, Japanese, Thai...); and a Korean character after it (an
# ending: 서울에서, CNN에서) does not stop it ending a word. The regular expression of the rule takes milliseconds to
# compile with these ranges, so it is followed by hand: at each place, left to right, the first name whose words
# (any whitespace between them) match there with a boundary on each side, empty matches as re.finditer makes them.
UNSPACED = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3005-\u3007\u303b\u3040-\u30ff\u31f0-\u31ff"
                      "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003ffff]")
KOREAN = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
WORD = re.compile(r"\w")


def unspaced_beside(text: str, at: int) -> bool:
    return bool(UNSPACED.match(text, at - 1) if at else False) or bool(UNSPACED.match(text, at))


def starts_word(text: str, at: int) -> bool:  # (?<!\w), or a side of the boundary unspaced
    return not (at and WORD.match(text, at - 1)) or unspaced_beside(text, at)


def ends_word(text: str, at: int) -> bool:  # (?!\w), or a side of the boundary unspaced, or a Korean ending
    return not WORD.match(text, at) or unspaced_beside(text, at) or bool(KOREAN.match(text, at))


def reference_spans(names: list[str], text: str) -> list[tuple[int, int]]:
    patterns = [re.compile(r"\s+".join(map(re.escape, name.split()))) for name in names]
    out: list[tuple[int, int]] = []
    at, no_empty_at = 0, -1
    while at <= len(text):
        found = None
        if starts_word(text, at):
            for pattern in patterns:
                m = pattern.match(text, at)
                if m and (m.end() > at or at != no_empty_at) and ends_word(text, m.end()):
                    found = m.span()
                    break
        if found is None:
            at += 1
        elif found[1] == at:
            out.append(found)
            no_empty_at = at
        else:
            out.append(found)
            at = found[1]
    return out


def reference_link_mentions(state) -> None:
    env = state.env.get("briefgen")
    if env is None or not env.mentions:
        return
    by_name: dict[str, Mention] = {}
    for mention in env.mentions:
        for name in mention.names:
            by_name.setdefault(" ".join(name.split()), mention)
    text = " ".join(" ".join("".join(c.content if c.type == "text" else "\n" for c in t.children
                                     if c.type in ("text", "softbreak")).split())
                    for t in state.tokens if t.type == "inline" and t.children)
    names = [n for n in sorted(by_name, key=len, reverse=True) if n in text]
    if not names:
        return
    linked: set[LinkTarget] = set()
    in_heading = False
    for token in state.tokens:
        if token.type == "heading_open":
            in_heading = True
        elif token.type == "heading_close":
            in_heading = False
        elif token.type == "inline" and not in_heading and token.children:
            token.children = reference_children(token.children, names, by_name, linked)
            if len(linked) == len(env.mentions):
                return


def reference_children(children, names, by_name, linked):
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
        out += reference_run(run, names, by_name, linked)
        run = []
        out.append(child)
    out += reference_run(run, names, by_name, linked)
    return out


def reference_run(run, names, by_name, linked):
    content = "".join("\n" if t.type == "softbreak" else t.content for t in run)
    out: list[Token] = []
    start = 0
    for m_start, m_end in reference_spans(names, content):
        mention = by_name[" ".join(content[m_start:m_end].split())]
        if mention.target in linked:
            continue
        linked.add(mention.target)
        out += _text_and_breaks(content[start:m_start])
        link = Token("link_open", "a", 1)
        link.attrs = {"href": ROOT + mention.target.path, "class": "mention"}
        out += [link, *_text_and_breaks(content[m_start:m_end]), Token("link_close", "a", -1)]
        start = m_end
    if start == 0:
        return run
    return out + _text_and_breaks(content[start:])


def test_name_matches_are_those_of_one_regular_expression():
    rng = random.Random(7)
    for _ in range(3000):
        names = list(dict.fromkeys(" ".join(random_name(rng).split()) for _ in range(rng.randint(1, 6))))
        if rng.random() < 0.5:
            names.sort(key=len, reverse=True)
        texts = [random_text(rng, rng.randint(0, 12), names) if rng.random() < 0.9 else ""
                 for _ in range(rng.randint(0, 5))]
        assert _find_names(names, texts) == [reference_spans(names, t) for t in texts], (names, texts)


def test_names_at_the_edges_of_texts_and_inside_words():
    names = ["Ana Maduro", "Ana", "U.S", "C++", "$x^"]
    texts = ["Ana", "Ana Maduro", "xAna", "Ana_", "(Ana)", "U.S.", "C++x", "C++ C++", "$x^$x^", "Ana\t\n Maduro!",
             "", "Ana Maduros Ana"]
    assert _find_names(names, texts) == [reference_spans(names, t) for t in texts]
    assert _find_names(names, texts)[:3] == [[(0, 3)], [(0, 10)], []]
    # texts are searched together, joined by NUL: a name that holds one must not match across texts
    names = ["A\x00B", "A", "B"]
    texts = ["xA", "B", "A\x00B", "\x00A\x00", "A", "B\x00"]
    assert _find_names(names, texts) == [reference_spans(names, t) for t in texts]
    assert _find_names(["A", "B"], texts) == [reference_spans(["A", "B"], t) for t in texts]


def test_first_mentions_are_linked_as_by_one_regular_expression_per_text():
    md = make_markdown()
    reference = make_markdown()
    reference.core.ruler.at("briefgen_mentions", reference_link_mentions)
    targets = {"Ana": LinkTarget("people/ana/", "Ana")}
    rng = random.Random(11)
    linked = 0
    for _ in range(1500):
        mentions = random_mentions(rng)
        text = random_document(rng, [name for m in mentions for name in m.names])
        got = render(md, text, RenderEnv(targets.get, mentions))
        want = render(reference, text, RenderEnv(targets.get, mentions))
        assert got == want, (text, mentions)
        linked += got.count('class="mention"')
    assert linked > 1000  # the documents do mention their entities
