"""``briefgen deploy``: commit the built site to a branch (``gh-pages``) and push it.

Only git plumbing is used: file contents are stored with ``hash-object``, the tree
is assembled in a temporary index file (``GIT_INDEX_FILE``), the commit is made
with ``commit-tree`` and only ``refs/heads/<branch>`` moves (``update-ref``). The
user's working tree, index, HEAD, current branch and stash are never touched."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from . import output, schema
from .config import CONFIG_FILE, load_config, not_a_site
from .diagnostics import BriefgenError, ContentError, Diagnostic, Diagnostics, UsageError, one_line

MARKER = ".briefgen-output"  # written by the build into its output folder; never deployed
SKIPPED_DIRS = frozenset({".briefgen-cache", ".git"})  # at any depth
DEFAULT_NAME, DEFAULT_EMAIL = "briefgen", "briefgen@localhost"
FILE_MODE = "100644"


@dataclass(frozen=True)
class DeployOptions:
    """What ``briefgen deploy`` was asked to do (see ``briefgen deploy --help``)."""

    site_dir: Path
    out_dir: Path | None = None  # default: the configured output_dir of the site
    branch: str = "gh-pages"
    remote: str = "origin"
    push: bool = True
    build: bool = True  # build with --strict first; False deploys the existing output
    force: bool = False  # force-push over a diverged remote branch
    cname: str | None = None  # default: cname from briefgen.yaml
    message: str | None = None  # default: "Deploy <sha> from <branch>"


class Git:
    """Runs git in one repository and turns failures into :class:`BriefgenError`."""

    def __init__(self, cwd: Path):
        self.cwd = cwd

    def run(self, *args: str, input: bytes | None = None, env: Mapping[str, str] | None = None,
            check: bool = True) -> subprocess.CompletedProcess[bytes]:
        full_env = {**os.environ, "GIT_TERMINAL_PROMPT": os.environ.get("GIT_TERMINAL_PROMPT", "0"),
                    **(env or {})}
        try:
            proc = subprocess.run(["git", *args], cwd=self.cwd, input=input, capture_output=True,
                                  env=full_env, check=False)
        except FileNotFoundError:
            raise BriefgenError("git is not installed (or not on PATH); deploy needs it") from None
        if check and proc.returncode != 0:
            command = next((a for a in args if not a.startswith("-") and "=" not in a), "")
            raise BriefgenError(f"'git {command}' failed: {git_message(proc)}")
        return proc

    def out(self, *args: str, input: bytes | None = None, env: Mapping[str, str] | None = None) -> str:
        return _text(self.run(*args, input=input, env=env).stdout)

    def maybe(self, *args: str) -> str | None:
        """Output of a query, or None when git says no (unknown ref, unset config, ...)."""
        proc = self.run(*args, check=False)
        if proc.returncode != 0:
            return None
        return _text(proc.stdout) or None


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace").strip()


_GIT_LINES = 4  # at most this many of git's lines in one message


def git_message(proc: subprocess.CompletedProcess[bytes]) -> str:
    """What a failed git command said, as one line for ``briefgen: error: ...``. git (or ssh, or the
    remote's hook: ``remote: ...``) states the problem first, then, after a blank line, gives generic
    advice ("Please make sure you have the correct access rights / and the repository exists."): the first
    part is kept, without ``fatal:``/``error:`` prefixes, final full stops, ``hint:`` lines and repeats,
    joined with ``; ``. What is left that could break a line is escaped (:func:`one_line`): a hook writes
    what it likes, and a line of its own in a CI log can be a command (``::error::``)."""
    said: list[str] = []
    for line in _text(proc.stderr).splitlines():
        line = re.sub(r"^(?:fatal|error): *", "", line.strip()).removesuffix(".")  # (before "; ")
        if not line and said:
            break  # the advice that follows
        if line and line != "remote:" and not line.startswith("hint:") and line not in said:
            said.append(line)
    if not said:
        return f"exit status {proc.returncode}"
    more = len(said) - _GIT_LINES
    if more > 0:
        said = [*said[:_GIT_LINES], f"... ({more} more line{'s' if more > 1 else ''})"]
    return one_line("; ".join(said))


def deploy(options: DeployOptions) -> str:
    """Build (unless ``options.build`` is False), commit the output to ``options.branch``
    and push it. Returns a report for the user; raises on any failure, with what was done before it
    (built, committed) as the error's ``done``."""
    report: list[str] = []
    try:
        _deploy(options, report)
    except BriefgenError as exc:
        exc.done = "\n".join(report)
        raise
    return "\n".join(report)


def _deploy(options: DeployOptions, report: list[str]) -> None:
    site_dir = options.site_dir
    if not site_dir.is_dir():
        raise UsageError(f"{site_dir} is not a folder; pass the site folder (default: .)")
    problem = not_a_site(site_dir, "deploy")
    if problem is not None:
        raise problem
    git = Git(site_dir)
    _require_work_tree(git)
    ref = _check_branch(git, options.branch)
    _refuse_a_source_branch(git, options.branch, git.maybe("rev-parse", "--verify", "-q", f"{ref}^{{commit}}"))
    remote_missing = options.push and git.maybe("remote", "get-url", options.remote) is None
    if options.remote.startswith("-") or remote_missing:
        raise UsageError(f"there is no git remote named {options.remote!r} ('git remote -v' lists them); "
                         "add one with 'git remote add origin URL', choose one with --remote, "
                         "or commit without pushing with --no-push")

    diagnostics = Diagnostics()
    config = load_config(site_dir, diagnostics)
    if diagnostics.errors:
        raise ContentError(diagnostics.sorted())
    cname = _check_cname(options.cname) if options.cname is not None else config.cname  # (checked as read)

    if options.build and not config.base_url:
        raise ContentError(_without_base_url(git, site_dir, options.remote, cname))

    out_dir = options.out_dir if options.out_dir is not None else site_dir / config.output_dir

    def waiting() -> None:
        print(f"briefgen: another build is writing in {out_dir.resolve().parent}; waiting for it to finish…",
              file=sys.stderr, flush=True)

    if not options.build:
        _require_a_build(out_dir)  # (before the lock, which would make the folder it is in)
    # From the build until every file is read, no other build may change the output (a save hook's build
    # would swap it in while it is read, and a mix of two builds be published)
    with output.exclusive(out_dir, waiting):
        out_dir, tree = _build_and_read(git, options, site_dir, out_dir, cname, report)

    local = git.maybe("rev-parse", "--verify", "-q", f"{ref}^{{commit}}")
    if options.push:
        remote_tip = _fetch_remote_tip(git, options.remote, options.branch)
    else:  # no network: what the last fetch saw, so the commit still follows the published history
        tracking = f"refs/remotes/{options.remote}/{options.branch}"
        remote_tip = git.maybe("rev-parse", "--verify", "-q", f"{tracking}^{{commit}}")
    if not options.force:  # (what the remote has under that name; --force replaces it, as it says)
        _refuse_a_source_branch(git, options.branch, remote_tip)
    parent = _choose_parent(git, local, remote_tip)
    where = _display(out_dir)
    if parent is not None and git.out("rev-parse", f"{parent}^{{tree}}") == tree:
        commit = parent
        report.append(f"{options.branch} already holds this build of {where} ({commit[:7]}); no new commit")
    else:
        message = options.message or source_description(git)
        args = ["commit-tree", tree, *(["-p", parent] if parent else []), "-F", "-"]
        commit = git.out(*args, input=message.encode("utf-8") + b"\n", env=identity_env(git))
        subject = message.strip().splitlines()[0] if message.strip() else ""  # as git log --oneline shows it
        report.append(one_line(f"committed {where} to {options.branch} as {commit[:7]}: {subject}"))
    if commit != local:
        git.run("update-ref", "-m", "briefgen deploy", ref, commit, local or "")

    if not options.push:
        report.append(f"not pushed (--no-push); publish it with: git push {options.remote} {options.branch}")
    elif commit == remote_tip:
        report.append(f"{options.remote}/{options.branch} is up to date")
    else:
        _push(git, options.remote, options.branch, options.force)
        report.append(f"pushed {options.branch} to {options.remote}" + (" (forced)" if options.force else ""))


def _build_and_read(git: Git, options: DeployOptions, site_dir: Path, out_dir: Path, cname: str | None,
                    report: list[str]) -> tuple[Path, str]:
    """Build ``out_dir`` (unless ``options.build`` is False, when it must hold a build), and write its files as
    a git tree; returns the output folder (as the build names it) and the tree's id."""
    if options.build:
        from .build import BuildOptions, build

        result = build(BuildOptions(site_dir=site_dir, out_dir=options.out_dir, strict=True, progress=False,
                                    command="deploy"))
        problems = list(result.diagnostics)
        if problems:  # under --strict any warning fails the build; never deploy it
            raise ContentError(problems)
        out_dir = result.out_dir
        report.append(result.summary())
    else:
        _require_a_build(out_dir)  # (again: another build may have ended meanwhile)
    files = collect_files(out_dir)
    if not files:
        raise UsageError(f"{out_dir} has no files to deploy; build the site first")
    return out_dir, write_tree(git, out_dir, files, cname)


def _require_a_build(out_dir: Path) -> None:
    if not out_dir.is_dir():
        raise UsageError(f"{out_dir} does not exist (or is not a folder); build the site into it first, "
                         f"or deploy without --no-build")
    if not (out_dir / MARKER).is_file():
        raise UsageError(f"{out_dir} is not a briefgen build (no {MARKER} file in it); build it with "
                         "'briefgen build', or drop --no-build to build and deploy in one step")


# ---- checks --------------------------------------------------------------------------


def _require_work_tree(git: Git) -> None:
    if git.maybe("rev-parse", "--is-inside-work-tree") != "true":
        raise UsageError(f"{_display(git.cwd)} is not inside a git repository; deploy commits the site to a "
                         "branch of the site's repository: create one with 'git init' and add your GitHub "
                         "repository with 'git remote add origin URL'")


def _check_branch(git: Git, branch: str) -> str:
    """``refs/heads/<branch>`` after checking the name and that no worktree has it checked out."""
    _check_branch_name(git, branch)
    ref = f"refs/heads/{branch}"
    worktrees = git.out("worktree", "list", "--porcelain").splitlines()
    for i, line in enumerate(worktrees):
        if line == f"branch {ref}":
            path = next((w[9:] for w in reversed(worktrees[:i]) if w.startswith("worktree ")), "a worktree")
            raise UsageError(f"branch {branch!r} is checked out in {path}; deploying would change its files "
                             "under you: switch that worktree to another branch, or deploy to another "
                             "--branch")
    return ref


def _refuse_a_source_branch(git: Git, branch: str, tip: str | None) -> None:
    """Refuse to commit the built site on top of ``tip`` when that commit holds a site's sources
    (``briefgen.yaml`` or ``content/`` at its top, and not the ``.nojekyll`` of a deploy): ``--branch
    main`` from another checkout would put the site in place of the sources on their branch, and push it."""
    if tip is None:
        return
    names = set((git.maybe("ls-tree", "--name-only", tip) or "").splitlines())
    found = sorted(names & {"briefgen.yaml", "content"})
    if found and ".nojekyll" not in names:  # every deploy writes .nojekyll: a built site may have content/
        raise UsageError(f"branch {branch!r} holds a site's sources ({', '.join(found)}), not a built site: "
                         "deploying there would replace them; deploy to a branch of its own, e.g. --branch gh-pages")


# Names git itself reads as something else: HEAD, its shorthand @, and the pseudo-refs it keeps beside
# HEAD (FETCH_HEAD, which every fetch writes, ORIG_HEAD, MERGE_HEAD...). A branch by one of these names is
# shadowed or ambiguous: with refs/heads/HEAD, 'git checkout -b dev' fails ("ambiguous object name").
_READ_AS_HEAD = frozenset({"@", "HEAD", "FETCH_HEAD", "ORIG_HEAD", "MERGE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD",
                           "REBASE_HEAD", "BISECT_HEAD", "AUTO_MERGE"})


def _check_branch_name(git: Git, branch: str) -> None:
    """Refuse, before anything is written, a name ``git branch`` would refuse (``git check-ref-format
    --branch``, which knows HEAD, and of ``refs/heads/<branch>``, which knows the rest) or would misread:
    a full ref name (``refs/heads/x`` would become ``refs/heads/refs/heads/x``) or an option (``-x``)."""
    usual = "the usual one is --branch gh-pages"
    if branch in _READ_AS_HEAD:
        meaning = "HEAD" if branch == "@" else branch
        raise UsageError(f"{branch!r} cannot be a branch name: git already uses it for {meaning} (a branch by "
                         f"that name would make git commands ambiguous); {usual}")
    if branch.startswith("refs/"):
        short = branch.removeprefix("refs/heads/")
        example = short if short != branch and short else "gh-pages"
        raise UsageError(f"{branch!r} is a full ref name; --branch takes a branch's short name, e.g. "
                         f"--branch {example}")
    if not branch or branch.startswith("-"):
        raise UsageError(f"{branch!r} is not a valid branch name; {usual}")
    if (git.run("check-ref-format", "--branch", branch, check=False).returncode
            or git.run("check-ref-format", f"refs/heads/{branch}", check=False).returncode):
        raise UsageError(f"{branch!r} is not a valid branch name ('git check-ref-format' refuses it); {usual}")


def _check_cname(cname: str) -> str | None:
    """The domain of ``--cname``, by the rule ``cname`` in briefgen.yaml follows; ``--cname ""`` writes none."""
    if not cname.strip():
        return None
    domain = schema.bare_domain(cname)
    if domain is None:
        raise UsageError(f"--cname must be a bare domain name like briefs.example.org, not {cname!r} "
                         f"({schema.domain_hint(cname, '--cname ')})")
    return domain


def _without_base_url(git: Git, site_dir: Path, remote: str, cname: str | None) -> list[Diagnostic]:
    """A site deployed without ``base_url`` goes live with relative ``<loc>`` entries in sitemap.xml (which
    search engines reject), no ``Sitemap:`` line in robots.txt and no canonical or Open Graph URLs. A local
    build may leave it unset (it only makes those absolute links wrong), so this is a warning, which the
    deploy's strict build refuses; reported, before anything is built, with every problem a strict build
    would find (:func:`briefgen.build.check`, which writes nothing), and with the address to set: the
    custom domain's, or the GitHub Pages one of the remote."""
    from .build import check
    from .scaffold import github_pages_url

    remote_url = git.maybe("remote", "get-url", remote)
    url = (f"https://{cname}/" if cname else None) or (github_pages_url(remote_url) if remote_url else None)
    diagnostics = Diagnostics()
    diagnostics.warning(CONFIG_FILE, 1, 1, "base_url is not set: the deployed sitemap.xml, feeds, canonical and "
                        "Open Graph links need the address the site is published at",
                        f"deploy builds with --strict; add 'base_url: {url or 'https://<user>.github.io/<repo>/'}' "
                        f"to {CONFIG_FILE}, or build with 'briefgen build --base-url URL' and deploy that with "
                        "--no-build")
    diagnostics.extend(check(site_dir, strict=True))
    return diagnostics.sorted()


def _display(path: Path) -> str:
    """``path`` relative to the current folder, or absolute when that is the current folder (``.`` names
    nothing) or is not under it."""
    try:
        shown = str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
    return shown if shown != "." else str(path.resolve())


# ---- the tree ------------------------------------------------------------------------


def collect_files(out_dir: Path) -> list[str]:
    """The files to deploy, as sorted POSIX paths relative to ``out_dir``: everything
    except the build marker and cache folders. Symlinked files are deployed as their
    contents; a symlinked folder is refused (GitHub Pages would not follow it)."""
    files: list[str] = []
    for root, dirs, names in os.walk(out_dir, onerror=_raise):
        base = Path(root)
        for d in list(dirs):
            if d in SKIPPED_DIRS:
                dirs.remove(d)
            elif (base / d).is_symlink():
                raise BriefgenError(f"{base / d} is a symbolic link to a folder; replace it with a copy")
        for name in names:
            path = base / name
            rel = path.relative_to(out_dir).as_posix()
            if rel == MARKER:
                continue
            if "\n" in rel or "\r" in rel:
                raise BriefgenError(f"cannot deploy {path}: its name contains a line break")
            if not path.is_file():
                raise BriefgenError(f"cannot deploy {path}: not a regular file (or a broken link)")
            files.append(rel)
    return sorted(files)


def _raise(error: OSError) -> None:
    raise BriefgenError(f"cannot read {error.filename}: {error.strerror}")


def write_tree(git: Git, out_dir: Path, files: list[str], cname: str | None) -> str:
    """Store the files in the repository and return the id of a tree holding them,
    plus ``.nojekyll`` (unless present) and ``CNAME`` (when ``cname`` is set)."""
    root = out_dir.resolve()
    paths = b"".join(os.fsencode(root / rel) + b"\n" for rel in files)
    blobs = git.out("hash-object", "-w", "--no-filters", "--stdin-paths", input=paths).split()
    entries = dict(zip(files, blobs, strict=True))
    extra = {} if ".nojekyll" in entries else {".nojekyll": b""}
    if cname:
        extra["CNAME"] = cname.encode("ascii") + b"\n"
    for name, data in extra.items():
        entries[name] = git.out("hash-object", "-w", "--stdin", input=data)
    index_info = b"".join(f"{FILE_MODE} {sha}\t".encode() + os.fsencode(rel) + b"\0"
                          for rel, sha in sorted(entries.items()))
    with tempfile.TemporaryDirectory(prefix="briefgen-deploy-") as tmp:
        env = {"GIT_INDEX_FILE": os.path.join(tmp, "index")}
        quiet = ("-c", "core.splitIndex=false", "-c", "core.fsmonitor=false")
        git.run(*quiet, "update-index", "--add", "-z", "--index-info", input=index_info, env=env)
        return git.out(*quiet, "write-tree", env=env)


# ---- the commit ----------------------------------------------------------------------


def source_description(git: Git) -> str:
    """``Deploy <short-sha> from <branch>``, for the repository's HEAD."""
    branch = git.maybe("symbolic-ref", "--short", "-q", "HEAD")
    head = git.maybe("rev-parse", "--verify", "-q", "--short", "HEAD^{commit}")
    if head is None:
        return f"Deploy from {branch or 'HEAD'} (no commits yet)"
    return f"Deploy {head} from {branch or 'detached HEAD'}"


def identity_env(git: Git) -> dict[str, str]:
    """Environment for commit-tree: git's own identity when it has one, otherwise
    ``briefgen <briefgen@localhost>`` for the parts that are missing."""
    env: dict[str, str] = {}
    for role in ("AUTHOR", "COMMITTER"):
        if git.run("var", f"GIT_{role}_IDENT", check=False).returncode == 0:
            continue
        env[f"GIT_{role}_NAME"] = (os.environ.get(f"GIT_{role}_NAME") or git.maybe("config", "user.name")
                                   or DEFAULT_NAME)
        env[f"GIT_{role}_EMAIL"] = (os.environ.get(f"GIT_{role}_EMAIL") or git.maybe("config", "user.email")
                                    or DEFAULT_EMAIL)
    return env


def _fetch_remote_tip(git: Git, remote: str, branch: str) -> str | None:
    """The commit of ``<remote>/<branch>``, fetched so it can be a parent; None when
    the remote has no such branch yet."""
    proc = git.run("ls-remote", "--exit-code", remote, f"refs/heads/{branch}", check=False)
    if proc.returncode == 2:
        return None
    if proc.returncode != 0:
        raise BriefgenError(f"cannot reach git remote {remote!r}: {git_message(proc)} "
                            "(check the network and your access, or commit without pushing with --no-push)")
    tip = _text(proc.stdout).split()[0]
    if git.run("cat-file", "-e", f"{tip}^{{commit}}", check=False).returncode != 0:
        refspec = f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}"
        git.run("fetch", "--quiet", "--no-tags", remote, refspec)
    return tip


