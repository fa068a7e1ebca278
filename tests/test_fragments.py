"""The `cached` template global (briefgen/fragments.py): the same markup as a direct macro call,
rendered once per distinct call, and never confused between objects or page depths."""

from __future__ import annotations

import jinja2
import pytest

from briefgen import fragments
from briefgen.markdown import ROOT

from .conftest import BASIC, make_site, parse_html, run_cli


def env_with(templates: dict[str, str]) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.DictLoader(templates), autoescape=True)
    fragments.reset(env)
    return env


MACROS = {"m.html": "{% macro card(x, root, n=none) %}<a href=\"{{ root }}{{ x.url }}\">{{ x.title }}</a>"
                    "{% if n %} ({{ n }}){% endif %}{% endmacro %}",
          "p.html": "{% from 'm.html' import card %}{% for x in items %}{{ cached(card, x, root, n=n) }}|"
                    "{{ card(x, root, n=n) }}\n{% endfor %}"}


class Item:
    def __init__(self, url: str, title: str):
        self.url, self.title = url, title


class Label:
    def __init__(self, text: str):
        self.text = text

    def __html__(self) -> str:
        return self.text


def test_same_markup_as_a_direct_call_and_rendered_once_per_distinct_call():
    env = env_with(MACROS)
    calls = []
    memo = env.globals["cached"]
    a, b = Item("briefs/a/", "A & <b>"), Item("briefs/b/", "B")
    page = env.get_template("p.html")
    for root, n in (("../../", None), ("../../", None), ("../", 2), ("../", None)):
        fragments.set_root(env, root)
        html = page.render(items=[a, b, a], root=root, n=n).replace(ROOT, root)
        for pair in html.rstrip("\n").split("\n"):
            cached, direct = pair.split("|")
            assert cached == direct
        calls.append(len(memo.done))
    # a and b once at depth 2; the same entries serve depth 1 (root is a placeholder); n=2 adds two
    assert calls == [2, 2, 4, 4]


def test_objects_are_told_apart_by_identity_and_kept_alive():
    env = env_with(MACROS)
    page = env.get_template("p.html")
    fragments.set_root(env, "../")
    seen = set()
    for i in range(200):  # new objects each time: without holding them, an id could be reused
        html = page.render(items=[Item(f"x/{i}/", f"T{i}")], root="../", n=None).replace(ROOT, "../")
        assert f"T{i}</a>" in html and f"x/{i}/" in html
        seen.add(html)
    assert len(seen) == 200


def test_plain_values_of_equal_value_but_different_type_are_different_calls():
    env = env_with({"m.html": "{% macro show(v) %}{{ v }}{% endmacro %}",
                    "p.html": "{% from 'm.html' import show %}{{ cached(show, 1) }} {{ cached(show, True) }} "
                              "{{ cached(show, 1.0) }}"})
    assert env.get_template("p.html").render() == "1 True 1.0"


def test_only_macros_are_accepted():
    env = env_with({"p.html": "{{ cached(x) }}"})
    with pytest.raises(TypeError):
        env.get_template("p.html").render(x=len)


def test_the_built_site_is_the_same_with_and_without_the_memo(tmp_path, monkeypatch):
    site = make_site(tmp_path / "s", BASIC)
    assert run_cli("build", str(site), "--out", str(tmp_path / "a"), "--quiet")[0] == 0
    monkeypatch.setattr(fragments.Fragments, "__call__", lambda self, macro, *a, **k: macro(*a, **k))
    assert run_cli("build", str(site), "--out", str(tmp_path / "b"), "--quiet")[0] == 0
    a = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a").rglob("*") if p.is_file()}
    b = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in (tmp_path / "b").rglob("*") if p.is_file()}
    assert a == b
    person = parse_html(a[next(p for p in a if str(p).startswith("people/") and p.name == "index.html"
                               and len(p.parts) == 3)])
    hrefs = [a.get("href") for a in person.find_all("a")]
    assert hrefs and all("\x02" not in (h or "") for h in hrefs)
    assert any(h.startswith("../../briefs/") for h in hrefs)


def test_in_theme_templates_an_object_given_by_keyword_is_told_apart_by_identity_and_held(tmp_path):
    """Theme templates reach the memo through briefgen's template context (briefgen.templating), which
    hands it the call's arguments as they are; an object given by keyword counts by identity too, and
    the memo holds it once it has rendered the call, so that its id is no other object's."""
    from briefgen import templating

    (tmp_path / "m.html").write_text(MACROS["m.html"])
    (tmp_path / "p.html").write_text("{% from 'm.html' import card %}{% for x in items %}"
                                     "{{ cached(card, x, root, n=label) }}\n{% endfor %}")
    env = templating.environment([tmp_path], None)
    fragments.reset(env)
    fragments.set_root(env, "../")
    page = env.get_template("p.html")
    seen = set()
    item = Item("x/", "T")
    for i in range(200):  # a new label each time, let go after the page: without holding it, its id is reused
        html = page.render(items=[item], root="../", label=Label(f"L{i}")).replace(ROOT, "../")
        assert html == f'<a href="../x/">T</a> (L{i})\n'
        seen.add(html)
    assert len(seen) == 200
    assert len(env.globals["cached"].done) == 200
