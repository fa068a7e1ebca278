"""Site configuration (``briefgen.yaml``): declared keys, defaults, validation."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from . import schema
from .diagnostics import Diagnostics, UsageError, one_line, shell_word
from .frontmatter import parse_yaml_file
from .schema import Field, Reader

if TYPE_CHECKING:
    from .i18n import Strings
    from .theme import Theme

CONFIG_FILE = "briefgen.yaml"

# Top-level output paths the built-in pages use; entity kinds may not take them.
RESERVED_PATHS = frozenset({"briefs", "claims", "timeline", "tags", "search", "assets", "static", "feed.xml",
                            "sitemap.xml", "robots.txt", "404.html", "index.html", "page"})


def is_site_folder(folder: Path) -> bool:
    """Whether ``folder`` holds a site: its ``briefgen.yaml``, or a ``content/`` folder."""
    return (folder / CONFIG_FILE).is_file() or (folder / "content").is_dir()


def not_a_site(folder: Path, command: str) -> UsageError | None:
    """The error for running ``command`` in (or on) a folder that holds no site, None when it holds one. Most
    likely the wrong folder (``content/briefs/`` of a site): the enclosing site folder, if any, is named."""
    if is_site_folder(folder):
        return None
    folder = folder.absolute()
    site = next((p for p in folder.parents if is_site_folder(p)), None)
    if site is not None:
        return UsageError(f"{folder} is not a site folder (no {CONFIG_FILE} or content/ in it), but is inside the "
                          f"site {site}: run the command there, or pass it: briefgen {command} {shell_word(str(site))}")
    return UsageError(f"{folder} is not a site folder (no {CONFIG_FILE} or content/ in it): run the command in your "
                      f"site folder, pass it (briefgen {command} DIR), or create a site with 'briefgen init DIR'")


@dataclass(frozen=True)
class KindConfig:
    """An entity kind: the folder under ``content/`` and in the URL, and how to name it."""

    key: str
    label: str
    singular: str
    # the fields briefgen.yaml left to briefgen, shown in the site's language (sorted: digested with the rest)
    defaults: tuple[str, ...] = ()


@dataclass(frozen=True)
class StatusConfig:
    """A claim status of the site's vocabulary."""

    key: str
    label: str
    description: str
    # the fields briefgen.yaml left to briefgen, shown in the site's language (sorted: digested with the rest)
    defaults: tuple[str, ...] = ()


_BUILT_IN = ("description", "label", "singular")
DEFAULT_KINDS = {
    "people": KindConfig("people", "People", "Person", _BUILT_IN),
    "ships": KindConfig("ships", "Ships", "Ship", _BUILT_IN),
    "events": KindConfig("events", "Events", "Event", _BUILT_IN),
    "organizations": KindConfig("organizations", "Organizations", "Organization", _BUILT_IN),
    "places": KindConfig("places", "Places", "Place", _BUILT_IN),
}

DEFAULT_STATUSES = {
    s.key: s
    for s in (
        StatusConfig("confirmed", "Confirmed",
                     "Verified by independent sources or an on-record official confirmation.", _BUILT_IN),
        StatusConfig("reported", "Reported", "Reported by a named outlet; not independently confirmed.", _BUILT_IN),
        StatusConfig("claimed", "Claimed", "Asserted by an interested party; not independently verified.", _BUILT_IN),
        StatusConfig("disputed", "Disputed", "Contested by credible sources or evidence.", _BUILT_IN),
        StatusConfig("denied", "Denied", "Denied by the person or body it concerns.", _BUILT_IN),
        StatusConfig("unverified", "Unverified", "Could not be verified either way.", _BUILT_IN),
        StatusConfig("false", "False", "Shown to be false by credible evidence.", _BUILT_IN),
    )
}

# Statuses that are not a verdict: no ClaimReview structured data for them.
NON_VERDICT_STATUSES = frozenset({"reported", "claimed"})


