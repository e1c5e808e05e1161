"""Record pages: a barrier's or facilitator's evidence, a finding's detail and a study's appraisal."""

from __future__ import annotations

import dataclasses
import html
import re
import shutil
from pathlib import Path

import yaml
from conftest import SITE_EXAMPLE

from synth.pipeline import check_project
from synth.references.style import ReferenceFormatter
from synth.site.pages import render_factor_page, render_finding_page, render_study_page
from synth.site.paths import Links, record_uri
from synth.site.references import ReferenceShelf

HREF = re.compile(r'href="([^"]*)"')


def front_matter(page: str) -> dict[str, object]:
    """The YAML metadata block at the top of a generated page."""
    _, block, _ = page.split("---\n", 2)
    meta = yaml.safe_load(block)
    assert isinstance(meta, dict)
    return meta


def factor_page(site_example, kind: str, factor_id: str) -> str:  # type: ignore[no-untyped-def]
    kb, shelf = site_example
    return render_factor_page(kb, kind, factor_id, shelf, Links(record_uri(kind, factor_id)))


def test_barrier_page_matches_golden(site_example, golden) -> None:  # type: ignore[no-untyped-def]
    """The barrier page of the example, with findings from two studies."""
    golden("render/barrier.md", factor_page(site_example, "barrier", "lack-of-staff-continuity"))


def test_facilitator_page_matches_golden(site_example, golden) -> None:  # type: ignore[no-untyped-def]
    """The facilitator page of the example, whose record text holds markup that must stay text."""
    golden("render/facilitator.md", factor_page(site_example, "facilitator", "independent-neighbourhood-manager"))


def test_factor_page_groups_findings_by_study_in_reference_order(site_example) -> None:  # type: ignore[no-untyped-def]
    """Findings appear under their study's heading, studies in author-year order, each study linked."""
    page = factor_page(site_example, "barrier", "lack-of-staff-continuity")
    headings = re.findall(r"^### .* \{ #(study-[a-z0-9-]+) \}$", page, re.MULTILINE)
    assert headings == ["study-alexander-2021", "study-turley-2012"]
    alexander, turley = page.index("study-alexander-2021 }"), page.index("study-turley-2012 }")
    assert alexander < page.index('id="finding-alexander-staff-turnover"') < turley
    assert turley < page.index('id="finding-turley-staff-continuity"')
    assert '<a href="../../studies/alexander-2021/">Alexander (2021)</a> · Evaluated research · Ethnography' in page


def test_factor_page_shows_support_kinds_of_evidence_who_can_act_and_keywords(site_example) -> None:  # type: ignore[no-untyped-def]
    """The page says what supports it, its strongest confidence in words, who can act, and its keywords."""
    page = factor_page(site_example, "barrier", "lack-of-staff-continuity")
    assert "<p>2 findings from 2 studies (Evaluated research: 2)." in page
    assert ('<strong class="synth-confidence synth-confidence--moderate">Moderate</strong> <a class="synth-confidence-'
            'link" href="../../confidence/" data-pagefind-ignore>confidence in its strongest finding</a> · '
            "2 findings from 2 studies"
            ) in page
    assert '<p class="synth-who">Who can act on it: Police, Council</p>' in page
    assert '<p class="synth-keywords">Also searched as: turnover</p>' in page


def test_practice_examples_from_one_publication_are_counted_once(site_example) -> None:  # type: ignore[no-untyped-def]
    """A facilitator backed by a booklet and a practice example it describes rests on one publication."""
    page = factor_page(site_example, "facilitator", "range-of-ways-to-get-involved")
    assert "<p>2 findings from 1 study and 1 practice example in 1 publication (Descriptive practice example: 1; " \
           "Policy guidance: 1)." in page
    assert "Descriptive practice example · Described, not evaluated · Practice example" in page


