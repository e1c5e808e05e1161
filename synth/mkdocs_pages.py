"""The MkDocs plugin's generated pages on their way through MkDocs: handed over, converted, kept for a rebuild.

MkDocs is given each generated page's front matter only; `body` hands over the rest when MkDocs reads the page,
so a page's Markdown is held once. A page's raw HTML blocks are set aside before Markdown converts it
(`synth.site.raw_blocks`) and put back after, and block text is kept apart (`separate_block_text`) on every page.
Under `mkdocs serve` what an unchanged page needs again (its blocks set aside and put back, its separated HTML)
is kept across rebuilds; a dirty build leaves unchanged pages' files as they are. Outside serve, each page's
Markdown and blocks are let go as soon as they are used.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Set

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from synth.site.page_html import separate_block_text
from synth.site.raw_blocks import SetAside, put_back, set_aside, split_front_matter


class GeneratedPages:
    """The generated pages of one plugin's builds, and what a rebuild under `mkdocs serve` can reuse of them."""

    def __init__(self) -> None:
        self.serving = False
        """Under `mkdocs serve`: keep what the next rebuild can reuse (otherwise let it go as soon as used)."""
        self.generated: frozenset[str] = frozenset()
        """The source paths of this build's generated pages."""
        self.bodies: dict[str, str] = {}
        """Each generated page's Markdown after its front matter, handed to MkDocs when it reads the page."""
        self.heads: dict[str, tuple[str, str]] = {}
        """Under `mkdocs serve`, each generated page's Markdown and its front matter (an unchanged page is not
        split again)."""
        self.set_aside: dict[str, tuple[str, SetAside | None]] = {}
        """Generated pages by source path: their Markdown, and their raw HTML blocks set aside (kept across
        rebuilds, so an unchanged page is not scanned again)."""
        self.converting: set[str] = set()
        """The generated pages whose Markdown reached MkDocs with their blocks set aside, until put back."""
        self.separated: dict[str, tuple[str, str]] = {}
        """Under `mkdocs serve`, each page's converted HTML and the same with its block text kept apart."""
        self.restored: dict[str, tuple[str, SetAside, str]] = {}
        """Under `mkdocs serve`, each generated page's converted HTML, its blocks, and the two put together."""

    def add(self, pages: Mapping[str, str], in_nav: Set[str], config: MkDocsConfig, files: Files, *,
            unchanged: Mapping[str, str] | None = None) -> None:
        """Add each generated page to ``files`` as its front matter.

        In a dirty build, a page the same as in ``unchanged`` (the last build's) counts as unmodified while its
        file is in the site.
        """
        self.generated = frozenset(pages)
        for src_uri, markdown in pages.items():
            inclusion = InclusionLevel.UNDEFINED if src_uri in in_nav else InclusionLevel.NOT_IN_NAV
            last_markdown, head = self.heads.get(src_uri, (None, ""))
            if last_markdown != markdown or src_uri not in self.bodies:
                head, self.bodies[src_uri] = split_front_matter(markdown)
                if self.serving:
                    self.heads[src_uri] = (markdown, head)
            file = File.generated(config, src_uri, content=head, inclusion=inclusion)
            if unchanged is not None and unchanged.get(src_uri) == markdown:
                # MkDocs asks twice (before converting the page and before writing it): the site is looked at once.
                file.is_modified = _MissingFromSite(file.abs_dest_path)  # type: ignore[method-assign]
            files.append(file)

    def forget_others(self, files: Files) -> None:
        """Let go of what was kept for pages this build no longer has."""
        self.set_aside = {uri: kept for uri, kept in self.set_aside.items() if uri in self.generated}
        self.heads = {uri: kept for uri, kept in self.heads.items() if uri in self.generated}
        self.bodies = {uri: body for uri, body in self.bodies.items() if uri in self.generated}
        present = {file.src_uri for file in files}
        self.separated = {uri: kept for uri, kept in self.separated.items() if uri in present}
        self.restored = {uri: kept for uri, kept in self.restored.items() if uri in self.generated}

    def body(self, src_uri: str) -> str:
        """A generated page's Markdown after its front matter, as MkDocs reads the page."""
        return self.bodies[src_uri] if self.serving else self.bodies.pop(src_uri)

    def for_markdown(self, src_uri: str, markdown: str) -> str:
        """What Markdown converts of a generated page: the page with its raw HTML blocks set aside, if it can be."""
        last_markdown, aside = self.set_aside.get(src_uri, (None, None))
        if last_markdown != markdown:
            aside = set_aside(markdown, aside)  # An edit leaves most of a page's blocks as they were.
            self.set_aside[src_uri] = (markdown, aside)
        if aside is None:
            return markdown
        self.converting.add(src_uri)
        return aside.markdown

    def restore(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        """A converted page with its raw HTML blocks back in place.

        If another extension changed a placeholder, the whole page is converted after all.
        """
        src_uri = page.file.src_uri
        if src_uri not in self.converting:
            return html
        self.converting.discard(src_uri)
        markdown, aside = self.set_aside[src_uri] if self.serving else self.set_aside.pop(src_uri)
        assert aside is not None and markdown is not None
        last = self.restored.get(src_uri)
        if last is not None and last[1] is aside and last[0] == html:
            finished: str | None = last[2]
        else:
            finished = put_back(html, aside)
            if self.serving and finished is not None:
                self.restored[src_uri] = (html, aside, finished)
        if finished is None:
            page.markdown = markdown
            page.render(config, files)
            assert page.content is not None
            return page.content
        if page.present_anchor_ids is not None:
            page.present_anchor_ids |= aside.anchor_ids
        return finished

    def separate(self, src_uri: str, html: str) -> str:
        """The page's HTML with adjacent blocks' text kept apart (reused when the page is unchanged)."""
        last = self.separated.get(src_uri)
        if last is not None and last[0] == html:
            return last[1]
        separated = separate_block_text(html)
        if self.serving:
            self.separated[src_uri] = (html, separated)
        return separated


class _MissingFromSite:
    """`File.is_modified` of a generated page that is the same as in the last build: only if not yet written.

    The site is looked at the first time MkDocs asks, and the answer kept (as `functools.cache` would, at a
    tenth of its cost to set up: a dirty rebuild makes one for each of a thousand pages).
    """

    __slots__ = ("_answer", "_path")

    def __init__(self, path: str) -> None:
        self._path = path
        self._answer: bool | None = None

    def __call__(self) -> bool:
        if self._answer is None:
            self._answer = not os.path.isfile(self._path)
        return self._answer
