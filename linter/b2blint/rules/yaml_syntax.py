"""## What it does
Reports a policy file that is not valid YAML: a syntax error, a duplicate key, a tab used for
indentation, a file with more than one YAML document, or a key that is not a plain value.

## Why is this bad?
A file that does not parse cannot be checked or applied. Duplicate keys are worse than an
error: most YAML loaders silently keep the last value, so a reviewer reads one setting while
another is deployed.

## How to fix
Correct the YAML at the reported line and column. Indent with spaces; keep one value per key;
split several documents (`---`) into separate files.

## References
- YAML 1.2.2 specification, §3.2.1.1 (keys are unique), §6.1 (indentation uses spaces):
  https://yaml.org/spec/1.2.2/
"""

from __future__ import annotations

from b2blint.diagnostics import Severity
from b2blint.rules._rule import Rule

RULE = Rule(
    id="SYN001",
    name="yaml-syntax",
    severity=Severity.ERROR,
    summary="The file is not valid YAML (syntax error, duplicate key, tab indentation).",
    doc=__doc__ or "",
)
