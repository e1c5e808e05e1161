"""The baseline site: plain MkDocs + Material with the same number of pages, each of a given article size.

Pages are hand-written Markdown of the same kind of text as the generated records (the same bigram model):
headings, paragraphs, a list of quotations and a table, like a record page. They are kept out of the menu
(`not_in_nav`), as synth keeps record pages, and reached from four listing pages in the menu. The Markdown
is sized so that each page's converted article is about ``article_bytes`` long (the median of the synth
site's record pages); the ratio of HTML to Markdown is measured on the first pages with Python-Markdown.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import markdown
from generate import real_config, write_yaml
from text_model import TextModel

FOLDERS = ("barriers", "facilitators", "studies", "findings")


def page_markdown(model: TextModel, rng: random.Random, title: str, size: int) -> str:
    """A record-like page of about ``size`` bytes of Markdown."""
    parts = [f"# {title}\n", model.text(rng.randint(30, 70)), "\n## Evidence\n", "| finding | confidence |",
             "| --- | --- |", *(f"| {model.phrase(rng.randint(5, 10))} | {rng.choice(('High', 'Low', 'Moderate'))} |"
                                for _ in range(rng.randint(1, 4))), "\n## Quotations\n"]
    text = "\n".join(parts)
    while len(text.encode()) < size:
        text += (f"\n> {model.text(rng.randint(15, 40))}\n" if rng.random() < 0.4
                 else f"\n\n{model.text(rng.randint(20, 60))}\n")
    return text + "\n"


def html_ratio(model: TextModel, rng: random.Random, extensions: list[Any]) -> float:
    """How many bytes of HTML a byte of such Markdown becomes (measured on ten pages)."""
    names = [e if isinstance(e, str) else next(iter(e)) for e in extensions]
    configs = {name: settings for e in extensions if isinstance(e, dict) for name, settings in e.items()}
    pages = [page_markdown(model, rng, "Title", 4000) for _ in range(10)]
    converted = [markdown.markdown(p, extensions=names, extension_configs=configs) for p in pages]
    return sum(len(html.encode()) for html in converted) / sum(len(p.encode()) for p in pages)


def make_plain(root: Path, pages: int, article_bytes: int, model: TextModel, seed: int) -> list[str]:
    """Write the plain project in ``root``; return the record pages' paths (relative to docs/)."""
    rng = random.Random(seed)
    real = real_config()
    size = int(article_bytes / html_ratio(model, rng, real["markdown_extensions"]))
    docs = root / "docs"
    records = max(0, pages - 1 - len(FOLDERS))
    written = []
    for number, folder in enumerate(FOLDERS):
        (docs / folder).mkdir(parents=True, exist_ok=True)
        listing = [f"# {folder.capitalize()}\n", "| page | summary |", "| --- | --- |"]
        for index in range(number, records, len(FOLDERS)):
            title = model.phrase(rng.randint(4, 9))
            listing.append(f"| [{title}](page-{index:06d}.md) | {model.phrase(rng.randint(6, 12))} |")
            path = f"{folder}/page-{index:06d}.md"
            (docs / path).write_text(page_markdown(model, rng, title, size), encoding="utf-8")
            written.append(path)
        (docs / folder / "index.md").write_text("\n".join(listing) + "\n", encoding="utf-8")
    (docs / "index.md").write_text("# Home\n\n" + model.text(120) + "\n", encoding="utf-8")
    nav = [{"Home": "index.md"}, *({folder.capitalize(): f"{folder}/index.md"} for folder in FOLDERS)]
    write_yaml(root / "mkdocs.yml", {"site_name": "Plain", "theme": real["theme"], "plugins": ["search"],
                                     "markdown_extensions": real["markdown_extensions"], "nav": nav,
                                     "not_in_nav": "\n".join(f"/{f}/page-*.md" for f in FOLDERS)})
    return written
