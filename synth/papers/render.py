"""Papers, stage 4: expand a paper's embeds into HTML and assemble its page for the site.

Both outputs, the site page and the PDF, start from `expand_body`: the paper's Markdown with every embed
replaced by a raw HTML block and every mention by inline HTML, code left as written. Record text is data:
it is HTML-escaped, its white space is collapsed so no line of it can start a Markdown construct, and in
mentions every character Markdown could act on becomes a character reference. Citations stay in the
Markdown, for the citation extension of whichever Markdown run converts it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

from synth.citations import find_citations
from synth.errors import SynthError
from synth.papers import cite
from synth.papers.embed import Embed, check_paper, errors_in, find_embeds
from synth.papers.model import Paper
from synth.records.link import EvidenceSummary, KnowledgeBase
from synth.records.schema import (
    BASIS_LABELS,
    DESIGN_LABELS,
    DIRECTION_LABELS,
    EVALUATION_LABELS,
    EVIDENCE_KIND_LABELS,
    RATING_LABELS,
    Finding,
    Outcome,
    Study,
)
from synth.references.style import FormattedReference, ReferenceFormatter

MARKDOWN_ACTIVE = re.compile(r"[\\`*_{}\[\]()#+!~^=|:@<>&\"']")
KIND_LABELS = {"finding": "Finding", "barrier": "Barrier", "facilitator": "Facilitator", "outcome": "Outcome",
               "study": "Study"}
ROW_KINDS = ("barrier", "facilitator", "outcome")
"""The kinds of record with a row in the evidence matrix."""
MATRIX_ROWS = 100
"""The most rows of one kind (barriers, facilitators, outcomes), best-supported first, in an embedded matrix and
on the site's matrix page; their tables list them all. A matrix's size grows with its rows times its columns:
10,000 records made a matrix page of 20 MB, 100,000 one of 600 MB."""

RecordHref = Callable[[str, str], str]
"""Gives the link to a record's page from a kind and an id, e.g. ``Links(page).record`` of the site plugin."""


def text(value: str) -> str:
    """Record text for a raw HTML block: one line, HTML-escaped, with ``@`` as a reference so no citation is read."""
    return escape(" ".join(value.split())).replace("@", "&#64;")


def inline_text(value: str) -> str:
    """Record text inside a Markdown paragraph: every character Markdown could act on as a character reference."""
    return MARKDOWN_ACTIVE.sub(lambda match: f"&#{ord(match.group())};", " ".join(value.split()))


