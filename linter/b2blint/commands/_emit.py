"""Write a lint report where the user asked: stdout, or a file written atomically.

Shared by every command that reports findings (lint, and apply's lint gate), so ``--format
auto``, ``--output``, colour and ``--quiet`` behave the same everywhere.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from b2blint.commands._options import detail, echo, is_quiet, note, use_color
from b2blint.report import accepts, get_reporter
from b2blint.report.text import summary

if TYPE_CHECKING:
    from b2blint.lint.config import Config
    from b2blint.lint.engine import LintResult
    from b2blint.report.context import ReportContext
    from b2blint.rules._rule import Rule

AUTO = "auto"


def resolve_format(name: str) -> str:
    """``auto``: GitHub annotations under GitHub Actions (``GITHUB_ACTIONS=true``), else text."""
    if name != AUTO:
        return name
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def write_report(
    result: LintResult,
    rules: Sequence[Rule],
    output_format: str,
    output: str | None = None,
    *,
    config: Config | None = None,
    context: ReportContext | None = None,
) -> None:
    """Render ``result`` and send it to ``output`` (atomically) or to stdout.

    Formats that describe the run (html, junit) get ``context``; without one, a context is
    built from ``config`` (`b2blint.report.context.for_lint`: its size limit, the rules run).
    """
    name = resolve_format(output_format)
    if context is None and config is not None and accepts(name, "context"):
        from b2blint.report.context import for_lint

        context = for_lint(config, rules)
    detail(f"linted {len(result.files)} files with {len(rules)} rules; format {name}")
    for file in result.files:
        detail(f"  {file}", level=2)
    if output is None:
        color = use_color(sys.stdout)
        report = get_reporter(name, color=color, quiet=is_quiet(), context=context)(result, rules)
        echo(report, nl=False)
        return
    # tempfile costs 3 ms: only for --output
    from b2blint.files.fsutil import atomic_write_text, check_output_target

    check_output_target(output)  # a device, FIFO or read-only file is refused, not replaced
    report = get_reporter(name, quiet=is_quiet(), context=context)(result, rules)
    try:
        atomic_write_text(Path(output), report)
    except OSError as error:
        from b2blint.errors import B2BLintError

        raise B2BLintError(f"{output}: cannot write: {error.strerror or error}") from None
    note(f"wrote the {name} report to {output}: {summary(result)}")
