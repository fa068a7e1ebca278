"""Where a brief page shows its body: found while the page renders, for :mod:`briefgen.patch`.

A full build renders each brief page with its body's HTML between two markers no
content can contain, notes where the body sits (``(start, length)`` in bytes) and
removes the markers, so the page is byte for byte what rendering it plainly gives.
That is worth recording only when the theme shows the body as it is and derives
nothing else from it (:func:`body_verbatim`); otherwise a later edit could not be
patched in, and no page is marked."""

from __future__ import annotations

import dataclasses
import os
import weakref

import jinja2
from jinja2 import nodes

from . import render

_TRANSFORMING = (nodes.Macro, nodes.CallBlock, nodes.FilterBlock, nodes.AssignBlock)  # output that can be altered


def body_verbatim(env: jinja2.Environment) -> bool:
    """Whether every template shows a brief's body only as ``{{ brief.html | safe }}``, outside
    anything whose output could be altered (a macro, ``call``, ``filter`` or ``set`` block), and reads
    nothing else from it: ``brief`` is only used for its attributes, ``page.context`` never, and neither
    blocks, includes nor ``super()`` are put where their output could be altered, nor ``self`` used.
    Conservative: a template that does anything else turns patching off. Worked out once per
    environment (one lives while the theme's files are the same: :func:`briefgen.writer.environment`)."""
    found = _VERBATIM.get(env)
    if found is None:
        found = _VERBATIM[env] = _body_verbatim(env)
    return found


_VERBATIM: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _body_verbatim(env: jinja2.Environment) -> bool:
    try:
        names = env.list_templates()  # every file of the template folders, whatever its name: a page may include any
    except (jinja2.TemplateError, OSError):
        return False
    for name in names:
        try:
            template = env.get_template(name)
        except (jinja2.TemplateError, OSError, UnicodeError):
            # Not a template (an image, a file that is not UTF-8, a syntax error): a page that included it would
            # fail the build (as an error located in it), so no page that a build writes shows anything of it.
            continue
        # A theme's template knows from when it was compiled (briefgen.templating._CodeGenerator);
        # another environment's is parsed here.
        verbatim = getattr(template, "body_verbatim", None)
        if verbatim is None:
            try:
                source, filename, _ = env.loader.get_source(env, name)
                verbatim = tree_verbatim(env.parse(source, name, filename))
            except (jinja2.TemplateError, OSError, UnicodeError):
                return False
        if not verbatim:
            return False
    return True


def tree_verbatim(tree: nodes.Template) -> bool:
    """Whether one template's parsed tree shows a brief's body verbatim (see :func:`body_verbatim`)."""
    return _verbatim(tree, ())


def _verbatim(node: nodes.Node, parents: tuple) -> bool:
    parent = parents[-1] if parents else None
    altered = any(isinstance(p, _TRANSFORMING) for p in parents)
    if isinstance(node, nodes.Name) and node.ctx == "load":
        if node.name == "self":
            return False
        if node.name in ("brief", "page"):
            if not (isinstance(parent, nodes.Getattr) and parent.node is node):
                return False  # handed over whole: whatever receives it could read the body
            if node.name == "page" and parent.attr == "context":
                return False
            if node.name == "brief" and parent.attr == "html":
                wrapper = parents[-2] if len(parents) > 1 else None
                if not (isinstance(wrapper, nodes.Filter) and wrapper.name == "safe" and wrapper.node is parent
                        and len(parents) > 2 and isinstance(parents[-3], nodes.Output) and not altered):
                    return False
    if (isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and node.node.name == "super"
            and (altered or not isinstance(parent, nodes.Output))):
        return False
    if isinstance(node, (nodes.Block, nodes.Include)) and altered:
        return False
    inner = (*parents, node)
    return all(_verbatim(child, inner) for child in node.iter_child_nodes())


_NONCE = os.urandom(8).hex()  # per process: no content can hold the markers, whatever it is made of
OPEN, CLOSE = f"\x02body {_NONCE}\x03", f"\x02/body {_NONCE}\x03"
_OPEN_BYTES, _CLOSE_BYTES = OPEN.encode(), CLOSE.encode()


def render_marked(env: jinja2.Environment, page: render.Page, site_view: dict, config) -> tuple[bytes, tuple | None]:
    """A brief's page as :func:`briefgen.render.render_page` renders it, and where its body's HTML
    sits in it: ``(start, length)`` in bytes, or None when the template did not show it exactly once."""
    view = page.context["brief"]
    marked = dataclasses.replace(page, context={**page.context, "brief": dataclasses.replace(
        view, html=OPEN + view.html + CLOSE)})
    data = render.render_page(env, marked, site_view, config)
    # Both markers start with \x02, which pages seldom hold otherwise: when the page's only two are the
    # markers', each is there once (a byte is found with memchr, several times faster than a search for
    # the marker, of which this took four over the whole page). Otherwise, the markers are looked for.
    start = data.find(b"\x02")
    end = data.find(b"\x02", start + 1) if start >= 0 else -1
    if not (end > 0 and data.startswith(_OPEN_BYTES, start) and data.startswith(_CLOSE_BYTES, end)
            and data.find(b"\x02", end + 1) < 0):
        start, end = data.find(_OPEN_BYTES), data.find(_CLOSE_BYTES)
        if start < 0 or end < start or data.count(_OPEN_BYTES) != 1 or data.count(_CLOSE_BYTES) != 1:
            return render.render_page(env, page, site_view, config), None
    body = end - start - len(_OPEN_BYTES)
    return data[:start] + data[start + len(_OPEN_BYTES):end] + data[end + len(_CLOSE_BYTES):], (start, body)
