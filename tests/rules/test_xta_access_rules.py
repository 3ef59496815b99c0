"""XTA001-XTA008: the cases the fixtures can't show (inheritance, options, severities, fixes)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from tests.conftest import FIXTURES, run_cli
from tests.policies import (
    ALL_APPS_BLOCKED,
    ALL_USERS_ALLOWED,
    ALL_USERS_BLOCKED,
    DEFAULT_TRUSTS_MFA,
    FABRIKAM,
    GROUP,
    NORTHWIND,
    OFFICE365_ALLOWED,
    RMS,
    TENANT_HEAD,
)

ONE_GROUP = f"{{accessType: allowed, targets: [{{target: {GROUP}, targetType: group}}]}}"


def _write(tmp_path: Path, text: str, name: str = "p.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def _findings(tmp_path: Path, rule: str, *paths: str) -> list[dict[str, Any]]:
    result = run_cli(
        ["lint", "--select", rule, "--format", "json", *(paths or ["p.yaml"])], cwd=tmp_path
    )
    assert result.exit_code in (0, 1), result.stderr
    findings: list[dict[str, Any]] = json.loads(result.stdout)["findings"]
    return findings


def _where(finding: dict[str, Any]) -> tuple[str, int, str]:
    return finding["file"], finding["line"], finding["severity"]


# --------------------------------------------------------------------------- XTA001


def _sized_tree(tmp_path: Path) -> None:
    _write(tmp_path, TENANT_HEAD + DEFAULT_TRUSTS_MFA, "tenant.yaml")
    _write(
        tmp_path, f"b2blint: 1\npartners:\n  - tenantId: {FABRIKAM}\n    name: Fabrikam\n", "a.yaml"
    )
    partner = (
        f"b2blint: 1\npartners:\n  - tenantId: {NORTHWIND}\n    name: Northwind\n"
        f"    settings:\n      b2bCollaborationInbound:\n        usersAndGroups: {ONE_GROUP}\n"
        f"        applications: {OFFICE365_ALLOWED}\n"
    )
    _write(tmp_path, partner, "b.yaml")


def test_size_warns_from_the_ratio_and_errs_over_the_limit(tmp_path: Path) -> None:
    _sized_tree(tmp_path)  # 526 bytes: Northwind 307 (with its comma), Fabrikam 51
    config = tmp_path / ".b2blint.yaml"
    config.write_text("rules:\n  XTA001: {limit: 540, warn-ratio: 0.95}\n", "utf-8")
    [warning] = _findings(tmp_path, "XTA001", ".")
    assert _where(warning) == ("a.yaml", 2, "warning")  # the `partners:` key of the first file
    assert warning["message"] == (
        # What is measured, stated in the message (issue 11 item 9): Microsoft's troubleshooting
        # check reads "the entire JSON response" of the beta GET, whose documented example has
        # only the base properties, so b2blint says what it counts instead of implying Graph's.
        "the cross-tenant access policy is 526 bytes as b2blint measures it (compact UTF-8 "
        "JSON with the default and every partner inlined), 97.4 % of the 540-byte limit, "
        f"14 bytes left; biggest partners: Northwind ({NORTHWIND}) with 307 bytes, "
        f"Fabrikam ({FABRIKAM}) with 51 bytes; trim it before Graph refuses changes where the "
        "25 KB cap still applies (run 'b2blint size')"
    )
    assert [(r["file"], r["line"]) for r in warning["related"]] == [("b.yaml", 3), ("a.yaml", 3)]

    config.write_text("rules:\n  XTA001: {limit: 520}\n", "utf-8")
    [error] = _findings(tmp_path, "XTA001", ".")
    assert _where(error) == ("a.yaml", 2, "error")
    assert "inlined), over the 520-byte limit by 6 bytes;" in error["message"]

    config.write_text("rules:\n  XTA001: {limit: 520, severity: warning}\n", "utf-8")
    [configured] = _findings(tmp_path, "XTA001", ".")
    assert configured["severity"] == "warning"

    config.write_text("rules:\n  XTA001: {limit: 585}\n", "utf-8")  # 526 < 0.9 * 585
    assert _findings(tmp_path, "XTA001", ".") == []


def test_size_without_partners_points_at_the_default(tmp_path: Path) -> None:
    _write(tmp_path, TENANT_HEAD + DEFAULT_TRUSTS_MFA)
    _write(tmp_path, "rules:\n  XTA001: {limit: 100}\n", ".b2blint.yaml")
    [finding] = _findings(tmp_path, "XTA001")
    assert _where(finding) == ("p.yaml", 3, "error")
    assert "biggest partners" not in finding["message"]


# --------------------------------------------------------------------------- XTA002


def test_rms_fix_for_each_blocking_shape(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "rules" / "XTA002" / "bad.yaml", tmp_path / "p.yaml")
    result = run_cli(["lint", "--select", "XTA002", "--fix", "p.yaml"], cwd=tmp_path)
    assert result.exit_code == 0, result.stdout + result.stderr
    fixed = (tmp_path / "p.yaml").read_text("utf-8")
    expected = (FIXTURES / "rules" / "XTA002" / "bad.yaml").read_text("utf-8")
    for old, new in [
        ("      accessType: blocked\n      targets: [{target: AllUsers",
         "      accessType: allowed\n      targets: [{target: AllUsers"),
        ("      accessType: blocked\n      targets: [{target: AllApplications, targetType: app",
         f"      accessType: allowed\n      targets: [{{target: {RMS}, targetType: app"),
        ("targets: [{target: Office365, targetType: application}]",
         f"targets: [{{target: Office365, targetType: application}}, {{target: {RMS}, "
         "targetType: application}]"),
        (f"            - {{target: {RMS}, targetType: application}}\n", ""),
    ]:  # fmt: skip
        assert old in expected
        expected = expected.replace(old, new, 1)
    assert fixed == expected
    # every other effect is kept: no users/apps contradiction is left, and nothing to fix again
    again = run_cli(["lint", "--select", "XTA002,XTA007", "p.yaml"], cwd=tmp_path)
    assert again.exit_code == 0, again.stdout


def test_rms_alone_in_a_block_list_becomes_all_applications(tmp_path: Path) -> None:
    text = (
        TENANT_HEAD + "default:\n  b2bCollaborationOutbound:\n    applications:\n"
        "      accessType: blocked\n"
        f"      targets:\n        - {{target: {RMS}, targetType: application}}\n"
    )
    _write(tmp_path, text)
    result = run_cli(["lint", "--select", "XTA002", "--diff", "p.yaml"], cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stdout == (
        "--- a/p.yaml\n+++ b/p.yaml\n@@ -3,6 +3,7 @@\n"
        " default:\n"
        "   b2bCollaborationOutbound:\n"
        "     applications:\n"
        "-      accessType: blocked\n"
        "+      accessType: allowed\n"
        "       targets:\n"
        f"-        - {{target: {RMS}, targetType: application}}\n"
        "+        - target: AllApplications\n"
        "+          targetType: application\n"
    )


def test_rms_inherited_apps_are_reported_once_on_the_default(tmp_path: Path) -> None:
    text = (
        TENANT_HEAD
        + f"default:\n  b2bCollaborationOutbound:\n    usersAndGroups: {ALL_USERS_ALLOWED}\n"
        f"    applications: {OFFICE365_ALLOWED}\n"
        f"partners:\n  - tenantId: {FABRIKAM}\n    settings:\n      b2bCollaborationOutbound:\n"
        f"        usersAndGroups: {ONE_GROUP}\n"
    )
    _write(tmp_path, text)
    assert [(f["line"], f["message"][:11]) for f in _findings(tmp_path, "XTA002")] == [
        (6, "the default")
    ]


def test_rms_block_lists_block_pairs_but_an_allow_list_intersects(tmp_path: Path) -> None:
    # Two block lists block only the pairs they both name: a group blocked from every app is
    # kept from Rights Management on purpose and everyone else reaches it (not reported). A
    # blocked group with an allow list of apps lets the others reach only those apps.
    text = (
        TENANT_HEAD + f"partners:\n  - tenantId: {FABRIKAM}\n    settings:\n"
        "      b2bCollaborationOutbound:\n"
        f"        usersAndGroups: {{accessType: blocked, targets: [{{target: {GROUP}, "
        "targetType: group}]}\n"
        f"        applications: {ALL_APPS_BLOCKED}\n"
        f"  - tenantId: {NORTHWIND}\n    settings:\n      b2bCollaborationOutbound:\n"
        f"        usersAndGroups: {{accessType: blocked, targets: [{{target: {GROUP}, "
        "targetType: group}]}\n"
        f"        applications: {OFFICE365_ALLOWED}\n"
    )
    _write(tmp_path, text)
    [finding] = _findings(tmp_path, "XTA002")
    assert finding["line"] == 13
    assert finding["message"].startswith(f"partner {NORTHWIND}: outbound B2B collaboration allows")


def test_rms_partner_blocked_outright_is_not_reported(tmp_path: Path) -> None:
    # Microsoft's note is about blocking by default; cutting one organization off is deliberate.
    text = (
        TENANT_HEAD + f"partners:\n  - tenantId: {FABRIKAM}\n    settings:\n"
        f"      b2bCollaborationOutbound:\n        usersAndGroups: {ALL_USERS_BLOCKED}\n"
        f"        applications: {ALL_APPS_BLOCKED}\n"
    )
    _write(tmp_path, text)
    assert _findings(tmp_path, "XTA002") == []


def test_rms_skips_a_users_apps_contradiction(tmp_path: Path) -> None:
    text = (
        TENANT_HEAD
        + f"default:\n  b2bCollaborationOutbound:\n    usersAndGroups: {ALL_USERS_BLOCKED}\n"
    )
    _write(tmp_path, text + f"    applications: {OFFICE365_ALLOWED}\n")
    assert _findings(tmp_path, "XTA002") == []
    assert [f["rule"] for f in _findings(tmp_path, "XTA007")] == ["XTA007"]


def test_rms_full_block_with_inherited_users_sets_the_partners_users(tmp_path: Path) -> None:
    text = (
        TENANT_HEAD
        + f"default:\n  b2bCollaborationOutbound:\n    usersAndGroups: {ALL_USERS_BLOCKED}\n"
        f"    applications: {ALL_APPS_BLOCKED}\n"
        f"partners:\n  - tenantId: {FABRIKAM}\n    settings:\n      b2bCollaborationOutbound:\n"
        f"        applications: {ALL_APPS_BLOCKED}\n"
    )
    _write(tmp_path, text)
    findings = _findings(tmp_path, "XTA002")
    assert [(f["line"], f["fixable"]) for f in findings] == [(6, True), (11, True)]
    assert findings[1]["related"][0]["line"] == 5
    assert findings[1]["related"][0]["message"] == "usersAndGroups inherited from the default here"
    run_cli(["lint", "--select", "XTA002", "--fix", "p.yaml"], cwd=tmp_path)
    fixed = (tmp_path / "p.yaml").read_text("utf-8")
    assert fixed.endswith(
        "      b2bCollaborationOutbound:\n"
        "        applications: {accessType: allowed, targets: "
        f"[{{target: {RMS}, targetType: application}}]}}\n"
        "        usersAndGroups:\n"
        "          accessType: allowed\n"
        "          targets:\n"
        "            - target: AllUsers\n"
        "              targetType: user\n"
    )


# --------------------------------------------------------------------------- XTA003

DIRECT = f"    usersAndGroups: {ALL_USERS_ALLOWED}\n    applications: {OFFICE365_ALLOWED}\n"


def test_mfa_override_on_the_partner_points_at_its_trust(tmp_path: Path) -> None:
    text = (
        TENANT_HEAD
        + "default:\n  inboundTrust: {isMfaAccepted: true}\n  b2bDirectConnectInbound:\n"
        + DIRECT
        + f"partners:\n  - tenantId: {FABRIKAM}\n    settings:\n      inboundTrust:\n"
        "        isMfaAccepted: false\n"
        f"  - tenantId: {NORTHWIND}\n    settings:\n"
        "      inboundTrust: {isCompliantDeviceAccepted: true}\n"
    )
    _write(tmp_path, text)
    findings = _findings(tmp_path, "XTA003")
    assert [(f["line"], f["column"]) for f in findings] == [(12, 9), (15, 7)]
    # The message says what the finding depends on (issue 11 item 3): "If you want to allow B2B
    # direct connect with an external organization and your Conditional Access policies require
    # MFA, you must configure your trust settings" (Entra cross-tenant access overview).
    assert findings[0]["message"] == (
        f"partner {FABRIKAM}: inbound B2B direct connect is allowed but "
        "inboundTrust.isMfaAccepted is false; whether these users get in depends on your "
        "Conditional Access, which b2blint cannot see: if it requires MFA for them they are "
        "blocked with AADSTS90071, if not they get in; set isMfaAccepted: true, or suppress "
        "this finding saying no policy requires MFA"
    )
    assert findings[0]["related"][0]["line"] == 5  # the inherited default direct connect
    assert "isMfaAccepted is not set;" in findings[1]["message"]


def test_mfa_inherited_everything_is_reported_once_on_the_default(tmp_path: Path) -> None:
    text = TENANT_HEAD + "default:\n  b2bDirectConnectInbound:\n" + DIRECT
    text += f"partners:\n  - tenantId: {FABRIKAM}\n  - tenantId: {NORTHWIND}\n"
    _write(tmp_path, text)
    [finding] = _findings(tmp_path, "XTA003")
    assert (finding["line"], "related" in finding) == (4, False)
    assert "is false (service default);" in finding["message"]


def test_mfa_trust_of_a_partner_in_another_cloud_is_not_about_direct_connect(
    tmp_path: Path,
) -> None:
    # Direct connect doesn't exist across clouds: a GCC High partner that pins its MFA trust
    # to false (its guests do MFA here) is fine under a default that allows direct connect.
    text = (
        TENANT_HEAD + "crossTenantAccessPolicy:\n  allowedCloudEndpoints: [microsoftonline.us]\n"
        "default:\n  inboundTrust: {isMfaAccepted: true}\n  b2bDirectConnectInbound:\n"
        + DIRECT
        + f"partners:\n  - tenantId: {FABRIKAM}\n    cloud: usgov\n    settings:\n"
        "      inboundTrust: {isMfaAccepted: false}\n"
        f"  - tenantId: {NORTHWIND}\n    settings:\n"
        "      inboundTrust: {isMfaAccepted: false}\n"
    )
    _write(tmp_path, text)
    assert [f["line"] for f in _findings(tmp_path, "XTA003")] == [17]  # Northwind only


# --------------------------------------------------------------------------- XTA004-XTA006


def test_own_cloud_endpoint_is_never_unused_and_cloud_defaults_to_global(tmp_path: Path) -> None:
    text = (
        TENANT_HEAD + "crossTenantAccessPolicy:\n  allowedCloudEndpoints: [microsoftonline.com]\n"
        f"partners:\n  - tenantId: {FABRIKAM}\n    cloud: usgov\n"
    )
    _write(tmp_path, text)
    assert _findings(tmp_path, "XTA005") == []
    [missing] = _findings(tmp_path, "XTA004")
    assert (missing["line"], missing["related"][0]["line"]) == (7, 4)
    assert "doesn't list microsoftonline.us" in missing["message"]


def test_blocked_direct_connect_across_clouds_is_fine(tmp_path: Path) -> None:
    text = (
        TENANT_HEAD + "crossTenantAccessPolicy:\n  allowedCloudEndpoints: [microsoftonline.us]\n"
        f"partners:\n  - tenantId: {FABRIKAM}\n    cloud: usgov\n    settings:\n"
        f"      b2bDirectConnectOutbound:\n        usersAndGroups: {ALL_USERS_ALLOWED}\n"
        f"        applications: {ALL_APPS_BLOCKED}\n"
    )
    _write(tmp_path, text)
    assert _findings(tmp_path, "XTA006") == []


def test_cross_cloud_partner_may_keep_an_allowing_default(tmp_path: Path) -> None:
    # Microsoft: a cross-cloud partner may keep the defaults; direct connect just doesn't apply.
    # Only a direct connect setting the partner writes itself is reported, with the half it
    # inherits from the default as related.
    text = (
        TENANT_HEAD + "crossTenantAccessPolicy:\n  allowedCloudEndpoints: [microsoftonline.us]\n"
        "default:\n  inboundTrust: {isMfaAccepted: true}\n  b2bDirectConnectInbound:\n"
        f"    usersAndGroups: {ALL_USERS_ALLOWED}\n    applications: {OFFICE365_ALLOWED}\n"
        f"partners:\n  - tenantId: {FABRIKAM}\n    cloud: usgov\n"
        f"  - tenantId: {NORTHWIND}\n    cloud: usgov\n    settings:\n"
        f"      b2bDirectConnectInbound:\n        usersAndGroups: {ONE_GROUP}\n"
    )
    _write(tmp_path, text)
    [finding] = _findings(tmp_path, "XTA006")
    assert finding["line"] == 16
    assert finding["message"].startswith(f"partner {NORTHWIND} is in Azure Government")
    assert [(r["line"], r["message"]) for r in finding["related"]] == [
        (9, "inherited from the default here")
    ]


# --------------------------------------------------------------------------- XTA007


def test_conflict_with_an_inherited_half_names_it(tmp_path: Path) -> None:
    text = (
        TENANT_HEAD + f"default:\n  tenantRestrictions:\n    usersAndGroups: {ALL_USERS_BLOCKED}\n"
        f"    applications: {ALL_APPS_BLOCKED}\n"
        f"partners:\n  - tenantId: {FABRIKAM}\n    settings:\n      tenantRestrictions:\n"
        f"        usersAndGroups: {ONE_GROUP}\n"
    )
    _write(tmp_path, text)
    [finding] = _findings(tmp_path, "XTA007")
    # A warning naming the assumption: what Graph does with a half the partner leaves out is
    # not documented (issue 11 item 4; behaviour change on purpose, it was an error).
    assert (finding["line"], finding["column"], finding["severity"]) == (11, 9, "warning")
    assert finding["message"] == (
        f"partner {FABRIKAM}: tenantRestrictions sets only usersAndGroups; if Graph fills the "
        "missing applications from the default, as b2blint assumes (Microsoft does not "
        "document it), the setting contradicts itself: usersAndGroups is "
        f"allowed for {GROUP} but applications is blocked for AllApplications (inherited from "
        "the default), so no application is allowed; allow at least one application, or block "
        "AllUsers too; or write applications explicitly"
    )
    assert [(r["line"], r["message"]) for r in finding["related"]] == [
        (6, "inherited from the default here")
    ]


def test_blocked_users_with_all_apps_blocked_is_reported(tmp_path: Path) -> None:
    """Entra, cross-tenant-access-settings-b2b-collaboration (Applications tab): "If you block
    access to all applications, you also need to block access for all external users and
    groups". Graph's overview reads the pair ("Users in group 'g1' can't access any
    application"), but the admin center refuses it, so XTA007 reports it as a warning (issue 11
    item 5; it used to be exempt). Blocking AllUsers with only some apps blocked is Example 1 of the
    Entra overview."""
    text = (
        TENANT_HEAD + f"partners:\n  - tenantId: {FABRIKAM}\n    settings:\n"
        "      b2bCollaborationInbound:\n"
        f"        usersAndGroups: {{accessType: blocked, targets: [{{target: {GROUP}, "
        "targetType: group}]}\n"
        f"        applications: {ALL_APPS_BLOCKED}\n"
        "      b2bCollaborationOutbound:\n"
        f"        usersAndGroups: {ALL_USERS_BLOCKED}\n"
        f"        applications: {{accessType: blocked, targets: [{{target: {RMS}, "
        "targetType: application}]}\n"
    )
    _write(tmp_path, text)
    found = _findings(tmp_path, "XTA007")
    # A warning: Graph's "Update crossTenantAccessPolicyConfigurationDefault" Example 1 ("Block
    # outbound B2B collaboration for a group of users") sends exactly this pair.
    assert [(f["line"], f["severity"]) for f in found] == [(6, "warning"), (9, "error")]
    assert found[0]["message"] == (
        f"partner {FABRIKAM}: b2bCollaborationInbound contradicts itself: usersAndGroups is "
        f"blocked for {GROUP} but applications is blocked for AllApplications; Graph documents "
        "this as blocking these users from every application, but the admin center requires "
        "all users blocked when all applications are; to say the same in a form both accept, "
        "allow AllApplications"
    )


# --------------------------------------------------------------------------- XTA008


def test_duplicates_are_deleted_one_by_one_keeping_comments(tmp_path: Path) -> None:
    text = (
        TENANT_HEAD + f"partners:\n  - tenantId: {FABRIKAM}\n    settings:\n"
        "      b2bCollaborationInbound:\n        usersAndGroups:\n          accessType: allowed\n"
        "          targets:\n"
        f"            - {{target: {GROUP}, targetType: group}}  # first\n"
        f"            - {{target: {GROUP}, targetType: group}}\n"
        "            - {target: 7ba67bdd-48a1-4827-b4ef-2486c01e13e2, targetType: group}  # keep\n"
        f"            - {{target: {GROUP.upper()}, targetType: group}}\n"
        f"        applications: {OFFICE365_ALLOWED}\n"
    )
    _write(tmp_path, text)
    result = run_cli(["lint", "--select", "XTA008", "--fix", "p.yaml"], cwd=tmp_path)
    assert result.exit_code == 0
    assert (tmp_path / "p.yaml").read_text("utf-8") == text.replace(
        f"            - {{target: {GROUP}, targetType: group}}\n", "", 1
    ).replace(f"            - {{target: {GROUP.upper()}, targetType: group}}\n", "")
