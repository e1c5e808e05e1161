"""Which project files are read: only regular files inside the project, the same in `synth check` and the build."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPOSITORY, SITE_EXAMPLE

from synth.errors import Location
from synth.pipeline import bib_files, check_project
from synth.project_files import MAX_FILE_BYTES, display_path, list_project_files, read_project_file
from synth.records.load import RecordFile, _record_files

EXPECTED = [
    ("bibliography/dangling.bib", "error[file.unreadable]: cannot read the file: the link points to"),
    ("bibliography/fifo.bib", "error[file.not-regular]: this is a pipe, not a file; it was not read"),
    ("bibliography/folder.bib", "error[file.not-regular]: this is a folder, not a file; it was not read"),
    ("bibliography/loop.bib", "error[file.unreadable]: cannot read the file: the link loops back on itself"),
    ("bibliography/nested/sources.BIB", "warning[content.stray-file]: file names must end in '.bib' in lower case"),
    ("bibliography/zero.bib", "error[file.outside-project]: the file links to '/dev/zero', outside the project"),
    ("content/findings/extra.YAML", "warning[content.stray-file]: file names must end in '.yaml' in lower case"),
    ("content/findings/folder.yaml", "error[file.not-regular]: this is a folder, not a file; it was not read"),
    ("content/findings/outside.yaml", "error[file.outside-project]: the file links to"),
    ("content/papers/pipe.md", "error[file.not-regular]: this is a pipe, not a file; it was not read"),
]


def hostile_project(tmp_path: Path) -> Path:
    """The site example with a file of every kind synth must not read, and one linked record it may."""
    project = tmp_path / "project"
    shutil.copytree(SITE_EXAMPLE, project)
    bibliography, findings = project / "bibliography", project / "content" / "findings"
    os.mkfifo(bibliography / "fifo.bib")
    (bibliography / "zero.bib").symlink_to("/dev/zero")
    (bibliography / "folder.bib").mkdir()
    (bibliography / "dangling.bib").symlink_to("missing.bib")
    (bibliography / "loop.bib").symlink_to("loop.bib")
    (bibliography / "nested").mkdir()
    (bibliography / "nested" / "sources.BIB").write_text("@misc{upper, title = {Upper}}\n", encoding="utf-8")
    (findings / "extra.YAML").write_text("statement: Not read\n", encoding="utf-8")
    (findings / "folder.yaml").mkdir()
    (tmp_path / "secret.yaml").write_text("statement: Private\n", encoding="utf-8")
    (findings / "outside.yaml").symlink_to(tmp_path / "secret.yaml")
    os.mkfifo(project / "content" / "papers" / "pipe.md")
    return project


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a command in another process, bounded in time, so a hang fails the test instead of stalling it."""
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, timeout=240,
                          env={**os.environ, "PYTHONPATH": str(REPOSITORY)}, check=False)


def located_lines(output: str) -> list[tuple[str, str]]:
    """The (path, rest of line) of every diagnostic about a file synth did not read."""
    lines = [line.split(":1:1: ", 1) for line in output.splitlines() if ":1:1: " in line]
    return sorted((path.split()[-1], rest) for path, rest in lines
                  if "[file." in rest or "[content.stray-file]" in rest)


def test_check_and_build_report_every_unreadable_file_alike(tmp_path: Path) -> None:
    """Each file synth must not read is reported at its path, the same in `synth check` and the build.

    FIFOs, devices, folders, dangling links, loops, links out of the project and upper-case suffixes; the
    build stops without hanging.
    """
    project = hostile_project(tmp_path)
    check = run("synth", "check", ".", cwd=project)
    build = run("mkdocs", "build", "-q", "-d", str(tmp_path / "site"), cwd=project)
    assert check.returncode == 1 and build.returncode == 1
    reported = located_lines(check.stdout)
    assert [(path, rest[:len(start)]) for (path, rest), (_, start) in zip(reported, EXPECTED, strict=True)] \
        == EXPECTED
    assert located_lines(build.stdout + build.stderr) == reported
    assert "Traceback" not in build.stderr and "Private" not in check.stdout


def test_only_regular_files_inside_the_project_are_listed(tmp_path: Path) -> None:
    """`bib_files`, which the build's reference cache reads, lists only the readable `.bib` files."""
    project = hostile_project(tmp_path)
    assert [path.name for path in bib_files(project)] == ["refs.bib"]


