"""XTA003 with Conditional Access context, CAX001-CAX005 beyond their fixtures, and the context
file's own checks (a malformed policy is a finding at its position; unknown properties kept).

Policies come from Microsoft's templates ("Require multifactor authentication for guest access",
"Require compliant or hybrid joined device"); docs: authentication-conditional-access [S130].
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from b2blint.files.yamlio import dump_yaml
from tests.conftest import FIXTURES, run_cli
from tests.policies import ALL_USERS_ALLOWED, FABRIKAM, NORTHWIND, OFFICE365_ALLOWED, TENANT_HEAD

DIRECT = f"    usersAndGroups: {ALL_USERS_ALLOWED}\n    applications: {OFFICE365_ALLOWED}\n"
#: Direct connect allowed by the default; Fabrikam trusts MFA, Northwind inherits no trust.
TREE = (
    TENANT_HEAD
    + "default:\n  inboundTrust: {isMfaAccepted: false}\n  b2bDirectConnectInbound:\n"
    + DIRECT
    + f"partners:\n  - tenantId: {FABRIKAM}\n    name: Fabrikam\n    settings:\n"
    "      inboundTrust: {isMfaAccepted: true}\n"
    f"  - tenantId: {NORTHWIND}\n    name: Northwind\n"
)
GUEST_MFA = """\
b2blint: 1
conditionalAccessPolicies:
  - displayName: Require multifactor authentication for guest access
    state: {state}
    conditions:
      clientAppTypes: [all]
      applications: {{includeApplications: [All]}}
      users:
        includeGuestsOrExternalUsers:
          guestOrExternalUserTypes: {types}
          externalTenants: {{membershipKind: all}}{extra}
    grantControls: {{operator: OR, builtInControls: [mfa]}}
"""


def _tree(tmp_path: Path, context: str | None, tree: str = TREE) -> Path:
    (tmp_path / "p.yaml").write_text(tree, "utf-8")
    if context is not None:
        (tmp_path / "ca.yaml").write_text(context, "utf-8")
    return tmp_path


def _context(
    state: str = "enabled",
    types: str = "b2bCollaborationGuest,b2bDirectConnectUser",
    extra: str = "",
) -> str:
    return GUEST_MFA.format(state=state, types=types, extra=extra)


def _lint(tmp_path: Path, *args: str) -> tuple[int, list[dict[str, Any]]]:
    result = run_cli(["lint", "--format", "json", *args, "."], cwd=tmp_path)
    assert result.exit_code in (0, 1), result.stderr
    findings: list[dict[str, Any]] = json.loads(result.stdout)["findings"]
    return result.exit_code, findings


def _brief(findings: list[dict[str, Any]]) -> list[tuple[str, str, int, int, str]]:
    return [(f["rule"], f["file"], f["line"], f["column"], f["severity"]) for f in findings]


# --------------------------------------------------------------------------- XTA003 exact


def test_xta003_is_an_error_naming_the_policy_when_it_requires_mfa(tmp_path: Path) -> None:
    code, findings = _lint(_tree(tmp_path, _context()), "--select", "XTA003")
    assert code == 1
    assert _brief(findings) == [("XTA003", "p.yaml", 5, 3, "error")]  # the default
    assert findings[0]["message"] == (
        "the default: inbound B2B direct connect is allowed but inboundTrust.isMfaAccepted is "
        "false, and Conditional Access policy 'Require multifactor authentication for guest "
        "access' (ca.yaml:3) requires MFA of these users, which they can only do in their home "
        "tenant: they are blocked with AADSTS90071; set isMfaAccepted: true, or stop allowing "
        "direct connect"
    )
    assert [(r["file"], r["line"]) for r in findings[0]["related"]] == [("ca.yaml", 3)]


def test_xta003_is_not_reported_when_no_policy_can_apply(tmp_path: Path) -> None:
    # Without context, today's wording (it depends on Conditional Access) ...
    _tree(tmp_path, None)
    code, findings = _lint(tmp_path, "--select", "XTA003")
    assert (code, _brief(findings)) == (1, [("XTA003", "p.yaml", 5, 3, "error")])
    assert "depends on your Conditional Access, which b2blint cannot see" in findings[0]["message"]
    # ... with context whose only policy targets guests, none.
    _tree(tmp_path, _context(types="b2bCollaborationGuest"))
    assert _lint(tmp_path, "--select", "XTA003") == (0, [])


def test_xta003_warns_for_report_only_and_for_a_condition_it_cannot_see(tmp_path: Path) -> None:
    code, findings = _lint(
        _tree(tmp_path, _context(state="enabledForReportingButNotEnforced")), "--select", "XTA003"
    )
    assert (code, _brief(findings)) == (0, [("XTA003", "p.yaml", 5, 3, "warning")])
    assert "report-only Conditional Access policy 'Require multifactor" in findings[0]["message"]
    located = _context().replace(
        "      clientAppTypes: [all]\n",
        "      clientAppTypes: [all]\n      locations: {includeLocations: [All]}\n",
    )
    code, findings = _lint(_tree(tmp_path, located), "--select", "XTA003")
    assert _brief(findings) == [("XTA003", "p.yaml", 5, 3, "warning")]
    assert "depending on locations (conditions.locations)" in findings[0]["message"]


def test_xta003_context_with_the_partner_excluded(tmp_path: Path) -> None:
    # The policy excludes Northwind's direct connect users: Northwind (which sets its own direct
    # connect) is no longer reported, the default (organizations without an entry) still is.
    extra = (
        "\n        excludeGuestsOrExternalUsers:\n"
        "          guestOrExternalUserTypes: b2bDirectConnectUser\n"
        f"          externalTenants: {{membershipKind: enumerated, members: [{NORTHWIND}]}}"
    )
    own = (
        TREE
        + "    settings:\n      b2bDirectConnectInbound:\n"
        + DIRECT.replace("    ", "        ")
    )
    _tree(tmp_path, None, own)
    _, findings = _lint(tmp_path, "--select", "XTA003")
    assert [f["line"] for f in findings] == [5, 16]  # without context: the default and Northwind
    _tree(tmp_path, _context(extra=extra), own)
    _, findings = _lint(tmp_path, "--select", "XTA003")
    assert _brief(findings) == [("XTA003", "p.yaml", 5, 3, "error")]


# --------------------------------------------------------------------------- CAX


DEVICE = """\
b2blint: 1
conditionalAccessPolicies:
  - displayName: Require compliant or hybrid joined device
    state: {state}
    conditions:
      clientAppTypes: [all]
      applications: {{includeApplications: [All]}}
      users: {{includeUsers: [All]}}
    grantControls:
      operator: OR
      builtInControls: [domainJoinedDevice, compliantDevice]