@dataclass
class Evidence:
    """Writes records as HTML for one paper and notes which references they cite."""

    kb: KnowledgeBase
    formatter: ReferenceFormatter
    record_href: RecordHref | None = None
    cited: dict[str, FormattedReference] = field(default_factory=dict)
    """The references the HTML written so far cites, by key."""

    def reference(self, key: str) -> FormattedReference:
        """The formatted reference of ``key``, noted as cited."""
        reference = self.formatter.format(key)[0]
        self.cited[key] = reference
        return reference

    def cite(self, study_id: str, escaper: Callable[[str], str] = text) -> str:
        """``Turley (2012)`` linked to its reference, or for one of several studies citing a work, its title too."""
        study = self.kb.studies[study_id]
        reference = self.reference(study.cite)
        link = f'<a href="#{reference.anchor}">{escaper(reference.author_short)} ({escaper(reference.year)})</a>'
        if len(self.kb.cited_by.get(study.cite, ())) > 1:
            return f"{escaper(study.title)}, in {link}"
        return link

    def name(self, kind: str, record_id: str, label: str, escaper: Callable[[str], str] = text) -> str:
        """A record's name, linked to its page on the site when links are given."""
        if self.record_href is None:
            return escaper(label)
        return f'<a href="{escape(self.record_href(kind, record_id))}">{escaper(label)}</a>'

    def support(self, kind: str, record_id: str) -> str:
        """``4 findings from 4 practice examples in 1 publication; highest confidence in a finding: Low``."""
        summary = self.kb.support[(kind, record_id)]
        best = RATING_LABELS.get(summary.highest_confidence or "", "none")
        return f"{summary.count.phrase()}; highest confidence in a finding: {best}"

    def embed(self, embed: Embed) -> str:
        """The HTML block an embed alone on its line becomes."""
        if embed.kind == "table":
            return self.factor_table(embed.target.removesuffix("s"))
        if embed.kind == "outcome":
            return self.factor(embed.target, "outcome")
        if embed.kind == "matrix":
            return self.matrix()
        if embed.kind == "finding":
            return self.finding(embed.target)
        if embed.kind == "study":
            return self.study(embed.target)
        return self.factor(embed.target, embed.kind)

    def finding(self, finding_id: str) -> str:
        """A finding: statement, its first quotation with locator, overall confidence and study."""
        finding = self.kb.findings[finding_id]
        quote = finding.evidence[0] if finding.evidence else None
        quotation = (f'<blockquote class="paper-quotation"><p>“{text(quote.quote)}”</p>'
                     f'<p class="paper-locator">{text(quote.locator)}</p></blockquote>') if quote else ""
        return "\n".join([
            '<div class="paper-embed paper-finding">',
            '<p class="paper-embed-kind">Finding</p>',
            f'<p class="paper-embed-title">{self.name("finding", finding_id, finding.title)}</p>',
            f"<p>{text(finding.statement)}</p>",
            *([quotation] if quotation else []),
            f'<p class="paper-embed-meta"><strong>{_rating(finding)}</strong> confidence in this finding · '
            f'Kind of evidence: {_kind(self.kb.studies[finding.study])} · Study: {self.cite(finding.study)}</p>',
            "</div>",
        ])

    def factor(self, factor_id: str, kind: str = "barrier") -> str:
        """A barrier, facilitator or outcome: summary, how much evidence supports it, and each finding in brief."""
        factor = self.kb.supported(kind)[factor_id]
        findings = self._ranked_findings(self.kb.support[(kind, factor_id)].findings)
        items = [f'<li>{self.name("finding", i, self.kb.findings[i].statement)} '
                 f'<span class="paper-embed-meta">({_rating(self.kb.findings[i])} confidence in this finding; '
                 f'{_kind(self.kb.studies[self.kb.findings[i].study])}; '
                 f'{self.cite(self.kb.findings[i].study)})</span></li>' for i in findings]
        facts = [f'<p class="paper-embed-meta">{_outcome_facts(factor)}</p>'] if isinstance(factor, Outcome) else []
        return "\n".join([
            f'<div class="paper-embed paper-{kind}">',
            f'<p class="paper-embed-kind">{KIND_LABELS[kind]}</p>',
            f'<p class="paper-embed-title">{self.name(kind, factor_id, factor.name)}</p>',
            *facts,
            f"<p>{text(factor.summary)}</p>",
            f'<p class="paper-embed-meta">Evidence: {self.support(kind, factor_id)}.</p>',
            *(['<ul class="paper-embed-findings">', *items, "</ul>"] if items else []),
            "</div>",
        ])

    def study(self, study_id: str) -> str:
        """A study: title, design, setting and year, summary and reference."""
        study = self.kb.studies[study_id]
        details = [_kind(study), DESIGN_LABELS[study.design], *(text(v) for v in (study.setting, study.country) if v)]
        details += [str(study.year)] if study.year else []
        return "\n".join([
            '<div class="paper-embed paper-study">',
            '<p class="paper-embed-kind">Study</p>',
            f'<p class="paper-embed-title">{self.name("study", study_id, study.title)}</p>',
            f'<p class="paper-embed-meta">{"; ".join(details)} · {self.cite(study_id)}</p>',
            f"<p>{text(study.summary)}</p>",
            "</div>",
        ])

    def factor_table(self, kind: str) -> str:
        """Every barrier, facilitator or outcome, best-supported first, with its confidence and evidence.

        Each row has the highest confidence, the kinds of evidence, the findings, studies and publications.
        """
        rows = []
        for factor_id, factor_name, summary, keys in table_rows(self.kb, kind):
            works = "; ".join(self._short_cite(key) for key in keys) or "none"
            best = RATING_LABELS.get(summary.highest_confidence or "", "None")
            kinds = "; ".join(EVIDENCE_KIND_LABELS[k] for k in EVIDENCE_KIND_LABELS if k in summary.evidence_kinds)
            name = self.name(kind, factor_id, factor_name)
            rows.append(f'<tr><th scope="row">{name}</th><td>{best}</td><td>{kinds or "none"}</td>'
                        f"<td>{len(summary.findings)}</td>"
                        f"<td>{summary.count.sources_and_publications()}: {works}</td></tr>")
        plural = f"{kind}s"
        return "\n".join([
            f'<table class="paper-table paper-{plural}">',
            f"<caption>{plural.capitalize()}, best-supported first: the highest confidence in any of their findings, "
            "the kinds of evidence, how many findings support each, and the studies and publications they come "
            "from</caption>",
            f'<thead><tr><th scope="col">{KIND_LABELS[kind]}</th><th scope="col">Highest confidence in a finding</th>'
            '<th scope="col">Kind of evidence</th><th scope="col">Findings</th>'
            '<th scope="col">Studies and publications</th></tr></thead>',
            "<tbody>", *rows, "</tbody>", "</table>",
        ])

    def matrix(self) -> str:
        """Which studies support which barrier or facilitator: findings and their highest confidence per cell."""
        shown = {kind: self.kb.ranked(kind) for kind in ROW_KINDS}
        studies = self._matrix_studies([(kind, i) for kind in ROW_KINDS for i in shown[kind][:MATRIX_ROWS]])
        header = "".join(f'<th scope="col"><abbr title="{text(self.kb.studies[s].title)}">S{n}</abbr></th>'
                         for n, s in enumerate(studies, start=1))
        groups = []
        for kind in ROW_KINDS:
            some = f": the {MATRIX_ROWS} best supported of {len(shown[kind])}" if len(shown[kind]) > MATRIX_ROWS else ""
            rows = [f'<tr><th scope="rowgroup" colspan="{len(studies) + 1}">{KIND_LABELS[kind]}s{some}</th></tr>']
            rows += [self._matrix_row(kind, factor_id, studies) for factor_id in shown[kind][:MATRIX_ROWS]]
            groups += ["<tbody>", *rows, "</tbody>"]
        key = [f"<li>S{n}: {text(self.kb.studies[s].title)} ({self._short_cite(self.kb.studies[s].cite)})</li>"
               for n, s in enumerate(studies, start=1)]
        return "\n".join([
            '<div class="paper-matrix">',
            '<table class="paper-table paper-matrix-table">',
            "<caption>Evidence matrix: for each barrier, facilitator and outcome, the number of findings from each "
            "study (S1 to S" f"{len(studies)}, listed below the table) and the highest confidence among them</caption>",
            f'<thead><tr><th scope="col">Barrier, facilitator or outcome</th>{header}</tr></thead>',
            *groups, "</table>",
            '<ol class="paper-matrix-key">', *key, "</ol>",
            "</div>",
        ])

    def _matrix_row(self, kind: str, factor_id: str, studies: list[str]) -> str:
        by_study: dict[str, list[Finding]] = {}
        for finding_id in self.kb.support[(kind, factor_id)].findings:
            finding = self.kb.findings[finding_id]
            by_study.setdefault(finding.study, []).append(finding)
        cells = []
        for study_id in studies:
            found = by_study.get(study_id, [])
            cells.append(f'<td>{len(found)} <span class="paper-rating">({_best(found)})</span></td>' if found else
                         '<td class="paper-empty"></td>')
        name = self.name(kind, factor_id, self.kb.supported(kind)[factor_id].name)
        return f'<tr><th scope="row">{name}</th>{"".join(cells)}</tr>'

    def _matrix_studies(self, rows: list[tuple[str, str]]) -> list[str]:
        """The studies behind the ``rows`` (kind and id), ordered by their references, then by id."""
        used = {s for row in rows for s in self.kb.support[row].studies}
        return sorted(used, key=lambda s: (self.formatter.format(self.kb.studies[s].cite)[0].sort_key, s))

    def _short_cite(self, key: str) -> str:
        reference = self.reference(key)
        return f'<a href="#{reference.anchor}">{text(reference.author_short)} ({text(reference.year)})</a>'

    def _ranked_findings(self, finding_ids: tuple[str, ...]) -> list[str]:
        """Findings with the highest confidence first, then by id."""
        order = list(RATING_LABELS)
        return sorted(finding_ids, key=lambda i: (order.index(self.kb.findings[i].confidence.overall.rating), i))

    def mention(self, embed: Embed) -> str:
        """The inline HTML a record named inside a sentence becomes: its name and its evidence in brief."""
        kind, record_id = embed.kind, embed.target
        if kind == "finding":
            finding = self.kb.findings[record_id]
            label = self.name(kind, record_id, f"“{' '.join(finding.statement.split())}”", inline_text)
            note = f"finding; {_rating(finding)} confidence in this finding; " \
                   f"{inline_text(_kind(self.kb.studies[finding.study]))}; {self.cite(finding.study, inline_text)}"
        elif kind == "study":
            label = self.name(kind, record_id, self.kb.studies[record_id].title, inline_text)
            note = f"study; {self.cite(record_id, inline_text)}"
        else:
            label = self.name(kind, record_id, self.kb.supported(kind)[record_id].name, inline_text)
            note = f"{kind}; {inline_text(self.support(kind, record_id))}"
        return f'<span class="paper-mention">{label} <span class="paper-mention-note">({note})</span></span>'


