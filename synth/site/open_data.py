"""Open data, made meanwhile: the downloads computed in a child process while MkDocs builds the pages.

The MkDocs plugin knows every download's path before any is made (`synth.site.export.download_paths`), so it
adds them to the build empty and fills them in just before MkDocs copies files (`DeferredDownloads.files`),
and the open-data page carries a placeholder for each size until its HTML is written (`fill_sizes`). By then
the child, started when the knowledge base was checked, has long finished. Nothing here knows of MkDocs.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from synth.records.link import KnowledgeBase
from synth.site.changes import HISTORY_DOWNLOAD, history_download
from synth.site.concurrent import InChild
from synth.site.export import Formatter, build_downloads, download_paths, downloads_page, size_text

if TYPE_CHECKING:
    from synth.versions import SiteChanges

SIZE = "synthdownloadsize{}end"
"""The placeholder of the size of the download with this number, on the open-data page."""
SIZES = re.compile(r"synthdownloadsize(\d+)end")


def every_download(kb: KnowledgeBase, formatter: Formatter, changes: SiteChanges | None) -> dict[str, bytes]:
    """Every download of ``kb``, the history's included when there is one."""
    downloads = build_downloads(kb, formatter)
    downloads.update(history_download(changes.history) if changes is not None else {})
    return downloads


class DeferredDownloads:
    """The downloads, being made in a child process: their paths now, their bytes and sizes later."""

    def __init__(self, kb: KnowledgeBase, formatter: Formatter, changes: SiteChanges | None) -> None:
        self.paths = download_paths(kb) + ([HISTORY_DOWNLOAD] if changes is not None else [])
        self._pending = InChild(every_download, kb, formatter, changes)
        self._files: dict[str, bytes] | None = None

    def page(self, kb: KnowledgeBase, page: str) -> str:
        """The open-data page, with a placeholder for each size."""
        return downloads_page({path: SIZE.format(number) for number, path in enumerate(self.paths)}, kb, page)

    def files(self) -> dict[str, bytes]:
        """Every download by path, once made; an error if the child made other files than announced."""
        if self._files is None:
            files = self._pending.result()
            if sorted(files) != sorted(self.paths):
                unexpected = sorted(set(files) ^ set(self.paths))
                raise RuntimeError(f"the downloads made differ from those announced: {unexpected}")
            self._files = files
        return self._files

    def fill_sizes(self, page_html: str) -> str:
        """The open-data page's HTML with every size in place of its placeholder."""
        files = self.files()
        return SIZES.sub(lambda match: html.escape(size_text(len(files[self.paths[int(match.group(1))]]))), page_html)
