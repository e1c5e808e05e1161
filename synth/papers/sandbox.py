"""Papers, stage 4 (print): the PDF renderer run in a child process, bounded in time and memory.

`synth check` bounds what a paper may hold (`synth.papers.limits`), but a renderer can still meet a document
it handles badly. So WeasyPrint runs in a child Python process that limits its own address space
(``RLIMIT_AS``) and processor time (``RLIMIT_CPU``) before it imports anything, and the parent waits no
longer than `PDF_SECONDS` of wall-clock time. The HTML and CSS go in on standard input, the PDF comes back on
standard output; any failure, a crash, a kill or a timeout becomes `RenderFailure` with a one-line reason.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PDF_SECONDS = 120
"""The longest one paper's PDF may take, in seconds of processor time and (plus a margin) of waiting."""
PDF_MEMORY = 3 * 1024**3
"""The most address space the renderer may take for one paper, in bytes."""
OUT_OF_MEMORY = ("Cannot allocate memory", "failed to map segment", "out of memory")
"""What an error raised for want of memory says, when it is not a `MemoryError`."""
HEADROOM = 8 * 1024**2
"""The address space a renderer that failed must still have for its failure not to be put down to memory."""
FAILED = 3
"""The child's exit status when the renderer raised an exception (its reason is on standard error)."""


class RenderFailure(Exception):
    """The renderer could not make the PDF; the message says why, in a few words."""


def render_bounded(html: str, css: str, *, seconds: int | None = None, memory: int | None = None) -> bytes:
    """The PDF of ``html`` styled by ``css``, made in a bounded child process; raises `RenderFailure`."""
    seconds = seconds or PDF_SECONDS
    memory = memory or PDF_MEMORY
    package_root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))}
    command = [sys.executable, "-m", "synth.papers.sandbox", str(seconds), str(memory)]
    try:
        result = subprocess.run(command, input=json.dumps({"html": html, "css": css}).encode("utf-8"),
                                capture_output=True, timeout=seconds + 10, env=env, check=False)
    except subprocess.TimeoutExpired:
        raise RenderFailure(f"the renderer took longer than {seconds} seconds") from None
    if result.returncode == 0 and result.stdout.startswith(b"%PDF"):
        return result.stdout
    raise RenderFailure(_reason(result.returncode, result.stderr.decode("utf-8", "replace"), seconds, memory))


def _reason(status: int, stderr: str, seconds: int, memory: int) -> str:
    """A one-line reason for a failed child, from its exit status and the last line it wrote."""
    last = next((line.strip() for line in reversed(stderr.splitlines()) if line.strip()), "")
    if status == FAILED and last:
        return f"the renderer failed: {last[:200]}"
    if "MemoryError" in stderr or "Cannot allocate memory" in stderr:
        return f"the renderer needed more than {memory // 1024**2} MB of memory"
    if status in (-24, -9):  # SIGXCPU, or SIGKILL once past the hard limit.
        return f"the renderer took longer than {seconds} seconds"
    return f"the renderer stopped (exit status {status}){': ' + last[:200] if last else ''}"


def main(argv: list[str]) -> int:
    """The child: limit this process, read the job, write the PDF to standard output."""
    import resource

    seconds, memory = int(argv[0]), int(argv[1])
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 5))
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    try:
        job = json.loads(sys.stdin.buffer.read().decode("utf-8"))
        from weasyprint import CSS, HTML

        document = HTML(string=job["html"], url_fetcher=_refuse, base_url=None)
        pdf: bytes = document.write_pdf(stylesheets=[CSS(string=job["css"])], pdf_tags=True)
    except MemoryError:
        print(f"it needed more than {memory // 1024**2} MB of memory", file=sys.stderr)
        return FAILED
    except RecursionError:
        print("the document is nested too deeply", file=sys.stderr)
        return FAILED
    except Exception as error:  # The renderer's failures have no common type; each becomes one line.
        if any(sign in str(error) for sign in OUT_OF_MEMORY) or _address_space_spent():  # A library not loaded.
            print(f"it needed more than {memory // 1024**2} MB of memory", file=sys.stderr)
        else:
            print(f"{type(error).__name__}: {' '.join(str(error).split())}", file=sys.stderr)
        return FAILED
    sys.stdout.buffer.write(pdf)
    return 0


def _address_space_spent() -> bool:
    """Whether this process cannot map `HEADROOM` more bytes: the limit, not the input, stopped the renderer.

    A shared library that cannot be mapped under the limit is reported by its loader as not found, without a
    word of memory; what is left tells the two apart.
    """
    import mmap

    try:
        mmap.mmap(-1, HEADROOM).close()
    except OSError:
        return True
    return False


def _refuse(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    """The URL fetcher: a paper's PDF is built from the paper alone, so any request is a mistake."""
    raise ValueError(f"a paper's PDF fetches nothing; refused {url!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
