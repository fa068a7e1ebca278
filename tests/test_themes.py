"""Themes: site templates/ override by name, site-local themes with ``extends``,
static files, errors, the documented template context, and the default theme's
design rules (status colours with WCAG AA contrast, light and dark; nothing external)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefgen.config import DEFAULT_STATUSES
from briefgen.theme import builtin_themes_dir, load_theme

from .conftest import BASIC, REPO, build, make_site, parse_html, run_cli

DEFAULT = builtin_themes_dir() / "default"
BRIEF_OVERRIDE = """
    {% extends "base.html" %}
    {% block main %}<h1 class="custom">{{ brief.summary.title }}</h1>
    <p id="claims">{{ brief.claims | length }}</p>{% endblock %}
"""


def site_with(tmp_path: Path, extra: dict[str, str], config: str = "title: Themed\n") -> Path:
    return make_site(tmp_path / "s", {**BASIC, "briefgen.yaml": config, **extra})


def test_site_templates_override_theme_templates_by_name(tmp_path):
    out = build(site_with(tmp_path, {"templates/brief.html": BRIEF_OVERRIDE}), tmp_path / "out")
    brief = parse_html(out / "briefs/meeting/index.html")
    assert brief.find("h1", cls="custom").text() == "Trump summons security chiefs"
    assert brief.find("p", id_="claims").text() == "1"
    assert brief.find("header", cls="site-header")  # base.html still comes from the theme
    entity = parse_html(out / "people/donald-trump/index.html")
    assert entity.find("h1").text() == "Donald Trump" and not entity.find_all("h1", cls="custom")


def test_site_can_override_a_shared_macro_file(tmp_path):
    macros = (DEFAULT / "templates/_macros.html").read_text(encoding="utf-8")
    macros = macros.replace('<p class="summary">{{ b.summary }}</p>', '<p class="summary custom">{{ b.summary }}</p>')
    out = build(site_with(tmp_path, {"templates/_macros.html": macros}), tmp_path / "out")
    assert parse_html(out / "index.html").find("p", cls="custom").text() == "Trump meets his national security " \
                                                                           "team on Venezuela."


def local_theme(extra: dict[str, str] | None = None) -> dict[str, str]:
    return {
        "themes/paper/theme.yaml": "extends: default\ndescription: Default, with a different home page\n",
        "themes/paper/templates/index.html": """
            {% extends "base.html" %}
            {% block main %}<h1 class="paper">{{ site.title }}</h1>
            {% for b in briefs %}<p class="b">{{ b.title }}</p>{% endfor %}{% endblock %}
        """,
        "themes/paper/static/assets/paper.css": "body { color: black; }\n",
        **(extra or {}),
    }


def test_local_theme_extends_default_and_overrides_one_template(tmp_path):
    out = build(site_with(tmp_path, local_theme(), "title: Themed\ntheme: paper\n"), tmp_path / "out")
    home = parse_html(out / "index.html")
    assert home.find("h1", cls="paper").text() == "Themed"
    assert [p.text() for p in home.find_all("p", cls="b")] == ["Trump summons security chiefs"]
    brief = parse_html(out / "briefs/meeting/index.html")  # not overridden: the parent's template
    assert brief.find("article", cls="brief")
    assert (out / "assets/paper.css").is_file() and (out / "assets/style.css").is_file()


def test_site_templates_win_over_a_local_theme_and_site_static_over_theme_static(tmp_path):
    extra = {"templates/index.html": '{% extends "base.html" %}{% block main %}<h1 class="site">S</h1>{% endblock %}',
             "static/assets/paper.css": "/* the site's */\n"}
    out = build(site_with(tmp_path, local_theme(extra), "title: Themed\ntheme: paper\n"), tmp_path / "out")
    assert parse_html(out / "index.html").find("h1", cls="site")
    assert (out / "assets/paper.css").read_text(encoding="utf-8") == "/* the site's */\n"


def test_a_static_file_that_a_generated_page_keeps_out_is_a_warning(tmp_path):
    site = site_with(tmp_path, {"static/index.html": "mine", "static/people/index.html": "mine too",
                                "static/notes.txt": "kept"})
    code, _, err = run_cli("build", site, "--out", tmp_path / "out")
    assert code == 0, err
    assert err.splitlines() == [
        f"static/{rel}:1:1: warning: not published: the generated page {rel} has this path (rename the file; "
        "to change that page, override its template (docs/themes.md))" for rel in ("index.html", "people/index.html")]
    assert (tmp_path / "out/notes.txt").read_text() == "kept"
    assert "mine" not in (tmp_path / "out/index.html").read_text()
    assert run_cli("build", site, "--out", tmp_path / "out", "-q")[2] == err  # a build with nothing to do says it again
    assert run_cli("build", site, "--out", tmp_path / "out", "--strict")[0] == 1
    # builds that keep the last output (a body edited: patched; front matter: re-rendered) say the same,
    # and nothing about the static files they kept as they were (the theme's CSS)
    brief = site / "content/briefs/2025-12-01-meeting.md"
    brief.write_text(brief.read_text().replace("Donald Trump met", "Donald Trump then met"))
    assert run_cli("build", site, "--out", tmp_path / "out", "-q")[2] == err
    brief.write_text(brief.read_text().replace("title: Trump summons", "title: Trump calls"))
    assert run_cli("build", site, "--out", tmp_path / "out", "-q")[2] == err
    (site / "static/index.html").unlink()
    assert run_cli("build", site, "--out", tmp_path / "out", "-q")[2] == err.splitlines(keepends=True)[1]


@pytest.mark.parametrize(("files", "expected"), [
    ({"static/claims": "x"}, "static/claims:1:1: warning: not published: the generated folder claims/ has this path"),
    ({"static/feed.xml/a.txt": "x"},
     "static/feed.xml/a.txt:1:1: warning: not published: the generated file feed.xml is where a folder of its path "
     "would be"),
    ({"static/assets": "x"}, "static/assets:1:1: warning: not published: the theme's static folder assets/ has "
                             "this path"),
    ({"static/assets/style.css/a.css": "x"},
     "static/assets/style.css/a.css:1:1: warning: not published: the theme's static file assets/style.css is where "
     "a folder of its path would be"),
])
def test_a_static_file_in_the_way_of_a_generated_or_theme_folder_is_a_warning_not_a_crash(tmp_path, files, expected):
    site = site_with(tmp_path, {**files, "static/notes.txt": "kept"})
    code, _, err = run_cli("build", site, "--out", tmp_path / "out")
    assert code == 0, err
    assert [line.split(" (")[0] for line in err.splitlines() if ": warning: " in line] == [expected]
    assert (tmp_path / "out/notes.txt").read_text() == "kept"
    assert (tmp_path / "out/claims/index.html").is_file() and (tmp_path / "out/assets/style.css").is_file()
    assert (tmp_path / "out/feed.xml").is_file()
    site_brief = site / "content/briefs/2025-12-01-meeting.md"  # and so do the builds that keep the last output
    site_brief.write_text(site_brief.read_text().replace("title: Trump summons", "title: Trump calls"))
    code, _, err2 = run_cli("build", site, "--out", tmp_path / "out", "-q")
    assert code == 0 and err2 == err.split("Built")[0], err2


def test_a_static_name_with_a_backslash_is_a_warning_not_a_traceback(tmp_path):
    site = site_with(tmp_path, {"static/notes.txt": "kept", "static/a\\..\\..\\evil.txt": "x"})
    code, _, err = run_cli("build", site, "--out", tmp_path / "out")
    assert code == 0 and "Traceback" not in err, err
    assert "evil.txt:1:1: warning: not published: its path has a backslash or a control character" in err
    assert (tmp_path / "out/notes.txt").is_file() and not list((tmp_path / "out").rglob("*evil*"))
    assert not (tmp_path / "evil.txt").exists()


def test_well_known_is_published_and_other_dot_files_are_not(tmp_path):
    site = site_with(tmp_path, {"static/.well-known/security.txt": "Contact: mailto:sec@example.org\n",
                                "static/.env": "SECRET=1", "static/.DS_Store": "x", "static/a/.well-known/x": "x",
                                "static/.well-known/.hidden": "x"})
    code, _, err = run_cli("build", site, "--out", tmp_path / "out", "--strict")
    assert code == 0, err
    out = tmp_path / "out"
    assert (out / ".well-known/security.txt").read_text() == "Contact: mailto:sec@example.org\n"
    assert not any((out / p).exists() for p in (".env", ".DS_Store", "a", ".well-known/.hidden"))


BASE = (DEFAULT / "templates/base.html").read_bytes()
BASE_LINES = BASE.count(b"\n")


@pytest.mark.parametrize(("files", "expected"), [
    ({"templates/brief.html": b'{% extends "base.html" %}\n{% block main %}caf\xe9{% endblock %}\n'},
     "templates/brief.html:2:1: error: template error while rendering briefs/meeting/index.html: the file is not "
     "UTF-8 text (byte 0xe9 on line 2)"),
    ({"templates/base.html": BASE + b"\xe9\n"},
     f"templates/base.html:{BASE_LINES + 1}:1: error: template error while rendering "),
    ({"templates/part.html": b"caf\xe9", "templates/tags.html":
      b'{% extends "base.html" %}{% block main %}{% include "part.html" %}{% endblock %}'},
     "templates/part.html:1:1: error: template error while rendering tags/index.html: the file is not UTF-8 text"),
])
def test_a_template_that_is_not_utf8_is_a_located_error(tmp_path, files, expected):
    code, _, err = run_cli("build", site_with(tmp_path, files), "--out", tmp_path / "out")
    assert code == 1 and "Traceback" not in err, err
    assert err.startswith(expected), err
    assert not (tmp_path / "out").exists()


def test_a_template_that_extends_itself_says_so(tmp_path):
    code, _, err = run_cli("build", site_with(tmp_path, {"templates/base.html": '{% extends "base.html" %}'}),
                           "--out", tmp_path / "out", "-q")
    assert code == 1 and err.startswith("templates/base.html:1:1: error: template error while rendering ") and \
        "it extends or includes itself, without end" in err, err
    assert len(err.splitlines()) == 2, err  # every page that recursed, at one place: one error


def test_a_template_that_recurses_without_end_is_rendered_once_per_build_and_process(tmp_path, monkeypatch):
    """Not once per page: each costs a fifth of a second of traceback (render.render_page)."""
    from briefgen import render

    calls = []
    real = render.template_error
    monkeypatch.setattr(render, "template_error", lambda *a: calls.append(a[2]) or real(*a))
    spec = {**BASIC, "templates/brief.html": "{% macro r(n) %}{{ r(n + 1) }}{% endmacro %}{{ r(1) }}"}
    for i in range(5):
        spec[f"content/briefs/2025-10-0{i + 1}-b{i}.md"] = f"---\ntitle: B{i}\ndate: 2025-10-0{i + 1}\nsummary: S.\n" \
                                                           "---\n"
    site = site_with(tmp_path, spec)
    for _ in range(2):
        calls.clear()
        code, _, err = run_cli("build", site, "--out", tmp_path / "out", "-q", "--jobs", "1")
        assert code == 1 and err.startswith("templates/brief.html:1:1: error: template error while rendering "
                                            "briefs/meeting/index.html: a macro, block or recursive loop here"), err
        assert calls == ["briefs/meeting/index.html"]


@pytest.mark.parametrize("template", [
    "{% macro r(n) %}{{ r(n + 1) }}{% endmacro %}{{ r(1) }}",
    "{% for x in [1] recursive %}{{ loop([1]) }}{% endfor %}",
    '{% extends "base.html" %}{% block main %}{{ self.main() }}{% endblock %}',
])
def test_a_macro_block_or_loop_that_calls_itself_without_end_says_so(tmp_path, template):
    code, _, err = run_cli("build", site_with(tmp_path, {"templates/tags.html": template}), "--out", tmp_path / "out")
    assert code == 1 and err.startswith("templates/tags.html:1:1: error: template error while rendering "
                                        "tags/index.html: a macro, block or recursive loop here calls itself "
                                        "(directly or through others) without end"), err


def test_a_byte_order_mark_in_a_template_is_not_output(tmp_path):
    files = {"templates/part.html": "\ufeff<p class='part'>P</p>", "templates/tags.html":
             '{% extends "base.html" %}{% block main %}<div class="w">{% include "part.html" %}</div>{% endblock %}'}
    out = build(site_with(tmp_path, files), tmp_path / "out")
    text = (out / "tags/index.html").read_text(encoding="utf-8")
    assert '<div class="w"><p class=\'part\'>P</p></div>' in text and "\ufeff" not in text


def test_a_body_edit_in_serve_warns_about_no_static_file_it_kept(tmp_path):
    from briefgen.build import BuildOptions
    from briefgen.build import build as build_site

    site = site_with(tmp_path, {})
    out = tmp_path / "out"
    assert build_site(BuildOptions(site, out, progress=False, session=True)).diagnostics == []
    brief = site / "content/briefs/2025-12-01-meeting.md"
    brief.write_text(brief.read_text().replace("Donald Trump met", "Donald Trump then met"))
    result = build_site(BuildOptions(site, out, progress=False, session=True))  # the kept site: bodies only
    assert result.diagnostics == [] and result.pages_written <= 3
    assert run_cli("build", site, "--out", out, "--strict", "-q")[0] == 0


def test_lookup_order(tmp_path):
    site = site_with(tmp_path, {**local_theme(), "templates/x.html": "x"}, "title: T\ntheme: paper\n")
    theme = load_theme(site, "paper")
    assert [p.relative_to(site).as_posix() if p.is_relative_to(site) else p for p in theme.template_dirs] == [
        "templates", "themes/paper/templates", DEFAULT / "templates"]
    assert theme.static_dirs[0] == DEFAULT / "static"


def test_a_local_theme_named_default_can_extend_the_built_in_default(tmp_path):
    files = {"themes/default/theme.yaml": "extends: default\n",
             "themes/default/templates/tags.html": '{% extends "base.html" %}{% block main %}<h1 class="mine">T</h1>'
                                                  '{% endblock %}'}
    out = build(site_with(tmp_path, files), tmp_path / "out")
    assert parse_html(out / "tags/index.html").find("h1", cls="mine")
    assert parse_html(out / "index.html").find("header", cls="masthead")


@pytest.mark.parametrize("files, config, message", [
    ({"themes/a/theme.yaml": "extends: b\n", "themes/b/theme.yaml": "extends: a\n"}, "theme: a\n", "extends itself"),
    ({"themes/a/theme.yaml": "extend: default\n"}, "theme: a\n", "unknown key(s) extend"),
    ({"themes/a/theme.yaml": "extends: [default]\n"}, "theme: a\n", "'extends' must be a theme name"),
    ({"themes/a/theme.yaml": "extends: nope\n"}, "theme: a\n", "theme 'nope' not found"),
])
def test_theme_errors_are_reported_at_the_theme_setting_without_traceback(tmp_path, files, config, message):
    # check reports them too, as build does: the theme.yaml at fault is named in the message
    site = site_with(tmp_path, files, config)
    for command in ("build", "check"):
        code, out, err = run_cli(command, site, *(("--out", tmp_path / "out") if command == "build" else ()))
        assert code == 1, out + err
        assert "briefgen.yaml:1:8: error: theme 'a' cannot be used: " in err
        assert message in err and "theme.yaml" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("theme_yaml", "config", "where", "message"), [
    ("extends: default\nbogus: 1\n", "title: T\n", "themes/default/theme.yaml:1:1", "unknown key(s) bogus"),
    ("extends: [default\n", "title: T\n", "themes/default/theme.yaml:1:1", "line 2, column 1: expected ','"),
    ("extends: [default\n", "", "themes/default/theme.yaml:1:1", "line 2, column 1: expected ','"),
    ("extends: default\nbogus: 1\n", "title: T\ntheme: default\n", "briefgen.yaml:2:8", "unknown key(s) bogus"),
    ("extends: default\nbogus: 1\n", "title: T\ntheme: a\n", "briefgen.yaml:2:8", "unknown key(s) bogus"),
])
def test_a_broken_local_default_theme_is_an_error_in_check_and_build_named_or_not(tmp_path, theme_yaml, config,
                                                                                   where, message):
    files = {"themes/default/theme.yaml": theme_yaml, "themes/a/theme.yaml": "extends: default\n"}
    site = site_with(tmp_path, files, config)
    if config == "":  # no briefgen.yaml at all: a site needs none
        (site / "briefgen.yaml").unlink()
    for command in ("check", "build"):
        code, out, err = run_cli(command, site, *(("--out", tmp_path / "out") if command == "build" else ()))
        assert code == 1, out + err
        assert err.startswith(f"{where}: error: theme ") and message in err, err
        assert "Traceback" not in err and len([line for line in err.splitlines() if "error:" in line]) == 1
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("config, message", [
    ("theme: nope\n", "briefgen.yaml:2:8: error: theme 'nope' not found in themes/ or the built-in themes "
                       "(known: default, mine; or make the folder themes/nope/)"),
    ("theme: ../x\n", "briefgen.yaml:2:8: error: invalid theme name '../x'"),
])
def test_a_configured_theme_that_is_not_there_is_reported_where_it_is_written(tmp_path, config, message):
    # check reports it as build does, beside every other problem of the site, instead of passing a site
    # that build refuses
    site = site_with(tmp_path, {"themes/mine/templates/x.html": ""}, "page_size: 0\n" + config)
    for command in ("build", "check"):
        code, out, err = run_cli(command, site, *(("--out", tmp_path / "out") if command == "build" else ()))
        assert code == 1, out + err
        assert message in out + err and "'page_size' must be" in out + err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_template_syntax_error_is_located_in_the_site_template(tmp_path):
    site = site_with(tmp_path, {"templates/kind.html": "{% extends 'base.html' %}\n{% block main %}\n{% if %}\n"})
    code, _, err = run_cli("build", site, "--out", tmp_path / "out")
    assert code == 1 and "Traceback" not in err
    assert re.search(r"^templates/kind\.html:3:1: error: template error while rendering \w+/index\.html", err, re.M)
    assert not (tmp_path / "out").exists()  # nothing written


def test_a_template_error_is_reported_with_the_contents_warnings(tmp_path):
    other = "content/briefs/2025-12-02-other.md"
    site = site_with(tmp_path, {"templates/brief.html": "{{ nope }}",
                                other: "---\ntitle: O\ndate: 2025-12-02\nsummary: S.\npeople: [nobody]\n---\n"})
    code, _, err = run_cli("build", site, "--out", tmp_path / "out")
    assert code == 1 and "Traceback" not in err
    lines = err.splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == [other, "templates/brief.html"], err
    assert "warning: unknown person 'nobody'" in lines[0] and "'nope' is undefined" in lines[1]
    assert lines[-1] == "FAILED: 1 error(s), 1 warning(s); nothing was written"


def test_every_template_error_is_reported_once_whatever_the_workers(tmp_path):
    """One error per place in a template (not one per page), the first page in site order naming it; the same with
    one process and with workers; the last output untouched."""
    spec = dict(BASIC)
    for i in range(120):  # enough pages for a worker to take some
        spec[f"content/briefs/2025-10-{1 + i % 28:02d}-b{i}.md"] = (
            f"---\ntitle: Brief {i}\ndate: 2025-10-{1 + i % 28:02d}\nsummary: S.\npeople: [p{i % 9}]\n---\nText.\n")
    site = site_with(tmp_path, spec)
    out = build(site, tmp_path / "out", "-q")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    make_site(site, {"templates/brief.html": '{% extends "base.html" %}\n{% block main %}\n{{ nope1 }}{% endblock %}\n',
                     "templates/index.html": "{{ nope2 }}\n", "templates/entity.html": "<p>\n</p>\n{% if %}\n"})
    reports = []
    for jobs in ("1", "2", "1"):
        code, _, err = run_cli("build", site, "--out", out, "-q", "--jobs", jobs)
        assert code == 1 and "Traceback" not in err, err
        errors = [line for line in err.splitlines() if ": error: " in line]
        assert [line.split(": template error while rendering ")[0] for line in errors] == [
            "templates/brief.html:3:1: error", "templates/entity.html:3:1: error",
            "templates/index.html:1:1: error"], err
        assert "'nope1' is undefined" in errors[0] and "Expected an expression" in errors[1] and "'nope2'" in errors[2]
        assert err.splitlines()[-1].startswith("FAILED: 3 error(s)"), err
        assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
        reports.append(err)
    assert reports[0] == reports[1] == reports[2]


@pytest.mark.parametrize("theme_yaml", [True, False])
def test_a_page_template_the_theme_lacks_is_located_at_the_theme(tmp_path, theme_yaml):
    files = {"themes/bare/templates/index.html": "home", "themes/bare/templates/tags.html": "tags",
             **({"themes/bare/theme.yaml": "name: Bare\n"} if theme_yaml else {})}
    code, _, err = run_cli("build", site_with(tmp_path, files, "title: T\ntheme: bare\n"), "--out", tmp_path / "out")
    where = "themes/bare/theme.yaml" if theme_yaml else "themes/bare"
    assert code == 1 and err.startswith(
        f"{where}:1:1: error: template 'briefs.html' not found (rendering briefs/index.html); nor are brief.html, "
        "kind.html, entity.html, claims.html, status.html, timeline.html, tag.html, search.html, 404.html (add each "
        "to the theme's templates/ (or the site's), or extend a theme that has them: extends: default in its "
        "theme.yaml (docs/themes.md))\n"), err
    assert len([line for line in err.splitlines() if ": error: " in line]) == 1


@pytest.mark.parametrize("use", ["{{ status_overview(status_totals, root) }}",
                                 "{{ cached(status_overview, 1, root) }}"])
def test_a_macro_an_override_of_the_macros_lacks_is_located_where_it_is_imported(tmp_path, use):
    files = {"templates/_macros.html": "{% macro other() %}{% endmacro %}\n",
             "templates/tags.html": '{% extends "base.html" %}\n{% from "_macros.html" import status_overview %}\n'
                                    "{% block main %}\n\n" + use + "{% endblock %}\n"}
    code, _, err = run_cli("build", site_with(tmp_path, files), "--out", tmp_path / "out")
    lines = [line for line in err.splitlines() if line.startswith("templates/tags.html")]
    assert code == 1 and lines == [
        "templates/tags.html:2:1: error: template error while rendering tags/index.html: the template '_macros.html' "
        "(imported on line 2 in 'tags.html') does not export the requested name 'status_overview' ('status_overview' "
        "is not a macro of _macros.html: a _macros.html of the site's or a theme's replaces the one after it whole, "
        "so it must have every macro the templates import (docs/themes.md))"], err


def test_templates_drop_the_line_break_after_a_tag_and_the_indent_before_it(tmp_path):
    """trim_blocks and lstrip_blocks, as docs/themes.md says; a template's last line break is kept."""
    files = {"templates/tags.html": "<ul>\n  {% for t in tags %}\n  <li>{{ t[0] }}</li>\n  {% endfor %}\n</ul>\n"}
    out = build(site_with(tmp_path, files), tmp_path / "out")
    assert (out / "tags/index.html").read_text(encoding="utf-8") == "<ul>\n  <li>venezuela</li>\n</ul>\n"


