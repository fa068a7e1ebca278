"""`briefgen deploy`: a gh-pages commit made with git plumbing, pushed to a local
bare repository, with the user's working tree, index and HEAD left untouched."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from briefgen.cli import main
from briefgen.deploy import git_message

OUTPUT = {
    "index.html": "<h1>Home</h1>\n",
    "briefs/a/index.html": "<p>A</p>\n",
    "assets/style.css": "body{}\n",
    "feed.xml": "<feed/>\n",
    ".briefgen-output": "",  # the build's marker: never deployed
    ".briefgen-cache/state.json": "{}",  # never deployed
}


def git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    assert proc.returncode == 0, f"git {' '.join(args)}: {proc.stderr}"
    return proc.stdout.strip()


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture(autouse=True)
def git_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No global or system git config (CI has none either); a test identity for the
    commits the tests make themselves."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / "gitconfig"))
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Test User")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "test@example.com")
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    path = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", str(path))
    return path


def make_repo(path: Path, origin: Path | None = None, commit: bool = True) -> Path:
    path.mkdir()
    git(path, "init", "-q")
    git(path, "symbolic-ref", "HEAD", "refs/heads/main")
    write(path, {"briefgen.yaml": "title: Test\n", ".gitignore": "/site/\n", "notes.txt": "one\n"})
    write(path / "site", OUTPUT)
    if commit:
        git(path, "add", "briefgen.yaml", ".gitignore", "notes.txt")
        git(path, "commit", "-q", "-m", "source")
    if origin:
        git(path, "remote", "add", "origin", str(origin))
    return path


@pytest.fixture
def repo(tmp_path: Path, origin: Path) -> Path:
    return make_repo(tmp_path / "work", origin)


def deploy(repo: Path, *args: str) -> int:
    return main(["deploy", str(repo), "--no-build", *args])


def snapshot(repo: Path) -> dict[str, str]:
    """Everything deploy must leave alone."""
    return {
        "status": git(repo, "status", "--porcelain", "--untracked-files=all"),
        "head": git(repo, "rev-parse", "HEAD"),
        "branch": git(repo, "symbolic-ref", "HEAD"),
        "staged": git(repo, "diff", "--cached"),
        "unstaged": git(repo, "diff"),
        "index": git(repo, "ls-files", "--stage"),
        "stash": git(repo, "stash", "list"),
        "worktree": "\n".join(sorted(p.relative_to(repo).as_posix() + ":" + p.read_text()
                                     for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts
                                     and p.relative_to(repo).parts[0] not in ("site", ".briefgen-cache"))),
        # the build's to write: the output and, beside it, its cache
    }


def tree_files(git_dir: Path, rev: str) -> dict[str, str]:
    names = git(git_dir, "ls-tree", "-r", "--name-only", rev).splitlines()
    return {name: git(git_dir, "show", f"{rev}:{name}") for name in names}


def expected_tree(extra: dict[str, str] | None = None) -> dict[str, str]:
    files = {k: v.strip() for k, v in OUTPUT.items() if not k.startswith(".briefgen")}
    return {**files, ".nojekyll": "", **(extra or {})}


def test_deploy_pushes_the_output_and_touches_nothing_else(repo: Path, origin: Path, capsys) -> None:
    # a dirty working tree: a staged change, an unstaged change, an untracked file
    write(repo, {"notes.txt": "two\n", "draft.md": "untracked\n", "briefgen.yaml": "title: Staged\n"})
    git(repo, "add", "briefgen.yaml")
    git(repo, "stash", "list")
    before = snapshot(repo)

    assert deploy(repo, "--cname", "briefs.example.org") == 0

    assert snapshot(repo) == before
    assert tree_files(origin, "gh-pages") == expected_tree({"CNAME": "briefs.example.org"})
    short = git(repo, "rev-parse", "--short", "HEAD")
    assert git(origin, "log", "-1", "--format=%s", "gh-pages") == f"Deploy {short} from main"
    assert git(repo, "rev-parse", "gh-pages") == git(origin, "rev-parse", "gh-pages")
    out = capsys.readouterr().out
    assert "pushed gh-pages to origin" in out


def test_unchanged_build_makes_no_new_commit(repo: Path, origin: Path, capsys) -> None:
    assert deploy(repo) == 0
    first = git(origin, "rev-parse", "gh-pages")
    assert deploy(repo) == 0
    assert git(origin, "rev-parse", "gh-pages") == first
    assert "no new commit" in capsys.readouterr().out

    write(repo / "site", {"index.html": "<h1>Changed</h1>\n"})
    assert deploy(repo) == 0
    assert git(origin, "rev-parse", "gh-pages^") == first
    assert git(origin, "rev-list", "--count", "gh-pages") == "2"


def test_diverged_remote_is_refused_without_force(tmp_path: Path, repo: Path, origin: Path, capsys) -> None:
    assert deploy(repo) == 0
    other = make_repo(tmp_path / "other", origin, commit=False)  # someone else rewrites gh-pages
    git(other, "add", "notes.txt")
    git(other, "commit", "-q", "-m", "their pages")
    git(other, "push", "-q", "--force", "origin", "main:gh-pages")
    theirs = git(origin, "rev-parse", "gh-pages")
    capsys.readouterr()

    write(repo / "site", {"index.html": "<h1>New</h1>\n"})
    assert deploy(repo) == 1
    out, err = capsys.readouterr()
    assert "refused the push" in err and "--force" in err and "Traceback" not in err
    assert git(origin, "rev-parse", "gh-pages") == theirs
    mine = git(repo, "rev-parse", "gh-pages")[:7]
    assert f"as {mine}: " in out, out  # what was committed is said before the error

    assert deploy(repo, "--force") == 0
    assert git(origin, "rev-parse", "gh-pages") == git(repo, "rev-parse", "gh-pages")
    assert tree_files(origin, "gh-pages")["index.html"] == "<h1>New</h1>"


def test_builds_on_the_remote_branch_when_there_is_no_local_one(tmp_path: Path, repo: Path,
                                                                 origin: Path) -> None:
    other = make_repo(tmp_path / "other", origin)
    assert deploy(other) == 0  # deployed from another clone
    theirs = git(origin, "rev-parse", "gh-pages")
    write(repo / "site", {"index.html": "<h1>Mine</h1>\n"})
    assert deploy(repo) == 0
    assert git(origin, "rev-parse", "gh-pages^") == theirs


def test_no_push_commits_locally_only(repo: Path, origin: Path, capsys) -> None:
    assert deploy(repo, "--no-push", "--branch", "pages", "-m", "Custom message") == 0
    assert git(repo, "log", "-1", "--format=%s", "pages") == "Custom message"
    assert tree_files(repo, "pages") == expected_tree()
    assert git(origin, "branch", "--list") == ""
    assert "git push origin pages" in capsys.readouterr().out


def test_a_message_of_several_lines_is_committed_whole_and_reported_by_its_subject(repo: Path, capsys) -> None:
    message = "Evening edition\n\nTwo briefs corrected.\n::error::not a line of its own"
    assert deploy(repo, "--no-push", "-m", message) == 0
    assert git(repo, "log", "-1", "--format=%B", "gh-pages").strip() == message
    out = capsys.readouterr().out
    assert "as " in out and ": Evening edition\n" in out and "::error::" not in out


def test_cname_from_config_and_existing_nojekyll_kept(repo: Path) -> None:
    write(repo, {"briefgen.yaml": "title: Test\ncname: news.example.org\n"})
    write(repo / "site", {".nojekyll": "kept\n"})
    assert deploy(repo, "--no-push") == 0
    files = tree_files(repo, "gh-pages")
    assert files["CNAME"] == "news.example.org"
    assert files[".nojekyll"] == "kept"


def test_a_bad_cname_in_the_config_is_found_by_check_and_build(tmp_path: Path, repo: Path, capsys) -> None:
    pytest.importorskip("briefgen.build")
    write(repo, {"briefgen.yaml": 'title: Test\ncname: "https://news.example.org/"\n'})
    where = "briefgen.yaml:2:8: error: 'cname' must be a bare domain name"
    for command in (["check", str(repo)], ["build", str(repo), "--out", str(tmp_path / "out")]):
        assert main(command) == 1
        err = capsys.readouterr().err
        assert err.startswith(where) and "(write the domain alone: cname: news.example.org)" in err
    assert deploy(repo, "--no-push") == 1  # the same diagnostic, before anything is committed
    assert capsys.readouterr().err.startswith(where)
    assert git(repo, "branch", "--list", "gh-pages") == ""
    assert deploy(repo, "--no-push", "--cname", "") == 1  # --cname "" writes no CNAME; the file is still wrong

    write(repo, {"briefgen.yaml": "title: Test\ncname: News.Example.org.\n"})
    assert deploy(repo, "--no-push") == 0
    assert tree_files(repo, "gh-pages")["CNAME"] == "news.example.org"


def test_default_identity_when_git_has_none(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(var)
    monkeypatch.setenv("EMAIL", "")
    assert deploy(repo, "--no-push") == 0
    assert git(repo, "log", "-1", "--format=%an <%ae> / %cn <%ce>", "gh-pages") == \
        "briefgen <briefgen@localhost> / briefgen <briefgen@localhost>"


def test_message_for_a_repository_without_commits_and_for_detached_head(tmp_path: Path, repo: Path) -> None:
    empty = make_repo(tmp_path / "empty", commit=False)
    assert deploy(empty, "--no-push") == 0
    assert git(empty, "log", "-1", "--format=%s", "gh-pages") == "Deploy from main (no commits yet)"

    git(repo, "checkout", "-q", "--detach")
    write(repo / "site", {"index.html": "detached\n"})
    assert deploy(repo, "--no-push") == 0
    short = git(repo, "rev-parse", "--short", "HEAD")
    assert git(repo, "log", "-1", "--format=%s", "gh-pages") == f"Deploy {short} from detached HEAD"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--remote", "upstream"], "no git remote named 'upstream'"),
        (["--branch", "main"], "checked out"),
        (["--branch", "bad..name"], "not a valid branch name"),
        (["--cname", "https://example.org/"], "bare domain name like briefs.example.org, not 'https://example.org/' "
                                              "(write the domain alone: --cname example.org)"),
        (["--out", "nowhere"], "nowhere does not exist (or is not a folder); build the site into it first"),
        (["--out", "no/such/site"], "site does not exist (or is not a folder)"),  # and makes no folder
        (["--out", "."], "is not a briefgen build"),
    ],
)
def test_usage_errors(repo: Path, args: list[str], message: str, capsys, monkeypatch) -> None:
    monkeypatch.chdir(repo)  # (where --out is)
    assert deploy(repo, *args) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert git(repo, "branch", "--list", "gh-pages") == ""
    assert not (repo / "no").exists()


@pytest.mark.parametrize(
    ("branch", "message"),
    [
        ("HEAD", "git already uses it"),  # check-ref-format accepts refs/heads/HEAD; git branch does not
        ("@", "git already uses it"),
        ("FETCH_HEAD", "git already uses it"),
        ("refs/heads/x", "--branch x"),  # would be refs/heads/refs/heads/x
        ("refs/x", "short name"),
        ("-x", "not a valid branch name"),
        ("", "not a valid branch name"),
        ("a..b", "not a valid branch name"),
        ("x.lock", "not a valid branch name"),
        ("@{-1}", "not a valid branch name"),
    ],
)
def test_branch_names_git_would_refuse_or_misread(repo: Path, origin: Path, branch: str, message: str,
                                                  capsys) -> None:
    refs = git(repo, "for-each-ref")
    assert deploy(repo, f"--branch={branch}") == 2  # (=: so that -x is a value)
    err = capsys.readouterr().err
    assert message in err and err.startswith("briefgen: error: ") and err.count("\n") == 1
    assert git(repo, "for-each-ref") == refs  # no branch made, no remote-tracking ref
    assert git(origin, "for-each-ref") == ""
    git(repo, "checkout", "-q", "-b", "dev")  # what a refs/heads/HEAD broke: 'ambiguous object name'


def test_a_branch_that_holds_the_sources_is_refused(repo: Path, origin: Path, capsys) -> None:
    git(repo, "checkout", "-q", "-b", "dev")  # main is not checked out: only its contents say what it is
    main_before = git(repo, "rev-parse", "main")
    assert deploy(repo, "--branch", "main") == 2
    assert "branch 'main' holds a site's sources (briefgen.yaml), not a built site" in capsys.readouterr().err
    assert git(repo, "rev-parse", "main") == main_before and git(origin, "for-each-ref") == ""
    git(repo, "push", "-q", "origin", "main:sources")  # only the remote's branch of that name holds them
    assert deploy(repo, "--branch", "sources") == 2
    assert "branch 'sources' holds a site's sources" in capsys.readouterr().err
    assert git(repo, "branch", "--list", "sources") == ""


def test_a_built_site_with_a_content_folder_deploys_again(repo: Path) -> None:
    write(repo / "site", {"content/report.txt": "a static folder named content\n"})
    assert deploy(repo, "--no-push") == 0
    write(repo / "site", {"index.html": "<h1>Again</h1>\n"})
    assert deploy(repo, "--no-push") == 0
    assert tree_files(repo, "gh-pages")["index.html"] == "<h1>Again</h1>"


def test_a_branch_name_that_only_ends_in_head_is_fine(repo: Path) -> None:
    assert deploy(repo, "--no-push", "--branch", "DEPLOY_HEAD") == 0
    assert git(repo, "branch", "--list", "DEPLOY_HEAD").strip() == "DEPLOY_HEAD"


def test_a_git_failure_is_one_readable_line(tmp_path: Path, repo: Path, capsys) -> None:
    git(repo, "remote", "set-url", "origin", str(tmp_path / "missing.git"))
    assert deploy(repo) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "\\n" not in err and "Traceback" not in err
    # git's messages, joined; not its generic advice ("Please make sure you have the correct access rights")
    assert "does not appear to be a git repository; Could not read from remote repository (check" in err
    assert "fatal:" not in err and "Please make sure" not in err


@pytest.mark.parametrize(
    ("stderr", "message"),
    [
        (b"", "exit status 128"),
        (b"hint: advice\n\nno prefix here\nsecond\n", "no prefix here; second"),
        (b"git@github.com: Permission denied (publickey).\r\nfatal: Could not read from remote repository.\n\n"
         b"Please make sure you have the correct access rights\nand the repository exists.\n",
         ": Permission denied (publickey); Could not read from remote repository"),
        (b"error: one\nerror: one\nfatal: two\n", "one; two"),
        (b"".join(b"remote: line %d\n" % i for i in range(9)), "remote: line 3; ... (5 more lines)"),
        (b"fatal: tab\there\x1b[K\n", "tab\\there\\x1b[K"),
    ],
)
def test_git_message(stderr: bytes, message: str) -> None:
    proc = subprocess.CompletedProcess(["git"], 128, b"", stderr)
    assert git_message(proc).endswith(message)


def test_what_a_remote_says_cannot_start_a_line(tmp_path: Path, repo: Path, capsys) -> None:
    hooked = tmp_path / "hooked.git"
    git(tmp_path, "init", "-q", "--bare", str(hooked))
    hook = hooked / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\nprintf 'gh-pages is frozen\\n\\n::error::forged\\r\\033[31mred\\n' >&2\nexit 1\n")
    hook.chmod(0o755)
    git(repo, "remote", "set-url", "origin", str(hooked))
    assert deploy(repo) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("briefgen: error: ")
    assert "remote: gh-pages is frozen; remote: ::error::forged" in err and "\\x1b[31mred" in err
    # the remote declined it: no diverged branch, and --force would not help
    assert "[remote rejected] (pre-receive hook declined)" in err and "--force" not in err


def test_outside_a_git_repository(tmp_path: Path, capsys) -> None:
    site = tmp_path / "plain"
    write(site / "site", OUTPUT)
    (site / "briefgen.yaml").write_text("title: Plain\n")
    assert main(["deploy", str(site), "--no-build", "--no-push"]) == 2
    assert "not inside a git repository" in capsys.readouterr().err


def committed_new_site(work: Path) -> Path:
    """A site as `briefgen init` makes it, with a base_url, committed in a new repository."""
    assert main(["init", str(work)]) == 0
    git(work, "init", "-q")
    with (work / "briefgen.yaml").open("a", encoding="utf-8") as f:
        f.write("base_url: https://alice.github.io/briefs/\n")
    git(work, "add", ".")
    git(work, "commit", "-q", "-m", "new site")
    return work


def test_deploy_builds_first(tmp_path: Path, origin: Path, capsys) -> None:
    pytest.importorskip("briefgen.build")
    work = committed_new_site(tmp_path / "fresh")
    git(work, "remote", "add", "origin", str(origin))
    before = snapshot(work)
    assert main(["deploy", str(work)]) == 0, capsys.readouterr().err
    assert snapshot(work) == before
    built = {p.relative_to(work / "site").as_posix() for p in (work / "site").rglob("*") if p.is_file()}
    built = {p for p in built if not p.startswith(".briefgen")}
    deployed = set(git(origin, "ls-tree", "-r", "--name-only", "gh-pages").splitlines())
    assert deployed == built | {".nojekyll"}
    assert "<loc>https://alice.github.io/briefs/people/</loc>" in tree_files(origin, "gh-pages")["sitemap.xml"]


@pytest.mark.skipif(__import__("os").name == "nt", reason="builds are kept apart with flock, which Windows lacks")
@pytest.mark.parametrize("build", [True, False])
def test_no_other_build_changes_the_output_while_deploy_reads_it(tmp_path: Path, origin: Path, monkeypatch,
                                                                 capsys, build: bool) -> None:
    """A build started while deploy reads the output (a save hook's) waits: deploy holds the output's lock from
    its own build until every file is read, or a mix of two builds would be published."""
    import fcntl
    import os

    from briefgen import deploy as deploy_module

    work = committed_new_site(tmp_path / "fresh")
    if not build:
        assert main(["build", str(work), "--quiet"]) == 0
    held = []
    real = deploy_module.collect_files

    def collect_files(out_dir):
        fd = os.open(out_dir.resolve().parent, os.O_RDONLY)  # as another process's build would
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            held.append(False)
        except BlockingIOError:
            held.append(True)
        finally:
            os.close(fd)
        return real(out_dir)

    monkeypatch.setattr(deploy_module, "collect_files", collect_files)
    assert main(["deploy", str(work), "--no-push", *([] if build else ["--no-build"])]) == 0, capsys.readouterr().err
    assert held == [True]
    fd = os.open(work, os.O_RDONLY)  # and released at the end
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        os.close(fd)


def test_a_build_without_base_url_is_not_deployed(tmp_path: Path, capsys) -> None:
    pytest.importorskip("briefgen.build")
    work = tmp_path / "fresh"
    assert main(["init", str(work)]) == 0  # outside a GitHub clone: base_url left as a comment
    git(work, "init", "-q")
    git(work, "remote", "add", "origin", "git@github.com:alice/briefs.git")
    write(work, {"content/briefs/broken.md": "---\ntitle: No date or summary\n---\nBody\n"})
    capsys.readouterr()
    assert main(["deploy", str(work), "--no-push"]) == 1
    err = capsys.readouterr().err
    # a warning (a local build may do without it), which deploy's strict build refuses, with the address
    # to set; reported beside the content's problems, before anything is built
    assert err.startswith("briefgen.yaml:1:1: warning: base_url is not set")
    assert "add 'base_url: https://alice.github.io/briefs/' to briefgen.yaml" in err
    assert "content/briefs/broken.md" in err and "nothing was written" in err and "Traceback" not in err
    assert not (work / "site").exists()
    assert git(work, "branch", "--list", "gh-pages") == ""

    (work / "content/briefs/broken.md").unlink()
    assert main(["deploy", str(work), "--no-push"]) == 1
    assert capsys.readouterr().err.endswith("FAILED: 0 error(s), 1 warning(s) (--strict: warnings fail the build); "
                                            "nothing was written\n")
    assert main(["deploy", str(work), "--no-push", "--cname", "news.example.org"]) == 1
    assert "add 'base_url: https://news.example.org/'" in capsys.readouterr().err
    # a build made with --base-url can still be deployed as it is
    assert main(["build", str(work), "-q", "--base-url", "https://news.example.org/"]) == 0
    assert main(["deploy", str(work), "--no-push", "--no-build"]) == 0


def test_a_failed_build_is_not_deployed(tmp_path: Path, origin: Path, capsys) -> None:
    pytest.importorskip("briefgen.build")
    work = tmp_path / "fresh"
    assert main(["init", str(work)]) == 0
    git(work, "init", "-q")
    git(work, "remote", "add", "origin", str(origin))
    write(work, {"content/briefs/broken.md": "---\ntitle: No date or summary\n---\nBody\n"})
    capsys.readouterr()
    assert main(["deploy", str(work)]) == 1
    err = capsys.readouterr().err
    assert "content/briefs/broken.md" in err and "Traceback" not in err
    assert git(work, "branch", "--list", "gh-pages") == ""
    assert git(origin, "branch", "--list") == ""
