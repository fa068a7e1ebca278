"""Compiled templates kept in the user's cache folder (briefgen.theme.compiled_templates_folder,
briefgen.templating.CompiledTemplates): a build loads what an earlier one compiled, and gives the same
files; a changed, damaged or unwritable template file, or a folder others may write to, is never an
error; a one-off build (--no-cache) neither reads nor writes them."""

from __future__ import annotations

import os
import re
import stat
import tempfile
from pathlib import Path

import pytest
from jinja2.bccache import bc_magic

from briefgen import cache, marks, templating, writer
from briefgen.theme import compiled_templates_folder

from .conftest import BASIC, build, make_site, parse_html, run_cli
from .test_incremental import files


@pytest.fixture
def cache_home(tmp_path, monkeypatch) -> Path:
    """A user cache folder of this test's own, and a process that has no theme environment yet."""
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    writer._ENVIRONMENTS.clear()
    yield home
    writer._ENVIRONMENTS.clear()


@pytest.fixture
def compiles(monkeypatch) -> list[str]:
    """The names of the templates compiled from source from now on."""
    names: list[str] = []
    compile_ = templating.ThemeEnvironment.compile

    def counting(self, source, name=None, filename=None, *args, **kwargs):
        names.append(name)
        return compile_(self, source, name, filename, *args, **kwargs)

    monkeypatch.setattr(templating.ThemeEnvironment, "compile", counting)
    return names


def fresh_build(site: Path, out: Path, *args: str) -> Path:
    """A build as a new process makes it: no environment (nor compiled template) kept in memory."""
    writer._ENVIRONMENTS.clear()
    return build(site, out, *args)


def test_a_build_loads_the_templates_an_earlier_build_compiled_and_writes_the_same_files(
        tmp_path, cache_home, compiles):
    site = make_site(tmp_path / "s", BASIC)
    first = fresh_build(site, tmp_path / "one")
    folder = cache_home / "briefgen" / "templates"
    kept = sorted(folder.iterdir())
    assert kept and all(p.suffix == ".jinja" for p in kept)
    assert "base.html" in compiles and "brief.html" in compiles
    if os.name != "nt":
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    compiles.clear()
    second = fresh_build(site, tmp_path / "two")
    assert compiles == []  # every template loaded compiled
    assert files(second) == files(first)
    assert sorted(folder.iterdir()) == kept


def test_templates_compiled_by_other_code_are_compiled_again_in_place(tmp_path, cache_home, compiles, monkeypatch):
    site = make_site(tmp_path / "s", BASIC)
    fresh_build(site, tmp_path / "one")
    folder = cache_home / "briefgen" / "templates"
    kept = {p.name: p.read_bytes() for p in folder.iterdir()}
    monkeypatch.setattr(cache, "_CODE", b"another version of briefgen")
    compiles.clear()
    fresh_build(site, tmp_path / "two")
    assert "base.html" in compiles and "brief.html" in compiles
    again = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert again.keys() == kept.keys()  # the same files, replaced: the folder does not grow with upgrades
    assert all(again[name] != kept[name] for name in kept)
    compiles.clear()
    fresh_build(site, tmp_path / "three")
    assert compiles == []


def test_a_template_loaded_compiled_still_tells_whether_it_shows_a_brief_body_verbatim(tmp_path, cache_home, compiles):
    """Patching after body edits (briefgen.marks.body_verbatim) reads the verdict that compiling the
    template recorded, also when a later build loads it compiled."""
    altered = "{% extends 'base.html' %}{% block main %}{{ brief.html | safe | upper }}{% endblock %}\n"
    for template, verdict in ((None, True), (altered, False)):
        overrides = {"templates/brief.html": template} if template else {}
        site = make_site(tmp_path / f"s{verdict}", {**BASIC, **overrides})
        for n in range(2):
            compiles.clear()
            fresh_build(site, tmp_path / f"out{verdict}{n}")
            assert bool(compiles) is (n == 0)  # then loaded compiled
            env = next(iter(writer._ENVIRONMENTS.values()))
            assert marks.body_verbatim(env) is verdict
            assert env.get_template("brief.html").body_verbatim is verdict


