"""`synth pdf`: one paper's PDF from the command line, its located errors, and its usage errors."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import DATA, REPOSITORY

from synth.cli import build_parser
from synth.papers.command import find_project

EXAMPLE = DATA / "papers-example"


def run_synth(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "synth", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPOSITORY)}, check=False)


def test_synth_pdf_writes_the_pdf(tmp_path: Path) -> None:
    """`synth pdf PAPER -o FILE` finds the project above the paper and writes the PDF."""
    target = tmp_path / "out.pdf"
    result = run_synth("pdf", str(EXAMPLE / "content" / "papers" / "published.md"), "-o", str(target),
                       cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"wrote {target}")
    assert target.read_bytes().startswith(b"%PDF-")


def test_synth_pdf_exits_1_with_located_errors(tmp_path: Path) -> None:
    """A paper with an unknown key and record: each error at its file and line, exit 1, no file."""
    project = tmp_path / "project"
    shutil.copytree(EXAMPLE, project)
    paper = project / "content" / "papers" / "published.md"
    paper.write_text(paper.read_text(encoding="utf-8").replace("turley2012neighbourhood", "turley2021")
                     .replace("[[finding:turley-staff-continuity]]", "[[finding:turley-staff]]"), encoding="utf-8")
    result = run_synth("pdf", "content/papers/published.md", "-o", "out.pdf", cwd=project)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "content/papers/published.md:14:82: error[paper.unknown-key]: @turley2021: no BibTeX entry has the key "
        "'turley2021'",
        "  hint: add an entry with this key to a bibliography/*.bib file",
        "content/papers/published.md:16:1: error[paper.unknown-record]: [[finding:turley-staff]]: no finding has "
        "the id 'turley-staff'",
        "  hint: did you mean 'turley-staff-continuity'?",
    ]
    assert "no PDF written" in result.stderr
    assert not (project / "out.pdf").exists()


def test_synth_pdf_usage_errors(tmp_path: Path) -> None:
    """A missing file, or a file outside any project, is a usage error (exit 2)."""
    assert run_synth("pdf", "missing.md", cwd=tmp_path).returncode == 2
    stray = tmp_path / "stray.md"
    stray.write_text("---\n---\n", encoding="utf-8")
    result = run_synth("pdf", str(stray), cwd=tmp_path)
    assert result.returncode == 2
    assert "pass --project DIR" in result.stderr


def test_the_project_is_the_nearest_folder_with_content_and_bibliography() -> None:
    """The project is found by walking up from the paper."""
    assert find_project(EXAMPLE / "content" / "papers" / "example.md") == EXAMPLE.resolve()
    assert find_project(Path("/")) is None



def test_every_option_of_synth_pdf_is_in_the_readme() -> None:
    """The README documents the command and each of its options."""
    readme = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    commands = next(a for a in build_parser()._actions if a.dest == "command")
    pdf = commands.choices["pdf"]  # type: ignore[index]
    options = [s for action in pdf._actions for s in action.option_strings if s not in ("-h", "--help")]
    assert "`synth pdf PAPER`" in readme
    assert options == ["--all", "-o", "--output", "--project"]
    assert all(f"`{option}" in readme for option in options)


def test_pdf_all_writes_every_paper_into_a_built_site(tmp_path: Path) -> None:
    """`synth pdf --all SITE` writes each paper's PDF beside its page, for sites built without the plugin."""
    site = tmp_path / "site"
    (site / "papers").mkdir(parents=True)
    result = run_synth("pdf", "--all", str(site), "--project", str(EXAMPLE), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    written = sorted(path.name for path in (site / "papers").glob("*.pdf"))
    assert written == sorted(f"{path.stem}.pdf" for path in (EXAMPLE / "content" / "papers").glob("*.md"))
    assert all((site / "papers" / name).read_bytes().startswith(b"%PDF-") for name in written)


def test_pdf_all_needs_a_built_site(tmp_path: Path) -> None:
    """A folder without papers/ is refused with exit status 2: the site must be built first."""
    result = run_synth("pdf", "--all", str(tmp_path), "--project", str(EXAMPLE), cwd=tmp_path)
    assert result.returncode == 2 and "build the site first" in result.stderr