def test_each_finding_shows_quotations_confidence_and_components(site_example) -> None:  # type: ignore[no-untyped-def]
    """A finding card has its overall confidence visible, quotations with locators, and the components folded."""
    page = factor_page(site_example, "facilitator", "independent-neighbourhood-manager")
    card = page[page.index('<article class="synth-finding"'):page.index("</article>")]
    assert ('<strong class="synth-confidence synth-confidence--moderate">Moderate</strong> <a class="synth-'
            'confidence-link" href="../../confidence/" data-pagefind-ignore>confidence in this finding</a> · '
            'Kind of evidence: Evaluated '
            'research. <span class="synth-finding__why">Minor and moderate concerns.</span>') in card
    assert card.count("<blockquote>") == 2
    assert "<figcaption>Source: Section: Partner interviews</figcaption>" in card
    details = card[card.index("<details"):card.index("</details>")]
    assert "<summary>Why this confidence: the four GRADE-CERQual components</summary>" in details
    rows = re.findall(r'<tr><th scope="row">([^<]+)<', details)
    assert rows == ["Methodological limitations", "Coherence", "Adequacy of data", "Relevance",
                    "Overall confidence in this finding"]
    assert "<td>Moderate concerns</td><td>Two sentences of a summary.</td>" in details


def test_record_text_is_never_markup(site_example) -> None:  # type: ignore[no-untyped-def]
    """A <b>, a <script> or a javascript: link in a record is escaped text, never an element or a link."""
    facilitator = factor_page(site_example, "facilitator", "independent-neighbourhood-manager")
    barrier = factor_page(site_example, "barrier", "professional-habits-decide-who-is-heard")
    assert "the manager &lt;b&gt;represented&lt;/b&gt; the community [link](javascript:alert(2))." in facilitator
    assert "see [the guide](javascript:alert(1))." in facilitator
    assert "speak their language: &lt;script&gt;alert('x')&lt;/script&gt;." in barrier
    for page in (facilitator, barrier):
        assert "<script" not in page and "<b>" not in page
        assert not [href for href in HREF.findall(page) if "javascript" in href]


def test_factor_page_metadata_carries_title_and_theme_tags(site_example) -> None:  # type: ignore[no-untyped-def]
    """The page's title and Material tags (its themes' names) are in its metadata, HTML-escaped."""
    meta = front_matter(factor_page(site_example, "barrier", "lack-of-staff-continuity"))
    assert meta == {"title": "Lack of staff continuity",
                    "tags": ["Resources &amp; continuity", "Partnership working"]}


def test_finding_page_matches_golden(site_example, golden) -> None:  # type: ignore[no-untyped-def]
    """A finding page: statement, study, quotations, the full CERQual table and what it is evidence for."""
    kb, shelf = site_example
    page = render_finding_page(kb, "turley-independent-manager", shelf, Links("findings/turley-independent-manager.md"))
    golden("render/finding.md", page)
    assert '<li>Facilitator: <a href="../../facilitators/independent-neighbourhood-manager/">' in page
    assert "<caption data-pagefind-ignore>GRADE-CERQual assessment of this finding</caption>" in page
    assert "\n# Turley independent manager\n" in page


def test_finding_page_opens_with_its_title_and_links_its_outcomes(site_example) -> None:  # type: ignore[no-untyped-def]
    """The short title is the heading, the statement follows as text, and each outcome it reports is linked."""
    kb, shelf = site_example
    page = render_finding_page(kb, "turley-shared-aims", shelf, Links("findings/turley-shared-aims.md"))
    heading = page.index("\n# Turley shared aims\n")
    assert heading < page.index("<p>Areas where every agency shared the same aims reported smoother partnership")
    assert '<li>Outcome: <a href="../../outcomes/residents-feel-safer/">Residents feel safer</a></li>' in page


def test_study_page_matches_golden(site_example, golden) -> None:  # type: ignore[no-untyped-def]
    """A study page: the formatted reference, design, setting, country, year, participants, appraisal, findings."""
    kb, shelf = site_example
    page = render_study_page(kb, "turley-2012", shelf, Links("studies/turley-2012.md"))
    golden("render/study.md", page)
    assert f"<p>{shelf['turley2012neighbourhood'].html}</p>" in page
    assert '<a href="../../references/#ref-turley2012neighbourhood">In the reference list</a>' in page
    facts = re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", page)
    assert facts[:6] == [("Kind of evidence", "Evaluated research"), ("Design", "Qualitative case studies"),
                         ("Setting", "Six areas with a strong partnership approach"),
                         ("Country", "England and Wales"), ("Year", "2012"),
                         ("Participants", "Neighbourhood policing teams, residents and partner agencies")]
    assert page.count('<li><a href="../../findings/turley-') == 4


