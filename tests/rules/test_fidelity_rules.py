"""Rule findings that Microsoft's documentation does not contradict (issue 11 items 3-9).

Each test quotes the sentence that settles it, with its page; pages as in
tests/access/test_fidelity.py, plus:

- CS = Entra "Configure cross-tenant synchronization"
  (MicrosoftDocs/entra-docs docs/identity/multi-tenant-organizations/
  cross-tenant-synchronization-configure.md)
- OD = OData Version 4.01 Part 1: Protocol, section 11.4.3 "Update an Entity"
- AD = Entra "Allow or block B2B collaboration with organizations"
  (docs/external-id/allow-deny-list.md)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from b2blint.fakegraph.server import start
from tests.conftest import run_cli

TENANT_ID = "6babcaad-604b-40ac-a9d7-9fd97c0b779f"
FABRIKAM = "3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11"
HEAD = f"b2blint: 1\ntenant: {{id: {TENANT_ID}, name: Contoso}}\n"


def _lint(tmp_path: Path, rule: str, text: str) -> tuple[int, list[dict[str, Any]]]:
    (tmp_path / "p.yaml").write_text(text, "utf-8")
    result = run_cli(["lint", "--select", rule, "--format", "json", "p.yaml"], cwd=tmp_path)
    assert result.exit_code in (0, 1), result.stderr
    findings: list[dict[str, Any]] = json.loads(result.stdout)["findings"]
    return result.exit_code, findings


def test_xta013_source_tenant_needs_outbound_automatic_redemption(tmp_path: Path) -> None:
    """CS, step 3: "In this step, you automatically redeem invitations so users from the source
    tenant don't have to accept the consent prompt. This setting must be checked in both the
    source tenant (outbound) and target tenant (inbound)." This tenant syncs to Fabrikam (the
    `sync-to` option, in a real config file): outboundAllowed must be true on that partner."""
    (tmp_path / ".b2blint.yaml").write_text("rules:\n  XTA013: {sync-to: [Fabrikam]}\n", "utf-8")
    text = (
        HEAD + f"partners:\n  - tenantId: {FABRIKAM}\n    name: Fabrikam\n    settings:\n"
        "      automaticUserConsentSettings: {inboundAllowed: true}\n"
    )
    code, findings = _lint(tmp_path, "XTA013", text)
    assert code == 1
    assert [(f["line"], f["column"], f["severity"]) for f in findings] == [(4, 5, "error")]
    assert findings[0]["message"] == (
        f"this tenant synchronizes users to partner Fabrikam ({FABRIKAM}) (XTA013 sync-to) but "
        "automaticUserConsentSettings.outboundAllowed is not true on it: automatic redemption "
        '"must be checked in both the source tenant (outbound) and target tenant (inbound)"; '
        "set outboundAllowed: true on this partner."
    )
    assert [r["line"] for r in findings[0]["related"]] == [7]
    fixed = text.replace("{inboundAllowed: true}", "{inboundAllowed: true, outboundAllowed: true}")
    assert _lint(tmp_path, "XTA013", fixed) == (0, [])


def test_xta013_source_names_a_tenant_without_partner_entry(tmp_path: Path) -> None:
    """CS: the outbound setting lives on the partner entry of the target tenant, so a `sync-to`
    entry without a partner cannot be satisfied; said at the `partners:` key."""
    (tmp_path / ".b2blint.yaml").write_text("rules:\n  XTA013: {sync-to: [Northwind]}\n", "utf-8")
    text = HEAD + f"partners:\n  - tenantId: {FABRIKAM}\n    name: Fabrikam\n"
    _, findings = _lint(tmp_path, "XTA013", text)
    assert [(f["line"], f["column"]) for f in findings] == [(3, 1)]
    assert findings[0]["message"] == (
        "XTA013 sync-to names 'Northwind', which is no partner in the policy: add a partner "
        "entry for the tenant this one synchronizes to, with "
        "automaticUserConsentSettings.outboundAllowed: true."
    )


def test_sch003_is_a_warning_that_the_value_is_ignored(tmp_path: Path) -> None:
    """OD 11.4.3: "The service MUST ignore ... values for read-only properties"; and for this
    property Microsoft's words (crossTenantAccessPolicyConfigurationDefault):
    automaticUserConsentSettings is "always false and can't be updated in the default
    configuration". Ignored, never applied, misleading: a warning, exit 0."""
    text = HEAD + "default:\n  automaticUserConsentSettings: {inboundAllowed: true}\n"
    (tmp_path / "p.yaml").write_text(text, "utf-8")
    result = run_cli(["lint", "--select", "SCH003", "p.yaml"], cwd=tmp_path)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "p.yaml:4:3: SCH003 [warning] 'automaticUserConsentSettings' is read-only in Graph "
        '(Microsoft: "always false and can\'t be updated in the default configuration"): a '
        "service ignores it in a write and never applies it (OData 4.01 §11.4.3), so the file "
        "shows a value nobody set; remove it",
        "Found 0 errors and 1 warning in 1 file.",
    ]


