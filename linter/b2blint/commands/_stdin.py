"""``b2blint lint -``: lint an editor's unsaved buffer (kept out of lint.py, the file path).

Editors lint what is on screen, not what is saved: the integration pipes the buffer to
``b2blint lint - --stdin-filename policies/partners/x.yaml`` (ruff's interface). Findings are
reported at that name; the rest of the tree is read from disk as context for the cross-file
rules, with the buffer in place of the file's saved copy, and only findings involving the
buffer are reported (as ``--tree`` does for pre-commit). Nothing is ever written:
``--fix`` prints the fixed buffer on stdout (the report goes to stderr) and ``--diff`` prints
the buffer's fixes as a diff.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from b2blint.errors import B2BLintError
from b2blint.files.discovery import STDIN, display_path, read_stdin

if TYPE_CHECKING:
    from b2blint.lint.config import Config
    from b2blint.lint.engine import LintResult

_BOM = b"\xef\xbb\xbf"


def check_usage(paths: tuple[str, ...], force: bool) -> None:
    """``-`` stands alone: the buffer is one file, the context comes from ``--tree``."""
    if any(path != STDIN for path in paths) or len(paths) > 1:
        raise B2BLintError(
            "lint -: read the buffer from stdin alone; give the tree as --tree DIR, not as a path"
        )
    if force:
        raise B2BLintError("--force: lint - writes no file (--fix prints the fixed buffer)")


def context_tree(name: str | None, tree: str | None) -> list[str]:
    """The tree read for context: ``--tree``, else ``policies/`` if the buffer's name is in it.

    A name outside the default tree with no ``--tree`` (or no name) is linted on its own.
    """
    from b2blint.lint.tree import DEFAULT_PATH

    if tree is not None:
        return [tree]
    if name is None or not Path(DEFAULT_PATH).is_dir():
        return []
    inside = Path(os.path.abspath(name))  # noqa: PTH100 - as display_path: no link resolution
    return [DEFAULT_PATH] if inside.is_relative_to(Path(DEFAULT_PATH).absolute()) else []


def _report_to_stderr(result: LintResult, output_format: str) -> None:
    from b2blint.commands._emit import resolve_format
    from b2blint.commands._options import is_quiet, use_color
    from b2blint.report import get_reporter
    from b2blint.rules import ALL_RULES

    reporter = get_reporter(
        resolve_format(output_format), color=use_color(sys.stderr), quiet=is_quiet()
    )
    click.echo(reporter(result, ALL_RULES), nl=False, err=True, color=True)


def lint_stdin(
    *,
    name: str | None,
    tree: str | None,
    config: Config,
    output_format: str,
    output: str | None,
    fix: bool,
    diff: bool,
    strict: bool,
) -> int:
    """Lint the buffer on stdin; with ``fix``/``diff``, print the fixed buffer or its diff."""
    from b2blint.files.document import MAX_FILE_BYTES
    from b2blint.lint.changed import only_involving
    from b2blint.lint.engine import lint_buffer

    display = display_path(Path(name)) if name is not None else STDIN
    context = context_tree(name, tree)
    raw = read_stdin(MAX_FILE_BYTES)
    result = lint_buffer(context, display, raw, config)
    if fix or diff:
        from b2blint.commands._options import note
        from b2blint.lint.fixer import fix_tree

        outcome = fix_tree(result, config, only={display})
        for message in outcome.notes:
            note(message)
        if diff:
            click.echo(outcome.diff(), nl=False)
            return 1 if outcome.changed else 0
        if outcome.changed:
            bom = _BOM if raw.startswith(_BOM) else b""
            raw = bom + outcome.texts[display].encode("utf-8")
            result = lint_buffer(context, display, raw, config)
        sys.stdout.buffer.write(raw)  # the buffer, fixed or as it came: the editor replaces it
        sys.stdout.buffer.flush()
    result = only_involving(result, [display])
    if fix and output is None:
        _report_to_stderr(result, output_format)  # stdout holds the buffer
    else:
        from b2blint.commands._emit import write_report
        from b2blint.rules import ALL_RULES

        write_report(result, ALL_RULES, output_format, output)
    return result.exit_code(strict)
