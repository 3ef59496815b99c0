"""## What it does
Reports a suppression comment (`# b2blint: disable=...`, `disable-next-line=...`,
`disable-file...`) that disabled nothing in this run: the rule it names reported no finding on
the line (or in the file) it covers. When only some of the rules it names are unused, the
finding points at the first of them. The fix removes the unused rules from the comment, or the
whole comment when none is used.

B2B001 is reported only when every file parsed and passed the structural schema checks
(otherwise the rules did not see everything), and only for rules that ran: linting with
`--select XTA003` does not report every other suppression as unused.

## Why is this bad?
A suppression outlives its reason: the partner entry was fixed, the rule was corrected, or
the comment moved one line away from the finding it was written for. A stale suppression is
a hole waiting for the next real finding on that line, and it tells reviewers that an
exception exists when it does not. (ruff reports the same thing as RUF100 `unused-noqa`.)

## How to fix
Delete the comment, or the rules in it that no longer apply (`b2blint lint --fix` does it).
If the comment sits on the wrong line, move it to the line the finding points at, or use
`disable-next-line` on the line above it.

## References
- Suppression syntax: [Suppressing a finding](../configuration.md#suppressing-a-finding)
- ruff RUF100 (unused-noqa): https://docs.astral.sh/ruff/rules/unused-noqa/
"""

from __future__ import annotations

from b2blint.diagnostics import Severity
from b2blint.rules._rule import Rule

RULE = Rule(
    id="B2B001",
    name="unused-suppression",
    severity=Severity.WARNING,
    summary="A suppression comment disabled nothing (the finding it was written for is gone).",
    doc=__doc__ or "",
    fixable=True,
)
