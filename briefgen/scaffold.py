"""``briefgen init`` (a new site) and ``briefgen new`` (a new brief or entity file).

Neither ever overwrites a file: init skips files that exist, new picks a free name."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import __version__
from . import scaffold_templates as t
from .config import CONFIG_FILE, SiteConfig, load_config, not_a_site
from .diagnostics import ContentError, Diagnostics, UsageError, did_you_mean, shell_word
from .frontmatter import split
from .load import brief_slug, load_entity, slug_from_filename
from .schema import fold, is_id, slugify
from .sources import find_content, read_text

# A `slug:` line, for a brief whose front matter does not parse (the slug it will have once fixed)
_SLUG_LINE = re.compile(r"""^slug:[ \t]*(['"]?)([a-z0-9-]+)\1[ \t]*(?:#.*)?$""", re.MULTILINE)
# Entries that do not make a folder "non-empty" for init: a fresh `git init` or an
# empty clone of a new GitHub repository is where most sites start.
_IGNORED_ENTRIES = frozenset({".git"})


@dataclass
class InitResult:
    """What ``init_site`` did: files written, and files left alone because they existed."""

    created: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)


# ---- init ----------------------------------------------------------------------------


def init_site(dir: Path, force: bool = False) -> InitResult:
    """Create a new site in ``dir``: config, sample content, README, .gitignore and
    a GitHub Pages workflow. ``dir`` must be empty (a ``.git`` folder is allowed)
    unless ``force``; existing files are never overwritten, only skipped. A file or a
    symlink to nothing where a folder must be is refused before anything is written."""
    problem = _in_the_way(dir)
    if problem:
        raise UsageError(f"{problem}; choose a folder name for the new site")
    if dir.is_dir() and not force:
        entries = sorted(e.name for e in dir.iterdir() if e.name not in _IGNORED_ENTRIES)
        if entries:
            shown = ", ".join(entries[:5]) + (", ..." if len(entries) > 5 else "")
            raise UsageError(f"{dir} is not empty ({shown}); choose a new folder, or use --force "
                             "to add the missing files (existing files are never overwritten)")
    files = site_files(dir)
    for folder in sorted({(dir / rel).parent for rel in files}):  # (with --force) before writing any file
        problem = _first_in_the_way(folder, dir)
        if problem:
            raise UsageError(f"{problem}; move it aside")
    result = InitResult()
    for rel, text in files.items():
        path = dir / rel
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "x", encoding="utf-8", newline="\n") as f:
                f.write(text)
        except FileExistsError:
            result.skipped.append(path)
            continue
        except OSError as exc:
            raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
        result.created.append(path)
    return result


def _in_the_way(path: Path) -> str | None:
    """What keeps ``path`` from being a folder: a file, or a symlink whose target does not exist; else
    None. (``mkdir`` says only 'File exists' for either, which init took for files it could skip.)"""
    if path.is_symlink() and not path.exists():
        return f"{path} is a symlink to {os.readlink(path)}, which does not exist"
    if path.exists() and not path.is_dir():
        return f"{path} is a file, not a folder"
    return None


def _first_in_the_way(folder: Path, top: Path) -> str | None:
    """What is in the way (:func:`_in_the_way`) of the first folder that making ``folder`` inside ``top``
    goes through or makes, from ``top`` down; None when ``folder`` can be made."""
    chain = [folder, *folder.parents]
    for path in reversed(chain[:chain.index(top) + 1] if top in chain else [folder]):
        problem = _in_the_way(path)
        if problem:
            return problem
    return None


def site_files(dir: Path) -> dict[str, str]:
    """The files of a new site in ``dir``: relative POSIX path -> text."""
    title = _title_from_folder(dir)
    url = guess_base_url(dir)
    base_url = t.BASE_URL_GUESSED.replace("__URL__", url) if url else t.BASE_URL_UNKNOWN
    return {
        CONFIG_FILE: t.CONFIG.replace("__TITLE__", _yaml_scalar(title)).replace("__BASE_URL__", base_url),
        ".gitignore": t.GITIGNORE,
        "README.md": t.README.replace("__TITLE_TEXT__", title),
        ".github/workflows/pages.yml": t.WORKFLOW.replace("__BRANCH__", _yaml_scalar(guess_branch(dir)))
                                                 .replace("__VERSION__", __version__),
        "content/briefs/1969-07-21-apollo-11-lands-on-the-moon.md": t.SAMPLE_BRIEF,
        "content/people/neil-armstrong.yaml": t.SAMPLE_PERSON,
        "content/organizations/nasa.yaml": t.SAMPLE_ORGANIZATION,
        "content/places/sea-of-tranquility.yaml": t.SAMPLE_PLACE,
        "content/events/apollo-11-moon-landing.yaml": t.SAMPLE_EVENT,
    }


def _title_from_folder(dir: Path) -> str:
    name = dir.resolve().name
    words = re.sub(r"[-_.]+", " ", name).split()
    return " ".join(w[:1].upper() + w[1:] for w in words) or "Briefing"


