"""Work done in a forked child process while this one goes on: one helper for every stage that needs it.

`synth check` reads some of its records in a child while it reads the bibliography and the others; a site
build makes the open data in a child while the pages are built. `InChild` forks, the child computes the value
and sends it back pickled through a pipe (or its exception, or the exception's traceback when it cannot be
pickled) and leaves with `os._exit`; `InChild.result` waits for it. Where the system cannot fork, the value
is computed at once here.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import traceback
from collections.abc import Callable
from typing import Any, Generic, TypeVar, cast

T = TypeVar("T")


class InChild(Generic[T]):
    """``function(*args)`` computed in a forked child process; `result` waits for it and raises its failure."""

    def __init__(self, function: Callable[..., T], *args: Any) -> None:
        self._value: tuple[str, Any] | None = None
        self._reaped = False
        """Whether the child has ended and been waited for (its pipe closed)."""
        if not hasattr(os, "fork"):
            self._value = ("value", function(*args))
            return
        self._read, write = os.pipe()
        self._pid = os.fork()
        if self._pid == 0:  # pragma: no cover - runs in the child, which always leaves by os._exit
            code = 1  # Unless the value or the failure was sent whole.
            try:
                os.close(self._read)
                _send(write, function, args)
                code = 0
            finally:
                os._exit(code)
        os.close(write)

    def cancel(self) -> None:
        """Stop the child if its value has not been taken, and wait for it to end; `result` then raises.

        For work no longer wanted (a build that failed): a child left running could go on writing files.
        """
        if self._value is not None or self._reaped:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self._pid, signal.SIGKILL)
        os.close(self._read)
        os.waitpid(self._pid, 0)
        self._reaped = True
        self._value = ("error", RuntimeError("the side process was stopped: its work is no longer wanted"))

    def result(self) -> T:
        """The value, once the child has made it; the child's exception is raised here."""
        if self._value is None:
            # Unpickled as it is read, so a large value is not held twice (as bytes, then as the value). The
            # child wrote it, to a pipe only this process reads; what a child that died left is never taken.
            received: tuple[str, Any] | None = None
            with open(self._read, "rb", closefd=True) as pipe:
                with contextlib.suppress(Exception):
                    received = pickle.load(pipe)
                while pipe.read(1 << 20):  # Whatever is left, so that the child is not kept waiting to write it.
                    pass
            _, status = os.waitpid(self._pid, 0)
            self._reaped = True
            if os.WIFSIGNALED(status):
                self._value = ("error", RuntimeError(f"the side process was stopped by signal "
                                                     f"{signal.Signals(os.WTERMSIG(status)).name}"))
            elif os.waitstatus_to_exitcode(status) != 0 or received is None:
                self._value = ("error", RuntimeError(f"the side process stopped with status "
                                                     f"{os.waitstatus_to_exitcode(status)}"))
            else:
                self._value = received
        kind, value = self._value
        if kind == "error":
            raise value
        if kind == "traceback":
            raise RuntimeError(f"the side process failed:\n{value}")
        return cast(T, value)


def _send(write: int, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """In the child: compute the value and send it, or the exception, to the parent through ``write``."""
    try:
        outcome: tuple[str, Any] = ("value", function(*args))
    except BaseException as error:  # Any failure goes back to the parent, which raises it.
        outcome = ("error", error)
    if outcome[0] == "value":  # Pickled straight into the pipe, so a large value is not held twice here either.
        with open(write, "wb", closefd=True) as pipe:  # A value that cannot be pickled: the parent sees status 1.
            pickle.dump(outcome, pipe, protocol=pickle.HIGHEST_PROTOCOL)
        return
    try:
        data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # An exception that cannot be pickled goes back as its traceback.
        data = pickle.dumps(("traceback", "".join(traceback.format_exception(outcome[1]))))
    view = memoryview(data)
    while view:
        view = view[os.write(write, view):]
    os.close(write)


A = TypeVar("A")
B = TypeVar("B")
MAX_RUNS = 1000
"""The most runs `in_two_processes` cuts its items into: their numbers (4 bytes each) must fit in one atomic
write to a pipe (4,096 bytes)."""


def in_two_processes(work: Callable[[list[A]], list[B]], items: list[A], least_run: int,
                     beside: Callable[[], object] = lambda: None) -> list[B]:
    """``work`` of each run of ``items``, in order, done by this process and a forked child together.

    The items are cut into at most `MAX_RUNS` runs of at least ``least_run`` items, and each process takes the
    next run not yet taken until none is left (a run's number, read from a pipe both read, is taken once). So
    when the child gets little processor time (the machine is busy) this process simply does more. The child
    pickles each run's results as soon as it has them, so that little is left to do once the last run is taken.
    This process calls ``beside()`` once the child has started, before it takes a run. Runs taken by a child
    that fails (or could not be started) are done here. For a process that runs no other thread.
    """
    size = max(least_run, -(-len(items) // MAX_RUNS))
    runs = [items[start:start + size] for start in range(0, len(items), size)]
    taken, offer = os.pipe()
    try:
        os.write(offer, b"".join(number.to_bytes(4, "big") for number in range(len(runs))))  # < PIPE_BUF: whole
    finally:
        os.close(offer)
    theirs = None
    try:
        with contextlib.suppress(OSError):  # No child: this process does every run.
            theirs = InChild(_take_runs, work, runs, taken, True)
        beside()
        mine = _take_runs(work, runs, taken, False)
    except BaseException:
        if theirs is not None:  # Nothing will wait for the child's results: stop it, not leave it running.
            theirs.cancel()
        raise
    finally:
        os.close(taken)
    with contextlib.suppress(Exception):  # A child that could not finish: the runs it took are done here.
        mine.update(theirs.result() if theirs is not None else {})
    results: list[B] = []
    for number, run in enumerate(runs):
        done = mine.get(number)
        results.extend(work(run) if done is None else pickle.loads(done) if isinstance(done, bytes) else done)
    return results


def _take_runs(work: Callable[[list[A]], list[B]], runs: list[list[A]], taken: int,
               pickled: bool) -> dict[int, list[B] | bytes]:
    """Take run numbers from the pipe ``taken`` until none is left, and do each run taken (pickled, if asked)."""
    done: dict[int, list[B] | bytes] = {}
    while number := os.read(taken, 4):
        results = work(runs[int.from_bytes(number, "big")])
        done[int.from_bytes(number, "big")] = pickle.dumps(results, pickle.HIGHEST_PROTOCOL) if pickled else results
    return done