def test_xta007_one_half_of_microsofts_create_example_is_a_warning(tmp_path: Path) -> None:
    """Graph "Create crossTenantAccessPolicyConfigurationPartner" POSTs
    "b2bDirectConnectInbound": {"applications": {"accessType": "allowed", "targets":
    [{"target": "Office365", ...}]}} with no usersAndGroups. What Graph does with the missing
    half is undocumented, so XTA007 warns and names the assumption instead of an error."""
    text = (
        HEAD + f"partners:\n  - tenantId: {FABRIKAM}\n    settings:\n"
        "      b2bDirectConnectInbound:\n        applications:\n          accessType: allowed\n"
        "          targets: [{target: Office365, targetType: application}]\n"
    )
    code, findings = _lint(tmp_path, "XTA007", text)
    assert code == 0
    assert [(f["line"], f["column"], f["severity"]) for f in findings] == [(7, 9, "warning")]
    assert findings[0]["message"] == (
        f"partner {FABRIKAM}: b2bDirectConnectInbound sets only applications; if Graph fills "
        "the missing usersAndGroups from the service default, as b2blint assumes (Microsoft "
        "does not document it), the setting contradicts itself: usersAndGroups is blocked for "
        "AllUsers (service default) but applications is allowed for Office365; blocking all "
        "users blocks every application, so block AllApplications too, or allow the users who "
        "need access; or write usersAndGroups explicitly"
    )


def test_ext005_wildcard_on_a_block_list_is_an_undocumented_warning(tmp_path: Path) -> None:
    """AD: "Under Target domains, enter the name of one of the domains that you want to block.
    For multiple domains, enter each domain on a new line." Nothing about wildcards, either
    way: a warning that says "undocumented", exit 0."""
    text = HEAD + 'invitationDomains:\n  blockedDomains: ["*.gmail.com"]\n'
    code, findings = _lint(tmp_path, "EXT005", text)
    assert code == 0
    assert [(f["line"], f["severity"]) for f in findings] == [(4, "warning")]
    assert "undocumented" in findings[0]["message"]


def test_xta009_does_not_call_all_microsoft_apps_all_applications(tmp_path: Path) -> None:
    """crossTenantAccessPolicyTarget (v1.0 and beta), reserved values for application targets:
    "AllMicrosoftApps | Refers to any Microsoft cloud application". XTA009 used to say it has
    the meaning of AllApplications; it now says what the page says."""
    text = (
        HEAD + f"partners:\n  - tenantId: {FABRIKAM}\n    settings:\n"
        "      b2bCollaborationInbound:\n"
        "        usersAndGroups: {accessType: allowed, targets: [{target: AllUsers, "
        "targetType: user}]}\n"
        "        applications: {accessType: allowed, targets: [{target: AllMicrosoftApps, "
        "targetType: application}]}\n"
    )
    _, findings = _lint(tmp_path, "XTA009", text)
    assert [(f["line"], f["severity"]) for f in findings] == [(8, "warning")]
    assert findings[0]["message"].endswith(
        "'AllMicrosoftApps' is only a reserved value on the Graph target page (\"any Microsoft "
        "cloud application\", not every application) and never appears in Microsoft's examples "
        "or responses; use 'AllApplications' for every application, or list the Microsoft apps "
        "meant."
    )


