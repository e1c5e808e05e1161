"""Open data, made meanwhile: the downloads computed in a child process while MkDocs builds the pages.

The MkDocs plugin knows every download's path before any is made (`synth.site.export.download_paths`), so it
adds them to the build empty and fills them in just before MkDocs copies files (`DeferredDownloads.files`),
and the open-data page carries a placeholder for each size until its HTML is written (`fill_sizes`). By then
the child, started when the knowledge base was checked, has long finished. Nothing here knows of MkDocs.
"""

from __future__ import annotations

import html
import os
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from synth.errors import Diagnostic
from synth.records.link import KnowledgeBase
from synth.references.style import FormattedReference, ReferenceFormatter
from synth.site.changes import HISTORY_DOWNLOAD, history_download
from synth.site.concurrent import InChild
from synth.site.export import (
    FOLDER,
    REFERENCE_FILES,
    Formatter,
    build_downloads,
    download_paths,
    downloads_page,
    size_text,
)

if TYPE_CHECKING:
    from synth.versions import SiteChanges

SIZE = "synthdownloadsize{}end"
"""The placeholder of the size of the download with this number, on the open-data page."""
SIZES = re.compile(r"synthdownloadsize(\d+)end")


def every_download(kb: KnowledgeBase, formatter: Formatter, changes: SiteChanges | None, *,
                   reference_files: bool = True) -> dict[str, bytes]:
    """Every download of ``kb``, the history's included when there is one (`REFERENCE_FILES` only if asked)."""
    downloads = build_downloads(kb, formatter, reference_files=reference_files)
    downloads.update(history_download(changes.history) if changes is not None else {})
    return downloads


def write_downloads(kb: KnowledgeBase, formatter: Formatter, changes: SiteChanges | None,
                    folder: Path, same_references_in: Path | None = None) -> dict[str, int]:
    """Write every download under ``folder`` (by its path in the site) and return each one's size in bytes.

    ``same_references_in`` is a folder written by this function for the same bibliography: its
    `REFERENCE_FILES` are linked (or copied) from there instead of being made again.
    """
    sizes = {}
    kept = [f"{FOLDER}/{name}" for name in REFERENCE_FILES]
    if same_references_in is None or not all((same_references_in / path).is_file() for path in kept):
        kept = []
    for path in kept:
        assert same_references_in is not None
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        _link_or_copy(same_references_in / path, target)
        sizes[path] = target.stat().st_size
    for path, data in every_download(kb, formatter, changes, reference_files=not kept).items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        sizes[path] = len(data)
    return dict(sorted(sizes.items()))


Formatted = dict[str, tuple[FormattedReference, list[Diagnostic]]]
"""References formatted by a `ReferenceFormatter`, by key, with their warnings."""


def _made_in_child(kb: KnowledgeBase, formatter: ReferenceFormatter, changes: SiteChanges | None,
                   folder: Path | None, same_references_in: Path | None,
                   hand_back: bool) -> tuple[dict[str, bytes] | dict[str, int], Formatted]:
    """In the child: the downloads (their sizes, with a ``folder``), and the references newly formatted for them.

    The references come back only if ``hand_back``, for the parent to keep (`ReferenceFormatter.learn`).
    """
    before = set(formatter.formatted()) if hand_back else set()
    made = (write_downloads(kb, formatter, changes, folder, same_references_in) if folder is not None
            else every_download(kb, formatter, changes))
    formatted = ({key: value for key, value in formatter.formatted().items() if key not in before} if hand_back
                 else {})
    return made, formatted


def _link_or_copy(source: Path, target: Path) -> None:
    """``source`` at ``target`` too: a hard link where the file system allows one, else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


class DeferredDownloads:
    """The downloads, being made in a child process: their paths now, their files and sizes later.

    With a ``folder``, the child writes the files there and only their sizes come back, so this process never
    holds them; without one, their bytes come back. ``same_references_in``, the folder of an earlier build of
    the same bibliography, gives the reference files (`write_downloads`). With ``learn_references`` (for a
    rebuild to reuse), the references the child formatted come back too, and ``formatter`` keeps them.
    """

    def __init__(self, kb: KnowledgeBase, formatter: ReferenceFormatter, changes: SiteChanges | None,
                 folder: Path | None = None, same_references_in: Path | None = None,
                 learn_references: bool = False) -> None:
        self.paths = download_paths(kb) + ([HISTORY_DOWNLOAD] if changes is not None else [])
        self.folder = folder
        self._formatter = formatter
        self._pending = InChild(_made_in_child, kb, formatter, changes, folder, same_references_in, learn_references)
        self._made: dict[str, bytes] | dict[str, int] | None = None

    def cancel(self) -> None:
        """Stop making the downloads, if not done (`InChild.cancel`): they are no longer wanted."""
        self._pending.cancel()

    def page(self, kb: KnowledgeBase, page: str) -> str:
        """The open-data page, with a placeholder for each size."""
        return downloads_page({path: SIZE.format(number) for number, path in enumerate(self.paths)}, kb, page)

    def _result(self) -> dict[str, bytes] | dict[str, int]:
        """What the child made; an error if it made other files than announced."""
        if self._made is None:
            made, formatted = self._pending.result()
            self._formatter.learn(formatted)
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
