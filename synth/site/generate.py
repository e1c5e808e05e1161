"""Generation as files: every page and file the MkDocs plugin adds in memory, written into a folder.

`synth generate` is for engines that read Markdown but do not run MkDocs plugins (Zensical, or MkDocs without
the plugin): it checks the project as a build does, runs the same `build_site` the plugin runs, fills the
references page's "cited by" lists (the plugin does that once pages are converted; here each citing page is
named by its first heading), and writes the hand-written pages beside the generated ones. Beside them it
writes an engine configuration: the project's `mkdocs.yml` with the `synth` plugin taken out, `docs_dir`
pointing at the generated pages, record pages kept out of the navigation, and the citation extension loaded
by name (`synth.citations`), so citations in hand-written pages and papers still resolve.
"""

from __future__ import annotations

import argparse
import datetime
import html
import os
import re
import shutil
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlparse

import yaml

from synth.errors import Diagnostic
from synth.pipeline import check_project, folder_problems
from synth.site.briefing import BRIEFING, render_briefing_pdf
from synth.site.build import GeneratedSite, SiteOptions, build_site
from synth.site.page_html import print_extra, print_stamp
from synth.site.paths import REFERENCES, Links
from synth.site.references import (
    Citer,
    ReferenceShelf,
    fill_reference_list,
    merge_citers,
    record_citers,
    reference_list,
)
from synth.versions import site_changes, theme_overrides, version_extra

ENGINE_CONFIG = "mkdocs.yml"
"""The engine configuration written beside the pages; Zensical and MkDocs both read this name."""
PAGES = "docs"
"""The folder of pages inside the output folder."""


class GenerateError(Exception):
    """The project or its configuration cannot be generated from; the message says why."""


@dataclass(frozen=True)
class Generated:
    """What a generation wrote, or the diagnostics that stopped it."""

    diagnostics: tuple[Diagnostic, ...]
    written: tuple[Path, ...] = ()


class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml; a tag it does not know (`!ENV`, `!!python/name`) is an error, not code to run."""


def read_config(path: Path) -> dict[str, Any]:
    """The MkDocs configuration file as plain data."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # a SafeLoader
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise GenerateError(f"{path}: cannot read it as YAML without custom tags: {error}") from error
    if not isinstance(data, dict):
        raise GenerateError(f"{path}: expected a mapping of settings")
    return data


def synth_options(config: Mapping[str, Any]) -> dict[str, Any]:
    """The `synth` plugin's options from the configuration's `plugins:` list (empty when listed bare)."""
    for plugin in config.get("plugins") or []:
        if plugin == "synth":
            return {}
        if isinstance(plugin, dict) and "synth" in plugin:
            return dict(plugin["synth"] or {})
    raise GenerateError("mkdocs.yml does not list the synth plugin under plugins:")


def generate(config_file: Path, out: Path) -> Generated:
    """Check the project named by ``config_file`` and write its pages and an engine configuration into ``out``."""
    config = read_config(config_file)
    options = synth_options(config)
    base = config_file.parent
    project = base / str(options.get("project_dir", "."))
    sources = base / str(options["sources"]) if options.get("sources") else None
    if problems := folder_problems(project, sources):
        raise GenerateError("; ".join(problems))
    result = check_project(project, sources=sources, strict=bool(options.get("strict_content", False)),
                           display_root=Path.cwd())
    if result.errors:
        return Generated(result.diagnostics)
    assert result.formatter is not None
    docs = base / str(config.get("docs_dir", "docs"))
    hand_written = _hand_written_pages(docs)
    site_options = SiteOptions(str(config.get("site_name", "")), bool(config.get("use_directory_urls", True)),
                               config.get("site_url") or None, bool(options.get("downloads", True)),
                               options.get("contributor_guide"), bool(options.get("briefing_pdf", True)))
    shelf = ReferenceShelf(result.kb.bibliography, result.formatter)
    changes = site_changes(project, result.kb, options.get("compare_with"))
    site = build_site(result.kb, shelf, result.papers, hand_written, site_options, changes)
    if clashes := sorted(set(site.pages) & set(hand_written)):
        raise GenerateError("; ".join(f"{docs}/{uri}: this page would replace a generated page" for uri in clashes))
    pages = {**hand_written, **site.pages}
    pages[REFERENCES] = _with_cited_by(pages[REFERENCES], result.kb, shelf, pages, site_options.directory_urls)
    stamp = print_stamp(site_options.title, build_date(), options.get("version"), changes.history.version)
    if site_options.briefing:  # Written among the pages, so the engine copies it to the site's root.
        site.files[BRIEFING] = render_briefing_pdf(result.kb, stamp, site_options.site_url)
    engine = _engine_config(config, project, site)
    engine["extra"] = {**(config.get("extra") or {}), "synth_version": version_extra(changes.history.version),
                       "synth_print": print_extra(stamp)}
    engine["theme"] = _with_overrides(config.get("theme") or {"name": "material"})
    written = _write(out, docs, pages, site, engine)
    return Generated(result.diagnostics, tuple(written))