def test_missing_template_names_the_template(tmp_path):
    site = site_with(tmp_path, {"templates/tags.html": "{% include 'nothere.html' %}"})
    code, _, err = run_cli("build", site, "--out", tmp_path / "out")
    assert code == 1 and "template 'nothere.html' not found" in err and "Traceback" not in err


EVERY_PAGE = ("site.title site.description site.language site.og_locale site.image site.dir site.base_url site.kinds "
              "site.statuses page.title page.description page.path page.url page.section page.template "
              "page.served_anywhere page.context root canonical")
DOCUMENTED = {  # what docs/themes.md says each template receives
    "index.html": "briefs brief_count sections status_totals events",
    "brief.html": "brief jsonld og_type",
    "briefs.html": "briefs brief_count pagination",
    "kind.html": "kind.key kind.label kind.singular entities",
    "entity.html": "entity kind feed og_type jsonld",
    "claims.html": "groups status_totals claim_count",
    "status.html": "status claims count pagination status_totals",
    "timeline.html": "items days pagination event_label",
    "tags.html": "tags",
    "tag.html": "tag briefs brief_count pagination",
    "search.html": "",
    "404.html": "",
}


def test_every_page_defines_what_the_docs_say_its_template_receives(tmp_path):
    """Each documented name may be tested with {% if %} on every page of its template, under StrictUndefined
    (a stub entity's page too, whose jsonld is absent)."""
    files = {f"templates/{name}": "".join(f"{{% if {var} %}}{{% endif %}}" for var in f"{EVERY_PAGE} {names}".split())
             + f"{name} ok" for name, names in DOCUMENTED.items()}
    other = "content/briefs/2025-12-02-other.md"  # an unknown name: a stub page, whose jsonld is none
    files[other] = "---\ntitle: O\ndate: 2025-12-02\nsummary: S.\npeople: [nobody]\n---\n"
    out = build(site_with(tmp_path, files, "title: Themed\npage_size: 1\n"), tmp_path / "out")
    assert (out / "people/nobody/index.html").read_text(encoding="utf-8") == "entity.html ok"
    assert (out / "briefs/page/2/index.html").read_text(encoding="utf-8") == "briefs.html ok"


