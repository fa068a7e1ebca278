"""Output safety: a failed, interrupted or killed build leaves the previous output
byte-identical; `build` refuses output folders it must never replace; output is
deterministic (other folder, other PYTHONHASHSEED).

The filesystem root and the home folder are tested through the path check itself
(`output.check_output_dir`), never by running a build that could replace them."""

from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from briefgen import build as build_module
from briefgen import output, render, writer
from briefgen.build import BuildOptions, build
from briefgen.cache import CACHE_DIR, cache_folder
from briefgen.diagnostics import UsageError

from .conftest import BASIC, REPO, make_site, run_cli

NOT_SITE = {CACHE_DIR}  # not part of the published site (outputs of older versions held their cache)


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file (bytes) and folder (None) under ``root``, by relative path; symlinks are not followed."""
    tree: dict[str, bytes | None] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames:
            tree[os.path.relpath(os.path.join(dirpath, name), root)] = None
        for name in filenames:
            path = os.path.join(dirpath, name)
            with open(path, "rb") as f:
                tree[os.path.relpath(path, root)] = f.read()
    return tree


def site_files(root: Path) -> dict[str, bytes | None]:
    return {k: v for k, v in snapshot(root).items() if k.split(os.sep)[0] not in NOT_SITE}


@pytest.fixture
def built(tmp_path) -> tuple[Path, Path, dict]:
    """A site built once into ``tmp_path/pub/out`` (alone in its parent folder), and a snapshot of it.
    The site is then edited, so any later build that got through would change the output."""
    site = make_site(tmp_path / "src", BASIC)
    out = tmp_path / "pub" / "out"
    code, _, err = run_cli("build", site, "--out", out, "-q")
    assert code == 0, err
    before = snapshot(out)
    brief = site / "content/briefs/2025-12-01-meeting.md"
    brief.write_text(brief.read_text().replace("Trump summons security chiefs", "A CHANGED TITLE"))
    return site, out, before


def assert_untouched(out: Path, before: dict) -> None:
    assert snapshot(out) == before, "the previous output was changed"
    leftovers = sorted(p.name for p in out.parent.iterdir() if p != out and p.name != CACHE_DIR)
    assert not leftovers, f"temporary folders left beside the output: {leftovers}"


# --- a failure late in the build -------------------------------------------------------------------

def _fail_on_last_page(monkeypatch, pages: int, error: BaseException) -> list[int]:
    """Make the renderer raise ``error`` on page number ``pages`` (the last one)."""
    real = render.render_page
    calls = [0]

    def render_page(*args, **kwargs):
        calls[0] += 1
        if calls[0] == pages:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(render, "render_page", render_page)
    if hasattr(build_module, "render_page"):
        monkeypatch.setattr(build_module, "render_page", render_page)
    return calls


def _page_count(monkeypatch, site: Path, out: Path, tmp_path: Path) -> int:
    """How many pages a build into ``out`` renders: builds are incremental, so count them in a copy
    of ``out`` (with its build cache), where the same pages are out of date."""
    copy = tmp_path / "count" / out.name
    shutil.copytree(out, copy, symlinks=True)
    shutil.copytree(cache_folder(site, out), cache_folder(site, copy))
    calls = _fail_on_last_page(monkeypatch, -1, RuntimeError())
    build(BuildOptions(site, out_dir=copy, jobs=1, progress=False))
    monkeypatch.undo()
    assert calls[0] > 10, "render_page is not how pages are rendered any more: move the injected failure"
    return calls[0]


@pytest.mark.parametrize("error", [RuntimeError("injected failure"), KeyboardInterrupt()],
                         ids=["exception", "ctrl-c"])
def test_late_failure_leaves_previous_output_byte_identical(built, tmp_path, monkeypatch, error):
    site, out, before = built
    pages = _page_count(monkeypatch, site, out, tmp_path)
    calls = _fail_on_last_page(monkeypatch, pages, error)
    with pytest.raises(type(error)):
        build(BuildOptions(site, out_dir=out, jobs=1, progress=False))
    assert calls[0] == pages
    assert_untouched(out, before)


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), KeyboardInterrupt()],
                         ids=["disk-full", "ctrl-c"])
def test_failure_while_writing_leaves_previous_output(built, monkeypatch, error):
    site, out, before = built
    real = writer._keep_or_write
    calls = [0]

    def keep_or_write(*args, **kwargs):  # the real build's file writer fails on its third file
        calls[0] += 1
        if calls[0] == 3:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(writer, "_keep_or_write", keep_or_write)
    with pytest.raises(type(error)):
        build(BuildOptions(site, out_dir=out, jobs=1, progress=False))
    assert calls[0] == 3
    assert_untouched(out, before)


def test_failure_in_the_swap_puts_the_previous_output_back(built, monkeypatch):
    site, out, before = built
    real = os.replace
    failed = []

    def replace(src, dst, *args, **kwargs):
        if Path(dst) == out.resolve() and not failed:  # the new tree moving into place
            failed.append(src)
            raise OSError(16, "Device or resource busy")
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError):
        build(BuildOptions(site, out_dir=out, jobs=1, progress=False))
    assert failed
    assert_untouched(out, before)


def test_content_errors_write_nothing(built):
    site, out, before = built
    (site / "content/people/bad.yaml").write_text("name: [not, text]\n")
    code, _, err = run_cli("build", site, "--out", out)
    assert code == 1
    assert "content/people/bad.yaml:1:7: error: 'name' must be text, not a list" in err
    assert "nothing was written" in err
    assert_untouched(out, before)


KILL_SCRIPT = r"""
import sys, time
from briefgen import writer
from briefgen.cli import main

