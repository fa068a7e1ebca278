"""Diagnostics are data: every problem found while loading a site is a
:class:`Diagnostic`; one formatter prints them; one exception root carries the
fatal ones to the CLI, which turns them into exit status 1 or 2."""

from __future__ import annotations

import difflib
import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem, located in a file of the site (``path`` is relative to the site folder)."""

    path: str
    line: int
    col: int
    severity: Severity
    message: str
    hint: str = ""

    def format(self) -> str:
        """One line, always: a line break or other control character that a file name or a YAML key
        brought in is shown escaped (``\\n``), so it cannot start a line of its own (in a CI log, a
        line of its own can be a command: GitHub's ``::error::``)."""
        text = f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return one_line(text)


def one_line(text: str) -> str:
    """``text`` with every character that could break a line shown escaped (``\\n``): what briefgen prints
    about files and settings stays one line, whatever their names hold."""
    return _CONTROL.sub(lambda m: repr(m[0])[1:-1], text)


_CONTROL = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]")  # what could break a line (str.splitlines)


def shell_word(path: str) -> str:
    """``path`` as one word that a shell reads back as it is, in a command to copy: quoted when it must
    be (spaces, quotes, ``$``, letters beyond ASCII...), and never taken for an option (``./-x``)."""
    return shlex.quote("./" + path if path.startswith("-") else path)


@dataclass
class Diagnostics:
    """An append-only collection of diagnostics, shared by every loading step."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, path: str, line: int, col: int, message: str, hint: str = "") -> None:
        self.items.append(Diagnostic(path, line, col, "error", message, hint))

    def warning(self, path: str, line: int, col: int, message: str, hint: str = "") -> None:
        self.items.append(Diagnostic(path, line, col, "warning", message, hint))

    def extend(self, other: Iterable[Diagnostic]) -> None:
        self.items.extend(other)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    def failed(self, strict: bool) -> bool:
        """True when the build must stop: any error, or any warning under ``--strict``."""
        return bool(self.errors) or (strict and bool(self.warnings))

    def sorted(self) -> list[Diagnostic]:
        """Stable report order: by file, then position; duplicates dropped."""
        return sorted(set(self.items), key=lambda d: (d.path, d.line, d.col, d.severity, d.message))


def format_all(diagnostics: Iterable[Diagnostic]) -> str:
    return "\n".join(d.format() for d in diagnostics)


def did_you_mean(word: str, choices: Iterable[str], n: int = 3) -> str:
    """A hint naming the closest choices, or ``""`` when none is close."""
    choices = sorted(set(choices))
    close = difflib.get_close_matches(word, choices, n=n, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in choices}
        close = [lowered[c] for c in difflib.get_close_matches(word.lower(), list(lowered), n=n, cutoff=0.5)]
    if not close:
        return ""
    return "did you mean " + " or ".join(repr(c) for c in close) + "?"


class BriefgenError(Exception):
    """Root of every error the CLI reports without a traceback."""

    exit_code = 1
    done = ""  # what the command did before it failed (deploy: built and committed), shown before the error


class ContentError(BriefgenError):
    """The site's content or configuration is invalid; carries the diagnostics."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        super().__init__(f"{len(diagnostics)} problem(s) in the site")


class UsageError(BriefgenError):
    """Bad command-line arguments or an output folder briefgen refuses to touch."""

    exit_code = 2
