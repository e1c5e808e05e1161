"""Side work: values made in a forked child, PDFs rendered in the background and reused when unchanged."""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from pathlib import Path

import pytest

from synth.errors import Diagnostic, Location, SynthError
from synth.site.concurrent import InChild, PdfCache, PdfJobs


def child_pid_and_square(number: int) -> tuple[int, int]:
    return os.getpid(), number * number


def test_a_value_is_made_in_another_process() -> None:
    """The function runs in a child process and its value comes back whole, large values included."""
    pid, square = InChild(child_pid_and_square, 12).result()
    assert square == 144 and pid != os.getpid()
    big = InChild(lambda: {f"file-{i}": bytes([i % 256]) * 70_000 for i in range(100)}).result()
    assert len(big) == 100 and big["file-7"] == b"\x07" * 70_000


def fail_located() -> None:
    raise SynthError([Diagnostic("paper.pdf-failed", "no PDF", Location("content/papers/a.md", 3), "a", "hint")])


class Unpicklable(Exception):
    """An error holding a lock, which pickle cannot copy."""

    def __init__(self, lock: object) -> None:
        super().__init__("cannot travel")
        self.lock = lock


def fail_unpicklable() -> None:
    raise Unpicklable(threading.Lock())


def test_the_childs_exception_is_raised_in_the_parent() -> None:
    """A located error made in the child is raised by `result` with its diagnostics; others keep their traceback."""
    with pytest.raises(SynthError) as raised:
        InChild(fail_located).result()
    assert raised.value.diagnostics[0].format().startswith("content/papers/a.md:3")
    with pytest.raises(RuntimeError, match="Unpicklable: cannot travel"):
        InChild(fail_unpicklable).result()


def test_a_child_that_dies_is_an_error() -> None:
    """A child that exits without a value (killed, or `os._exit`) is reported, never taken as an empty value."""
    with pytest.raises(RuntimeError, match="status 3"):
        InChild(os._exit, 3).result()
    with pytest.raises(RuntimeError, match="stopped by signal SIGTERM"):
        InChild(terminate_self).result()
    with pytest.raises(RuntimeError, match="status 1"):  # Half a pickle reached the parent: never taken.
        InChild(lambda: [b"x" * 200_000, threading.Lock()]).result()


def terminate_self() -> None:
    """Send this process SIGTERM, as a system short of memory or a user might."""
    os.kill(os.getpid(), signal.SIGTERM)


def write_for_long(folder: Path) -> None:
    """Write a file into ``folder`` every hundredth of a second for ten seconds, making it again if removed."""
    for number in range(1000):
        folder.mkdir(exist_ok=True)
        (folder / f"{number}.txt").write_text("work", encoding="utf-8")
        time.sleep(0.01)


def test_work_no_longer_wanted_is_stopped_and_leaves_nothing_behind(tmp_path: Path) -> None:
    """`cancel` ends a child still working: removed after it, its folder stays removed, and `result` raises."""
    folder = tmp_path / "written"
    pending = InChild(write_for_long, folder)
    deadline = time.monotonic() + 10
    while not folder.is_dir() and time.monotonic() < deadline:
        time.sleep(0.01)
    pending.cancel()
    shutil.rmtree(folder)
    time.sleep(0.2)
    assert not folder.exists()
    with pytest.raises(RuntimeError, match="no longer wanted"):
        pending.result()
    pending.cancel()  # Again, or after the value was taken: nothing to do.
    done = InChild(child_pid_and_square, 3)
    assert done.result()[1] == 9
    done.cancel()
    assert done.result()[1] == 9


def test_an_unchanged_pdf_is_not_rendered_again() -> None:
    """The same HTML and stylesheet give the PDF made before; a change renders anew; unused PDFs are forgotten."""
    calls: list[str] = []

    def renderer(html: str, css: str) -> bytes:
        calls.append(html)
        return f"%PDF {html} {css}".encode()

    cache = PdfCache()
    assert cache.render("<p>a</p>", "p{}", renderer) == b"%PDF <p>a</p> p{}"
    cache.forget_unused()
    assert cache.render("<p>a</p>", "p{}", renderer) == b"%PDF <p>a</p> p{}"
    assert cache.render("<p>b</p>", "p{}", renderer) == b"%PDF <p>b</p> p{}"
    assert calls == ["<p>a</p>", "<p>b</p>"] and cache.rendered == 2
    cache.forget_unused()
    cache.forget_unused()  # Nothing was asked for since the last call: everything is forgotten.
    cache.render("<p>a</p>", "p{}", renderer)
    assert calls == ["<p>a</p>", "<p>b</p>", "<p>a</p>"]


def test_background_jobs_return_their_files_or_raise_their_error() -> None:
    """`wait` gives the files the jobs made, or raises the jobs' error in the waiting thread."""
    assert PdfJobs(lambda: {"briefing.pdf": b"%PDF"}).wait() == {"briefing.pdf": b"%PDF"}
    with pytest.raises(SynthError):
        PdfJobs(fail_located).wait()  # type: ignore[arg-type]
