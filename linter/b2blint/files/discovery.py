"""Find the policy files under the paths given on the command line."""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NoReturn

from b2blint.errors import B2BLintError

YAML_SUFFIXES = (".yaml", ".yml")


def display_path(path: Path) -> str:
    """The path as the user should see it: relative to the working directory when inside it.

    Pure string work on absolute paths (no symlink resolution): resolving costs one lstat per
    path component, which dominated linting 500 small files.
    """
    absolute = os.path.abspath(path)  # noqa: PTH100 - normalizes '..' without resolving links
    cwd = os.getcwd()  # noqa: PTH109 - a str, compared as a string prefix
    prefix = cwd if cwd.endswith(os.sep) else cwd + os.sep
    if absolute.startswith(prefix):
        return absolute[len(prefix) :]
    return str(path)


def _excluded(path: Path, patterns: Sequence[str]) -> bool:
    """Patterns from a config file are absolute (anchored at its directory); others relative."""
    if not patterns:
        return False
    text = display_path(path).replace(os.sep, "/")
    absolute = Path(os.path.abspath(path)).as_posix()  # noqa: PTH100 - as display_path
    return any(fnmatch.fnmatch(text, p) or fnmatch.fnmatch(absolute, p) for p in patterns)


def _unreadable(error: OSError) -> NoReturn:
    """os.walk skips a directory it cannot list; its policy files would go unchecked."""
    name = display_path(Path(error.filename)) if error.filename else "a directory"
    raise B2BLintError(f"{name}: cannot read: {error.strerror or error}")


def _first_visit(directory: Path, visited: dict[int, set[int]]) -> bool:
    """Whether ``directory`` (through links) was not entered yet; mark it entered."""
    try:
        status = directory.stat()
    except OSError as error:  # a dangling link is not a directory: os.walk lists it as a file
        _unreadable(error)
    inodes = visited.setdefault(status.st_dev, set())
    if status.st_ino in inodes:
        return False
    inodes.add(status.st_ino)
    return True


def _walk(root: Path, root_status: os.stat_result) -> list[Path]:
    """Every non-hidden YAML file under ``root``, symlinked subdirectories included.

    A policy tree may link in a shared folder; skipping it passed files nobody read (F8). The
    real directories are walked first (in sorted order), then each linked directory not
    already walked, the same way: every directory is entered once, by device and inode, so a
    folder linked from inside the tree is reported under its real path and loops stop.
    """
    visited = {root_status.st_dev: {root_status.st_ino}}
    candidates: list[Path] = []
    pending = [root]
    while pending:
        top = pending.pop(0)
        links: list[Path] = []
        for directory, subdirectories, files in os.walk(top, onerror=_unreadable):
            kept: list[str] = []
            for name in sorted(subdirectories):
                if name.startswith("."):
                    continue
                full = Path(directory, name)
                if full.is_symlink():
                    links.append(full)  # os.walk does not descend into it
                elif _first_visit(full, visited):
                    kept.append(name)
            subdirectories[:] = kept
            candidates.extend(
                Path(directory, name)
                for name in sorted(files)
                if name.endswith(YAML_SUFFIXES) and not name.startswith(".")
            )
        pending.extend(link for link in links if _first_visit(link, visited))
    return candidates


def discover(paths: Iterable[str], exclude: Sequence[str] = ()) -> list[Path]:
    """Every YAML file under ``paths`` (files given explicitly are always included).

    Directories are searched recursively in sorted order; hidden directories are skipped.
    A path that does not exist, or a directory without YAML, is a usage error (exit 2).
    """
    found: list[Path] = []
    seen: set[tuple[int, int]] = set()
    for raw in paths:
        path = Path(raw)
        try:
            root_status = path.stat()
            mode = root_status.st_mode
        except FileNotFoundError:
            raise B2BLintError(f"{raw}: no such file or directory") from None
        except OSError as error:  # e.g. a parent directory that may not be searched
            raise B2BLintError(f"{raw}: cannot read: {error.strerror or error}") from None
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):  # a FIFO would block the read
            raise B2BLintError(f"{raw}: not a regular file or directory")
        if path.is_file():
            candidates = [path]
        else:
            candidates = _walk(path, root_status)
            candidates = [c for c in candidates if not _excluded(c, exclude)]
            if not candidates:
                raise B2BLintError(f"{raw}: no YAML files (*.yaml, *.yml) found")
        for candidate in candidates:
            try:
                status = candidate.stat()  # the same file reached twice (a link) is linted once
            except OSError as error:  # a dangling or looping symlink found in a directory
                raise B2BLintError(
                    f"{display_path(candidate)}: cannot read: {error.strerror or error}"
                ) from None
            if not stat.S_ISREG(status.st_mode):  # a FIFO would block the read
                raise B2BLintError(f"{display_path(candidate)}: not a regular file")
            key = (status.st_dev, status.st_ino)
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found


#: The path argument that means "read the file from standard input" (``lint -``).
STDIN = "-"


def read_stdin(limit: int) -> bytes:
    """Standard input's bytes, at most ``limit`` + 1 of them (so an oversized buffer is seen
    as such without reading an endless pipe into memory)."""
    import sys

    stream = sys.stdin.buffer if sys.stdin is not None else None
    if stream is None:  # pragma: no cover - started without any stdin (pythonw)
        raise B2BLintError("-: no standard input to read")
    chunks: list[bytes] = []
    remaining = limit + 1
    try:
        while remaining > 0:
            chunk = stream.read(min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    except OSError as error:
        raise B2BLintError(f"-: cannot read standard input: {error.strerror or error}") from None
    return b"".join(chunks)


def same_file(first: Path, second: Path) -> bool:
    """Whether two paths name one file: the same inode when both exist, else the same path."""
    try:
        return first.samefile(second)
    except OSError:
        return display_path(first) == display_path(second)
