"""Time synth's stages and a whole `mkdocs build` with the synth plugin, against plain MkDocs + Material.

    python benchmarks/bench_build.py --records 1000 --bib 1000

Generates, in a temporary folder, a project of N synthetic records (studies, findings, barriers,
facilitators and outcomes in the proportions of a real review, with themes and links) and an M-entry `.bib`, then:

* times each synth stage in this process (load, validate, bibliography load, link, formatting every
  reference, rendering every page), first plainly for the time and again under tracemalloc for the peak;
* builds the project with `mkdocs build` and the synth plugin, and a plain MkDocs + Material site of the
  same number of hand-written pages of the same average size, each in a fresh child process whose peak
  memory is read with `resource.getrusage(RUSAGE_CHILDREN)`;
* prints seconds, milliseconds per page, the ratio to the plain build, and peak memory.

The generated content is the same for the same --seed. Nothing is written outside the temporary folder.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

from synth.pipeline import bib_files  # noqa: E402
from synth.records.link import link_records  # noqa: E402
from synth.records.load import load_records  # noqa: E402
from synth.records.validate import validate_records  # noqa: E402
from synth.references.bibliography import load_bibliography  # noqa: E402
from synth.references.style import ReferenceFormatter  # noqa: E402

SHARES = {"studies": 0.10, "findings": 0.66, "barriers": 0.08, "facilitators": 0.10, "outcomes": 0.06}
"""Of every 100 records: about the proportions of the first knowledge base."""
THEMES = ("partnership-working", "engagement-and-representation", "resources-and-continuity", "trust-and-legitimacy",
          "information-sharing", "leadership", "funding", "volunteering", "digital-tools", "policing",
          "housing", "youth")
WORDS = ("residents", "police", "council", "neighbourhood", "partnership", "officers", "community", "safety",
         "trust", "meetings", "priorities", "volunteers", "funding", "staff", "housing", "estate", "panel",
         "street", "crime", "reporting", "manager", "agencies", "services", "information", "local", "young",
         "people", "engagement", "continuity", "leadership", "feedback", "problem", "solving", "patrols",
         "visible", "online", "networks", "decisions", "budget", "shared", "aims", "independent", "small",
         "grants", "training", "confidence", "practical", "support", "evaluation", "survey", "interviews")
DESIGNS = ("qualitative-case-studies", "ethnography", "survey", "focus-groups", "interviews", "mixed-methods",
           "literature-review", "project-report", "practice-example")
KINDS = {"qualitative-case-studies": "evaluated-research", "ethnography": "evaluated-research",
         "survey": "evaluated-research", "focus-groups": "evaluated-research", "interviews": "evaluated-research",
         "mixed-methods": "evaluated-research", "literature-review": "evaluated-research",
         "project-report": "expert-opinion", "practice-example": "practice-example"}
"""The kind of evidence each design stands for in the generated studies."""
ACTORS = ("police", "council", "community-safety-partnership", "voluntary-sector", "residents")
CONCERNS = ("no-or-very-minor", "minor", "moderate", "serious")
RATINGS = ("high", "moderate", "low", "very-low")
FAMILIES = ("Alexander", "Turley", "Bovaird", "Loeffler", "Nguyen", "O'Hara", "Patel", "Smith", "Jones", "Kowalski",
            "García", "Müller", "Okafor", "Chen", "Williams", "Brown", "Taylor", "Davies", "Evans", "Thomas")
GIVEN = ("Claire", "Ann", "Tony", "Elke", "Minh", "Sean", "Priya", "John", "Mary", "Ewa", "Luis", "Jana")
STAGE_NAMES = ("load records", "validate", "load bibliography", "link", "format references", "render pages")


@dataclass
class Row:
    """One line of the results table."""

    name: str
    seconds: float
    peak_mb: float | None = None
    peak_kind: str = ""


def sentence(rng: random.Random, words: int) -> str:
    """A sentence of ``words`` words from the domain vocabulary."""
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(sentence(rng, rng.randint(8, 18)) for _ in range(sentences))


def counts(records: int) -> dict[str, int]:
    """How many records of each kind, at least one each."""
    return {folder: max(1, round(records * share)) for folder, share in SHARES.items()}


def bib_entry(rng: random.Random, index: int) -> tuple[str, str]:
    """One BibTeX entry of a common type, with its key."""
    family = rng.choice(FAMILIES)
    year = rng.randint(1975, 2024)
    key = family.lower().replace("'", "") + f"{year}{index}"
    authors = " and ".join(f"{rng.choice(FAMILIES)}, {rng.choice(GIVEN)}" for _ in range(rng.choice((1, 1, 2, 3, 4))))
    title = sentence(rng, rng.randint(5, 12)).rstrip(".")
    kind = rng.choices(("article", "book", "incollection", "techreport", "misc"), (45, 20, 10, 15, 10))[0]
    fields = {"author": authors, "title": title, "year": str(year)}
    fields |= {
        "article": {"journal": f"Journal of {rng.choice(WORDS).title()} Studies", "volume": str(rng.randint(1, 60)),
                    "number": str(rng.randint(1, 6)), "pages": f"{rng.randint(1, 300)}--{rng.randint(301, 400)}"},
        "book": {"publisher": "Policy Press", "address": "Bristol"},
        "incollection": {"booktitle": sentence(rng, 5).rstrip("."), "publisher": "Routledge", "editor": "Smith, John"},
        "techreport": {"institution": f"{rng.choice(WORDS).title()} Council", "number": str(index)},
        "misc": {"howpublished": "Blog post", "url": f"https://example.org/posts/{index}"},
    }[kind]
    if rng.random() < 0.4:
        fields["doi"] = f"10.1000/example.{index}"
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items())
    return key, f"@{kind}{{{key},\n{body}\n}}\n"


def write_yaml(path: Path, data: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")


def make_project(root: Path, records: int, bib_entries: int, seed: int) -> None:
    """A synth project: content/ with records and themes, bibliography/refs.bib, docs/about.md, mkdocs.yml."""
    rng = random.Random(seed)
    content = root / "content"
    for folder in SHARES:
        (content / folder).mkdir(parents=True)
    write_yaml(content / "themes.yaml", {theme: {"name": theme.replace("-", " ").capitalize(),
                                                 "description": sentence(rng, 10)} for theme in THEMES})
    keys, entries = zip(*(bib_entry(rng, index) for index in range(bib_entries)), strict=True)
    (root / "bibliography").mkdir()
    (root / "bibliography" / "refs.bib").write_text("\n".join(entries), encoding="utf-8")
    n = counts(records)
    ids = {folder: [f"{folder[:-1]}-{index:05d}" for index in range(count)] for folder, count in n.items()}
    for index, study in enumerate(ids["studies"]):
        design = rng.choice(DESIGNS)
        status = {"evaluation": "described-not-evaluated"} if design == "practice-example" else {}
        write_yaml(content / "studies" / f"{study}.yaml", {
            "title": sentence(rng, 8).rstrip("."), "cite": keys[index % len(keys)], "design": design,
            "evidence_kind": KINDS[design], **status,
            "setting": sentence(rng, 6), "country": "England", "year": rng.randint(1990, 2024),
            "participants": sentence(rng, 8), "summary": paragraph(rng, 3),
            "appraisal": {"strengths": paragraph(rng, 2), "limitations": paragraph(rng, 2)}})
    for folder in ("barriers", "facilitators"):
        for factor in ids[folder]:
            write_yaml(content / folder / f"{factor}.yaml", {
                "name": sentence(rng, 5).rstrip("."), "summary": paragraph(rng, 2), "what_to_do": paragraph(rng, 2),
                "themes": rng.sample(THEMES, rng.randint(1, 2)), "who_can_act": sorted(rng.sample(ACTORS, 2)),
                "keywords": [rng.choice(WORDS)]})
    for outcome in ids["outcomes"]:
        write_yaml(content / "outcomes" / f"{outcome}.yaml", {
            "name": sentence(rng, 4).rstrip("."), "summary": paragraph(rng, 2), "for_whom": "Residents",
            "basis": rng.choice(("observed", "perceived", "expected")), "direction": "positive",
            "themes": rng.sample(THEMES, 1)})
    for index, finding in enumerate(ids["findings"]):
        write_yaml(content / "findings" / f"{finding}.yaml", finding_record(rng, index, ids))
    (root / "docs").mkdir()
    (root / "docs" / "about.md").write_text("# About\n\n" + paragraph(rng, 4) + "\n", encoding="utf-8")
    nav = [{"Home": "index.md"}, {"Barriers": "barriers/index.md"}, {"Facilitators": "facilitators/index.md"},
           {"Outcomes": "outcomes/index.md"},
           {"Studies": "studies/index.md"}, {"Findings by theme": "findings/index.md"},
           {"Evidence matrix": "matrix.md"}, {"Themes": "themes.md"}, {"References": "references.md"},
           {"About": "about.md"}]
    write_yaml(root / "mkdocs.yml", {"site_name": "Benchmark knowledge base", "theme": {"name": "material"},
                                     "plugins": ["search", "tags", "synth"], "nav": nav})


def finding_record(rng: random.Random, index: int, ids: dict[str, list[str]]) -> dict[str, Any]:
    """A finding of one study, bearing on one or two barriers or facilitators, with its CERQual assessment."""
    # Every barrier, facilitator and outcome gets at least one finding: the first findings go round them in turn.
    factors = ids["barriers"] + ids["facilitators"] + ids["outcomes"]
    first = factors[index % len(factors)]
    linked = {first} | ({rng.choice(factors)} if rng.random() < 0.3 else set())
    def component() -> dict[str, str]:
        return {"concern": rng.choice(CONCERNS), "explanation": sentence(rng, 10)}

    return {
        "study": ids["studies"][index % len(ids["studies"])], "title": sentence(rng, 6).rstrip("."),
        "statement": sentence(rng, 20),
        "evidence": [{"quote": sentence(rng, 25), "locator": f"p. {rng.randint(1, 200)}"}
                     for _ in range(rng.randint(1, 3))],
        "barriers": sorted(f for f in linked if f.startswith("barrier")),
        "facilitators": sorted(f for f in linked if f.startswith("facilitator")),
        "outcomes": sorted(f for f in linked if f.startswith("outcome")),
        "themes": rng.sample(THEMES, rng.randint(1, 2)),
        "confidence": {"methodological_limitations": component(), "coherence": component(),
                       "adequacy": component(), "relevance": component(),
                       "overall": {"rating": rng.choice(RATINGS), "explanation": sentence(rng, 15)}},
    }


def make_plain(root: Path, pages: int, page_bytes: int, seed: int) -> None:
    """Plain MkDocs + Material: a home page, four listings, and hand-written record pages kept out of `nav`."""
    rng = random.Random(seed)
    docs = root / "docs"
    folders = ("barriers", "facilitators", "studies", "findings")
    records = max(0, pages - 1 - len(folders))
    per_folder = {folder: [f"page-{index:05d}" for index in range(records) if index % len(folders) == number]
                  for number, folder in enumerate(folders)}
    for folder, names in per_folder.items():
        (docs / folder).mkdir(parents=True)
        listing = [f"# {folder.capitalize()}\n", "| page | summary |", "| --- | --- |"]
        for name in names:
            title = sentence(rng, 5).rstrip(".")
            listing.append(f"| [{title}]({name}.md) | {sentence(rng, 8)} |")
            (docs / folder / f"{name}.md").write_text(plain_page(rng, title, page_bytes), encoding="utf-8")
        (docs / folder / "index.md").write_text("\n".join(listing) + "\n", encoding="utf-8")
    (docs / "index.md").write_text("# Home\n\n" + paragraph(rng, 3) + "\n", encoding="utf-8")
    nav = [{"Home": "index.md"}, *({folder.capitalize(): f"{folder}/index.md"} for folder in folders)]
    write_yaml(root / "mkdocs.yml", {"site_name": "Plain", "theme": {"name": "material"}, "plugins": ["search"],
                                     "nav": nav, "not_in_nav": "\n".join(f"/{f}/page-*.md" for f in folders)})


def plain_page(rng: random.Random, title: str, size: int) -> str:
    """A hand-written page of about ``size`` bytes: headings, paragraphs, a list and a table, as record pages have."""
    parts = [f"# {title}\n", paragraph(rng, 2), "\n## Evidence\n", "| finding | confidence |", "| --- | --- |",
             *(f"| {sentence(rng, 10)} | {rng.choice(RATINGS)} |" for _ in range(3)), "\n## Details\n"]
    text = "\n".join(parts)
    while len(text.encode()) < size:
        text += f"\n- {sentence(rng, 12)}" if rng.random() < 0.5 else f"\n\n{paragraph(rng, 2)}\n"
    return text + "\n"


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


CHILD = """
import resource, subprocess, sys, time
start = time.perf_counter()
result = subprocess.run(sys.argv[1:], capture_output=True, text=True)
seconds = time.perf_counter() - start
sys.stderr.write(result.stdout + result.stderr if result.returncode else "")
print(seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, result.returncode)
"""
"""Runs one build as its only child, so RUSAGE_CHILDREN is that build's alone."""


