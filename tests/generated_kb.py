"""A generated knowledge base of any size, for tests that need many records: valid, readable, the same every time.

`make_knowledge_base(root, records)` writes `content/`, `bibliography/`, `docs/` and `mkdocs.yml` into
``root``: studies, findings, barriers, facilitators and outcomes in about the proportions of a real review,
linked to each other, with themes, ratings and "who can act" drawn from a seeded random generator. Sentences
come from a vocabulary of neighbourhood-safety words; each of the first 160 barriers' summaries names a town no
other record names, so a search for that town has one right answer. It returns what it wrote, for tests to compare with.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

SHARES = {"studies": 0.10, "findings": 0.66, "barriers": 0.08, "facilitators": 0.10, "outcomes": 0.06}
THEMES = {"partnership-working": "Partnership working", "trust-and-legitimacy": "Trust and legitimacy",
          "engagement": "Engagement and representation", "resources": "Resources and continuity",
          "information-sharing": "Information sharing", "young-people": "Young people"}
RATINGS = ("high", "moderate", "low", "very-low")
RATING_LABELS = {"high": "High", "moderate": "Moderate", "low": "Low", "very-low": "Very low"}
PROFILES = {"high": ("no-or-very-minor", "minor", "no-or-very-minor", "minor"),
            "moderate": ("moderate", "minor", "no-or-very-minor", "minor"),
            "low": ("serious", "minor", "moderate", "no-or-very-minor"),
            "very-low": ("serious", "serious", "minor", "moderate")}
"""For each overall rating, component concerns that this review's usual path turns into that rating."""
COMPONENTS = ("methodological_limitations", "coherence", "adequacy", "relevance")
ACTORS = ("police", "council", "community-safety-partnership", "voluntary-sector", "residents")
WORDS = ("residents", "police", "council", "neighbourhood", "partnership", "officers", "community", "safety",
         "trust", "meetings", "priorities", "volunteers", "funding", "staff", "housing", "estate", "panel", "street",
         "reporting", "manager", "agencies", "services", "information", "local", "young", "people", "engagement",
         "continuity", "leadership", "feedback", "problems", "patrols", "visible", "online", "networks", "decisions",
         "budget", "shared", "aims", "independent", "small", "grants", "training", "confidence", "practical",
         "support", "evaluation", "survey", "interviews", "tenants", "landlords", "schools", "parks", "lighting",
         "graffiti", "burglary", "noise", "parking", "shops", "buses", "library", "wardens", "mediators", "faith",
         "groups", "youth", "clubs", "elders", "carers", "migrants", "language", "translation", "newsletters",
         "website", "phone", "letters", "doorstep", "listening", "respect", "fairness", "delay", "handover",
         "turnover", "contracts", "commissioning", "targets", "paperwork", "consultation", "agenda", "minutes")
