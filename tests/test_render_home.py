"""The home page: what helps and what gets in the way, best-supported first, and how to read confidence."""

from __future__ import annotations

import re

from synth.site.home import render_home_page


def test_home_page_matches_golden(site_example, golden) -> None:  # type: ignore[no-untyped-def]
    """The home page of the example."""
    kb, _ = site_example
    golden("render/home.md", render_home_page(kb, "Example knowledge base"))


def test_home_lists_facilitators_then_barriers_best_supported_first(site_example) -> None:  # type: ignore[no-untyped-def]
    """Each list follows `kb.ranked`, with each item's summary, strongest confidence and studies."""
    kb, _ = site_example
    page = render_home_page(kb, "Example knowledge base")
    helps, hinders = page.split("## What gets in the way")
    linked = re.compile(r'<a href="(?:facilitators|barriers)/([a-z0-9-]+)/">')
    assert linked.findall(helps) == kb.ranked("facilitator")
    assert linked.findall(hinders.split("## How to read this")[0]) == kb.ranked("barrier")
    assert kb.ranked("barrier")[0] == "professional-habits-decide-who-is-heard"
    assert ("<p>When officers and partner staff change often, relationships with residents have to start again.</p>\n"
            '<p class="synth-support">Strongest confidence: <strong class="synth-confidence '
            'synth-confidence--moderate">Moderate</strong> · 2 studies · 2 findings</p>') in hinders


def test_home_explains_every_confidence_level_in_plain_words(site_example) -> None:  # type: ignore[no-untyped-def]
    """The "how to read this" section names each rating and the four components."""
    kb, _ = site_example
    guide = render_home_page(kb, "Example").split("## How to read this")[1]
    assert re.findall(r"synth-confidence--([a-z-]+)\">", guide) == ["high", "moderate", "low", "very-low"]
    assert "It is not clear whether the finding is a fair picture of what happens." in guide
    for component in ("Methodological limitations", "Coherence", "Adequacy of data", "Relevance"):
        assert f"<li><strong>{component}</strong>: " in guide


def test_home_title_is_text(site_example) -> None:  # type: ignore[no-untyped-def]
    """A site name with Markdown or HTML characters is shown as written."""
    kb, _ = site_example
    page = render_home_page(kb, "Safety *now* <b>")
    assert '---\ntitle: "Safety *now* &lt;b&gt;"\n---' in page
    assert "\n# Safety &#42;now&#42; &#60;b&#62;\n" in page
