"""Open data, made meanwhile: the downloads computed in a child process while MkDocs builds the pages.

The MkDocs plugin knows every download's path before any is made (`synth.site.export.download_paths`), so it
adds them to the build empty and fills them in just before MkDocs copies files (`DeferredDownloads.files`),
and the open-data page carries a placeholder for each size until its HTML is written (`fill_sizes`). By then
the child, started when the knowledge base was checked, has long finished. Nothing here knows of MkDocs.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
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


def write_downloads(kb: KnowledgeBase, formatter: Formatter, changes: SiteChanges | None,
                    folder: Path) -> dict[str, int]:
    """Write every download under ``folder`` (by its path in the site) and return each one's size in bytes."""
    sizes = {}
    for path, data in every_download(kb, formatter, changes).items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        sizes[path] = len(data)
    return sizes


class DeferredDownloads:
    """The downloads, being made in a child process: their paths now, their files and sizes later.

    With a ``folder``, the child writes the files there and only their sizes come back, so this process never
    holds them; without one, their bytes come back.
    """

    def __init__(self, kb: KnowledgeBase, formatter: Formatter, changes: SiteChanges | None,
                 folder: Path | None = None) -> None:
        self.paths = download_paths(kb) + ([HISTORY_DOWNLOAD] if changes is not None else [])
        self.folder = folder
        self._pending: InChild[dict[str, bytes]] | InChild[dict[str, int]] = (
            InChild(write_downloads, kb, formatter, changes, folder) if folder is not None
            else InChild(every_download, kb, formatter, changes))
        self._made: dict[str, bytes] | dict[str, int] | None = None

    def page(self, kb: KnowledgeBase, page: str) -> str:
        """The open-data page, with a placeholder for each size."""
        return downloads_page({path: SIZE.format(number) for number, path in enumerate(self.paths)}, kb, page)

    def _result(self) -> dict[str, bytes] | dict[str, int]:
        """What the child made; an error if it made other files than announced."""
        if self._made is None:
            made = self._pending.result()
            if sorted(made) != sorted(self.paths):
                unexpected = sorted(set(made) ^ set(self.paths))
                raise RuntimeError(f"the downloads made differ from those announced: {unexpected}")
            self._made = made
        return self._made

    def files(self) -> dict[str, bytes]:
        """Every download's bytes by path, once made (without a folder)."""
        made = self._result()
        assert self.folder is None
        return made  # type: ignore[return-value]

    def sizes(self) -> dict[str, int]:
        """Every download's size in bytes by path, once made."""
        made = self._result()
        return {path: value if isinstance(value, int) else len(value) for path, value in made.items()}

    def fill_sizes(self, page_html: str) -> str:
        """The open-data page's HTML with every size in place of its placeholder."""
        sizes = self.sizes()
        return SIZES.sub(lambda match: html.escape(size_text(sizes[self.paths[int(match.group(1))]])), page_html)