@dataclass(frozen=True)
class SiteConfig:
    """Everything ``briefgen.yaml`` can set. Every field has a default."""

    title: str = "Briefing"
    description: str = ""
    base_url: str = ""
    language: str = "en"
    theme: str = "default"
    output_dir: str = "site"
    summary_max_length: int = 300
    entity_kinds: dict[str, KindConfig] = field(default_factory=lambda: dict(DEFAULT_KINDS))
    claim_statuses: dict[str, StatusConfig] = field(default_factory=lambda: dict(DEFAULT_STATUSES))
    markdown_html: bool = False
    cname: str | None = None
    max_file_size: int = 1_000_000
    page_size: int = 100
    image: str = ""  # a static file's path, or an http(s) URL: the picture link previews show
    strings: Strings | None = None  # the theme's words in the site's language (briefgen.i18n): see localized()

    def absolute(self, path: str) -> str:
        """An absolute URL for a site-relative path (``''`` when no base_url is set)."""
        if not self.base_url:
            return ""
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")


def _read_kinds(node: yaml.Node, r: Reader, name: str) -> dict[str, KindConfig] | None:
    entries = schema.mapping(node, r, name)
    if entries is None:
        return None
    kinds: dict[str, KindConfig] = {}
    invalid = False
    for key, (key_node, value_node) in entries.items():
        if not schema.is_id(key) or key in RESERVED_PATHS:
            better = schema.slugify(key)
            if key in RESERVED_PATHS:
                hint = f"not a built-in section name ({', '.join(sorted(RESERVED_PATHS))})"
            elif schema.id_shaped(key):  # a name Windows reserves, or too long
                hint = schema.id_hint(key)
            elif schema.is_id(better) and better not in RESERVED_PATHS:
                hint = f"a kind is a folder name of lower-case letters, digits and hyphens, e.g. {better!r}"
            else:
                hint = "a kind is a folder name of lower-case letters, digits and hyphens"
            r.error(key_node, f"'{key}' cannot be an entity kind", hint)
            invalid = True
            continue
        values, _ = schema.read_fields(value_node, r, KIND_FIELDS, f"entity kind '{key}'")
        known = DEFAULT_KINDS.get(key)
        label = values.get("label") or (known.label if known else key.replace("-", " ").title())
        singular = values.get("singular") or (known.singular if known and "label" not in values else _singular(label))
        # A built-in kind's names that briefgen.yaml leaves out are shown in the site's language (localized())
        defaults = set() if known is None else {"label"} - values.keys()
        if known is not None and not {"label", "singular"} & values.keys():
            defaults.add("singular")
        kinds[key] = KindConfig(key, label, singular, tuple(sorted(defaults)))
    if not kinds:
        if not invalid:  # (kinds it could not take are reported where they are)
            r.error(node, "entity_kinds must name at least one kind", "e.g. entity_kinds: {people: {}, ships: {}}")
        return None
    return kinds


# Words the rules below would get wrong (news is not a new; a movie is not a movy): kept as they are.
_SAME_IN_SINGULAR = frozenset({"news", "series", "species", "movies", "cookies", "zombies", "rookies", "calories",
                               "pies", "ties", "lies", "selfies", "hoodies", "genies", "goalies", "prairies",
                               "aunties"})


def _singular(label: str) -> str:
    """A kind's name for one of it, when ``singular`` is not given: English plurals made singular the
    simple way (Vehicles → Vehicle, Agencies → Agency, Witnesses → Witness); anything it cannot be sure of
    as it is (Series, News), which ``singular:`` then names."""
    lower = label.lower()
    if not lower.split() or lower.split()[-1] in _SAME_IN_SINGULAR:  # (the last word makes the plural)
        return label
    if lower.endswith("ies") and len(label) > 3:
        return label[:-3] + ("Y" if label[-3:].isupper() else "y")
    if lower.endswith(("sses", "shes", "ches", "xes", "zes")):
        return label[:-2]
    if lower.endswith("s") and not lower.endswith(("ss", "us", "is")):
        return label[:-1]
    return label


