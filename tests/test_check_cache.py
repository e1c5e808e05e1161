"""A `ProjectCache` kept across checks: what changed is read again, nothing else, and the result never differs.

Each test copies the site example, checks it once with a cache, changes the copy as a researcher would
under `mkdocs serve` (edits, breaks, fixes, deletes and renames files), checks it again with the same cache,
and compares the result with a check from scratch. The cache's counters say what was parsed, validated and
formatted again.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import SITE_EXAMPLE

import synth.records.load as load
from synth.pipeline import CheckResult, ProjectCache, check_project, in_child_process
from synth.records.cache import ContentCache, ObjectMemo
from synth.records.link import KnowledgeBase


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the site example, free to change."""
    copy = tmp_path / "project"
    shutil.copytree(SITE_EXAMPLE, copy)
    return copy


def knowledge(kb: KnowledgeBase) -> dict[str, Any]:
    """Everything a knowledge base holds, as plain values that compare equal when the contents are equal."""
    fields = ("studies", "findings", "barriers", "facilitators", "outcomes", "themes", "paths", "findings_by_study",
              "findings_by_barrier", "findings_by_facilitator", "findings_by_outcome", "findings_by_theme",
              "factors_by_theme", "cited_by", "support")
    snapshot: dict[str, Any] = {name: dict(getattr(kb, name)) for name in fields}
    snapshot["bibliography"] = {key: (kb.bibliography.locations[key], entry.type, dict(entry.fields),
                                      {role: [str(p) for p in people] for role, people in entry.persons.items()})
                                for key, entry in kb.bibliography.data.entries.items()}
    return snapshot


def assert_same_as_from_scratch(result: CheckResult, project: Path) -> None:
    """The cached check found what a check without a cache finds: the same diagnostics and knowledge base."""
    fresh = check_project(project)
    assert result.diagnostics == fresh.diagnostics
    assert knowledge(result.kb) == knowledge(fresh.kb)
    assert result.counts == fresh.counts


def record_files(project: Path) -> list[Path]:
    return sorted((project / "content").rglob("*.yaml"))


def test_a_second_check_of_an_unchanged_project_parses_and_validates_nothing(project: Path) -> None:
    """Every record file, record and the bibliography come from the cache; the knowledge base is equal."""
    cache = ProjectCache()
    first = check_project(project, cache=cache)
    parsed, validated, bib_parses = cache.records.computed, cache.validations.computed, cache.bibliography.computed
    assert parsed == len(record_files(project)) - len(list((project / "content" / "papers").glob("*.yaml")))
    assert bib_parses == 1
    second = check_project(project, cache=cache)
    assert (cache.records.computed, cache.validations.computed, cache.bibliography.computed) == (
        parsed, validated, bib_parses)
    assert second.diagnostics == first.diagnostics
    assert knowledge(second.kb) == knowledge(first.kb)
    assert second.formatter is first.formatter, "an unchanged bibliography keeps its formatter"


def test_editing_one_record_parses_and_validates_only_that_file(project: Path) -> None:
    """The edited finding is read and validated again, alone; the result equals a check from scratch."""
    cache = ProjectCache()
    check_project(project, cache=cache)
    parsed, validated = cache.records.computed, cache.validations.computed
    consistency = cache.consistency.computed
    finding = project / "content" / "findings" / "turley-shared-aims.yaml"
    finding.write_text(finding.read_text(encoding="utf-8").replace("title: ", "title: Edited ", 1), encoding="utf-8")
    result = check_project(project, cache=cache)
    assert cache.records.computed == parsed + 1
    assert cache.validations.computed == validated + 1
    assert cache.consistency.computed == consistency + 1
    assert result.kb.findings["turley-shared-aims"].title.startswith("Edited ")
    assert_same_as_from_scratch(result, project)


