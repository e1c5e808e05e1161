"""Living evidence: record histories, `synth history`, `synth diff`, "What's changed", versions, review dates.

Every test reads a real git repository made in a temporary folder (tests/history_repo.py): real commits with
fixed dates and two release tags, no mocks.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPOSITORY
from history_repo import git, make_history_repo, write

from synth.cli import main
from synth.papers.cite import bibtex, cite_box, ris
from synth.papers.model import load_paper
from synth.papers.pdf import paper_html
from synth.pipeline import check_project
from synth.records.git import read_version, version_phrase
from synth.records.history import FindingState, known_findings, read_history
from synth.references.style import ReferenceFormatter
from synth.site.changes import changed_since_line, history_download, render_changes_page
from synth.site.paths import HOME, Links
from synth.versions import site_changes


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example repository: v0.1.0, a commit lowering a rating, v0.2.0."""
    return make_history_repo(tmp_path_factory.mktemp("history") / "kb")


def run_synth(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def build(project: Path, site: Path) -> subprocess.CompletedProcess[str]:
    """`mkdocs build` of a project, in its own process, as a reader's machine would run it."""
    env = {**os.environ, "PYTHONPATH": str(REPOSITORY), "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(site)], cwd=project, env=env,
                          capture_output=True, text=True, check=False)


def test_a_lowered_rating_is_in_the_findings_history_with_date_and_reason(repo: Path, capsys, golden) -> None:  # type: ignore[no-untyped-def]
    """`synth history ID` shows when the finding was added and its rating lowered, with the commit's message."""
    status, out, _ = run_synth(capsys, "history", "turley-staff-continuity", "--project", str(repo))
    assert status == 0
    assert "2026-02-03" in out and "confidence lowered: moderate -> low" in out
    assert "Lower staff continuity to low: one bullet point is thin data" in out
    golden("history/finding.txt", out)


def test_a_barrier_and_a_facilitator_follow_their_findings(repo: Path) -> None:
    """A barrier's strongest confidence falls with its only finding; a facilitator's rises with a new one."""
    history = read_history(repo)
    barrier = history.of("barrier", "lack-of-staff-continuity")
    facilitator = history.of("facilitator", "independent-neighbourhood-manager")
    assert barrier is not None and facilitator is not None
    assert [(e.kind, e.old, e.new, e.direction) for e in barrier.events] == [
        ("added", None, "moderate", None), ("rating", "moderate", "low", "lowered")]
    assert [(e.kind, e.new, e.direction, e.commit.date.isoformat()) for e in facilitator.events] == [
        ("added", "moderate", None, "2026-01-10"), ("rating", "high", "raised", "2026-03-01")]
    assert facilitator.added is not None and facilitator.changed == facilitator.added  # its file never changed
    assert history.version is not None and history.version.label == "v0.2.0"


def test_history_json_is_the_same_bytes_on_every_read(repo: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """The open data's history file comes from commits alone: two reads give the same bytes, dated by commits."""
    first, second = history_download(read_history(repo)), history_download(read_history(repo))
    assert first == second
    data = json.loads(first["downloads/history.json"])
    assert data["knowledge_base"]["version"] == "v0.2.0" and data["knowledge_base"]["date"] == "2026-03-01"
    status, out, _ = run_synth(capsys, "history", "lack-of-staff-continuity", "--project", str(repo),
                               "--format", "json")
    assert status == 0 and json.loads(out)[0]["events"][1]["direction"] == "lowered"


def test_synth_diff_between_two_tags(repo: Path, capsys, golden) -> None:  # type: ignore[no-untyped-def]
    """`synth diff v0.1.0 v0.2.0`: a lowered and a raised rating, a rewording, links, a finding and a reference."""
    status, out, _ = run_synth(capsys, "diff", "v0.1.0", "v0.2.0", "--project", str(repo))
    assert status == 0
    assert "ratings lowered (2):" in out and "finding turley-staff-continuity" in out
    golden("history/diff.txt", out)
    status, out, _ = run_synth(capsys, "diff", "v0.1.0", "v0.2.0", "--project", str(repo), "--format", "json")
    report = json.loads(out)
    assert {(r["id"], r["direction"]) for r in report["ratings"]} == {
        ("turley-staff-continuity", "lowered"), ("lack-of-staff-continuity", "lowered"),
        ("independent-neighbourhood-manager", "raised")}
    assert report["references_added"] == ["bovaird2009"]
    golden("history/diff.json", out)


def test_synth_diff_reads_dates_and_the_files_on_disk(repo: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """A date names the last commit of that day; without REV2 the files on disk are compared."""
    status, out, _ = run_synth(capsys, "diff", "2026-01-31", "2026-02-03", "--project", str(repo))
    assert status == 0 and "ratings lowered (2):" in out and "\nadded (" not in out
    status, out, _ = run_synth(capsys, "diff", "v0.2.0", "--project", str(repo))
    assert status == 0 and out.endswith("no changes\n")
    status, _, err = run_synth(capsys, "diff", "v9.9.9", "--project", str(repo))
    assert status == 1 and "'v9.9.9' names no commit" in err


def test_whats_changed_compares_with_the_previous_release(repo: Path, golden) -> None:  # type: ignore[no-untyped-def]
    """The page compares the build (v0.2.0) with the newest tag before it (v0.1.0); the home page says so."""
    kb = check_project(repo).kb
    changes = site_changes(repo, kb)
    assert changes.comparison is not None and changes.comparison.old.label == "v0.1.0"
    page = render_changes_page(changes, kb, Links("changes.md"))
    assert "## Ratings lowered" in page and "turley-staff-continuity" in page
    golden("history/changes.md", page)
    assert changed_since_line(changes, Links(HOME)) == (
        '<p class="synth-changed-since">Changed since v0.1.0: 1 added; 1 rating raised; 2 ratings lowered; '
        '1 reworded; 3 links changed; 1 reference added. <a href="changes/">What’s changed</a></p>')
    other = site_changes(repo, kb, compare_with="2026-02-03")
    assert other.comparison is not None and not other.comparison.lowered and other.comparison.raised


def test_the_built_site_shows_history_changes_and_its_version(repo: Path, tmp_path: Path) -> None:
    """A real build: the record's History, the "What's changed" page, the home line and the footer's version."""
    site = tmp_path / "site"
    result = build(repo, site)
    assert result.returncode == 0, result.stderr
    finding = (site / "findings/turley-staff-continuity/index.html").read_text(encoding="utf-8")
    assert 'id="history"' in finding and "3 February 2026" in finding
    assert "Confidence lowered from" in finding and "Lower staff continuity to low" in finding
    changes = (site / "changes/index.html").read_text(encoding="utf-8")
    assert "Ratings lowered" in changes and "since the previous release, v0.1.0 (2026-01-10)" in changes
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Changed since v0.1.0" in home and "Knowledge base v0.2.0 (2026-03-01)" in home
    assert (site / "downloads/history.json").is_file()


def test_a_shallow_clone_builds_and_says_history_is_not_available(repo: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """`git clone --depth 1` has no history: the build works and says so on record pages and "What's changed"."""
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    assert read_history(clone).unavailable == (
        "history is not available: the repository is a shallow clone, so its history is incomplete")
    site = tmp_path / "site"
    result = build(clone, site)
    assert result.returncode == 0, result.stderr
    finding = (site / "findings/turley-staff-continuity/index.html").read_text(encoding="utf-8")
    assert "History is not available for this build: the repository is a shallow clone" in finding
    changes = (site / "changes/index.html").read_text(encoding="utf-8")
    assert "There is nothing to compare with: history is not available" in changes
    status, _, err = run_synth(capsys, "history", "turley-staff-continuity", "--project", str(clone))
    assert status == 1 and "shallow clone" in err


def test_without_git_nothing_fails_or_guesses(repo: Path, tmp_path: Path) -> None:
    """A downloaded copy (no .git): no version, no history, and the reason, instead of invented dates."""
    copy = tmp_path / "download"
    shutil.copytree(repo, copy, ignore=shutil.ignore_patterns(".git"))
    history = read_history(copy)
    assert history.records == {} and history.version is None and read_version(copy) is None
    assert history.unavailable == "history is not available: the project is not in a git repository with commits"
    kb = check_project(copy).kb
    page = render_changes_page(site_changes(copy, kb), kb, Links("changes.md"))
    assert "version not recorded (no git history)" in page


def test_a_merged_branch_counts_once_along_the_main_line(tmp_path: Path) -> None:
    """A rating changed on a branch and merged shows once, at the merge, which brought it to the main line."""
    repo = make_history_repo(tmp_path / "kb")
    git(repo, "switch", "-q", "-c", "review")
    path = repo / "content/findings/turley-independent-manager.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("rating: moderate", "rating: low"), encoding="utf-8")
    git(repo, "commit", "-q", "-a", "-m", "Lower the manager finding", when="2026-04-01T09:00:00+00:00")
    git(repo, "switch", "-q", "main")
    git(repo, "merge", "-q", "--no-ff", "-m", "Merge the April review", "review", when="2026-04-02T09:00:00+00:00")
    finding = read_history(repo).of("finding", "turley-independent-manager")
    assert finding is not None
    assert [(e.kind, e.old, e.new, e.commit.subject) for e in finding.rating_changes] == [
        ("rating", "moderate", "low", "Merge the April review")]


def test_a_project_in_a_subfolder_compares_with_a_time_before_it_existed(repo: Path, tmp_path: Path,
                                                                           capsys) -> None:  # type: ignore[no-untyped-def]
    """The project may live below the repository's top; at a commit without it, the knowledge base is empty."""
    outer = tmp_path / "outer"
    outer.mkdir()
    git(outer, "init", "-q", "-b", "main")
    git(outer, "config", "user.name", "Test Reviewer")
    git(outer, "config", "user.email", "reviewer@example.org")
    write(outer, {"README.md": "Evidence projects.\n"})
    git(outer, "add", "-A")
    git(outer, "commit", "-q", "-m", "Start")
    shutil.copytree(repo, outer / "projects/kb", ignore=shutil.ignore_patterns(".git"))
    git(outer, "add", "-A")
    git(outer, "commit", "-q", "-m", "Add the knowledge base", when="2026-05-01T09:00:00+00:00")
    status, out, _ = run_synth(capsys, "diff", "HEAD~1", "HEAD", "--project", str(outer / "projects/kb"))
    assert status == 0 and "added (7):" in out and "references added (2):" in out
    history = read_history(outer / "projects/kb")
    assert history.of("finding", "turley-staff-continuity") is not None
    assert history.version is not None and history.version.date.isoformat() == "2026-05-01"


def test_uncommitted_changes_are_named_in_the_version(tmp_path: Path) -> None:
    """A build from edited files says its version has changes not yet committed, instead of passing as the tag."""
    repo = make_history_repo(tmp_path / "kb")
    assert version_phrase(read_version(repo)) == "v0.2.0 (2026-03-01)"
    with (repo / "content/themes.yaml").open("a", encoding="utf-8") as themes:
        themes.write("safety:\n  name: Safety\n")
    assert version_phrase(read_version(repo)) == "v0.2.0 (2026-03-01), with changes not yet committed"


def test_without_a_tag_the_version_is_the_short_commit(tmp_path: Path) -> None:
    """Before the first release the version is the commit's id, and there is nothing to compare with."""
    repo = make_history_repo(tmp_path / "kb")
    git(repo, "tag", "-d", "v0.1.0")
    git(repo, "tag", "-d", "v0.2.0")
    version = read_version(repo)
    assert version is not None and version.tag is None and version.label == version.commit.sha[:10]
    changes = site_changes(repo, check_project(repo).kb)
    assert changes.comparison is None and changes.unavailable == "no earlier release has been tagged yet"


def test_papers_cite_the_knowledge_base_version() -> None:
    """A paper's citation (text, BibTeX, RIS) names the knowledge base's version when the build knows it."""
    project = REPOSITORY / "tests/data/papers-example"
    paper, problems = load_paper(project / "content/papers/example.md", REPOSITORY)
    assert paper is not None, problems
    version = "v0.2.0 (2026-03-01)"
    assert "knowledge base v0.2.0 (2026-03-01)" in bibtex(paper, kb_version=version)
    assert "N1  - Version" in ris(paper, kb_version=version) and version in ris(paper, kb_version=version)
    assert "Version 0.1, draft; knowledge base v0.2.0 (2026-03-01)." in cite_box(paper, kb_version=version)
    assert "knowledge base" not in bibtex(paper)
    kb = check_project(project).kb
    html = paper_html(paper, kb, ReferenceFormatter(kb.bibliography), version)
    assert '<dt>Knowledge base</dt><dd class="paper-kb-version">v0.2.0 (2026-03-01)</dd>' in html


def test_review_dates_warn_only_when_asked(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`reviewed:` older than --review-age warns (record.review-overdue); without the option nothing does."""
    project = tmp_path / "kb"
    project.mkdir()
    monkeypatch.chdir(tmp_path)
    write(project, {"content/barriers/old.yaml": "name: Old\nsummary: S\nwhat_to_do: W\nreviewed: 2025-01-01\n",
                    "content/barriers/new.yaml": "name: New\nsummary: S\nwhat_to_do: W\nreviewed: 2025-12-01\n"})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
                                                    .timestamp())))
    _, out, _ = run_synth(capsys, "check", "kb")
    assert "review-overdue" not in out
    _, out, _ = run_synth(capsys, "check", "kb", "--review-age", "180")
    overdue = [line for line in out.splitlines() if "record.review-overdue" in line]
    assert overdue == ["kb/content/barriers/old.yaml:4:11: warning[record.review-overdue]: last reviewed on "
                       "2025-01-01, 365 days ago (more than 180)"]
    assert run_synth(capsys, "check", "kb", "--review-age", "180", "--strict")[0] == 1


def test_kept_findings_are_not_read_again_while_their_finding_is_the_same(repo: Path, tmp_path: Path) -> None:
    """Across rebuilds, an unchanged finding (the same object, as the serve cache gives it) is not read again.

    Another finding object is read, and the history is the same as without anything kept.
    """
    copy = tmp_path / "kb"
    shutil.copytree(repo, copy)
    kb = check_project(copy).kb
    kept: dict[str, tuple[object, str, FindingState]] = {}
    first = known_findings(copy, kb, kept)
    assert first == known_findings(copy, kb) and set(kept) == set(kb.findings)
    for path in (copy / "content" / "findings").glob("*.yaml"):
        path.rename(path.with_suffix(".moved"))  # Unreadable where known_findings looks: only kept ones count.
    assert known_findings(copy, kb, kept) == first
    assert known_findings(copy, check_project(repo).kb, kept) == {}  # Other objects: read again, and gone.
    assert read_history(copy, lambda: first) == read_history(copy, first)
