"""The repository's knowledge base under every engine: MkDocs with the plugin, ProperDocs, and Zensical.

MkDocs builds with the synth plugin (the first-class path). ProperDocs, a continuation of MkDocs 1.6, runs
the same plugin and must give the same site byte for byte, bar its generator tag. Zensical does not run
MkDocs plugins: `synth generate` writes the pages as files with a configuration that loads the citation
extension by name, and every page's article text must equal the MkDocs build's. The one thing Zensical
0.0.73 does not show is the tags plugin's theme chips above a record's text (a MkDocs plugin); they are left
out of the comparison and the README says so.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from conftest import REPOSITORY

from synth.cli import main
from synth.site.generate import generate

EPOCH = "1700000000"
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                  "wbr"})
BLOCKS = frozenset({"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr", "td", "th", "h1", "h2", "h3",
                    "h4", "h5", "h6", "blockquote", "pre", "section", "details", "summary", "caption", "br"})
LEFT_OUT = frozenset({"md-tags", "headerlink"})
"""Classes whose elements one engine adds and another does not: the tags plugin's chips and heading permalinks.
The print-only header, written by the theme's templates, is compared with the rest."""


class ArticleText(HTMLParser):
    """The text of a page's `<article>`, without scripts, styles and the elements in LEFT_OUT."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.skip_from: int | None = None
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Enter the article, or an element inside it (skipping scripts, styles and LEFT_OUT)."""
        if not self.depth:
            self.depth = 1 if tag == "article" else 0
            return
        if tag in BLOCKS:
            self.parts.append(" ")  # Blocks are apart however the engine spaces them in its HTML.
        if tag in VOID:
            return
        self.depth += 1
        classes = set((dict(attrs).get("class") or "").split())
        if self.skip_from is None and (tag in ("script", "style") or classes & LEFT_OUT):
            self.skip_from = self.depth

    def handle_endtag(self, tag: str) -> None:
        """Leave an element."""
        if not self.depth or tag in VOID:
            return
        if tag in BLOCKS:
            self.parts.append(" ")
        if self.skip_from == self.depth:
            self.skip_from = None
        self.depth -= 1

    def handle_data(self, data: str) -> None:
        """Keep text inside the article and outside skipped elements."""
        if self.depth and self.skip_from is None:
            self.parts.append(data)


def article_text(page: Path) -> str:
    parser = ArticleText()
    parser.feed(page.read_text(encoding="utf-8"))
    return re.sub(r"\s+", " ", "".join(parser.parts)).strip()


def pages(site: Path) -> dict[str, Path]:
    return {path.relative_to(site).as_posix(): path for path in sorted(site.rglob("*.html"))}


def run(command: list[str], cwd: Path = REPOSITORY) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def mkdocs_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's site, built strictly by MkDocs with the synth plugin."""
    site = tmp_path_factory.mktemp("mkdocs") / "site"
    run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)])
    return site


def test_properdocs_builds_the_same_site(mkdocs_site: Path, tmp_path: Path) -> None:
    """ProperDocs with the plugin: every file identical to the MkDocs build apart from the generator tag."""
    site = tmp_path / "site"
    run([sys.executable, "-m", "properdocs", "build", "--strict", "-q", "-d", str(site)])
    generator = re.compile(rb'<meta name="generator" content="[^"]*">')
    expected = {p.relative_to(mkdocs_site) for p in mkdocs_site.rglob("*") if p.is_file()}
    assert {p.relative_to(site) for p in site.rglob("*") if p.is_file()} == expected
    def without_generator(path: Path) -> bytes:
        return generator.sub(b"", path.read_bytes())

    different = [str(rel) for rel in sorted(expected)
                 if without_generator(site / rel) != without_generator(mkdocs_site / rel)]
    assert different == []


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`synth generate` of the repository."""
    out = tmp_path_factory.mktemp("generated")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)  # The briefing's build date, as in the other builds here.
        result = generate(REPOSITORY / "mkdocs.yml", out)
    assert [d for d in result.diagnostics if d.severity == "error"] == []
    return out


def test_zensical_builds_every_page_with_the_same_article_text(mkdocs_site: Path, generated: Path) -> None:
    """Zensical on the generated pages: no page missing or added, and each page's article text the same."""
    run([sys.executable, "-m", "zensical", "build", "--strict", "-f", str(generated / "mkdocs.yml")], cwd=generated)
    zensical = pages(generated / "site")
    expected = pages(mkdocs_site)
    assert sorted(zensical) == sorted(expected)
    different = [uri for uri in expected if article_text(zensical[uri]) != article_text(expected[uri])]
    assert different == []
    assert len(expected) > 100


