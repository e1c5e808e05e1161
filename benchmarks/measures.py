"""How the benchmark measures: builds and checks in child processes, references in this one, edits under serve.

Every command runs as the only child of a small wrapper process, so `RUSAGE_CHILDREN` gives that command's own
processor time (user + system, with its own children) and peak resident memory. `mkdocs serve` runs in its
own process group and is always killed, whatever happens.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(REPOSITORY)}
OWN_WORK = re.compile(r"synth's own work in this build: ([0-9.]+) s")
SELF_MEMORY = re.compile(r"peak memory of the build process: ([0-9.]+) MiB")
ARTICLE = re.compile(rb"<article\b.*?</article>", re.DOTALL)
RECORD_FOLDERS = ("studies", "findings", "barriers", "facilitators", "outcomes")

CHILD = """
import resource, subprocess, sys, time
start = time.perf_counter()
with open(sys.argv[1], "w") as log:
    status = subprocess.run(sys.argv[2:], stdout=log, stderr=subprocess.STDOUT).returncode
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, status)
"""


@dataclass
class Run:
    """One measured command: wall seconds, processor seconds, peak memory (MiB) and its output."""

    wall: float
    cpu: float
    rss_mib: float
    log: str

    @property
    def own_work(self) -> float | None:
        """synth's own work, from the plugin's debug line (the last build's), if logged."""
        found = OWN_WORK.findall(self.log)
        return float(found[-1]) if found else None

    @property
    def self_rss_mib(self) -> float | None:
        """The build process's own peak memory, without its children, from the plugin's debug line, if logged."""
        found = SELF_MEMORY.findall(self.log)
        return float(found[-1]) if found else None


def run_measured(command: list[str], log: Path, cwd: Path | None = None) -> Run:
    """Run ``command`` as the only child of a wrapper; fail loudly if it fails."""
    result = subprocess.run([sys.executable, "-c", CHILD, str(log), *command], cwd=cwd, env=ENV,
                            capture_output=True, text=True, check=False)
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    try:
        wall, cpu, rss, status = result.stdout.split()
    except ValueError:
        raise SystemExit(f"{' '.join(command)} could not be measured:\n{result.stderr}") from None
    if status != "0":
        raise SystemExit(f"{' '.join(command)} failed ({status}):\n{text[-3000:]}")
    return Run(float(wall), float(cpu), int(rss) / 1024, text)


def build(root: Path, name: str) -> Run:
    """`mkdocs build -v` of the project in ``root`` into ``root``/site."""
    return run_measured([sys.executable, "-m", "mkdocs", "build", "-v", "-f", str(root / "mkdocs.yml"),
                         "-d", str(root / "site")], root / f"{name}-build.log")


def html_pages(site: Path) -> int:
    """The number of HTML pages (the 404 page aside)."""
    return sum(1 for path in site.rglob("*.html") if path.name != "404.html")


def record_pages(site: Path, folders: tuple[str, ...] = RECORD_FOLDERS) -> dict[str, list[tuple[int, int]]]:
    """(whole page bytes, article bytes) of every record page, by folder: ``folder/<id>/index.html``."""
    sizes: dict[str, list[tuple[int, int]]] = {}
    for folder in folders:
        for path in (site / folder).glob("*/index.html"):
            data = path.read_bytes()
            article = ARTICLE.search(data)
            sizes.setdefault(folder, []).append((len(data), len(article.group()) if article else 0))
    return sizes


def median_sizes(sizes: dict[str, list[tuple[int, int]]]) -> dict[str, tuple[int, int]]:
    """The median page and article bytes per folder, and over all record pages as ``all``."""
    every = [size for values in sizes.values() for size in values]
    medians = {folder: (int(statistics.median(p for p, _ in v)), int(statistics.median(a for _, a in v)))
               for folder, v in sizes.items() if v}
    if every:
        medians["all"] = (int(statistics.median(p for p, _ in every)), int(statistics.median(a for _, a in every)))
    return medians


CHECK_BASELINE = """
import sys, pathlib, yaml, pybtex.errors
from pybtex.database.input.bibtex import Parser
pybtex.errors.set_strict_mode(False)
root = pathlib.Path(sys.argv[1])
records = [yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader) for p in sorted((root / "content").rglob("*.yaml"))]
data = Parser().parse_files([str(p) for p in sorted((root / "bibliography").rglob("*.bib"))])
print(len(records), "records,", len(data.entries), "entries")
"""
"""The least any checker must do: read every record with libyaml and every entry with pybtex's parser."""


def check(project: Path) -> tuple[Run, Run]:
    """`synth check` on ``project`` (its own folder as the working directory), and the reading baseline.

    The check is cold: ``--no-cache`` parses every file and keeps nothing (`bench_check.py` times it warm too).
    """
    synth = run_measured([sys.executable, "-m", "synth", "check", "--no-cache"], project / "check.log", cwd=project)
    baseline = run_measured([sys.executable, "-c", CHECK_BASELINE, str(project)], project / "read.log")
    return synth, baseline


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(root: Path, log: Path, verbose: bool, dirty: bool = False) -> Iterator[tuple[str, Path]]:
    """`mkdocs serve` (``-v`` if ``verbose``, ``--dirty`` if ``dirty``) of ``root`` in its own process group; yields
    its address and log.

    The server is always killed (its whole process group), whatever happens.
    """
    port = free_port()
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", *(["-v"] if verbose else []), *(["--dirty"] if dirty else []),
             "--dev-addr",
             f"127.0.0.1:{port}", "-f", str(root / "mkdocs.yml")], stdout=output, stderr=subprocess.STDOUT, env=ENV,
            start_new_session=True)
    try:
        yield f"http://127.0.0.1:{port}", log
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def fetch(url: str) -> str:
    """The page at ``url``, or '' while the server is not ready."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8", errors="replace"))
    except OSError:
        return ""


def wait_for(url: str, word: str, limit: float, poll: float = 0.05) -> float:
    """Seconds until the page at ``url`` contains ``word`` (polled every ``poll`` s); fail after ``limit``."""
    start = time.perf_counter()
    while word not in fetch(url):
        if time.perf_counter() - start > limit:
            raise SystemExit(f"{url} did not show {word!r} within {limit:.0f} s")
        time.sleep(poll)
    return time.perf_counter() - start


def serve_edits(root: Path, page: str, edit: Callable[[str], None], edits: int,
                name: str, dirty: bool = False) -> list[tuple[float, float | None]]:
    """Under `mkdocs serve` (``--dirty`` if ``dirty``), make ``edits`` edits (each adds a new word) and time each
    until ``page`` shows it.

    Returns, per edit, the seconds from the save to the served page showing the word, and synth's own work for
    that rebuild as the plugin logged it (None for a site without synth).
    """
    results = []
    log_name = f"{name}-serve{'-dirty' if dirty else ''}.log"
    with serving(root, root / log_name, verbose=name == "synth", dirty=dirty) as (address, log):
        wait_until(lambda: "Serving on" in log.read_text(errors="replace"), 1800, f"{name}: first build")
        fetch(address + page)
        for number in range(edits):
            word = f"benchmarkedit{number}{name}{'dirty' if dirty else ''}"  # New to the page in each run.
            builds = len(OWN_WORK.findall(log.read_text(errors="replace")))
            edit(word)
            try:
                seconds = wait_for(address + page, word, 600)
            except SystemExit as failure:  # reported in the table as a failed edit; the log is kept with --keep
                print(f"  {name}: {failure}", flush=True)
                results.append((float("inf"), None))
                continue
            own = None
            if name == "synth":
                wait_until(lambda b=builds: len(OWN_WORK.findall(log.read_text(errors="replace"))) > b, 120,
                           f"{name}: the plugin's own-work line")
                own = float(OWN_WORK.findall(log.read_text(errors="replace"))[-1])
            results.append((seconds, own))
            time.sleep(pause(number))
    return results


POLLING_PERIOD = 0.5
"""How often `mkdocs serve` looks for changed files (its polling observer's interval)."""


def pause(number: int) -> float:
    """The seconds to wait after edit ``number`` is served: a second, and a fraction of MkDocs' polling period.

    A fixed pause saves each edit at the same point of the polling period (the last save, plus the rebuild,
    plus the pause), so a site's figure would depend on where its rebuild time falls in the period. The
    fractions (of the golden ratio's multiples) spread the saves evenly over it, for any number of edits.
    """
    return 1.0 + POLLING_PERIOD * ((number * 0.6180339887) % 1.0)


def wait_until(condition: Callable[[], bool], limit: float, what: str) -> None:
    """Poll ``condition`` every 0.1 s; fail after ``limit`` seconds."""
    start = time.perf_counter()
    while not condition():
        if time.perf_counter() - start > limit:
            raise SystemExit(f"{what}: not done within {limit:.0f} s")
        time.sleep(0.1)
