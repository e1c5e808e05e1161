"""Where each generated page lives, and the relative links between pages.

Record pages have stable addresses built from their ids (`barriers/<id>.md`), so a link shared today still
works after the content grows. Generated pages link to each other in raw HTML, which MkDocs does not
rewrite, so the final URLs are computed here exactly as MkDocs computes them, for both settings of
`use_directory_urls`. Nothing here imports MkDocs: the renderers stay testable without a site build.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from synth.records.schema import SLUG_PATTERN

HOME = "index.md"
MATRIX = "matrix.md"
THEMES = "themes.md"
CONFIDENCE = "confidence.md"
"""The plain-language page on what a confidence rating means; badges and counts link to it."""
TAGS = "tags.md"
REFERENCES = "references.md"
PAPERS = "papers"
PAPER_LISTING = "papers/index.md"
CONFIDENCE = "confidence.md"
"""The plain-language page on what confidence in a finding means; every confidence badge links to it."""
FOLDERS = {"barrier": "barriers", "facilitator": "facilitators", "outcome": "outcomes", "study": "studies",
           "finding": "findings"}
"""The folder of each record kind's pages; each folder's `index.md` is that kind's listing page."""

RESERVED_IDS = frozenset({"index"})
"""Ids that would collide with a listing page (`barriers/index.md`)."""


def record_uri(kind: str, record_id: str) -> str:
    """The source path of a record's page, e.g. ``barriers/lack-of-staff-continuity.md``.

    Ids are checked again here, so nothing but a slug ever reaches a path.
    """
    if not re.fullmatch(SLUG_PATTERN, record_id) or record_id in RESERVED_IDS:
        raise ValueError(f"{kind} id {record_id!r} cannot be used as a page address")
    return f"{FOLDERS[kind]}/{record_id}.md"


def paper_uri(slug: str) -> str:
    """The source path of a paper's page, ``papers/<slug>.md``; its PDF is ``papers/<slug>.pdf`` beside it."""
    if not re.fullmatch(SLUG_PATTERN, slug) or slug in RESERVED_IDS:
        raise ValueError(f"paper {slug!r} cannot be used as a page address")
    return f"{PAPERS}/{slug}.md"


def listing_uri(kind: str) -> str:
    """The source path of a kind's listing page, e.g. ``barriers/index.md``."""
    return f"{FOLDERS[kind]}/index.md"


def page_url(src_uri: str, directory_urls: bool) -> str:
    """The site-relative URL MkDocs gives the page at ``src_uri`` (``barriers/x/`` or ``barriers/x.html``)."""
    stem = src_uri.removesuffix(".md")
    if not directory_urls:
        return f"{stem}.html"
    if stem == "index":
        return "./"
    return f"{stem.removesuffix('index')}" if stem.endswith("/index") else f"{stem}/"


@dataclass(frozen=True)
class Links:
    """Relative links from one page to others, for one setting of `use_directory_urls`."""

    page: str
    """The source path of the page the links are written in."""
    directory_urls: bool = True

    def to(self, src_uri: str, anchor: str | None = None) -> str:
        """The URL of ``src_uri`` (and ``#anchor``) relative to this page."""
        there = page_url(src_uri, self.directory_urls)
        relative = relative_path(there.rstrip("/") or ".", _folder_of(page_url(self.page, self.directory_urls)))
        if there.endswith("/"):
            relative = "./" if relative == "." else f"{relative}/"
        return f"{relative}#{anchor}" if anchor else relative

    def file(self, site_path: str) -> str:
        """The URL of a file in the site that is not a page (a PDF), relative to this page."""
        return relative_path(site_path, _folder_of(page_url(self.page, self.directory_urls)))

    def record(self, kind: str, record_id: str, anchor: str | None = None) -> str:
        """The URL of a record's page relative to this page."""
        return self.to(record_uri(kind, record_id), anchor)

    def elsewhere(self, src_uri: str) -> Links:
        """The same links, written from another page."""
        return Links(src_uri, self.directory_urls)


def relative_path(path: str, start: str) -> str:
    """`posixpath.relpath` of two site-relative paths, without looking at the working folder.

    A build writes hundreds of thousands of links; paths with empty, `.` or `..` parts go to `posixpath.relpath`.
    """
    path_parts = [] if path == "." else path.split("/")
    start_parts = [] if start == "." else start.split("/")
    if {"", ".", ".."} & {*path_parts, *start_parts}:
        return posixpath.relpath(path, start)
    common = 0
    for mine, theirs in zip(path_parts, start_parts, strict=False):
        if mine != theirs:
            break
        common += 1
    return "/".join([".."] * (len(start_parts) - common) + path_parts[common:]) or "."


def _folder_of(url: str) -> str:
    """The folder a browser resolves relative links against, for the page at site-relative ``url``."""
    if url.endswith("/"):
        return url.rstrip("/") or "."
    return posixpath.dirname(url) or "."
