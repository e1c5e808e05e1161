"""The citation extension loaded by name, for engines that run Python-Markdown but not MkDocs plugins.

`markdown_extensions: [{synth.citations: {project: PATH}}]` asks Python-Markdown for `synth.citations`'
`makeExtension`, which lands here: the project is checked once per process (its bibliography formatted once,
however many pages the engine converts), and citations link to the references page by an address from the
site's root (`references_url`), since an extension loaded by name is not told which page it converts.
Unknown keys are logged as warnings naming the key, so a strict build fails on them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from synth.citations import CitationExtension
from synth.pipeline import check_project
from synth.references.style import FormattedReference
from synth.site.references import ReferenceShelf

log = logging.getLogger("synth.citations")


@dataclass(frozen=True)
class StandaloneResolver:
    """Resolves keys against the project's bibliography; links go to the references page by a root address."""

    shelf: ReferenceShelf
    references_url: str

    def lookup(self, key: str) -> FormattedReference | None:
        """The formatted reference of ``key``, or None."""
        return self.shelf.get(key)

    def href(self, key: str) -> str:
        """The address of the key's entry on the references page."""
        return f"{self.references_url}#{self.shelf[key].anchor}"

    def unknown(self, key: str, line: int) -> None:
        """Log an unknown key as a warning (the engine does not say which page it is converting)."""
        log.warning("citation: no BibTeX entry has the key '%s' (line %d of a page)", key, line)

    def cited(self, key: str) -> None:
        """Nothing to collect: `synth generate` already wrote the references page's "cited by" lists."""


@cache
def project_shelf(project: str) -> ReferenceShelf:
    """The checked project's formatted references, once per process and project folder."""
    result = check_project(Path(project))
    if result.formatter is None:
        raise ValueError(f"synth.citations: '{project}' has no readable bibliography")
    return ReferenceShelf(result.kb.bibliography, result.formatter)


def make_extension(project: str = ".", references_url: str = "/references/") -> CitationExtension:
    """The citation extension for the project at ``project`` (a folder holding bibliography/)."""
    return CitationExtension(resolver=StandaloneResolver(project_shelf(str(Path(project).resolve())), references_url))
