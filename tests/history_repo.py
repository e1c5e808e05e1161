"""A small knowledge base with a real git history: three commits and two release tags, made in a temporary folder.

v0.1.0 holds one study, two findings, a barrier and a facilitator. The next commit lowers the staff-continuity
finding from moderate to low (so the barrier it supports is lowered too), rewords the other finding and links it
to a theme. The commit tagged v0.2.0 adds a finding rated high for the facilitator (raising it) and a reference.
Every date is fixed, so commit ids, and the golden files that show them, are the same on every machine.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

STUDY = """\
title: Delivering neighbourhood policing in partnership
cite: turley2012
design: qualitative-case-studies
evidence_kind: evaluated-research
summary: Case studies of six areas delivering neighbourhood policing with partners.
appraisal:
  strengths: Six areas studied in depth.
  limitations: Only the published summary is available.
"""
FINDING = """\
study: turley-2012
title: A finding about staff continuity
statement: {statement}
evidence:
  - quote: "a lack of staff continuity."
    locator: "Barriers"
{links}
confidence:
  methodological_limitations: {{concern: minor, explanation: Summary only.}}
  coherence: {{concern: no-or-very-minor}}
  adequacy: {{concern: {adequacy}, explanation: A bullet point.}}
  relevance: {{concern: no-or-very-minor}}
  overall: {{rating: {rating}, explanation: Weighed from the four components.}}
"""
FACTOR = """\
name: {name}
summary: {summary}
what_to_do: Plan for it from the start.
themes: [partnership-working]
"""
THEMES = """\
partnership-working:
  name: Partnership working
  description: How agencies and residents work together.
"""
REFERENCES = """\
@techreport{turley2012,
  author = {Turley, Carol and Kerr, Jane},
  title = {Delivering neighbourhood policing in partnership},
  institution = {Home Office},
  year = {2012},
}
"""
SECOND_REFERENCE = """
@book{bovaird2009,
  author = {Bovaird, Tony and Loeffler, Elke},
  title = {User and community co-production of public services},
  publisher = {Governance International},
  year = {2009},
}
"""
NAME, EMAIL = "Test Reviewer", "reviewer@example.org"
"""Who makes every commit: set in the repository's config and, so the environment cannot override it, in git's."""
MKDOCS = """\
site_name: History example
strict: true
theme:
  name: material
plugins:
  - search
  - synth:
      paper_pdfs: false
"""


def finding(statement: str, links: str, rating: str, adequacy: str = "moderate") -> str:
    """A finding's YAML."""
    return FINDING.format(statement=statement, links=links, rating=rating, adequacy=adequacy)


def git(repo: Path, *args: str, when: str = "2026-01-10T09:00:00+00:00") -> str:
    """Run git in ``repo`` with fixed author and committer dates; the output."""
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_CONFIG_GLOBAL": os.devnull, **{f"GIT_{who}_{what}": value for who in ("AUTHOR", "COMMITTER")
                                               for what, value in (("NAME", NAME), ("EMAIL", EMAIL))}}
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


def write(repo: Path, files: dict[str, str]) -> None:
    """Write files under ``repo``."""
    for path, text in files.items():
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(text, encoding="utf-8")


def make_history_repo(repo: Path) -> Path:
    """Create the example repository in ``repo`` and return it."""
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    for key, value in (("user.name", NAME), ("user.email", EMAIL),
                       ("commit.gpgsign", "false"), ("tag.gpgsign", "false")):
        git(repo, "config", key, value)
    write(repo, {
        "mkdocs.yml": MKDOCS, "docs/about.md": "# About\n\nAn example.\n",
        "bibliography/refs.bib": REFERENCES, "content/themes.yaml": THEMES,
        "content/studies/turley-2012.yaml": STUDY,
        "content/findings/turley-staff-continuity.yaml": finding(
            "A lack of staff continuity made partnership working harder.",
            "barriers: [lack-of-staff-continuity]", "moderate"),
        "content/findings/turley-independent-manager.yaml": finding(
            "An independent neighbourhood manager earns trust.",
            "facilitators: [independent-neighbourhood-manager]", "moderate"),
        "content/barriers/lack-of-staff-continuity.yaml": FACTOR.format(
            name="Lack of staff continuity", summary="Staff changes break working relationships."),
        "content/facilitators/independent-neighbourhood-manager.yaml": FACTOR.format(
            name="An independent neighbourhood manager", summary="A manager seen as independent of any agency."),
    })
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Add the first evidence from Turley 2012")
    git(repo, "tag", "-a", "v0.1.0", "-m", "First release")
    when = "2026-02-03T10:30:00+00:00"
    write(repo, {
        "content/findings/turley-staff-continuity.yaml": finding(
            "A lack of staff continuity made partnership working harder.",
            "barriers: [lack-of-staff-continuity]", "low", adequacy="serious"),
        "content/findings/turley-independent-manager.yaml": finding(
            "A neighbourhood manager seen to act independently earns partners' trust.",
            "facilitators: [independent-neighbourhood-manager]\nthemes: [partnership-working]", "moderate"),
    })
    git(repo, "commit", "-q", "-a", "-m", "Lower staff continuity to low: one bullet point is thin data", when=when)
    when = "2026-03-01T08:00:00+00:00"
    write(repo, {
        "content/findings/turley-manager-trusted-by-partners.yaml": finding(
            "Partners trusted a manager who represented community interests.",
            "facilitators: [independent-neighbourhood-manager]", "high", adequacy="no-or-very-minor"),
        "bibliography/refs.bib": REFERENCES + SECOND_REFERENCE,
    })
    git(repo, "add", "-A", when=when)
    git(repo, "commit", "-q", "-m", "Add the finding on trust in the manager", when=when)
    git(repo, "tag", "-a", "v0.2.0", "-m", "Second release", when=when)
    return repo
