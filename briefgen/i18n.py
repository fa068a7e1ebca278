"""The words a site shows around its content, in the site's language: labels, headings, dates, page titles.

They come from ``i18n/<language>.yaml`` files: the site's own ``i18n/`` folder first, then each theme's
(the site's theme, then the themes it extends, the built-in default last). For ``language: pt-BR`` a
string is looked for in every ``pt-BR.yaml``, then in every ``pt.yaml``, then in every ``en.yaml``, so a
site may translate a few strings and a theme may ship a language in part. ``en.yaml`` names every string
there is (a string no ``en.yaml`` has is a warning where it is written) and its shape: text, text by
plural form (``one:``, ``other:``…, chosen by the language's plural rules) or a list of twelve months.
Placeholders such as ``{count}`` are those its English text uses; a translation may leave any out.

Templates use them through the ``t`` filter (:mod:`briefgen.templating`); Python through
:meth:`Strings.text` and :meth:`Strings.date`. Documented in docs/themes.md ("Languages")."""

from __future__ import annotations

import datetime as dt
import functools
import re
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import schema
from .cache import text_digest
from .diagnostics import Diagnostics, did_you_mean
from .frontmatter import parse_yaml_file
from .schema import Reader

FOLDER = "i18n"
FALLBACK = "en"
FORMS = ("zero", "one", "two", "few", "many", "other")
MAX_FILE_SIZE = 1_000_000

Value = str | dict[str, str] | tuple[str, ...]


# CLDR's cardinal plural rules (https://www.unicode.org/cldr/charts/latest/supplemental/language_plural_rules.html),
# for whole numbers, of the languages below; any other language: "one" for 1, else "other". A browser's
# Intl.PluralRules follows CLDR too (search.js uses it), so pages and search results agree for these languages.
def _one_other(n: int) -> str:
    return "one" if n == 1 else "other"


def _zero_one_other(n: int) -> str:  # 0 and 1 are singular: Hindi, Persian, Bengali…
    return "one" if n in (0, 1) else "other"


def _romance(n: int) -> str:  # Spanish, Italian, Catalan, Portuguese (Portugal): a million is "many" (un million de)
    return "one" if n == 1 else "many" if n and n % 1_000_000 == 0 else "other"


def _french(n: int) -> str:  # French, Portuguese (Brazil): 0 and 1 are singular
    return "one" if n in (0, 1) else "many" if n % 1_000_000 == 0 else "other"


def _other(n: int) -> str:  # languages without plural forms
    return "other"


def _east_slavic(n: int) -> str:  # Russian, Ukrainian, Belarusian
    if n % 10 == 1 and n % 100 != 11:
        return "one"
    return "few" if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else "many"


def _south_slavic(n: int) -> str:  # Croatian, Serbian, Bosnian
    if n % 10 == 1 and n % 100 != 11:
        return "one"
    return "few" if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else "other"


def _polish(n: int) -> str:
    if n == 1:
        return "one"
    return "few" if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else "many"


def _czech(n: int) -> str:  # Czech, Slovak
    return "one" if n == 1 else "few" if 2 <= n <= 4 else "other"


def _slovenian(n: int) -> str:
    return {1: "one", 2: "two", 3: "few", 4: "few"}.get(n % 100, "other")


def _lithuanian(n: int) -> str:
    if 11 <= n % 100 <= 19:
        return "other"
    return "one" if n % 10 == 1 else "few" if n % 10 >= 2 else "other"


def _latvian(n: int) -> str:
    if n % 10 == 0 or 11 <= n % 100 <= 19:
        return "zero"
    return "one" if n % 10 == 1 else "other"


def _romanian(n: int) -> str:
    return "one" if n == 1 else "few" if n == 0 or 1 <= n % 100 <= 19 else "other"


def _one_but_eleven(n: int) -> str:  # Icelandic, Macedonian
    return "one" if n % 10 == 1 and n % 100 != 11 else "other"


def _irish(n: int) -> str:
    return "one" if n == 1 else "two" if n == 2 else "few" if 3 <= n <= 6 else "many" if 7 <= n <= 10 else "other"


def _welsh(n: int) -> str:
    return {0: "zero", 1: "one", 2: "two", 3: "few", 6: "many"}.get(n, "other")


def _arabic(n: int) -> str:
    if n in (0, 1, 2):
        return ("zero", "one", "two")[n]
    return "few" if 3 <= n % 100 <= 10 else "many" if 11 <= n % 100 <= 99 else "other"