real = writer._write_file
count = [0]

def write_file(path, data):
    count[0] += 1
    if count[0] == 10:
        print("MID-WRITE", flush=True)
        time.sleep(120)
    return real(path, data)

writer._write_file = write_file
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_build_killed_mid_write_leaves_previous_output(built):
    site, out, before = built
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, "build", str(site), "--out", str(out), "-q",
                             "-j", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO)
    try:
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        line = proc.stdout.readline() if ready else b""
        assert line.strip() == b"MID-WRITE", (
            "the build never reached its 10th file write; " + proc.stderr.read().decode()[-2000:]
            if proc.poll() is not None else "timed out waiting for the build to write")
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    assert snapshot(out) == before, "the killed build changed the previous output"
    # The next build still works (whatever the killed one left beside the output) and replaces it.
    code, _, err = run_cli("build", site, "--out", out, "-q")
    assert code == 0, err
    assert b"A CHANGED TITLE" in (out / "briefs/meeting/index.html").read_bytes()


# --- refused output folders ----------------------------------------------------------------------

def refused(site: Path, out: Path | str, *extra: str) -> str:
    code, stdout, err = run_cli("build", site, "--out", out, *extra)
    assert code == 2, stdout + err
    assert "Traceback" not in err
    assert err.startswith("briefgen: error: refusing") or "output path" in err, err
    return err


@pytest.fixture
def nested(tmp_path) -> tuple[Path, Path]:
    """A site in ``tmp_path/parent/site`` with a sentinel beside it."""
    parent = tmp_path / "parent"
    site = make_site(parent / "site", BASIC)
    (parent / "sentinel.txt").write_text("keep me")
    return parent, site


def test_refuses_the_site_folder_itself(nested):
    parent, site = nested
    before = snapshot(parent)
    assert "the site folder itself" in refused(site, site)
    assert "the site folder itself" in refused(site, site / "content" / "..")
    assert snapshot(parent) == before


def test_refuses_an_ancestor_of_the_site(nested):
    parent, site = nested
    before = snapshot(parent)
    assert "a folder that holds the site folder" in refused(site, parent)
    assert "a folder that holds the site folder" in refused(site, parent.parent)
    (site / "briefgen.yaml").write_text("output_dir: ..\n")  # the same through the configuration, where it is written
    (parent / "site" / "site").mkdir()  # (not the folder a build falls back to: nothing is touched)
    (parent / "site" / "site" / "notes.txt").write_text("mine")
    for command in ("build", "check"):
        code, _, err = run_cli(command, site)
        assert code == 1 and err.startswith("briefgen.yaml:1:13: error: output_dir '..' is a folder that holds the "
                                            "site folder (build into a folder of its own, e.g. output_dir: site)"), err
    assert snapshot(parent) == {**before, "site/briefgen.yaml": b"output_dir: ..\n", "site/site": None,
                                "site/site/notes.txt": b"mine"}


@pytest.mark.parametrize("holds", ["content", "briefgen.yaml"])
def test_refuses_a_folder_that_holds_a_site(tmp_path, nested, holds):
    _, site = nested
    other = tmp_path / "other"
    other.mkdir()
    if holds == "content":
        (other / "content").mkdir()
    else:
        (other / holds).write_text("title: x\n")
    (other / output.MARKER).write_text("")  # even with the marker: a site folder is never replaced
    before = snapshot(other)
    assert "holds content/ or briefgen.yaml" in refused(site, other)
    assert snapshot(other) == before


