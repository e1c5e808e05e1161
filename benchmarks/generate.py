"""A generated synth project that looks like a real knowledge base, at any number of records.

Record counts per kind, each field's length and each list's length are sampled from this repository's own
records (`kb_profile`); text comes from a bigram model of real writing and quotations are cut verbatim from
the source documents (`text_model`); the bibliography is real BibTeX (`bib_corpus`). Ids are slugs of a few
real words. Every barrier, facilitator and outcome has a finding; ratings follow the review's usual path, so
the project checks without errors. Records are written one at a time: nothing holds the whole project.
"""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Any

import yaml
from bib_corpus import SIMPLE_KEY, write_bibliography
from kb_profile import COMPONENTS, FOLDERS, REPOSITORY, Profile
from text_model import TextModel, slug

from synth.records.consistency import usual_rating
from synth.records.schema import ACTORS

NAV = [{"Home": "index.md"}, {"What helps": "facilitators/index.md"}, {"What gets in the way": "barriers/index.md"},
       {"What it achieves": "outcomes/index.md"}, {"What confidence means": "confidence.md"},
       {"Studies": "studies/index.md"}, {"Findings": "findings/index.md"}, {"Evidence matrix": "matrix.md"},
       {"Themes": "themes.md"}, {"References": "references.md"}, {"Papers": "papers/index.md"},
       {"Open data": "downloads.md"}, {"About this knowledge base": "about.md"}]
"""The repository's own menu, less the contributor guide and the history of changes (no git here)."""


TABLE_LIMIT = 200
"""A paper embeds the whole table of barriers and of facilitators (as one of the repository's does) only up to
this many barriers: nobody prints a thousand-row table, and its PDF takes synth's renderer past its limit."""


def real_config() -> dict[str, Any]:
    """The repository's mkdocs.yml: its theme and Markdown extensions are what both benchmark sites use."""
    text = (REPOSITORY / "mkdocs.yml").read_text(encoding="utf-8")
    return dict(yaml.safe_load(text))


def write_yaml(path: Path, data: dict[str, Any]) -> None:
    """Write one record as YAML, as a person would (keys in schema order, long text folded)."""
    path.write_text(yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=110),
                    encoding="utf-8")


class Generator:
    """Writes one project; holds only ids, never records."""

    def __init__(self, profile: Profile, model: TextModel, seed: int) -> None:
        self.profile, self.model, self.rng = profile, model, random.Random(seed)
        self.used: set[str] = set()

    def words(self, folder: str, path: str) -> int:
        """A real record's length for this field."""
        return self.rng.choice(self.profile.words[(folder, path)] or [10])

    def length(self, folder: str, name: str) -> int:
        """A real record's length for this list."""
        return self.rng.choice(self.profile.lengths[(folder, name)] or [0])

    def has(self, folder: str, path: str) -> bool:
        """Whether this record has the optional field, as often as real ones do."""
        return self.rng.random() < self.profile.present[(folder, path)]

    def unique(self, base: str) -> str:
        """``base``, or ``base-2``, ``base-3``...: an id not yet used."""
        candidate, number = base, 1
        while candidate in self.used or candidate in ("index", "new"):
            number += 1
            candidate = f"{base}-{number}"
        self.used.add(candidate)
        return candidate

    def text(self, folder: str, path: str) -> str:
        return self.model.text(self.words(folder, path))

    def keywords(self, folder: str) -> list[str]:
        found = {self.model.keyword(self.rng.choice(self.profile.keyword_words or [1]))
                 for _ in range(self.length(folder, "keywords"))}
        return sorted(found)

    def themes(self, folder: str, themes: list[str]) -> list[str]:
        return sorted(set(self.rng.choices(themes, k=max(1, self.length(folder, "themes")))))


def counts(profile: Profile, records: int) -> dict[str, int]:
    """Records of each kind in the real proportions, at least one each, adding up to ``records``."""
    total = sum(profile.counts.values())
    n = {folder: max(1, round(records * profile.counts[folder] / total)) for folder in FOLDERS}
    n["findings"] = max(1, records - sum(v for k, v in n.items() if k != "findings"))
    return n


def theme_count(profile: Profile, records: int) -> int:
    """The real number of themes, growing with the square root of the records beyond it (50 at 10,000)."""
    return max(profile.themes, round(math.sqrt(records) / 2))