TOWNS = ("Abingdon", "Accrington", "Aldershot", "Alnwick", "Andover", "Arundel", "Ashbourne", "Ashford", "Aylesbury",
         "Bakewell", "Banbury", "Barnstaple", "Basildon", "Basingstoke", "Bedford", "Beverley", "Bexhill", "Bicester",
         "Bideford", "Blyth", "Bodmin", "Bognor", "Boston", "Bourne", "Bracknell", "Braintree", "Bridgwater",
         "Bridlington", "Bridport", "Brigg", "Buckingham", "Bude", "Burnley", "Buxton", "Camborne", "Cannock",
         "Carnforth", "Chard", "Chatham", "Chesham", "Chichester", "Chippenham", "Chorley", "Cirencester", "Clacton",
         "Clitheroe", "Colchester", "Congleton", "Corby", "Crawley", "Crewe", "Cromer", "Darlington", "Dartford",
         "Daventry", "Dawlish", "Deal", "Devizes", "Didcot", "Dorchester", "Dorking", "Dover", "Droitwich",
         "Dudley", "Dunstable", "Eastleigh", "Ely", "Epsom", "Evesham", "Exmouth", "Fakenham", "Falmouth",
         "Fareham", "Faversham", "Felixstowe", "Fleetwood", "Folkestone", "Frome", "Gainsborough", "Glossop",
         "Godalming", "Goole", "Grantham", "Gravesend", "Guisborough", "Halesowen", "Halstead", "Harlow",
         "Harwich", "Haslemere", "Hastings", "Haverhill", "Helston", "Hexham", "Hinckley", "Hitchin", "Holsworthy",
         "Horsham", "Huntingdon", "Ilkeston", "Ilfracombe", "Ipswich", "Keswick", "Kettering", "Kidderminster",
         "Kingsbridge", "Knutsford", "Launceston", "Ledbury", "Leek", "Leominster", "Lewes", "Lichfield",
         "Liskeard", "Loughborough", "Louth", "Ludlow", "Lydney", "Lymington", "Macclesfield", "Maldon",
         "Malvern", "Margate", "Market Harborough", "Marlborough", "Matlock", "Melksham", "Midhurst", "Minehead",
         "Morpeth", "Nantwich", "Newark", "Newbury", "Newquay", "Northallerton", "Nuneaton", "Oakham", "Okehampton",
         "Ormskirk", "Oswestry", "Penrith", "Penzance", "Pershore", "Petersfield", "Pickering", "Redruth",
         "Retford", "Richmond", "Ripon", "Romsey", "Ross", "Rugby", "Rye", "Saffron Walden", "Salisbury")


@dataclass
class GeneratedKnowledgeBase:
    """What the generator wrote: every record's data by folder and id, and the town each barrier names."""

    records: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    towns: dict[str, str] = field(default_factory=dict)

    def filter_values(self, folder: str, record_id: str) -> dict[str, set[str]]:
        """The theme and confidence labels a record's page should be found by, worked out from the records."""
        record = self.records[folder][record_id]
        findings = self.records["findings"]
        if folder == "findings":
            linked = [record]
        elif folder == "studies":
            linked = [f for f in findings.values() if f["study"] == record_id]
        else:
            linked = [f for f in findings.values() if record_id in f[folder]]
        themes = {t for f in linked for t in f["themes"]} if folder == "studies" else set(record["themes"])
        ratings = [f["confidence"]["overall"]["rating"] for f in linked]
        best = {RATING_LABELS[min(ratings, key=RATINGS.index)]} if ratings else set()
        return {"theme": {THEMES[t] for t in themes}, "confidence": best}


def sentence(rng: random.Random, words: int) -> str:
    """A sentence of ``words`` words from the vocabulary."""
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random, sentences: int) -> str:
    """A few sentences of eight to sixteen words."""
    return " ".join(sentence(rng, rng.randint(8, 16)) for _ in range(sentences))


def make_knowledge_base(root: Path, records: int, seed: int = 1) -> GeneratedKnowledgeBase:
    """Write a knowledge base of about ``records`` records into ``root``; return what was written."""
    rng = random.Random(seed)
    counts = {folder: max(1, round(records * share)) for folder, share in SHARES.items()}
    ids = {folder: [f"{folder[:-1]}-{index:04d}" for index in range(count)] for folder, count in counts.items()}
    kb = GeneratedKnowledgeBase({folder: {} for folder in SHARES})
    for index, study in enumerate(ids["studies"]):
        kb.records["studies"][study] = {
            "title": sentence(rng, 7).rstrip("."), "cite": f"study{index}", "design": "interviews",
            "evidence_kind": "evaluated-research", "setting": sentence(rng, 5), "country": "England",
            "year": rng.randint(1995, 2024), "participants": sentence(rng, 6), "summary": paragraph(rng, 2),
            "appraisal": {"strengths": paragraph(rng, 1), "limitations": paragraph(rng, 1)}}
    for folder in ("barriers", "facilitators"):
        for index, factor in enumerate(ids[folder]):
            summary = paragraph(rng, 2)
            if folder == "barriers" and index < len(TOWNS):
                kb.towns[factor] = TOWNS[index]
                summary += f" Residents in {TOWNS[index]} said so."
            kb.records[folder][factor] = {
                "name": sentence(rng, 5).rstrip("."), "summary": summary, "what_to_do": paragraph(rng, 1),
                "themes": rng.sample(sorted(THEMES), rng.randint(1, 2)), "who_can_act": sorted(rng.sample(ACTORS, 2))}
    for outcome in ids["outcomes"]:
        kb.records["outcomes"][outcome] = {
            "name": sentence(rng, 4).rstrip("."), "summary": paragraph(rng, 2), "for_whom": "Residents",
            "basis": rng.choice(("observed", "perceived")), "direction": "positive",
            "themes": rng.sample(sorted(THEMES), 1)}
    factors = [(folder, factor) for folder in ("barriers", "facilitators", "outcomes") for factor in ids[folder]]
    for index, finding in enumerate(ids["findings"]):
        kb.records["findings"][finding] = finding_record(rng, ids["studies"][index % len(ids["studies"])],
                                                         factors[index % len(factors)])
    write(root, kb)
    return kb


