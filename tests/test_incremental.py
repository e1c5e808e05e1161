"""Rebuilds render again only the record pages an edit touched, and the site is the one a full build gives."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPOSITORY, SITE_EXAMPLE
from pypdf import PdfReader

from synth.mkdocs_pages import _MissingFromSite
from synth.pipeline import ProjectCache, check_project
from synth.site.build import GeneratedSite, SiteOptions, build_site
from synth.site.export import build_downloads
from synth.site.incremental import RECORD_KINDS, changed_since, records_to_render, within_reach
from synth.site.references import ReferenceShelf

OPTIONS = SiteOptions("Example", downloads=False)


def build(project: Path, last: GeneratedSite | None = None) -> tuple[GeneratedSite, object]:
    """The generated site of ``project`` (reusing ``last``'s pages where it can), and the checked knowledge base."""
    result = check_project(project)
    assert not result.errors, [d.format() for d in result.errors]
    assert result.formatter is not None
    shelf = ReferenceShelf(result.kb.bibliography, result.formatter)
    site = build_site(result.kb, shelf, result.papers, {}, OPTIONS, None, last.rendered if last else None)
    return site, (result.kb, shelf)


def edit(path: Path, pattern: str, replacement: str) -> Callable[[Path], None]:
    """An edit of one file: the first match of ``pattern`` replaced."""
    def apply(project: Path) -> None:
        file = project / path
        text = file.read_text(encoding="utf-8")
        changed = re.sub(pattern, replacement, text, count=1, flags=re.MULTILINE)
        assert changed != text, f"{pattern!r} not in {path}"
        file.write_text(changed, encoding="utf-8")
    return apply


def remove(path: str) -> Callable[[Path], None]:
    """An edit that deletes one file."""
    def apply(project: Path) -> None:
        (project / path).unlink()
    return apply


FINDING = Path("content/findings/turley-staff-continuity.yaml")
EDITS = {
    "finding-statement": edit(FINDING, r"^statement: ", "statement: Edited. "),
    "finding-rating": edit(FINDING, r"rating: \w[\w-]*", "rating: very-low"),
    "finding-unlinked": edit(FINDING, r"^barriers: \[.*\]", "barriers: []"),
    "study-title": edit(Path("content/studies/turley-2012.yaml"), r"^title: ", "title: Edited "),
    "study-kind": edit(Path("content/studies/turley-2012.yaml"), r"^evidence_kind: .*$",
                       "evidence_kind: policy-guidance"),
    "barrier-name": edit(Path("content/barriers/lack-of-staff-continuity.yaml"), r"^name: ", "name: Edited "),
    "barrier-who-can-act": edit(Path("content/barriers/lack-of-staff-continuity.yaml"), r"^who_can_act: \[.*\]",
                                "who_can_act: [residents]"),
    "reference-title": edit(Path("bibliography/refs.bib"), r"title\s*=\s*\{", "title = {Edited "),
    "finding-removed": remove("content/findings/lgg-range-of-ways.yaml"),
    "finding-added": lambda project: shutil.copy(project / FINDING, project / "content/findings/a-copy.yaml"),
    "study-added": lambda project: (project / "content/studies/a-copy.yaml").write_text(
        (project / "content/studies/turley-2012.yaml").read_text(encoding="utf-8").replace(
            "title: ", "title: Another ", 1), encoding="utf-8"),
    "theme-renamed": edit(Path("content/themes.yaml"), r"name: ", "name: Edited "),
}


@pytest.mark.parametrize("name", EDITS)
def test_a_rebuild_after_an_edit_gives_the_pages_of_a_full_build(tmp_path: Path, name: str) -> None:
    """After each kind of edit, the pages built from the last build's are exactly those of a build from nothing."""
    project = tmp_path / "project"
    shutil.copytree(SITE_EXAMPLE, project)
    first, _ = build(project)
    EDITS[name](project)
    again, _ = build(project, first)
    full, _ = build(project)
    assert again.pages == full.pages
    assert again.pages != first.pages


def reach_by_graph(records: set[tuple[str, str]], kbs: list[object]) -> set[tuple[str, str]]:
    """`within_reach` by its definition: the whole graph of links between findings and what they name, walked."""
    neighbours: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for kb in kbs:
        for finding_id, finding in kb.findings.items():  # type: ignore[attr-defined]
            ends = [("study", finding.study), *(("barrier", b) for b in finding.barriers),
                    *(("facilitator", f) for f in finding.facilitators), *(("outcome", o) for o in finding.outcomes)]
            for end in ends:
                neighbours.setdefault(("finding", finding_id), set()).add(end)
                neighbours.setdefault(end, set()).add(("finding", finding_id))
    reached, frontier = set(records), set(records)
    for _ in range(2):
        frontier = {near for record in frontier for near in neighbours.get(record, ())} - reached
        reached |= frontier
    return reached


def test_the_records_within_reach_are_those_the_graph_of_links_reaches(tmp_path: Path) -> None:
    """From every record of the repository's knowledge base, before and after an edit that moves a finding."""
    project = tmp_path / "project"
    for folder in ("content", "bibliography"):
        shutil.copytree(REPOSITORY / folder, project / folder)
    _, (before, _) = build(project)
    finding = sorted((project / "content" / "findings").glob("*.yaml"))[0]
    edit(finding.relative_to(project), r"^barriers: \[.*\]", "barriers: []")(project)
    _, (after, _) = build(project)
    records = {(kind, record_id) for kind, attribute in RECORD_KINDS.items()
               for kb in (before, after) for record_id in getattr(kb, attribute)}
    records.add(("study", "no-such-study"))
    for record in sorted(records):
        assert within_reach({record}, [before, after]) == reach_by_graph({record}, [before, after]), record
    assert within_reach(set(), [before, after]) == set()


PAPER = "staff-continuity"
"""The example's paper: it embeds a barrier and one of that barrier's findings."""


@pytest.mark.parametrize(("name", "kept"), [
    ("out-of-reach", True),  # A facilitator's finding from another study: nothing the paper shows.
    ("out-of-reach-with-a-table", False),  # A table shows every record: here, the facilitator's best rating.
    ("out-of-reach-statement-with-a-table", True),  # A table shows no finding's statement.
    ("study-title-with-a-table", False),  # A table names no study, but the embedded finding shows its study.
    ("other-study-title-with-a-table", True),
    ("out-of-reach-statement-with-the-matrix", False),  # The matrix is kept only when nothing changed.
    ("embedded-finding", False),
    ("barrier's-other-finding", False),  # Counted in the embedded barrier's evidence.
    ("study-citing-the-same-work", False),  # The embedded finding's study is then cited with its title.
    ("history", False),
])
def test_a_paper_is_rendered_again_only_when_it_shows_what_changed(tmp_path: Path, name: str, kept: bool) -> None:
    """A paper showing nothing an edit changed keeps its page; in every case it is a full build's page."""
    project = tmp_path / "project"
    shutil.copytree(SITE_EXAMPLE, project)
    cache = ProjectCache()  # As under `mkdocs serve`: an unchanged bibliography is the very same.
    paper = project / "content" / "papers" / f"{PAPER}.md"
    if name.endswith("with-a-table"):
        paper.write_text(paper.read_text(encoding="utf-8") + "\n[[table:facilitators]]\n", encoding="utf-8")
    if name.endswith("with-the-matrix"):
        paper.write_text(paper.read_text(encoding="utf-8") + "\n[[matrix]]\n", encoding="utf-8")

    def build_from(last: object) -> GeneratedSite:
        result = check_project(project, cache=cache)
        assert result.formatter is not None
        shelf = ReferenceShelf(result.kb.bibliography, result.formatter)
        return build_site(result.kb, shelf, result.papers, {}, OPTIONS, None, last)  # type: ignore[arg-type]

    first = build_from(None)
    edits = {
        "out-of-reach": edit(Path("content/findings/scarborough-residents-had-a-say.yaml"), r"^statement: ",
                             "statement: Edited. "),
        "out-of-reach-with-a-table": edit(Path("content/findings/scarborough-residents-had-a-say.yaml"),
                                          r"rating: very-low", "rating: high"),
        "out-of-reach-statement-with-a-table": edit(Path("content/findings/scarborough-residents-had-a-say.yaml"),
                                                    r"^statement: ", "statement: Edited. "),
        "study-title-with-a-table": EDITS["study-title"],
        "other-study-title-with-a-table": edit(Path("content/studies/scarborough-2009.yaml"), r"^title: ",
                                               "title: Edited "),
        "out-of-reach-statement-with-the-matrix": edit(
            Path("content/findings/scarborough-residents-had-a-say.yaml"), r"^statement: ", "statement: Edited. "),
        "embedded-finding": edit(FINDING, r"^statement: ", "statement: Edited. "),
        "barrier's-other-finding": edit(Path("content/findings/alexander-staff-turnover.yaml"),
                                        r"rating: \w[\w-]*", "rating: very-low"),
        "study-citing-the-same-work": EDITS["study-added"],
        "history": lambda project: None,
    }
    edits[name](project)
    assert first.rendered is not None
    last = first.rendered if name != "history" else dataclasses.replace(first.rendered, settings=(OPTIONS, "other"))
    again = build_from(last)
    assert (PAPER in again.kept_papers) is kept
    full, _ = build(project)
    assert again.pages == full.pages


def test_an_edit_renders_only_the_pages_within_reach(tmp_path: Path) -> None:
    """Editing one finding of the repository's knowledge base renders a small part of its record pages again."""
    project = tmp_path / "project"
    for folder in ("content", "bibliography"):
        shutil.copytree(REPOSITORY / folder, project / folder)
    first, _ = build(project)
    finding = sorted((project / "content" / "findings").glob("*.yaml"))[0]
    edit(finding.relative_to(project), r"^statement: ", "statement: Edited. ")(project)
    again, (new_kb, new_shelf) = build(project, first)
    assert first.rendered is not None
    changed = changed_since(first.rendered, new_kb, new_shelf, (OPTIONS, None))  # type: ignore[arg-type]
    assert changed is not None
    fresh = records_to_render(changed, [first.rendered.kb, new_kb])  # type: ignore[list-item]
    records = sum(len(getattr(new_kb, attribute)) for attribute in RECORD_KINDS.values())
    assert ("finding", finding.stem) in fresh
    assert len(fresh) < records / 3
    full, _ = build(project)
    assert again.pages == full.pages
    # Of the long listings' rows, only the edited finding's are rendered again: its row in the table of
    # findings and its item in the themes page's lists (the same item in each of its themes).
    assert first.rendered is not None and again.rendered is not None
    assert first.rendered.rows.rendered >= len(new_kb.findings) and again.rendered.rows.rendered == 2
    # The rows of records out of reach of the edit are taken without working out their values.
    assert first.rendered.rows.worked_out >= len(new_kb.findings)
    assert 0 < again.rendered.rows.worked_out < first.rendered.rows.worked_out / 3


def test_a_change_of_options_or_history_renders_everything(tmp_path: Path) -> None:
    """Other site options, or other history from git, leave nothing to reuse."""
    project = tmp_path / "project"
    shutil.copytree(SITE_EXAMPLE, project)
    first, (kb, shelf) = build(project)
    assert changed_since(first.rendered, kb, shelf, (OPTIONS, None)) == set()  # type: ignore[arg-type]
    assert changed_since(first.rendered, kb, shelf, (SiteOptions("Other"), None)) is None  # type: ignore[arg-type]
    assert changed_since(None, kb, shelf, (OPTIONS, None)) is None  # type: ignore[arg-type]


DIRTY_SERVE = """
import json, sys
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config

project, served = Path(sys.argv[1]), Path(sys.argv[2])


def serve_build():
    # As `mkdocs serve --dirty` does; a dirty build warns that navigation may be out of date, so not strict.
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(served), strict=False)
    config.plugins.on_startup(command="serve", dirty=True)
    build(config, serve_url="http://127.0.0.1:8000/", dirty=True)
    return {path.relative_to(served).as_posix(): path.stat().st_mtime_ns for path in served.rglob("*")
            if path.suffix in (".html", ".csv", ".json", ".bib", ".ris")}


first = serve_build()
study = project / "content" / "studies" / "turley-2012.yaml"
study.write_text(study.read_text(encoding="utf-8").replace("title: ", "title: Edited ", 1), encoding="utf-8")
print(json.dumps([first, serve_build()]))
load_config(str(project / "mkdocs.yml")).plugins.on_shutdown()  # As `mkdocs serve` does when it stops.
"""


def test_a_dirty_serve_rebuild_writes_only_the_changed_pages(tmp_path: Path) -> None:
    """Under `mkdocs serve --dirty`, an edit rewrites the pages and open data it changed, and no other file."""
    project = tmp_path / "project"
    shutil.copytree(SITE_EXAMPLE, project)
    (project / "mkdocs.yml").write_text((project / "mkdocs.yml").read_text(encoding="utf-8").replace(
        "  - synth", "  - synth:\n      paper_pdfs: false\n      briefing_pdf: false", 1), encoding="utf-8")
    served = tmp_path / "served"
    env = {**os.environ, "PYTHONPATH": str(REPOSITORY), "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-c", DIRTY_SERVE, str(project), str(served)], env=env, cwd=project,
                            capture_output=True, text=True, check=True, timeout=300)
    first, second = json.loads(result.stdout.strip().splitlines()[-1])
    rewritten = {path for path in first if second[path] != first[path]}
    assert "studies/turley-2012/index.html" in rewritten and "findings/turley-shared-aims/index.html" in rewritten
    assert "findings/lgg-range-of-ways/index.html" not in rewritten
    assert "Edited" in (served / "studies" / "turley-2012" / "index.html").read_text(encoding="utf-8")
    assert len(rewritten) < len(first) / 2
    assert {"downloads/studies.csv", "downloads/records.json"} <= rewritten
    assert "Edited" in (served / "downloads" / "studies.csv").read_text(encoding="utf-8")
    unchanged = {"downloads/references.bib", "downloads/studies/lgg-2010.ris", "downloads/schemas/study.schema.json"}
    assert unchanged <= set(first) and not unchanged & rewritten


