"""`b2blint simulate`, `b2blint test` and `b2blint diff` with Conditional Access context.

The bundled tree holds policies/context/conditional-access.yaml ("Require MFA for guests and
external users", enforced; an admin device policy that excludes guests; a report-only
phishing-resistant policy for Adatum's members). Expectations cite Microsoft's table
(authentication-conditional-access [S130]): without MFA trust "Access is blocked for B2B direct
connect users" (AADSTS90071 [S31]); "If device compliance is required but can't be evaluated,
access is blocked for both B2B collaboration and B2B direct connect users" (no code documented).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import POLICIES, run_cli

NORTHWIND_DIRECT = [
    "simulate", "--partner", "Northwind Traders", "--kind", "b2b-direct-connect",
    "--direction", "inbound", "--app", "Office365",
]  # fmt: skip
MFA_POLICY = {
    "file": "policies/context/conditional-access.yaml",
    "line": 11,
    "path": "$.conditionalAccessPolicies[0]",
    "displayName": "Require MFA for guests and external users",
}
DEVICE_FOR_GUESTS = """
  - displayName: Require compliant device for guests
    state: enabled
    conditions:
      clientAppTypes: [all]
      applications: {includeApplications: [All]}
      users: {includeUsers: [GuestsOrExternalUsers]}
    grantControls: {operator: OR, builtInControls: [compliantDevice]}
"""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copytree(POLICIES, tmp_path / "policies")
    return tmp_path


def _json(tree: Path, *args: str) -> dict[str, Any]:
    result = run_cli([*args, "--format", "json"], cwd=tree)
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def test_direct_connect_without_mfa_trust_is_blocked_by_the_named_policy(tree: Path) -> None:
    _edit(
        tree / "policies/partners/northwind-traders.yaml",
        "isMfaAccepted: true",
        "isMfaAccepted: false",
    )
    data = _json(tree, *NORTHWIND_DIRECT)
    # Was `depends` without context (test_simulate_cli): the context says MFA is required.
    assert (data["verdict"], data["error"]) == ("blocked", "AADSTS90071")
    assert data["decidedBy"][0] == MFA_POLICY
    assert (
        "Conditional Access for B2B direct connect users: 'Require MFA for guests and external "
        in data["reason"]
    )
    text = run_cli(NORTHWIND_DIRECT, cwd=tree).stdout
    assert (
        "  decided by: policies/context/conditional-access.yaml:11  "
        "$.conditionalAccessPolicies[0]  'Require MFA for guests and external users'\n" in text
    )


def test_device_requirement_blocks_guests_without_device_trust(tree: Path) -> None:
    context = tree / "policies/context/conditional-access.yaml"
    context.write_text(context.read_text("utf-8") + DEVICE_FOR_GUESTS, "utf-8")
    args = [
        "simulate",
        "--partner",
        "Adatum",
        "--kind",
        "b2b-collaboration",
        "--direction",
        "inbound",
        "--app",
        "Office365",
    ]
    assert _json(tree, *args)["verdict"] == "allowed"  # Adatum's device claims are trusted
    args[2] = "Fabrikam"
    data = _json(tree, *args, "--group", "fe222329-6889-495b-b149-4e18eb56a3c1")
    assert (data["verdict"], data["error"]) == ("blocked", None)
    assert "inboundTrust.isCompliantDeviceAccepted is not true" in data["reason"]
    assert "no error code is documented" in data["reason"]
    assert data["decidedBy"][0]["displayName"] == "Require compliant device for guests"


def test_report_only_policies_are_notes(tree: Path) -> None:
    data = _json(
        tree, "simulate", "--partner", "Adatum", "--kind", "b2b-collaboration",
        "--direction", "inbound", "--user-type", "b2bCollaborationMember",
        "--app", "AllApplications",
    )  # fmt: skip
    assert data["verdict"] == "allowed"
    assert [n for n in data["notes"] if n.startswith("report-only")] == [
        "report-only Conditional Access policy 'Phishing-resistant MFA for Adatum members "
        "(report-only)' (policies/context/conditional-access.yaml:56) requires the "
        "authentication strength 'Phishing-resistant MFA': met only if the user has one of its "
        "methods in the home tenant (when enabled: depends)"
    ]


def test_user_type_must_fit_the_kind(tree: Path) -> None:
    result = run_cli([*NORTHWIND_DIRECT, "--user-type", "b2bCollaborationGuest"], cwd=tree)
    assert result.exit_code == 2
    assert result.stderr == (
        "b2blint: error: --user-type b2bCollaborationGuest does not make a b2b-direct-connect "
        "sign-in across tenants (for b2b-direct-connect: b2bDirectConnectUser)\n"
    )
    invite = run_cli(
        ["simulate", "--invite", "a@fabrikam.com", "--user-type", "b2bCollaborationGuest"], cwd=tree
    )
    assert (invite.exit_code, invite.stderr) == (
        2,
        "b2blint: error: --user-type does not apply to --invite\n",
    )


def test_a_policy_test_with_a_wrong_user_type_is_sch001(tree: Path) -> None:
    tests = tree / "policies/tests/partners.yaml"
    _edit(tests, "    userType: b2bDirectConnectUser\n", "    userType: b2bCollaborationMember\n")
    result = run_cli(["lint", "--format", "json", "policies"], cwd=tree)
    [finding] = json.loads(result.stdout)["findings"]
    assert (result.exit_code, finding["rule"], finding["file"]) == (
        1,
        "SCH001",
        "policies/tests/partners.yaml",
    )
    assert finding["message"] == (
        "userType b2bCollaborationMember does not make a b2b-direct-connect sign-in across "
        "tenants (for b2b-direct-connect: b2bDirectConnectUser)"
    )


def test_the_policy_test_that_depends_on_the_context_fails_when_it_changes(tree: Path) -> None:
    # The guest MFA policy becomes a compliant-device policy (the only builtInControls: [mfa]).
    context = tree / "policies/context/conditional-access.yaml"
    _edit(context, "      builtInControls: [mfa]\n", "      builtInControls: [compliantDevice]\n")
    result = run_cli(["test", "policies"], cwd=tree)
    assert result.exit_code == 1
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAIL")]
    # Every guest and direct connect user must now bring a compliant device; only Adatum's
    # device claims are trusted, so its tests still pass.
    assert failed == [
        "FAIL  policies/tests/partners.yaml:15  Fabrikam's Falcon engineers can use Office 365 "
        "as guests",
        "FAIL  policies/tests/partners.yaml:49  Northwind Traders can join our Teams shared "
        "channels",
        "FAIL  policies/tests/partners.yaml:79  Tailspin's program liaisons can use Office 365 "
        "across clouds",
        "FAIL  policies/tests/partners.yaml:98  Northwind's direct connect users meet our MFA "
        "policy with home-tenant MFA",
    ]


def test_diff_shows_the_access_a_context_change_takes_away(tree: Path) -> None:
    shutil.copytree(tree / "policies", tree / "head")
    context = tree / "head/context/conditional-access.yaml"
    context.write_text(context.read_text("utf-8") + DEVICE_FOR_GUESTS, "utf-8")
    result = run_cli(["diff", "policies", "head", "--exit-code"], cwd=tree)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert (
        "  Northwind Traders · inbound B2B direct connect · users: all; apps: only Office365; "
        "MFA trust: yes → users: all; apps: only Office365; MFA trust: yes; Conditional Access: "
        "blocked by 'Require compliant device for guests'"
    ) in lines
