"""Site, side work: what a build needs only at its end is made on the machine's other processor meanwhile.

MkDocs converts and writes pages on one processor. The open data is needed only for the open-data page, and
the PDFs (the briefing and each paper) only once every page is written, so `InChild` (`synth.forked`)
computes a value in a forked child process while the build goes on, and `PdfJobs` renders PDFs in bounded
child processes from a background thread. A PDF whose HTML and stylesheet are unchanged since the last build
(under `mkdocs serve`) is not rendered again: `PdfCache` keeps each by a hash of what it was made from.
Nothing here knows of MkDocs.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable

from synth.forked import InChild

__all__ = ["InChild", "PdfCache", "PdfJobs"]  # InChild is re-exported: the site's side work starts with it.


class PdfCache:
    """PDFs by a hash of the HTML and stylesheet they were made from, kept across rebuilds."""

    def __init__(self) -> None:
        self._pdfs: dict[str, bytes] = {}
        self._used: set[str] = set()
        self._lock = threading.Lock()
        self.rendered = 0
        """How many PDFs were rendered rather than reused, for tests and benchmarks."""

    def render(self, html: str, css: str, renderer: Callable[[str, str], bytes]) -> bytes:
        """The PDF of ``html`` and ``css``: the one made before from the same input, else ``renderer``'s."""
        key = hashlib.sha256(f"{len(html)}:{html}{css}".encode()).hexdigest()
        with self._lock:
            self._used.add(key)
            if key in self._pdfs:
                return self._pdfs[key]
        pdf = renderer(html, css)
        with self._lock:
            self._pdfs[key] = pdf
            self.rendered += 1
        return pdf

    def forget_unused(self) -> None:
        """Forget the PDFs no render asked for since the last call, so the cache holds one build's PDFs."""
        with self._lock:
            self._pdfs = {key: pdf for key, pdf in self._pdfs.items() if key in self._used}
            self._used = set()


class PdfJobs:
    """PDF files rendered in a background thread while the build goes on; `wait` returns them by site path."""

    def __init__(self, jobs: Callable[[], dict[str, bytes]]) -> None:
        self._files: dict[str, bytes] = {}
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(jobs,), name="synth-pdfs", daemon=True)
        self._thread.start()

    def _run(self, jobs: Callable[[], dict[str, bytes]]) -> None:
        try:
            self._files = jobs()
        except BaseException as error:  # Raised again in the build's own thread, by `wait`.
            self._error = error

    def wait(self) -> dict[str, bytes]:
        """The PDFs by their path in the site; the jobs' error is raised here."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._files
