"""Rendered pieces that many pages share, rendered once per build.

A brief's card appears on the page of every entity it mentions, on the brief
lists, its tags' pages and as a related brief; a claim appears on its
claimant's, its subjects' and its status's pages. Themes call such a macro
through the ``cached`` global — ``{{ cached(brief_item, b, root) }}`` instead of
``{{ brief_item(b, root) }}`` — and it is rendered once for each distinct call
in a build and process, then reused (docs/themes.md).

That is exact because a macro imported without context sees nothing but its
arguments (and the environment's globals, fixed during a build), and the views
a page receives are never changed once made. An argument equal to the page's
``root`` (``../../``) is passed as the placeholder :data:`briefgen.markdown.ROOT`,
which the page's own root replaces once the page is rendered (as it does in
rendered Markdown), so a card is rendered once for pages at every depth; a
macro should therefore only write ``root`` out, not test or measure it.
Arguments are told apart by value
for plain values (strings, numbers, booleans, None) and by identity for the rest
(the views, which :class:`briefgen.writer.TrackedViews` shares between pages):
the memo holds every object whose identity is in a key, so no identity can be
reused for another object while the memo lives. The writer starts a fresh memo
for every build (:func:`reset`)."""

from __future__ import annotations

from typing import Any

import jinja2
from jinja2.runtime import Macro

from .markdown import ROOT

_PLAIN = (str, int, float, bool, type(None))


class Fragments:
    """The ``cached`` template global: a macro call's markup, by macro and arguments."""

    def __init__(self) -> None:
        self.done: dict[tuple, Any] = {}
        self.held: dict[int, Any] = {}
        self.root = ""  # the root of the page being rendered (set by briefgen.render.render_page)

    def __call__(self, macro: Macro, *args: Any, **kwargs: Any) -> Any:
        if not isinstance(macro, Macro):
            raise TypeError(f"cached() takes a macro first, not {type(macro).__name__}")
        root = self.root
        if root:
            args = tuple(ROOT if a == root and type(a) is str else a for a in args)
            kwargs = {k: ROOT if v == root and type(v) is str else v for k, v in kwargs.items()}
        # One flat tuple per call (a build keeps tens of thousands): the macro (hashed by identity), the number
        # of positional arguments, then a (type, value) or (None, id) pair for each, and (name, type, value)
        # or (name, None, id) for each keyword argument, by name.
        parts: list[Any] = [macro, len(args)]
        for value in args:
            parts += self._key(value)
        for name in sorted(kwargs):
            parts.append(name)
            parts += self._key(kwargs[name])
        key = tuple(parts)
        markup = self.done.get(key)
        if markup is None:
            markup = self.done[key] = macro(*args, **kwargs)
        return markup

    def _key(self, value: Any) -> tuple:
        if isinstance(value, _PLAIN):
            return (type(value), value)  # 1, 1.0 and True render differently
        ident = id(value)
        self.held[ident] = value
        return (None, ident)


def reset(env: jinja2.Environment) -> None:
    """Give ``env`` an empty memo (at the start of each build's rendering, in each process)."""
    env.globals["cached"] = Fragments()


def set_root(env: jinja2.Environment, root: str) -> None:
    """Tell the memo the root of the page about to be rendered."""
    memo = env.globals.get("cached")
    if isinstance(memo, Fragments):
        memo.root = root
