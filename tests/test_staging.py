"""The last good site survives any build that does not finish: interrupted, killed, out of disk space, or failed.

The fault tests run `mkdocs build` on a copy of the example project in another process, with a
`sitecustomize` module (in a folder put first on that process's PYTHONPATH) that counts the files the build
opens for writing and, at the chosen one, sends the process SIGINT or SIGTERM or fails the write with
ENOSPC, as a full disk does. Each time, the site built before must be exactly as it was: every file present
with the same bytes. Then a build that is left alone replaces it and leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from conftest import REPOSITORY, SITE_EXAMPLE

from synth.site import staging as staging_module
from synth.site.staging import Staging

FAULT_HOOK = textwrap.dedent('''
    """Test hook: fault the build at the Nth file it opens for writing (SYNTH_FAULT="KIND:N" or "KIND:pdf")."""
    import builtins, errno, io, os, signal, threading

    kind, _, where = os.environ["SYNTH_FAULT"].partition(":")
    # Ctrl-C as in a terminal, even when the tests run in the background, where the shell ignores SIGINT (and so
    # does every process started from there, this one included, unless it says otherwise).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    opened = 0
    counting = threading.Lock()  # Pages are written by several threads: each open gets its own number.
    real_open = builtins.open

    def faulty_open(file, mode="r", *args, **kwargs):
        global opened
        if isinstance(file, (str, os.PathLike)) and any(flag in mode for flag in "wax"):
            with counting:
                opened += 1
                number = opened
            if (where == "pdf" and os.fspath(file).endswith(".pdf")) or where == str(number):
                if kind == "ENOSPC":
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), os.fspath(file))
                os.kill(os.getpid(), getattr(signal, kind))
        return real_open(file, mode, *args, **kwargs)

    builtins.open = io.open = faulty_open
''')
FAULTS = [(kind, where) for kind in ("SIGINT", "SIGTERM", "ENOSPC") for where in ("1", "40", "90", "pdf")]


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the SHA-256 of its bytes."""
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def mkdocs_build(project: Path, fault: str | None = None, hook: Path | None = None,
                 temp: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`mkdocs build` of ``project`` in another process, with the fault hook when ``fault`` is given.

    ``temp`` is the build's temporary folder (``TMPDIR``).
    """
    path = [str(hook)] if fault and hook else []
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1700000000",
           "PYTHONPATH": os.pathsep.join([*path, str(REPOSITORY)]), **({"TMPDIR": str(temp)} if temp else {})}
    if fault:
        env["SYNTH_FAULT"] = fault
    return subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=project, env=env,
                          capture_output=True, text=True, check=False, timeout=300)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    """A copy of the example built once; then a record changed, so a new build would change the site."""
    root = tmp_path_factory.mktemp("staging")
    project = root / "project"
    shutil.copytree(SITE_EXAMPLE, project)
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    barrier = project / "content" / "barriers" / "lack-of-staff-continuity.yaml"
    barrier.write_text(barrier.read_text(encoding="utf-8").replace("name: ", "name: Changed ", 1), encoding="utf-8")
    hook = root / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(FAULT_HOOK, encoding="utf-8")
    return project, hook, snapshot(project / "site")


@pytest.mark.parametrize(("kind", "where"), FAULTS, ids=[f"{kind}-at-{where}" for kind, where in FAULTS])
def test_an_interrupted_or_failed_build_leaves_the_last_site_whole(built: tuple[Path, Path, dict[str, str]],
                                                                  kind: str, where: str, tmp_path: Path) -> None:
    """SIGINT, SIGTERM or a full disk at the 1st, 40th or 90th file or at the PDF: the last site is unchanged.

    After Ctrl-C or a full disk, no folder of the build's open data is left in the temporary folder either
    (SIGTERM ends the process before any code can run).
    """
    project, hook, before = built
    assert len(before) > 90 and "papers/staff-continuity.pdf" in before
    temp = tmp_path / "temp"
    temp.mkdir()
    result = mkdocs_build(project, f"{kind}:{where}", hook, temp)
    # The first file written may be the open data's, in the child process that makes it while the pages build:
    # a signal there stops the child, and the build reports it and fails.
    stopped_by = {"SIGTERM": result.returncode == -15 or "stopped by signal SIGTERM" in result.stderr,
                  "SIGINT": "Aborted!" in result.stderr
                  or result.returncode == -2, "ENOSPC": "No space left on device" in result.stderr}
    assert stopped_by[kind], f"the fault did not stop the build: {result.returncode}\n{result.stderr[-2000:]}"
    assert snapshot(project / "site") == before
    if kind != "SIGTERM":
        assert not list(temp.glob("synth-downloads-*"))


def test_a_strict_build_with_a_warning_leaves_the_last_site(built: tuple[Path, Path, dict[str, str]]) -> None:
    """A warning fails `mkdocs build --strict` after every page is written; the new site is not published."""
    project, _, before = built
    extra = project / "content" / "facilitators" / "without-evidence.yaml"
    extra.write_text("name: Without evidence\nsummary: No finding supports it.\nwhat_to_do: Nothing yet.\n",
                     encoding="utf-8")
    try:
        result = mkdocs_build(project)
    finally:
        extra.unlink()
    assert result.returncode != 0 and "warning[evidence.unsupported]" in result.stderr
    assert snapshot(project / "site") == before


def test_a_finished_build_replaces_the_site_and_leaves_nothing_beside_it(
        built: tuple[Path, Path, dict[str, str]]) -> None:
    """After the faults, a build left alone publishes the changed site and clears every leftover folder."""
    project, _, before = built
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    after = snapshot(project / "site")
    # The search bundle's files are named by their content, which the change alters; the pages stay the same.
    assert {name for name in after if not name.startswith("pagefind/")} == {
        name for name in before if not name.startswith("pagefind/")} and after != before
    assert "pagefind/pagefind-entry.json" in after and "pagefind/pagefind-entry.json" in before
    assert "Changed " in (project / "site" / "barriers" / "lack-of-staff-continuity" / "index.html").read_text(
        encoding="utf-8")
    assert sorted(path.name for path in project.iterdir() if "synth" in path.name) == []


def make_site(folder: Path, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(text, encoding="utf-8")


def test_publish_swaps_the_folders(tmp_path: Path) -> None:
    """The staging folder becomes the site and the old site is removed (in the background), leaving nothing beside."""
    staging = Staging(tmp_path / "site")
    make_site(staging.site, "old")
    make_site(staging.begin(), "new")
    staging.publish()
    assert (staging.site / "index.html").read_text(encoding="utf-8") == "new"
    staging_module.wait_for_removals()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site"]


def test_a_rebuild_leaves_the_last_site_to_its_removal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build that starts while the site before last is still being removed neither waits nor removes it too."""
    begun, released = threading.Event(), threading.Event()
    failures: list[BaseException] = []
    remove = staging_module._remove

    def slow_remove(path: Path) -> None:  # The background removal, held mid-way until released.
        if threading.current_thread().name != "synth-remove-old-site":
            remove(path)
            return
        found = path.is_dir()
        begun.set()
        released.wait()
        try:
            if found:
                shutil.rmtree(path)
        except BaseException as error:
            failures.append(error)
            raise

    monkeypatch.setattr(staging_module, "_remove", slow_remove)
    staging = Staging(tmp_path / "site")
    make_site(staging.site, "old")
    make_site(staging.begin(), "new")
    staging.publish()
    assert begun.wait(10)
    assert staging.begin() == staging.staging and not released.is_set()
    released.set()
    staging_module.wait_for_removals()
    assert failures == [] and not staging.old.exists()


def test_publish_without_an_atomic_exchange_uses_two_renames(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the system has no atomic exchange, two renames give the same result."""
    monkeypatch.setattr(staging_module, "exchange", lambda first, second: False)
    staging = Staging(tmp_path / "site")
    make_site(staging.site, "old")
    make_site(staging.begin(), "new")
    staging.publish()
    assert (staging.site / "index.html").read_text(encoding="utf-8") == "new"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site"]


def test_a_swap_cut_short_between_its_renames_is_undone_by_the_next_build(tmp_path: Path) -> None:
    """The last site moved aside but the new one not yet in place: the next build puts the last site back."""
    staging = Staging(tmp_path / "site")
    make_site(staging.previous, "old")
    make_site(staging.staging, "half")
    assert staging.begin() == staging.staging and not any(staging.staging.iterdir())
    assert (staging.site / "index.html").read_text(encoding="utf-8") == "old"
    assert not staging.previous.exists()


def test_the_first_build_publishes_without_a_last_site(tmp_path: Path) -> None:
    """With no site yet, publishing is one rename."""
    staging = Staging(tmp_path / "site")
    make_site(staging.begin(), "first")
    staging.publish()
    assert (staging.site / "index.html").read_text(encoding="utf-8") == "first"


def test_a_pdf_that_cannot_be_made_is_a_located_error_and_keeps_the_last_site(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """A renderer failure after every page is written stops the build naming the paper; the last site stays."""
    from mkdocs.exceptions import Abort
    from test_hostile import build_site

    from synth.papers import sandbox

    project = tmp_path / "project"
    shutil.copytree(SITE_EXAMPLE, project)
    before = snapshot(build_site(project))
    paper = project / "content" / "papers" / "staff-continuity.md"
    paper.write_text(paper.read_text(encoding="utf-8") + "\nA sentence more, so the PDF is made again.\n",
                     encoding="utf-8")
    monkeypatch.setattr(sandbox, "PDF_MEMORY", 48 * 1024**2)
    with pytest.raises(Abort):
        build_site(project)
    assert "content/papers/staff-continuity.md:15:1: error[paper.pdf-failed]: no PDF could be made of " \
           "'staff-continuity': the renderer failed: it needed more than 48 MB of memory" in caplog.text
    assert snapshot(project / "site") == before
    assert sorted(path.name for path in project.iterdir() if "synth" in path.name) == []


def test_serve_rebuilds_replace_the_served_folder_in_place(tmp_path: Path) -> None:
    """As `mkdocs serve` does: repeated builds into one temporary folder; each edit shows, nothing is left beside."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from test_hostile import build_site

    project = tmp_path / "project"
    shutil.copytree(SITE_EXAMPLE, project)
    served = tmp_path / "served"
    served.mkdir()
    build_site(project)  # Registers the plugin for an in-process build.
    barrier = project / "content" / "barriers" / "lack-of-staff-continuity.yaml"
    for name in ("First edit", "Second edit"):
        barrier.write_text(re.sub(r"^name: .*$", f"name: {name}", barrier.read_text(encoding="utf-8"), flags=re.M),
                           encoding="utf-8")
        config = load_config(str(project / "mkdocs.yml"), site_dir=str(served))
        build(config, serve_url="http://127.0.0.1:8000/kb/")
        page = (served / "barriers" / "lack-of-staff-continuity" / "index.html").read_text(encoding="utf-8")
        assert f"<title>{name} - Example knowledge base</title>" in page
    staging_module.wait_for_removals()  # The last site is removed in the background while the reload goes on.
    assert sorted(path.name for path in tmp_path.iterdir()) == ["project", "served"]
