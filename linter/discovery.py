"""Find the policy files under the paths given on the command line."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from b2blint.errors import B2BLintError

YAML_SUFFIXES = (".yaml", ".yml")


def display_path(path: Path) -> str:
    """The path as the user should see it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _excluded(path: Path, patterns: Sequence[str]) -> bool:
    """Patterns from a config file are absolute (anchored at its directory); others relative."""
    if not patterns:
        return False
    text = display_path(path).replace(os.sep, "/")
    absolute = path.resolve().as_posix()
    return any(fnmatch.fnmatch(text, p) or fnmatch.fnmatch(absolute, p) for p in patterns)


def discover(paths: Iterable[str], exclude: Sequence[str] = ()) -> list[Path]:
    """Every YAML file under ``paths`` (files given explicitly are always included).

    Directories are searched recursively in sorted order; hidden directories are skipped.
    A path that does not exist, or a directory without YAML, is a usage error (exit 2).
    """
    found: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise B2BLintError(f"{raw}: no such file or directory")
        if path.is_file():
            candidates = [path]
        else:
            candidates = []
            for directory, subdirectories, files in os.walk(path):
                subdirectories[:] = sorted(d for d in subdirectories if not d.startswith("."))
                candidates.extend(
                    Path(directory, name)
                    for name in sorted(files)
                    if name.endswith(YAML_SUFFIXES) and not name.startswith(".")
                )
            candidates = [c for c in candidates if not _excluded(c, exclude)]
            if not candidates:
                raise B2BLintError(f"{raw}: no YAML files (*.yaml, *.yml) found")
        for candidate in candidates:
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found
