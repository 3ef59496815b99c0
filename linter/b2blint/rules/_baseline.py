"""The shape most BSL rules share: one policy setting, judged against what baselines want.

Each rule module keeps its ID, docs, controls, the test of the value and the words of its
message; this module only turns those into the `check` and the `Rule`, so that every
single-setting baseline rule reads, locates and tags its finding the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from b2blint.diagnostics import Severity
from b2blint.policy.model import Policy
from b2blint.rules._controls import ref_at, tagged, value_at
from b2blint.rules._rule import Check, Context, Finding, Rule, Visit


def setting_check(
    path: tuple[str, ...],
    passes: Callable[[Any], bool],
    message: Callable[[Any], str],
    controls: tuple[str, ...],
    *,
    at_key: bool = False,
) -> Check:
    """A check that reports ``path`` when it is written and ``passes(value)`` is false.

    An absent setting is not reported (the control is "not checked", never "passed");
    ``at_key`` points the finding at the key rather than at the value.
    """

    def check(policy: Policy, ctx: Context) -> Iterator[Finding]:
        present, value = value_at(policy, path)
        at = ref_at(policy, path)
        if not present or at is None or passes(value):
            return
        yield Finding(at.at_key() if at_key else at, tagged(message(value), controls))

    return check


def baseline_rule(
    *, id: str, name: str, summary: str, doc: str, check: Check, controls: tuple[str, ...]
) -> Rule:
    """A profile rule: an error on the policy, run only when a profile enables its controls."""
    return Rule(
        id=id,
        name=name,
        severity=Severity.ERROR,
        summary=summary,
        doc=doc,
        visits=Visit.POLICY,
        check=check,
        controls=controls,
    )
