"""Lint a whole policy tree but report only what concerns some of its files.

pre-commit passes the files a commit changes, yet cross-file rules (a partner declared in two
files, the tenant-wide sections that may appear once) need the whole tree: linting only the
changed files would miss a duplicate of an untouched file and could report a missing
``tenant`` section that lives in another file. So ``lint --tree DIR FILE...`` lints all of DIR
and keeps the findings located in one of the FILEs or pointing at one of them through a
related location. Findings only in untouched files are left to CI (``b2blint lint``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from b2blint.diagnostics import Diagnostic
    from b2blint.lint.engine import LintResult


def _key(file: str) -> Path:
    return Path(file).resolve()


def _involves(diagnostic: Diagnostic, wanted: set[Path]) -> bool:
    files = [diagnostic.file, *(r.location.file for r in diagnostic.related)]
    return any(_key(file) in wanted for file in files)


def only_involving(result: LintResult, files: Iterable[str]) -> LintResult:
    """``result`` with only the findings (and fixes) that involve ``files``."""
    wanted = {_key(file) for file in files}
    kept = tuple(d for d in result.diagnostics if _involves(d, wanted))
    keep = set(map(id, kept))
    return result._replace(
        diagnostics=kept,
        fixes=tuple((d, fix) for d, fix in result.fixes if id(d) in keep),
    )