def _yaml_scalar(value: str) -> str:
    """``value`` as a one-line YAML scalar, quoted only when YAML needs it."""
    return yaml.safe_dump(value, allow_unicode=True, width=1_000_000).removesuffix("\n...\n").strip()


def _git(cwd: Path, *args: str) -> str | None:
    """Output of a read-only git command, or None when git or the repository is missing."""
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=10,
                              env={**os.environ, "GIT_TERMINAL_PROMPT": "0"})
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout.strip() if proc.returncode == 0 and proc.stdout.strip() else None


def _existing_ancestor(dir: Path) -> Path:
    path = dir.resolve()
    while not path.is_dir() and path != path.parent:
        path = path.parent
    return path


_GITHUB_REMOTE = re.compile(
    r"^(?:https?://(?:[^@/]+@)?github\.com/|(?:ssh://)?git@github\.com[:/]|git://github\.com/)"
    r"(?P<user>[A-Za-z0-9-]+)/(?P<repo>[A-Za-z0-9._-]+?)(?:\.git)?/?$"
)


def github_pages_url(remote_url: str) -> str | None:
    """``https://<user>.github.io/<repo>/`` for a GitHub remote URL (the user site
    ``https://<user>.github.io/`` for a ``<user>.github.io`` repository), else None."""
    m = _GITHUB_REMOTE.match(remote_url.strip())
    if not m:
        return None
    user, repo = m["user"].lower(), m["repo"]
    if repo.lower() == f"{user}.github.io":
        return f"https://{user}.github.io/"
    return f"https://{user}.github.io/{repo}/"


def guess_base_url(dir: Path) -> str | None:
    """The GitHub Pages URL of the repository ``dir`` is in (or will be in), from its 'origin'."""
    remote = _git(_existing_ancestor(dir), "remote", "get-url", "origin")
    return github_pages_url(remote) if remote else None


def guess_branch(dir: Path) -> str:
    """The default branch to publish from: origin's HEAD, the current branch, git's
    init.defaultBranch, else ``main``."""
    cwd = _existing_ancestor(dir)
    origin_head = _git(cwd, "symbolic-ref", "--short", "-q", "refs/remotes/origin/HEAD")
    if origin_head and "/" in origin_head:
        return origin_head.split("/", 1)[1]
    return (_git(cwd, "symbolic-ref", "--short", "-q", "HEAD")
            or _git(cwd, "config", "--get", "init.defaultBranch") or "main")


# ---- new -----------------------------------------------------------------------------


def new_file(site_dir: Path, kind: str, name: str, today: dt.date | None = None) -> Path:
    """Create ``content/briefs/<today>-<slug>.md`` (kind ``brief``) or
    ``content/<kind>/<id>.yaml`` (an entity kind of the site) and return its path.
    The slug or id gets ``-2``, ``-3``, ... when the name is taken."""
    today = today or dt.date.today()
    name = " ".join(name.split())
    config = _site_config(site_dir, f"new {shell_word(kind)} {shell_word(name or 'NAME')} --dir")
    kind = _resolve_kind(kind, config)
    base = slugify(name)
    if not name:
        raise UsageError("give a name for the new file, e.g. briefgen new people \"Nicolás Maduro\"")
    if not base:
        field, example = ("title", "Putin meets Xi in Moscow") if kind == "brief" else ("name", "Vladimir Putin")
        raise UsageError(f"cannot make a file name from {name!r}: file names and URLs hold only the letters a-z, "
                         "digits and hyphens (accents are dropped: 'Nicolás' becomes 'nicolas'); give it in Latin "
                         f"letters, e.g. briefgen new {kind} {shell_word(example)}, then write {name!r} as the "
                         f"{field} in the new file")
    if kind == "brief":
        folder = site_dir / "content" / "briefs"
        slug = _free_slug(base, _brief_slugs(site_dir, config), folder, today)
        path = folder / f"{today.isoformat()}-{slug}.md"
        text = _brief_text(name, slug, today, config)
    else:
        folder = site_dir / "content" / kind
        other = _named_already(folder, kind, name, config)
        if other is not None:
            raise UsageError(f"{other} already has the name, alias or id {name!r}; edit that file, or give this "
                             f"{config.entity_kinds[kind].singular.lower()} a name of its own")
        taken = {p.stem for p in _files(folder, ".yaml", ".yml", ".md")}
        ident = _unique(base, taken)
        path = folder / f"{ident}.yaml"
        text = _entity_text(kind, name, today)
    problem = _first_in_the_way(folder, site_dir)
    if problem:
        raise UsageError(f"{problem}; move it aside")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8", newline="\n") as f:
            f.write(text)
    except FileExistsError:  # pragma: no cover - created between the check and now
        raise UsageError(f"{path} already exists; run the command again") from None
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


def _site_config(site_dir: Path, command: str) -> SiteConfig:
    problem = not_a_site(site_dir, command)  # (naming the site it is in: content/briefs/, most likely)
    if problem is not None:
        raise problem
    diagnostics = Diagnostics()
    config = load_config(site_dir, diagnostics)
    if diagnostics.errors:
        raise ContentError(diagnostics.sorted())
    return config


