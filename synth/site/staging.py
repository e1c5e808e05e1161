"""Site, publishing: the site is built into a staging folder and replaces the last one only when complete.

A build writes into ``.<site>.synth-staging`` beside the site folder, on the same file system. Only when
every page, download and PDF is written does `Staging.publish` swap it in: in one atomic exchange of the two
folders where the system offers it (Linux ``renameat2`` with ``RENAME_EXCHANGE``), otherwise in two renames
through ``.<site>.synth-previous``, which the next build puts back if the swap was cut short between them. A
build that fails, is interrupted (Ctrl-C, a kill, a full disk) or ends in a strict-mode warning leaves the
last good site as it was; the next build clears what it left behind. Nothing here knows of MkDocs.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

AT_FDCWD = -100
RENAME_EXCHANGE = 2


@dataclass(frozen=True)
class Staging:
    """The site folder a build publishes to, and the folders beside it the build works in."""

    site: Path

    @property
    def staging(self) -> Path:
        """Where the build writes the new site."""
        return self.site.parent / f".{self.site.name}.synth-staging"

    @property
    def search_pages(self) -> Path:
        """Where the build keeps what the search index reads of each page (`synth.site.search_pages`)."""
        return self.site.parent / f".{self.site.name}.synth-search-pages"

    @property
    def previous(self) -> Path:
        """Where the last site waits, between the two renames of a swap without an atomic exchange."""
        return self.site.parent / f".{self.site.name}.synth-previous"

    @property
    def old(self) -> Path:
        """Where the last site waits to be removed, after an atomic exchange, while the build goes on."""
        return self.site.parent / f".{self.site.name}.synth-old"

    def begin(self) -> Path:
        """Recover from an interrupted swap, clear an abandoned staging folder, and return a new empty one.

        A last site still being removed in the background (a quick rebuild under `mkdocs serve`) is left to that
        removal: two removals of one folder fail each other.
        """
        self.recover()
        _remove(self.staging)
        if not removing():
            _remove(self.old)
        _remove(self.search_pages)
        self.staging.mkdir(parents=True)
        return self.staging

    def recover(self) -> None:
        """Put the last site back if a swap stopped between its renames; otherwise drop the leftover copy."""
        if self.previous.exists() and not self.site.exists():
            os.rename(self.previous, self.site)
        _remove(self.previous)

    def publish(self) -> None:
        """Replace the site with the staging folder: one atomic exchange where possible, else two renames."""
        if not self.site.exists():
            os.rename(self.staging, self.site)
        elif exchange(self.staging, self.site):
            remove_meanwhile(self.staging, self.old)  # It now holds the last site.
        else:
            _remove(self.previous)
            os.rename(self.site, self.previous)
            os.rename(self.staging, self.site)
            _remove(self.previous)

    def discard(self) -> None:
        """Remove the staging folder of a build that failed; the site is left as it was."""
        _remove(self.staging)
        _remove(self.search_pages)


def exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one atomic rename (Linux ``renameat2``); False where the system cannot."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE)
    return bool(result == 0)


_REMOVING: list[threading.Thread] = []


def remove_meanwhile(path: Path, to: Path) -> None:
    """Rename ``path`` to ``to`` and remove it in a background thread (one the program waits for on exit).

    Under `mkdocs serve` the reload does not wait for the last site's thousands of files to be deleted.
    """
    wait_for_removals()  # One removal at a time: ``to`` is free again.
    _remove(to)
    os.rename(path, to)
    thread = threading.Thread(target=_remove, args=(to,), name="synth-remove-old-site")
    thread.start()
    _REMOVING.append(thread)


def removing() -> bool:
    """Whether a last site is still being removed in the background."""
    return any(thread.is_alive() for thread in _REMOVING)


def wait_for_removals() -> None:
    """Wait until every last site being removed in the background is gone."""
    for thread in _REMOVING:
        thread.join()
    _REMOVING.clear()


def _remove(path: Path) -> None:
    """Remove a folder (or a file) left by a build, if it is there."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


class WarningCounter(logging.Handler):
    """Counts the warnings logged during a build, so a strict build that will fail is not published."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        """Count one warning or error."""
        self.count += 1
