"""GitHub Actions workflow commands: each finding becomes an annotation on the PR's diff.

``::error file=F,line=L,col=C,title=ID name::message`` (``::warning`` for warnings). GitHub
parses these from the job log, so values are escaped as the Actions toolkit does: data
escapes ``%``, CR and LF; property values also ``:`` and ``,`` (which would otherwise end the
value). Related locations go into the message, one per line. The log viewer also renders
ANSI escape sequences, which GitHub's escaping leaves alone: every value goes through
`b2blint.printable.printable` first (ESC and other controls become visible ``\\x1b`` text).
Spec: https://docs.github.com/actions/reference/workflows-and-actions/workflow-commands
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath
from typing import TYPE_CHECKING

from b2blint.diagnostics import Diagnostic, Severity
from b2blint.printable import printable
from b2blint.report.text import summary

if TYPE_CHECKING:
    from b2blint.lint.engine import LintResult
    from b2blint.rules._rule import Rule

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning"}


def escape_data(value: str) -> str:
    """GitHub's escaping for a command's message (``%``, CR, LF)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """GitHub's escaping for a property value (also ``:`` and ``,``)."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def annotation(d: Diagnostic) -> str:
    properties = {
        "file": printable(PurePath(d.file).as_posix()),
        "line": str(d.line),
        "col": str(d.column),
        "title": printable(f"{d.rule_id} {d.rule_name}"),
    }
    message = printable(d.message)
    for related in d.related:
        where = related.location
        message += (
            f"\n{printable(PurePath(where.file).as_posix())}:{where.position.line}:"
            f"{where.position.column}: {printable(related.message)}"
        )
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{_COMMAND[d.severity]} {props}::{escape_data(message)}"


def render(result: LintResult, rules: Sequence[Rule], *, quiet: bool = False) -> str:
    """The annotations, then the plain summary line for the log (dropped with ``quiet``)."""
    lines = [annotation(d) for d in result.diagnostics]
    if not quiet:
        lines.append(summary(result))
    return "\n".join(lines) + "\n" if lines else ""
