"""BibTeX ``crossref``: cycles are located errors and long chains resolve, in `synth check` and the build alike."""

from __future__ import annotations

import shutil
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
from conftest import DATA, SITE_EXAMPLE
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from synth.errors import Location
from synth.pipeline import check_project
from synth.references.bibliography import load_bibliography

CYCLE = """@inproceedings{circ1, author = {Adams, Ann}, title = {One}, crossref = {circ2}}

@proceedings{circ2, title = {Two}, year = 2001, crossref = {circ1}}

@misc{self, title = {Me}, crossref = {self}}
"""


def chain(length: int) -> str:
    """``length`` entries, each (but the last) a crossref child of the next; only the last has a year."""
    entries = [f"@misc{{link{i}, title = {{Link {i}}}, crossref = {{link{i + 1}}}}}" for i in range(length - 1)]
    return "\n".join([*entries, f"@misc{{link{length - 1}, title = {{Last}}, year = 1999, note = {{Deep}}}}"]) + "\n"


def project_citing(tmp_path: Path, bib: str, key: str) -> Path:
    """The check example with ``bib`` added to its bibliography and its study citing ``key``."""
    project = tmp_path / "project"
    shutil.copytree(DATA / "check-example", project)
    (project / "bibliography" / "extra.bib").write_text(bib, encoding="utf-8")
    study = project / "content" / "studies" / "turley-2012.yaml"
    study.write_text(study.read_text(encoding="utf-8").replace("cite: turley2012neighbourhood", f"cite: {key}"),
                     encoding="utf-8")
    return project


def test_a_crossref_cycle_is_a_located_error_for_each_entry_in_it(tmp_path: Path) -> None:
    """circ1 → circ2 → circ1 and an entry naming itself: one error at each entry, and every entry is kept."""
    path = tmp_path / "refs.bib"
    path.write_text(CYCLE, encoding="utf-8")
    bibliography, diagnostics = load_bibliography([path], tmp_path)
    assert [(d.code, d.location, d.record_id) for d in diagnostics] == [
        ("bib.crossref-cycle", Location("refs.bib", 1, 1), "circ1"),
        ("bib.crossref-cycle", Location("refs.bib", 3, 1), "circ2"),
        ("bib.crossref-cycle", Location("refs.bib", 5, 1), "self"),
    ]
    assert "circ1 → circ2 → circ1" in diagnostics[0].message
    assert bibliography.keys() == ["circ1", "circ2", "self"]


@pytest.mark.parametrize("key", ["circ1", "circ2", "self"])
def test_a_study_citing_a_key_in_a_cycle_gets_errors_not_a_crash(tmp_path: Path, key: str) -> None:
    """`synth check` reports the cycle (and the formatter, as the build uses it, still formats the entry)."""
    result = check_project(project_citing(tmp_path, CYCLE, key))
    assert "bib.crossref-cycle" in [d.code for d in result.errors]
    assert result.formatter is not None
    assert result.formatter.format(key)[0].text


def test_a_chain_of_two_thousand_crossrefs_resolves(tmp_path: Path) -> None:
    """The first entry inherits the year and note of the last one, 1,999 links away, without a recursion limit."""
    result = check_project(project_citing(tmp_path, chain(2000), "link0"))
    assert [d.code for d in result.diagnostics] == []
    assert result.formatter is not None
    reference = result.formatter.format("link0")[0]
    assert (reference.year, reference.text) == ("1999", "‘Link 0’ (1999) Link 1. Deep.")


def site_citing(tmp_path: Path, bib: str, key: str) -> Path:
    """The site example with ``bib`` added and its Turley study citing ``key`` instead."""
    project = tmp_path / "site"
    shutil.copytree(SITE_EXAMPLE, project)
    (project / "bibliography" / "extra.bib").write_text(bib, encoding="utf-8")
    study = project / "content" / "studies" / "turley-2012.yaml"
    study.write_text(study.read_text(encoding="utf-8").replace("cite: turley2012neighbourhood", f"cite: {key}"),
                     encoding="utf-8")
    return project


def site_config(project: Path) -> MkDocsConfig:
    """The MkDocs configuration of ``project``, with the plugin resolvable from this checkout."""
    installed = MkDocsConfig.plugins.installed_plugins
    installed.setdefault("synth", EntryPoint("synth", "synth.mkdocs_plugin:SynthPlugin", "mkdocs.plugins"))
    return load_config(str(project / "mkdocs.yml"))


def test_the_build_stops_at_a_cycle_with_the_located_errors_of_check(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The build runs the same check, so a cited key in a cycle stops it with located errors, not a traceback."""
    project = site_citing(tmp_path, CYCLE, "circ1")
    monkeypatch.chdir(project)
    config = site_config(project)
    with pytest.raises(PluginError) as stopped:
        config.plugins.on_config(config)
    lines = [line for line in str(stopped.value).splitlines() if "bib.crossref-cycle" in line]
    assert [line.split(": ", 1)[0] for line in lines] == [
        "bibliography/extra.bib:1:1", "bibliography/extra.bib:3:1", "bibliography/extra.bib:5:1"]


def test_the_build_renders_a_study_at_the_end_of_a_long_chain(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Rendering the pages and open data of a study citing the head of a 2,000-entry chain needs no recursion."""
    project = site_citing(tmp_path, chain(2000), "link0")
    monkeypatch.chdir(project)
    config = site_config(project)
    config.plugins.on_config(config)
    plugin = config.plugins["synth"]
    assert plugin.site is not None
    assert "‘Link 0’ (1999) <em>Link 1</em>. Deep." in plugin.site.pages["studies/turley-2012.md"]
    assert plugin.site.downloads is not None and plugin.site.downloads.folder is not None
    plugin.site.downloads.sizes()  # The open data is written by a child process; this waits for it.
    ris = plugin.site.downloads.folder / "downloads" / "studies" / "turley-2012.ris"
    assert b"PY  - 1999\n" in ris.read_bytes()
