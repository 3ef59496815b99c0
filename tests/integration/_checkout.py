"""A throwaway git repository holding a copy of this checkout's working tree.

Integration tests install b2blint the way users do (pre-commit clones a repository; ``build``
makes an sdist and a wheel). They work on a copy so that they test exactly the files on disk,
committed or not, never write into the developer's tree (``build/``, ``*.egg-info``) and never
run git in it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: Never part of a clean clone (what .gitignore lists): anywhere ...
IGNORED_NAMES = (
    ".git",
    "__pycache__",
    "*.pyc",
    "*.egg-info",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".hypothesis",
)
#: ... and at these places: local environments and build output.
IGNORED_PATHS = frozenset({".venv", "venv", "build", "dist", "bench/out"})


def _ignore(directory: str, names: list[str]) -> set[str]:
    ignored = set(shutil.ignore_patterns(*IGNORED_NAMES)(directory, names))
    relative = Path(directory).resolve().relative_to(ROOT)
    ignored.update(name for name in names if (relative / name).as_posix() in IGNORED_PATHS)
    return ignored


GIT_IDENTITY = (
    "-c", "user.name=b2blint tests",
    "-c", "user.email=tests@b2blint.invalid",
    "-c", "commit.gpgsign=false",
    "-c", "init.defaultBranch=main",
    "-c", "core.hooksPath=/dev/null",
)  # fmt: skip


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment minus git's per-repository variables (set when run inside a hook)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(extra or {})
    return env


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        ["git", *GIT_IDENTITY, *args],
        cwd=cwd,
        env=clean_env(),
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def copy_checkout(dest: Path) -> Path:
    """Copy the working tree (as a clean clone would have it) to ``dest``."""
    shutil.copytree(ROOT, dest, ignore=_ignore, symlinks=True)
    return dest


def commit_all(repo: Path, message: str = "snapshot") -> str:
    """``git init`` (if needed), add everything, commit; return the commit id."""
    if not (repo / ".git").exists():
        git("init", "-q", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-q", "--allow-empty", "-m", message, cwd=repo)
    return git("rev-parse", "HEAD", cwd=repo).strip()
