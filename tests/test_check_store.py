"""Parses kept between runs of `synth check`, and record files parsed in two processes: the report never differs.

Each test checks a copy of an example tree with a `RecordStore` in a temporary cache folder, changes the copy
or the store (edits, deletions, damaged or foreign files), checks again with a new store read from the same
folder, as the next `synth check` would, and compares the result with a check that keeps nothing.
"""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import DATA, REPOSITORY, SITE_EXAMPLE
from test_check_cache import knowledge

import synth.forked as forked
import synth.records.load as load
from synth.pipeline import CheckResult, check_project
from synth.records.stored import (
    CACHE_DIR_ENV,
    MAX_PROJECTS,
    NO_CACHE_ENV,
    SHARDS,
    RecordStore,
    code_fingerprint,
    shard_of,
)

BROKEN = DATA / "broken"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the site example, free to change."""
    copy = tmp_path / "project"
    shutil.copytree(SITE_EXAMPLE, copy)
    return copy


def stored_check(project: Path, root: Path, **options: object) -> tuple[CheckResult, RecordStore]:
    """A check with the store kept under ``root``, read afresh as a new `synth check` reads it."""
    store = RecordStore.for_project(project, project, root=root)
    return check_project(project, store=store, **options), store  # type: ignore[arg-type]


def assert_same_as_without_store(result: CheckResult, project: Path, **options: object) -> None:
    """The same diagnostics, in the same order, and the same knowledge base as a check that keeps nothing."""
    fresh = check_project(project, **options)  # type: ignore[arg-type]
    assert result.diagnostics == fresh.diagnostics
    assert knowledge(result.kb) == knowledge(fresh.kb)


def record_count(project: Path) -> int:
    """How many record files the project has (`themes.yaml` included)."""
    return len(list((project / "content").rglob("*.yaml")))


@pytest.mark.parametrize("in_parallel", [False, True])
def test_the_second_check_of_the_broken_tree_parses_nothing_and_reports_the_same(tmp_path: Path,
                                                                                  in_parallel: bool) -> None:
    """Every planted mistake is reported alike from the stored parses, and no record file is parsed again."""
    broken = tmp_path / "broken"
    shutil.copytree(BROKEN, broken, symlinks=True)
    first, store = stored_check(broken, tmp_path / "cache", sources=broken / "sources", in_parallel=in_parallel)
    assert store.cache.computed > 0
    second, store = stored_check(broken, tmp_path / "cache", sources=broken / "sources", in_parallel=in_parallel)
    assert store.cache.computed == 0
    assert second.diagnostics == first.diagnostics
    assert_same_as_without_store(second, broken, sources=broken / "sources")


def test_an_edited_record_is_parsed_again_and_its_new_mistake_reported(project: Path, tmp_path: Path) -> None:
    """Only the edited file is parsed again; the mistake written into it is reported at its line."""
    stored_check(project, tmp_path / "cache")
    finding = sorted((project / "content" / "findings").glob("*.yaml"))[0]
    finding.write_text(finding.read_text(encoding="utf-8") + "colour: blue\n", encoding="utf-8")
    result, store = stored_check(project, tmp_path / "cache")
    assert store.cache.computed == 1
    [unknown] = [d for d in result.diagnostics if d.code == "schema.unknown-field"]
    assert unknown.location is not None and unknown.location.path.endswith(f"findings/{finding.name}")
    assert_same_as_without_store(result, project)


@pytest.mark.parametrize("in_parallel", [False, True])
def test_only_the_shard_of_an_edited_record_is_written_again(project: Path, tmp_path: Path, in_parallel: bool) -> None:
    """After a check that changed nothing no shard is written; after an edit, only the edited record's shard."""
    stored_check(project, tmp_path / "cache", in_parallel=in_parallel)
    [folder] = (tmp_path / "cache").iterdir()
    written = {path.name: path.stat().st_mtime_ns for path in folder.glob("records-*.pickle")}
    _, store = stored_check(project, tmp_path / "cache", in_parallel=in_parallel)
    assert store.changed() == {}
    finding = sorted((project / "content" / "findings").glob("*.yaml"))[0]
    finding.write_text(finding.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    time.sleep(0.01)
    _, store = stored_check(project, tmp_path / "cache", in_parallel=in_parallel)
    rewritten = {path.name for path in folder.glob("records-*.pickle") if path.stat().st_mtime_ns != written[path.name]}
    key = (f"content/findings/{finding.name}", "finding", finding.stem)
    assert rewritten == {f"records-{shard_of(key):02d}.pickle"}
    assert store.cache.computed == 1


def test_an_edited_bibliography_is_parsed_again(project: Path, tmp_path: Path) -> None:
    """A key added to a `.bib` file is known to the next check, which then reports no unknown key for it."""
    stored_check(project, tmp_path / "cache")
    bib = sorted((project / "bibliography").glob("*.bib"))[0]
    bib.write_text(bib.read_text(encoding="utf-8") + "\n@book{added2024, title = {Added}, author = {Doe, Jane},"
                   " year = {2024}, publisher = {P}}\n", encoding="utf-8")
    result, _ = stored_check(project, tmp_path / "cache")
    assert "added2024" in result.kb.bibliography
    assert_same_as_without_store(result, project)


def test_damaged_stored_files_are_ignored_and_written_again(project: Path, tmp_path: Path) -> None:
    """Truncated, garbage and foreign files in the store give the report of a fresh check, then are replaced."""
    stored_check(project, tmp_path / "cache")
    [folder] = (tmp_path / "cache").iterdir()
    stored = sorted(folder.iterdir())
    assert len(stored) > 1
    for number, path in enumerate(stored):
        data = path.read_bytes()
        path.write_bytes([data[: len(data) // 2], b"not a pickle", pickle.dumps(("other", {}))][number % 3])
    result, store = stored_check(project, tmp_path / "cache")
    assert store.cache.computed == record_count(project)
    assert_same_as_without_store(result, project)
    _, store = stored_check(project, tmp_path / "cache")
    assert store.cache.computed == 0


class Planted:
    """An object whose unpickling would run a command: a stored file must never unpickle it."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, ...]]:
        return (os.system, (f"touch {self.marker}",))


def test_a_stored_file_naming_any_other_class_is_refused_not_run(project: Path, tmp_path: Path) -> None:
    """A shard holding a planted object (as a tampered cache would) is ignored: its command never runs."""
    stored_check(project, tmp_path / "cache")
    [folder] = (tmp_path / "cache").iterdir()
    marker = tmp_path / "ran"
    for path in folder.iterdir():
        key = ("content/x.yaml", "finding", "x")
        path.write_bytes(pickle.dumps((code_fingerprint(), {key: (b"0" * 20, Planted(marker))})))
    result, store = stored_check(project, tmp_path / "cache")
    assert not marker.exists()
    assert store.cache.computed == record_count(project)
    assert_same_as_without_store(result, project)


def test_parses_made_by_other_code_are_not_used(project: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """When synth's code (or PyYAML's, pybtex's or Python's version) changes, every file is parsed again."""
    stored_check(project, tmp_path / "cache")
    monkeypatch.setattr("synth.records.stored.code_fingerprint", lambda: "another version")
    result, store = stored_check(project, tmp_path / "cache")
    assert store.cache.computed == record_count(project)
    assert_same_as_without_store(result, project)


def test_a_deleted_record_leaves_the_store(project: Path, tmp_path: Path) -> None:
    """The store keeps the parses of the files the last check read, no others."""
    _, store = stored_check(project, tmp_path / "cache")
    kept = len(store.cache.used_entries())
    sorted((project / "content" / "findings").glob("*.yaml"))[0].unlink()
    stored_check(project, tmp_path / "cache")
    _, store = stored_check(project, tmp_path / "cache")
    assert store.cache.computed == 0
    assert len(store.cache) == kept - 1
    [folder] = (tmp_path / "cache").iterdir()
    assert len(list(folder.glob("records-*.pickle"))) <= SHARDS


def test_only_the_projects_checked_most_recently_are_kept(project: Path, tmp_path: Path) -> None:
    """Older projects' stores beyond the limit are removed; anything else in the cache folder is left alone."""
    cache = tmp_path / "cache"
    for number in range(MAX_PROJECTS + 3):
        old = cache / f"{number:024x}"
        old.mkdir(parents=True)
        (old / "records-00.pickle").write_bytes(b"old")
        os.utime(old, (1_000_000 + number, 1_000_000 + number))
    (cache / "notes").mkdir()
    stored_check(project, cache)
    stores = [path for path in cache.iterdir() if path.name != "notes"]
    assert len(stores) == MAX_PROJECTS
    assert (cache / "notes").is_dir()
    assert not (cache / f"{0:024x}").exists()
    assert (cache / f"{MAX_PROJECTS + 2:024x}").exists()


def test_a_cache_folder_that_cannot_be_written_changes_nothing(project: Path, tmp_path: Path) -> None:
    """With the cache folder's place taken by a file, the check parses everything and reports the same."""
    blocked = tmp_path / "cache"
    blocked.write_text("a file, not a folder")
    result, store = stored_check(project, blocked)
    assert store.cache.computed == record_count(project)
    assert_same_as_without_store(result, project)


def read_in_runs_of_one(monkeypatch: pytest.MonkeyPatch, read_each: object) -> None:
    """Make a parallel read split any tree into runs of one file, each read and parsed by ``read_each``."""
    monkeypatch.setattr(load, "PARALLEL_FROM", 2)
    monkeypatch.setattr(load, "CHUNK", 1)
    monkeypatch.setattr(load, "_read_each", read_each)


def read_slowed_here(here: list[int]) -> object:
    """A stand-in for `load._read_each` that, in this process only, notes each run's length and sleeps a little.

    So the forked child takes some of the runs; ``here`` gets the lengths of those this process read.
    """
    parent = os.getpid()
    read_each = load._read_each

    def slowed_here(files: list[load.RecordFile], cache: object) -> list[object]:
        if os.getpid() == parent:
            here.append(len(files))
            time.sleep(0.02)
        return read_each(files, cache)  # type: ignore[arg-type,return-value]

    return slowed_here


@pytest.mark.parametrize("tree", [REPOSITORY, BROKEN], ids=["repository", "broken"])
def test_record_files_parsed_in_two_processes_give_the_same_records_in_the_same_order(
        tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The runs of files the forked child takes come back equal and in place (this process is slowed so it does)."""
    here: list[int] = []
    slowed_here = read_slowed_here(here)
    serial = load.load_records(tree / "content", REPOSITORY)
    read_in_runs_of_one(monkeypatch, slowed_here)
    parallel = load.load_records(tree / "content", REPOSITORY, in_parallel=True)
    files = sum(1 for path in (tree / "content").rglob("*.yaml") if path.parent.name != "content")
    assert 0 < sum(here) < files, "this process parsed some runs, the child the others"
    assert parallel == serial
    assert [record.path for record in parallel.records] == [record.path for record in serial.records]


def test_runs_taken_by_a_child_that_fails_are_parsed_here(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """When the child stops with an error, the runs it took are parsed in this process: nothing is lost."""
    parent = os.getpid()
    read_each = load._read_each
    took = tmp_path / "the child took a run"

    def failing_in_the_child(files: list[load.RecordFile], cache: object) -> list[object]:
        if os.getpid() != parent:
            took.touch()
            raise RuntimeError("the child fails")
        time.sleep(0.01)
        return read_each(files, cache)  # type: ignore[arg-type,return-value]

    serial = load.load_records(BROKEN / "content", REPOSITORY)
    read_in_runs_of_one(monkeypatch, failing_in_the_child)
    assert load.load_records(BROKEN / "content", REPOSITORY, in_parallel=True) == serial
    assert took.exists()


def test_files_read_in_two_processes_take_the_kept_parses_of_unchanged_bytes(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the touched file whose bytes changed is parsed again when two processes read the files.

    The others come back as the very parses the cache kept, and the records equal a fresh serial read.
    """
    here: list[int] = []
    slowed_here = read_slowed_here(here)
    cache = load.ContentCache()
    age_files(project)
    first = load.load_records(project / "content", project, cache=cache)
    kept = {(record.path, record.id): record for record in first.records}
    age_files(project, seconds=60)  # A new status for every file (a checkout), the same bytes.
    finding = sorted((project / "content" / "findings").glob("*.yaml"))[0]
    finding.write_text(finding.read_text(encoding="utf-8").replace("rating: ", "rating: X", 1), encoding="utf-8")
    computed = cache.computed
    read_in_runs_of_one(monkeypatch, slowed_here)
    again = load.load_records(project / "content", project, cache=cache, in_parallel=True)
    monkeypatch.undo()
    assert 0 < sum(here) < record_count(project) - 1, "this process read some runs, the child the others"
    assert cache.computed == computed + 1
    assert again == load.load_records(project / "content", project)
    unchanged = [record for record in again.records if not record.path.endswith(finding.name)]
    assert unchanged and all(record is kept[record.path, record.id] for record in unchanged)
    edited = [record for record in again.records if record.path.endswith(finding.name)]
    assert [record.data for record in edited] != [kept[record.path, record.id].data for record in edited]


def test_work_beside_the_records_is_done_here_while_the_child_reads(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The work given (a check's bibliography) runs in this process once the child is reading records."""
    parent = os.getpid()
    read_each = load._read_each
    child_read = tmp_path / "the child read a run"

    def marked_in_the_child(files: list[load.RecordFile], cache: object) -> list[object]:
        if os.getpid() != parent:
            child_read.touch()
        return read_each(files, cache)  # type: ignore[arg-type,return-value]

    def work() -> tuple[int, bool]:
        deadline = time.monotonic() + 10
        while not child_read.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        return os.getpid(), child_read.exists()

    serial = load.load_records(BROKEN / "content", REPOSITORY)
    read_in_runs_of_one(monkeypatch, marked_in_the_child)
    tree, done = load.load_records_beside(work, BROKEN / "content", REPOSITORY, in_parallel=True)
    assert done == (parent, True)
    assert tree == serial


def test_work_beside_the_records_that_fails_stops_the_child(monkeypatch: pytest.MonkeyPatch) -> None:
    """The failure is raised here, and the child reading records is stopped and waited for, not left behind."""
    def work() -> None:
        raise ValueError("the bibliography cannot be read")

    read_in_runs_of_one(monkeypatch, load._read_each)
    started: list[forked.InChild[object]] = []
    real = forked.InChild

    def kept(*args: object) -> forked.InChild[object]:
        started.append(real(*args))  # type: ignore[arg-type]
        return started[-1]

    monkeypatch.setattr(forked, "InChild", kept)
    with pytest.raises(ValueError, match="cannot be read"):
        load.load_records_beside(work, BROKEN / "content", REPOSITORY, in_parallel=True)
    assert len(started) == 1
    with pytest.raises(RuntimeError, match="no longer wanted"):
        started[0].result()
    with pytest.raises(ChildProcessError):
        os.waitpid(started[0]._pid, os.WNOHANG)


def run_check(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "synth", "check", *args], cwd=REPOSITORY, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(REPOSITORY), **env}, check=False)


def test_no_cache_neither_reads_nor_writes_the_store(tmp_path: Path) -> None:
    """`--no-cache` and SYNTH_NO_CACHE=1 write nothing; a plain check writes its store; all report the same."""
    cache = tmp_path / "cache"
    plain = {CACHE_DIR_ENV: str(cache)}
    without = run_check("tests/data/broken", "--no-cache", env=plain)
    assert not cache.exists()
    by_variable = run_check("tests/data/broken", env={**plain, NO_CACHE_ENV: "1"})
    assert not cache.exists()
    first = run_check("tests/data/broken", env=plain)
    assert len(list(cache.iterdir())) == 1
    second = run_check("tests/data/broken", env=plain)
    assert without.returncode == by_variable.returncode == first.returncode == second.returncode == 1
    assert without.stdout == by_variable.stdout == first.stdout == second.stdout


def age_files(project: Path, seconds: int = 3600) -> None:
    """Date every record file back, as files written long before a check are."""
    then = time.time() - seconds
    for path in (project / "content").rglob("*.yaml"):
        os.utime(path, (then, then))


def counting_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The record files `load_records` reads from now on (their shown paths; `themes.yaml` is read apart)."""
    reads: list[str] = []
    real = load.read_project_file

    def counted(path: Path, shown: str, limit: int) -> bytes | object:
        if path.name != "themes.yaml":
            reads.append(shown)
        return real(path, shown, limit)

    monkeypatch.setattr(load, "read_project_file", counted)
    return reads


def test_record_files_unchanged_since_long_before_the_last_check_are_not_read(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file whose status (size, modification and change times) is as the last check read it is not read."""
    age_files(project)
    stored_check(project, tmp_path / "cache")
    reads = counting_reads(monkeypatch)
    result, store = stored_check(project, tmp_path / "cache")
    assert reads == [] and store.cache.computed == 0
    assert_same_as_without_store(result, project)


def test_a_file_rewritten_with_its_old_size_and_modification_time_is_read_again(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The change time cannot be set back: an edit hidden behind the old modification time is still read."""
    age_files(project)
    stored_check(project, tmp_path / "cache")
    finding = sorted((project / "content" / "findings").glob("*.yaml"))[0]
    before = finding.stat()
    text = finding.read_text(encoding="utf-8")
    edited = text.replace("rating: ", "rating: X", 1)[:-1]  # The same size: one character in, one out.
    assert len(edited.encode()) == before.st_size and edited != text
    time.sleep(0.01)
    finding.write_text(edited, encoding="utf-8")
    os.utime(finding, ns=(before.st_atime_ns, before.st_mtime_ns))
    reads = counting_reads(monkeypatch)
    result, store = stored_check(project, tmp_path / "cache")
    assert reads == [f"content/findings/{finding.name}"] and store.cache.computed == 1
    assert any(d.code == "schema.invalid-value" and d.location is not None
               and d.location.path.endswith(finding.name) for d in result.diagnostics)
    assert_same_as_without_store(result, project)


def test_files_written_just_before_a_check_are_read_by_the_next(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file written within the last two seconds could change again within its clock tick: it is read again."""
    age_files(project, seconds=0)  # Every file written now.
    stored_check(project, tmp_path / "cache")
    reads = counting_reads(monkeypatch)
    _, store = stored_check(project, tmp_path / "cache")
    assert len(reads) == record_count(project) - 1 and store.cache.computed == 0