def build_date() -> str:
    """Today's date, or SOURCE_DATE_EPOCH's when set (as MkDocs dates a build), so output is reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.datetime.fromtimestamp(int(epoch), datetime.UTC) if epoch else datetime.datetime.now(datetime.UTC)
    return moment.strftime("%Y-%m-%d")


def _hand_written_pages(docs: Path) -> dict[str, str]:
    """Every Markdown page in the docs folder, by its path there."""
    if not docs.is_dir():
        return {}
    return {path.relative_to(docs).as_posix(): path.read_text(encoding="utf-8")
            for path in sorted(docs.rglob("*.md")) if path.is_file()}


def _with_cited_by(page: str, kb: Any, shelf: ReferenceShelf, pages: Mapping[str, str], directory_urls: bool) -> str:
    """The references page with each entry's "cited by" list naming records and pages by their titles."""
    from synth.citations import find_citations

    page_citers: dict[str, list[Citer]] = {}
    for uri, text in sorted(pages.items()):
        if uri == REFERENCES:
            continue
        for key in dict.fromkeys(key for key, _ in find_citations(text)):
            if key in shelf:
                page_citers.setdefault(key, []).append(Citer(uri, page_title(text, uri)))
    listing = reference_list(shelf, merge_citers(record_citers(kb), page_citers), Links(REFERENCES, directory_urls))
    return fill_reference_list(page, listing)


HEADING = re.compile(r"^# +(.+?)\s*#*\s*$", re.MULTILINE)
TITLE = re.compile(r"^title:\s*(.+?)\s*$", re.MULTILINE)


def page_title(markdown: str, uri: str) -> str:
    """A page's title as MkDocs finds it: the front matter's `title`, else the first level-one heading."""
    if markdown.startswith("---\n"):
        end = markdown.find("\n---", 4)
        if end > 0 and (found := TITLE.search(markdown, 4, end)):
            return html.unescape(found.group(1).strip("'\""))
    found = HEADING.search(markdown)
    return html.unescape(found.group(1)) if found else PurePosixPath(uri).stem


def _engine_config(config: Mapping[str, Any], project: Path, site: GeneratedSite) -> dict[str, Any]:
    """The configuration for an engine without the plugin: pages from the output, citations by name."""
    engine = dict(config)
    engine["docs_dir"] = PAGES
    engine["site_dir"] = "site"
    engine["plugins"] = [plugin for plugin in config.get("plugins") or []
                         if plugin != "synth" and not (isinstance(plugin, dict) and "synth" in plugin)]
    extensions = list(config.get("markdown_extensions") or [])
    names = {next(iter(e)) if isinstance(e, dict) else e for e in extensions}
    for name in ("attr_list", "tables", "md_in_html"):
        if name not in names:
            extensions.append(name)
    site_path = urlparse(str(config.get("site_url") or "/")).path.rstrip("/")
    extensions.append({"synth.citations": {"project": str(project.resolve()),
                                           "references_url": f"{site_path}/{REFERENCES.removesuffix('.md')}/"}})
    engine["markdown_extensions"] = extensions
    for key, suffix in (("extra_css", ".css"), ("extra_javascript", ".js")):
        assets = [str(a) for a in config.get(key) or []]
        engine[key] = assets + [uri for uri in sorted(site.files) if uri.startswith("assets/synth/")
                                and uri.endswith(suffix) and uri not in assets]
    hidden = sorted(uri for uri in site.pages if uri not in site.in_nav)
    engine["not_in_nav"] = "\n".join(f"/{uri}" for uri in hidden)
    return engine