def test_an_unchanged_page_counts_as_modified_only_while_the_site_lacks_it(tmp_path: Path) -> None:
    """MkDocs asks twice whether a page changed; the site is looked at the first time and the answer kept."""
    written, absent = tmp_path / "written.html", tmp_path / "absent.html"
    written.write_text("<p>a page</p>", encoding="utf-8")
    is_modified, not_yet = _MissingFromSite(str(written)), _MissingFromSite(str(absent))
    assert is_modified() is False and not_yet() is True
    written.unlink()
    absent.write_text("<p>written since</p>", encoding="utf-8")
    assert is_modified() is False and not_yet() is True


SERVE_STEPS = """
import shutil, sys
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config

project, out = Path(sys.argv[1]), Path(sys.argv[2])
study, bib = project / "content" / "studies" / "turley-2012.yaml", project / "bibliography" / "refs.bib"
edits = [None, (study, "title: ", "title: Edited "), (bib, "title = {", "title = {Edited ")]
entries = []
for step, edit in enumerate(edits):
    if edit is not None:
        path, old, new = edit
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(out / "served"), strict=True)
    config.plugins.on_startup(command="serve", dirty=False)
    build(config, serve_url="http://127.0.0.1:8000/")
    shutil.copytree(out / "served" / "downloads", out / f"downloads-{step}")
    shutil.copy(out / "served" / "references" / "index.html", out / f"references-{step}.html")
    for folder in ("content", "bibliography"):
        shutil.copytree(project / folder, out / f"project-{step}" / folder)
    entries.append(config.plugins["synth"].reference_rows.rendered)
config.plugins.on_shutdown()
print(entries)
"""


