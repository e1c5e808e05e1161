"""Every place in synth/ that reports a diagnostic code has a planted case in the broken example tree.

A code listed once is not every site exercised: `ref.unknown-theme` is reported for findings, barriers and
facilitators, `yaml.not-mapping` by the record loader, the theme file, the paper loader and `synth fmt`. The
table below names each reporting site (module and function, and the message that tells apart two branches of
one function) with the planted file in tests/data/broken that makes it report, and where it must be reported.
A scan of synth/ then checks that no reporting site is missing from the table.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import NamedTuple

import pytest
from conftest import DATA, REPOSITORY

from synth.authoring.fmt import format_file
from synth.errors import Diagnostic
from synth.pipeline import CheckResult, check_project

BROKEN = DATA / "broken"
PACKAGE = REPOSITORY / "synth"
CODE = re.compile(r"^[a-z]+\.[a-z0-9]+(?:-[a-z0-9]+)*$")


class Site(NamedTuple):
    """One reporting site and the planted case that reaches it."""

    code: str
    reporter: str
    """``module/path.py:function`` that builds the diagnostic."""
    path: str
    """The planted file, relative to tests/data/broken, where the diagnostic is located."""
    line: int
    message: str
    """A piece of the message, telling apart two sites (or call paths) with the same code."""
    command: str = "check"
    """`check` (the whole tree through `synth check`) or `fmt` (the file through `synth fmt`)."""


SITES = [
    # records/load.py
    Site("yaml.encoding", "records/load.py:read_yaml_bytes", "content/findings/latin-1.yaml", 1, "not UTF-8"),
    Site("yaml.too-deep", "records/load.py:read_yaml_bytes", "content/findings/deeply-nested.yaml", 1,
         "nested more than"),
    Site("yaml.not-mapping", "records/load.py:read_yaml_bytes", "content/findings/not-a-mapping.yaml", 1,
         "received a list"),
    Site("yaml.not-mapping", "records/yaml_values.py:parse_yaml", "content/findings/empty.yaml", 1,
         "the file is empty"),
    Site("yaml.tab", "records/yaml_values.py:parse_yaml", "content/findings/tab-indent.yaml", 3, "tab character"),
    Site("yaml.syntax", "records/yaml_values.py:parse_yaml", "content/findings/syntax-error.yaml", 4,
         "did not find expected node content"),
    Site("yaml.syntax", "records/yaml_values.py:parse_yaml", "content/findings/control-character.yaml", 2,
         "a control character (#x0007)"),
    Site("yaml.syntax", "records/yaml_values.py:_scalar", "content/studies/bad-date.yaml", 3,
         "cannot read value '2012-13-45'"),
    Site("yaml.too-large", "records/yaml_values.py:build", "content/findings/alias-bomb.yaml", 1, "alias expansion"),
    Site("yaml.recursive", "records/yaml_values.py:build", "content/studies/recursive.yaml", 1, "contains it"),
    Site("yaml.duplicate-key", "records/yaml_values.py:_mapping", "content/findings/duplicate-key.yaml", 4,
         "duplicate key 'statement'"),
    Site("yaml.bad-key", "records/yaml_values.py:_mapping", "content/findings/list-key.yaml", 2, "plain word"),
    Site("yaml.merge-key", "records/yaml_values.py:_mapping", "content/findings/merge-key.yaml", 2, "merge keys"),
    Site("content.stray-file", "records/load.py:_record_files", "content/barriers/stray.yml", 1, "'.yaml'"),
    Site("yaml.not-mapping", "records/load.py:_themes_of", "content/themes.yaml", 8, "theme 'loose'"),
    # records/validate.py
    Site("id.not-slug", "records/validate.py:check_id", "content/findings/Not_A_Slug.yaml", 1, "file name"),
    Site("id.not-slug", "records/validate.py:check_id", "content/themes.yaml", 6, "theme id 'Bad Theme'"),
    Site("id.reserved", "records/validate.py:check_id", "content/studies/index.yaml", 1, "listing page"),
    Site("id.mismatch", "records/validate.py:check_id", "content/findings/wrong-id.yaml", 1, "'another-id'"),
    Site("id.duplicate", "records/validate.py:find_duplicate_ids", "content/barriers/lack-of-staff-continuity.yaml",
         1, "already used"),
    Site("schema.unknown-field", "records/validate.py:schema_diagnostic", "content/findings/unknown-field.yaml", 3,
         "'statment'"),
    Site("schema.missing-field", "records/validate.py:schema_diagnostic", "content/findings/unknown-field.yaml", 1,
         "'statement'"),
    Site("schema.invalid-value", "records/validate.py:schema_diagnostic", "content/studies/bad-design.yaml", 3,
         "expected one of"),
    Site("schema.invalid-value", "records/validate.py:schema_diagnostic", "content/findings/bad-values.yaml", 13,
         "expected a lower-case slug"),
    Site("schema.invalid-value", "records/validate.py:schema_diagnostic", "content/studies/bad-design.yaml", 5,
         "valid integer"),
    Site("schema.placeholder", "records/validate.py:_placeholder", "content/barriers/placeholder.yaml", 1,
         "placeholder 'TODO'"),
    # records/link.py: _unknown is one site reached from four fields of three record kinds
    Site("bib.unknown-key", "records/link.py:_check_citation", "content/studies/uncited.yaml", 2, "cite:"),
    Site("ref.unknown-study", "records/link.py:_unknown", "content/findings/unknown-links.yaml", 1, "study:"),
    Site("ref.unknown-barrier", "records/link.py:_unknown", "content/findings/unknown-links.yaml", 7, "barriers:"),
    Site("ref.unknown-facilitator", "records/link.py:_unknown", "content/findings/unknown-links.yaml", 8,
         "facilitators:"),
    Site("ref.unknown-theme", "records/link.py:_unknown", "content/findings/unknown-links.yaml", 10,
         "'partnership-work'"),
    Site("ref.unknown-theme", "records/link.py:_unknown", "content/barriers/lack-of-staff-continuity.yaml", 4,
         "'continuity'"),
    Site("ref.unknown-theme", "records/link.py:_unknown", "content/facilitators/unsupported.yaml", 5, "'engagment'"),
    Site("evidence.no-quote", "records/rules.py:check_finding_content",
         "content/findings/no-quote-no-explanation.yaml", 4, "verbatim quotation"),
    Site("cerqual.no-explanation", "records/rules.py:check_finding_content",
         "content/findings/no-quote-no-explanation.yaml", 6, "confidence.methodological_limitations"),
    Site("cerqual.no-explanation", "records/rules.py:check_finding_content",
         "content/findings/no-quote-no-explanation.yaml", 10, "confidence.overall"),
    Site("evidence.unsupported", "records/link.py:_check_unsupported", "content/facilitators/unsupported.yaml", 1,
         "no finding links"),
    # records/quotes.py
    Site("quote.not-found", "records/quotes.py:_check_record", "content/findings/tampered-quote.yaml", 5,
         "evidence[0].quote"),
    Site("quote.no-source", "records/quotes.py:_no_source", "content/studies/no-source.yaml", 1, "no 'source'"),
    Site("quote.source-missing", "records/quotes.py:_missing_source", "content/studies/missing-source.yaml", 7,
         "'absent.txt'"),
    # references/bibliography.py and references/style.py
    Site("file.not-regular", "project_files.py:_not_regular", "bibliography/folder.bib", 1, "this is a folder"),
    Site("bib.encoding", "references/text_encoding.py:decode_bib", "bibliography/latin-1.bib", 2, "not UTF-8"),
    Site("bib.undefined-macro", "references/bibliography.py:_macro_warnings", "bibliography/x-problems.bib", 18,
         "'undefinedmacro'"),
    Site("bib.syntax", "references/bibliography.py:_syntax_error", "bibliography/x-problems.bib", 1, "'broken2020'"),
    Site("bib.duplicate-key", "references/bibliography.py:_duplicate_error", "bibliography/x-problems.bib", 13,
         "'Alexander2021coproduction'"),
    Site("bib.duplicate-field", "references/bibliography.py:_build_entry", "bibliography/z-fields.bib", 1,
         "'title' appears twice"),
    Site("bib.invalid-name", "references/bibliography.py:_build_entry", "bibliography/z-fields.bib", 9,
         "Too many commas"),
    Site("bib.unknown-type", "references/bibliography.py:_type_warnings", "bibliography/x-problems.bib", 18,
         "'@online'"),
    Site("bib.biblatex-field", "references/bibliography.py:_map_biblatex_fields", "bibliography/x-problems.bib", 18,
         "'journaltitle'"),
    Site("bib.incomplete-entry", "references/style.py:incomplete_entry", "bibliography/z-fields.bib", 16,
         "no 'journal' field"),
    # papers/model.py and papers/embed.py
    Site("paper.encoding", "papers/model.py:load_paper", "content/papers/latin-1.md", 1, "not UTF-8"),
    Site("paper.no-front-matter", "papers/model.py:parse_paper", "content/papers/no-front-matter.md", 1, "'---'"),
    Site("id.reserved", "papers/model.py:_check_slug", "content/papers/index.md", 1, "papers listing"),
    Site("paper.not-slug", "papers/model.py:_check_slug", "content/papers/Not_A_Slug.md", 1, "'Not_A_Slug'"),
    Site("yaml.not-mapping", "papers/model.py:_validate", "content/papers/list-front-matter.md", 2, "front matter"),
    Site("paper.unknown-record", "papers/embed.py:check_embed", "content/papers/embeds.md", 12,
         "'turley-staff-continuty'"),
    Site("paper.bad-embed", "papers/embed.py:check_embed", "content/papers/embeds.md", 14, "line of its own"),
    Site("paper.bad-embed", "papers/embed.py:check_embed", "content/papers/embeds.md", 16, "is not an embed"),
    Site("paper.unknown-key", "papers/embed.py:check_citations", "content/papers/embeds.md", 18, "@turley2021"),
    # authoring/fmt.py, through `synth fmt` on the same planted files
    Site("fmt.not-a-record", "authoring/fmt.py:format_file", "content/barriers/stray.yml", 1, "not a record file",
         "fmt"),
    Site("yaml.encoding", "authoring/fmt.py:format_file", "content/findings/latin-1.yaml", 1, "not UTF-8", "fmt"),
    Site("yaml.not-mapping", "authoring/fmt.py:_read", "content/findings/not-a-mapping.yaml", 1, "mapping of fields",
         "fmt"),
    # records/rules.py, records/consistency.py
    Site("evidence.no-evaluation", "records/rules.py:check_study_evaluation",
         "content/studies/practice-unevaluated.yaml", 4, "needs an 'evaluation' status"),
    Site("evidence.evaluation-mismatch", "records/rules.py:check_study_evaluation",
         "content/studies/research-with-status.yaml", 5, "only a practice example or proposal"),
    Site("confidence.inconsistent", "records/consistency.py:check_overall", "content/findings/off-path-rating.yaml", 14,
         "departs from the usual"),
    Site("confidence.repeated-explanation", "records/consistency.py:check_repeated_explanations",
         "content/findings/shared-explanation.yaml", 9, "the same words explain"),
    Site("schema.control-character", "records/validate.py:schema_diagnostic",
         "content/barriers/control-character.yaml", 2, "control character U+0000"),
    Site("yaml.too-deep", "records/yaml_values.py:build", "content/findings/too-deep.yaml", 1, "nested more than"),
    # project_files.py
    Site("file.unreadable", "project_files.py:_unreadable", "bibliography/dangling.bib", 1, "the link points"),
    Site("file.outside-project", "project_files.py:_outside", "content/findings/outside.yaml", 1,
         "outside the project"),
    Site("content.stray-file", "project_files.py:_suffix_problem", "content/findings/extra.YAML", 1, "in lower case"),
    # references/bibliography.py
    Site("bib.crossref-cycle", "references/bibliography.py:_cycle_error", "bibliography/x-problems.bib", 26,
         "crossref cycle"),
    # papers/limits.py
    Site("paper.too-deep", "papers/limits.py:_too_deep", "content/papers/asks-too-much.md", 12, "blockquotes nested"),
    Site("paper.too-large", "papers/limits.py:too_large", "content/papers/asks-too-much.md", 14, "colspan=5000"),
    Site("paper.unsafe-html", "papers/limits.py:unsafe", "content/papers/asks-too-much.md", 16, "<script>"),
    Site("page.unsafe-html", "papers/limits.py:unsafe", "docs/unsafe.md", 3, "event-handler attribute"),
]

ELSEWHERE = {
    "authoring/fmt.py:format_text fmt.unsafe": "a safety net: no input is known to make formatting change a value",
    "authoring/fmt.py:_ruamel_load yaml.syntax": "a safety net: the file has already been read by synth's loader",
    "authoring/imports/bibtex.py:read_entries bib.syntax": "`synth import bibtex`: tests/test_import_bibtex.py",
    "authoring/imports/bibtex.py:_same_key import.duplicate": "`synth import bibtex`: tests/test_import_bibtex.py",
    "authoring/imports/bibtex.py:_same_key import.conflict": "`synth import bibtex`: tests/test_import_bibtex.py",
    "authoring/imports/bibtex.py:_same_doi import.duplicate": "`synth import bibtex`: tests/test_import_bibtex.py",
    "authoring/imports/bibtex.py:create_stubs import.unknown-key": "`synth import bibtex`: tests/test_import_bibtex.py",
    "authoring/imports/bibtex.py:create_stubs import.already-cited":
        "`synth import bibtex`: tests/test_import_bibtex.py",
    "authoring/imports/eppi.py:_kept_whole import.name-kept-whole": "`synth import eppi`: tests/test_import_eppi.py",
    "authoring/imports/eppi.py:_plan_studies import.already-cited": "`synth import eppi`: tests/test_import_eppi.py",
    "papers/pdf.py:unknown paper.unknown-key": "`synth pdf`: tests/test_papers_command.py",
    "site/resolver.py:unknown bib.unknown-key": "citations in hand-written pages, at site build: "
                                               "tests/test_render_resolver.py",
    "authoring/fmt.py:format_text fmt.comment-lost": "`synth fmt`: tests/test_fmt_hostile.py",
    "authoring/imports/bibtex.py:_not_carried import.not-carried":
        "`synth import bibtex`: tests/test_import_bibtex_hostile.py",
    "authoring/imports/bibtex.py:_undefined_macros bib.undefined-macro":
        "`synth import bibtex`: tests/test_import_bibtex_hostile.py",
    "authoring/imports/bibtex.py:read_bib_file import.encoding":
        "`synth import bibtex`: tests/test_import_bibtex_hostile.py",
    "authoring/imports/eppi_export.py:_bad_code import.bad-export":
        "`synth import eppi`: tests/test_import_eppi_malformed.py",
    "authoring/imports/eppi_export.py:_bad_item import.bad-export":
        "`synth import eppi`: tests/test_import_eppi_malformed.py",
    "authoring/imports/eppi_export.py:read_export import.bad-export":
        "`synth import eppi`: tests/test_import_eppi_malformed.py",
    "papers/limits.py:handle_starttag paper.too-deep": "deeply nested raw HTML in a paper: tests/test_papers_limits.py",
    "papers/pdf.py:render_paper_pdf paper.pdf-failed": "the PDF step of a build: tests/test_papers_limits.py",
    "project_files.py:_too_large file.too-large": "a file over 4 MiB, not kept in git: tests/test_project_files.py",
    "records/review.py:overdue_reviews record.review-overdue":
        "needs --review-age: tests/test_cli.py, tests/test_history.py",
    "references/text_encoding.py:_refused bib.encoding": "a .bib in no known encoding: tests/test_bibliography.py",
}
"""Reporting sites outside `synth check` and `synth fmt`, with the test file that exercises them or why none can."""


def reporting_sites() -> Iterator[str]:
    """``module:function code`` for each `Diagnostic(...)` (or loader problem) in synth/ with a literal code."""
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(PACKAGE).as_posix()
        yield from _calls(ast.parse(path.read_text(encoding="utf-8")), module, "<module>")


def plain_name(name: str) -> str:
    """A function's own name, also in a copy of synth/ made for mutation testing (``x_name__mutmut_orig``)."""
    match = re.fullmatch(r"x(?:_|ǁ\w+ǁ)(\w+?)__mutmut_\w+", name)
    return match.group(1) if match else name


