"""``b2blint audit`` against the emulator: controls judged from a live tenant, zero writes.

The emulator records every request it receives; every test here asserts that only GETs
arrived, so ``audit`` is shown read-only for the tenants it is run against.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from b2blint.fakegraph.server import RunningFake
from tests.conftest import run_cli
from tests.tenant.conftest import ALL_APPS, ALL_USERS, FABRIKAM, TENANT, live_partner

ALL_PROFILES = ("cisa-scuba", "cis-m365", "cis-azure", "eidsca", "zta")
MEMBER_ROLE = "a0b1b346-4d3e-4e8b-98f8-753987be4970"
RESTRICTED_ROLE = "2af84b1e-32c8-42b7-82bc-daa82404023b"
BLOCK_ALL = {
    "usersAndGroups": {"accessType": "blocked", "targets": [ALL_USERS]},
    "applications": {"accessType": "blocked", "targets": [ALL_APPS]},
}
ALLOW_ALL = {
    "usersAndGroups": {"accessType": "allowed", "targets": [ALL_USERS]},
    "applications": {"accessType": "allowed", "targets": [ALL_APPS]},
}


def _b2b_policy(domains: dict[str, Any]) -> dict[str, Any]:
    definition = {"B2BManagementPolicy": {"InvitationsAllowedAndBlockedDomainsPolicy": domains}}
    return {
        "id": "2dd8e1a2-6f8a-4b0e-9c55-3c9b7d0f1e11",
        "displayName": "B2BManagementPolicy",
        "definition": [json.dumps(definition)],
        "isOrganizationDefault": True,
    }


def _authorization(fake: RunningFake, **values: Any) -> dict[str, Any]:
    return {**fake.state()["authorizationPolicy"], **values}


def _non_compliant(fake: RunningFake) -> dict[str, Any]:
    """Everything the five profiles check set the wrong way."""
    return {
        "authorizationPolicy": _authorization(
            fake,
            allowInvitesFrom="everyone",
            guestUserRoleId=MEMBER_ROLE,
            allowEmailVerifiedUsersToJoinOrganization=True,
        ),
        "default": {
            "b2bCollaborationOutbound": ALLOW_ALL,
            "b2bDirectConnectOutbound": ALLOW_ALL,
            "tenantRestrictions": ALLOW_ALL,
        },
        "b2bManagementPolicies": [_b2b_policy({"BlockedDomains": ["competitor.example"]})],
        "partners": [live_partner(FABRIKAM, inboundTrust={"isMfaAccepted": True})],
    }


def _compliant(fake: RunningFake) -> dict[str, Any]:
    return {
        "authorizationPolicy": _authorization(
            fake,
            allowInvitesFrom="adminsAndGuestInviters",
            guestUserRoleId=RESTRICTED_ROLE,
            allowEmailVerifiedUsersToJoinOrganization=False,
        ),
        "default": {
            "b2bCollaborationOutbound": BLOCK_ALL,
            "b2bDirectConnectOutbound": BLOCK_ALL,
            "tenantRestrictions": BLOCK_ALL,
        },
        "b2bManagementPolicies": [_b2b_policy({"AllowedDomains": ["fabrikam.com"]})],
    }


def _audit(*args: str, cwd: Path | None = None) -> Any:
    profiles = [arg for name in ALL_PROFILES for arg in ("--profile", name)]
    return run_cli(["audit", "--tenant-id", TENANT, *profiles, *args], cwd=cwd)


def _only_gets(fake: RunningFake) -> None:
    assert fake.writes() == []
    assert fake.log() and {entry["method"] for entry in fake.log()} == {"GET"}


def _statuses(report: dict[str, Any]) -> dict[str, str]:
    return {item["id"]: item["status"] for item in report["controls"]}


def test_non_compliant_tenant_fails_every_control_and_makes_zero_writes(
    fake: RunningFake, tmp_path: Path
) -> None:
    fake.set_state(_non_compliant(fake))
    result = _audit("--format", "json", cwd=tmp_path)
    assert result.exit_code == 1, result.stderr
    report = json.loads(result.stdout)
    assert _statuses(report) == {
        "MS.AAD.8.1": "failed",
        "MS.AAD.8.2": "failed",
        "MS.AAD.8.3": "failed",
        "CIS.M365.5.1.6.1": "failed",
        "CIS.M365.5.1.6.2": "failed",
        "CIS.M365.5.1.6.3": "failed",
        "CIS.AZURE.6.15": "failed",
        "CIS.AZURE.6.16": "failed",
        "EIDSCA.AP04": "failed",
        "EIDSCA.AP06": "failed",
        "EIDSCA.AP07": "failed",
        "ZTA.21790": "failed",
        "ZTA.21791": "failed",
        "ZTA.21792": "failed",
        "ZTA.21793": "failed",
        "ZTA.21822": "failed",
        "ZTA.21874": "failed",
    }
    found = {
        (f["rule"], f["file"], f["line"]) for f in report["findings"] if f["rule"].startswith("BSL")
    }
    tenant_file = f"{TENANT}/tenant.yaml"
    assert {rule for rule, _, _ in found} == {f"BSL00{n}" for n in range(1, 10)}
    assert {file for _, file, _ in found} == {tenant_file}
    by_id = {f["rule"]: f for f in report["findings"]}
    assert by_id["BSL003"]["controls"] == ["MS.AAD.8.2", "CIS.M365.5.1.6.3", "CIS.AZURE.6.16"]
    assert by_id["BSL003"]["message"].endswith("[MS.AAD.8.2, CIS.M365.5.1.6.3, CIS.AZURE.6.16]")
    assert by_id["EXT006"]["rule"] == "EXT006"  # all rules run, not only the profiles'
    assert report["audit"] == {
        "tenantId": TENANT,
        "cloud": "global",
        "requests": 7,
        "profiles": list(ALL_PROFILES),
        "notRead": {},
    }
    _only_gets(fake)
    assert list(tmp_path.iterdir()) == []  # nothing written without --out


def test_compliant_tenant_passes_every_control(fake: RunningFake, tmp_path: Path) -> None:
    fake.set_state(_compliant(fake))
    result = _audit("--format", "json", cwd=tmp_path)
    report = json.loads(result.stdout)
    assert set(_statuses(report).values()) == {"passed"}, result.stdout
    # ZTA 21790 blocks every application outbound: XTA002 reports the trade-off, as a
    # warning, so the run passes but the conflict stays visible.
    assert [f["rule"] for f in report["findings"]] == ["XTA002"]
    assert result.exit_code == 0, result.stderr
    conflict = next(c for c in report["controls"] if c["id"] == "ZTA.21790")["conflict"]
    assert conflict.startswith("Conflicts with XTA002")
    _only_gets(fake)


def test_a_section_without_read_permission_is_not_checked_never_passed(
    fake: RunningFake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.set_state(_compliant(fake))
    monkeypatch.setenv("B2BLINT_ACCESS_TOKEN", fake.token(roles=["Policy.Read.All"]))
    result = _audit("--format", "json", cwd=tmp_path)
    report = json.loads(result.stdout)
    reason = (
        "invitationDomains could not be read: permission missing (HTTP 403 on GET "
        "/beta/policies/b2bManagementPolicies); see docs/graph.md for the read permissions"
    )
    not_checked = {c["id"]: c["reason"] for c in report["controls"] if c["status"] != "passed"}
    assert not_checked == {
        "MS.AAD.8.3": reason,
        "CIS.M365.5.1.6.1": reason,
        "ZTA.21822": reason,
        "ZTA.21874": reason,
    }
    assert {c["status"] for c in report["controls"] if c["id"] in not_checked} == {"not-checked"}
    assert result.exit_code == 0
    assert "b2blint: warning: invitationDomains not read: permission missing" in result.stderr
    strict = _audit("--format", "json", "--strict", cwd=tmp_path)
    assert strict.exit_code == 1
    _only_gets(fake)


def test_text_report_names_each_control_and_why(fake: RunningFake, tmp_path: Path) -> None:
    state = _compliant(fake)
    state["authorizationPolicy"]["allowInvitesFrom"] = "none"
    state["b2bManagementPolicies"] = []
    fake.set_state(state)
    result = run_cli(
        ["audit", "--tenant-id", TENANT, "--profile", "cisa-scuba", "--profile", "eidsca"],
        cwd=tmp_path,
    )
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    start = lines.index(
        "Profile cisa-scuba: CISA SCuBA Microsoft Entra ID baseline, section 8 (Guest User Access)"
    )
    assert lines[start + 1 :] == [
        "  MS.AAD.8.1         passed      Guest users have limited or restricted access to "
        "directory objects (BSL001)",
        "  MS.AAD.8.2         FAILED      Only users with the Guest Inviter role can invite "
        "guest users (BSL003)",
        f"      at {TENANT}/tenant.yaml:{_line_of(result.stdout, 'BSL003')}",
        "  MS.AAD.8.3         FAILED      Guest invites only to authorized external domains "
        "(BSL007)",
        "      why: the tenant has no invitation domain allow or block list (no "
        "b2bManagementPolicy domain list), so guests can be invited from any domain",
        "",
        "Profile eidsca: Maester EIDSCA checks on authorization policy settings",
        "  EIDSCA.AP04        passed      Default Authorization Settings - Guest invite "
        "restrictions (BSL004)",
        "  EIDSCA.AP06        passed      Default Authorization Settings - User can join the "
        "tenant by email validation (BSL006)",
        "  EIDSCA.AP07        passed      Default Authorization Settings - Guest user access "
        "(BSL002)",
        "",
        "Controls: 4 passed, 2 failed, 0 not checked.",
    ]
    _only_gets(fake)


def _line_of(text: str, rule_id: str) -> str:
    line = next(line for line in text.splitlines() if f" {rule_id} [" in line)
    return line.split(": ", 1)[0].removeprefix(f"{TENANT}/tenant.yaml:")


def test_out_writes_the_tree_and_lint_of_it_agrees(fake: RunningFake, tmp_path: Path) -> None:
    fake.set_state(_non_compliant(fake))
    out = tmp_path / "live"
    result = _audit("--format", "json", "--out", str(out))
    assert result.exit_code == 1
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.yaml")) == [
        f"partners/{FABRIKAM}.yaml",
        "tenant.yaml",
    ]
    audited = {(f["rule"], f["line"], f["column"]) for f in json.loads(result.stdout)["findings"]}
    profiles = [arg for name in ALL_PROFILES for arg in ("--profile", name)]
    linted = run_cli(["lint", str(out), "--format", "json", *profiles])
    assert {(f["rule"], f["line"], f["column"]) for f in json.loads(linted.stdout)["findings"]} == (
        audited
    )
    _only_gets(fake)


def test_unknown_profile_lists_the_available_ones_before_any_request(
    fake: RunningFake, tmp_path: Path
) -> None:
    result = run_cli(["audit", "--tenant-id", TENANT, "--profile", "cis"], cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (
        "b2blint: error: unknown profile 'cis'; available profiles: cisa-scuba, cis-m365, "
        "cis-azure, eidsca, zta\n"
    )
    assert fake.log() == []


def test_the_audit_use_case_cannot_reach_the_write_path() -> None:
    """Read-only by construction: tenant/audit.py imports no plan, apply or deploy code and
    calls no client method but through `read_live` (which sends GETs only)."""
    import ast

    from b2blint.tenant import audit

    tree = ast.parse(Path(audit.__file__).read_text("utf-8"))
    imported = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    assert imported.isdisjoint(
        {"b2blint.tenant.apply", "b2blint.tenant.deploy", "b2blint.tenant.plan"}
    )
    calls = {
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "client"
    }
    assert calls == set()


def test_findings_of_the_in_memory_tree_are_not_offered_to_fix(
    fake: RunningFake, tmp_path: Path
) -> None:
    """audit has no --fix: "1 fixable with --fix" would send the user to an option that is not
    there (with --out, `lint DIR --fix` can fix the tree written)."""
    same_as_default = {
        "isMfaAccepted": False,
        "isCompliantDeviceAccepted": False,
        "isHybridAzureADJoinedDeviceAccepted": False,
    }
    fake.set_state(
        {"tenantId": TENANT, "partners": [live_partner(FABRIKAM, inboundTrust=same_as_default)]}
    )
    result = run_cli(["audit", "--tenant-id", TENANT], cwd=tmp_path)
    assert f" XTA011 [warning] partner {FABRIKAM}: inboundTrust is identical" in result.stdout
    assert "fixable" not in result.stdout
    out = tmp_path / "live"
    written = run_cli(["audit", "--tenant-id", TENANT, "--out", str(out)], cwd=tmp_path)
    assert "1 fixable with --fix." in written.stdout
    assert "fixable" not in run_cli(["lint", str(out), "--fix"]).stdout
    _only_gets(fake)
