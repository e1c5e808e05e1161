"""Site, side work: what a build needs only at its end is made on the machine's other processor meanwhile.

MkDocs converts and writes pages on one processor. The open data is needed only for the open-data page, and
the PDFs (the briefing and each paper) only once every page is written, so `InChild` computes a value in a
forked child process while the build goes on, and `PdfJobs` renders PDFs in bounded child processes from a
background thread. A PDF whose HTML and stylesheet are unchanged since the last build (under `mkdocs serve`)
is not rendered again: `PdfCache` keeps each by a hash of what it was made from. Nothing here knows of MkDocs.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
import signal
import threading
import traceback
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class InChild(Generic[T]):
    """``function(*args)`` computed in a forked child process; `result` waits for it.

    Where processes cannot be forked, the value is computed at once, in this process. The child sends its value
    (or its exception) back pickled, through a pipe.
    """

    def __init__(self, function: Callable[..., T], *args: Any) -> None:
        self._value: tuple[str, Any] | None = None
        if "fork" not in multiprocessing.get_all_start_methods():
            self._value = ("value", function(*args))
            return
        self._read, write = os.pipe()
        context = multiprocessing.get_context("fork")
        self._process = context.Process(target=self._run, args=(function, args, write), daemon=True)
        self._process.start()
        os.close(write)

    def _run(self, function: Callable[..., T], args: tuple[Any, ...], write: int) -> None:
        """In the child: compute the value and send it, or the exception, to the parent."""
        os.close(self._read)
        try:
            outcome: tuple[str, Any] = ("value", function(*args))
        except BaseException as error:  # Any failure goes back to the parent, which raises it.
            outcome = ("error", error)
        try:
            data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # An exception that cannot be pickled goes back as its traceback.
            data = pickle.dumps(("traceback", "".join(traceback.format_exception(outcome[1]))))
        view = memoryview(data)
        while view:
            view = view[os.write(write, view):]
        os.close(write)

    def result(self) -> T:
        """The value, once the child has made it; the child's exception is raised here."""
        if self._value is None:
            chunks = []
            while chunk := os.read(self._read, 1 << 20):
                chunks.append(chunk)
            os.close(self._read)
            self._process.join()
            data = b"".join(chunks)
            code = self._process.exitcode
            if code is not None and code < 0:
                raise RuntimeError(f"the side process was stopped by signal {signal.Signals(-code).name}")
            if code != 0 or not data:
                raise RuntimeError(f"the side process stopped with status {code}")
            self._value = pickle.loads(data)  # Our own child wrote it, to a pipe only this process reads.
        kind, value = self._value
        if kind == "error":
            raise value
        if kind == "traceback":
            raise RuntimeError(f"the side process failed:\n{value}")
        return value  # type: ignore[no-any-return]


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
