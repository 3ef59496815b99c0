"""## What it does
Reports a suppression comment that cannot do what it says: it names no rule (a typo such as
`XTA0011`, or a retired ID), it cannot be read (`# b2blint: disabel=XTA011`, a missing
`=ID`), `disable` stands on a line without YAML, or `disable-file` is not in the comment block
at the top of the file. Every comment that starts with `# b2blint:` is read as a directive.
The finding points at the column of the problem: the unknown rule, or the comment.

A malformed comment is reported here rather than as B2B001 (unused) because it is a mistake
to correct, not a comment to delete: its author meant to disable something.

## Why is this bad?
A suppression that names no rule disables nothing, so the finding it was written for is
still reported (or, worse, the author believes a deliberate exception is recorded when it is
not). Silently ignoring a misspelled directive is how suppressions rot.

## How to fix
Correct the comment. The syntax is `# b2blint: disable=ID[,ID] -- reason` at the end of the
line, `# b2blint: disable-next-line=ID[,ID] -- reason` on a line of its own above it, or
`# b2blint: disable-file[=ID,...] -- reason` in the comment block at the top of the file. Rule
IDs and names are listed by `b2blint rules`. B2B001 and B2B002 themselves are configured in
the config file (`[tool.b2blint.rules]`), not by comments.

## References
- Suppression syntax: [Suppressing a finding](../configuration.md#suppressing-a-finding)
- ESLint reports unused and unknown disable directives the same way:
  https://eslint.org/docs/latest/use/command-line-interface#--report-unused-disable-directives
"""

from __future__ import annotations

from b2blint.diagnostics import Severity
from b2blint.rules._rule import Rule

RULE = Rule(
    id="B2B002",
    name="unknown-rule-in-suppression",
    severity=Severity.ERROR,
    summary="A suppression comment names no rule or cannot be read.",
    doc=__doc__ or "",
)
