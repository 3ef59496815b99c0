"""``file:line:col: RULE [severity] message`` — one line per finding, editor-clickable."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from b2blint.diagnostics import Severity

if TYPE_CHECKING:
    from b2blint.engine import LintResult
    from b2blint.rules._rule import Rule


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def render(result: LintResult, rules: Sequence[Rule]) -> str:
    lines = [
        f"{d.file}:{d.line}:{d.column}: {d.rule_id} [{d.severity.value}] {d.message}"
        for d in result.diagnostics
    ]
    errors = result.count(Severity.ERROR)
    warnings = result.count(Severity.WARNING)
    files = _plural(len(result.files), "file")
    if errors or warnings:
        fixable = sum(1 for d in result.diagnostics if d.fixable)
        summary = f"Found {_plural(errors, 'error')} and {_plural(warnings, 'warning')} in {files}."
        if fixable:
            summary += f" {fixable} fixable with --fix."
        lines.append(summary)
    else:
        lines.append(f"All checks passed ({files}).")
    return "\n".join(lines) + "\n"
