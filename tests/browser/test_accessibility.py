"""Accessibility: axe-core on every page of the example in light and dark schemes, plus the basics
axe cannot judge alone (skip link, landmarks, one <h1>, visible focus, lang, badge contrast).

axe-core is the copy shipped by the PyPI package ``axe-playwright-python``, injected into each page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import html_pages, missing

pytestmark = pytest.mark.browser

FAILING_IMPACTS = ("serious", "critical")
AXE_RUN = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n =>
      n.target.join(' ') + ' ' + (n.failureSummary || '').split('\\n').slice(1, 2))}));
}"""


@pytest.fixture(scope="session")
def axe_source() -> Path:
    try:
        import axe_playwright_python
    except ImportError:
        missing("axe-playwright-python is not installed: pip install -e '.[test]'")
    path = Path(axe_playwright_python.__file__).parent / "axe.min.js"
    if not path.is_file():
        missing(f"axe-playwright-python ships no axe.min.js at {path}")
    return path


def axe_violations(page, axe_source: Path) -> list[dict]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_source))
    return [v for v in page.evaluate(AXE_RUN) if v["impact"] in FAILING_IMPACTS]


def describe(url: str, violations: list[dict]) -> list[str]:
    return [f"{url}: {v['impact']} {v['id']} ({v['help']}): {'; '.join(v['nodes'])}" for v in violations]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_every_page(new_page, base_url, site, axe_source, scheme):
    page = new_page(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    for url in html_pages(site):
        page.goto(base_url + url)
        problems += describe(url, axe_violations(page, axe_source))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_search_results_and_open_panel(new_page, base_url, axe_source, scheme):
    page = new_page(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    page.goto(base_url + "search/?q=cartel")
    page.locator("#search-results .search-group-claims .search-hit").first.wait_for()
    problems = describe("search/?q=cartel", axe_violations(page, axe_source))
    page.goto(base_url + "briefs/")
    page.fill("#site-search-q", "maduro")
    page.locator("#site-search-panel .search-hit").first.wait_for()
    problems += describe("briefs/ with the search panel open", axe_violations(page, axe_source))
    page.goto(base_url + "claims/")
    page.locator("button[data-status='false']").click()
    problems += describe("claims/ filtered", axe_violations(page, axe_source))
    assert not problems, "\n".join(problems)


BASICS = """() => {
  const out = [];
  const lang = document.documentElement.getAttribute('lang');
  if (!lang) out.push('no lang on <html>');
  const h1 = document.querySelectorAll('h1').length;
  if (h1 !== 1) out.push(h1 + ' <h1> elements');
  const landmarks = [['header', 'banner'], ['nav', 'navigation'], ['main', 'main'], ['footer', 'contentinfo']];
  for (const [sel, name] of landmarks) {
    if (!document.querySelector(sel + ', [role=' + name + ']')) out.push('no ' + name + ' landmark');
  }
  if (document.querySelectorAll('main, [role=main]').length !== 1) out.push('not exactly one main');
  const first = document.querySelector('body a, body button, body input');
  const target = first && first.getAttribute('href');
  if (!first || !target || !target.startsWith('#') || !document.getElementById(target.slice(1)))
    out.push('the first focusable element is not a skip link to an existing target');
  return out;
}"""


def test_basics_on_every_page(page, base_url, site):
    problems = []
    for url in html_pages(site):
        page.goto(base_url + url)
        problems += [f"{url}: {p}" for p in page.evaluate(BASICS)]
    assert not problems, "\n".join(problems)


def test_skip_link_and_visible_focus(page, base_url):
    page.goto(base_url + "briefs/")
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
        const r = e.getBoundingClientRect();
        return {text: e.textContent.trim(), href: e.getAttribute('href'), outline: s.outlineStyle,
                width: parseFloat(s.outlineWidth), visible: r.width > 0 && r.left >= 0 && r.top >= 0}; }""")
    assert focused["href"] == "#main" and "skip" in focused["text"].lower()
    assert focused["visible"], "the skip link shows when focused"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    # every kind of control shows where focus is
    for selector in ("header nav a", "#site-search-q", "main a"):
        page.focus(selector)
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
        style = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
            return {outline: s.outlineStyle, width: parseFloat(s.outlineWidth) || 0, shadow: s.boxShadow}; }""")
        assert (style["outline"] != "none" and style["width"] >= 2) or style["shadow"] != "none", (selector, style)