def write_themes(gen: Generator, path: Path, wanted: int) -> list[str]:
    real = yaml.safe_load((REPOSITORY / "content" / "themes.yaml").read_text(encoding="utf-8"))
    themes = dict(real)
    while len(themes) < wanted:
        name = gen.model.phrase(gen.rng.randint(2, 4))
        themes[gen.unique(slug(name, 4))] = {"name": name, "description": gen.model.text(gen.rng.randint(10, 25))}
    write_yaml(path, themes)
    return list(themes)


def study(gen: Generator, key: str) -> tuple[str, dict[str, Any]]:
    """A study citing ``key``, with a real study's design, kind of evidence and evaluation status."""
    design, kind, evaluation = gen.rng.choice(gen.profile.study_kinds)
    title = gen.model.phrase(gen.words("studies", "title"))
    year = gen.rng.choice(gen.profile.years) - gen.rng.randint(0, 15)
    record: dict[str, Any] = {"title": title, "cite": key, "design": design, "evidence_kind": kind}
    if evaluation:
        record["evaluation"] = evaluation
    for name in ("setting", "country", "year", "participants"):
        if name == "setting" and gen.has("studies", "setting"):
            record["setting"] = gen.text("studies", "setting")
        elif name == "country":
            record["country"] = gen.rng.choice(gen.profile.countries)
        elif name == "year":
            record["year"] = year
        elif name == "participants" and gen.has("studies", "participants"):
            record["participants"] = gen.text("studies", "participants")
    record["summary"] = gen.text("studies", "summary")
    record["appraisal"] = {"strengths": gen.text("studies", "appraisal.strengths"),
                           "limitations": gen.text("studies", "appraisal.limitations")}
    return gen.unique(f"{slug(title, 3)}-{year}"), record


def factor(gen: Generator, folder: str, themes: list[str]) -> tuple[str, dict[str, Any]]:
    """A barrier, facilitator or outcome with real lengths."""
    name = gen.model.phrase(gen.words(folder, "name"))
    record: dict[str, Any] = {"name": name, "summary": gen.text(folder, "summary")}
    if folder == "outcomes":
        basis, direction = gen.rng.choice(gen.profile.outcome_values)
        record |= {"for_whom": gen.model.phrase(gen.words(folder, "for_whom")), "basis": basis,
                   "direction": direction}
    else:
        record["what_to_do"] = gen.text(folder, "what_to_do")
    record["themes"] = gen.themes(folder, themes)
    if folder != "outcomes":
        record["who_can_act"] = sorted(gen.rng.sample(ACTORS, max(1, gen.length(folder, "who_can_act"))))
    if keywords := gen.keywords(folder):
        record["keywords"] = keywords
    return gen.unique(slug(name, 6)), record


def finding(gen: Generator, study_id: str, links: dict[str, list[str]], themes: list[str]) -> tuple[str, dict]:
    """A finding of ``study_id`` linked to ``links``, with verbatim quotations and a CERQual assessment."""
    title = gen.model.phrase(gen.words("findings", "title"))[:90].rsplit(" ", 1)[0].rstrip(",;:")
    evidence = [{"quote": gen.model.quote(gen.rng.choice(gen.profile.quote_words)),
                 "locator": gen.rng.choice(gen.profile.locators)}
                for _ in range(max(1, gen.length("findings", "evidence")))]
    concerns = gen.rng.choice(gen.profile.concern_profiles)
    confidence: dict[str, Any] = {}
    for component, concern in zip(COMPONENTS, concerns, strict=True):
        explanation = gen.text("findings", f"confidence.{component}.explanation")
        confidence[component] = {"concern": concern, "explanation": explanation}
    confidence["overall"] = {"rating": usual_rating(concerns),
                             "explanation": gen.text("findings", "confidence.overall.explanation")}
    record: dict[str, Any] = {"study": study_id, "title": title, "statement": gen.text("findings", "statement"),
                              "evidence": evidence}
    record |= {kind: sorted(ids) for kind, ids in links.items() if ids}
    record["themes"] = gen.themes("findings", themes)
    if keywords := gen.keywords("findings"):
        record["keywords"] = keywords
    record["confidence"] = confidence
    return gen.unique(f"{study_id.split('-')[0]}-{slug(title, 5)}"), record