def test_a_link_to_a_file_inside_the_project_is_read(tmp_path: Path) -> None:
    """A record linked to another file of the project is read as a record like any other."""
    project = tmp_path / "project"
    shutil.copytree(SITE_EXAMPLE, project)
    findings = project / "content" / "findings"
    original = sorted(findings.glob("*.yaml"))[0]
    shared = project / "shared.yaml"
    original.rename(shared)
    original.symlink_to(shared)
    assert check_project(project).diagnostics == ()


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A record bigger than the limit is reported with its size, not read."""
    monkeypatch.setitem(MAX_FILE_BYTES, ".yaml", 1024)
    project = tmp_path / "project"
    shutil.copytree(SITE_EXAMPLE, project)
    (project / "content" / "barriers" / "huge.yaml").write_text("name: " + "x" * 2000 + "\n", encoding="utf-8")
    problems = [d for d in check_project(project).diagnostics if d.code.startswith("file.")]
    assert [(d.code, d.location) for d in problems] == [
        ("file.too-large", Location("content/barriers/huge.yaml"))]
    assert problems[0].message == "the file is 2007 bytes, more than the limit of 1024 bytes; it was not read"


def test_a_file_swapped_for_a_pipe_after_listing_is_refused_when_read(tmp_path: Path) -> None:
    """Reading opens without blocking and checks again, so a pipe put in a listed file's place never hangs."""
    os.mkfifo(tmp_path / "refs.bib")
    problem = read_project_file(tmp_path / "refs.bib", "refs.bib", 1024)
    assert not isinstance(problem, bytes) and problem.code == "file.not-regular"


def test_a_file_name_with_a_line_break_is_quoted(tmp_path: Path) -> None:
    """A diagnostic stays on one line whatever the file is called."""
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "odd\nname.YAML").write_text("a: 1\n", encoding="utf-8")
    listing = list_project_files(tmp_path / "content", ".yaml", project=tmp_path, display_root=tmp_path)
    assert [d.format().split("\n")[0][:32] for d in listing.diagnostics] == ['"content/odd\\x0aname.YAML":1:1: ']
    assert display_path(tmp_path / "plain.yaml", tmp_path) == "plain.yaml"


def test_the_readme_states_the_limits_that_are_enforced() -> None:
    """The README's limits table names the same numbers the code enforces, so the two cannot drift apart."""
    from synth.authoring.imports.eppi_export import MAX_JSON_DEPTH
    from synth.records.load import MAX_DEPTH, MAX_NODES, MAX_TEXT

    readme = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("### Limits"):readme.index("## Adding evidence")]
    mib = 1024 * 1024
    assert f"| a record (`.yaml`) or paper (`.md`) file | {MAX_FILE_BYTES['.yaml'] // mib} MiB |" in table
    assert MAX_FILE_BYTES[".md"] == MAX_FILE_BYTES[".yaml"]
    assert f"| a `.bib` file | {MAX_FILE_BYTES['.bib'] // mib} MiB |" in table
    assert f"(each use counts again) | {MAX_TEXT // mib} MiB |" in table
    assert f"| values in one record file | {MAX_NODES:,} |" in table
    assert f"| nesting of lists and mappings in a record | {MAX_DEPTH} levels |" in table
    assert f"| nesting in an EPPI-Reviewer export | {MAX_JSON_DEPTH} levels |" in table


def test_linked_folders_are_walked_once_inside_the_project_and_reported_outside(tmp_path: Path) -> None:
    """A linked folder of `.bib` files inside the project is read; a link loop ends; a link out is reported."""
    project = tmp_path / "project"
    (project / "bibliography").mkdir(parents=True)
    (project / "shared").mkdir()
    (project / "shared" / "more.bib").write_text("@misc{more, title = {More}}\n", encoding="utf-8")
    (project / "bibliography" / "linked").symlink_to(project / "shared")
    (project / "bibliography" / "loop").symlink_to(project / "bibliography")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "secret.bib").write_text("@misc{secret, title = {Secret}}\n", encoding="utf-8")
    (project / "bibliography" / "out").symlink_to(tmp_path / "elsewhere")
    listing = list_project_files(project / "bibliography", ".bib", project=project, display_root=project,
                                 recursive=True)
    assert [path.relative_to(project).as_posix() for path in listing.paths] == ["bibliography/linked/more.bib"]
    assert [(d.code, d.location) for d in listing.diagnostics] == [
        ("file.outside-project", Location("bibliography/out"))]


@pytest.mark.parametrize("root", ["project", "project/content", "project/content/barriers",
                                  "project/content/barriers/odd.yaml/inner", "elsewhere/deeper", "."])
def test_a_listed_file_is_shown_as_its_own_relative_path(tmp_path: Path, root: str) -> None:
    """A listed file is shown as its relative path, though joined to its folder's once per folder.

    Wherever the display root is: in the project, below it, beside it, or inside a folder named like a record file.
    """
    project = tmp_path / "project"
    barriers = project / "content" / "barriers"
    (barriers / "odd.yaml" / "inner").mkdir(parents=True)
    (tmp_path / "elsewhere" / "deeper").mkdir(parents=True)
    (barriers / "plain.yaml").write_text("name: x\n", encoding="utf-8")
    (barriers / "Upper.YAML").write_text("name: x\n", encoding="utf-8")
    display_root = tmp_path / root
    records = list(_record_files(project / "content", project, display_root))
    shown = sorted(item.display if isinstance(item, RecordFile) else str(item.location and item.location.path)
                   for item in records)
    assert shown == sorted(display_path(barriers / name, display_root)
                           for name in ("Upper.YAML", "odd.yaml", "plain.yaml"))
