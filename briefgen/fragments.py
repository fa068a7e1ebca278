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
``root`` (``../../``) is passed as the placeholder :data:`briefgen.links.ROOT`,
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
from jinja2.runtime import Macro, missing
from markupsafe import Markup

from .links import ROOT

_PLAIN = (str, int, float, bool, type(None))
_PLAIN_TYPES = frozenset(_PLAIN)


def call_macro(macro: Macro, eval_ctx: Any, args: tuple, kwargs: dict) -> Any:
    """What Jinja's ``Macro.__call__`` returns for ``macro(eval_ctx, *args, **kwargs)`` (with
    ``eval_ctx`` None: ``macro(*args, **kwargs)``, autoescaped as the macro was defined). The themes'
    macros take named arguments only (no ``caller``, ``varargs`` or ``kwargs``): those are bound here,
    at a fraction of the cost of Jinja's general path, which every other call (a wrong one too) takes."""
    names = macro.arguments
    given = len(args)
    if (given > len(names) or macro.caller or macro.catch_kwargs or macro.catch_varargs
            or macro._environment.is_async or (kwargs and not all(name in names[given:] for name in kwargs))):
        return macro(*args, **kwargs) if eval_ctx is None else macro(eval_ctx, *args, **kwargs)
    if given < len(names):
        args = (*args, *[kwargs.get(name, missing) for name in names[given:]])
    html = macro._func(*args)
    autoescape = macro._default_autoescape if eval_ctx is None else eval_ctx.autoescape
    return str.__new__(Markup, html) if autoescape else html


class Fragments:
    """The ``cached`` template global: a macro call's markup, by macro and arguments."""

    def __init__(self) -> None:
        self.done: dict[tuple, Any] = {}
        self.held: dict[int, Any] = {}
        self.root = ""  # the root of the page being rendered (set by briefgen.render.render_page)

    def __call__(self, macro: Macro, *args: Any, **kwargs: Any) -> Any:
        return self.get(macro, args, kwargs)

    def get(self, macro: Macro, args: tuple, kwargs: dict) -> Any:
        """What ``cached(macro, *args, **kwargs)`` gives (a template's call comes here directly, without
        packing its arguments again: :class:`briefgen.templating._Context`)."""
        if type(macro) is not Macro and not isinstance(macro, Macro):
            if isinstance(macro, jinja2.Undefined):  # why it is undefined (a name _macros.html does not have…)
                macro._fail_with_undefined_error()
            raise TypeError(f"cached() takes a macro first, not {type(macro).__name__}")
        root = self.root
        # One flat tuple per call (a build keeps tens of thousands): the macro (hashed by identity), the number
        # of positional arguments, then a (type, value) or (None, id) pair for each, and (name, type, value)
        # or (name, None, id) for each keyword argument, by name. A str equal to the page's root is ROOT.
        # Made inline, as most calls find their markup made (a function call per argument cost a third).
        parts: list[Any] = [macro, len(args)]
        for value in args:
            kind = type(value)
            if kind is str:
                parts += (str, ROOT if root and value == root else value)
            elif kind in _PLAIN_TYPES or isinstance(value, _PLAIN):
                parts += (kind, value)  # 1, 1.0 and True render differently
            else:
                parts += (None, id(value))
        if kwargs:
            for name in sorted(kwargs):
                value = kwargs[name]
                kind = type(value)
                if kind is str:
                    parts += (name, str, ROOT if root and value == root else value)
                elif kind in _PLAIN_TYPES or isinstance(value, _PLAIN):
                    parts += (name, kind, value)
                else:
                    parts += (name, None, id(value))
        key = tuple(parts)
        markup = self.done.get(key)
        if markup is None:
            markup = self.done[key] = self._render(macro, args, kwargs)
        return markup

    def _render(self, macro: Macro, args: tuple, kwargs: dict) -> Any:
        """A call's markup, the first time. The objects whose ids its key holds are held from now on (a
        later call with the same key finds them held: no other object can have their ids)."""
        held = self.held
        for value in (*args, *kwargs.values()):
            if not isinstance(value, _PLAIN):
                held[id(value)] = value
        root = self.root
        if root:
            args = tuple(ROOT if type(a) is str and a == root else a for a in args)
            kwargs = {k: ROOT if type(v) is str and v == root else v for k, v in kwargs.items()}
        return call_macro(macro, None, args, kwargs)


def reset(env: jinja2.Environment) -> None:
    """Give ``env`` an empty memo (at the start of each build's rendering, in each process)."""
    env.globals["cached"] = Fragments()


def set_root(env: jinja2.Environment, root: str) -> None:
    """Tell the memo the root of the page about to be rendered."""
    memo = env.globals.get("cached")
    if isinstance(memo, Fragments):
        memo.root = root