def make_project(root: Path, records: int, bib_entries: int, seed: int, profile: Profile, model: TextModel,
                 synth_options: dict[str, Any] | None = None) -> dict[str, int]:
    """Write a whole project in ``root``; return the number of records of each kind."""
    gen = Generator(profile, model, seed)
    content = root / "content"
    for folder in (*FOLDERS, "papers"):
        (content / folder).mkdir(parents=True, exist_ok=True)
    n = counts(profile, records)
    keys = write_bibliography(root / "bibliography", max(bib_entries, n["studies"]), seed)
    themes = write_themes(gen, content / "themes.yaml", theme_count(profile, records))
    studies = []
    for index in range(n["studies"]):
        study_id, record = study(gen, keys[index])
        write_yaml(content / "studies" / f"{study_id}.yaml", record)
        studies.append(study_id)
    factors: dict[str, list[str]] = {}
    for folder in ("barriers", "facilitators", "outcomes"):
        factors[folder] = []
        for _ in range(n[folder]):
            factor_id, record = factor(gen, folder, themes)
            write_yaml(content / folder / f"{factor_id}.yaml", record)
            factors[folder].append(factor_id)
    every_factor = [(folder, f) for folder, ids in factors.items() for f in ids]
    weights = [gen.rng.choice(profile.findings_per_study) for _ in studies]
    finding_ids = []
    for index in range(n["findings"]):
        study_id = studies[index] if index < len(studies) else gen.rng.choices(studies, weights)[0]
        links = {folder: set(gen.rng.sample(ids, min(len(ids), gen.length("findings", folder))))
                 for folder, ids in factors.items()}
        if index < len(every_factor):  # every barrier, facilitator and outcome gets a finding
            links[every_factor[index][0]].add(every_factor[index][1])
        finding_id, record = finding(gen, study_id, {k: sorted(v) for k, v in links.items()}, themes)
        write_yaml(content / "findings" / f"{finding_id}.yaml", record)
        finding_ids.append(finding_id)
    write_papers(gen, content / "papers", [k for k in keys if SIMPLE_KEY.match(k)], factors, finding_ids)
    write_site_files(gen, root, synth_options or {})
    return n


def write_papers(gen: Generator, folder: Path, keys: list[str], factors: dict[str, list[str]],
                 findings: list[str]) -> None:
    """Three papers, as the repository has: sections of text citing references and embedding records."""
    real_sizes = sorted(p.stat().st_size for p in (REPOSITORY / "content" / "papers").glob("*.md"))
    embeds = [("finding", findings), ("barrier", factors["barriers"]), ("facilitator", factors["facilitators"])]
    for number, size in enumerate(real_sizes or [12000]):
        title = gen.model.phrase(gen.rng.randint(8, 16))
        front = {"title": title, "authors": [{"name": "Benchmark Evidence Review"}], "date": "2026-11-22",
                 "abstract": gen.model.text(gen.rng.randint(60, 110)), "status": "draft", "version": "0.1"}
        body = [f"---\n{yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=110)}---\n"]
        if number == 1 and len(factors["barriers"]) <= TABLE_LIMIT:
            body.append("## The barriers and facilitators at a glance\n\n[[table:barriers]]\n\n"
                        "[[table:facilitators]]\n")
        while sum(len(part.encode()) for part in body) < size:
            body.append(f"## {gen.model.phrase(gen.rng.randint(2, 6))}\n")
            for _ in range(gen.rng.randint(2, 4)):
                cited = "; ".join(f"@{k}" for k in gen.rng.sample(keys, min(len(keys), gen.rng.randint(1, 3))))
                body.append(f"{gen.model.text(gen.rng.randint(40, 120))} [{cited}]\n")
            kind, ids = gen.rng.choice(embeds)
            if ids:
                body.append(f"*Drawing on:* [[{kind}:{gen.rng.choice(ids)}]]; [[{kind}:{gen.rng.choice(ids)}]].\n")
        (folder / f"{slug(title, 4)}.md").write_text("\n".join(body), encoding="utf-8")


def write_site_files(gen: Generator, root: Path, synth_options: dict[str, Any]) -> None:
    """docs/about.md and mkdocs.yml with the repository's theme, extensions and menu (not strict)."""
    (root / "docs").mkdir(exist_ok=True)
    about = "\n\n".join(gen.model.text(gen.rng.randint(50, 120)) for _ in range(4))
    (root / "docs" / "about.md").write_text(f"# About this knowledge base\n\n{about}\n", encoding="utf-8")
    real = real_config()
    config = {"site_name": "Benchmark knowledge base", "docs_dir": "docs", "theme": real["theme"],
              "plugins": ["search", {"synth": synth_options} if synth_options else "synth"],
              "markdown_extensions": real["markdown_extensions"], "nav": NAV}
    write_yaml(root / "mkdocs.yml", config)
