"""Theme templates under `mkdocs serve`: compiled once, compiled again when their source or settings change."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
from conftest import REPOSITORY, SITE_EXAMPLE

from synth.mkdocs_templates import TemplateCache


def environment(folder: Path, **settings: object) -> jinja2.Environment:
    """An environment like the one MkDocs makes for each build, counting what it compiles."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), **settings)  # type: ignore[arg-type]
    compiled: list[str | None] = []
    compile_source = env.compile

    def counting(source: str, name: str | None = None, filename: str | None = None) -> object:
        compiled.append(name)
        return compile_source(source, name, filename)

    env.compile = counting  # type: ignore[method-assign,assignment]
    env.globals["compiled"] = compiled
    return env


def compiled(env: jinja2.Environment) -> list[str | None]:
    """The templates ``env`` compiled."""
    return env.globals["compiled"]  # type: ignore[return-value]


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    (tmp_path / "base.html").write_text("{% block body %}Hello {{ name }}{% endblock %}", encoding="utf-8")
    (tmp_path / "page.html").write_text('{% extends "base.html" %}{% block body %}{{ super() }}!{% endblock %}',
                                        encoding="utf-8")
    return tmp_path


def test_a_new_environment_takes_the_templates_the_last_one_compiled(templates: Path) -> None:
    """The next build's environment renders the same without compiling anything."""
    cache = TemplateCache()
    first = environment(templates)
    cache.install(first)
    assert first.get_template("page.html").render(name="A") == "Hello A!"
    assert sorted(compiled(first)) == ["base.html", "page.html"] and cache.taken == 0
    second = environment(templates)
    cache.install(second)
    assert second.get_template("page.html").render(name="B") == "Hello B!"
    assert compiled(second) == [] and cache.taken == 2


def test_a_template_whose_source_changed_is_compiled_again(templates: Path) -> None:
    """An edited template is compiled from its new source; the others are still taken."""
    cache = TemplateCache()
    cache.install(first := environment(templates))
    first.get_template("page.html").render(name="A")
    (templates / "base.html").write_text("{% block body %}Goodbye {{ name }}{% endblock %}", encoding="utf-8")
    cache.install(second := environment(templates))
    assert second.get_template("page.html").render(name="B") == "Goodbye B!"
    assert compiled(second) == ["base.html"] and cache.taken == 1


def test_an_environment_set_up_otherwise_compiles_everything(templates: Path) -> None:
    """Settings that change what a template compiles to (here, trimming blocks) leave nothing to take."""
    (templates / "lines.html").write_text("{% if true %}\nyes\n{% endif %}\n", encoding="utf-8")
    cache = TemplateCache()
    cache.install(first := environment(templates))
    assert first.get_template("lines.html").render() == "\nyes\n"
    cache.install(second := environment(templates, trim_blocks=True))
    assert second.get_template("lines.html").render() == "yes\n"
    assert compiled(second) == ["lines.html"] and cache.taken == 0


SERVE_REBUILDS = """
import json, sys
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config

project, served = Path(sys.argv[1]), Path(sys.argv[2])
steps = []
for step in range(3):
    if step == 2:
        (project / "overrides" / "main.html").write_text(
            '{% extends "base.html" %}{% block footer %}<p>Edited footer</p>{% endblock %}', encoding="utf-8")
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(served), strict=True)
    config.plugins.on_startup(command="serve", dirty=False)
    build(config, serve_url="http://127.0.0.1:8000/")
    page = served / "barriers" / "lack-of-staff-continuity" / "index.html"
    steps.append([config.plugins["synth"].templates.taken, page.read_text(encoding="utf-8")])
config.plugins.on_shutdown()
print(json.dumps(steps))
"""


def test_serve_rebuilds_take_the_theme_as_compiled_and_see_an_edited_template(tmp_path: Path) -> None:
    """Under `mkdocs serve` a rebuild takes the templates the last build compiled and writes the same pages.

    A theme template edited between rebuilds shows at the next one.
    """
    project = tmp_path / "project"
    shutil.copytree(SITE_EXAMPLE, project)
    (project / "overrides").mkdir()
    (project / "overrides" / "main.html").write_text('{% extends "base.html" %}', encoding="utf-8")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("  name: material", "  name: material\n  custom_dir: overrides", 1)
    config = config.replace("  - synth", "  - synth:\n      paper_pdfs: false\n      briefing_pdf: false", 1)
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPOSITORY), "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-c", SERVE_REBUILDS, str(project), str(tmp_path / "served")],
                            env=env, cwd=project, capture_output=True, text=True, check=True, timeout=300)
    (first_taken, first), (second_taken, second), (third_taken, third) = json.loads(
        result.stdout.strip().splitlines()[-1])
    assert first_taken == 0 and second_taken > 10
    assert second == first
    assert "Edited footer" in third and "Edited footer" not in second
    assert third_taken > second_taken  # The other templates were still taken.
