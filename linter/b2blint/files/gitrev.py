"""Read the policy files of a tree as they are at a git revision (``b2blint diff --base REV``).

Two git processes whatever the size of the tree: ``git ls-tree -r -z`` lists the YAML blobs
under the path at the revision, and one ``git cat-file --batch`` reads them all (``git show
REV:FILE`` per file costs a process each: seconds for a thousand partner files). The same
discovery rules as the working tree apply: ``*.yaml``/``*.yml``, no hidden directories or
files. Nothing is checked out; the working tree and the index are never touched.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from b2blint.errors import B2BLintError
from b2blint.files.discovery import YAML_SUFFIXES
from b2blint.files.document import Document, DocumentError, decode, parse_text

_SYMLINK_MODE = "120000"


def _git(args: Sequence[str], cwd: Path, stdin: bytes | None = None) -> bytes:
    try:
        completed = subprocess.run(
            ["git", *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            check=False,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"},
        )
    except FileNotFoundError:
        raise B2BLintError("--base needs git, and git is not installed") from None
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        raise B2BLintError(f"git {args[0]}: {message[-1] if message else 'failed'}")
    return completed.stdout


def _repository(path: Path) -> Path:
    start = path if path.is_dir() else path.parent
    if not start.exists():
        start = Path.cwd()
    try:
        top = _git(["rev-parse", "--show-toplevel"], start).decode().strip()
    except B2BLintError:
        raise B2BLintError(f"{path}: not inside a git repository (needed for --base)") from None
    return Path(top)


def _locate(revision: str, path: Path, shown: str) -> tuple[Path, str, str]:
    """The repository root of ``path``, the commit ``revision`` names there, and ``path``
    relative to the root (``.`` for the root itself); ``shown`` names ``path`` in errors."""
    root = _repository(path.resolve())
    try:
        commit = (
            _git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], root)
            .decode()
            .strip()
        )
    except B2BLintError:
        raise B2BLintError(f"--base: unknown revision '{revision}' in {root}") from None
    prefix = os.path.relpath(path.resolve(), root).replace(os.sep, "/")
    if prefix == ".." or prefix.startswith("../"):
        raise B2BLintError(f"{shown}: outside the git repository {root}")
    return root, commit, prefix


def _wanted(relative: PurePosixPath) -> bool:
    if not relative.name.endswith(YAML_SUFFIXES):
        return False
    return not any(part.startswith(".") for part in relative.parts)


def documents_at(revision: str, paths: Sequence[str]) -> tuple[list[Document], list[str]]:
    """Parsed documents of ``paths`` at ``revision``, and the files that did not parse.

    Display names are ``REV:path/as/given``. Raises `B2BLintError` (exit 2) for an unknown
    revision, a path outside a repository, or a missing git.
    """
    if revision.startswith("-"):
        raise B2BLintError(f"--base: '{revision}' is not a revision")
    documents: list[Document] = []
    unreadable: list[str] = []
    for raw in paths:
        root, commit, prefix = _locate(revision, Path(raw), raw)
        listing = _git(["ls-tree", "-r", "-z", "--full-tree", commit, "--", prefix], root)
        blobs: list[tuple[str, str]] = []
        for entry in listing.split(b"\0"):
            if not entry:
                continue
            meta, _, name = entry.decode("utf-8", "surrogateescape").partition("\t")
            mode, kind, oid = meta.split()
            if prefix == ".":
                inside, shown = PurePosixPath(name), name
            elif name == prefix:  # PATH is a file
                inside, shown = PurePosixPath(PurePosixPath(name).name), raw
            else:
                inside = PurePosixPath(name).relative_to(prefix)
                shown = f"{raw.rstrip('/')}/{inside}"
            if kind == "blob" and mode != _SYMLINK_MODE and _wanted(inside):
                blobs.append((oid, shown))
        for (_, shown), content in zip(blobs, _cat(root, [oid for oid, _ in blobs]), strict=True):
            display = f"{revision}:{shown}"
            try:
                documents.append(parse_text(decode(content), display))
            except DocumentError:
                unreadable.append(display)
    return documents, unreadable


def _cat(root: Path, oids: Sequence[str]) -> list[bytes]:
    """The contents of ``oids`` in one ``git cat-file --batch``."""
    if not oids:
        return []
    output = _git(["cat-file", "--batch"], root, ("\n".join(oids) + "\n").encode())
    contents: list[bytes] = []
    offset = 0
    for _ in oids:
        end = output.index(b"\n", offset)
        header = output[offset:end].split()
        size = int(header[2])
        start = end + 1
        contents.append(output[start : start + size])
        offset = start + size + 1  # the content is followed by a newline
    return contents


def changed_files(revision: str, path: Path) -> tuple[Path, list[PurePosixPath]]:
    """The repository root of ``path`` and every file that differs from ``revision``: changed
    (committed or not), added, deleted or renamed (both names), and untracked files git does
    not ignore. Two git processes (``fleet matrix --changed-since``)."""
    root = _repository(path)
    if revision.startswith("-"):
        raise B2BLintError(f"--changed-since: '{revision}' is not a revision")
    changed = _git(["diff", "--name-only", "--no-renames", "-z", revision, "--"], root)
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], root)
    names = {name for name in (changed + untracked).split(b"\0") if name}
    return root, sorted(PurePosixPath(os.fsdecode(name)) for name in names)


def file_at(revision: str, root: Path, relative: PurePosixPath) -> bytes | None:
    """A file's bytes at ``revision`` (None when it did not exist there)."""
    listing = _git(["ls-tree", "-z", revision, "--", str(relative)], root)
    if not listing.strip(b"\0"):
        return None
    return _git(["cat-file", "blob", f"{revision}:{relative}"], root)