@pytest.mark.parametrize("width", [1280, 390])
def test_tab_order_follows_the_header_as_seen(new_page, base_url, width):
    # the search box sits above the sections (in the first row, or a row of its own on a phone): it comes first
    page = new_page(viewport={"width": width, "height": 900})
    page.goto(base_url + "briefs/")
    page.locator("#site-search-q").wait_for()
    order = []
    for _ in range(4):
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()"))
    assert order[2:] == ["site-search-q", "Briefs"], order
    box, nav = (page.locator(s).bounding_box() for s in ("#site-search-q", ".site-nav"))
    assert box["y"] + box["height"] <= nav["y"] + 1  # and it is above them


CONTRAST = """() => {
  function rgb(c) {
    const m = c.match(/[\\d.]+/g).map(Number);
    return m.length > 3 && m[3] === 0 ? null : m.slice(0, 3);
  }
  function lum([r, g, b]) {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  }
  function background(e) {
    for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c) return c; }
    return [255, 255, 255];
  }
  return [...document.querySelectorAll('.badge')].map(b => {
    const fg = lum(rgb(getComputedStyle(b).color)), bg = lum(background(b));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    return {status: [...b.classList].find(c => c.startsWith('status-')), ratio: Math.round(ratio * 100) / 100};
  });
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_status_badges_meet_aa_contrast(new_page, base_url, scheme):
    page = new_page(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    page.goto(base_url + "claims/")
    dark = page.evaluate("""() => {
        const m = getComputedStyle(document.body).backgroundColor.match(/\\d+/g).map(Number);
        return (m[0] + m[1] + m[2]) / 3 < 128; }""")
    assert dark == (scheme == "dark"), "the colour scheme follows prefers-color-scheme"
    badges = page.evaluate(CONTRAST)
    statuses = {b["status"] for b in badges}
    assert {f"status-{s}" for s in ("confirmed", "reported", "claimed", "disputed", "denied", "unverified",
                                   "false")} <= statuses
    low = [b for b in badges if b["ratio"] < 4.5]
    assert not low, f"badges below 4.5:1 in the {scheme} scheme: {low}"
    # the same badges in search results, on the search page and in the header panel
    page.goto(base_url + "search/?q=maduro")
    page.locator("#search-results .search-group-claims .badge").first.wait_for()
    low = [b for b in page.evaluate(CONTRAST) if b["ratio"] < 4.5]
    assert not low, f"search result badges below 4.5:1 in the {scheme} scheme: {low}"


BOXES = """() => {
  const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = ([r, g, b]) => {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (a, b) => { const x = lum(rgb(a)), y = lum(rgb(b));
    return Math.round((Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05) * 100) / 100; };
  const background = e => {
    for (; e; e = e.parentElement) { const c = getComputedStyle(e).backgroundColor;
      if (!/^rgba\\(.*, 0\\)$/.test(c) && c !== 'transparent') return c; }
    return 'rgb(255, 255, 255)';
  };
  return [...document.querySelectorAll('input[type=search]')].map(i => {
    const s = getComputedStyle(i), inside = background(i);
    const edge = Math.min(ratio(s.borderTopColor, inside), ratio(s.borderTopColor, background(i.parentElement)));
    return {id: i.id, edge,
            placeholder: i.placeholder ? ratio(getComputedStyle(i, '::placeholder').color, inside) : null};
  });
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_boxes_stand_out(new_page, base_url, scheme):
    """A text box's edge at 3:1 against what is on both sides of it (WCAG 1.4.11), and the header box's
    placeholder, its only visible label, at 4.5:1 (not the browser's lighter grey)."""
    page = new_page(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    boxes = []
    for url, box in (("briefs/", "#site-search-q"), ("search/", "#search-q")):
        page.goto(base_url + url)
        page.locator(box).wait_for()
        boxes += page.evaluate(BOXES)
    assert {b["id"] for b in boxes} == {"site-search-q", "search-q"}
    assert all(b["edge"] >= 3 for b in boxes), boxes
    assert [b["placeholder"] >= 4.5 for b in boxes if b["placeholder"] is not None] == [True], boxes


if os.environ.get("BRIEFGEN_AXE_REPORT"):  # pragma: no cover - a manual aid: print every violation, any impact
    FAILING_IMPACTS = ("minor", "moderate", "serious", "critical")
