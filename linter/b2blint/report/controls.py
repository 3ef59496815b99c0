"""Per-control verdicts (`b2blint.lint.profiles.ControlResult`) as text and as JSON data.

``lint --profile`` and ``audit`` print this after the findings in the text format, and add it
as the ``controls`` key of the JSON format; the rich per-profile summary is the HTML report's.
A control is ``passed``, ``failed`` (with its findings' locations) or ``not checked: why``;
a documented conflict with another baseline or rule is shown with the control.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from b2blint.lint.profiles import FAILED, NOT_CHECKED, PASSED, PROFILES, ControlResult
from b2blint.printable import printable

_WORD = {PASSED: "passed", FAILED: "FAILED", NOT_CHECKED: "not checked"}


def counts(results: Sequence[ControlResult]) -> dict[str, int]:
    found = {PASSED: 0, FAILED: 0, NOT_CHECKED: 0}
    for result in results:
        found[result.status] += 1
    return found


def render_text(results: Sequence[ControlResult]) -> str:
    """One block per profile: a line per control, then the totals."""
    if not results:
        return ""
    lines: list[str] = []
    profile = None
    for result in results:
        if result.control.profile != profile:
            profile = result.control.profile
            lines += ["", f"Profile {profile}: {PROFILES[profile].title}"]
        control = result.control
        line = f"  {control.id:<18} {_WORD[result.status]:<11} {control.title} ({result.rule_id})"
        lines.append(line)
        if result.reason:
            lines.append(f"      why: {printable(result.reason)}")
        for finding in result.findings:
            lines.append(f"      at {printable(finding.file)}:{finding.line}:{finding.column}")
        if result.conflict and result.status != PASSED:
            lines.append(f"      conflict: {result.conflict}")
    total = counts(results)
    lines += [
        "",
        f"Controls: {total[PASSED]} passed, {total[FAILED]} failed, "
        f"{total[NOT_CHECKED]} not checked.",
    ]
    return "\n".join(lines[1:]) + "\n"


def to_json(results: Sequence[ControlResult]) -> list[dict[str, Any]]:
    """The verdicts as JSON-ready data (the ``controls`` key of the JSON report)."""
    items: list[dict[str, Any]] = []
    for result in results:
        control = result.control
        item: dict[str, Any] = {
            "id": control.id,
            "profile": control.profile,
            "title": control.title,
            "document": control.document,
            "version": control.version,
            "requirement": control.requirement,
            "graphProperty": control.graph_property,
            "rule": result.rule_id,
            "status": result.status,
        }
        if result.reason:
            item["reason"] = result.reason
        if result.findings:
            item["findings"] = [
                {"file": d.file, "line": d.line, "column": d.column, "message": d.message}
                for d in result.findings
            ]
        if result.conflict:
            item["conflict"] = result.conflict
        items.append(item)
    return items
