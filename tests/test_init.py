"""`synth init`: a new project that checks and builds strictly at once, and refuses to overwrite anything."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from conftest import REPOSITORY

from synth.authoring.init import InitError, init_project, render_project
from synth.cli import main
from synth.pipeline import check_project, folder_problems

README = (REPOSITORY / "README.md").read_text(encoding="utf-8")


def start_commands() -> list[str]:
    """The README's commands from installing synth to publishing a knowledge base."""
    block = re.search(r"<!-- start-commands -->\n```sh\n(.+?)\n```\n<!-- /start-commands -->", README, re.DOTALL)
    assert block is not None, "the README has no start-commands block"
    return block.group(1).splitlines()


def test_init_writes_every_promised_file(tmp_path: Path) -> None:
    """The project has its configuration, one example of each record kind, the schemas and both workflows."""
    written = {path.relative_to(tmp_path / "kb").as_posix() for path in init_project(tmp_path / "kb")}
    assert {"mkdocs.yml", "content/themes.yaml", "content/studies/example-study.yaml",
            "content/findings/example-finding.yaml", "content/barriers/example-barrier.yaml",
            "content/facilitators/example-facilitator.yaml", "content/outcomes/example-outcome.yaml",
            "bibliography/references.bib", "docs/about.md",
            ".gitignore", ".pre-commit-config.yaml", ".github/workflows/publish.yml", ".gitlab-ci.yml",
            "schemas/study.schema.json", "schemas/theme-file.schema.json"} <= written


def test_the_new_project_passes_a_strict_check(tmp_path: Path) -> None:
    """`synth check --strict` finds nothing wrong in a project straight from `synth init`."""
    init_project(tmp_path / "kb")
    result = check_project(tmp_path / "kb", strict=True)
    assert result.diagnostics == ()
    assert result.counts["study"] == 1 and result.counts["finding"] == 1


def test_every_record_points_at_a_schema_the_project_holds(tmp_path: Path) -> None:
    """Each `$schema` line names a file that exists inside the new project, so editors find it offline."""
    project = tmp_path / "kb"
    init_project(project)
    for record in (project / "content").rglob("*.yaml"):
        line = record.read_text(encoding="utf-8").splitlines()[0]
        target = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", line)
        assert target is not None, record
        assert (record.parent / target.group(1)).resolve().is_file(), record


def test_site_name_is_quoted_for_yaml(tmp_path: Path) -> None:
    """A site name with quotes and a colon stays one YAML string in mkdocs.yml."""
    text = render_project('Knife crime: what "works"')["mkdocs.yml"]
    assert 'site_name: "Knife crime: what \\"works\\""' in text


@pytest.mark.parametrize("name", ["one\nline", "bell\a"])
def test_control_characters_in_the_name_are_refused(tmp_path: Path, name: str) -> None:
    """A site name with a line break or control character would break mkdocs.yml: refused."""
    with pytest.raises(InitError, match="control characters"):
        init_project(tmp_path / "kb", name)


def test_a_folder_that_is_not_empty_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Exit status 2 with a message, and the file already there is untouched."""
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["init", str(tmp_path)]) == 2
    assert "is not empty" in capsys.readouterr().err
    assert [path.name for path in tmp_path.iterdir()] == ["notes.txt"]


def test_a_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`synth init` given a file, not a folder, refuses it."""
    (tmp_path / "kb").write_text("", encoding="utf-8")
    assert main(["init", str(tmp_path / "kb")]) == 2
    assert "is not a folder" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("layout", "message"),
    [(None, "is not a folder"), ("empty", "neither a content/ nor a bibliography/")],
)
def test_folder_problems_name_the_option(tmp_path: Path, layout: str | None, message: str) -> None:
    """A project_dir that is missing, or holds neither content/ nor bibliography/, is a located problem."""
    project = tmp_path / "nowhere"
    if layout == "empty":
        project.mkdir()
    problems = folder_problems(project)
    assert len(problems) == 1
    assert problems[0].startswith("project_dir: ") and message in problems[0]


def test_the_build_stops_on_a_project_dir_that_does_not_exist(tmp_path: Path) -> None:
    """`project_dir: nowhere` fails the build with the option named, and writes no site."""
    init_project(tmp_path / "kb")
    config = tmp_path / "kb" / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  - synth\n", "  - synth:\n      project_dir: nowhere\n"), encoding="utf-8")
    build = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config)],
                           capture_output=True, text=True, check=False)
    assert build.returncode != 0
    assert "project_dir: " in build.stderr and "nowhere" in build.stderr
    assert not (tmp_path / "kb" / "site").exists()


def fresh_environment(tmp_path: Path) -> Path:
    """A new virtual environment with synth installed from a copy of this repository, as `pip install` would.

    The copy holds what a source distribution holds, so a file missing from the package data fails here. The
    other dependencies come from the test environment (a `.pth` file), to keep the test offline and quick.
    """
    source = tmp_path / "source"
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPOSITORY / name, source / name)
    shutil.copytree(REPOSITORY / "synth", source / "synth", ignore=shutil.ignore_patterns("__pycache__"))
    environment = tmp_path / "env"
    venv.EnvBuilder(with_pip=True).create(environment)
    python = environment / "bin" / "python"
    purelib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    import site

    Path(purelib, "test-dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", str(source)],
                   check=True, capture_output=True, env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    # The dependencies' own commands, which installing them would have written beside `synth`.
    mkdocs = environment / "bin" / "mkdocs"
    mkdocs.write_text(f"#!{python}\nfrom mkdocs.__main__ import cli\ncli()\n", encoding="utf-8")
    mkdocs.chmod(0o755)
    return environment


def test_the_readme_path_from_install_to_a_committed_site(tmp_path: Path) -> None:
    """The README's commands, run in a fresh environment: install, init, strict check and build, commit.

    Then the same project builds with `synth generate` and Zensical, and with ProperDocs.

    The install line installs this repository's synth instead of the released one; the last line pushes to the
    user's own repository, which a test cannot have, so it is checked to be that push and not run.
    """
    commands = start_commands()
    assert len(commands) == 5
    assert commands[0] == "pip install synth-evidence"
    assert commands[-1].startswith("git remote add origin ") and "git push" in commands[-1]
    environment = fresh_environment(tmp_path)
    installed = subprocess.run([environment / "bin" / "python", "-c", "import synth; print(synth.__file__)"],
                               cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert installed.startswith(str(environment)), installed
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "PATH": f"{environment / 'bin'}{os.pathsep}{os.environ['PATH']}",
           "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org", "PYTHONPATH": ""}
    script = " && ".join(commands[1:4])
    run = subprocess.run(["bash", "-c", f"set -e; {script}"], cwd=work, env=env, capture_output=True, text=True,
                         check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    project = work / "my-evidence"
    assert (project / "site" / "index.html").is_file()
    assert (project / "site" / "barriers" / "example-barrier" / "index.html").is_file()
    tracked = subprocess.run(["git", "ls-files"], cwd=project, capture_output=True, text=True, check=True).stdout
    assert "site/" not in tracked and ".github/workflows/publish.yml" in tracked
    other_engines = ("synth generate --out generated && python -m zensical build --strict -f generated/mkdocs.yml"
                     " && python -m properdocs build --strict -d properdocs-site")
    run = subprocess.run(["bash", "-c", f"set -e; {other_engines}"], cwd=project, env=env, capture_output=True,
                         text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    for site in (project / "generated" / "site", project / "properdocs-site"):
        assert (site / "barriers" / "example-barrier" / "index.html").is_file(), site
