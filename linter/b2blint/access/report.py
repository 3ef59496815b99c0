"""Verdicts and policy-test results as people read them on a terminal.

Names, questions and reasons quote the YAML: each goes through `printable`, so a test name
cannot add lines or send terminal escape sequences.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from b2blint.access.simulate import ERROR_TEXT, Verdict
from b2blint.printable import printable

if TYPE_CHECKING:  # simulate's answer needs no policy-test code (its import is ~7 ms)
    from b2blint.access.policytest import TestResult

_WIDTH = 12


def _field(label: str, lines: Sequence[str]) -> list[str]:
    out = []
    for index, line in enumerate(lines):
        head = f"{label}:" if index == 0 else ""
        out.append(f"  {head:<{_WIDTH}}{printable(line)}")
    return out


def verdict_text(verdict: Verdict) -> str:
    """``BLOCKED  <question>`` then error, why, decided by and notes, one per line."""
    lines = [f"{verdict.verdict.upper()}  {printable(verdict.question)}"]
    if verdict.error:
        meaning = ERROR_TEXT.get(verdict.error)
        lines += _field("error", [f"{verdict.error} ({meaning})" if meaning else verdict.error])
    lines += _field("why", [verdict.reason])
    lines += _field("decided by", [decider.text() for decider in verdict.decided_by])
    if verdict.notes:
        lines += _field("note", list(verdict.notes))
    return "\n".join(lines) + "\n"


def results_text(results: Sequence[TestResult]) -> str:
    """One line per test (PASS/FAIL file:line name), the reason under each failure, a summary."""
    lines: list[str] = []
    for result in results:
        location = result.case.expect_ref.location()
        where = f"{printable(location.file)}:{location.position.line}"
        name = printable(result.case.name)
        if result.passed:
            lines.append(f"PASS  {where}  {name}")
            continue
        lines.append(f"FAIL  {where}  {name}")
        lines.append(f"      {printable(result.detail())}")
        if result.verdict is not None:
            lines.extend(
                f"      decided by: {printable(d.text())}" for d in result.verdict.decided_by
            )
    failed = sum(1 for r in results if not r.passed)
    lines.append(f"{len(results) - failed} passed, {failed} failed.")
    return "\n".join(lines) + "\n"
