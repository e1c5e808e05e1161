"""The home page: a short summary, then what helps, what gets in the way and what it achieves."""

from __future__ import annotations

import dataclasses
import re

from synth.site.home import outcome_caveats, render_home_page


def test_home_page_matches_golden(site_example, golden) -> None:  # type: ignore[no-untyped-def]
    """The home page of the example."""
    kb, _ = site_example
    golden("render/home.md", render_home_page(kb, "Example knowledge base"))


def test_home_lists_facilitators_barriers_and_outcomes_best_supported_first(site_example) -> None:  # type: ignore[no-untyped-def]
    """Each list follows `kb.ranked`, with each item's summary, strongest confidence and evidence."""
    kb, _ = site_example
    page = render_home_page(kb, "Example knowledge base")
    helps, rest = page.split("## What gets in the way")
    hinders, achieves = rest.split("## What it achieves")
    linked = re.compile(r'<a href="(?:facilitators|barriers|outcomes)/([a-z0-9-]+)/">')
    assert linked.findall(helps.split("## What helps")[1]) == list(kb.ranked("facilitator"))
    assert linked.findall(hinders) == list(kb.ranked("barrier"))
    assert linked.findall(achieves) == list(kb.ranked("outcome")) == ["residents-feel-safer"]
    assert kb.ranked("barrier")[0] == "professional-habits-decide-who-is-heard"
    assert ("<p>When officers and partner staff change often, relationships with residents have to start again.</p>\n"
            '<p class="synth-support"><strong class="synth-confidence synth-confidence--moderate">Moderate</strong> '
            '<a class="synth-confidence-link" href="confidence/" data-pagefind-ignore>'
            "confidence in its strongest finding</a> · "
            "2 findings from 2 studies · Kind of evidence: Evaluated research: 2</p>") in hinders


def test_home_counts_publications_and_studies_as_the_knowledge_base_holds_them(site_example) -> None:  # type: ignore[no-untyped-def]
    """The summary counts findings, study records (naming practice examples) and distinct `cite` keys.

    Two records from one booklet count as one publication.
    """
    kb, _ = site_example
    lead = render_home_page(kb, "Example").split('<p class="synth-lead">')[1].split("</p>")[0]
    studies = len(kb.studies)
    publications = len({study.cite for study in kb.studies.values()})
    examples = sum(study.evidence_kind == "practice-example" for study in kb.studies.values())
    assert (studies, publications, examples) == (4, 3, 1)
    assert (f"drawn from {len(kb.findings)} findings from {studies - examples} studies and {examples} practice "
            f"example in {publications} publications.") in lead


def test_the_first_screen_links_the_three_sections_and_what_confidence_means(site_example) -> None:  # type: ignore[no-untyped-def]
    """Before the first list: links to the three sections and a note on confidence linking its page."""
    kb, _ = site_example
    first = render_home_page(kb, "Example").split("## What helps")[0]
    assert re.findall(r'<li><a href="#([a-z-]+)">', first) == ["what-helps", "what-gets-in-the-way",
                                                                "what-it-achieves"]
    assert 'it does not say how big an effect is. <a href="confidence/">What confidence means</a>' in first


def test_what_it_achieves_says_how_outcomes_are_known_and_that_examples_were_not_evaluated(site_example) -> None:  # type: ignore[no-untyped-def]
    """With no measured outcome and no evaluated practice example, the section says so in plain words."""
    kb, _ = site_example
    assert outcome_caveats(kb) == [
        "None of these outcomes was measured: 1 felt or reported by the people involved.",
        "None of the practice example was evaluated: they are described, not tested."]
    achieves = render_home_page(kb, "Example").split("## What it achieves")[1]
    assert '<p class="synth-caveat">None of these outcomes was measured' in achieves
    assert "Perceived by those involved · Achieved · For: Residents of the six areas" in achieves


def test_a_measured_outcome_and_an_evaluated_example_change_the_caveats(site_example) -> None:  # type: ignore[no-untyped-def]
    """The caveats follow the records: one measured outcome and one evaluated example are not called unmeasured."""
    kb, _ = site_example
    outcome = kb.outcomes["residents-feel-safer"].model_copy(update={"basis": "measured"})
    example = kb.studies["scarborough-2009"].model_copy(update={"evaluation": "evaluated-positive"})
    changed = dataclasses.replace(kb, outcomes={"residents-feel-safer": outcome},
                                  studies={**kb.studies, "scarborough-2009": example})
    assert outcome_caveats(changed) == ["1 outcome of 1 was measured; the rest were not."]


def test_home_title_is_text(site_example) -> None:  # type: ignore[no-untyped-def]
    """A site name with Markdown or HTML characters is shown as written."""
    kb, _ = site_example
    page = render_home_page(kb, "Safety *now* <b>")
    assert '---\ntitle: "Safety *now* &lt;b&gt;"\n---' in page
    assert "\n# Safety &#42;now&#42; &#60;b&#62;\n" in page