def test_sch003_value_is_never_sent_so_apply_succeeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """OD 11.4.3: a service "MUST ignore" read-only values in a request. SCH003 is a warning, so
    `apply` passes the lint gate; b2blint then sends what it can write and nothing it never
    reads back: against the emulator on 127.0.0.1 the PATCH carries inboundTrust but not
    isServiceDefault (which the emulator, following its own guess, would refuse with 400),
    and the second plan shows no change."""
    (tmp_path / "p.yaml").write_text(
        HEAD + "default:\n  isServiceDefault: false\n  inboundTrust: {isMfaAccepted: true}\n",
        "utf-8",
    )
    for name in ("B2BLINT_GRAPH_URL", "B2BLINT_ACCESS_TOKEN", "B2BLINT_AUTH", "B2BLINT_CLOUD"):
        monkeypatch.delenv(name, raising=False)
    with start(tenant_id=TENANT_ID, retry_after="0.1") as fake:
        monkeypatch.setenv("B2BLINT_GRAPH_URL", fake.url)
        monkeypatch.setenv("B2BLINT_ACCESS_TOKEN", fake.token())
        applied = run_cli(["apply", "p.yaml", "--yes"], cwd=tmp_path)
        assert applied.exit_code == 0, applied.stderr
        writes = [(w["method"], w["path"], w["status"], w["body"]) for w in fake.writes()]
        assert writes == [
            (
                "PATCH",
                "/v1.0/policies/crossTenantAccessPolicy/default",
                204,
                {"inboundTrust": {"isMfaAccepted": True}},
            )
        ]
        again = run_cli(["plan", "p.yaml", "--detailed-exitcode"], cwd=tmp_path)
        assert again.exit_code == 0, again.stdout


def test_all_groups_keyword_lints_and_applies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """crossTenantAccessPolicyTarget (beta): "target ... one of the following keywords:
    AllUsers, AllGroups, and AllApplications". A documented keyword is no schema error, and the
    emulator on 127.0.0.1 takes it (the POST it receives carries it as written)."""
    settings = (
        "      b2bCollaborationInbound:\n"
        "        usersAndGroups: {accessType: allowed, targets: [{target: AllGroups, "
        "targetType: group}]}\n"
        "        applications: {accessType: allowed, targets: [{target: AllApplications, "
        "targetType: application}]}\n"
    )
    partner = f"partners:\n  - tenantId: {FABRIKAM}\n    settings:\n"
    (tmp_path / "p.yaml").write_text(HEAD + partner + settings, "utf-8")
    lint = run_cli(["lint", "p.yaml"], cwd=tmp_path)
    assert (lint.exit_code, lint.stdout) == (0, "All checks passed (1 file).\n")
    for name in ("B2BLINT_GRAPH_URL", "B2BLINT_ACCESS_TOKEN", "B2BLINT_AUTH", "B2BLINT_CLOUD"):
        monkeypatch.delenv(name, raising=False)
    with start(tenant_id=TENANT_ID, retry_after="0.1") as fake:
        monkeypatch.setenv("B2BLINT_GRAPH_URL", fake.url)
        monkeypatch.setenv("B2BLINT_ACCESS_TOKEN", fake.token())
        applied = run_cli(["apply", "p.yaml", "--yes"], cwd=tmp_path)
        assert applied.exit_code == 0, applied.stderr
        [write] = fake.writes()
        assert (write["method"], write["status"]) == ("POST", 201)
        users = write["body"]["b2bCollaborationInbound"]["usersAndGroups"]
        assert users["targets"] == [{"target": "AllGroups", "targetType": "group"}]
