"""Two-sided ``simulate`` with the resource tenant's Conditional Access context (issue 14 item 4).

`two_sided` evaluates the resource tenant's half as that tenant's own inbound question, so its
Conditional Access context decides there exactly as in a one-tenant simulation
(authentication-conditional-access [S130]: without MFA trust "Access is blocked for B2B direct
connect users", AADSTS90071 [S31]). The context sits in the resource tenant's own files of the
fleet; the home tenant's context is never used (its Conditional Access does not apply to a
sign-in into another tenant).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import run_cli
from tests.fleet.test_fleet_pairs import fleet, setting, tenant
from tests.policies import CONTOSO, FABRIKAM, write_file

#: Contoso's context: one enforced policy requiring MFA of B2B direct connect users (line 3).
REQUIRE_MFA = """\
b2blint: 1
conditionalAccessPolicies:
  - id: 0d7b2c1e-5a4f-4e3b-9c2d-1f0e9d8c7b6a
    displayName: Require MFA for direct connect users
    state: enabled
    conditions:
      clientAppTypes: [all]
      applications: {includeApplications: [All]}
      users:
        includeGuestsOrExternalUsers:
          guestOrExternalUserTypes: b2bDirectConnectUser
          externalTenants:
            '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants'
            membershipKind: all
    grantControls: {operator: OR, builtInControls: [mfa]}
"""
BOTH_WAYS = setting("b2bDirectConnectInbound", "allowed") + setting(
    "b2bDirectConnectOutbound", "allowed"
)
#: Fabrikam's users reach Contoso's shared channels; Contoso does not trust Fabrikam's MFA.
QUESTION = (
    "simulate", "--partner", "Fabrikam", "--kind", "b2b-direct-connect", "--app", "Office365",
    "--format", "json",
)  # fmt: skip


def _fleet(tmp_path: Path, *, context: bool) -> Path:
    contoso = tenant(CONTOSO, "Contoso", FABRIKAM, "Fabrikam", BOTH_WAYS)  # no MFA trust
    fabrikam = tenant(FABRIKAM, "Fabrikam", CONTOSO, "Contoso", BOTH_WAYS)
    root = fleet(tmp_path, contoso, fabrikam)
    if context:
        write_file(root, "tenants/contoso/context/conditional-access.yaml", REQUIRE_MFA)
    return root


def _answer(root: Path, *args: str) -> dict[str, Any]:
    run = run_cli([*args], cwd=root)
    assert run.exit_code == 0, run.stderr
    data: dict[str, Any] = json.loads(run.stdout)
    return data


def test_resource_tenants_ca_blocks_direct_connect_without_mfa_trust(tmp_path: Path) -> None:
    root = _fleet(tmp_path, context=True)
    answer = _answer(root, *QUESTION, "--tenant", "contoso", "--direction", "inbound")
    assert (answer["verdict"], answer["error"]) == ("blocked", "AADSTS90071")
    assert answer["question"].startswith("Fabrikam -> Contoso · B2B direct connect (both tenants)")
    assert answer["reason"].startswith("Contoso's inbound B2B direct connect blocks it.")
    assert (
        "Conditional Access for B2B direct connect users: 'Require MFA for direct connect users'"
        in answer["reason"]
    )
    assert {
        "file": "tenants/contoso/context/conditional-access.yaml",
        "line": 3,
        "path": "$.conditionalAccessPolicies[0]",
        "displayName": "Require MFA for direct connect users",
    } in answer["decidedBy"]
    assert answer["notes"] == []  # no "not in these files": both sides are
    # The same sign-in asked from the home tenant (outbound) reads Contoso's context too.
    home = _answer(root, *QUESTION[:2], "Contoso", *QUESTION[3:], "--tenant", "fabrikam",
                   "--direction", "outbound")  # fmt: skip
    assert home == answer


def test_without_the_policy_both_sides_allow(tmp_path: Path) -> None:
    root = _fleet(tmp_path, context=False)
    answer = _answer(
        root, *QUESTION, "--tenant", "contoso", "--direction", "inbound", "--no-mfa-required"
    )
    assert (answer["verdict"], answer["error"]) == ("allowed", None)
    assert answer["reason"].startswith("both tenants allow it.")
    assert not any("conditional-access" in str(d.get("file")) for d in answer["decidedBy"])


def test_with_a_policy_that_does_not_cover_direct_connect_users_both_sides_allow(
    tmp_path: Path,
) -> None:
    root = _fleet(tmp_path, context=True)
    context = root / "tenants/contoso/context/conditional-access.yaml"
    context.write_text(
        context.read_text("utf-8").replace(
            "guestOrExternalUserTypes: b2bDirectConnectUser",
            "guestOrExternalUserTypes: b2bCollaborationGuest",
        ),
        "utf-8",
    )
    answer = _answer(root, *QUESTION, "--tenant", "contoso", "--direction", "inbound")
    assert (answer["verdict"], answer["error"]) == ("allowed", None)
    assert "Conditional Access for B2B direct connect users" in answer["reason"]


def test_the_home_tenants_context_does_not_decide(tmp_path: Path) -> None:
    root = _fleet(tmp_path, context=False)
    write_file(root, "tenants/fabrikam/context/conditional-access.yaml", REQUIRE_MFA)
    answer = _answer(root, *QUESTION, "--tenant", "contoso", "--direction", "inbound")
    # Fabrikam (home) requires MFA of direct connect users coming *into Fabrikam*; Contoso's
    # files have no context, so Contoso's missing MFA trust leaves the verdict open.
    assert (answer["verdict"], answer["error"]) == ("depends", "AADSTS90071")
    assert not any("conditional-access" in str(d.get("file")) for d in answer["decidedBy"])


def test_the_fleet_lint_reads_the_tenants_context_too(tmp_path: Path) -> None:
    root = _fleet(tmp_path, context=True)
    run = run_cli(["lint", "--no-color", "--select", "XTA003"], cwd=root)
    [contoso] = [line for line in run.stdout.splitlines() if line.startswith("tenants/contoso/")]
    assert contoso.startswith("tenants/contoso/tenant.yaml:7:7: XTA003 [error] partner Fabrikam")
    assert (
        "Conditional Access policy 'Require MFA for direct connect users' "
        "(tenants/contoso/context/conditional-access.yaml:3) requires MFA" in contoso
    )


def test_the_resource_tenants_context_notes_are_kept(tmp_path: Path) -> None:
    # A report-only policy of the resource tenant is a note (never enforced), as one-sided; the
    # one-sided caveat "not in these files" is not.
    root = _fleet(tmp_path, context=True)
    context = root / "tenants/contoso/context/conditional-access.yaml"
    context.write_text(
        context.read_text("utf-8").replace(
            "state: enabled", "state: enabledForReportingButNotEnforced"
        ),
        "utf-8",
    )
    answer = _answer(
        root, *QUESTION, "--tenant", "contoso", "--direction", "inbound", "--mfa-required"
    )
    assert (answer["verdict"], answer["error"]) == ("allowed", None)
    assert (
        answer["notes"][0] == "the MFA assumption of the question is not used: the context decides"
    )
    assert answer["notes"][1].startswith(
        "report-only Conditional Access policy 'Require MFA for direct connect users'"
    )
    assert answer["notes"][1].endswith("(when enabled: blocked)")
    assert len(answer["notes"]) == 2
