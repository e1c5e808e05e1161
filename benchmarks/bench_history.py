"""Time the history step (every record's history from git) against a plain `git log` over the same repository.

    python benchmarks/bench_history.py --records 10000 --commits 1000

Generates, in a temporary folder, a git repository (written with `git fast-import`) whose `--commits` commits
add `--records` synthetic records (studies, findings, barriers and facilitators in the proportions of a real
review) a few at a time, and in each commit also change `--changes` earlier findings (a rating lowered or
raised, or the statement reworded). Then it times, best of `--repeat` runs:

* the baseline: a plain `git log --raw` over `content/`, the least any history must cost;
* the history step as the site build runs it: `known_findings` (hashing the findings the build has already
  read and validated) plus `read_history`, which then parses only the finding versions no longer on disk;
* the history step from nothing (`read_history` alone, as `synth history` runs it), parsing every version.

It prints wall-clock seconds and processor seconds (this process and its git processes: on a busy machine the
wall clock mostly measures waiting), each with its ratio to the baseline. The same --seed gives the same
repository.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

from synth.pipeline import check_project  # noqa: E402
from synth.records.history import known_findings, read_history  # noqa: E402
from synth.records.schema import RATINGS  # noqa: E402

SHARES = (("study", 0.12), ("finding", 0.70), ("barrier", 0.07), ("facilitator", 0.11))
"""Of every 100 records: about the proportions of the first knowledge base."""
FOLDER = {"study": "studies", "finding": "findings", "barrier": "barriers", "facilitator": "facilitators"}
START = 1_767_225_600  # 2026-01-01T00:00:00Z: every commit is an hour after the one before.


def study(index: int) -> str:
    return (f"title: Study number {index}\ncite: study{index}\ndesign: qualitative-case-studies\n"
            f"summary: >-\n  What study {index} did, in plain words, over a sentence or two of text.\n"
            "appraisal:\n  strengths: A clear design.\n  limitations: A small sample.\n")


def finding(index: int, studies: int, factors: dict[str, int], rating: str, version: int) -> str:
    barrier, facilitator = index % factors["barrier"], index % factors["facilitator"]
    return (f"study: study-{index % studies}\nstatement: >-\n  Finding {index}, worded for the {version}. time: "
            "something the study found, in the reviewer's words.\nevidence:\n"
            f'  - quote: "a passage of the source that backs finding {index}."\n    locator: "Section {index % 9}"\n'
            f"barriers: [barrier-{barrier}]\nfacilitators: [facilitator-{facilitator}]\nthemes: [theme-a]\n"
            "confidence:\n  methodological_limitations: {concern: minor, explanation: Summary only.}\n"
            "  coherence: {concern: no-or-very-minor}\n"
            "  adequacy: {concern: moderate, explanation: A few lines of data.}\n"
            "  relevance: {concern: no-or-very-minor}\n"
            f"  overall: {{rating: {rating}, explanation: Weighed from the four components.}}\n")


def factor(kind: str, index: int) -> str:
    return (f"name: {kind.capitalize()} {index}\nsummary: What {kind} {index} is.\n"
            f"what_to_do: What to do about {kind} {index}.\nthemes: [theme-a]\n")


def fast_import_stream(records: int, commits: int, changes: int, seed: int) -> Iterator[bytes]:
    """The `git fast-import` input: each commit adds its share of records and changes earlier findings."""
    rng = random.Random(seed)
    counts = {kind: max(1, round(records * share)) for kind, share in SHARES}
    order = [kind for kind, _ in SHARES for _ in range(counts[kind])]
    rng.shuffle(order)
    made = {kind: 0 for kind in counts}
    per_commit = -(-len(order) // commits)
    versions: dict[int, int] = {}
    themes = b"theme-a:\n  name: Theme A\n  description: Every finding's theme.\n"
    yield b"blob\nmark :1\ndata %d\n%s\n" % (len(themes), themes)
    for number in range(commits):
        files: dict[str, str] = {"content/themes.yaml": ":1"} if number == 0 else {}
        texts: dict[str, str] = {}
        for kind in order[number * per_commit:(number + 1) * per_commit]:
            index = made[kind]
            made[kind] += 1
            path = f"content/{FOLDER[kind]}/{kind}-{index}.yaml"
            if kind == "finding":
                versions[index] = 1
                texts[path] = finding(index, max(made["study"], 1), counts, rng.choice(RATINGS), 1)
            else:
                texts[path] = study(index) if kind == "study" else factor(kind, index)
        for index in rng.sample(sorted(versions), min(changes, len(versions))):
            versions[index] += 1
            texts[f"content/findings/finding-{index}.yaml"] = finding(
                index, max(made["study"], 1), counts, rng.choice(RATINGS), versions[index])
        message = f"Commit {number}: add {len(texts)} record versions".encode()
        lines = [f"commit refs/heads/main\ncommitter Bench <bench@example.org> {START + 3600 * number} +0000\n"
                 .encode(), b"data %d\n" % len(message), message, b"\n"]
        lines += [f"M 100644 {mark} {path}\n".encode() for path, mark in files.items()]
        for path, text in texts.items():
            data = text.encode()
            lines += [f"M 100644 inline {path}\n".encode(), b"data %d\n" % len(data), data, b"\n"]
        yield b"".join(lines)


def make_repository(folder: Path, records: int, commits: int, changes: int, seed: int) -> None:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    subprocess.run(["git", "init", "-q", "-b", "main", str(folder)], check=True, env=env)
    stream = b"".join(fast_import_stream(records, commits, changes, seed))
    subprocess.run(["git", "fast-import", "--quiet"], cwd=folder, input=stream, check=True, env=env)
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=folder, check=True, env=env)


def cpu_seconds() -> float:
    """Processor time used so far by this process and the git processes it waited for."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def best(repeat: int, run: Callable[[], object]) -> tuple[float, float]:
    """The shortest wall-clock time and the shortest processor time of ``repeat`` runs."""
    walls, cpus = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), cpu_seconds()
        run()
        walls.append(time.perf_counter() - start)
        cpus.append(cpu_seconds() - start_cpu)
    return min(walls), min(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--commits", type=int, default=1_000)
    parser.add_argument("--changes", type=int, default=2, help="earlier findings changed in each commit")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="synth-bench-history-") as folder:
        project = Path(folder)
        make_repository(project, args.records, args.commits, args.changes, args.seed)
        kb = check_project(project).kb
        baseline = best(args.repeat, lambda: subprocess.run(
            ["git", "log", "--raw", "--no-abbrev", "--", "content"], cwd=project, check=True, capture_output=True))
        in_build = best(args.repeat, lambda: read_history(project, known_findings(project, kb)))
        cold = best(args.repeat, lambda: read_history(project))
        history = read_history(project)
        events = sum(len(record.events) for record in history.records.values())
        print(f"{len(history.records)} records with history, {events} events, {args.commits} commits "
              f"(best of {args.repeat})")
        print(f"{'step':<40} {'wall s':>7} {'ratio':>6} {'cpu s':>7} {'ratio':>6}")
        for name, (wall, cpu) in (("baseline: git log --raw over content/", baseline),
                                  ("history, as the build runs it", in_build),
                                  ("history from nothing (synth history)", cold)):
            print(f"{name:<40} {wall:7.3f} {wall / baseline[0]:5.1f}x {cpu:7.3f} {cpu / baseline[1]:5.1f}x")


if __name__ == "__main__":
    main()
