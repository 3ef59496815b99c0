"""``--format csv``: one row per finding, for spreadsheets and audit trails.

RFC 4180: a header row, CRLF after every record, a field quoted (with ``"`` doubled) when it
holds a comma, a quote or a line break. Columns: ``severity, rule, name, file, line, column,
partner, path, message, controls`` (``partner`` is the label of the partner the finding is
about, empty for tenant-wide settings and files; ``controls`` the baseline control IDs the rule
checks, separated by spaces, empty for rules outside the profiles).

Every cell is untrusted text shown by a spreadsheet, so two more things are done to it:

* `printable`: control characters, bidi overrides and lone surrogates become visible escapes
  (a message stays one line; the file stays UTF-8);
* formula injection (CSV injection, OWASP): a cell that starts with ``=``, ``+``, ``-``, ``@``,
  a tab or a carriage return is prefixed with ``'``, so Excel, LibreOffice and Google Sheets
  show it as text instead of evaluating it (``=HYPERLINK(...)`` in a partner name stays text).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from b2blint.printable import printable
from b2blint.report.grouping import partner_labels

if TYPE_CHECKING:
    from b2blint.lint.engine import LintResult
    from b2blint.rules._rule import Rule

HEADER = (
    "severity", "rule", "name", "file", "line", "column", "partner", "path", "message", "controls",
)  # fmt: skip
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: str) -> str:
    """A text cell: printable, and a leading formula character neutralized."""
    if value.startswith(FORMULA_START):
        value = "'" + value
    return printable(value)


def render(result: LintResult, rules: Sequence[Rule]) -> str:
    controls = {rule.id: " ".join(rule.controls) for rule in rules if rule.controls}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(HEADER)
    partners = partner_labels(result.policy, result.diagnostics)
    for d, partner in zip(result.diagnostics, partners, strict=True):
        writer.writerow(
            (
                d.severity.value,
                cell(d.rule_id),
                cell(d.rule_name),
                cell(d.file),
                d.line,
                d.column,
                cell(partner),
                cell(d.location.json_path),
                cell(d.message),
                controls.get(d.rule_id, ""),
            )
        )
    return buffer.getvalue()
