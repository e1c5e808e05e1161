"""The MkDocs plugin's options: what a knowledge base's `mkdocs.yml` can set under `plugins: - synth:`.

The README lists them; `tests/test_plugin_options.py` builds a site with each of them set.
"""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from synth.records.consistency import DEFAULT_MAX_SHARED_EXPLANATION
from synth.site.search import PART_PAGES


class SynthConfig(Config):  # type: ignore[no-untyped-call]  # MkDocs' own __init_subclass__ is untyped.
    """Options of the `synth` plugin in `mkdocs.yml`."""

    project_dir = c.Type(str, default=".")
    """The project folder holding `content/` and `bibliography/`, relative to `mkdocs.yml`."""
    sources = c.Optional(c.Type(str))
    """A folder of the studies' full texts, relative to `mkdocs.yml`; when set, every quotation is checked
    word for word against its study's `source` file, as `synth check --sources` does."""
    strict_content = c.Type(bool, default=False)
    """Treat content warnings as errors, as `synth check --strict` does (`mkdocs build --strict` already
    fails on them, after building)."""
    max_shared_explanation = c.Type(int, default=DEFAULT_MAX_SHARED_EXPLANATION)
    """Warn when more than this many findings explain a confidence component in the same words, as
    `synth check --max-shared-explanation` does."""
    paper_pdfs = c.Type(bool, default=True)
    """Write each paper in `content/papers/` as a PDF beside its page; turn off for faster previews."""
    downloads = c.Type(bool, default=True)
    """Publish the open data (records as JSON and CSV, references as BibTeX, RIS and CSL-JSON) and its page."""
    briefing_pdf = c.Type(bool, default=True)
    """Write `briefing.pdf`, the home page's lists as a short PDF to hand out, and link it from the home page."""
    version = c.Optional(c.Type(str))
    """The knowledge base's version, printed on every printed page and on the briefing; by default the tag or
    short commit and its date from git, as the footer shows it, and none outside git."""
    contributor_guide = c.Optional(c.Type(str))
    """The site folder (such as `contributing`) where the contributor guide's generated pages go: the record
    fields, the error codes and the findings by confidence profile; leave unset to publish none."""
    compare_with = c.Optional(c.Type(str))
    """The git revision, tag or date the "What's changed" page compares the build with (default: the newest
    tag before the checked-out commit)."""
    review_age = c.Optional(c.Type(int))
    """Warn about each record whose `reviewed` date is more than this many days old, as `synth check
    --review-age` does; unset: no warning."""
    search = c.Choice(("pagefind", "material"), default="pagefind")
    """The site's search: `pagefind` (a search box in the header with filters, fetching only the index chunks a
    query needs; Material's search plugin is turned off) or `material` (Material's own search, which downloads the
    whole site's index)."""
    search_part_pages = c.Type(int, default=PART_PAGES)
    """With `search: pagefind`, the most pages one Pagefind run indexes: a larger site is indexed in parts of
    about this many pages, one after another, and the search box merges them, so that indexing needs the memory
    of one part (Pagefind holds some 280 KB per record page until it writes the index)."""
