"""Incremental builds (issue 9): whatever the cache, the workers and the order of
edits, a build makes exactly the files (bytes) a cold build into a fresh folder
makes; unchanged files keep their modification time; the cache is safe to
delete, damage or plant. No timing is asserted here (see docs/performance.md)."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest

from briefgen import cache as cache_module
from briefgen.build import BuildOptions, BuildResult, build, check
from briefgen.cache import CACHE_DIR, cache_folder
from briefgen.diagnostics import ContentError

from .conftest import BASIC, make_site, run_cli

BRIEF = "content/briefs/2025-12-01-meeting.md"

SITE = {
    **BASIC,
    "content/briefs/2025-11-30-call.md": """
        ---
        title: Trump and Maduro speak by phone
        date: 2025-11-30
        summary: A call between the two presidents.
        tags: [venezuela, diplomacy]
        people: [donald-trump, nicolas-maduro]
        claims:
          - text: The call lasted fifteen minutes.
            status: disputed
            note: See [[oval-meeting]] for what followed.
        ---
        Maduro and Trump spoke. The [[oval-meeting]] came the next day; [[washington]] hosted it.
    """,
    "content/people/marco-rubio.md": """
        ---
        name: Marco Rubio
        aliases: [Rubio]
        serves: Donald Trump
        ---
        Secretary of State. He met [[donald-trump]] often.
    """,
    "static/robots-extra.txt": "static file\n",
    "static/docs/guide.txt": "a guide\n",
}


def files(root: Path) -> dict[str, bytes]:
    """Every file of a built site, by relative path."""
    out = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            out[path.relative_to(root).as_posix()] = path.read_bytes()
    return out


def folders(root: Path) -> set[str]:
    return {Path(f).relative_to(root).as_posix() for f, _, _ in os.walk(root)}


def mtimes(root: Path) -> dict[str, int]:
    return {rel: (root / rel).stat().st_mtime_ns for rel in files(root)}


def run(site: Path, out: Path, jobs: int = 1, **options) -> BuildResult:
    return build(BuildOptions(site, out_dir=out, jobs=jobs, progress=False, **options))


def cold(site: Path, tmp_path: Path, jobs: int = 1, **options) -> Path:
    """A cold build: a fresh folder, no cache. Returns the folder."""
    fresh = tmp_path / f"cold-{len(list(tmp_path.glob('cold-*')))}" / "out"
    run(site, fresh, jobs, **options)
    return fresh


def assert_same_as_cold(site: Path, out: Path, tmp_path: Path, jobs: int = 1, **options) -> None:
    fresh = cold(site, tmp_path, jobs, **options)
    built, expected = files(out), files(fresh)
    assert sorted(built) == sorted(expected), "a different set of files than a cold build"
    differ = [rel for rel in built if built[rel] != expected[rel]]
    assert not differ, f"files differ from a cold build: {differ[:10]}"
    assert folders(out) == folders(fresh), "a different set of folders (an empty one left behind?)"


@pytest.fixture
def site(tmp_path) -> Path:
    return make_site(tmp_path / "src", SITE)


@pytest.fixture
def out(tmp_path, site) -> Path:
    out = tmp_path / "pub" / "out"
    run(site, out)
    return out


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


# --- each kind of change gives what a cold build gives ---------------------------------------------------

CHANGES = {
    "brief body": lambda s: edit(s / BRIEF, "See [[oval-meeting]].", "See [[oval-meeting]]. Rubio was there."),
    "brief title": lambda s: edit(s / BRIEF, "Trump summons security chiefs", "Security chiefs summoned"),
    "brief date (reorders lists)": lambda s: edit(s / BRIEF, "date: 2025-12-01", "date: 2025-11-01"),
    "brief renamed": lambda s: (s / BRIEF).rename(s / "content/briefs/2025-12-01-summons.md"),
    "brief deleted": lambda s: (s / "content/briefs/2025-11-30-call.md").unlink(),
    "brief added": lambda s: (s / "content/briefs/2025-12-02-new.md").write_text(
        "---\ntitle: A new brief\ndate: 2025-12-02\nsummary: New.\ntags: [fresh]\npeople: [marco-rubio]\n---\n"
        "Marco Rubio speaks.\n", encoding="utf-8"),
    "brief made a draft": lambda s: edit(s / BRIEF, "date: 2025-12-01", "date: 2025-12-01\ndraft: true"),
    "entity renamed (name)": lambda s: edit(s / "content/people/nicolas-maduro.yaml", "Nicolás Maduro",
                                            "Nicolás Maduro Moros"),
    "entity a fact names renamed": lambda s: edit(s / "content/people/donald-trump.yaml", "Donald Trump",
                                                  "Donald J. Trump"),
    "entity alias added": lambda s: edit(s / "content/people/marco-rubio.md", "[Rubio]", "[Rubio, Marco]"),
    "entity file renamed (id)": lambda s: (s / "content/events/oval-meeting.yaml").rename(
        s / "content/events/oval-office-meeting.yaml"),
    "entity deleted": lambda s: (s / "content/places/washington.yaml").unlink(),
    "entity body edited": lambda s: edit(s / "content/people/marco-rubio.md", "often.", "often, in 2025."),
    "entity body emptied": lambda s: (s / "content/people/marco-rubio.md").write_text(
        (s / "content/people/marco-rubio.md").read_text(encoding="utf-8").rsplit("---\n", 1)[0] + "---\n",
        encoding="utf-8"),
    "config changed": lambda s: edit(s / "briefgen.yaml", "Test Briefing", "Renamed Briefing"),
    "base_url changed": lambda s: edit(s / "briefgen.yaml", "https://example.org/briefs/", "https://x.example/"),
    "template overridden": lambda s: make_site(s, {"templates/404.html": "<p>lost: {{ page.title }}</p>\n"}),
    "static file changed": lambda s: (s / "static/robots-extra.txt").write_text("changed\n"),
    "static file removed": lambda s: (s / "static/robots-extra.txt").unlink(),
    "static folder replaced by a file": lambda s: (shutil.rmtree(s / "static/docs"),
                                                   (s / "static/docs").write_text("now a file\n")),
    "static file replaced by a folder": lambda s: ((s / "static/robots-extra.txt").unlink(),
                                                   make_site(s, {"static/robots-extra.txt/a.txt": "inside\n"})),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_change_then_a_rebuild_gives_what_a_cold_build_gives(site, out, tmp_path, change):
    CHANGES[change](site)
    run(site, out)
    assert_same_as_cold(site, out, tmp_path)


def test_a_series_of_changes_with_two_workers(site, out, tmp_path):
    for change in ("brief title", "entity renamed (name)", "brief added", "brief deleted", "config changed"):
        CHANGES[change](site)
        run(site, out, jobs=2)
        assert_same_as_cold(site, out, tmp_path, jobs=1)


def test_a_change_undone_gives_the_first_output_back(site, out, tmp_path):
    before = files(out)
    text = (site / BRIEF).read_text()
    CHANGES["brief title"](site)
    run(site, out)
    (site / BRIEF).write_text(text)
    run(site, out)
    assert files(out) == before


@pytest.mark.parametrize("folder", ["static", "templates"])
def test_an_edit_inside_a_symlinked_folder_is_seen(tmp_path, folder):
    """A folder of static/ or templates/ that is a symlink (within the site) is walked for changes, as the build
    reads it: an edit to a file in it is built. A symlink loop in either folder is no endless walk."""
    site = make_site(tmp_path / "src", {
        **SITE, "vendor/x.css": "v1\n", "vendor/part.html": "<p>part v1</p>\n",
        "templates/tags.html": '{% extends "base.html" %}{% block main %}{% include "vendor/part.html" %}'
                               '{% endblock %}\n'})
    (site / folder).mkdir(exist_ok=True)
    (site / folder / "vendor").symlink_to("../vendor")
    (site / folder / "loop").symlink_to(".")
    out = tmp_path / "pub" / "out"
    if folder == "static":
        (site / "templates/tags.html").unlink()
    code, _, err = run_cli("build", site, "--out", out, "-q")
    assert code == 0, err
    (site / "vendor/x.css").write_text("v2\n")
    (site / "vendor/part.html").write_text("<p>part v2</p>\n")
    code, _, err = run_cli("build", site, "--out", out, "-q")
    assert code == 0, err
    if folder == "static":
        assert (out / "vendor/x.css").read_text() == "v2\n"
    else:
        assert "part v2" in (out / "tags/index.html").read_text()
    assert_same_as_cold(site, out, tmp_path)


# --- what is written, what is kept ------------------------------------------------------------------------

def test_a_rebuild_with_no_change_writes_nothing_and_keeps_every_mtime(site, out):
    before = mtimes(out)
    result = run(site, out)
    assert result.pages_written == 0
    assert result.pages_unchanged == len(before)
    assert mtimes(out) == before


def test_a_body_edit_rewrites_only_the_files_that_show_it(site, out):
    before = mtimes(out)
    CHANGES["brief body"](site)
    result = run(site, out)
    assert "briefs/meeting/index.html" in result.changed
    assert not [p for p in result.changed if not (p.startswith(("briefs/meeting/", "search/")))], result.changed
    after = mtimes(out)
    kept = [rel for rel in before if rel not in result.changed]
    assert kept and all(after[rel] == before[rel] for rel in kept)


def test_files_added_to_the_output_by_hand_are_removed_and_deleted_ones_come_back(site, out, tmp_path):
    (out / "stray.html").write_text("not ours")
    (out / "briefs/meeting/index.html").unlink()
    run(site, out)
    assert_same_as_cold(site, out, tmp_path)


# --- workers -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("jobs", [2, 3])
def test_workers_give_the_same_bytes_as_one_process(site, tmp_path, jobs):
    one = files(cold(site, tmp_path, jobs=1))
    assert files(cold(site, tmp_path, jobs=jobs)) == one


def test_workers_give_the_same_bytes_on_a_larger_site(tmp_path):
    """Enough pages for every worker to take several chunks."""
    spec = dict(SITE)
    for i in range(120):
        spec[f"content/briefs/2025-10-{1 + i % 28:02d}-b{i}.md"] = (
            f"---\ntitle: Brief {i}\ndate: 2025-10-{1 + i % 28:02d}\nsummary: Number {i}.\ntags: [t{i % 7}]\n"
            f"people: [donald-trump{', marco-rubio' if i % 3 else ''}]\n---\nDonald Trump and Rubio, {i}.\n")
    site = make_site(tmp_path / "big", spec)
    one = files(cold(site, tmp_path, jobs=1))
    assert files(cold(site, tmp_path, jobs=2)) == one
    out = tmp_path / "inc" / "out"
    run(site, out, jobs=2)
    edit(site / "content/briefs/2025-10-05-b4.md", "title: Brief 4", "title: Brief four")
    run(site, out, jobs=2)
    assert_same_as_cold(site, out, tmp_path)


# --- the cache is safe to delete, damage, plant or leave behind -----------------------------------------

def test_deleting_the_cache_gives_a_full_build(site, out, tmp_path):
    shutil.rmtree(cache_folder(site, out))
    CHANGES["brief title"](site)
    result = run(site, out)
    assert result.pages_unchanged == 0
    assert_same_as_cold(site, out, tmp_path)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_build_without_the_cache_makes_the_same_files_and_no_cache(site, tmp_path, jobs):
    """``briefgen build --no-cache`` (a one-off build, as in CI): the bytes of a cold build, and no cache folder."""
    from .conftest import run_cli

    out = tmp_path / "ci" / "site"
    code, stdout, stderr = run_cli("build", site, "--out", out, "--no-cache", "--jobs", str(jobs))
    assert code == 0, stderr
    assert "files written, 0 unchanged" in stdout
    assert files(out) == files(cold(site, tmp_path))
    assert sorted(p.name for p in out.parent.iterdir()) == ["site"]  # no .briefgen-cache beside it


def test_a_build_without_the_cache_drops_the_manifest_the_next_build_would_trust(site, out, tmp_path):
    """A --no-cache build changes the output without recording it: the manifest of the build before is
    dropped, so the next build is a full one and right, instead of trusting a stale description."""
    CHANGES["brief title"](site)
    run(site, out, cache=False)
    assert_same_as_cold(site, out, tmp_path)
    folder = cache_folder(site, out)
    assert not (folder / "state.pickle").exists() and not (folder / "edits.pickle").exists()
    CHANGES["entity renamed (name)"](site)
    result = run(site, out)
    assert result.pages_unchanged == 0
    assert_same_as_cold(site, out, tmp_path)
    CHANGES["brief body"](site)
    run(site, out)  # and the cache works again from there
    assert_same_as_cold(site, out, tmp_path)


@pytest.mark.parametrize("name", ["parsed.pickle", "markdown.pickle", "state.pickle"])
def test_a_damaged_cache_file_is_ignored(site, out, tmp_path, name):
    (cache_folder(site, out) / name).write_bytes(b"\x80\x05not a pickle")
    CHANGES["brief title"](site)
    run(site, out)
    assert_same_as_cold(site, out, tmp_path)


def test_a_planted_cache_cannot_run_code(site, out, tmp_path):
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    for name in ("parsed.pickle", "markdown.pickle", "state.pickle"):
        (cache_folder(site, out) / name).write_bytes(pickle.dumps((1, b"", Evil())))
    run(site, out)
    assert not marker.exists()
    assert_same_as_cold(site, out, tmp_path)


@pytest.mark.parametrize("data", [(1, b"", 42), (1, b"", {"x": (1, 2)}), (1, b"", ("k", (1, 2, 3, 4))), (2, 3)])
def test_a_cache_file_of_the_wrong_shape_is_ignored(site, out, tmp_path, data):
    cache_module.forget(out)
    for name in ("parsed.pickle", "markdown.pickle", "state.pickle"):
        (cache_folder(site, out) / name).write_bytes(pickle.dumps(data))
    CHANGES["brief title"](site)
    run(site, out)
    assert_same_as_cold(site, out, tmp_path)


def test_a_cache_of_another_configuration_is_not_used(site, out, tmp_path):
    CHANGES["config changed"](site)
    run(site, out)
    edit(site / "briefgen.yaml", "Renamed Briefing", "Test Briefing")
    run(site, out)
    assert_same_as_cold(site, out, tmp_path)


def test_an_edit_right_after_a_build_with_the_same_size_and_mtime_is_seen(site, out, tmp_path):
    path = site / BRIEF
    st = path.stat()
    edit(path, "Trump summons security chiefs", "Trump summons security CHIEFS")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size, same mtime as the cached entry
    assert path.stat().st_size == st.st_size
    run(site, out)
    assert b"security CHIEFS" in (out / "briefs/meeting/index.html").read_bytes()
    assert_same_as_cold(site, out, tmp_path)


def test_check_reads_the_cache_but_writes_nothing(site, out):
    before = {p: p.stat().st_mtime_ns for p in (cache_folder(site, out)).iterdir()}
    CHANGES["brief title"](site)
    (site / "briefgen.yaml").write_text((site / "briefgen.yaml").read_text() + f"output_dir: {out}\n")
    assert check(site) == []
    assert {p: p.stat().st_mtime_ns for p in (cache_folder(site, out)).iterdir()} == before


# --- diagnostics and --strict are the same from the cache ------------------------------------------------

def test_warnings_come_back_from_the_cache_and_strict_still_fails(site, out):
    edit(site / BRIEF, "See [[oval-meeting]].", "See [[nowhere]].")
    first = run(site, out)
    assert any("[[nowhere]]" in d.message for d in first.diagnostics)
    again = run(site, out)
    assert again.pages_written == 0
    assert again.diagnostics == first.diagnostics
    with pytest.raises(ContentError):
        run(site, out, strict=True)


def test_a_failed_build_leaves_the_cache_as_it_was(site, out):
    before = {p.name: p.read_bytes() for p in (cache_folder(site, out)).iterdir()}
    (site / "content/people/bad.yaml").write_text("name: [not, text]\n")
    with pytest.raises(ContentError):
        run(site, out)
    assert {p.name: p.read_bytes() for p in (cache_folder(site, out)).iterdir()} == before


# --- one long-lived process (briefgen serve) -------------------------------------------------------------

def test_repeated_builds_in_one_process_follow_every_change(site, tmp_path):
    out = tmp_path / "serve" / "out"
    run(site, out)
    for change in ("brief body", "entity alias added", "brief renamed", "template overridden", "entity deleted"):
        CHANGES[change](site)
        run(site, out)
        assert_same_as_cold(site, out, tmp_path)
    cache_module.forget(out)


def test_a_body_edit_in_one_process_reuses_the_resolved_site(site, tmp_path, monkeypatch):
    from briefgen import build as build_module

    out = tmp_path / "serve" / "out"
    run(site, out)
    calls = []
    real = build_module.resolve_site
    monkeypatch.setattr(build_module, "resolve_site", lambda *a, **k: calls.append(1) or real(*a, **k))
    for change, resolved in (("brief body", False), ("entity body edited", False), ("brief title", True)):
        CHANGES[change](site)
        calls.clear()
        run(site, out, jobs=2)
        assert bool(calls) == resolved, f"{change}: resolved again: {bool(calls)}"
        assert_same_as_cold(site, out, tmp_path)
    cache_module.forget(out)


@pytest.mark.parametrize("process", ["serve", "command line"])
def test_body_edits_one_after_another_warn_of_nothing(site, tmp_path, process):
    """The theme's static files, kept from the build before, are still the theme's own on the next
    edit: not files that a generated page keeps out (serve warned of each from its second edit)."""
    out = tmp_path / "pub" / "out"
    assert run(site, out).diagnostics == []
    for n in range(3):
        edit(site / BRIEF, "See [[oval-meeting]].", f"See [[oval-meeting]]. Edit {n}.")
        if process == "command line":
            new_process(out)
        result = run(site, out, session=process == "serve")
        assert result.diagnostics == [], f"edit {n}: {[d.format() for d in result.diagnostics]}"
        assert "briefs/meeting/index.html" in result.changed
        site_edit = f"Edit {n}."
        assert site_edit in (out / "briefs/meeting/index.html").read_text(encoding="utf-8")
    assert_same_as_cold(site, out, tmp_path)
    new_process(out)


def new_process(out: Path) -> None:
    """Forget what this process keeps for ``out``, as a new ``briefgen build`` would start."""
    from briefgen import session

    session._KEPT.pop(out.resolve(), None)
    cache_module.forget(out)


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("process", ["serve", "command line"])
def test_a_body_edit_renders_only_the_pages_that_show_it(site, tmp_path, monkeypatch, jobs, process):
    """No walk over the site's pages: the edited brief's or entity's page and the search index.
    serve reuses its kept site; a new process has none, but the cache tells that only bodies
    changed, so the site is loaded and resolved and still only those pages are rendered."""
    from briefgen import render as render_module

    def next_build() -> None:
        if process == "command line":
            new_process(out)
        walks.clear()

    out = tmp_path / "pub" / "out"
    run(site, out, jobs=jobs)
    walks = []
    real = render_module.site_pages
    monkeypatch.setattr(render_module, "site_pages", lambda *a, **k: walks.append(1) or real(*a, **k))
    for change, page in (("brief body", "briefs/meeting/index.html"),
                         ("entity body edited", "people/marco-rubio/index.html")):
        CHANGES[change](site)
        next_build()
        result = run(site, out, jobs=jobs)
        assert not walks, f"{change}: walked every page"
        assert page in result.changed
        assert all(rel == page or rel.startswith("search/") for rel in result.changed), result.changed
        assert_same_as_cold(site, out, tmp_path)
    for change in ("brief title", "brief body"):  # front matter: every page is walked; then a body again
        CHANGES[change](site)
        next_build()
        run(site, out, jobs=jobs)
        assert bool(walks) == (change == "brief title"), change
        assert_same_as_cold(site, out, tmp_path)
    (out / "index.html").unlink()  # the output lost a file: every page is walked and it comes back
    edit(site / BRIEF, "Rubio was there.", "Rubio was there too.")
    next_build()
    run(site, out, jobs=jobs)
    assert walks and (out / "index.html").is_file()
    assert_same_as_cold(site, out, tmp_path)
    new_process(out)


def test_an_error_in_a_worker_is_reported_and_the_output_left_as_it_was(tmp_path):
    spec = dict(SITE)
    for i in range(150):
        spec[f"content/people/p{i}.yaml"] = f"name: Person {i}\n"
    site = make_site(tmp_path / "big", spec)
    out = tmp_path / "pub" / "out"
    run(site, out, jobs=2)
    before = {rel: data for rel, data in files(out).items()}
    # Entity pages come late in the site's order, so with two processes the failure may be in either.
    make_site(site, {"templates/entity.html": "{{ entity.no_such_field.oops }}\n"})
    with pytest.raises(ContentError) as failure:
        run(site, out, jobs=2)
    assert "templates/entity.html" in failure.value.diagnostics[0].path
    assert files(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["out"]  # no staging folder left


SECRET = {**SITE, "content/briefs/2025-12-09-secret.md":
          "---\ntitle: Embargoed\ndate: 2025-12-09\nsummary: Secret plan.\ndraft: true\n---\nUnder embargo.\n"}


def _secret_anywhere(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.is_file() and (b"Embargoed" in p.read_bytes() or b"embargo" in p.read_bytes()))


def test_the_cache_of_the_default_output_is_in_the_site_folder_never_in_the_output(tmp_path):
    """The cache holds every parsed file, drafts included: it must never be published with the site."""
    site = make_site(tmp_path / "src", SECRET)
    out = site / "site"
    run(site, out)
    run(site, out)
    assert not (out / CACHE_DIR).exists() and not _secret_anywhere(out)
    assert (site / CACHE_DIR / "site" / "parsed.pickle").is_file()
    assert cache_folder(site, out) == site / CACHE_DIR / "site"


def test_a_nested_output_keeps_its_cache_out_of_the_folders_it_is_in(tmp_path):
    """``--out public/en``: ``public/`` is what gets uploaded, so the cache is not beside ``en/`` but in the
    site folder's ``.briefgen-cache/``, under the output's path made one name."""
    from .conftest import run_cli

    site = make_site(tmp_path / "src", SECRET)
    for _ in range(2):
        code, _, stderr = run_cli("build", site, "--out", site / "public" / "en")
        assert code == 0, stderr
    assert sorted(p.name for p in (site / "public").iterdir()) == ["en"]
    assert not _secret_anywhere(site / "public")
    assert (site / CACHE_DIR / "public%2Fen" / "parsed.pickle").is_file()
    assert "0 files written" in run_cli("build", site, "--out", site / "public" / "en")[1]  # and it is used


def test_an_output_outside_the_site_folder_keeps_its_cache_in_the_users_cache_folder(tmp_path, user_cache):
    """An output elsewhere (a web server's document root, say): nothing beside it; the cache is in the user's
    cache folder, named by the output's name and a digest of its path, so two outputs never share one."""
    site = make_site(tmp_path / "src", SECRET)
    docroot = tmp_path / "www"
    run(site, docroot / "briefs")
    run(site, docroot / "news")
    assert sorted(p.name for p in docroot.iterdir()) == ["briefs", "news"]
    assert not _secret_anywhere(docroot) and not (site / CACHE_DIR).exists()
    folders = [cache_folder(site, docroot / name) for name in ("briefs", "news")]
    assert [f.parent for f in folders] == [user_cache / "briefgen" / "builds"] * 2
    assert folders[0].name.startswith("briefs@") and folders[1].name.startswith("news@")
    assert all((f / "parsed.pickle").is_file() for f in folders)


def test_a_cache_an_earlier_version_kept_beside_the_output_is_removed(tmp_path):
    """Earlier versions kept the cache beside the output (``public/.briefgen-cache/en/``, published with
    ``public/``): a build removes its files, and nothing else."""
    site = make_site(tmp_path / "src", SECRET)
    old = site / "public" / CACHE_DIR / "en"
    old.mkdir(parents=True)
    for name in ("parsed.pickle", "state.pickle", "markdown.pickle.next"):
        (old / name).write_bytes(b"Embargoed")
    run(site, site / "public" / "en")
    assert sorted(p.name for p in (site / "public").iterdir()) == ["en"]
    assert not _secret_anywhere(site / "public")
    (old / "notes.txt").parent.mkdir(parents=True)
    (old / "notes.txt").write_text("mine")  # not a cache file: kept, and so is its folder
    (old / "parsed.pickle").write_bytes(b"Embargoed")
    run(site, site / "public" / "en")
    assert sorted(p.name for p in old.iterdir()) == ["notes.txt"]




def test_a_cache_folder_that_is_a_file_is_a_clear_error_and_no_matter_without_the_cache(tmp_path):
    from .conftest import run_cli

    site = make_site(tmp_path / "src", SITE)
    (site / CACHE_DIR).mkdir()
    (site / CACHE_DIR / "site").write_text("not a folder")
    code, _, stderr = run_cli("build", site, "--no-cache")
    assert code == 0, stderr
    code, _, stderr = run_cli("build", site)
    assert code == 2 and "Traceback" not in stderr
    assert f"the build cache folder {site / CACHE_DIR / 'site'} is not a folder: delete it" in stderr
