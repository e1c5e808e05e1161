"""The MkDocs plugin's theme templates, compiled once under `mkdocs serve` instead of at every rebuild.

MkDocs makes a new Jinja environment for each build, and Jinja compiles a template once per environment, so
every rebuild under `mkdocs serve` parsed and compiled Material's templates again (about a third of a second
on this machine, more than a dirty rebuild's pages). `TemplateCache` is a Jinja bytecode cache held in memory
by the plugin: a template whose source is the same as when it was compiled, in an environment set up the same
way, is taken as compiled. Jinja checks the source itself (a checksum of it) before taking anything; the
environment's settings, which also decide what a template compiles to, are compared here. Nothing is written
to disk.
"""

from __future__ import annotations

from collections.abc import Hashable
from types import CodeType

import jinja2
from jinja2.bccache import Bucket, BytecodeCache


class TemplateCache(BytecodeCache):
    """Compiled templates by name and file, kept while the environments they came from are set up alike."""

    def __init__(self) -> None:
        self.settings: Hashable | None = None
        """The settings of the environments the kept templates were compiled in."""
        self.compiled: dict[str, tuple[str, CodeType]] = {}
        """Each template's compiled code and the checksum of the source it was compiled from, by Jinja's key."""
        self.taken = 0
        """How many templates were taken as compiled rather than compiled: what tests count."""

    def install(self, env: jinja2.Environment) -> None:
        """Serve ``env``'s templates from this cache (forgetting what an environment set up otherwise compiled)."""
        settings = environment_settings(env)
        if settings != self.settings:
            self.compiled.clear()
            self.settings = settings
        env.bytecode_cache = self

    def load_bytecode(self, bucket: Bucket) -> None:
        """Give ``bucket`` the kept code of its template if it was compiled from the same source."""
        kept = self.compiled.get(bucket.key)
        if kept is not None and kept[0] == bucket.checksum:
            bucket.code = kept[1]
            self.taken += 1

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Keep a template just compiled."""
        if bucket.code is not None:
            self.compiled[bucket.key] = (bucket.checksum, bucket.code)

    def clear(self) -> None:
        """Forget every compiled template."""
        self.compiled.clear()


def environment_settings(env: jinja2.Environment) -> Hashable:
    """What, besides a template's source, decides the code Jinja compiles it to (Jinja's key has its file)."""
    return (env.block_start_string, env.block_end_string, env.variable_start_string, env.variable_end_string,
            env.comment_start_string, env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix,
            env.trim_blocks, env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline,
            env.optimized, env.is_async, env.finalize is None, _identity(env.autoescape),
            tuple(sorted(env.extensions)), type(env.undefined))


def _identity(value: object) -> Hashable:
    """A setting as something comparable: itself if it is a plain value, else what it is by name."""
    if isinstance(value, bool):
        return value
    return (getattr(value, "__module__", None), getattr(value, "__qualname__", repr(value)))