def _calls(node: ast.AST, module: str, function: str) -> Iterator[str]:
    for child in ast.iter_child_nodes(node):
        inner = plain_name(child.name) if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
        if isinstance(child, ast.Call):
            name = getattr(child.func, "id", getattr(child.func, "attr", ""))
            arguments = [k.value for k in child.keywords if k.arg == "code"]
            if name == "Diagnostic" or name.endswith(("Error", "Problem")):
                arguments += child.args[:1]
            for argument in arguments:
                if isinstance(argument, ast.Constant) and CODE.match(str(argument.value)):
                    yield f"{module}:{function} {argument.value}"
                elif isinstance(argument, ast.JoinedStr) and isinstance(argument.values[0], ast.Constant) \
                        and re.fullmatch(r"[a-z]+\.[a-z-]*", str(argument.values[0].value)):
                    yield f"{module}:{function} {argument.values[0].value}*"
        yield from _calls(child, module, inner)


@pytest.fixture(scope="module")
def checked() -> CheckResult:
    """The broken tree, checked once with its sources."""
    return check_project(BROKEN, sources=BROKEN / "sources")


def reported(site: Site, checked: CheckResult) -> list[Diagnostic]:
    if site.command == "fmt":
        diagnostic = format_file(BROKEN / site.path, site.path).diagnostic
        return [diagnostic] if diagnostic is not None else []
    return list(checked.diagnostics)