def test_plain_mkdocs_on_generated_pages_matches_the_plugin(mkdocs_site: Path, generated: Path, tmp_path: Path) -> None:
    """The generated pages are the plugin's pages: MkDocs without the plugin gives the same article text."""
    site = tmp_path / "site"
    run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(generated / "mkdocs.yml"),
         "-d", str(site)], cwd=generated)
    built, expected = pages(site), pages(mkdocs_site)
    assert sorted(built) == sorted(expected)
    assert [uri for uri in expected if article_text(built[uri]) != article_text(expected[uri])] == []


def test_generation_is_deterministic(generated: Path, tmp_path: Path) -> None:
    """A second generation, in another process, writes the same files byte for byte."""
    out = tmp_path / "again"
    run([sys.executable, "-m", "synth", "generate", "--out", str(out)])
    first = {p.relative_to(generated / "docs"): p.read_bytes() for p in (generated / "docs").rglob("*") if p.is_file()}
    second = {p.relative_to(out / "docs"): p.read_bytes() for p in (out / "docs").rglob("*") if p.is_file()}
    assert first == second
    assert (generated / "mkdocs.yml").read_bytes() == (out / "mkdocs.yml").read_bytes()


def test_the_engine_configuration_loads_citations_by_name(generated: Path) -> None:
    """The written configuration has no synth plugin and loads `synth.citations` with the project folder."""
    text = (generated / "mkdocs.yml").read_text(encoding="utf-8")
    assert "- synth.citations:" in text and f"project: {REPOSITORY}" in text
    assert not re.search(r"^- synth:?$", text, re.MULTILINE)


def test_the_extension_by_name_resolves_and_reports(caplog: pytest.LogCaptureFixture) -> None:
    """Python-Markdown loads `synth.citations` by name: a known key links, an unknown one is logged."""
    html = markdown.markdown("As [@turley2012neighbourhood, p. 3] and [@nobody1999] say.",
                             extensions=["synth.citations"],
                             extension_configs={"synth.citations": {"project": str(REPOSITORY),
                                                                    "references_url": "/kb/references/"}})
    assert '<a href="/kb/references/#ref-turley2012neighbourhood"' in html and "p. 3" in html
    assert "nobody1999" in html
    assert "no BibTeX entry has the key 'nobody1999'" in caplog.text


def test_generate_refuses_a_project_with_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A content error is printed, exit status 1, and the output folder is not written."""
    project = tmp_path / "project"
    shutil.copytree(REPOSITORY / "tests" / "data" / "site-example", project)
    finding = next((project / "content" / "findings").glob("*.yaml"))
    finding.write_text(finding.read_text(encoding="utf-8").replace("study: ", "study: no-such-", 1), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["generate", "-f", str(project / "mkdocs.yml"), "--out", str(out)]) == 1
    assert "ref.unknown-study" in capsys.readouterr().out
    assert not out.exists()


def test_generate_needs_the_plugin_listed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A configuration without the synth plugin is refused with a message, not a traceback."""
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\nplugins: [search]\n", encoding="utf-8")
    assert main(["generate", "-f", str(config), "--out", str(tmp_path / "out")]) == 1
    assert "does not list the synth plugin" in capsys.readouterr().err
