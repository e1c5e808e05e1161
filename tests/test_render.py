"""The whole generated site: which pages exist, and that every link between them lands on a page and anchor."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest

from synth.site import LISTING_PAGES, render_site
from synth.site.paths import page_url

HREF = re.compile(r'href="([^"#]*)(?:#([^"]*))?"')
SITE = "https://site.invalid/"
ANCHORS = re.compile(r'id="([^"]+)"|\{ #([a-z0-9-]+) \}')


def test_every_record_has_a_page_and_listings_come_first(site_example) -> None:  # type: ignore[no-untyped-def]
    """Listings first, then a page per barrier, facilitator, outcome, finding and study, ids sorted, then tags.md."""
    kb, shelf = site_example
    pages = render_site(kb, shelf, title="Example")
    assert list(pages)[:len(LISTING_PAGES)] == list(LISTING_PAGES)
    records = list(pages)[len(LISTING_PAGES):]
    assert records == ([f"barriers/{i}.md" for i in sorted(kb.barriers)]
                       + [f"facilitators/{i}.md" for i in sorted(kb.facilitators)]
                       + [f"outcomes/{i}.md" for i in sorted(kb.outcomes)]
                       + [f"findings/{i}.md" for i in sorted(kb.findings)]
                       + [f"studies/{i}.md" for i in sorted(kb.studies)] + ["tags.md"])


@pytest.mark.parametrize("directory_urls", [True, False])
def test_every_internal_link_lands_on_a_generated_page_and_anchor(site_example, directory_urls: bool) -> None:  # type: ignore[no-untyped-def]
    """Each relative link, resolved as a browser would, names a generated page and an anchor on it."""
    kb, shelf = site_example
    pages = render_site(kb, shelf, title="Example", directory_urls=directory_urls)
    by_url = {page_url(uri, directory_urls): uri for uri in pages}
    anchors = {uri: {a or b for a, b in ANCHORS.findall(text)} for uri, text in pages.items()}
    checked = 0
    for uri, text in pages.items():
        base = SITE + page_url(uri, directory_urls).removeprefix("./")
        for target, anchor in HREF.findall(text):
            if target.startswith("https:"):
                continue
            resolved = urljoin(base, target).removeprefix(SITE) or "./"
            assert resolved in by_url, f"{uri}: {target} does not resolve"
            assert not anchor or anchor in anchors[by_url[resolved]], f"{uri}: no #{anchor} on {target}"
            checked += 1
    assert checked > 100  # The pages do link to each other.