def test_serve_rebuilds_give_the_open_data_of_a_fresh_build(tmp_path: Path) -> None:
    """Under `mkdocs serve`, each rebuild's open data (some of it kept from the last build) is a fresh build's.

    The reference list renders again only the entry an edit changed.
    """
    project = tmp_path / "project"
    shutil.copytree(SITE_EXAMPLE, project)
    (project / "mkdocs.yml").write_text((project / "mkdocs.yml").read_text(encoding="utf-8").replace(
        "  - synth", "  - synth:\n      paper_pdfs: false\n      briefing_pdf: false", 1), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPOSITORY), "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-c", SERVE_STEPS, str(project), str(tmp_path)], env=env, cwd=project,
                            capture_output=True, text=True, check=True, timeout=300)
    # The reference list written after conversion: every entry at first, then only the entry each edit changed.
    assert result.stdout.split() == ["[4,", "1,", "1]"]
    pages = [(tmp_path / f"references-{step}.html").read_text(encoding="utf-8") for step in range(3)]
    assert "Edited Delivering neighbourhood policing" in pages[1] and "Edited Delivering" not in pages[0]
    served = []
    for step in range(3):
        result = check_project(tmp_path / f"project-{step}")
        assert result.formatter is not None
        expected = build_downloads(result.kb, result.formatter)
        folder = tmp_path / f"downloads-{step}"
        served.append({path: (folder / path.removeprefix("downloads/")).read_bytes() for path in expected})
        assert served[-1] == expected
    assert served[0]["downloads/studies.csv"] != served[1]["downloads/studies.csv"]
    assert served[1]["downloads/references.bib"] != served[2]["downloads/references.bib"]


