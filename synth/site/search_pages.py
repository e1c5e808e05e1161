"""Site, search: what Pagefind reads of each page, written aside while the site is built, then indexed.

Pagefind reads only a page's head and the element marked `data-pagefind-body` (synth's theme marks the
article) once any page is so marked; indexing the whole written site makes it parse every page's navigation,
header and footer too, which at thousands of pages is most of its work. `SearchPages` keeps, for each
rendered page, just its head and the marked element, at the page's own path in a folder beside the site, and
indexes that folder with `index_site`: the search knows the same pages, words, positions and filters, and
Pagefind parses a fraction of the text. Nothing here knows of MkDocs.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path, PurePosixPath

from synth.site.search import SearchIndex, index_site

BODY_MARK = "data-pagefind-body"
_BODY_TAG = re.compile(r"<body\b[^>]*>", re.IGNORECASE)


def search_document(html: str) -> str:
    """What Pagefind reads of a rendered page: its head and the part marked for search (or the whole page).

    The element marked `data-pagefind-body` runs to the end of the article that holds it (Material's layout),
    the last article of the page to end; what follows the mark there lies outside it, so Pagefind ignores it as
    it would in the whole page.
    """
    start = html.find(f"<div {BODY_MARK}")
    body = _BODY_TAG.search(html, 0, start if start >= 0 else len(html))
    if start < 0 or body is None:
        return html
    end = html.rfind("</article>", start)  # The article's own end: records' pages hold articles of their own.
    return f"{html[:body.end()]}{html[start:end if end >= 0 else len(html)]}</body></html>"


class SearchPages:
    """A folder beside the site holding what Pagefind reads of each page, at the page's path in the site."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        shutil.rmtree(folder, ignore_errors=True)  # An interrupted build's pages.
        folder.mkdir(parents=True)

    def add(self, path: str, html: str) -> None:
        """Keep what search reads of the page written to ``path`` (relative to the site, such as `x/index.html`)."""
        relative = PurePosixPath(path)
        if relative.is_absolute() or ".." in relative.parts:
            raise ValueError(f"search: a page's path must lie inside the site: {path!r}")
        target = self.folder.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(search_document(html), encoding="utf-8")

    def index(self, output: Path) -> SearchIndex:
        """Index the pages into the search bundle ``output``, then remove the folder."""
        try:
            return index_site(self.folder, output=output)
        finally:
            self.discard()

    def discard(self) -> None:
        """Remove the folder (a failed build, or once indexed)."""
        shutil.rmtree(self.folder, ignore_errors=True)
