"""The page on what confidence means, and the menu's words matching each generated page's title."""

from __future__ import annotations

import re

import pytest
import yaml
from conftest import REPOSITORY, SITE_EXAMPLE

from synth.papers import load_papers
from synth.records.schema import RATING_LABELS
from synth.site.build import SiteOptions, build_site
from synth.site.confidence import EVIDENCE_KINDS, render_confidence_page
from synth.site.markup import COMPONENTS, RATING_MEANINGS


def test_confidence_page_explains_ratings_components_and_kinds_of_evidence() -> None:
    """Confidence in the finding, not effect size; CERQual's four components; each rating; five kinds of evidence."""
    page = render_confidence_page()
    assert page.startswith('---\ntitle: "What confidence means"\n---\n\n# What confidence means\n')
    assert "not the size of an effect" in page and "is not a “moderate effect”" in page
    assert "GRADE-CERQual" in page
    for _, label, question in COMPONENTS:
        assert f"<dt>{label}</dt>" in page and question.replace("'", "&#39;") in page
    for rating, label in RATING_LABELS.items():
        assert f">{label}</strong></dt>\n<dd>{RATING_MEANINGS[rating]}" in page
    assert [label for label, _ in EVIDENCE_KINDS] == [
        "Evaluated research", "Descriptive practice example", "Policy guidance", "Expert opinion", "Proposal"]
    for label, _ in EVIDENCE_KINDS:
        assert f"<dt>{label}</dt>" in page


def nav_entries(config: dict[str, object]) -> list[tuple[str, str]]:
    """(label, page) for every titled entry of a `mkdocs.yml` nav, nested sections included."""
    entries: list[tuple[str, str]] = []

    def walk(items: object) -> None:
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict):
                for label, target in item.items():
                    if isinstance(target, str):
                        entries.append((label, target))
                    else:
                        walk(target)
    walk(config["nav"])
    return entries


@pytest.mark.parametrize("project", [REPOSITORY, SITE_EXAMPLE], ids=["repository", "example"])
def test_menu_labels_are_the_titles_of_the_generated_pages(site_example, project) -> None:  # type: ignore[no-untyped-def]
    """Every menu entry that opens a generated page uses that page's title ("What helps" opens "What helps")."""
    kb, shelf = site_example
    papers, _ = load_papers(SITE_EXAMPLE / "content" / "papers")
    site = build_site(kb, shelf, papers, {}, SiteOptions("Example", guide_folder="contributing"))
    config = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    checked = 0
    for label, target in nav_entries(config):
        if target in site.pages and target != "index.md":
            title = re.search(r'^title: "?(.*?)"?$', site.pages[target], re.MULTILINE)
            heading = re.search(r"^# (.*)$", site.pages[target], re.MULTILINE)
            assert heading is not None, target
            assert label == heading[1] == (title[1] if title else label), target
            checked += 1
    assert checked >= 8
    assert ("What confidence means", "confidence.md") in nav_entries(config)
    assert "tags.md" not in dict(nav_entries(config)).values()