def _read_statuses(node: yaml.Node, r: Reader, name: str) -> dict[str, StatusConfig] | None:
    entries = schema.mapping(node, r, name)
    if entries is None:
        return None
    statuses: dict[str, StatusConfig] = {}
    for key, (key_node, value_node) in entries.items():
        if not schema.is_id(key):
            r.error(key_node, f"'{key}' cannot be a claim status", schema.id_hint(key))
            continue
        values, _ = schema.read_fields(value_node, r, STATUS_FIELDS, f"claim status '{key}'")
        known = DEFAULT_STATUSES.get(key)
        statuses[key] = StatusConfig(key, values.get("label") or (known.label if known else key.title()),
                                     values.get("description") or (known.description if known else ""),
                                     tuple(sorted({"description", "label"} - values.keys())) if known else ())
    if not statuses:
        r.error(node, "claim_statuses must name at least one status", "e.g. claim_statuses: {confirmed: {}, "
                                                                       "disputed: {}}")
        return None
    return statuses


def _read_markdown(node: yaml.Node, r: Reader, name: str) -> dict | None:
    values, _ = schema.read_fields(node, r, MARKDOWN_FIELDS, "markdown")
    return values


def _read_base_url(node: yaml.Node, r: Reader, name: str) -> str | None:
    value = schema.http_url(node, r, name)
    if value is None:
        return None
    problem = schema.base_url_problem(value)
    if problem is not None:
        r.error(node, f"'{name}' is not a site's address: {problem}", "e.g. https://alice.github.io/briefs/")
        return None
    return value if value.endswith("/") else value + "/"


def _read_cname(node: yaml.Node, r: Reader, name: str) -> str | None:
    """Checked with the rest of the configuration (``check``, ``build``), not only when ``deploy`` comes to
    write the ``CNAME`` file, by the same rule (:func:`schema.bare_domain`)."""
    value = schema.text(node, r, name)
    if value is None:
        return None
    domain = schema.bare_domain(value)
    if domain is None:
        r.error(node, f"'{name}' must be a bare domain name like briefs.example.org, not {value[:60]!r}",
                schema.domain_hint(value, f"{name}: "))
    return domain


# A BCP 47 language tag as HTML's lang and Atom's xml:lang take it: a language, then subtags (script, region...)
_LANGUAGE = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*")


def _read_language(node: yaml.Node, r: Reader, name: str) -> str | None:
    value = schema.text(node, r, name)
    if value is None:
        return None
    if not _LANGUAGE.fullmatch(value):
        guess = re.sub(r"[\s_]+", "-", value.strip())
        hint = f"e.g. {name}: {guess}" if _LANGUAGE.fullmatch(guess) else f"e.g. {name}: en, {name}: pt-BR"
        r.error(node, f"'{name}' must be a language tag like en, fr or pt-BR, not {value[:40]!r}", hint)
        return None
    return value


def _read_image(node: yaml.Node, r: Reader, name: str) -> str | None:
    """A static file's path (``assets/share.png``), or an http(s) URL."""
    if isinstance(node, yaml.ScalarNode) and schema.url_scheme(node.value):
        return schema.http_url(node, r, name)
    value = schema.text(node, r, name)
    if value is None:
        return None
    path = value.lstrip("/")
    parts = path.split("/")
    if any(p in ("", ".", "..") for p in parts) or schema.bad_char(path) or any(c in path for c in "\\ #?"):
        r.error(node, f"'{name}' must be the path of a static file, like assets/share.png, or an https:// URL, "
                f"not {value[:60]!r}", "put the picture in static/ and write its path from there")
        return None
    return path


def _read_output_dir(node: yaml.Node, r: Reader, name: str) -> str | None:
    value = schema.text(node, r, name)
    if value is not None and one_line(value) != value:  # (a NUL, a line break...: no folder name of ours)
        r.error(node, "output_dir contains a control character", "write a plain folder path, e.g. site")
        return None
    return value


