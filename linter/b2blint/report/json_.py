"""Machine-readable findings: ``{"version": 1, "findings": [...], "summary": {...}}``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from b2blint.diagnostics import Severity
from b2blint.printable import json_document

if TYPE_CHECKING:
    from b2blint.lint.engine import LintResult
    from b2blint.rules._rule import Rule

FORMAT_VERSION = 1


def render(result: LintResult, rules: Sequence[Rule]) -> str:
    findings: list[dict[str, Any]] = []
    controls = {rule.id: rule.controls for rule in rules if rule.controls}
    for d in result.diagnostics:
        item: dict[str, Any] = {
            "rule": d.rule_id,
            "name": d.rule_name,
            "severity": d.severity.value,
            "file": d.file,
            "line": d.line,
            "column": d.column,
            "message": d.message,
            "path": d.location.json_path,
        }
        if d.related:
            item["related"] = [
                {
                    "file": r.location.file,
                    "line": r.location.position.line,
                    "column": r.location.position.column,
                    "path": r.location.json_path,
                    "message": r.message,
                }
                for r in d.related
            ]
        if d.fixable:
            item["fixable"] = True
        if d.rule_id in controls:  # baseline control IDs a profile rule checks
            item["controls"] = list(controls[d.rule_id])
        findings.append(item)
    payload = {
        "version": FORMAT_VERSION,
        "findings": findings,
        "summary": {
            "files": len(result.files),
            "errors": result.count(Severity.ERROR),
            "warnings": result.count(Severity.WARNING),
        },
    }
    # JSON escapes control characters itself; a lone surrogate (a non-UTF-8 file name) would
    # make the document unencodable (attack F4).
    return json_document(json.dumps(payload, indent=2, ensure_ascii=False)) + "\n"
