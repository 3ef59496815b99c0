"""``file:line:col: RULE [severity] message`` — one line per finding, editor-clickable.

With ``color=True`` (the lint command decides: a terminal, no ``NO_COLOR``, no ``--no-color``)
the same lines are styled; the characters are otherwise identical, so a copied line still
parses. ``quiet=True`` drops the summary line: a clean run prints nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from b2blint.diagnostics import Diagnostic, Severity
from b2blint.printable import printable

if TYPE_CHECKING:
    from b2blint.lint.engine import LintResult
    from b2blint.rules._rule import Rule

_COLOR = {Severity.ERROR: "red", Severity.WARNING: "yellow"}
_SEVERITY_TEXT = {severity: severity.value for severity in Severity}  # .value is a slow lookup


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary(result: LintResult) -> str:
    """The last line: counts, or "All checks passed"."""
    errors = result.count(Severity.ERROR)
    warnings = result.count(Severity.WARNING)
    files = _plural(len(result.files), "file")
    if errors or warnings:
        fixable = sum(1 for d in result.diagnostics if d.fixable)
        text = f"Found {_plural(errors, 'error')} and {_plural(warnings, 'warning')} in {files}."
        if fixable:
            text += f" {fixable} fixable with --fix."
        return text
    return f"All checks passed ({files})."


def _line(d: Diagnostic, color: bool) -> str:
    # A file name or a quoted YAML key can hold any character: a finding stays one line and
    # cannot send terminal escape sequences (attack F5).
    file, message = printable(d.file), printable(d.message)
    if not color:
        return f"{file}:{d.line}:{d.column}: {d.rule_id} [{d.severity.value}] {message}"
    import click  # only for a terminal: a plain lint never imports click

    hue = _COLOR[d.severity]
    return (
        f"{click.style(file, bold=True)}:{d.line}:{d.column}: "
        f"{click.style(d.rule_id, fg=hue, bold=True)} "
        f"{click.style(f'[{d.severity.value}]', fg=hue)} {message}"
    )


def _plain_lines(diagnostics: Sequence[Diagnostic]) -> list[str]:
    """`_line` without color for every finding, each file name made printable once.

    A 5 MB file can hold 52,000 findings (issue 9 item 10), all in one file.
    """
    files: dict[str, str] = {}
    lines: list[str] = []
    append = lines.append
    for d in diagnostics:
        location = d.location
        file = files.get(location.file)
        if file is None:
            file = files[location.file] = printable(location.file)
        line, column = location.position
        severity = _SEVERITY_TEXT[d.severity]
        append(f"{file}:{line}:{column}: {d.rule_id} [{severity}] {printable(d.message)}")
    return lines


def render(
    result: LintResult, rules: Sequence[Rule], *, color: bool = False, quiet: bool = False
) -> str:
    if color:
        lines = [_line(d, color) for d in result.diagnostics]
    else:
        lines = _plain_lines(result.diagnostics)
    if not quiet:
        last = summary(result)
        if color:
            import click

            errors = result.count(Severity.ERROR)
            hue = "red" if errors else "yellow" if result.diagnostics else "green"
            last = click.style(last, fg=hue, bold=True)
        lines.append(last)
    return "\n".join(lines) + "\n" if lines else ""
