"""## What it does
Refuses YAML constructs that have no place in a reviewed policy file: anchors and aliases
(including merge keys `<<: *x`), explicit tags (`!!python/object`, `!Ref`, `!!str`), nesting
deeper than 100 levels, files over 5 MiB, and bytes that are not UTF-8.

## Why is this bad?
Aliases let one line expand into millions of values ("billion laughs") and let a value change
far from where a reviewer reads it. Tags ask a loader to construct objects; some loaders run
code for them. Oversized, over-deep and mis-encoded files are how parsers are made to hang or
crash. b2blint stops at the first such construct, before building anything.

## How to fix
Write each value where it is used, without tags. Save the file as UTF-8. Split very large
files: partners may be spread over any number of files.

## References
- CVE-2017-18342, CVE-2020-1747, CVE-2020-14343 (PyYAML object construction):
  https://github.com/advisories/GHSA-8q59-q68h-6hv4
- Billion laughs attack: https://en.wikipedia.org/wiki/Billion_laughs_attack
"""

from __future__ import annotations

from b2blint.diagnostics import Severity
from b2blint.rules._rule import Rule

RULE = Rule(
    id="SYN002",
    name="unsafe-yaml",
    severity=Severity.ERROR,
    summary="Anchors, aliases, tags, excessive nesting or size, or non-UTF-8 bytes are refused.",
    doc=__doc__ or "",
)