#: Bounds on a tree read whole at a revision (``diff --tenant --base``): a fleet of 300 tenants
#: with 20 partner files each is 6,000 small files.
MAX_TREE_FILES = 50_000
MAX_TREE_BYTES = 512 * 1024 * 1024


def yaml_files_at(revision: str, path: Path) -> list[tuple[PurePosixPath, bytes]]:
    """Every YAML file under the directory ``path`` at ``revision``, by its path relative to
    ``path``, with its bytes: the discovery rules of `documents_at` (``*.yaml``/``*.yml``, no
    hidden files or directories, no symlinks). Two git processes; nothing is checked out.

    Raises `B2BLintError` (exit 2) for an unknown revision, a path outside a repository, a
    missing git, or a tree beyond `MAX_TREE_FILES` / `MAX_TREE_BYTES`.
    """
    if revision.startswith("-"):
        raise B2BLintError(f"--base: '{revision}' is not a revision")
    root, commit, prefix = _locate(revision, path, str(path))
    listing = _git(["ls-tree", "-r", "-z", "-l", "--full-tree", commit, "--", prefix], root)
    blobs: list[tuple[str, PurePosixPath]] = []
    total = 0
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.decode("utf-8", "surrogateescape").partition("\t")
        mode, kind, oid, size = meta.split()
        inside = PurePosixPath(name) if prefix == "." else PurePosixPath(name).relative_to(prefix)
        if kind != "blob" or mode == _SYMLINK_MODE or not _wanted(inside):
            continue
        if inside.is_absolute() or any(part in ("", ".", "..") for part in inside.parts):
            raise B2BLintError(f"{revision}:{name}: not a plain path inside the tree")
        total += int(size)
        blobs.append((oid, inside))
        if len(blobs) > MAX_TREE_FILES or total > MAX_TREE_BYTES:
            raise B2BLintError(
                f"{revision}:{prefix}: more than {MAX_TREE_FILES} YAML files or "
                f"{MAX_TREE_BYTES // (1024 * 1024)} MiB"
            )
    contents = _cat(root, [oid for oid, _ in blobs])
    return [(inside, content) for (_, inside), content in zip(blobs, contents, strict=True)]