"""


def test_cax001_error_when_enabled_warning_when_report_only(tmp_path: Path) -> None:
    _tree(tmp_path, DEVICE.format(state="enabled"))
    code, findings = _lint(tmp_path, "--select", "CAX001")
    assert (code, _brief(findings)) == (1, [("CAX001", "ca.yaml", 11, 25, "error")])
    assert findings[0]["message"] == (
        "Conditional Access policy 'Require compliant or hybrid joined device' requires a hybrid "
        "joined device or a compliant device of B2B collaboration guests, B2B collaboration "
        f"members and B2B direct connect users of organizations without a partner entry, "
        f"Fabrikam ({FABRIKAM}) and Northwind ({NORTHWIND}), whose inbound trust does not accept "
        "that device claim (isHybridAzureADJoinedDeviceAccepted / isCompliantDeviceAccepted): "
        "access is blocked for them; trust the partner's device claims or exclude external "
        "users from the policy"
    )
    assert (
        [(r["file"], r["line"]) for r in findings[0]["related"]]
        == [
            ("p.yaml", 4),  # the default's trust
            ("p.yaml", 12),  # Fabrikam's (MFA only)
            ("p.yaml", 4),  # Northwind inherits the default's
        ][: len(findings[0]["related"])]
    )
    _tree(tmp_path, DEVICE.format(state="enabledForReportingButNotEnforced"))
    code, findings = _lint(tmp_path, "--select", "CAX001")
    assert (code, _brief(findings)) == (0, [("CAX001", "ca.yaml", 11, 25, "warning")])
    assert "access is going to be blocked" in findings[0]["message"]


def test_cax003_is_off_unless_enabled(tmp_path: Path) -> None:
    _tree(tmp_path, _context(types="b2bCollaborationGuest"))
    assert _lint(tmp_path, "--select", "CAX003") == (0, [])
    (tmp_path / ".b2blint.yaml").write_text("rules:\n  CAX003: {enabled: true}\n", "utf-8")
    code, findings = _lint(tmp_path, "--select", "CAX003")
    assert (code, _brief(findings)) == (0, [("CAX003", "ca.yaml", 12, 53, "warning")])
    assert "organizations without a partner entry and Northwind" in findings[0]["message"]


# --------------------------------------------------------------------------- the context file


def test_malformed_policy_is_a_finding_at_its_position(tmp_path: Path) -> None:
    text = (
        "b2blint: 1\nconditionalAccessPolicies:\n"
        "  - displayName: A\n    state: on\n    conditions: {users: {includeUsers: All}}\n"
        "  - displayName: B\n"
        "  - just a string\n"
    )
    code, findings = _lint(_tree(tmp_path, text))
    assert code == 1
    assert [(f["rule"], f["line"], f["column"]) for f in findings if f["file"] == "ca.yaml"] == [
        ("SCH001", 4, 12),  # 'on' is not a state
        ("SCH001", 5, 40),  # includeUsers must be a list
        ("SCH001", 6, 5),  # missing state
        ("SCH001", 6, 5),  # missing conditions
        ("SCH001", 7, 5),  # not a mapping
    ]


def test_unknown_properties_are_kept_and_not_errors(tmp_path: Path) -> None:
    text = _context().replace(
        "    grantControls", "    templateId: null\n    futureProperty: {x: 1}\n    grantControls"
    )
    _tree(tmp_path, text, TENANT_HEAD)
    assert _lint(tmp_path) == (0, [])


def test_graph_documented_list_response_is_valid_context(tmp_path: Path) -> None:
    # The example response of "List policies" (docs/sources.md [S134]), as the body of a
    # context file: no schema finding, and disabled policies never apply.
    response = json.loads((FIXTURES / "ca" / "graph-list-policies.json").read_text("utf-8"))
    context = {"b2blint": 1, "conditionalAccessPolicies": response["value"]}
    _tree(tmp_path, dump_yaml(context), TREE)
    # Both policies are disabled: with this context no policy can require MFA of the direct
    # connect users, so XTA003 (which fires without context) is not reported.
    assert _lint(tmp_path) == (0, [])


def test_the_same_policy_id_twice_is_sch005(tmp_path: Path) -> None:
    one = "b2blint: 1\nconditionalAccessPolicies:\n  - id: x1\n    state: disabled\n"
    one += "    conditions: {}\n"
    (tmp_path / "a.yaml").write_text(one, "utf-8")
    (tmp_path / "b.yaml").write_text(one, "utf-8")
    code, findings = _lint(tmp_path)
    assert (code, _brief(findings)) == (1, [("SCH005", "b.yaml", 3, 9, "error")])
    assert findings[0]["message"] == "Conditional Access policy x1 is already declared at a.yaml:3"