def _hebrew(n: int) -> str:
    return "one" if n == 1 else "two" if n == 2 else "other"


PLURAL_RULES: dict[str, Callable[[int], str]] = {
    "fr": _french, "pt": _french, "pt-pt": _romance, "es": _romance, "it": _romance, "ca": _romance,
    "ru": _east_slavic, "uk": _east_slavic, "be": _east_slavic,
    "hr": _south_slavic, "sr": _south_slavic, "bs": _south_slavic, "sh": _south_slavic,
    "pl": _polish, "cs": _czech, "sk": _czech, "sl": _slovenian, "lt": _lithuanian, "lv": _latvian, "ro": _romanian,
    "is": _one_but_eleven, "mk": _one_but_eleven, "ga": _irish, "cy": _welsh, "ar": _arabic, "he": _hebrew,
    **dict.fromkeys(("hi", "fa", "bn", "gu", "kn", "am", "zu", "as", "si"), _zero_one_other),
    **dict.fromkeys(("ja", "zh", "ko", "th", "vi", "id", "ms", "lo", "km", "my", "yue"), _other),
}


def plural_rule(language: str) -> Callable[[int], str]:
    tag = language.lower()
    return PLURAL_RULES.get(tag) or PLURAL_RULES.get(tag.split("-")[0]) or _one_other


@dataclass(frozen=True, eq=False)
class Strings:
    """Every string a theme names, in one language (those it lacks in English). ``digest`` changes
    with any of them, so pages and compiled templates that show them are made again."""

    language: str
    values: dict[str, Value]
    digest: bytes = b""
    # the language of plural strings that came from another language's file (English where the site's has none):
    # their forms are chosen by that language's rules ("21 claims", not the Russian "21 claim")
    origins: dict[str, str] = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:  # digested with the configuration: deterministic, and short
        return f"Strings({self.language!r}, {self.digest.hex()})"

    def form(self, key: str, count: int | None) -> str:
        """The text of ``key`` (for ``count``, when it has plural forms); KeyError for an unknown key."""
        value = self.values[key]
        if isinstance(value, dict):
            if count is None:
                raise ValueError(f"the string {key!r} has plural forms: give it count=…")
            if count == 0 and "zero" in value:  # a zero form, when given, is for 0 in any language ("0 notas")
                return value["zero"]
            form = value.get(plural_rule(self.origins.get(key, self.language))(count))
            return value["other"] if form is None else form
        if isinstance(value, tuple):
            raise ValueError(f"the string {key!r} is a list")
        return value

    def text(self, key: str, **fields: object) -> str:
        """``key``'s text with its ``{placeholders}`` filled in (``count`` also picks the plural form)."""
        value = self.form(key, fields.get("count"))  # type: ignore[arg-type]
        return value.format_map(fields)

    def date(self, value: dt.date) -> str:
        """``1 December 2025``, or ``1 December 2025, 17:00 UTC-05:00`` for a time (``date_format``,
        ``datetime_format``, ``first_day``; locale-independent, so output is deterministic). The date's own
        spaces are no-break spaces: a line never ends between day and month; it may between date and time."""
        months = self.values["months"]
        day = self.values["first_day"] if value.day == 1 else value.day  # (French: 1er)
        text = self.values["date_format"].format(day=day, month=months[value.month - 1],  # type: ignore[union-attr]
                                                 year=value.year).replace(" ", "\u00a0")
        if isinstance(value, dt.datetime):
            offset = value.strftime("%z")
            zone = "UTC" if offset in ("", "+0000") else f"UTC{offset[:3]}:{offset[3:5]}"
            text = self.values["datetime_format"].format(date=text, time=f"{value:%H:%M}",  # type: ignore[union-attr]
                                                         zone=zone)
        return text


@dataclass
class _Shape:
    """What ``en.yaml`` (the first one, from the base theme up, to name a key) says a string is."""

    kind: str  # "text", "plural" or "months"
    fields: frozenset[str]


_BRACED = re.compile(r"\{[^{}]*\}")
_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")


def _fields(text: str) -> set[str] | str:
    """The placeholders of ``text``, or what is wrong with them: each must be ``{name}`` (search.js fills in
    no other kind), ``{{`` and ``}}`` a brace."""
    names = set()
    try:
        for _, name, _, _ in string.Formatter().parse(text):
            if name is not None:
                names.add(name)
    except ValueError as exc:
        return f"its braces do not match ({exc}): write {{name}} for a placeholder, {{{{ or }}}} for a brace"
    for m in _BRACED.finditer(text.replace("{{", "").replace("}}", "")):
        if not _PLACEHOLDER.fullmatch(m[0]):
            return f"'{m[0]}' is not a placeholder: write {{name}}, and {{{{ or }}}} for a brace"
    return names