def test_a_changed_template_is_compiled_again(tmp_path, cache_home, compiles):
    site = make_site(tmp_path / "s", {**BASIC, "templates/tags.html": "{% extends 'base.html' %}{% block main %}"
                                                                      "<p class='v'>one</p>{% endblock %}\n"})
    out = fresh_build(site, tmp_path / "out")
    assert parse_html(out / "tags/index.html").find("p", cls="v").text() == "one"
    (site / "templates/tags.html").write_text(
        "{% extends 'base.html' %}{% block main %}<p class='v'>two</p>{% endblock %}\n", encoding="utf-8")
    compiles.clear()
    out = fresh_build(site, tmp_path / "out")
    assert parse_html(out / "tags/index.html").find("p", cls="v").text() == "two"
    assert compiles == ["tags.html"]  # the theme's own templates were loaded compiled


@pytest.mark.parametrize("damage", [
    lambda data: b"",
    lambda data: b"not a compiled template",
    lambda data: data[:len(bc_magic)] + b"\x80\x05junk",  # Jinja's header, then no checksum
    lambda data: data[:len(data) // 2],  # the header and the checksum intact, the code cut short
])
def test_damaged_compiled_templates_are_compiled_again(tmp_path, cache_home, compiles, damage):
    site = make_site(tmp_path / "s", BASIC)
    first = fresh_build(site, tmp_path / "one")
    folder = cache_home / "briefgen" / "templates"
    for path in folder.iterdir():
        path.write_bytes(damage(path.read_bytes()))
    compiles.clear()
    second = fresh_build(site, tmp_path / "two")
    assert files(second) == files(first)
    assert "base.html" in compiles
    compiles.clear()
    fresh_build(site, tmp_path / "three")
    assert compiles == []  # the damaged files were replaced


def test_a_one_off_build_neither_reads_nor_writes_compiled_templates(tmp_path, cache_home, compiles):
    site = make_site(tmp_path / "s", BASIC)
    fresh_build(site, tmp_path / "one", "--no-cache")
    assert not (cache_home / "briefgen").exists()
    fresh_build(site, tmp_path / "two")
    compiles.clear()
    fresh_build(site, tmp_path / "three", "--no-cache")
    assert "base.html" in compiles


def test_a_folder_others_may_write_to_or_that_is_not_a_folder_is_not_used(tmp_path, cache_home, monkeypatch):
    assert compiled_templates_folder() == cache_home / "briefgen" / "templates"
    if os.name != "nt":
        (cache_home / "briefgen").chmod(0o777)
        assert compiled_templates_folder() is None
        (cache_home / "briefgen").chmod(0o700)
        (cache_home / "briefgen" / "templates").chmod(0o722)
        assert compiled_templates_folder() is None
        (cache_home / "briefgen" / "templates").rmdir()
        (cache_home / "briefgen" / "templates").symlink_to(tmp_path)
        assert compiled_templates_folder() is None
        (cache_home / "briefgen" / "templates").unlink()
    (cache_home / "briefgen" / "templates").write_text("a file", encoding="utf-8")
    assert compiled_templates_folder() is None
    site = make_site(tmp_path / "s", BASIC)
    out = fresh_build(site, tmp_path / "out")  # compiles every template, as --no-cache does
    assert (out / "index.html").is_file()
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # ignored, as the XDG specification says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert compiled_templates_folder() == tmp_path / "home" / ".cache" / "briefgen" / "templates"


def test_compiled_templates_that_cannot_be_written_are_no_error(tmp_path, cache_home, compiles, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", refuse)
    site = make_site(tmp_path / "s", BASIC)
    out = fresh_build(site, tmp_path / "out")
    assert (out / "briefs/meeting/index.html").is_file()
    assert list((cache_home / "briefgen" / "templates").iterdir()) == []


def test_a_template_loaded_compiled_is_named_in_its_errors_as_when_compiled(tmp_path, cache_home, compiles):
    broken = "{% extends 'base.html' %}\n{% block main %}\n{{ page.title | length // 0 }}\n{% endblock %}\n"
    site = make_site(tmp_path / "s", {**BASIC, "templates/tags.html": broken})
    errors = []
    for _ in range(2):
        writer._ENVIRONMENTS.clear()
        code, _, err = run_cli("build", site, "--out", tmp_path / "out")
        assert code == 1 and "Traceback" not in err
        errors.append(err)
    assert compiles.count("tags.html") == 1  # the second build loaded it compiled
    assert re.search(r"^templates/tags\.html:3:1: error: template error while rendering tags/index\.html", errors[0],
                     re.M), errors[0]
    assert errors[1] == errors[0]
