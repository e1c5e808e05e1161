"""Site, search: what Pagefind reads of each page, written aside while the site is built, then indexed.

Pagefind reads only a page's language, title and the element marked `data-pagefind-body` (synth's theme marks
the article) once any page is so marked; indexing the whole written site makes it parse every page's
navigation, header and footer too, which at thousands of pages is most of its work. `SearchPages` keeps, for
each rendered page, just those (`search_document`), at the page's own path in a folder beside the site, and
indexes that folder with Pagefind: the search knows the same pages, words, positions and filters, and Pagefind
parses a fraction of the text.

A build can give each page's document before the theme renders it (`predict`: every page's content is known
once MkDocs has converted them all) and `start` Pagefind then, so that it indexes while the pages are rendered
and written. A site of more pages than one Pagefind run should hold is indexed in parts (`divide`,
`synth.site.search.PartsRun`), each page's document kept in the folder of its part. Each part then also holds
one page of every word of the site (`WORDS_PAGE`, filtered out of every search by the search box): Pagefind
searching a part that lacks a word would otherwise answer with pages of a shorter word that begins the same way
(for "abingdon", pages with "a" marked); with every word in every part, each part answers only with pages that
have the words searched for. Each page is checked as it is written (`add`); if any page differs from what
Pagefind was given, or was not given, the folder is corrected and indexed again at the end, so the bundle is
always that of the pages as written. Nothing here knows of MkDocs.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html as html_text
import math
import re
import shutil
import sys
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path, PurePosixPath

from synth.site.search import PART_PAGES, PartsRun, SearchIndex

BODY_MARK = "data-pagefind-body"
BODY_START = f"<div {BODY_MARK}"
"""How synth's theme begins the element marked for search."""
WRITERS = 4
"""Threads writing predicted pages' documents."""
QUEUED = 64
"""How many documents may wait to be written before the next is made."""
_BODY_TAG = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
_HTML_TAG = re.compile(r"<html\b[^>]*>", re.IGNORECASE)
_LANG = re.compile(r"""\slang\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
_TITLE = re.compile(r"<title\b[^>]*>.*?</title\s*>", re.IGNORECASE | re.DOTALL)
WORDS_PAGE = "pagefind/words/index.html"
"""Where, in each part of an index made in parts, the page of every word of the site is: inside the search
bundle's own folder, where no page of the site can be."""
WORDS_FILTER = "synth-words"
"""The filter only the page of every word has (value `yes`); the search box leaves out the pages that have it."""
_TEXT = re.compile(r">([^<]+)")
"""The text between a tag and the next."""
_MARKED_TAG = re.compile(r"<[A-Za-z][^<>]*\sdata-pagefind-[^<>]*>")
"""A start tag carrying a Pagefind attribute (metadata or a filter), which Pagefind reads wherever it is."""


def search_document(html: str, body_length: int | None = None) -> str:
    """What Pagefind reads of a rendered page: its language, title and the part marked for search.

    The head keeps only the title and any tag with a Pagefind attribute. The element marked `data-pagefind-body`
    runs ``body_length`` characters when its length is known (`predict`), otherwise to the end of the article
    that holds it (Material's layout), the last article of the page to end; what follows the mark there lies
    outside it, so Pagefind ignores it as it would in the whole page. An unmarked page is kept whole.
    """
    start = html.find(BODY_START)
    body = _BODY_TAG.search(html, 0, start if start >= 0 else len(html))
    if start < 0 or body is None:
        return html
    if body_length is not None:
        end = start + body_length
    else:
        last = html.rfind("</article>", start)  # The article's own end: records' pages hold articles of their own.
        end = last if last >= 0 else len(html)
    head = html[:body.start()]
    html_tag = _HTML_TAG.search(head)
    lang = _lang(html_tag.group()) if html_tag is not None else None
    title = _TITLE.search(head)
    marked = "".join(_MARKED_TAG.findall(head))
    body_tag = body.group() if "data-pagefind-" in body.group() else "<body>"
    return _document(lang, (title.group() if title else "") + marked, body_tag, html[start:end])


def predicted_document(lang: str | None, title: str, body: str) -> str:
    """The document `search_document` gives of a page to be rendered.

    Its `<html>` tag has ``lang``, its head renders the ``title`` element, and its marked element is ``body``.
    """
    found = _TITLE.search(title)
    return _document(lang, found.group() if found else "", "<body>", body)


def _lang(html_tag: str) -> str | None:
    found = _LANG.search(html_tag)
    return None if found is None else next(value for value in found.groups() if value is not None)


def _document(lang: str | None, head: str, body_tag: str, body: str) -> str:
    lang_attribute = "" if lang is None else f' lang="{lang}"'
    return f"<!DOCTYPE html><html{lang_attribute}><head>{head}</head>{body_tag}{body}</body></html>"


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


class SearchPages:
    """A folder beside the site holding what Pagefind reads of each page, at the page's path in the site."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        shutil.rmtree(folder, ignore_errors=True)  # An interrupted build's pages.
        folder.mkdir(parents=True)
        self.parts = 1
        """How many parts the pages are indexed in (`divide`)."""
        self.lang: str | None = None
        """The language of the pages given, which each part's page of every word takes (`WORDS_PAGE`)."""
        self.predicted: dict[str, tuple[bytes, int] | None] = {}
        """Pages given before they were written: their document's digest and their marked element's length, or
        None for a page with nothing marked (which Pagefind leaves out while other pages are marked)."""
        self.run: PartsRun | None = None
        """Pagefind, started on the predicted pages."""
        self.writing: ThreadPoolExecutor | None = None
        """Writes the predicted pages' documents while the next ones are made (writing lets other threads run)."""
        self.written: deque[Future[None]] = deque()
        """The writes not yet waited for."""
        self.differed: list[str] = []
        """The pages written other than as predicted (or not predicted) after Pagefind was started."""
        self.when = "after the pages were written"
        """When the index that `index` returned was made, for the build's log."""

    def divide(self, pages: int, part_pages: int = PART_PAGES) -> int:
        """Index ``pages`` pages in parts of about ``part_pages`` at most (before any page is given); how many parts.

        Each page's part is fixed by a digest of its path, so the same pages always fall in the same parts.
        """
        if self.predicted or self.run is not None:
            raise RuntimeError("search: pages are divided into parts before any is given")
        self.parts = max(1, math.ceil(pages / max(1, part_pages)))
        return self.parts

    def predict(self, path: str, lang: str | None, title: str, body: str | None) -> None:
        """Give the page to be written at ``path`` before it is rendered (see `predicted_document`).

        A page whose ``body`` is None has nothing marked for search: Pagefind, reading marked pages, leaves it
        out, so it is not written.
        """
        if body is None:
            self.predicted[path] = None
            return
        self.lang = self.lang or lang
        data = predicted_document(lang, title, body).encode("utf-8")
        if self.writing is None:
            self.writing = ThreadPoolExecutor(max_workers=WRITERS, thread_name_prefix="synth-search-pages")
        self.written.append(self.writing.submit(self._write, path, data))
        while len(self.written) > QUEUED:  # Documents waiting to be written are held in memory: few at a time.
            self.written.popleft().result()
        self.predicted[path] = (_digest(data), len(body))

    @property
    def any_marked(self) -> bool:
        """Whether any page given has an element marked for search."""
        return any(kept is not None for kept in self.predicted.values())

    def start(self, output: Path) -> None:
        """Start Pagefind on the pages given so far (once written), writing the bundle into ``output``."""
        self._written()
        self.run = self._parts_run(output)

    def _written(self) -> None:
        """Wait until every predicted page's document is written (raising a write's error)."""
        written, self.written = self.written, deque()
        for write in written:
            write.result()
        if self.writing is not None:
            self.writing.shutdown()
            self.writing = None

    def add(self, path: str, html: str) -> None:
        """Keep what search reads of the page written to ``path`` (relative to the site, such as `x/index.html`)."""
        if path in self.predicted:
            kept = self.predicted.pop(path)
            if kept is None and search_document(html) is html:
                return  # Still unmarked.
            if kept is not None and _digest(search_document(html, kept[1]).encode("utf-8")) == kept[0]:
                return
        if self.run is not None:
            self.differed.append(path)
        document = search_document(html)
        if document is not html and self.lang is None and (found := _HTML_TAG.search(document)) is not None:
            self.lang = _lang(found.group())
        self._write(path, document.encode("utf-8"))

    def index(self, output: Path) -> SearchIndex:
        """Index the pages into the search bundle ``output``, then remove the folder.

        Pagefind's run on the predicted pages is kept when every page was written as predicted; otherwise the
        pages predicted but never written are dropped and the corrected folder is indexed again.
        """
        try:
            self._written()
            run, self.run = self.run, None
            if run is not None and not self.differed and not self.predicted and run.bundle == output:
                self.when = "while the pages were written"
                return self._without_words(run.wait())
            if run is not None:
                run.stop()
                changed = sorted({*self.differed, *self.predicted})
                self.when = (f"again after the pages were written: {len(changed)} page(s) differed from what it "
                             f"was given, such as {changed[0]}")
            for path in self.predicted:
                self._target(path).unlink(missing_ok=True)
            self.predicted.clear()
            return self._without_words(self._parts_run(output).wait())
        finally:
            self.discard()

    def discard(self) -> None:
        """Stop Pagefind if it is running and remove the folder (a failed build, or once indexed)."""
        if self.writing is not None:
            self.writing.shutdown(cancel_futures=True)
            self.writing, self.written = None, deque()
        if self.run is not None:
            self.run.stop()
            self.run = None
        shutil.rmtree(self.folder, ignore_errors=True)

    def _write(self, path: str, data: bytes) -> None:
        target = self._target(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    def _parts_run(self, output: Path) -> PartsRun:
        """Pagefind on each part's folder in turn, after the page of every word is written into each."""
        words = None
        if self.parts > 1:
            words = [sys.executable, "-m", "synth.site.search_pages", str(self.folder), self.lang or ""]
        return PartsRun(self._folders(), output, before=words)

    def _without_words(self, index: SearchIndex) -> SearchIndex:
        """The index, counting the pages of the site only (not each part's page of every word)."""
        return index if self.parts == 1 else dataclasses.replace(index, pages=index.pages - self.parts)

    def _folders(self) -> list[Path]:
        """The folder of each part's pages, each page at its path in the site."""
        return [self.folder / str(part) for part in range(self.parts)]

    def _target(self, path: str) -> Path:
        relative = PurePosixPath(path)
        if relative.is_absolute() or ".." in relative.parts:
            raise ValueError(f"search: a page's path must lie inside the site: {path!r}")
        part = int.from_bytes(_digest(path.encode("utf-8"))[:8], "big") % self.parts
        return self.folder.joinpath(str(part), *relative.parts)


def write_words_pages(folder: Path, lang: str | None) -> int:
    """Write, into each part's folder inside ``folder``, a page of every word of every part's pages; how many words.

    Run in a process of its own (``python -m synth.site.search_pages FOLDER LANG``) while the build goes on:
    reading 100,000 pages' words takes the best part of a minute.
    """
    parts = sorted((part for part in folder.iterdir() if part.name.isdigit()), key=lambda part: int(part.name))
    words: set[str] = set()
    for part in parts:
        for page in part.rglob("*.html"):
            if page.relative_to(part).as_posix() == WORDS_PAGE:
                continue
            text = " ".join(_TEXT.findall(page.read_text(encoding="utf-8")))
            words.update((html_text.unescape(text) if "&" in text else text).split())
    body = (f'<div {BODY_MARK}><span data-pagefind-filter="{WORDS_FILTER}:yes"></span><p>'
            f'{html_text.escape(" ".join(sorted(words)))}</p></div>')
    data = _document(lang or None, "<title>Every word</title>", "<body>", body).encode("utf-8")
    for part in parts:
        target = part.joinpath(*PurePosixPath(WORDS_PAGE).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return len(words)


if __name__ == "__main__":
    write_words_pages(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else None)
