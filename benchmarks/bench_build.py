"""Time synth's stages one by one, in this process, on a generated knowledge base that looks like a real one.

    python benchmarks/bench_build.py --records 1000 --bib 1000

Generates, in a temporary folder, a project of N records and M real BibTeX entries (the same generator as
`bench_scale.py`: real proportions, field lengths and vocabulary), then times each synth stage (load,
validate, bibliography load, link, formatting every reference, rendering every page), first plainly for the
time and again under tracemalloc for the peak. For the whole build against plain MkDocs + Material, use
`bench_scale.py`. The generated content is the same for the same --seed.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from generate import make_project  # noqa: E402
from kb_profile import measure  # noqa: E402
from text_model import TextModel  # noqa: E402

from synth.pipeline import bib_files  # noqa: E402
from synth.records.link import link_records  # noqa: E402
from synth.records.load import load_records  # noqa: E402
from synth.records.validate import validate_records  # noqa: E402
from synth.references.bibliography import load_bibliography  # noqa: E402
from synth.references.style import ReferenceFormatter  # noqa: E402


@dataclass
class Row:
    """One line of the results table."""

    name: str
    seconds: float
    peak_mb: float | None = None
    peak_kind: str = ""


def run_stages(project: Path) -> tuple[dict[str, Callable[[dict[str, Any]], object]], dict[str, Any]]:
    """The in-process stages, in pipeline order, each reading and adding to a shared state."""
    def render(state: dict[str, Any]) -> object:
        from synth.site import render_site
        from synth.site.references import ReferenceShelf
        shelf = ReferenceShelf(state["bibliography"], state["formatter"])
        state["pages"] = render_site(state["kb"], shelf, title="Benchmark")
        return state["pages"]

    def format_all(state: dict[str, Any]) -> object:
        state["formatter"] = ReferenceFormatter(state["bibliography"])
        return [state["formatter"].format(key) for key in state["bibliography"].locations]

    stages: dict[str, Callable[[dict[str, Any]], object]] = {
        "load records": lambda s: s.update(tree=load_records(project / "content", project)),
        "validate": lambda s: s.update(valid=validate_records(s["tree"].records)[0]),
        "load bibliography": lambda s: s.update(bibliography=load_bibliography(bib_files(project), project)[0]),
        "link": lambda s: s.update(kb=link_records(s["valid"], s["bibliography"])[0]),
        "format references": format_all,
        "render pages": render,
    }
    return stages, {}


def time_stages(project: Path) -> tuple[list[Row], dict[str, Any]]:
    """Each stage's time (a plain run) and peak traced memory (a second run under tracemalloc)."""
    stages, state = run_stages(project)
    rows = []
    for name, stage in stages.items():
        gc.collect()
        start = time.perf_counter()
        try:
            stage(state)
        except ImportError as error:  # The render module is optional here.
            print(f"skipping {name}: {error}", file=sys.stderr)
            continue
        rows.append(Row(name, time.perf_counter() - start))
    _, traced = run_stages(project)
    tracemalloc.start()
    for row in rows:
        tracemalloc.reset_peak()
        stages[row.name](traced)
        row.peak_mb, row.peak_kind = tracemalloc.get_traced_memory()[1] / 2**20, "traced"
    tracemalloc.stop()
    return rows, state


def print_table(rows: list[Row], records: int) -> None:
    print(f"{'stage':<34} {'seconds':>9} {'ms/record':>10} {'peak MB':>9}")
    for row in rows:
        peak = f"{row.peak_mb:9.1f}" if row.peak_mb is not None else f"{'':>9}"
        print(f"{row.name:<34} {row.seconds:9.2f} {row.seconds / records * 1000:10.2f} {peak}  {row.peak_kind}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1000, help="number of records (default 1000)")
    parser.add_argument("--bib", type=int, default=1000, help="number of BibTeX entries (default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated content")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="synth-bench-") as temporary:
        project = Path(temporary) / "project"
        counts = make_project(project, args.records, args.bib, args.seed, measure(), TextModel(args.seed))
        stages, _ = time_stages(project)
    print(f"{args.records} records ({', '.join(f'{v} {k}' for k, v in counts.items())}), {args.bib} BibTeX entries")
    print_table(stages, args.records)
    print(f"in-process stages together: {sum(r.seconds for r in stages):.2f} s")
    print(json.dumps({"python": sys.version.split()[0], "cpus": os.cpu_count()}))


if __name__ == "__main__":
    main()