def finding_record(rng: random.Random, study: str, factor: tuple[str, str]) -> dict[str, Any]:
    """A finding of ``study``, evidence for one barrier, facilitator or outcome, with its CERQual assessment."""
    rating = rng.choice(RATINGS)
    concerns = list(PROFILES[rating])
    rng.shuffle(concerns)
    confidence: dict[str, Any] = {component: {"concern": concern, "explanation": sentence(rng, 8)}
                                  for component, concern in zip(COMPONENTS, concerns, strict=True)}
    confidence["overall"] = {"rating": rating, "explanation": sentence(rng, 12)}
    return {
        "study": study, "title": sentence(rng, 6).rstrip("."), "statement": sentence(rng, 18),
        "evidence": [{"quote": sentence(rng, 20), "locator": f"p. {rng.randint(1, 200)}"}],
        **{folder: [factor[1]] if factor[0] == folder else [] for folder in ("barriers", "facilitators", "outcomes")},
        "themes": rng.sample(sorted(THEMES), rng.randint(1, 2)), "confidence": confidence}


def write(root: Path, kb: GeneratedKnowledgeBase) -> None:
    """The records as YAML files, a reference per study, an about page and `mkdocs.yml`."""
    content = root / "content"
    for folder, records in kb.records.items():
        (content / folder).mkdir(parents=True)
        for record_id, data in records.items():
            dump(content / folder / f"{record_id}.yaml", data)
    dump(content / "themes.yaml", {key: {"name": name, "description": f"{name}, as the studies describe it."}
                                   for key, name in THEMES.items()})
    (root / "bibliography").mkdir()
    entries = [f"@techreport{{study{index},\n  author = {{Turley, Claire}},\n  title = {{{study['title']}}},\n"
               f"  institution = {{NatCen Social Research}},\n  year = {{{study['year']}}}\n}}\n"
               for index, study in enumerate(kb.records["studies"].values())]
    (root / "bibliography" / "references.bib").write_text("\n".join(entries), encoding="utf-8")
    (root / "docs").mkdir()
    (root / "docs" / "about.md").write_text("# About\n\nA generated knowledge base for tests.\n", encoding="utf-8")
    dump(root / "mkdocs.yml", {
        "site_name": "Generated knowledge base",
        "theme": {"name": "material", "palette": [
            {"media": "(prefers-color-scheme: light)", "scheme": "default",
             "toggle": {"icon": "material/weather-night", "name": "Switch to dark mode"}},
            {"media": "(prefers-color-scheme: dark)", "scheme": "slate",
             "toggle": {"icon": "material/weather-sunny", "name": "Switch to light mode"}}]},
        "plugins": ["search", {"synth": {"paper_pdfs": False, "briefing_pdf": False, "downloads": False}}],
        "nav": [{"Home": "index.md"}, {"What helps": "facilitators/index.md"},
                {"What gets in the way": "barriers/index.md"}, {"Studies": "studies/index.md"},
                {"Findings": "findings/index.md"}, {"About": "about.md"}]})


def dump(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` as YAML, keys in the order given."""
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")