KIND_FIELDS = {
    "label": Field(schema.text, "plural name shown in menus, e.g. People"),
    "singular": Field(schema.text, "singular name, e.g. Person"),
}
STATUS_FIELDS = {
    "label": Field(schema.text, "name shown on badges, e.g. Confirmed"),
    "description": Field(schema.text, "one sentence explaining the status"),
}
MARKDOWN_FIELDS = {
    "html": Field(schema.boolean, "pass raw HTML in Markdown through (unsafe for untrusted content)"),
}
CONFIG_FIELDS = {
    "title": Field(schema.text, "the site's name"),
    "description": Field(schema.text, "one sentence shown on the home page and in metadata"),
    "base_url": Field(_read_base_url, "absolute URL where the site is published, for feeds and sitemap"),
    "language": Field(_read_language, "language tag for <html lang> and the feeds, e.g. en or pt-BR"),
    "theme": Field(schema.text, "theme name: default or a folder under themes/"),
    "output_dir": Field(_read_output_dir, "where the site is built, relative to the site folder"),
    "summary_max_length": Field(lambda n, r, k: schema.integer(n, r, k, 1, 300), "longest summary, in characters"),
    "entity_kinds": Field(_read_kinds, "the entity kinds: folder → {label, singular}"),
    "claim_statuses": Field(_read_statuses, "the claim status vocabulary, in order"),
    "markdown": Field(_read_markdown, "Markdown options: {html: false}"),
    "cname": Field(_read_cname, "custom domain written to CNAME by briefgen deploy"),
    "max_file_size": Field(lambda n, r, k: schema.integer(n, r, k, 1, 1_000_000), "largest content file, in bytes"),
    "page_size": Field(lambda n, r, k: schema.integer(n, r, k, 1, 100), "items per page on long list pages"),
    "image": Field(_read_image, "the picture link previews show: a static file's path or an https:// URL"),
}


def _read_config(site_dir: Path, diagnostics: Diagnostics) -> tuple[dict, dict]:
    """The fields of ``briefgen.yaml`` and where each is written; none when there is no such file."""
    path = site_dir / CONFIG_FILE
    if not path.is_file():
        return {}, {}
    if path.is_symlink() and not path.resolve().is_relative_to(site_dir.resolve()):
        diagnostics.error(CONFIG_FILE, 1, 1, f"{CONFIG_FILE} is a symlink to a file outside the site",
                          "copy the file into the site instead")
        return {}, {}
    from .sources import read_text  # local import: sources imports config for limits

    text = read_text(path, CONFIG_FILE, diagnostics, max_size=1_000_000)
    if text is None:
        return {}, {}
    doc = parse_yaml_file(text, CONFIG_FILE, diagnostics)
    if doc is None or doc.node is None:
        return {}, {}
    r = Reader(CONFIG_FILE, diagnostics, line_offset=doc.line_offset)
    return schema.read_fields(doc.node, r, CONFIG_FIELDS, CONFIG_FILE)


def _theme_checked(site_dir: Path, values: dict, positions: dict, diagnostics: Diagnostics) -> None:
    """Report a theme that cannot be loaded, beside every other problem (the build then stops before
    rendering): the one ``theme:`` names, at that line (and dropped from ``values``); else the site's own
    ``themes/default/``, the theme when none is named, at its ``theme.yaml``."""
    local_default = site_dir / "themes" / "default"
    if "theme" not in values and not local_default.is_dir():
        return  # the built-in default
    from .theme import theme_problem  # local import, as above

    problem = theme_problem(site_dir, values.get("theme", "default"))
    if problem is None:
        return
    if "theme" in values:
        p = positions["theme"]
        diagnostics.error(CONFIG_FILE, p.line, p.col, *problem)
        del values["theme"]
    else:
        diagnostics.error(f"themes/default/{'theme.yaml' if (local_default / 'theme.yaml').is_file() else ''}",
                          1, 1, *problem)