def table_rows(kb: KnowledgeBase, kind: str) -> tuple[tuple[str, str, EvidenceSummary, tuple[str, ...]], ...]:
    """Everything a paper's table of barriers, facilitators or outcomes shows, row by row.

    Best-supported first: each record's id and name, its evidence, and the works its studies cite. The table is
    made from these alone, so a rebuild whose rows are equal shows the same table
    (`synth.site.incremental.untouched_papers`).
    """
    records = kb.supported(kind)
    return kb.derived(("paper table", kind), lambda: tuple(
        (record_id, records[record_id].name, summary, tuple(dict.fromkeys(kb.studies[s].cite for s in summary.studies)))
        for record_id in kb.ranked(kind) for summary in (kb.support[(kind, record_id)],)))


def _kind(study: Study) -> str:
    """A study's kind of evidence, with its evaluation status when it has one.

    For example ``Descriptive practice example (Described, not evaluated)``.
    """
    status = f" ({EVALUATION_LABELS[study.evaluation]})" if study.evaluation else ""
    return f"{EVIDENCE_KIND_LABELS[study.evidence_kind]}{status}"


def _outcome_facts(outcome: Outcome) -> str:
    """How an outcome is known, what was found and for whom, in one line."""
    return f"How it is known: {BASIS_LABELS[outcome.basis]} · What was found: " \
           f"{DIRECTION_LABELS[outcome.direction]} · For: {text(outcome.for_whom)}"