def test_a_body_s_links_are_the_page_s_own_in_the_template(tmp_path):
    """brief.html and entity.html are shown on one page each: a filter that changes their text (urlencode,
    truncate, length) has the links the page shows, not the placeholder the page's shared pieces hold."""
    files = {"templates/brief.html": '{{ brief.html | urlencode }}|{{ brief.html | truncate(5000) }}',
             "templates/entity.html": '{{ entity.html | urlencode }}|{{ entity.html | truncate(5000) }}',
             "content/people/marco-rubio.md": "---\nname: Marco Rubio\n---\nHe met [[donald-trump]].\n"}
    out = build(site_with(tmp_path, files), tmp_path / "out")
    for page, link in (("briefs/meeting/index.html", "../../events/oval-meeting/"),
                       ("people/marco-rubio/index.html", "../../people/donald-trump/")):
        encoded, truncated = (out / page).read_text(encoding="utf-8").split("|")
        assert "%02" not in encoded and "\x02" not in truncated and "root" not in encoded + truncated, page
        assert f'href="{link}"' in truncated.replace("&#34;", '"'), truncated


@pytest.mark.parametrize("test", ["jsonld is defined", "jsonld", "jsonld is defined and jsonld"])
def test_a_stub_page_has_no_structured_data_however_a_theme_tests_for_it(tmp_path, test):
    """A stub's page has no jsonld: a template testing it as an earlier default theme did ("is defined") writes
    no script with "None" in it, and one testing it with a plain {% if %} does not fail."""
    files = {"templates/entity.html": f"{{% if {test} %}}<script>{{{{ jsonld | safe }}}}</script>{{% endif %}}.",
             "content/briefs/2025-12-02-other.md": "---\ntitle: O\ndate: 2025-12-02\nsummary: S.\n"
                                                   "people: [nobody, donald-trump]\n---\n"}
    out = build(site_with(tmp_path, files, "title: Themed\n"), tmp_path / "out")
    assert (out / "people/nobody/index.html").read_text(encoding="utf-8") == "."
    trump = (out / "people/donald-trump/index.html").read_text(encoding="utf-8")
    assert trump.startswith("<script>{") and '"name":"Donald Trump"' in trump