def _read_value(node: yaml.Node, r: Reader, key: str) -> Value | None:
    name = key
    if isinstance(node, yaml.MappingNode):
        entries = schema.mapping(node, r, name)
        if entries is None:
            return None
        forms = {}
        for form, (key_node, value_node) in entries.items():
            if form not in FORMS:
                r.error(key_node, f"'{form}' is not a plural form", f"use {', '.join(FORMS)} ('other' is required)")
                continue
            text = schema.text(value_node, r, f"{key}.{form}", allow_empty=True)
            if text is not None:
                forms[form] = text
        if "other" not in forms:
            if "other" not in entries:
                r.error(node, f"'{key}' has no 'other' form", "add other: …, the text for any number the other forms "
                                                            "do not cover")
            return None
        return forms
    if isinstance(node, yaml.SequenceNode):
        items = [schema.text(item, r, f"{key} item") for item in node.value]
        if any(item is None for item in items):
            return None
        return tuple(items)  # type: ignore[arg-type]
    if isinstance(node, yaml.ScalarNode) and node.tag == schema.NULL and not node.value:
        return ""  # (`key:` with nothing after it: no words, as `key: ""`)
    return schema.text(node, r, name, allow_empty=True)


def _shape_of(value: Value) -> _Shape:
    kind = "plural" if isinstance(value, dict) else "months" if isinstance(value, tuple) else "text"
    texts = value.values() if isinstance(value, dict) else () if isinstance(value, tuple) else (value,)
    found: set[str] = set()
    for text in texts:
        names = _fields(text)
        if isinstance(names, set):
            found |= names
    return _Shape(kind, frozenset(found))


def _checked(value: Value, shape: _Shape, node: yaml.Node, r: Reader, key: str) -> bool:
    """Whether ``value`` is what ``en.yaml`` says ``key`` is (text, plural forms or months, and placeholders
    it knows), reporting why not."""
    kind = "plural" if isinstance(value, dict) else "months" if isinstance(value, tuple) else "text"
    if kind == "months":
        if shape.kind != "months":
            r.error(node, f"'{key}' must be {'text' if shape.kind == 'text' else 'plural forms'}, not a list",
                    "write it as in the theme's en.yaml")
            return False
        if len(value) != 12:
            r.error(node, f"'{key}' must list the twelve months, not {len(value)}", "January first")
            return False
        return True
    if shape.kind == "months":
        r.error(node, f"'{key}' must be a list of the twelve months", "write [January, February, …]")
        return False
    if kind == "plural" and shape.kind == "text":
        r.error(node, f"'{key}' has no plural forms in the theme's en.yaml", "write it as one line of text")
        return False
    for text in value.values() if isinstance(value, dict) else (value,):  # type: ignore[union-attr]
        names = _fields(text)  # type: ignore[arg-type]
        if isinstance(names, str):
            r.error(node, f"'{key}': {names}")
            return False
        unknown = sorted(names - shape.fields)
        if unknown:
            known = ", ".join(f"{{{n}}}" for n in sorted(shape.fields)) or "none"
            r.error(node, f"'{key}' has the placeholder {{{unknown[0]}}}, which it is not given",
                    f"its placeholders: {known}")
            return False
    return True


def _shown(path: Path, site_dir: Path) -> str:
    try:
        return path.resolve().relative_to(site_dir.resolve()).as_posix()
    except ValueError:
        return str(path)


def _read_file(path: Path, site_dir: Path, diagnostics: Diagnostics
               ) -> list[tuple[str, Value, yaml.Node, yaml.Node, Reader]]:
    """Every string of one file: (key, value, the key's node, the value's node, the file's reader)."""
    from .sources import read_text  # sources imports config, which this module's users import

    rel = _shown(path, site_dir)
    text = read_text(path, rel, diagnostics, MAX_FILE_SIZE, "a strings file holds a few hundred short lines: "
                     "is it the file you meant?")
    if text is None:
        return []
    doc = parse_yaml_file(text, rel, diagnostics)
    if doc is None or doc.node is None:
        return []
    r = Reader(rel, diagnostics, line_offset=doc.line_offset)
    entries = schema.mapping(doc.node, r, rel)
    out = []
    for key, (key_node, value_node) in (entries or {}).items():
        value = _read_value(value_node, r, key)
        if value is not None:
            out.append((key, value, key_node, value_node, r))
    return out