def _choose_parent(git: Git, local: str | None, remote_tip: str | None) -> str | None:
    """The local branch tip, unless the remote's is strictly newer (a deploy made
    elsewhere): then build on the remote's. A diverged pair keeps the local tip,
    and the push is refused unless --force."""
    if remote_tip is None or remote_tip == local:
        return local
    if local is None:
        return remote_tip
    is_ancestor = git.run("merge-base", "--is-ancestor", local, remote_tip, check=False).returncode == 0
    return remote_tip if is_ancestor else local


def _push(git: Git, remote: str, branch: str, force: bool) -> None:
    ref = f"refs/heads/{branch}"
    flags = ["--porcelain", *(["--force"] if force else [])]
    proc = git.run("push", *flags, remote, f"{ref}:{ref}", check=False)
    if proc.returncode == 0:
        return
    # --porcelain: "!<TAB>from:to<TAB>[rejected] (non-fast-forward)" for a branch that moved on without us;
    # "[remote rejected] (pre-receive hook declined)" when the remote itself refuses (a protected branch)
    refused = [fields[2] for fields in (line.split("\t") for line in _text(proc.stdout).splitlines())
               if fields[0] == "!" and len(fields) > 2]
    if any(summary.startswith("[rejected]") for summary in refused):
        raise BriefgenError(
            f"{remote} refused the push: its {branch} has commits your local {branch} does not have "
            "(another deploy, or a rewritten branch). The new commit is on your local branch. To replace "
            f"the published site with this build, run again with --force; to keep {remote}'s history, "
            f"delete the local branch ('git branch -D {branch}') and deploy again: it then builds on "
            f"{remote}/{branch}")
    raise BriefgenError(f"git push to {remote} failed: {one_line('; '.join([*refused, git_message(proc)]))} (the new "
                        f"commit is on your local {branch}: deploy again, or 'git push {remote} {branch}', once "
                        f"{remote} accepts it)")
