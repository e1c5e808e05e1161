"""Reproducible output: every kind of output, made in two separate processes, is the same byte for byte.

Rendering twice in one process can hardly differ: the same set order, the same caches, the same clock. Each
output here is made by a fresh Python process with its own hash seed (so anything that leans on the order
of a set or of a dict of strings shows), the same SOURCE_DATE_EPOCH, and its bytes are compared by digest.
The site as MkDocs builds it is compared the same way in tests/test_plugin.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import DATA, REPOSITORY

MAKE = """
import hashlib, json, sys
from pathlib import Path

from synth.pipeline import check_project
from synth.references.style import ReferenceFormatter

kind, project = sys.argv[1], Path(sys.argv[2])
result = check_project(project)
kb, formatter = result.kb, result.formatter
if kind == "pages":
    from synth.site import render_site
    from synth.site.references import ReferenceShelf
    outputs = {uri: text.encode("utf-8") for uri, text in
               render_site(kb, ReferenceShelf(kb.bibliography, formatter), title="Example",
                           papers=result.papers).items()}
elif kind == "downloads":
    from synth.site.export import build_downloads
    outputs = build_downloads(kb, formatter)
else:
    from synth.papers.pdf import render_paper_pdf
    outputs = {paper.slug: render_paper_pdf(paper, kb, formatter) for paper in result.papers}
json.dump({name: hashlib.sha256(data).hexdigest() for name, data in outputs.items()}, sys.stdout)
"""


def made_in_a_process(kind: str, project: str, seed: str) -> dict[str, str]:
    """The SHA-256 of every output of ``kind``, made by a new Python process with hash seed ``seed``."""
    env = {**os.environ, "PYTHONPATH": str(REPOSITORY), "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": "1700000000"}
    result = subprocess.run([sys.executable, "-c", MAKE, kind, project], env=env, capture_output=True, text=True,
                            check=False, cwd=REPOSITORY)
    assert result.returncode == 0, result.stderr
    digests: dict[str, str] = json.loads(result.stdout)
    return digests


@pytest.mark.parametrize(("kind", "project", "least"), [
    ("pages", DATA / "site-example", 20),
    ("downloads", REPOSITORY, 20),
    ("pdfs", DATA / "papers-example", 2),
])
def test_two_processes_make_the_same_bytes(kind: str, project: object, least: int) -> None:
    """Pages, downloads and paper PDFs made by two processes with different hash seeds are identical."""
    first = made_in_a_process(kind, str(project), "1")
    second = made_in_a_process(kind, str(project), "2")
    assert len(first) >= least
    assert first == second
