"""Time `synth check` on a generated project, cold and with its kept parses, beside a plain read of the files.

    python benchmarks/bench_check.py --records 10000 --bib 10000

Generates, in a temporary folder, the benchmark's knowledge base (`generate.make_project`: records of the
repository's median sizes and a bibliography of N entries copied from the real reference libraries in
../shared/corpora/bib, with LaTeX, ``crossref`` and ``@string``). Then, each in a fresh child process, the
median of --repeat runs of:

* ``synth check --no-cache``: the whole command, start-up included, parsing every file;
* ``synth check`` cold: the same with an empty cache folder, so it also stores every parse;
* ``synth check`` warm: again, nothing changed (every parse is kept);
* ``synth check`` after one record is edited (that file is parsed again): a researcher's edit-check loop;
* the baseline: reading the same YAML files with PyYAML's libyaml loader (``CSafeLoader``, no positions) and
  the same `.bib` files with one pybtex parse each (no located errors);

and, in this process, a check with a `ProjectCache` after one record is edited, as under `mkdocs serve`.
Prints wall and CPU seconds and the ratio to the baseline, and the least wall time the uncached check's
processor time allows on this machine's processors (its CPU seconds over their number). Nothing is written
outside the temporary folder (the kept parses go to a cache folder inside it, through SYNTH_CACHE_DIR).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import make_project  # noqa: E402
from kb_profile import measure  # noqa: E402
from text_model import TextModel  # noqa: E402

from synth.pipeline import ProjectCache, check_project  # noqa: E402

SHARED = Path(os.environ.get("SYNTH_SHARED") or REPOSITORY.parent / "shared")
CORPUS = SHARED / "corpora" / "bib"
BASELINE = """
import sys, yaml, io, contextlib
from pathlib import Path
import pybtex.errors
from pybtex.database.input.bibtex import Parser
project = Path(sys.argv[1])
for path in sorted((project / "content").rglob("*.yaml")):
    yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
pybtex.errors.set_strict_mode(False)
with contextlib.redirect_stderr(io.StringIO()):
    for path in sorted((project / "bibliography").glob("*.bib")):
        Parser().parse_string(path.read_text(encoding="utf-8", errors="replace"))
"""
"""Reads every record and `.bib` file once, as plainly as the libraries allow: what a check cannot beat."""


def make_check_project(root: Path, records: int, entries: int, seed: int) -> int:
    """The benchmark's generated knowledge base (`generate.make_project`): real-looking records, and real BibTeX
    from the corpora (renamed copies past them); returns the number of records written."""
    counts = make_project(root, records, entries, seed, measure(), TextModel(seed))
    return sum(counts.values())


CHILD = """
import resource, subprocess, sys, time
start = time.perf_counter()
result = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(seconds, usage.ru_utime + usage.ru_stime, result.returncode)
"""
"""Runs one command as its only child, so RUSAGE_CHILDREN is that command's alone."""


def timed(command: list[str], repeat: int, cache: Path | None = None,
          before: Callable[[], object] = lambda: None) -> tuple[float, float]:
    """The median wall and CPU seconds of ``repeat`` runs of ``command``, each in a fresh child process.

    ``cache`` is the folder for kept parses (SYNTH_CACHE_DIR); ``before`` runs before each run, untimed.
    """
    env = {**os.environ, "PYTHONPATH": str(REPOSITORY)}
    if cache is not None:
        env["SYNTH_CACHE_DIR"] = str(cache)
    runs = []
    for _ in range(repeat):
        before()
        output = subprocess.run([sys.executable, "-c", CHILD, *command], capture_output=True, text=True, env=env,
                                check=True).stdout.split()
        if output[2] not in ("0", "1"):  # 1: the generated content has problems to report, as real content does
            raise SystemExit(f"{command} failed")
        runs.append((float(output[0]), float(output[1])))
    return statistics.median(run[0] for run in runs), statistics.median(run[1] for run in runs)


def edit_one_record(project: Path) -> Callable[[], None]:
    """What edits one finding's title, a little differently each time it is called."""
    finding = sorted((project / "content" / "findings").glob("*.yaml"))[1]
    text = finding.read_text(encoding="utf-8")
    edits = iter(range(1_000_000))

    def edit() -> None:
        finding.write_text(text.replace("title: ", f"title: Edit {next(edits)} ", 1), encoding="utf-8")
    return edit


def cached_recheck(project: Path) -> tuple[float, float, int]:
    """A first check with a `ProjectCache`, then one after editing one finding: seconds of each, files parsed."""
    cache = ProjectCache()
    start = time.perf_counter()
    check_project(project, cache=cache)
    first = time.perf_counter() - start
    finding = sorted((project / "content" / "findings").glob("*.yaml"))[0]
    finding.write_text(finding.read_text(encoding="utf-8").replace("title: ", "title: Edited ", 1), encoding="utf-8")
    parsed = cache.records.computed
    start = time.perf_counter()
    check_project(project, cache=cache)
    return first, time.perf_counter() - start, cache.records.computed - parsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000, help="number of records (default 10000)")
    parser.add_argument("--bib", type=int, default=10_000, help="number of BibTeX entries (default 10000)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated content")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command; the median is shown")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="synth-bench-check-") as temporary:
        project = Path(temporary) / "project"
        project.mkdir()
        written = make_check_project(project, args.records, args.bib, args.seed)
        command = [sys.executable, "-m", "synth", "check", str(project)]
        cache = Path(temporary) / "cache"
        no_cache = timed([*command, "--no-cache"], args.repeat)
        cold = timed(command, args.repeat, cache, lambda: shutil.rmtree(cache, ignore_errors=True))
        warm = timed(command, args.repeat, cache)
        edited = timed(command, args.repeat, cache, edit_one_record(project))
        baseline = timed([sys.executable, "-c", BASELINE, str(project)], args.repeat)
        first, again, parsed = cached_recheck(project)
    print(f"{written} records, {args.bib} BibTeX entries (from the real libraries in {CORPUS})")
    print(f"{'':<44} {'wall s':>8} {'CPU s':>8} {'x baseline':>11}")
    for name, (wall, cpu) in (("synth check --no-cache", no_cache), ("synth check, cold (stores every parse)", cold),
                              ("synth check, warm (nothing changed)", warm),
                              ("synth check, warm, one record edited", edited)):
        print(f"{name:<44} {wall:8.2f} {cpu:8.2f} {wall / baseline[0]:11.2f}")
    print(f"{'baseline: CSafeLoader + one pybtex parse':<44} {baseline[0]:8.2f} {baseline[1]:8.2f} {1:11.2f}")
    processors = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    print(f"{'--no-cache CPU s over ' + str(processors) + ' processors':<44} {no_cache[1] / processors:8.2f}"
          f"  (no division of that work across them could finish sooner)")
    print(f"{'check_project with a ProjectCache, first':<44} {first:8.2f}")
    print(f"{'the same after editing one record':<44} {again:8.2f} {'':>8}  ({parsed} file parsed again)")
    print(json.dumps({"python": sys.version.split()[0], "cpus": os.cpu_count(),
                      "load average": [round(load, 2) for load in os.getloadavg()],
                      "max RSS MiB (this process)": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))


if __name__ == "__main__":
    main()