def _with_overrides(theme: str | Mapping[str, Any]) -> dict[str, Any]:
    """The theme setting with synth's overrides (the footer's version) as its custom folder, unless it has one."""
    setting = {"name": theme} if isinstance(theme, str) else dict(theme)
    setting.setdefault("custom_dir", theme_overrides())
    return setting


def _write(out: Path, docs: Path, pages: Mapping[str, str], site: GeneratedSite,
           engine: Mapping[str, Any]) -> list[Path]:
    """Write the pages, the generated files, anything else in docs/, and the engine configuration."""
    target = out / PAGES
    if target.exists():
        shutil.rmtree(target)
    written = []
    if docs.is_dir():
        for path in sorted(docs.rglob("*")):
            if path.is_file() and path.suffix != ".md":
                written.append(_put(target / path.relative_to(docs), path.read_bytes()))
    for uri, text in sorted(pages.items()):
        written.append(_put(target / uri, text.encode("utf-8")))
    for uri, content in sorted(site.files.items()):
        written.append(_put(target / uri, content))
    config_text = yaml.safe_dump(dict(engine), sort_keys=False, allow_unicode=True, width=1000)
    written.append(_put(out / ENGINE_CONFIG, config_text.encode("utf-8")))
    return written


def _put(path: Path, content: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def add_generate_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`synth generate [-f mkdocs.yml] [--out DIR] [--watch]`: the site's pages as files, for any engine."""
    command = commands.add_parser(
        "generate", help="write every generated page as a file, for engines without MkDocs plugins",
        description="Check the project and write every page the synth plugin generates, the hand-written pages "
                    "and an engine configuration (mkdocs.yml without the plugin, citations loaded by name) into "
                    "a folder, for Zensical or another engine: `zensical build -f OUT/mkdocs.yml`.")
    command.add_argument("-f", "--config-file", type=Path, default=Path("mkdocs.yml"), metavar="FILE",
                         help="the MkDocs configuration that lists the synth plugin (default: mkdocs.yml)")
    command.add_argument("--out", type=Path, default=Path("generated"), metavar="DIR",
                         help="the folder to write into (default: generated); its docs/ is replaced")
    command.add_argument("--watch", action="store_true",
                         help="generate again whenever a file in content/, bibliography/ or the docs folder changes")
    command.set_defaults(run=run_generate)


def run_generate(args: argparse.Namespace) -> int:
    """Generate once, or on every change with --watch (until interrupted)."""
    if not args.config_file.is_file():
        print(f"synth: error: -f: '{args.config_file}' is not a file", file=sys.stderr)
        return 2
    status = _generate_and_report(args.config_file, args.out)
    if not args.watch:
        return status
    watched = _watched_folders(args.config_file)
    print(f"watching {', '.join(str(folder) for folder in watched)} (Ctrl-C to stop)")
    stamp = _stamp(watched)
    try:
        while True:
            time.sleep(WATCH_INTERVAL)
            if (now := _stamp(watched)) != stamp:
                stamp = now
                _generate_and_report(args.config_file, args.out)
    except KeyboardInterrupt:
        return 0


WATCH_INTERVAL = 0.5
"""Seconds between looks at the watched folders."""


def _generate_and_report(config_file: Path, out: Path) -> int:
    try:
        generated = generate(config_file, out)
    except GenerateError as error:
        print(f"synth: error: {error}", file=sys.stderr)
        return 1
    for diagnostic in generated.diagnostics:
        print(diagnostic.format())
    if any(diagnostic.severity == "error" for diagnostic in generated.diagnostics):
        print(f"not generated: the project has errors; {out} is unchanged")
        return 1
    print(f"wrote {len(generated.written)} files in {out}")
    return 0


def _watched_folders(config_file: Path) -> list[Path]:
    config = read_config(config_file)
    project = config_file.parent / str(synth_options(config).get("project_dir", "."))
    docs = config_file.parent / str(config.get("docs_dir", "docs"))
    return [folder for folder in (project / "content", project / "bibliography", docs) if folder.is_dir()]


def _stamp(folders: list[Path]) -> tuple[tuple[str, int, int], ...]:
    """Every file's path, size and modification time: any edit, addition or removal changes it."""
    return tuple(sorted((str(path), stat.st_size, stat.st_mtime_ns) for folder in folders
                        for path in folder.rglob("*") if path.is_file() and (stat := path.stat())))