SERVE_PAPERS = """
import json, sys
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config
import synth.mkdocs_plugin as plugin

project, served = Path(sys.argv[1]), Path(sys.argv[2])
asked = []
make_pdfs = plugin.paper_pdfs
def counted(papers, *args, **kwargs):
    asked.append(sorted(paper.slug for paper in papers))
    return make_pdfs(papers, *args, **kwargs)
plugin.paper_pdfs = counted
edits = [None, ("content/findings/scarborough-residents-had-a-say.yaml", "statement: ", "statement: Unrelated. "),
         ("content/findings/turley-staff-continuity.yaml", "statement: ", "statement: Edited. ")]
pdfs = []
for edit in edits:
    if edit is not None:
        path, old, new = project / edit[0], edit[1], edit[2]
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(served), strict=True)
    config.plugins.on_startup(command="serve", dirty=False)
    build(config, serve_url="http://127.0.0.1:8000/")
    pdfs.append((served / "papers" / "staff-continuity.pdf").read_bytes().hex())
config.plugins.on_shutdown()
print(json.dumps([asked, pdfs]))
"""


def test_serve_rebuilds_keep_the_pdf_of_a_paper_the_edit_leaves_untouched(tmp_path: Path) -> None:
    """Under `mkdocs serve`, a paper showing nothing an edit changed keeps its PDF without making it again.

    An edit of what it embeds makes it again, with the edit in it.
    """
    project = tmp_path / "project"
    shutil.copytree(SITE_EXAMPLE, project)
    (project / "mkdocs.yml").write_text((project / "mkdocs.yml").read_text(encoding="utf-8").replace(
        "  - synth", "  - synth:\n      briefing_pdf: false", 1), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPOSITORY), "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1700000000"}
    result = subprocess.run([sys.executable, "-c", SERVE_PAPERS, str(project), str(tmp_path / "served")], env=env,
                            cwd=project, capture_output=True, text=True, check=True, timeout=600)
    asked, pdfs = json.loads(result.stdout.strip().splitlines()[-1])
    assert asked == [["staff-continuity"], [], ["staff-continuity"]]
    first, kept, edited = (bytes.fromhex(pdf) for pdf in pdfs)
    assert kept == first and edited != first
    assert "Edited." in pdf_text(edited) and "Edited." not in pdf_text(first)


def pdf_text(data: bytes) -> str:
    """The PDF's text, whitespace collapsed."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())