def _rating(finding: Finding) -> str:
    return RATING_LABELS[finding.confidence.overall.rating]


def _best(findings: list[Finding]) -> str:
    """The label of the highest overall confidence among ``findings``."""
    order = list(RATING_LABELS)
    return RATING_LABELS[min((f.confidence.overall.rating for f in findings), key=order.index)]


def ensure_valid(paper: Paper, kb: KnowledgeBase) -> None:
    """Raise `SynthError` with every located error when the paper embeds or cites what does not exist."""
    problems = errors_in(check_paper(paper, kb))
    if problems:
        raise SynthError(problems)


def expand_body(paper: Paper, evidence: Evidence) -> str:
    """The paper's body with embeds as HTML blocks and mentions as inline HTML; code is left as written."""
    lines = paper.lines
    by_line: dict[int, list[Embed]] = {}
    for embed in find_embeds(paper):
        by_line.setdefault(embed.line, []).append(embed)
    for number, embeds in by_line.items():
        line = lines[number - 1]
        for embed in reversed(embeds):
            if embed.block:  # A raw HTML block needs a blank line on each side.
                before = "\n" if number > 1 and lines[number - 2].strip() else ""
                after = "\n" if number < len(lines) and lines[number].strip() else ""
                line = f"{before}{evidence.embed(embed)}{after}"
            else:
                line = line[:embed.start] + evidence.mention(embed) + line[embed.start + len(embed.text):]
        lines[number - 1] = line
    return "\n".join(lines[paper.body_line - 1:]).strip("\n") + "\n"


