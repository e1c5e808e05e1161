"""Citations in hand-written pages: the resolver `synth.citations.CitationExtension` asks about each key.

The host (the MkDocs plugin) says which page is being converted; the resolver answers with the formatted
reference and a link to its anchor on the references page, relative to that page, reports unknown keys
as diagnostics at the page's file and line, and remembers which pages cite which keys, so the reference
list can show "cited by" once every page has been converted.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field

from synth.errors import Diagnostic, Location
from synth.references.style import FormattedReference
from synth.site.paths import REFERENCES
from synth.site.references import ReferenceShelf


@dataclass
class PageCitationResolver:
    """Resolves citation keys for the page being converted, and collects which pages cite what."""

    shelf: ReferenceShelf
    report: Callable[[Diagnostic], None]
    citing: dict[str, list[str]] = field(default_factory=dict)
    """Each cited key's citing pages (source paths), in the order they were converted."""
    _page: str = REFERENCES
    _path: str = REFERENCES
    _line_offset: int = 0
    _own_list: bool = False

    def begin_page(self, src_uri: str, path: str, line_offset: int = 0, *, own_reference_list: bool = False) -> None:
        """Start converting the page at ``src_uri``, shown to users as ``path``.

        ``line_offset`` is the number of lines (front matter) before the Markdown the extension sees. A page
        with its ``own_reference_list`` (a paper) links citations to its own entries instead.
        """
        self._page, self._path, self._line_offset = src_uri, path, line_offset
        self._own_list = own_reference_list

    def lookup(self, key: str) -> FormattedReference | None:
        """The formatted reference of ``key``, or None when the bibliography has no entry with exactly that key."""
        return self.shelf.get(key)

    def href(self, key: str) -> str:
        """The link to the key's entry on the references page, as a Markdown source path relative to the page.

        A source path (``../references.md#ref-x``), not a URL: MkDocs rewrites it for the site's URL style
        and checks that it resolves, as it does for any link written by hand.
        """
        anchor = self.shelf[key].anchor
        if self._own_list:
            return f"#{anchor}"
        return f"{posixpath.relpath(REFERENCES, posixpath.dirname(self._page) or '.')}#{anchor}"

    def unknown(self, key: str, line: int) -> None:
        """Report a key no entry has, at its line in the page's file."""
        matches = self.shelf.bibliography.close_matches(key)
        hint = (f"did you mean '{matches[0]}'?" if matches
                else "add an entry with this key to a .bib file in bibliography/")
        self.report(Diagnostic("bib.unknown-key", f"citation: no BibTeX entry has the key '{key}'",
                               Location(self._path, line + self._line_offset), hint=hint, severity="warning"))

    def cited(self, key: str) -> None:
        """Remember that the page being converted cites ``key``."""
        pages = self.citing.setdefault(key, [])
        if self._page not in pages:
            pages.append(self._page)