def test_docs_describe_every_template_of_the_default_theme():
    docs = (REPO / "docs/themes.md").read_text(encoding="utf-8")
    for template in sorted((DEFAULT / "templates").glob("*.html")):
        assert f"`{template.name}`" in docs, f"docs/themes.md does not describe {template.name}"


# --- the default theme's design rules ------------------------------------------------------------------------

def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def palettes() -> dict[str, tuple[dict[str, str], dict[str, dict[str, str]]]]:
    """{'light'|'dark': (root variables, {status: {var: colour}})} read from style.css."""
    css = (DEFAULT / "static/assets/style.css").read_text(encoding="utf-8")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    dark_start = css.index("@media (prefers-color-scheme: dark)")
    dark_end = css.index("*, *::before", dark_start)  # the dark palette ends where the base rules start
    parts = {"light": css[:dark_start], "dark": css[dark_start:dark_end]}
    out = {}
    for scheme, text in parts.items():
        root = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", re.search(r":root\s*\{(.*?)\}", text, re.S)[1]))
        statuses = {m[0]: dict(re.findall(r"--(st-\w+):\s*(#[0-9a-fA-F]{6})", m[1]))
                    for m in re.findall(r"\.status-([\w-]+)\s*\{([^}]*)\}", text)}
        out[scheme] = (root, statuses)
    return out


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_status_badges_and_form_controls_meet_wcag_aa_contrast(scheme):
    root, statuses = palettes()[scheme]
    assert set(DEFAULT_STATUSES) <= set(statuses), "every default status has its own colours"
    fallback = {"st-fg": root["st-fg"], "st-bg": root["st-bg"], "st-edge": root["st-edge"]}  # custom statuses
    for status, colours in {**statuses, "(custom)": fallback}.items():
        assert contrast(colours["st-fg"], colours["st-bg"]) >= 4.5, f"{scheme} {status}: badge text"
        for background in (root["bg"], root["surface"]):
            assert contrast(colours["st-edge"], background) >= 3, f"{scheme} {status}: border against the page"
    for name in ("fg", "muted", "accent"):
        for background in (root["bg"], root["surface"]):
            assert contrast(root[name], background) >= 4.5, f"{scheme} --{name}"
    for background in (root["bg"], root["surface"]):  # text boxes and buttons, in the header and on the page
        assert contrast(root["line-control"], background) >= 3, f"{scheme} --line-control: form controls' edges"


