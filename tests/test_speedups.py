"""The faster code paths of issue 9 give exactly what the plain ones they replaced give."""

from __future__ import annotations

import random
from collections import Counter

import yaml

from briefgen import frontmatter
from briefgen.build import load_site
from briefgen.diagnostics import Diagnostics
from briefgen.model import sort_key

from .conftest import make_site


def test_related_briefs_and_co_mentions_are_ranked_as_by_a_plain_sort(tmp_path):
    rng = random.Random(4)
    files = {f"content/people/p{i}.yaml": f"name: Person {i}\n" for i in range(12)}
    for i in range(80):
        people = ", ".join(sorted({f"p{rng.randrange(12)}" for _ in range(rng.randint(1, 5))}))
        day = 1 + rng.randrange(5)  # many briefs share a date: ties are broken by slug
        files[f"content/briefs/b{i:03d}.md"] = (f"---\ntitle: B{i}\ndate: 2025-01-0{day}\nsummary: S.\n"
                                                f"people: [{people}]\n---\nText.\n")
    site = load_site(make_site(tmp_path / "s", files), Diagnostics())
    mentioned: dict = {}
    for brief in site.briefs:
        for key in brief.entities:
            mentioned.setdefault(key, []).append(brief)
    for brief in site.briefs:
        shared = Counter(other.slug for key in brief.entities for other in mentioned[key] if other is not brief)
        ranked = sorted(shared.items(), key=lambda kv: (-kv[1], -sort_key(site.briefs_by_slug[kv[0]].date).timestamp(),
                                                        kv[0]))[:5]
        assert [(b.slug, n) for b, n in site.related[brief.slug]] == ranked
    for key, briefs in mentioned.items():
        co = Counter(other for b in briefs for other in b.entities if other != key)
        assert site.co_mentions.get(key, []) == sorted(co.items(), key=lambda kv: (-kv[1], kv[0]))[:12]


def _yaml_depth(root) -> int:
    deepest, stack = 0, [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, yaml.SequenceNode):
            deepest = max(deepest, depth)
            stack += [(child, depth + 1) for child in node.value]
        elif isinstance(node, yaml.MappingNode):
            deepest = max(deepest, depth)
            stack += [(part, depth + 1) for pair in node.value for part in pair]
    return deepest


def _random_yaml(rng: random.Random, depth: int, indent: int, inline: bool) -> str:
    """Nested YAML of every collection style: flow, block, compact, indentless, explicit keys and values."""
    pad, first = " " * indent, "" if inline else " " * indent
    pick = rng.random()
    if depth <= 0 or pick < 0.15:
        flow = "a"
        for _ in range(rng.randint(0, 3)):
            flow = rng.choice([f"[{flow}]", f"[{flow}, b]", f"[{flow}: c]", f"{{k: {flow}}}", f"[? {flow} : d]"])
        return first + flow + "\n"
    if pick < 0.4:
        return "".join((first if i == 0 else pad) + "- " + _random_yaml(rng, depth - 1, indent + 2, True)
                       for i in range(rng.randint(1, 2)))
    if pick < 0.7:
        out = ""
        for i in range(rng.randint(1, 2)):
            out += (first if i == 0 else pad) + f"k{i}:"
            style = rng.random()
            if style < 0.3:
                out += " v\n"
            elif style < 0.65:
                out += "\n" + _random_yaml(rng, depth - 1, indent + rng.randint(1, 3), False)
            else:
                out += "\n" + pad + "- " + _random_yaml(rng, depth - 1, indent + 2, True)
        return out
    if pick < 0.85:
        return (first + "? " + _random_yaml(rng, depth - 1, indent + 2, True)
                + pad + ": " + _random_yaml(rng, depth - 1, indent + 2, True))
    return first + ": " + _random_yaml(rng, depth - 1, indent + 2, True)


def test_the_nesting_bound_read_off_the_text_is_never_below_the_depth():
    """Composed front matter is walked for its depth only when frontmatter._nesting_bound exceeds 50."""
    rng = random.Random(9)
    composed = 0
    for _ in range(3000):
        text = _random_yaml(rng, rng.randint(1, 25), 0, False)
        try:
            node = yaml.compose(text, Loader=frontmatter._Loader)
        except yaml.YAMLError:
            continue
        composed += 1
        assert frontmatter._nesting_bound(text) >= _yaml_depth(node), text
    assert composed > 500
    for text in ("x:\n  " + "- " * 60 + "a\n", "x: " + "[a: " * 30 + "b" + "]" * 30 + "\n", "? " * 60 + "a\n"):
        assert frontmatter._nesting_bound(text) >= _yaml_depth(yaml.compose(text, Loader=frontmatter._Loader))
