"""Rows of the long listings, rendered once and taken again while what they show is the same.

Under `mkdocs serve` an edit changes a row or two of tables thousands of rows long. Each row is rendered by
a macro of `_rows.md.j2` from plain values (text, numbers, tuples, the page's `Links`), which are also its
key, so a row whose values are those of the last build is taken from it. The macro is given nothing but
its key: a row cannot show something its key does not hold. Nothing here knows of MkDocs.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from markupsafe import Markup

from synth.site.markup import ENVIRONMENT

TEMPLATE = "_rows.md.j2"


class RowCache:
    """The rows rendered in one build, taking unchanged rows from the build before (``last``)."""

    def __init__(self, last: RowCache | None = None) -> None:
        self._last = last._rows if last is not None else {}
        self._rows: dict[tuple[Hashable, ...], Markup] = {}
        self.rendered = 0
        """How many rows were rendered rather than taken again: what tests count."""

    def row(self, macro: str, *values: Hashable) -> Markup:
        """The row the macro ``macro`` renders from ``values``, rendered only if the last build did not."""
        key = (macro, *values)
        row = self._rows.get(key)
        if row is None:
            row = self._last.get(key)
            if row is None:
                row = Markup(_macro(macro)(*values))
                self.rendered += 1
            self._rows[key] = row
        return row

    def done(self) -> None:
        """Every page of this build is rendered: let go of the last build's rows."""
        self._last = {}


def _macro(name: str) -> Any:
    """A macro of the rows' template."""
    return getattr(ENVIRONMENT.get_template(TEMPLATE).module, name)
