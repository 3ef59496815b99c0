"""## What it does
Runs the policy tests (files whose top-level key is `b2blint-tests`, usually under
`policies/tests/`, see docs/policy-tests.md) against the policy of the same lint run, with the
access simulator (`b2blint simulate`), and reports every expectation that does not hold, at
its `expect:` line. A test that cannot run (for example it names a partner the policy does
not have) is reported at the property that is wrong.

The finding says what the simulator answered and why; the related locations are the settings
that decided the verdict.

A tree whose policy does not load (a policy file with a SYN001/SYN002 syntax error, or an
SCH001/SCH002 error that makes the schema pass reject it) cannot be simulated: without that
file the policy is not the one under test, and every test asking about it would fail for a
reason that is not its own. Then no test runs, and one TST001 finding says so, at the first
such problem (what to fix), naming the count; the test files (and any other file that keeps
the policy from loading) are its related locations.

## Why is this bad?
A policy test states access someone relies on ("Fabrikam's engineers can open our Teams
shared channels", "nobody from Tailspin can be invited"). When a change to the policy breaks
it, the pull request should fail before the change reaches the tenant, not after users meet
AADSTS500213 or "This invitation is blocked by cross-tenant access settings".

## How to fix
If the policy change is wrong, revert it. If the expectation is outdated, change the test
(its `expect:` and, if given, `error:`) in the same pull request, so the reviewer sees both.
`b2blint simulate` with the test's question shows the full reasoning.

## References
- How users and applications combine ("Interpreting the API response"):
  https://learn.microsoft.com/graph/api/resources/crosstenantaccesspolicy-overview
- Sign-in errors AADSTS500212 / AADSTS500213:
  https://learn.microsoft.com/entra/identity-platform/reference-error-codes
- Invitations and cross-tenant access settings:
  https://learn.microsoft.com/entra/external-id/cross-tenant-access-settings-b2b-collaboration
"""

from __future__ import annotations

from collections.abc import Iterator

from b2blint.diagnostics import Severity
from b2blint.files.document import Document
from b2blint.rules._rule import Context, Finding, Related, Rule, Visit


def check(document: Document, ctx: Context) -> Iterator[Finding]:
    # Imported here: the simulator uses rule helpers, so a top-level import would be circular.
    from b2blint.access.policytest import run_document

    for result in run_document(ctx.policy, document):
        if result.passed:
            continue
        if result.verdict is None:
            yield Finding(result.problem_ref or result.case.ref, result.failure())
            continue
        related = tuple(
            Related(decider.ref, "decided by this setting")
            for decider in result.verdict.decided_by
            if decider.ref is not None
        )
        yield Finding(result.case.expect_ref, result.failure(), related=related)


RULE = Rule(
    id="TST001",
    name="policy-test-failed",
    severity=Severity.ERROR,
    summary="A policy test's expected access verdict does not hold for this policy.",
    doc=__doc__ or "",
    visits=Visit.TESTS,
    check=check,
)
