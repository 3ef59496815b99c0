"""The ``--fix`` / ``--diff`` step of ``b2blint lint`` (kept out of lint.py, which others edit)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from b2blint.commands._options import note

if TYPE_CHECKING:
    from b2blint.lint.config import Config
    from b2blint.lint.engine import LintResult


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def run_fixes(
    result: LintResult,
    config: Config,
    *,
    write: bool,
    only: Sequence[str] | None = None,
    force: bool = False,
) -> bool:
    """Fix (or, without ``write``, print the diff); say what happened on stderr.

    Returns whether any file changes (or would change). ``only`` limits fixes to these files
    (``--tree`` mode: the whole tree is linted, only the named files are touched). ``force``
    also fixes read-only and hard-linked files (`b2blint.lint.fixer.write_fixes`).
    """
    from b2blint.files.discovery import display_path
    from b2blint.lint.fixer import fix_tree, write_fixes

    allowed = None if only is None else {display_path(Path(name)) for name in only}
    outcome = fix_tree(result, config, only=allowed)
    changed = outcome.changed
    if not write:
        click.echo(outcome.diff(), nl=False)
        if changed:
            note(
                f"would fix {_plural(outcome.fixed, 'finding')} in {_plural(len(changed), 'file')}"
            )
    else:
        written = write_fixes(outcome, force=force)
        if written:
            note(f"fixed {_plural(outcome.fixed, 'finding')} in {_plural(len(written), 'file')}")
    for message in outcome.notes:
        note(message)
    return bool(changed)
