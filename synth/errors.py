"""Diagnostics: the one error type every stage reports through.

Stages never raise on bad content. They return `Diagnostic` objects, collected in order, so a researcher
sees every problem in a content tree in one run, printed in the compiler format editors understand:
``path:line:col: error[code]: message`` followed by an indented ``hint:`` line.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]
INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufdd0-\ufdef\ufffe\uffff]")
"""Characters a terminal would act on or hide: controls (line feed and tab too), bidirectional overrides and
marks, line and paragraph separators, and noncharacters."""


def visible(text: str) -> str:
    r"""``text`` with every character in `INVISIBLE` written as an escape (``\x1b``, ``\u202e``), for a terminal."""
    return INVISIBLE.sub(lambda match: f"\\x{ord(match.group()):02x}" if ord(match.group()) < 0x100
                         else f"\\u{ord(match.group()):04x}", text)


def shown_path(path: str) -> str:
    """A path for a diagnostic line: quoted, with escapes, when it holds a character `visible` would change."""
    return path if INVISIBLE.search(path) is None else '"' + visible(path).replace('"', '\\"') + '"'


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file: a path as the user sees it, and a 1-based line and column."""

    path: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{shown_path(self.path)}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in the content: where, which record, what, and how to fix it."""

    code: str
    message: str
    location: Location | None = None
    record_id: str | None = None
    hint: str | None = None
    severity: Severity = "error"

    def format(self) -> str:
        """Render as ``path:line:col: severity[code]: message`` plus an indented hint line.

        Whatever the message and hint quote from the input is printed with its control characters made
        visible (`visible`), and a path holding any is quoted, so a diagnostic is always the lines it says.
        """
        where = f"{self.location}: " if self.location else ""
        text = f"{where}{self.severity}[{self.code}]: {visible(self.message)}"
        if self.hint:
            text += f"\n  hint: {visible(self.hint)}"
        return text

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready view, for ``synth check --format json``."""
        loc = self.location
        return {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "path": loc.path if loc else None,
            "line": loc.line if loc else None,
            "column": loc.column if loc else None,
            "record": self.record_id,
            "hint": self.hint,
        }

    def escalated(self) -> Diagnostic:
        """The same diagnostic as an error (``--strict`` turns warnings into errors)."""
        return Diagnostic(self.code, self.message, self.location, self.record_id, self.hint, "error")


class SynthError(Exception):
    """Raised at a boundary (CLI, plugin) when diagnostics contain errors; carries them all."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        super().__init__("\n".join(d.format() for d in self.diagnostics))


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A hint naming the closest valid choice to a mistyped ``word``, or None."""
    matches = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"did you mean '{matches[0]}'?" if matches else None


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Order by file, then line and column; diagnostics without a place come last."""

    def key(d: Diagnostic) -> tuple[int, str, int, int, str]:
        if d.location is None:
            return (1, "", 0, 0, d.code)
        return (0, d.location.path, d.location.line, d.location.column, d.code)

    return sorted(diagnostics, key=key)
