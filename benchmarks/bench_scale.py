"""synth at scale against plain MkDocs + Material, every measure beside its baseline from the same run.

    python benchmarks/bench_scale.py --records 1000 10000 [--p1-records 100000] [--p1-repeat 3] [--json FILE]

For each size it generates a knowledge base that looks like a real one (`generate`) and measures:

* P1: `mkdocs build` with the synth plugin against plain MkDocs + Material building as many pages of the same
  median size, wall and processor seconds (the build process and its children), and peak memory;
* P2: `synth check` as a command, against reading the same YAML with libyaml and the same .bib with pybtex;
* P4 (at --p4-records, 1,000 by default): one finding edited under `mkdocs serve`, seconds from the save to
  the served page showing the change, and synth's own work for that rebuild, against the same edit of one
  plain page under plain `mkdocs serve`; then the same under `mkdocs serve --dirty`, where MkDocs rebuilds only
  the pages whose files changed (goal: within 1 s of the save);
* P5: the bytes a first search fetches, in headless Chromium, against the goal and Material's search on the
  plain site;

and once: P3, formatting 5,000 real BibTeX entries, against pybtex's `plain` style; and the median size of
the record pages of this repository's own site against the generated sites'. Everything happens in a
temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import yaml  # noqa: E402
from generate import make_project, write_yaml  # noqa: E402
from kb_profile import REPOSITORY, describe, measure  # noqa: E402
from measures import build, check, html_pages, median_sizes, record_pages, run_measured, serve_edits  # noqa: E402
from plain_site import make_plain  # noqa: E402
from reference_formatting import format_both  # noqa: E402
from search_bytes import first_search  # noqa: E402
from text_model import TextModel  # noqa: E402

GOALS = {"P1 build, wall s": 1.10, "P1 build, cpu s": 1.10, "peak memory, MiB": 1.5, "P2 synth check, s": 2.0,
         "P3 format 5,000 entries, s": 1.0, "P4 save to served page, s": 1.1, "P4 synth's own work, s": 0.3,
         "P4 --dirty: save to served page, s": 1.0, "P5 first search, KB": 300}
Row = tuple[str, float | None, float | None, str]
"""measure, synth, baseline, what the baseline is."""


def goal_text(measure: str) -> str:
    """The goal, as a ratio (×) or an absolute figure."""
    goal = GOALS.get(measure)
    if goal is None:
        return ""
    absolute = measure in ("P2 synth check, s", "P4 synth's own work, s", "P4 --dirty: save to served page, s",
                           "P5 first search, KB")
    return f"≤ {goal:g}{'' if absolute else '×'}"


def note(text: str) -> None:
    """A progress line, shown at once."""
    print(f"  … {text}", flush=True)


def print_table(title: str, rows: list[Row]) -> None:
    """One table: measure | synth | baseline | ratio | goal."""
    print(f"\n{title}\n")
    print("| measure | synth | baseline | ratio | goal | baseline is |")
    print("| --- | --: | --: | --: | --- | --- |")
    for name, synth, baseline, what in rows:
        ratio = f"{synth / baseline:.2f}×" if synth is not None and baseline else ""
        shown = [f"{v:,.3f}" if v is not None and v < 10 else (f"{v:,.1f}" if v is not None else "–")
                 for v in (synth, baseline)]
        print(f"| {name} | {shown[0]} | {shown[1]} | {ratio} | {goal_text(name)} | {what} |")
    sys.stdout.flush()


def p1(project: Path, plain: Path, model: TextModel, seed: int, repeat: int = 1) -> tuple[list[Row], dict[str, Any]]:
    """Both builds; the plain site has as many pages as synth's, of its record pages' median article size.

    With ``repeat``, the two builds are made that many times in turn (synth, plain, synth, plain, ...) and the
    times are the medians, so a slow moment of the machine weighs on one pair, not on the figure.
    """
    note("mkdocs build with synth")
    synth = build(project, "synth")
    pages = html_pages(project / "site")
    medians = median_sizes(record_pages(project / "site"))
    make_plain(plain, pages, medians["all"][1], model, seed)
    note(f"mkdocs build of the plain site, {pages:,} pages")
    plain_run = build(plain, "plain")
    pairs = [(synth, plain_run)]
    for number in range(2, repeat + 1):
        note(f"pair {number} of {repeat}: mkdocs build with synth, then of the plain site")
        pairs.append((build(project, "synth"), build(plain, "plain")))
    if repeat > 1:
        note("P1 wall ratio of each pair: " + ", ".join(f"{s.wall / b.wall:.2f}×" for s, b in pairs))
    synth_wall, plain_wall = (statistics.median(run.wall for run in side) for side in zip(*pairs, strict=True))
    synth_cpu, plain_cpu = (statistics.median(run.cpu for run in side) for side in zip(*pairs, strict=True))
    own = statistics.median(s.own_work for s, _ in pairs) if all(s.own_work is not None for s, _ in pairs) else None
    plain_medians = median_sizes(record_pages(plain / "site", ("barriers", "facilitators", "studies", "findings")))
    times = f"median of {repeat} builds each, in turn" if repeat > 1 else "one build each"
    rows: list[Row] = [
        ("P1 build, wall s", synth_wall, plain_wall, f"plain MkDocs + Material, same pages; {times}"),
        ("P1 build, cpu s", synth_cpu, plain_cpu, "the same, processor time"),
        ("P1 synth's own work, s", own, None, "the plugin's own count"),
        ("peak memory, MiB", synth.rss_mib, plain_run.rss_mib, "the same, maximum resident size (of the build "
         "and any child process, Pagefind's and the PDF renderers' included)"),
        ("peak memory of the build process, MiB", synth.self_rss_mib, plain_run.rss_mib,
         "the plain build's (which starts no other process)"),
        ("pages", pages, html_pages(plain / "site"), "HTML pages written"),
        ("record page article, bytes", medians["all"][1], plain_medians["all"][1], "median"),
        ("record page, bytes", medians["all"][0], plain_medians["all"][0], "median, whole HTML file"),
    ]
    return rows, {"pages": pages, "medians": medians, "plain_medians": plain_medians}


def p2(project: Path) -> list[Row]:
    note("synth check")
    synth, baseline = check(project)
    return [("P2 synth check, s", synth.wall, baseline.wall, "libyaml + pybtex reading the same files"),
            ("P2 synth check, cpu s", synth.cpu, baseline.cpu, "the same, processor time")]


def first_finding(project: Path) -> Path:
    return sorted((project / "content" / "findings").glob("*.yaml"))[0]


def p4(project: Path, plain: Path, edits: int) -> list[Row]:
    """One finding's statement edited under `mkdocs serve`, and one plain page."""
    finding = first_finding(project)

    def edit_finding(word: str) -> None:
        record = yaml.safe_load(finding.read_text(encoding="utf-8"))
        record["statement"] = f"{record['statement'].rstrip('.')} {word}."
        write_yaml(finding, record)

    plain_page = sorted((plain / "docs" / "findings").glob("page-*.md"))[0]

    def edit_plain(word: str) -> None:
        plain_page.write_text(plain_page.read_text(encoding="utf-8") + f"\n{word}\n", encoding="utf-8")

    note(f"{edits} edits under mkdocs serve, synth then plain")
    synth = serve_edits(project, f"/findings/{finding.stem}/", edit_finding, edits, "synth")
    baseline = serve_edits(plain, f"/findings/{plain_page.stem}/", edit_plain, edits, "plain")
    own = [o for _, o in synth if o is not None]
    note(f"{edits} edits under mkdocs serve --dirty, synth then plain")
    synth_dirty = serve_edits(project, f"/findings/{finding.stem}/", edit_finding, edits, "synth", dirty=True)
    plain_dirty = serve_edits(plain, f"/findings/{plain_page.stem}/", edit_plain, edits, "plain", dirty=True)
    own_dirty = [o for _, o in synth_dirty if o is not None]
    return [("P4 save to served page, s", statistics.median(s for s, _ in synth),
             statistics.median(s for s, _ in baseline), f"plain `mkdocs serve`, one page edited; median of {edits}"),
            ("P4 synth's own work, s", statistics.median(own) if own else None, None, "the plugin's own count"),
            ("P4 --dirty: save to served page, s", statistics.median(s for s, _ in synth_dirty),
             statistics.median(s for s, _ in plain_dirty), f"plain `mkdocs serve --dirty`; median of {edits}"),
            ("P4 --dirty: synth's own work, s", statistics.median(own_dirty) if own_dirty else None, None,
             "the plugin's own count")]