def test_status_colours_are_distinct():
    for scheme, (_, statuses) in palettes().items():
        edges = [statuses[s]["st-edge"].lower() for s in DEFAULT_STATUSES if s != "unverified"]
        assert len(edges) == len(set(edges)), scheme


def test_theme_has_dark_mode_print_styles_and_nothing_external():
    css = (DEFAULT / "static/assets/style.css").read_text(encoding="utf-8")
    assert "@media (prefers-color-scheme: dark)" in css
    assert "@media print" in css
    assert not re.search(r"https?://|@import|@font-face|url\(", css)
    for template in (DEFAULT / "templates").glob("*.html"):
        text = template.read_text(encoding="utf-8")
        # links to other sites are fine; loading anything from them (fonts, scripts, CDNs, trackers) is not
        assert not re.search(r'<(script|img|link|iframe|video|audio|source)\b[^>]*(src|href)="(https?:)?//', text), \
            template.name


def test_the_default_theme_styles_by_logical_sides_so_right_to_left_pages_mirror():
    """``dir="rtl"`` (a language written right to left) mirrors a layout written with start/end, not left/right."""
    physical = re.compile(r"(?:margin|padding|border)-(?:left|right)|text-align:\s*(?:left|right)"
                          r"|(?<![-\w])(?:left|right):")
    for css in sorted((REPO / "themes/default/static/assets").glob("*.css")):
        text = re.sub(r"/\*.*?\*/", "", css.read_text(), flags=re.S)
        assert not physical.findall(text), css.name
