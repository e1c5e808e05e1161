"""Site, last step of a page: its title, escaped once, wherever the theme prints it.

Material prints a page's metadata title raw in ``<title>`` and the header, the navigation prints a page's
title raw, and a title MkDocs took from the page's first heading goes through Jinja's ``striptags``, which
decodes character references: a heading written ``&#60;/title&#62;`` would come out as ``</title>``. So
every page leaves the build with a metadata title that is plain text escaped once for HTML, made from the
title MkDocs chose: decoded first when MkDocs took it from the rendered heading (HTML), escaped as it is when
it came from a hand-written page's metadata, the navigation or the file name (plain text). Generated pages
already write their metadata title escaped (`synth.site.markup.yaml_string`) and are left as they are. A
hand-written page's metadata description, which Material prints raw into an attribute, is escaped the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape, unescape


def theme_title(title: str | None, meta: Mapping[str, object], *, rendered_title: str | None, generated: bool,
                is_homepage: bool) -> str | None:
    """The metadata title a page should carry, escaped once; None to leave the page's metadata as it is.

    ``title`` is the title MkDocs chose, ``meta`` the page's metadata, ``rendered_title`` the text MkDocs
    read from the page's first heading (None when it has none). The home page without a metadata title keeps
    none: the theme then shows the site's name.
    """
    if "title" in meta:
        return None if generated else escape(" ".join(str(meta["title"]).split()))
    if title is None or is_homepage:
        return None
    plain = unescape(title) if title == rendered_title else title
    return escape(" ".join(plain.split()))


def theme_description(meta: Mapping[str, object], *, generated: bool) -> str | None:
    """A hand-written page's metadata description escaped once (for ``<meta content>``); None to leave it."""
    if generated or "description" not in meta:
        return None
    return escape(" ".join(str(meta["description"]).split()))