def test_a_record_broken_then_fixed_reports_its_error_then_clears_it(project: Path) -> None:
    """A syntax error in a cached file is reported at its line; restoring the file clears it."""
    cache = ProjectCache()
    check_project(project, cache=cache)
    study = project / "content" / "studies" / "lgg-2010.yaml"
    good = study.read_text(encoding="utf-8")
    study.write_text(good + "design: [unclosed\n", encoding="utf-8")
    broken = check_project(project, cache=cache)
    syntax = [d for d in broken.errors if d.code == "yaml.syntax"]
    assert [d.location.path for d in syntax] == [study.relative_to(project).as_posix()]
    assert syntax[0].location.line == good.count("\n") + 2, "located at the end of the unclosed list"
    assert "lgg-2010" not in broken.kb.studies
    assert_same_as_from_scratch(broken, project)
    study.write_text(good, encoding="utf-8")
    fixed = check_project(project, cache=cache)
    assert fixed.errors == []
    assert "lgg-2010" in fixed.kb.studies
    assert_same_as_from_scratch(fixed, project)


def test_a_deleted_or_renamed_record_is_forgotten(project: Path) -> None:
    """A deleted record leaves the knowledge base and the cache; a renamed one comes back under its new id."""
    cache = ProjectCache()
    check_project(project, cache=cache)
    kept = len(cache.records)
    outcome = next((project / "content" / "outcomes").glob("*.yaml"))
    moved = outcome.with_name("renamed-outcome.yaml")
    outcome.rename(moved)
    renamed = check_project(project, cache=cache)
    assert outcome.stem not in renamed.kb.outcomes and "renamed-outcome" in renamed.kb.outcomes
    assert len(cache.records) == kept
    assert_same_as_from_scratch(renamed, project)
    moved.unlink()
    deleted = check_project(project, cache=cache)
    assert "renamed-outcome" not in deleted.kb.outcomes
    assert len(cache.records) == kept - 1
    assert_same_as_from_scratch(deleted, project)


def test_editing_one_bib_entry_reformats_only_that_entry(project: Path) -> None:
    """After a title changes, that entry alone is laid out again; its text is new, the others' are unchanged."""
    cache = ProjectCache()
    first = check_project(project, cache=cache)
    assert first.formatter is not None
    before = {key: first.formatter.format(key)[0] for key in first.kb.bibliography.locations}
    laid_out = cache.references.laid_out
    assert laid_out == len(before)
    bib = project / "bibliography" / "refs.bib"
    key = "turley2012neighbourhood"
    text = bib.read_text(encoding="utf-8")
    old_title = "Delivering neighbourhood policing in partnership"
    assert old_title in text
    bib.write_text(text.replace(old_title, "Neighbourhood policing delivered in partnership"), encoding="utf-8")
    second = check_project(project, cache=cache)
    assert cache.bibliography.computed == 2
    assert second.formatter is not None and second.formatter is not first.formatter
    after = {k: second.formatter.format(k)[0] for k in second.kb.bibliography.locations}
    assert cache.references.laid_out == laid_out + 1
    assert "Neighbourhood policing delivered" in after[key].text
    assert {k: v for k, v in after.items() if k != key} == {k: v for k, v in before.items() if k != key}
    fresh = check_project(project)
    assert fresh.formatter is not None
    assert after == {k: fresh.formatter.format(k)[0] for k in fresh.kb.bibliography.locations}
    assert_same_as_from_scratch(second, project)


def test_a_bib_file_broken_then_fixed_reports_then_clears_the_error(project: Path) -> None:
    """An unclosed brace in a `.bib` file is reported at its entry; the fix clears it and the entry comes back."""
    cache = ProjectCache()
    check_project(project, cache=cache)
    bib = project / "bibliography" / "refs.bib"
    good = bib.read_text(encoding="utf-8")
    bib.write_text(good.replace("title = {Delivering", "title = {{Delivering", 1), encoding="utf-8")
    broken = check_project(project, cache=cache)
    assert any(d.code == "bib.syntax" and d.location.path == "bibliography/refs.bib" for d in broken.errors)
    assert_same_as_from_scratch(broken, project)
    bib.write_text(good, encoding="utf-8")
    fixed = check_project(project, cache=cache)
    assert fixed.errors == [] and "turley2012neighbourhood" in fixed.kb.bibliography
    assert_same_as_from_scratch(fixed, project)