def cited_keys(paper: Paper, evidence: Evidence) -> list[str]:
    """Every key the paper cites in its text or through its embeds, in reference-list order."""
    keys = dict.fromkeys(key for key, _ in find_citations(paper.text) if key in evidence.kb.bibliography)
    keys.update(dict.fromkeys(evidence.cited))
    return sorted(keys, key=lambda key: (evidence.formatter.format(key)[0].sort_key, key))


def reference_list(keys: list[str], formatter: ReferenceFormatter) -> str:
    """The paper's own reference list, each entry with the anchor citations link to."""
    items = [f'<li id="{formatter.format(key)[0].anchor}">{formatter.format(key)[0].html}</li>' for key in keys]
    return "\n".join(['<ul class="paper-references">', *items, "</ul>"])


def render_paper_page(paper: Paper, kb: KnowledgeBase, formatter: ReferenceFormatter, *,
                      record_href: RecordHref | None = None, pdf_href: str | None = None,
                      url: str | None = None, kb_version: str | None = None) -> str:
    """The paper as a Markdown page: title block, abstract, body, its references, a citation box, its PDF.

    ``record_href`` links embedded records to their pages; ``pdf_href`` is the PDF's link (default
    ``<slug>.pdf``, beside the page); ``url`` is the page's address for the citation exports; ``kb_version``
    names the knowledge base's version in the title block and the citations. Raises
    `SynthError` when the paper embeds or cites what does not exist.
    """
    ensure_valid(paper, kb)
    evidence = Evidence(kb, formatter, record_href)
    body = expand_body(paper, evidence)
    meta = paper.meta
    details = [*([text(meta.event.heading)] if meta.event else []), cite.long_date(meta.date),
               f"Version {text(meta.version)}", meta.status.capitalize(),
               *([f"Knowledge base {text(kb_version)}"] if kb_version else [])]
    return "\n".join([
        f"# {inline_text(meta.title)}", "",
        '<div class="paper-title-block">',
        f'<p class="paper-authors">{text(cite.author_line(meta.authors))}</p>',
        *([f'<p class="paper-affiliations">{text(line)}</p>'] if (line := cite.affiliation_line(meta.authors))
          else []),
        *([f'<p class="paper-prepared-by">{text(meta.prepared_by)}</p>'] if meta.prepared_by else []),
        f'<p class="paper-details">{" · ".join(details)}</p>',
        *(['<p class="paper-draft-notice"><strong>Draft.</strong> This paper is a draft and may change.</p>']
          if paper.is_draft else []),
        f'<p class="paper-pdf"><a href="{escape(pdf_href or paper.slug + ".pdf")}">Download this paper as a PDF</a>'
        "</p>",
        "</div>", "",
        f'<div class="paper-abstract"><p><strong>Abstract.</strong> {text(meta.abstract)}</p></div>', "",
        body,
        "## References", "",
        reference_list(cited_keys(paper, evidence), formatter), "",
        "## Cite this paper", "",
        cite.cite_box(paper, url, kb_version), "",
    ])