def test_refuses_a_non_empty_folder_without_the_marker(tmp_path, nested):
    _, site = nested
    other = tmp_path / "documents"
    other.mkdir()
    (other / "thesis.docx").write_bytes(b"years of work")
    assert "not empty and was not made by briefgen" in refused(site, other)
    assert snapshot(other) == {"thesis.docx": b"years of work"}
    hidden = tmp_path / "hidden"
    hidden.mkdir()
    (hidden / ".git").mkdir()
    assert "not empty and was not made by briefgen" in refused(site, hidden)


def test_accepts_an_empty_folder_and_its_own_output(tmp_path, nested):
    _, site = nested
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run_cli("build", site, "--out", empty, "-q")[0] == 0
    assert (empty / output.MARKER).is_file()
    assert run_cli("build", site, "--out", empty, "-q")[0] == 0  # made by briefgen: replaced


def test_refuses_a_file(tmp_path, nested):
    _, site = nested
    target = tmp_path / "file.txt"
    target.write_text("x")
    assert "is a file, not a folder" in refused(site, target)
    assert target.read_text() == "x"


def test_refuses_a_folder_inside_a_file(tmp_path, nested):
    _, site = nested
    target = tmp_path / "file.txt"
    target.write_text("x")
    code, _, err = run_cli("build", site, "--out", target / "site")
    assert code == 2
    assert f"briefgen: error: cannot build into {target / 'site'}: {target} is a file, not a folder" in err
    assert target.read_text() == "x"


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs a folder no one may make folders in: /proc")
def test_an_output_folder_that_cannot_be_made_is_a_usage_error(nested):
    # Even root cannot make a folder in /proc, where the build's staging folder would go.
    _, site = nested
    code, _, err = run_cli("build", site, "--out", "/proc/briefgen-site", "-q")
    assert code == 2 and "Traceback" not in err
    assert "briefgen: error: cannot make the output folder /proc/briefgen-site" in err


def test_other_system_errors_are_reported_without_a_traceback(tmp_path, nested, monkeypatch):
    _, site = nested

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device", "/x/index.html")

    monkeypatch.setattr(writer, "_write_file", full)
    code, _, err = run_cli("build", site, "--out", tmp_path / "out", "-q", "--jobs", "1")
    assert (code, err) == (2, "briefgen: error: No space left on device: /x/index.html\n")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("inside", ["content/site", "static/site", "templates/site", "themes/site"])
def test_refuses_output_inside_folders_the_build_reads(nested, inside):
    """Output inside static/ would be copied into the next build's output, and so on."""
    _, site = nested
    assert "which the build reads" in refused(site, site / inside)
    assert not (site / inside).exists()


def test_check_refuses_the_filesystem_root(tmp_path):
    site = make_site(tmp_path / "site", BASIC)
    root = Path(Path.cwd().anchor)
    with pytest.raises(UsageError, match="filesystem root"):
        output.check_output_dir(site, root)
    with pytest.raises(UsageError, match="filesystem root"):
        output.check_output_dir(site, root / "tmp" / "..")


def test_check_refuses_the_home_folder(tmp_path, monkeypatch):
    home = tmp_path / "home" / "user"
    home.mkdir(parents=True)
    (home / output.MARKER).write_text("")  # even a planted marker does not make home replaceable
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: home))
    site = make_site(tmp_path / "elsewhere" / "site", BASIC)
    with pytest.raises(UsageError, match="home folder"):
        output.check_output_dir(site, home)
    with pytest.raises(UsageError, match="home folder"):
        output.check_output_dir(site, home / "projects" / "..")
    output.check_output_dir(site, home / "site")  # a folder inside home is fine


def test_check_follows_symlinks_to_what_would_be_replaced(tmp_path, nested):
    _, site = nested
    link = tmp_path / "link"
    link.symlink_to(site)
    with pytest.raises(UsageError, match="the site folder itself"):
        output.check_output_dir(site, link)


# --- determinism ------------------------------------------------------------------------------------

def test_two_builds_of_the_example_are_byte_identical(tmp_path):
    for name in ("a", "b"):
        code, _, err = run_cli("build", REPO, "--out", tmp_path / name, "-q")
        assert code == 0, err
    a, b = site_files(tmp_path / "a"), site_files(tmp_path / "b")
    assert len(a) > 100
    assert a == b


