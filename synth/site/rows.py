"""Rows of the long listings, rendered once and taken again while what they show is the same.

Under `mkdocs serve` an edit changes a row or two of tables thousands of rows long. Each row is rendered by
a macro of `_rows.md.j2` from plain values (text, numbers, tuples, the page's `Links`), which are also its
key, so a row whose values are those of the last build is taken from it. The macro is given nothing but
its key: a row cannot show something its key does not hold.

Working out a row's values (its filters, its counts) costs more than rendering it once they are known. A row
that shows one record and no more of the others than its record's page does is taken as the last build made
it, without its values, when no record within reach changed (the rule that keeps a record's page,
`synth.site.incremental`) and its ``context`` (anything else it shows, such as the matrix's columns) is the
same. Nothing here knows of MkDocs.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Set
from typing import Any

from markupsafe import Markup

from synth.site.markup import ENVIRONMENT

TEMPLATE = "_rows.md.j2"


Record = tuple[str, str]
"""A record by kind and id."""


class RowCache:
    """The rows rendered in one build, taking unchanged rows from the build before (``last``).

    ``fresh`` are the records within reach of what changed since ``last`` (`synth.site.incremental`); None when
    anything may have changed.
    """

    def __init__(self, last: RowCache | None = None, fresh: Set[Record] | None = None) -> None:
        self._last = last._rows if last is not None else {}
        self._last_by_record = last._by_record if last is not None and fresh is not None else {}
        self._fresh = fresh if fresh is not None else frozenset()
        self._rows: dict[tuple[Hashable, ...], Markup] = {}
        self._by_record: dict[tuple[str, Record], tuple[Hashable, tuple[Hashable, ...], Markup]] = {}
        self._compared: dict[tuple[int, int], bool] = {}
        """Contexts compared, by the identities of the last build's and this one's (both alive while compared)."""
        self.rendered = 0
        """How many rows were rendered rather than taken again: what tests count."""
        self.worked_out = 0
        """How many rows' values were worked out rather than taken with the row: what tests count."""

    def record_row(self, macro: str, record: Record, context: Hashable,
                   values: Callable[[], tuple[Hashable, ...]]) -> Markup:
        """The row the macro ``macro`` renders for ``record`` from ``values()``.

        The row must show nothing but ``record``, what is within reach of it, and ``context``. It is taken from
        the last build, without working out its values, when no record within reach of it changed and
        ``context`` is the same.
        """
        kept = self._last_by_record.get((macro, record))
        if kept is not None and record not in self._fresh and self._same(kept[0], context):
            _, key, row = kept
            self._rows[key] = row
        else:
            key = (macro, *values())
            self.worked_out += 1
            row = self._row(key)
        self._by_record[(macro, record)] = (context, key, row)
        return row

    def row(self, macro: str, *values: Hashable) -> Markup:
        """The row the macro ``macro`` renders from ``values``, rendered only if the last build did not."""
        return self._row((macro, *values))

    def _row(self, key: tuple[Hashable, ...]) -> Markup:
        """The row of ``key`` (its macro's name, then the values the macro is given)."""
        row = self._rows.get(key)
        if row is None:
            row = self._last.get(key)
            if row is None:
                row = Markup(_macro(str(key[0]))(*key[1:]))
                self.rendered += 1
            self._rows[key] = row
        return row

    def _same(self, last: Hashable, context: Hashable) -> bool:
        """Whether a row's context is the last build's (compared once for all the rows that share them)."""
        pair = (id(last), id(context))
        same = self._compared.get(pair)
        if same is None:
            same = self._compared[pair] = last == context
        return same

    def done(self) -> None:
        """Every page of this build is rendered: let go of the last build's rows."""
        self._last = {}
        self._last_by_record = {}
        self._compared = {}


def _macro(name: str) -> Any:
    """A macro of the rows' template."""
    return getattr(ENVIRONMENT.get_template(TEMPLATE).module, name)