def test_a_new_bib_file_is_read_with_the_others(project: Path) -> None:
    """Adding a `.bib` file parses the bibliography again, with the new entry in it."""
    cache = ProjectCache()
    check_project(project, cache=cache)
    (project / "bibliography" / "extra.bib").write_text(
        "@book{extra2020, author = {Extra, Ann}, title = {More}, publisher = {P}, year = 2020}\n", encoding="utf-8")
    result = check_project(project, cache=cache)
    assert cache.bibliography.computed == 2 and "extra2020" in result.kb.bibliography
    assert_same_as_from_scratch(result, project)


def test_the_content_cache_keys_by_bytes_and_forgets_what_was_not_asked_for() -> None:
    """Equal bytes give the kept result; other bytes compute anew; an unused key is dropped."""
    cache = ContentCache()
    assert cache.get("a", b"one", lambda: 1) == 1
    assert cache.get("a", b"one", lambda: 2) == 1
    assert cache.get("a", b"two", lambda: 3) == 3
    assert cache.get("b", b"one", lambda: 4) == 4
    assert cache.computed == 3
    cache.forget_unused()
    assert cache.get("a", b"two", lambda: 5) == 3
    cache.forget_unused()
    assert len(cache) == 1 and cache.get("b", b"one", lambda: 6) == 6


def test_the_object_memo_recognises_the_very_object_only() -> None:
    """An equal but different object is computed again: the memo keys by identity, holding the object."""
    memo = ObjectMemo()
    first, twin = ["x"], ["x"]
    assert memo.get(first, lambda: 1) == 1
    assert memo.get(first, lambda: 2) == 1
    assert memo.get(twin, lambda: 3) == 3
    assert memo.computed == 2


def test_checking_in_two_processes_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The broken tree checks the same with its records read in two processes, in runs of one file.

    The bibliography is then read here while the child reads records, as `synth check` does with many files.
    """
    broken = SITE_EXAMPLE.parent / "broken"
    monkeypatch.setattr(load, "PARALLEL_FROM", 2)
    monkeypatch.setattr(load, "CHUNK", 1)
    together = check_project(broken, sources=broken / "sources", in_parallel=True)
    monkeypatch.undo()
    alone = check_project(broken, sources=broken / "sources")
    assert together.diagnostics == alone.diagnostics
    assert knowledge(together.kb) == knowledge(alone.kb)


def test_work_that_fails_in_the_child_process_is_done_in_this_one() -> None:
    """A child that cannot finish leaves the work to the parent, which gives the same kind of result."""
    parent = os.getpid()

    def work() -> list[int]:
        if os.getpid() != parent:
            raise RuntimeError("only in the child")
        return [parent]

    assert in_child_process(work)() == [parent]
    worker = in_child_process(os.getpid)()
    assert worker != parent, "the work ran in another process, and its result came back"


def test_a_rating_edited_to_depart_from_its_profile_is_warned_of_with_a_cache(project: Path) -> None:
    """The checks across findings see an edited finding's new rating; the others' come from the cache."""
    cache = ProjectCache()
    first = check_project(project, cache=cache)
    finding = project / "content" / "findings" / "turley-shared-aims.yaml"
    text = finding.read_text(encoding="utf-8")
    rating = re.search(r"overall: \{rating: ([\w-]+)", text)
    assert rating is not None
    other = "very-low" if rating[1] != "very-low" else "high"
    finding.write_text(text[:rating.start(1)] + other + text[rating.end(1):], encoding="utf-8")
    result = check_project(project, cache=cache)
    warned = {(d.code, d.record_id) for d in result.diagnostics} - {(d.code, d.record_id) for d in first.diagnostics}
    assert ("confidence.inconsistent", "turley-shared-aims") in warned
    assert_same_as_from_scratch(result, project)