def _resolve_kind(kind: str, config: SiteConfig) -> str:
    """``brief``/``briefs``, an entity kind, or its singular name (``person`` -> ``people``)."""
    word = kind.strip().lower()
    if word in ("brief", "briefs"):
        return "brief"
    if word in config.entity_kinds:
        return word
    singular = {k.singular.lower(): key for key, k in config.entity_kinds.items()}
    if word in singular:
        return singular[word]
    choices = ["brief", *config.entity_kinds]
    hint = did_you_mean(word, [*choices, *singular])
    message = f"unknown kind {kind!r}: use one of {', '.join(choices)}"
    raise UsageError(message + (f" ({hint})" if hint else ""))


def _files(folder: Path, *suffixes: str) -> list[Path]:
    if not folder.is_dir():
        return []
    return [p for p in folder.iterdir() if p.suffix in suffixes]


def _unique(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... : the first that is not taken and is a valid id (Windows
    reserves ``con``, ``nul``...)."""
    ident, n = base, 2
    while ident in taken or not is_id(ident):
        ident, n = f"{base}-{n}", n + 1
    return ident


def _brief_slugs(site_dir: Path, config: SiteConfig) -> set[str]:
    """The slug of every brief of the site, drafts too (they collide under ``--drafts``), found and read
    as the build finds and reads them (sub-folders of content/briefs/, skipped names, the size limit),
    so that a new brief never makes a duplicate slug."""
    quiet = Diagnostics()  # the build reports what is wrong with a file; new only needs the slugs
    slugs: set[str] = set()
    for source in find_content(site_dir, [], quiet):  # given no entity kinds, it finds briefs alone
        text = read_text(source.path, source.rel, quiet, config.max_file_size)
        slugs |= _slugs_of(source.rel, text)
    return slugs


def _slugs_of(rel: str, text: str | None) -> set[str]:
    """The slug of the brief ``rel``: its ``slug:``, else its file name's (:func:`brief_slug`, the
    build's rule). Front matter that cannot name a slug (no ``slug`` in it, nor a ``\\`` escape that
    could spell one) is not parsed: most briefs, at a fraction of the cost. A brief that cannot be read
    or parsed counts with its file name's slug and any ``slug:`` line in it: the build reports the
    problem, and once it is fixed the brief has one of those."""
    parts = split(text, rel, Diagnostics()) if text is not None else None
    front = parts[0] if parts is not None else ""
    if parts is not None and "slug" not in front and "\\" not in front:
        return {slug_from_filename(rel)}
    slug = brief_slug(rel, text) if parts is not None else None
    if slug is not None:
        return {slug}
    return {slug_from_filename(rel), *(m[2] for m in _SLUG_LINE.finditer(front))}


def _free_slug(base: str, taken: set[str], folder: Path, today: dt.date) -> str:
    """:func:`_unique` slug whose file, ``<today>-<slug>.md`` in ``folder``, does not exist either (a
    file there may have a ``slug:`` of its own and leave its file name's slug free)."""
    while True:
        slug = _unique(base, taken)
        if not os.path.lexists(folder / f"{today.isoformat()}-{slug}.md"):
            return slug
        taken = taken | {slug}


def _named_already(folder: Path, kind: str, name: str, config: SiteConfig) -> str | None:
    """The entity file in ``folder`` with the name or alias ``name`` (as references match it), if any:
    a second file with it would be an error (the name would point to two entities)."""
    wanted = fold(name)
    for path in _files(folder, ".yaml", ".yml", ".md"):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # the build reports it
        entity = load_entity(f"content/{kind}/{path.name}", kind, text, config, Diagnostics())
        if entity is not None and wanted in {fold(n) for n in (entity.name, *entity.aliases, entity.id)}:
            return entity.path  # (references find an entity by its id too)
    return None


def _brief_text(title: str, slug: str, today: dt.date, config: SiteConfig) -> str:
    head = (t.NEW_BRIEF_HEAD.replace("__TITLE__", _yaml_scalar(title)).replace("__SLUG__", slug)
            .replace("__MAX__", str(config.summary_max_length)))
    kinds = "".join(f"{kind}: []\n" for kind in config.entity_kinds)
    statuses = list(config.claim_statuses)
    example = "reported" if "reported" in statuses else statuses[0]
    tail = (t.NEW_BRIEF_TAIL.replace("__STATUSES__", ", ".join(statuses))
            .replace("__STATUS__ ", example + " " * max(1, 9 - len(example))))
    return (head + kinds + tail).replace("__DATE__", today.isoformat())


def _entity_text(kind: str, name: str, today: dt.date) -> str:
    text = f"name: {_yaml_scalar(name)}\n" + t.NEW_ENTITY_REQUIRED.get(kind, "") + t.NEW_ENTITY
    text += t.NEW_ENTITY_EXTRA.get(kind, "") + t.NEW_ENTITY_FACTS
    return text.replace("__DATE__", today.isoformat())