@pytest.mark.parametrize("site", SITES, ids=lambda site: f"{site.code}@{site.path}:{site.line}")
def test_each_reporting_site_reports_its_planted_case(site: Site, checked: CheckResult) -> None:
    """The planted file gives the site's code at its line, with the message that names this site."""
    found = [d for d in reported(site, checked) if d.code == site.code and d.location.path == site.path
             and d.location.line in (site.line, None) and site.message in d.message]
    assert found, f"{site.reporter} did not report {site.code} at {site.path}:{site.line}"


def test_every_reporting_site_in_synth_has_a_planted_case() -> None:
    """A new `Diagnostic(...)` in synth/ needs a row above (and a planted file), or a reason in ELSEWHERE."""
    planted = {f"{site.reporter} {site.code}" for site in SITES}
    covered = planted | set(ELSEWHERE)
    sites = set(reporting_sites())
    missing = sorted(site for site in sites if not any(
        re.fullmatch(re.escape(site).replace(r"\*", "[a-z-]+"), known) for known in covered))
    assert missing == []
    stale = sorted(known for known in covered if not any(
        re.fullmatch(re.escape(site).replace(r"\*", "[a-z-]+"), known) for site in sites))
    assert stale == [], "rows naming a site that no longer reports that code"


def test_the_scan_sees_sites_of_one_code_apart() -> None:
    """The scan tells apart the loader's three `yaml.not-mapping` sites and finds the f-string code of _unknown."""
    sites = set(reporting_sites())
    assert {"records/load.py:read_yaml_bytes yaml.not-mapping", "records/yaml_values.py:parse_yaml yaml.not-mapping",
            "records/load.py:_themes_of yaml.not-mapping", "records/link.py:_unknown ref.unknown-*"} <= sites


@pytest.mark.parametrize("kind", ["finding", "barrier", "facilitator"])
def test_an_unknown_theme_is_reported_for_every_kind_that_names_themes(kind: str, checked: CheckResult) -> None:
    """Each record kind with a `themes` list has its own planted unknown theme, reported at its file."""
    folder = {"finding": "findings", "barrier": "barriers", "facilitator": "facilitators"}[kind]
    assert any(d.code == "ref.unknown-theme" and d.location.path.startswith(f"content/{folder}/")
               for d in checked.diagnostics)


def test_the_planted_files_exist() -> None:
    """Every row names a file of the broken tree."""
    assert [site.path for site in SITES if not (BROKEN / site.path).exists()
            and not (BROKEN / site.path).is_symlink()] == []  # A dangling link is a planted case too.
