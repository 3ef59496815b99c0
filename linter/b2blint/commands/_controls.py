"""Write a findings report with the profiles' control verdicts (``lint --profile``, ``audit``).

The findings are rendered by the usual reporter; the text format gets the control block of
`b2blint.report.controls.render_text` after them, the JSON format a ``controls`` key (and, for
``audit``, an ``audit`` key: tenant, requests, sections not read). Other formats are left as
the reporter writes them (SARIF carries the control IDs as tags; the HTML report has its own
per-profile summary).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from b2blint.commands._emit import resolve_format
from b2blint.commands._options import is_quiet, note, use_color
from b2blint.lint.profiles import FAILED, NOT_CHECKED, ControlResult
from b2blint.printable import json_document
from b2blint.report import accepts, get_reporter
from b2blint.report.controls import render_text, to_json

if TYPE_CHECKING:
    from b2blint.lint.config import Config
    from b2blint.lint.engine import LintResult
    from b2blint.rules._rule import Rule


def render(
    result: LintResult,
    rules: Sequence[Rule],
    output_format: str,
    controls: Sequence[ControlResult],
    extra: Mapping[str, Any] | None = None,
    *,
    color: bool = False,
    config: Config | None = None,
) -> str:
    name = resolve_format(output_format)
    context = None
    if accepts(name, "context"):  # html, junit: the verdicts go into the report itself
        from b2blint.report.context import for_lint, with_controls

        context = with_controls(for_lint(config, rules) if config else None, controls, extra)
    report = get_reporter(name, color=color, quiet=is_quiet(), context=context)(result, rules)
    if name == "text":
        block = render_text(controls)
        return report + ("\n" + block if block and report else block)
    if name == "json":
        payload = json.loads(report)
        payload["controls"] = to_json(controls)
        if extra:
            payload.update(extra)
        return json_document(json.dumps(payload, indent=2, ensure_ascii=False)) + "\n"
    return report


def write_with_controls(
    result: LintResult,
    rules: Sequence[Rule],
    output_format: str,
    output: str | None,
    controls: Sequence[ControlResult],
    *,
    extra: Mapping[str, Any] | None = None,
    config: Config | None = None,
) -> None:
    """Render and send to ``output`` (atomically) or stdout, like `_emit.write_report`."""
    if output is None:
        color = use_color(sys.stdout)
        text = render(result, rules, output_format, controls, extra, color=color, config=config)
        click.echo(text, nl=False, color=True)
        return
    from b2blint.errors import B2BLintError
    from b2blint.files.fsutil import atomic_write_text, check_output_target

    check_output_target(output)
    text = render(result, rules, output_format, controls, extra, config=config)
    try:
        atomic_write_text(Path(output), text)
    except OSError as error:
        raise B2BLintError(f"{output}: cannot write: {error.strerror or error}") from None
    note(f"wrote the {resolve_format(output_format)} report to {output}")


def exit_code(result: LintResult, controls: Sequence[ControlResult], strict: bool) -> int:
    """1 on error findings (warnings with ``strict``) or a failed control (one may fail with no
    finding: a section the live tenant does not have); ``strict`` also fails a control that
    could not be checked, since it was not shown to pass."""
    code = result.exit_code(strict)
    if any(c.status == FAILED for c in controls):
        return 1
    if strict and any(c.status == NOT_CHECKED for c in controls):
        return 1
    return code