def test_study_page_escapes_its_appraisal(site_example) -> None:  # type: ignore[no-untyped-def]
    """Markup in a study's appraisal shows as text."""
    kb, shelf = site_example
    page = render_study_page(kb, "alexander-2021", shelf, Links("studies/alexander-2021.md"))
    assert "One estate; the &lt;script&gt;alert('appraisal')&lt;/script&gt; author" in page
    assert "<script" not in page


MARKUP = '<img src=x onerror=alert(1)>'
NOT_TEXT = {"id", "cite", "design", "source", "evidence_kind", "evaluation"}
"""Study fields that are ids, keys or controlled values rather than free text (validated, never shown raw)."""


def with_markup(value: object, where: str = "") -> object:
    """``value`` (a record's ``model_dump``) with every free-text string replaced by markup naming its field."""
    if isinstance(value, dict):
        return {key: item if key in NOT_TEXT else with_markup(item, f"{where}.{key}".lstrip("."))
                for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [with_markup(item, f"{where}[{index}]") for index, item in enumerate(value)]
    return f"{MARKUP}{where}" if isinstance(value, str) else value


def test_every_text_field_of_a_study_is_escaped_on_its_page(site_example) -> None:  # type: ignore[no-untyped-def]
    """Setting, country, participants, title, summary and appraisal, each filled with an <img> tag, stay text."""
    kb, shelf = site_example
    study = kb.studies["turley-2012"]
    data = with_markup(study.model_dump())
    assert isinstance(data, dict)
    hostile = dataclasses.replace(kb, studies={**kb.studies, "turley-2012": type(study).model_validate(data)})
    page = render_study_page(hostile, "turley-2012", shelf, Links("studies/turley-2012.md"))
    assert "<img" not in page
    escaped = html.escape(MARKUP, quote=False)
    for field in ("title", "setting", "country", "participants", "summary", "appraisal.strengths",
                  "appraisal.limitations"):
        assert escaped + field in page, field


def test_a_study_with_no_findings_and_no_year_says_so(site_example) -> None:  # type: ignore[no-untyped-def]
    """A study no finding comes from renders, saying none are recorded; with no year it shows no Year row."""
    kb, shelf = site_example
    alone = kb.studies["turley-2012"].model_copy(update={"year": None})
    hostile = dataclasses.replace(kb, studies={**kb.studies, "alone": alone})
    page = render_study_page(hostile, "alone", shelf, Links("studies/alone.md"))
    assert "<p>No findings from this study have been recorded yet.</p>" in page
    assert "<dt>Year</dt>" not in page and "None" not in page
    assert "<dt>Country</dt><dd>England and Wales</dd>" in page


def test_findings_are_grouped_under_studies_in_reference_list_order_not_id_order(tmp_path: Path) -> None:
    """A study whose id sorts last but whose reference sorts first is still listed first on a factor's page."""
    project = tmp_path / "project"
    shutil.copytree(SITE_EXAMPLE, project)
    studies = project / "content" / "studies"
    (studies / "alexander-2021.yaml").rename(studies / "zz-alexander-2021.yaml")
    for finding in (project / "content" / "findings").glob("*.yaml"):
        text = finding.read_text(encoding="utf-8")
        finding.write_text(text.replace("study: alexander-2021", "study: zz-alexander-2021"), encoding="utf-8")
    result = check_project(project)
    assert result.errors == []
    shelf = ReferenceShelf(result.kb.bibliography, ReferenceFormatter(result.kb.bibliography))
    page = render_factor_page(result.kb, "barrier", "lack-of-staff-continuity", shelf,
                              Links(record_uri("barrier", "lack-of-staff-continuity")))
    headings = re.findall(r"^### .* \{ #(study-[a-z0-9-]+) \}$", page, re.MULTILINE)
    assert headings == ["study-zz-alexander-2021", "study-turley-2012"]
