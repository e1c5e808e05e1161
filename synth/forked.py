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
            try:
                os.close(self._read)
                _send(write, function, args)
            finally:
                os._exit(0)
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
            chunks = []
            while chunk := os.read(self._read, 1 << 20):
                chunks.append(chunk)
            os.close(self._read)
            _, status = os.waitpid(self._pid, 0)
            self._reaped = True
            data = b"".join(chunks)
            if os.WIFSIGNALED(status):
                self._value = ("error", RuntimeError(f"the side process was stopped by signal "
                                                     f"{signal.Signals(os.WTERMSIG(status)).name}"))
            elif os.waitstatus_to_exitcode(status) != 0 or not data:
                self._value = ("error", RuntimeError(f"the side process stopped with status "
                                                     f"{os.waitstatus_to_exitcode(status)}"))
            else:
                self._value = pickle.loads(data)  # Our own child wrote it, to a pipe only this process reads.
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
    try:
        data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # An exception that cannot be pickled goes back as its traceback.
        data = pickle.dumps(("traceback", "".join(traceback.format_exception(outcome[1]))))
    view = memoryview(data)
    while view:
        view = view[os.write(write, view):]
    os.close(write)