def p5(project: Path, plain: Path, word: str) -> list[Row]:
    page = f"/findings/{first_finding(project).stem}/"
    note(f"first search for {word!r} in Chromium, synth then plain")
    synth = first_search(project / "site", page, word)
    note("synth's search responses, bodies as sent:\n" + synth.breakdown())
    baseline = first_search(plain / "site", "/findings/", word)
    return [("P5 first search, KB", synth.search_bytes / 1000, baseline.search_bytes / 1000,
             f"{synth.engine} search; baseline: Material's search on the plain site"),
            ("P5 bytes after page load, KB", synth.after_load_bytes / 1000, baseline.after_load_bytes / 1000,
             "every response after the page had loaded"),
            ("P5 first result after typing, s", synth.seconds, baseline.seconds, "")]


def real_site(work: Path) -> dict[str, tuple[int, int]]:
    """Build this repository's own site and measure its record pages."""
    site = work / "real-site"
    run_measured([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(REPOSITORY / "mkdocs.yml"), "-d",
                  str(site)], work / "real-build.log")
    return median_sizes(record_pages(site))


def one_size(records: int, args: argparse.Namespace, work: Path, model: TextModel, profile: Any,
             only_p1: bool) -> dict[str, Any]:
    """Every measure at one size; the generated projects are removed afterwards."""
    project, plain = work / f"synth-{records}", work / f"plain-{records}"
    options = {key: yaml.safe_load(value) for key, value in (option.split("=", 1) for option in args.synth_option)}
    counts = make_project(project, records, args.bib or records, args.seed, profile, model, options)
    print(f"\n{records:,} records generated: {', '.join(f'{n:,} {k}' for k, n in counts.items())}; "
          f"{args.bib or records:,} BibTeX entries", flush=True)
    rows: list[Row] = []
    if not only_p1 and "p2" not in args.skip:
        rows += p2(project)
    built, details = p1(project, plain, model, args.seed, args.p1_repeat)
    rows += built
    if not only_p1 and "p5" not in args.skip:
        rows += p5(project, plain, args.search_word)
    if not only_p1 and records == args.p4_records and "p4" not in args.skip:
        shutil.rmtree(project / "site")
        rows += p4(project, plain, args.edits)
    print_table(f"{records:,} records", rows)
    if not args.keep:
        shutil.rmtree(project, ignore_errors=True)
        shutil.rmtree(plain, ignore_errors=True)
    return {"records": records, "counts": counts, "rows": rows, **details}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[1000], help="sizes to measure (default 1000)")
    parser.add_argument("--p1-records", type=int, nargs="*", default=[], help="sizes for P1 and memory only")
    parser.add_argument("--p4-records", type=int, default=1000, help="the size P4 is measured at (default 1000)")
    parser.add_argument("--p1-repeat", type=int, default=1,
                        help="build synth and plain this many times in turn; P1 is the medians (default 1)")
    parser.add_argument("--bib", type=int, default=0, help="BibTeX entries (default: as many as records)")
    parser.add_argument("--edits", type=int, default=3, help="edits under mkdocs serve for P4 (default 3)")
    parser.add_argument("--search-word", default="neighbourhood", help="the word P5 searches for")
    parser.add_argument("--synth-option", action="append", default=[], metavar="KEY=VALUE",
                        help="an option for the synth plugin in the generated mkdocs.yml, its value read as YAML "
                             "(repeatable)")
    parser.add_argument("--skip", nargs="*", default=[], choices=["p2", "p3", "p4", "p5", "real"])
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated content")
    parser.add_argument("--keep", action="store_true", help="keep the generated projects (prints where)")
    parser.add_argument("--json", type=Path, help="also save the figures to this file")
    args = parser.parse_args()
    profile, model = measure(), TextModel(args.seed)
    print(describe(profile))
    print(f"machine: {os.cpu_count()} cores, load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    work = Path(tempfile.mkdtemp(prefix="synth-scale-"))
    results: dict[str, Any] = {"cpus": os.cpu_count(), "load_before": os.getloadavg(), "sizes": []}
    try:
        if "real" not in args.skip:
            note("building this repository's own site")
            results["real_site"] = real_site(work)
        if "p3" not in args.skip:
            note("formatting 5,000 entries, synth then pybtex")
            synth_s, pybtex_s, failed = format_both(work / "p3", 5000, args.seed)
            rows: list[Row] = [("P3 format 5,000 entries, s", synth_s, pybtex_s,
                                f"pybtex `plain`, same entries ({failed} it could not format)")]
            print_table("P3, reference formatting", rows)
            results["p3"] = rows
        for records in args.records:
            results["sizes"].append(one_size(records, args, work, model, profile, False))
        for records in args.p1_records:
            results["sizes"].append(one_size(records, args, work, model, profile, True))
        report_pages(results)
        linearity(results)
    finally:
        results["load_after"] = os.getloadavg()
        if args.keep:
            print(f"\nkept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")


def report_pages(results: dict[str, Any]) -> None:
    """The record pages' median sizes: this repository's site against each generated site."""
    real = results.get("real_site")
    print("\nmedian record page, bytes (whole HTML file / article):")
    for label, medians in ([("this repository's site", real)] if real else []) + [
            (f"generated, {size['records']:,} records", size["medians"]) for size in results["sizes"]]:
        print(f"  {label}: " + ", ".join(f"{folder} {page:,}/{article:,}" for folder, (page, article)
                                           in sorted(medians.items())))


def linearity(results: dict[str, Any]) -> None:
    """Milliseconds of build per page at each size, and the ratio to plain, to show how the cost grows."""
    print("\nbuild cost per page (cpu ms/page, synth and plain):")
    for size in results["sizes"]:
        rows = {row[0]: row for row in size["rows"]}
        synth, plain = rows["P1 build, cpu s"][1], rows["P1 build, cpu s"][2]
        pages = size["pages"]
        print(f"  {size['records']:,} records, {pages:,} pages: synth {synth / pages * 1000:.2f}, "
              f"plain {plain / pages * 1000:.2f}, ratio {synth / plain:.2f}×")


if __name__ == "__main__":
    main()
