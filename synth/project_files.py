"""Stage 0, files: which files of a project are read, and reading them safely.

Every stage that reads a project's files (records, `.bib` files, papers) lists them here, so `synth check`
and the site build read the same files and report the same problems. Only regular files inside the project
are read, each up to a size limit. Anything else that looks like a project file (a FIFO, a device, a folder
named like a file, a dangling link, a link loop, a link that leaves the project, a file too big, a suffix in
the wrong letter case) gets a located diagnostic instead of being read, skipped in silence, or hanging.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from synth.errors import Diagnostic, Location

MIB = 1024 * 1024
MAX_FILE_BYTES = {".yaml": 4 * MIB, ".md": 4 * MIB, ".bib": 32 * MIB}
"""The largest file read, by suffix: a record or paper is a few kilobytes, a large reference library tens of
megabytes."""


@dataclass(frozen=True)
class FileListing:
    """The files of one kind found in a folder: those safe to read, in name order, and the problems found."""

    paths: tuple[Path, ...]
    diagnostics: tuple[Diagnostic, ...] = field(default=())
    statuses: tuple[os.stat_result, ...] = field(default=())
    """Each path's status when it was listed (of what a link points to), in the order of ``paths``; empty when
    the listing was not made by `list_project_files`."""
    shown: tuple[str, ...] = field(default=())
    """Each path as the user sees it (`display_path`), in the order of ``paths``; empty when the listing was not
    made by `list_project_files`."""


def display_path(path: Path, display_root: Path | None) -> str:
    """The path as the user should see it: relative to ``display_root`` when given, with forward slashes.

    A name holding a line break or another control character is quoted when a diagnostic is printed
    (`synth.errors.shown_path`), so a diagnostic stays on one line.
    """
    return path.as_posix() if display_root is None else Path(os.path.relpath(path, display_root)).as_posix()


def _folder_shown(folder: Path, display_root: Path | None) -> str | None:
    """How the files of a folder are shown: their folder's `display_path`, made relative once per folder.

    A name from a folder listing has no ``/`` and is never ``.`` or ``..``, so it joins its folder's shown path
    as `os.path.relpath` would join it, ``..`` steps included (a display root beside the project). None when
    each file must be shown on its own: no display root (shown as they are), or a folder shown only as steps
    up (the display root is inside it, perhaps inside a folder named like a file).
    """
    if display_root is None:
        return None
    shown = display_path(folder, display_root)
    return None if all(part == ".." for part in shown.split("/")) else shown


def list_project_files(folder: Path, suffix: str, *, project: Path, display_root: Path | None = None,
                       recursive: bool = False) -> FileListing:
    """List the files in ``folder`` whose name ends in ``suffix`` (any letter case), checking each one.

    With ``recursive``, folders are walked too, linked ones included while they stay inside the project; each
    real folder is walked once, so a link loop cannot trap the walk, and a linked folder outside the project
    is reported, not walked. A name whose suffix differs only in letter case (``sources.BIB``) is reported,
    not read. Hidden names (starting with ``.``: editors' lock and backup files) are not project files.
    """
    paths: list[Path] = []
    statuses: list[os.stat_result] = []
    shown_paths: list[str] = []
    problems: list[Diagnostic] = []
    root = _resolved(project)
    current: Path | None = None  # the folder of the last name listed, with how its files are shown and whether
    folder_shown: str | None = None  # its real place is inside the project (the names come folder by folder)
    inside = False
    for path, entry, parent, outside in _candidates(folder, suffix, recursive, root, {_resolved(folder)}):
        if parent is not current:
            current, folder_shown = parent, _folder_shown(parent, display_root)
            inside = _resolved(parent).is_relative_to(root)
        if folder_shown is None:
            shown = display_path(path, display_root)
        else:
            shown = entry.name if folder_shown == "." else f"{folder_shown}/{entry.name}"
        if outside:
            checked: Diagnostic | os.stat_result = _outside(path, shown, "folder")
        elif not entry.name.endswith(suffix):
            checked = _suffix_problem(path, suffix, shown)
        else:
            checked = _checked_status(path, shown, root, MAX_FILE_BYTES.get(suffix, 4 * MIB), folder_inside=inside,
                                      status=_link_status(entry))
        if isinstance(checked, Diagnostic):
            problems.append(checked)
        else:
            paths.append(path)
            statuses.append(checked)
            shown_paths.append(shown)
    return FileListing(tuple(paths), tuple(problems), tuple(statuses), tuple(shown_paths))


def _link_status(entry: os.DirEntry[str]) -> os.stat_result | None:
    """The status of a listed name itself (not of what a link points to), or None if it cannot be had."""
    try:
        return entry.stat(follow_symlinks=False)
    except OSError:
        return None


def _candidates(folder: Path, suffix: str, recursive: bool, root: Path,
                seen: set[Path]) -> Iterator[tuple[Path, os.DirEntry[str], Path, bool]]:
    """The names in ``folder`` ending in ``suffix`` in any letter case, in name order, folder by folder.

    Each comes with its folder entry, its folder, and whether it is a linked folder leaving the project, which
    is reported instead of walked.
    """
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.name.lower().endswith(suffix):
            yield Path(entry.path), entry, folder, False
        elif recursive and _is_folder(entry):
            path = Path(entry.path)
            real = _resolved(path)
            if not real.is_relative_to(root):
                yield path, entry, folder, True
            elif real not in seen:
                seen.add(real)
                yield from _candidates(path, suffix, recursive, root, seen)


def _is_folder(entry: os.DirEntry[str]) -> bool:
    """Whether a folder entry is a folder, or a link to one (a broken link is not)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _suffix_problem(path: Path, suffix: str, shown: str) -> Diagnostic:
    """A warning for a name ending in ``suffix`` in other letters (``extra.YAML``): it is not read."""
    return Diagnostic("content.stray-file", f"file names must end in '{suffix}' in lower case; this file was not "
                      "read", Location(shown), path.stem, f"rename it to {path.stem}{suffix}", "warning")


def check_project_file(path: Path, shown: str, project: Path, limit: int, *, folder_inside: bool = False) -> (
        Diagnostic | None):
    """None when ``path`` is a regular file inside ``project`` no bigger than ``limit``; else why it is not read.

    ``folder_inside`` says the file's folder is known to be inside the project, so a file that is not a link
    needs no resolving (which costs a system call per part of its path).
    """
    checked = _checked_status(path, shown, project, limit, folder_inside=folder_inside)
    return checked if isinstance(checked, Diagnostic) else None


def _checked_status(path: Path, shown: str, project: Path, limit: int, *, folder_inside: bool,
                    status: os.stat_result | None = None) -> Diagnostic | os.stat_result:
    """`check_project_file`, giving the file's status (of what a link points to) where it gives None.

    ``status`` is the path's own status when the caller has it (from a folder listing), not following a link.
    """
    try:
        status = path.lstat() if status is None else status
        if stat.S_ISLNK(status.st_mode) or not folder_inside:
            real = path.resolve(strict=True)
            status = real.stat()
            if not real.is_relative_to(project):
                return _outside(path, shown, "file")
    except RuntimeError:  # Python 3.11 reports a link loop from resolve() this way.
        return _unreadable(shown, "the link loops back on itself")
    except OSError as error:
        return _os_problem(path, shown, error)
    if not stat.S_ISREG(status.st_mode):
        return _not_regular(shown, path.stem, status.st_mode)
    if status.st_size > limit:
        return _too_large(shown, path.stem, status.st_size, limit)
    return status


def _outside(path: Path, shown: str, what: str) -> Diagnostic:
    """A file or folder whose link leads out of the project: refused, as it could publish any file."""
    target = os.readlink(path) if path.is_symlink() else _resolved(path).as_posix()
    return Diagnostic("file.outside-project", f"the {what} links to {target!r}, outside the project; it was not "
                      "read", Location(shown), path.stem, f"copy the {what} into the project instead of linking to it")


def _os_problem(path: Path, shown: str, error: OSError) -> Diagnostic:
    """Name what stops a file being opened: a dangling link, a link loop, a permission."""
    if error.errno == errno.ELOOP:
        return _unreadable(shown, "the link loops back on itself")
    if error.errno == errno.ENOENT and path.is_symlink():
        return _unreadable(shown, f"the link points to {os.readlink(path)!r}, which does not exist")
    return _unreadable(shown, error.strerror or str(error))


def _unreadable(shown: str, reason: str) -> Diagnostic:
    return Diagnostic("file.unreadable", f"cannot read the file: {reason}", Location(shown),
                      hint="fix or remove the link, or make the file readable")


def _not_regular(shown: str, stem: str, mode: int) -> Diagnostic:
    what = "a folder" if stat.S_ISDIR(mode) else "a pipe" if stat.S_ISFIFO(mode) else (
        "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file")
    return Diagnostic("file.not-regular", f"this is {what}, not a file; it was not read", Location(shown), stem,
                      "only plain files are read: rename or remove it")


def _too_large(shown: str, stem: str, size: int, limit: int) -> Diagnostic:
    return Diagnostic("file.too-large", f"the file is {_size(size)}, more than the limit of {_size(limit)}; it was "
                      "not read", Location(shown), stem, "split it into smaller files")


def _size(count: int) -> str:
    """A byte count as people read it: ``4 MiB``, ``4.2 MiB`` or ``900 bytes``."""
    if count < MIB:
        return f"{count} bytes"
    return f"{count // MIB} MiB" if count % MIB == 0 else f"{count / MIB:.1f} MiB"


def read_project_file(path: Path, shown: str, limit: int) -> bytes | Diagnostic:
    """Read a listed file's bytes, refusing anything that is no longer a regular file of at most ``limit`` bytes.

    The file is opened without blocking and checked again once open, so a file swapped for a pipe or a
    device after it was listed is refused rather than read forever.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        return _os_problem(path, shown, error)
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            return _not_regular(shown, path.stem, status.st_mode)
        data = handle.read(min(status.st_size, limit) + 1)  # read(n) sets n bytes aside first: ask for what is there
        if len(data) > status.st_size:  # the file grew after fstat: read the rest, still bounded
            data += handle.read(limit + 1 - len(data))
    if len(data) > limit:
        return _too_large(shown, path.stem, len(data), limit)
    return data


def _resolved(project: Path) -> Path:
    """The project folder with links resolved, to tell whether a file's real place is inside it."""
    try:
        return project.resolve()
    except (OSError, RuntimeError):
        return project.absolute()