def language_files(folder: Path) -> dict[str, Path]:
    """The language files of one ``i18n/`` folder, by lower-case tag (``pt_BR.yaml`` is ``pt-br``; of ``fr.yaml`` and
    ``fr.yml``, ``fr.yaml``)."""
    if not folder.is_dir():
        return {}
    found: dict[str, Path] = {}
    for p in sorted(folder.iterdir(), key=lambda p: (p.suffix.lower() != ".yaml", p.name)):
        if p.suffix.lower() in (".yaml", ".yml") and p.is_file() and not p.name.startswith("."):
            found.setdefault(p.stem.lower().replace("_", "-"), p)
    return found


def _inside_site(files: dict[str, Path], folder: Path, site_dir: Path, diagnostics: Diagnostics) -> dict[str, Path]:
    """``files`` of an ``i18n/`` folder but those that lead out of where they belong — the site for its own folder,
    the theme for a theme's, as for static files — through a symlink: warned about and not read (the words of
    pages are untrusted text, docs/security.md)."""
    from .sources import _inside  # sources imports config, which this module's users import

    own = folder == site_dir / FOLDER
    root = (site_dir if own else folder.parent).resolve()
    kept = {}
    for tag, path in files.items():
        if _inside(path, root):
            kept[tag] = path
        else:
            where = "the site" if own else "its theme"
            diagnostics.warning(_shown(path, site_dir), 1, 1, f"the file leads out of {where} through a symlink and is "
                                "not read", "copy the file in instead")
    return kept


def tags(language: str) -> list[str]:
    """The files to look in, in order, for ``language``: ``pt-br``, ``pt``, ``en``."""
    parts = language.lower().split("-")
    out = ["-".join(parts[:n]) for n in range(len(parts), 0, -1)]
    return [*out, FALLBACK] if FALLBACK not in out else out


def load(folders: Sequence[Path], site_dir: Path, language: str, diagnostics: Diagnostics) -> Strings:
    """The strings for ``language`` from the ``i18n/`` ``folders`` (first wins), every problem with the files
    read reported."""
    files = [_inside_site(language_files(folder), folder, site_dir, diagnostics) for folder in folders]
    shapes: dict[str, _Shape] = {}
    read: dict[Path, list] = {}
    for found in reversed(files):  # English first, from the base theme up: it names the strings and their shape
        if FALLBACK in found:
            entries = read[found[FALLBACK]] = _read_file(found[FALLBACK], site_dir, diagnostics)
            for key, value, *_ in entries:
                shapes.setdefault(key, _shape_of(value))
    values: dict[str, Value] = {}
    origins: dict[str, str] = {}
    for tag in reversed(tags(language)):  # English, then pt, then pt-BR: later ones replace earlier ones
        for found in reversed(files):
            path = found.get(tag)
            if path is None:
                continue
            entries = read[path] if path in read else _read_file(path, site_dir, diagnostics)
            for key, value, key_node, value_node, r in entries:
                shape = shapes.get(key)
                if shape is None:
                    r.warning(key_node, f"no theme has the string '{key}' (it is not in any en.yaml)",
                              did_you_mean(key, shapes) or "remove it, or add it to en.yaml with its English text")
                elif _checked(value, shape, value_node, r, key):
                    if shape.kind == "plural" and isinstance(value, str) and value and plural_rule(tag) is not _other:
                        r.warning(value_node, f"'{key}' depends on a number, and '{tag}' has plural forms: one line of "
                                  "text is shown for every number", "give its forms, as one: … and other: …; or "
                                  "other: alone, for a text that reads right with any number")
                    values[key] = value
                    origins[key] = tag
    values = {key: values[key] for key in sorted(values)}
    base = language.lower().split("-")[0]
    origins = {key: origins[key] for key in sorted(values)  # (pt for pt-PT is Portuguese: pt-PT's rules)
               if isinstance(values[key], dict) and origins[key].split("-")[0] != base}
    return Strings(language, values, text_digest(language, values, origins), origins)


@functools.cache
def default_strings() -> Strings:
    """The built-in default theme's English strings: what a site's configuration gives views and templates
    until :func:`briefgen.config.localized` gives them the site's own (``check``, tests)."""
    from .theme import builtin_themes_dir  # theme imports this module's users

    return load([builtin_themes_dir() / "default" / FOLDER], Path(), FALLBACK, Diagnostics())