def _language_checked(theme: Theme, values: dict, positions: dict, diagnostics: Diagnostics) -> None:
    """Warn at ``language:`` when neither the site nor its theme has strings in that language (or a more general
    one: ``pt`` for ``pt-BR``): the words around the content would be English (briefgen.i18n)."""
    from .i18n import FALLBACK, language_files, tags

    language = values["language"]
    if language.lower().split("-")[0] == FALLBACK:
        return  # English, or a kind of it
    files = set().union(*(language_files(folder) for folder in theme.i18n_dirs))
    if set(tags(language)) & (files - {FALLBACK}):
        return
    p = positions["language"]
    shipped = ", ".join(sorted(files)) or FALLBACK
    diagnostics.warning(CONFIG_FILE, p.line, p.col,
                        f"neither the site nor its theme has words in {language!r}: menus, labels and dates will be "
                        f"in English", f"the theme has {shipped}; write i18n/{language}.yaml for {language!r} "
                        "(docs/themes.md, Languages), or set language: en")


def _image_checked(site_dir: Path, theme: Theme | None, values: dict, positions: dict,
                   diagnostics: Diagnostics) -> None:
    """Warn when ``image`` names no static file of the site or its theme: link previews would show none."""
    folders = theme.static_dirs if theme is not None else (site_dir / "static",)
    if not any((folder / values["image"]).is_file() for folder in folders):
        p = positions["image"]
        diagnostics.warning(CONFIG_FILE, p.line, p.col, f"image {values['image']!r} is not a static file of the site",
                            f"put the picture at static/{values['image']}, or give its https:// URL")


def localized(config: SiteConfig, strings: Strings) -> SiteConfig:
    """``config`` with ``strings`` and, for the built-in entity kinds and claim statuses, the names and
    descriptions it leaves to briefgen in ``strings``' language (``kind_people``, ``status_confirmed``…)."""
    values = strings.values

    def say(key: str, default: str) -> str:
        value = values.get(key)
        return value if isinstance(value, str) and value else default

    kinds = {k: replace(c, label=say(f"kind_{k}", c.label) if "label" in c.defaults else c.label,
                        singular=say(f"kind_{k}_singular", c.singular) if "singular" in c.defaults else c.singular)
             for k, c in config.entity_kinds.items()}
    statuses = {k: replace(s, label=say(f"status_{k}", s.label) if "label" in s.defaults else s.label,
                           description=say(f"status_{k}_description", s.description)
                           if "description" in s.defaults else s.description)
                for k, s in config.claim_statuses.items()}
    return replace(config, entity_kinds=kinds, claim_statuses=statuses, strings=strings)


def load_config(site_dir: Path, diagnostics: Diagnostics) -> SiteConfig:
    """Read ``briefgen.yaml`` if present; problems go to ``diagnostics``; defaults fill the rest. With or
    without the file, a theme that cannot be loaded is one of those problems (:func:`_theme_checked`)."""
    values, positions = _read_config(site_dir, diagnostics)
    _theme_checked(site_dir, values, positions, diagnostics)
    if "output_dir" in values:
        from .output import placement_problem  # local import, as above

        path = Path(values["output_dir"])
        problem = placement_problem(site_dir, path if path.is_absolute() else site_dir / path)
        if problem is not None:  # a build would refuse it: said here, where it is written (check included)
            p = positions["output_dir"]
            diagnostics.error(CONFIG_FILE, p.line, p.col, f"output_dir {values['output_dir']!r} is {problem}",
                              "build into a folder of its own, e.g. output_dir: site")
            values["output_dir"] = ""  # none: a build without --out stops before it touches any folder
    image = values.get("image") and "://" not in values["image"]
    if image or "language" in values:
        from .theme import load_theme  # local import, as above

        theme = None
        with contextlib.suppress(UsageError):  # (reported by _theme_checked)
            theme = load_theme(site_dir, values.get("theme", "default"))
        if image:
            _image_checked(site_dir, theme, values, positions, diagnostics)
        if "language" in values and theme is not None:
            _language_checked(theme, values, positions, diagnostics)
    markdown = values.pop("markdown", {})
    if "html" in markdown:
        values["markdown_html"] = markdown["html"]
    return SiteConfig(**values)