def test_build_is_identical_under_another_hash_seed(tmp_path):
    code, _, err = run_cli("build", REPO, "--out", tmp_path / "here", "-q")
    assert code == 0, err
    for seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = subprocess.run([sys.executable, "-m", "briefgen", "build", str(REPO), "--out", str(tmp_path / seed),
                               "-q"], capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
        assert proc.returncode == 0, proc.stderr
        assert site_files(tmp_path / seed) == site_files(tmp_path / "here"), f"PYTHONHASHSEED={seed} differs"


def test_output_folder_is_readable_by_others(tmp_path):
    """A web server running as another user must be able to read the output (umask 022 here)."""
    site = make_site(tmp_path / "src", BASIC)
    out = tmp_path / "out"
    old = os.umask(0o022)
    try:
        assert run_cli("build", site, "--out", out, "-q")[0] == 0
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o755
    assert (out / "briefs").stat().st_mode & 0o777 == 0o755
    assert (out / "index.html").stat().st_mode & 0o777 == 0o644


def test_content_static_and_config_that_are_symlinks_out_of_the_site_are_not_read(tmp_path):
    # the folders themselves, not only what is inside them
    elsewhere = make_site(tmp_path / "elsewhere", {
        "content/briefs/2020-01-01-leak.md": "---\ntitle: Leaked\ndate: 2020-01-01\nsummary: S.\n---\nSECRET-BODY\n",
        "files/secret.txt": "SECRET-FILE\n", "briefgen.yaml": "title: SECRET-TITLE\n"})
    site = tmp_path / "site"
    site.mkdir()
    for name, target in (("content", "content"), ("static", "files"), ("briefgen.yaml", "briefgen.yaml")):
        (site / name).symlink_to(elsewhere / target)
    code, _, err = run_cli("check", site)
    assert code == 1
    assert "content:1:1: warning: content/ is a symlink to a folder outside the site and is ignored" in err
    assert "briefgen.yaml:1:1: error: briefgen.yaml is a symlink to a file outside the site" in err
    (site / "briefgen.yaml").unlink()
    out = tmp_path / "out"
    code, _, err = run_cli("build", site, "--out", out, "-q")
    assert code == 0, err
    published = b"".join(p.read_bytes() for p in out.rglob("*") if p.is_file())
    assert b"SECRET" not in published and not (out / "secret.txt").exists()
    assert not (out / "briefs/leak").exists()


@pytest.mark.parametrize(("link", "target", "where"), [
    ("static/mirror", "../site", "static/mirror"),
    ("static/pages/index.html", "../../site/index.html", "static/pages/index.html"),
    ("static/all", "..", "static/all/site"),  # the site folder, with the output in it
    ("static/cache", "../.briefgen-cache", "static/cache"),
    ("static/state.pickle", "../.briefgen-cache/site/state.pickle", "static/state.pickle"),
])
def test_a_static_symlink_into_the_output_or_the_cache_is_refused(tmp_path, link, target, where):
    """The output would copy itself into itself, growing with every build; the cache holds drafts."""
    site = make_site(tmp_path / "src", {**BASIC, "static/ok.txt": "public\n"})
    out = site / "site"
    code, _, err = run_cli("build", site, "--out", out, "-q")
    assert code == 0, err
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (site / link).parent.mkdir(parents=True, exist_ok=True)
    (site / link).symlink_to(target)
    for _ in range(2):
        code, _, err = run_cli("build", site, "--out", out, "-q")
        assert code == 1 and "Traceback" not in err, err
        assert err.startswith(f"{where}:1:1: error: this leads through a symlink into the "
                              f"{'build cache' if 'cache' in target else 'output folder site/'}"), err
        assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before  # the last output, untouched
    (site / link).unlink()
    assert run_cli("build", site, "--out", out, "-q")[0] == 0


def test_static_symlinks_outside_the_site_loops_and_fifos_are_not_published(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("private key\n")
    site = make_site(tmp_path / "src", {**BASIC, "static/ok.txt": "public\n", "static/sub/inner.txt": "inner\n",
                                        "shared/logo.txt": "logo\n"})
    static = site / "static"
    (static / "leak.txt").symlink_to(secret)
    (static / "outside").symlink_to(tmp_path)
    (static / "sub" / "loop").symlink_to(static)
    (static / "logo.txt").symlink_to(site / "shared" / "logo.txt")  # inside the site: followed
    os.mkfifo(static / "pipe.txt")
    out = tmp_path / "out"
    code, _, err = run_cli("build", site, "--out", out, "-q")
    assert code == 0, err
    assert (out / "ok.txt").read_text() == "public\n" and (out / "sub/inner.txt").is_file()
    assert (out / "logo.txt").read_text() == "logo\n"
    for name in ("leak.txt", "outside", "sub/loop", "pipe.txt"):
        assert not (out / name).exists(), name


@pytest.mark.skipif(os.name == "nt", reason="builds are kept apart with flock, which Windows lacks")
def test_a_second_build_into_the_same_output_waits_for_the_first(tmp_path):
    """Two builds at once (a save hook and a hand-typed build) used to fail: the second removed the first's
    staging folder as something an interrupted build had left. It now waits for the first to end."""
    site = make_site(tmp_path / "s", BASIC)
    out = tmp_path / "pub" / "site"
    with output.exclusive(out, waiting=lambda: pytest.fail("the lock was free")):  # a first build, in this process
        staging = output.staging_folder(out)  # what it writes
        proc = subprocess.Popen([sys.executable, "-m", "briefgen", "build", str(site), "--out", str(out)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
        line = proc.stderr.readline()  # the second says why it does not go on, and does not
        assert line == f"briefgen: another build is writing in {out.resolve().parent}; waiting for it to finish…\n"
        assert staging.is_dir() and not out.exists()
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr
    assert "Built" in stdout and (out / "index.html").is_file()
    assert not staging.exists()  # left by a build that ended without cleaning it (killed): cleaned by the next


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked on Linux only")
def test_the_lock_ends_with_the_build_not_with_a_worker_that_outlives_it(tmp_path):
    """A flock belongs to the open file, which forked workers share: each closes it, so that a worker still
    exiting does not keep the next build waiting."""
    import fcntl
    import time

    out = tmp_path / "site"
    started, say_started = os.pipe()
    with output.exclusive(out, waiting=lambda: pytest.fail("the lock was free")):
        pid = os.fork()
        if pid == 0:  # a worker (that has started: it did its part of the fork) outlives the build a little
            os.write(say_started, b"1")
            time.sleep(1)
            os._exit(0)
        assert os.read(started, 1) == b"1"
    fd = os.open(tmp_path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises BlockingIOError while the child holds it
    finally:
        for each in (fd, started, say_started):
            os.close(each)
        os.waitpid(pid, 0)


@pytest.mark.skipif(os.name == "nt", reason="builds are kept apart with flock, which Windows lacks")
def test_a_build_waiting_for_a_build_beside_it_names_the_folder_they_share(tmp_path):
    """The lock is on the folder the output is in: a build into public/en waits for one into public/fr, and
    said it waited for "another build into public/en", which there was none of."""
    site = make_site(tmp_path / "s", BASIC)
    with output.exclusive(tmp_path / "pub" / "fr", waiting=lambda: pytest.fail("the lock was free")):
        en = str(tmp_path / "pub" / "en")
        proc = subprocess.Popen([sys.executable, "-m", "briefgen", "build", str(site), "--out", en],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
        line = proc.stderr.readline()
        pub = (tmp_path / "pub").resolve()
        assert line == f"briefgen: another build is writing in {pub}; waiting for it to finish…\n"
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr


@pytest.mark.parametrize("built_before", [False, True])
@pytest.mark.parametrize("out", [".briefgen-cache", ".briefgen-cache/x", ".briefgen-cache/site"])
def test_an_output_in_the_build_cache_folder_is_refused_as_such(tmp_path, out, built_before):
    """--out .briefgen-cache built the site there and then wrote its cache (every parsed file, drafts included)
    into .briefgen-cache/.briefgen-cache, inside the output, published with it; once a build had made the cache
    folder, it was refused as "not made by briefgen (empty it...)"; .briefgen-cache/site would replace the
    cache of the site/ output. Each is refused as the cache folder, and nothing is touched."""
    site = make_site(tmp_path / "s", BASIC)
    if built_before:
        assert run_cli("build", site)[0] == 0
    before = sorted(p.relative_to(site).as_posix() for p in site.rglob("*"))
    code, _, err = run_cli("build", site, "--out", site / out)
    assert code == 2 and "Traceback" not in err, err
    assert "the site's build cache folder, .briefgen-cache/" in err and "empty it" not in err, err
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*")) == before
    config = make_site(tmp_path / "c", {**BASIC, "briefgen.yaml": f"title: T\noutput_dir: {out}\n"})
    code, _, err = run_cli("build", config)
    assert code == 1 and f"briefgen.yaml:2:13: error: output_dir '{out}' is " in err, err


def test_an_output_that_would_hold_the_user_cache_folder_is_refused(tmp_path, monkeypatch):
    """An output outside the site keeps its cache in the user's cache folder: an output that would hold that
    folder would publish it."""
    site = make_site(tmp_path / "s", BASIC)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "pub" / "cache"))  # (not made yet)
    code, _, err = run_cli("build", site, "--out", tmp_path / "pub", "--no-cache")
    assert code == 0, err  # (no cache written: nothing to publish)
    code, _, err = run_cli("build", site, "--out", tmp_path / "pub")
    assert code == 2 and "Traceback" not in err, err
    assert "the build cache" in err and "would be inside it" in err