def time_build(root: Path, name: str) -> Row:
    """Build the site in ``root`` with `mkdocs build` in a fresh child process."""
    command = [sys.executable, "-c", CHILD, sys.executable, "-m", "mkdocs", "build", "-q", "-f",
               str(root / "mkdocs.yml"), "-d", str(root / "site")]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(REPOSITORY)}
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    seconds, max_rss_kb, status = result.stdout.split()
    if status != "0":
        raise SystemExit(f"{name} failed:\n{result.stderr}")
    return Row(name, float(seconds), int(max_rss_kb) / 1024, "max RSS")


def html_pages(site: Path) -> int:
    return sum(1 for path in site.rglob("*.html") if path.name != "404.html")


def print_table(rows: list[Row], pages: int, baseline: float) -> None:
    print(f"{'stage':<34} {'seconds':>9} {'ms/page':>9} {'x plain':>8} {'peak MB':>9}")
    for row in rows:
        peak = f"{row.peak_mb:9.1f}" if row.peak_mb is not None else f"{'':>9}"
        print(f"{row.name:<34} {row.seconds:9.2f} {row.seconds / pages * 1000:9.2f} {row.seconds / baseline:8.2f}"
              f" {peak}  {row.peak_kind}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1000, help="number of records (default 1000)")
    parser.add_argument("--bib", type=int, default=1000, help="number of BibTeX entries (default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated content")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="synth-bench-") as temporary:
        project, plain = Path(temporary) / "project", Path(temporary) / "plain"
        project.mkdir()
        make_project(project, args.records, args.bib, args.seed)
        stages, state = time_stages(project)
        synth_build = time_build(project, "mkdocs build, synth plugin")
        pages = html_pages(project / "site")
        rendered = state.get("pages", {})
        # The median, not the mean: a few listing pages (the matrix above all) grow with the whole content.
        page_bytes = int(statistics.median(len(text.encode()) for text in rendered.values())) if rendered else 3000
        plain.mkdir()
        make_plain(plain, pages, page_bytes, args.seed)
        plain_build = time_build(plain, "mkdocs build, plain Material")
        plain_pages = html_pages(plain / "site")
        sizes = {name: sum(p.stat().st_size for p in (root / "site").rglob("*") if p.is_file()) / 2**20
                 for name, root in (("synth", project), ("plain", plain))}
        index = {name: (root / "site" / "search" / "search_index.json").stat().st_size / 2**20
                 for name, root in (("synth", project), ("plain", plain))}
    n = counts(args.records)
    print(f"{args.records} records ({', '.join(f'{v} {k}' for k, v in n.items())}), {args.bib} BibTeX entries; "
          f"synth site: {pages} pages, plain site: {plain_pages} pages of ~{page_bytes} bytes of Markdown "
          f"(the synth pages' median)")
    if rendered:
        largest = sorted(rendered, key=lambda uri: -len(rendered[uri]))[:3]
        print("largest generated pages: " + ", ".join(f"{uri} {len(rendered[uri].encode()) // 1024} KB"
                                                      for uri in largest))
    print_table([*stages, synth_build, plain_build], pages, plain_build.seconds)
    print(f"in-process stages together: {sum(r.seconds for r in stages):.2f} s; "
          f"site size: synth {sizes['synth']:.1f} MB, plain {sizes['plain']:.1f} MB; "
          f"search index: synth {index['synth']:.1f} MB, plain {index['plain']:.1f} MB")
    print(json.dumps({"python": sys.version.split()[0], "cpus": os.cpu_count()}))


if __name__ == "__main__":
    main()
