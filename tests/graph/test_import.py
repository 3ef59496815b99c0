"""`b2blint import` as an admin runs it: saved Graph JSON in, a lint-ready YAML tree out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from b2blint.graph.mapping import resources_from_policy
from tests.conftest import FIXTURES, POLICIES, run_cli

TENANT = "6babcaad-604b-40ac-a9d7-9fd97c0b779f"
FABRIKAM = "3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11"
ADATUM = "cdb668e9-1967-4d2f-a91d-d53b5e5267d9"
V1 = "https://graph.microsoft.com/v1.0/$metadata#"
BETA = "https://graph.microsoft.com/beta/$metadata#"
ALL_USERS = {"target": "AllUsers", "targetType": "user"}

# What an admin saves from Graph Explorer / `az rest` for a whole tenant.
RESPONSES: dict[str, Any] = {
    "policy.json": {
        "@odata.context": V1 + "policies/crossTenantAccessPolicy/$entity",
        "id": "b8a2a9f4-3f5e-4a47-9a43-0c2f3e1d5a6b",
        "displayName": "CrossTenantAccessPolicy",
        "definition": ['{"CrossTenantAccessPolicy":{"Version":1}}'],
        "allowedCloudEndpoints": ["microsoftonline.us"],
    },
    "default.json": {
        "@odata.context": V1 + "policies/crossTenantAccessPolicy/default/$entity",
        "isServiceDefault": False,
        "inboundTrust": {
            "isMfaAccepted": False,
            "isCompliantDeviceAccepted": False,
            "isHybridAzureADJoinedDeviceAccepted": False,
        },
        "automaticUserConsentSettings": {"inboundAllowed": False, "outboundAllowed": False},
        "b2bCollaborationOutbound": {
            "usersAndGroups": {"accessType": "allowed", "targets": [ALL_USERS]},
            "applications": {
                "accessType": "allowed",
                "targets": [
                    {"target": "Office365", "targetType": "application"},
                    {"target": "00000012-0000-0000-c000-000000000000", "targetType": "application"},
                ],
            },
        },
    },
    "partners.json": {
        "@odata.context": V1 + "policies/crossTenantAccessPolicy/partners",
        "value": [
            {
                "tenantId": FABRIKAM,
                "displayName": "Fabrikam",
                "isServiceProvider": None,
                "isInMultiTenantOrganization": False,
                "inboundTrust": {
                    "isMfaAccepted": True,
                    "isCompliantDeviceAccepted": None,
                    "isHybridAzureADJoinedDeviceAccepted": None,
                },
                "automaticUserConsentSettings": {"inboundAllowed": None, "outboundAllowed": None},
                "b2bCollaborationInbound": None,
                "b2bCollaborationOutbound": None,
                "b2bDirectConnectInbound": None,
                "b2bDirectConnectOutbound": None,
                "tenantRestrictions": None,
            },
            {
                "tenantId": ADATUM,
                "inboundTrust": None,
                "automaticUserConsentSettings": {"inboundAllowed": True, "outboundAllowed": False},
                "b2bCollaborationInbound": {
                    "usersAndGroups": {"accessType": "allowed", "targets": [ALL_USERS]},
                    "applications": {
                        "accessType": "allowed",
                        "targets": [{"target": "AllApplications", "targetType": "application"}],
                    },
                },
            },
        ],
    },
    "sync.json": {
        "@odata.context": V1
        + "policies/crossTenantAccessPolicy/partners(tenantId,identitySynchronization())",
        "value": [
            {"tenantId": FABRIKAM, "identitySynchronization": None},
            {
                "tenantId": ADATUM,
                "identitySynchronization": {
                    "tenantId": ADATUM,
                    "displayName": "Adatum",
                    "userSyncInbound": {"isSyncAllowed": True},
                },
            },
        ],
    },
    "authz.json": {
        "@odata.context": V1 + "policies/authorizationPolicy/$entity",
        "id": "authorizationPolicy",
        "allowInvitesFrom": "adminsAndGuestInviters",
        "guestUserRoleId": "2af84b1e-32c8-42b7-82bc-daa82404023b",
        "allowEmailVerifiedUsersToJoinOrganization": False,
    },
    "email.json": {
        "@odata.context": V1 + "authenticationMethodConfigurations/$entity",
        "@odata.type": "#microsoft.graph.emailAuthenticationMethodConfiguration",
        "id": "Email",
        "state": "enabled",
        "allowExternalIdToUseEmailOtp": "enabled",
        "includeTargets@odata.context": V1 + "policies/authenticationMethodsPolicy/"
        "authenticationMethodConfigurations('Email')/includeTargets",
        "includeTargets": [{"targetType": "group", "id": "all_users"}],
        "excludeTargets": [],
    },
    "b2b.json": {
        "@odata.context": BETA + "policies/b2bManagementPolicies",
        "value": [
            {
                "id": "f596ef0d-42f9-0359-1aaa-12d02b38802a",
                "deletedDateTime": None,
                "displayName": "B2B management policy",
                "definition": [
                    '{"B2BManagementPolicy":{"InvitationsAllowedAndBlockedDomainsPolicy":'
                    '{"AllowedDomains":["fabrikam.com","adatum.com"]},'
                    '"AutoRedeemPolicy":{"AdminConsentedForUsersIntoTenantIds":[]}}}'
                ],
                "isOrganizationDefault": True,
            }
        ],
    },
    "extid.json": {
        "@odata.context": BETA + "policies/externalIdentitiesPolicy/$entity",
        "id": "externalIdentityPolicy",
        "deletedDateTime": None,
        "allowExternalIdentitiesToLeave": True,
        "allowDeletedIdentitiesDataRemoval": False,
    },
}

TENANT_YAML = """\
# Tenant-wide settings, imported by `b2blint import` from saved Microsoft Graph responses:
#   policy.json
#   default.json
#   partners.json
#   sync.json
#   authz.json
#   email.json
#   b2b.json
#   extid.json
# Inside each section the property names are Graph's own (docs/format.md).
b2blint: 1
tenant: {id: 6babcaad-604b-40ac-a9d7-9fd97c0b779f, cloud: global}
crossTenantAccessPolicy:  # PATCH /policies/crossTenantAccessPolicy
  displayName: CrossTenantAccessPolicy
  allowedCloudEndpoints:
    - microsoftonline.us
default:  # PATCH /policies/crossTenantAccessPolicy/default
  inboundTrust:
    isMfaAccepted: false
    isCompliantDeviceAccepted: false
    isHybridAzureADJoinedDeviceAccepted: false
  b2bCollaborationOutbound:
    usersAndGroups:
      accessType: allowed
      targets:
        - {target: AllUsers, targetType: user}
    applications:
      accessType: allowed
      targets:
        - {target: Office365, targetType: application}
        - {target: 00000012-0000-0000-c000-000000000000, targetType: application}
authorizationPolicy:  # PATCH /policies/authorizationPolicy
  allowInvitesFrom: adminsAndGuestInviters
  guestUserRoleId: 2af84b1e-32c8-42b7-82bc-daa82404023b
  allowEmailVerifiedUsersToJoinOrganization: false
invitationDomains:  # beta PATCH /policies/b2bManagementPolicies/{id}
  allowedDomains:
    - fabrikam.com
    - adatum.com
emailOtp:  # PATCH /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/email
  state: enabled
  allowExternalIdToUseEmailOtp: enabled
externalIdentitiesPolicy:  # beta PATCH /policies/externalIdentitiesPolicy
  allowExternalIdentitiesToLeave: true
  allowDeletedIdentitiesDataRemoval: false
#
# The b2bManagementPolicy as imported. b2blint manages only its domain list
# (invitationDomains above, if it has one); apply keeps the rest of the live policy.
# {"id":"f596ef0d-42f9-0359-1aaa-12d02b38802a","deletedDateTime":null,\
"displayName":"B2B management policy","definition":["{\\"B2BManagementPolicy\\":\
{\\"InvitationsAllowedAndBlockedDomainsPolicy\\":{\\"AllowedDomains\\":[\\"fabrikam.com\\",\
\\"adatum.com\\"]},\\"AutoRedeemPolicy\\":{\\"AdminConsentedForUsersIntoTenantIds\\":[]}}}"],\
"isOrganizationDefault":true}
"""

FABRIKAM_YAML = """\
# Partner Fabrikam, imported by `b2blint import`.
# Graph: /policies/crossTenantAccessPolicy/partners/3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11
# Graph records neither a partner's cloud nor its domains: add `cloud:` (usgov or
# china) if it is not in the global cloud, and `domains:` for the invitation rules.
b2blint: 1
partners:
  - tenantId: 3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11
    name: Fabrikam
    settings:
      inboundTrust:
        isMfaAccepted: true
        isCompliantDeviceAccepted: null
        isHybridAzureADJoinedDeviceAccepted: null
"""

ADATUM_YAML = """\
# Partner Adatum, imported by `b2blint import`.
# Graph: /policies/crossTenantAccessPolicy/partners/cdb668e9-1967-4d2f-a91d-d53b5e5267d9
# Graph records neither a partner's cloud nor its domains: add `cloud:` (usgov or
# china) if it is not in the global cloud, and `domains:` for the invitation rules.
b2blint: 1
partners:
  - tenantId: cdb668e9-1967-4d2f-a91d-d53b5e5267d9
    name: Adatum
    settings:
      automaticUserConsentSettings: {inboundAllowed: true, outboundAllowed: false}
      b2bCollaborationInbound:
        usersAndGroups:
          accessType: allowed
          targets:
            - {target: AllUsers, targetType: user}
        applications:
          accessType: allowed
          targets:
            - {target: AllApplications, targetType: application}
    identitySynchronization:
      displayName: Adatum
      userSyncInbound: {isSyncAllowed: true}
"""


def _save(directory: Path, responses: dict[str, Any]) -> list[str]:
    names = []
    for name, body in responses.items():
        (directory / name).write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
        names.append(name)
    return names


def _tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _import(cwd: Path, *args: str) -> Any:
    return run_cli(["import", "--tenant-id", TENANT, *args], cwd=cwd)


def test_import_writes_a_lint_ready_tree(tmp_path: Path) -> None:
    names = _save(tmp_path, RESPONSES)
    run = _import(tmp_path, "--out", "policies", *names)
    assert (run.exit_code, run.stderr) == (0, "")
    assert run.stdout == (
        "wrote policies/tenant.yaml: crossTenantAccessPolicy, default, authorizationPolicy, "
        "invitationDomains, emailOtp, externalIdentitiesPolicy\n"
        f"wrote policies/partners/fabrikam.yaml: partner {FABRIKAM} (Fabrikam)\n"
        f"wrote policies/partners/adatum.yaml: partner {ADATUM} (Adatum), identitySynchronization\n"
        "left out (read-only or not managed): authorizationPolicy.id, "
        "crossTenantAccessPolicy.definition, crossTenantAccessPolicy.id, "
        "default.automaticUserConsentSettings, default.isServiceDefault, "
        "emailOtp.excludeTargets, emailOtp.id, emailOtp.includeTargets, "
        "externalIdentitiesPolicy.deletedDateTime, externalIdentitiesPolicy.id, "
        "partner.isInMultiTenantOrganization\n"
        "note: allowedCloudEndpoints lists microsoftonline.us: set `cloud: usgov` on the "
        "partners in that cloud (Graph does not record it)\n"
        "imported 8 files into policies: tenant.yaml and 2 partner files; "
        "next: b2blint lint policies\n"
    )
    assert _tree(tmp_path / "policies") == {
        "partners/adatum.yaml": ADATUM_YAML.encode(),
        "partners/fabrikam.yaml": FABRIKAM_YAML.encode(),
        "tenant.yaml": TENANT_YAML.encode(),
    }
    lint = run_cli(["lint", "--format", "json", "policies"], cwd=tmp_path)
    findings = json.loads(lint.stdout)["findings"]
    assert [f["rule"] for f in findings if f["severity"] == "error"] == []
    assert not [f for f in findings if f["rule"].startswith(("SYN", "SCH"))]


def test_the_empty_output_directory_may_exist(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    names = _save(tmp_path, {"authz.json": RESPONSES["authz.json"]})
    run = _import(tmp_path, "--out", "out", *names)
    assert run.exit_code == 0
    assert sorted(_tree(tmp_path / "out")) == ["tenant.yaml"]


def test_utf16_response_from_windows_powershell(tmp_path: Path) -> None:
    text = json.dumps(RESPONSES["authz.json"], indent=2)
    (tmp_path / "authz.json").write_bytes(text.encode("utf-16"))  # with BOM, as `>` writes it
    run = _import(tmp_path, "--out", "out", "authz.json")
    assert run.exit_code == 0, run.stderr
    assert (
        b"allowInvitesFrom: adminsAndGuestInviters\n" in (tmp_path / "out/tenant.yaml").read_bytes()
    )


def test_partner_name_collision_and_no_name(tmp_path: Path) -> None:
    body = {
        "value": [
            {"tenantId": FABRIKAM, "displayName": "Fabrikam", "inboundTrust": None},
            {"tenantId": ADATUM, "displayName": "fabrikam!", "inboundTrust": None},
            {"tenantId": TENANT, "inboundTrust": None},
        ]
    }
    names = _save(tmp_path, {"partners.json": body})
    run = _import(tmp_path, "--out", "out", *names)
    assert run.exit_code == 0
    assert sorted(_tree(tmp_path / "out")) == [
        "partners/6babcaad-604b-40ac-a9d7-9fd97c0b779f.yaml",
        "partners/fabrikam-cdb668e9.yaml",
        "partners/fabrikam.yaml",
        "tenant.yaml",
    ]
    assert (
        (tmp_path / "out/partners/fabrikam.yaml")
        .read_text()
        .endswith(f"  - tenantId: {FABRIKAM}\n    name: Fabrikam\n    settings: {{}}\n")
    )


# --------------------------------------------------------------------------- refusals


def _refused(tmp_path: Path, run: Any, message: str) -> None:
    assert run.exit_code == 2
    assert run.stderr == f"b2blint: error: {message}\n"
    assert run.stdout == ""
    assert not (tmp_path / "out").exists()


def test_non_empty_output_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.yaml").write_text("b2blint: 1\n")
    names = _save(tmp_path, {"authz.json": RESPONSES["authz.json"]})
    run = _import(tmp_path, "--out", "out", *names)
    assert (run.exit_code, run.stdout) == (2, "")
    assert run.stderr == (
        "b2blint: error: --out out: directory is not empty; import writes a new tree "
        "(choose a new or empty directory)\n"
    )
    assert _tree(tmp_path / "out") == {"keep.yaml": b"b2blint: 1\n"}


def test_invalid_json_is_refused_with_its_position(tmp_path: Path) -> None:
    (tmp_path / "ok.json").write_text(json.dumps(RESPONSES["authz.json"]))
    (tmp_path / "bad.json").write_text('{\n  "allowInvitesFrom": "none",\n}\n')
    run = _import(tmp_path, "--out", "out", "ok.json", "bad.json")
    _refused(
        tmp_path,
        run,
        "bad.json:3:1: invalid JSON: Expecting property name enclosed in double quotes",
    )


def test_unreadable_file_is_refused(tmp_path: Path) -> None:
    run = _import(tmp_path, "--out", "out", "missing.json")
    _refused(tmp_path, run, "missing.json: cannot read: No such file or directory")


def test_bad_utf8_is_refused(tmp_path: Path) -> None:
    (tmp_path / "latin1.json").write_bytes(b'{\n  "displayName": "Caf\xe9"\n}\n')
    run = _import(tmp_path, "--out", "out", "latin1.json")
    _refused(
        tmp_path, run, "latin1.json:2:22: not valid UTF-8 (byte 0xe9); save the response as UTF-8"
    )


def test_duplicate_key_is_refused(tmp_path: Path) -> None:
    (tmp_path / "dup.json").write_text(
        '{"allowInvitesFrom": "none",\n "allowInvitesFrom": "everyone"}'
    )
    run = _import(tmp_path, "--out", "out", "dup.json")
    _refused(tmp_path, run, "dup.json:2:2: duplicate key 'allowInvitesFrom' in one object")


def test_unrecognised_body_is_refused(tmp_path: Path) -> None:
    (tmp_path / "me.json").write_text(
        '{\n  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users/$entity",\n'
        '  "displayName": "Adele Vance"\n}\n'
    )
    (tmp_path / "list.json").write_text(
        '{"value": [\n  {"tenantId": "x"},\n  {"mail": "a@b"}\n]}\n'
    )
    run = _import(tmp_path, "--out", "out", "me.json")
    assert run.stderr.startswith(
        "b2blint: error: me.json:1:1: @odata.context "
        "'https://graph.microsoft.com/v1.0/$metadata#users/$entity' is not a response "
        "b2blint imports; it reads GET /policies/crossTenantAccessPolicy, "
    )
    _refused(tmp_path, run, run.stderr.removeprefix("b2blint: error: ").rstrip("\n"))
    run = _import(tmp_path, "--out", "out", "list.json")
    assert run.stderr.startswith(
        "b2blint: error: list.json:3:3: this object is not a resource b2blint imports"
    )
    assert run.stderr.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_second_singleton_is_refused(tmp_path: Path) -> None:
    _save(tmp_path, {"a.json": RESPONSES["authz.json"], "b.json": RESPONSES["authz.json"]})
    run = _import(tmp_path, "--out", "out", "a.json", "b.json")
    _refused(
        tmp_path,
        run,
        "b.json:1:1: a second authorizationPolicy body (a tenant has one) (first at a.json:1:1)",
    )


def test_partner_twice_is_refused_at_its_tenant_id(tmp_path: Path) -> None:
    _save(tmp_path, {"partners.json": RESPONSES["partners.json"]})
    (tmp_path / "one.json").write_text(
        '{\n  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#policies/'
        'crossTenantAccessPolicy/partners/$entity",\n'
        f'  "tenantId": "{FABRIKAM.upper()}",\n  "inboundTrust": null\n}}\n'
    )
    run = _import(tmp_path, "--out", "out", "partners.json", "one.json")
    _refused(
        tmp_path,
        run,
        f"one.json:3:15: partner {FABRIKAM.upper()} appears twice (first at partners.json:5:19)",
    )


def test_bad_tenant_id_is_refused(tmp_path: Path) -> None:
    names = _save(tmp_path, {"authz.json": RESPONSES["authz.json"]})
    run = run_cli(["import", "--tenant-id", "contoso.com", "--out", "out", *names], cwd=tmp_path)
    _refused(tmp_path, run, "--tenant-id 'contoso.com' is not a GUID (the tenant's directory id)")


# --------------------------------------------------------------------------- doc examples

DOCS = FIXTURES / "graph-docs"
DOC_FILES = sorted(path.name for path in DOCS.glob("*.json")) if DOCS.is_dir() else []

# Value errors in Microsoft's examples that survive import (SOURCES.md, "Known value errors").
# The others sit in fields import leaves out as read-only or unmanaged (crossTenantAccessPolicy
# definition and lastModifiedDateTime, b2bManagementPolicy isOrganizationDefault) or are
# resolved by the format itself (the "value" wrapper, inline identitySynchronization).
DOC_ERRORS: dict[str, list[tuple[str, str, int, int, str]]] = {
    "beta-authorizationpolicy-get.json": [
        ("SCH001", "tenant.yaml", 12, 24, "$.authorizationPolicy.blockMsolPowerShell"),
    ],
}


@pytest.mark.parametrize("name", DOC_FILES)
def test_every_doc_example_imports_and_lints(tmp_path: Path, name: str) -> None:
    run = _import(DOCS, "--out", str(tmp_path / "out"), name)
    assert (run.exit_code, run.stderr) == (0, "")
    lint = run_cli(["lint", "--format", "json", "--api-version", "beta", str(tmp_path / "out")])
    schema_findings = [
        (f["rule"], Path(f["file"]).name, f["line"], f["column"], f["path"])
        for f in json.loads(lint.stdout)["findings"]
        if f["rule"].startswith(("SYN", "SCH"))
    ]
    assert schema_findings == DOC_ERRORS.get(name, [])


def test_doc_examples_import_together(tmp_path: Path) -> None:
    """One tenant's worth of v1.0 examples; the sync policy shown twice is refused."""
    names = [
        "v1.0-crosstenantaccesspolicy-get.json",
        "v1.0-crosstenantaccesspolicyconfigurationdefault-get.json",
        "v1.0-crosstenantaccesspolicy-list-partners.json",
        "v1.0-crosstenantaccesspolicy-list-partners-expand-identitysynchronization.json",
        "v1.0-authorizationpolicy-get.json",
        "v1.0-emailauthenticationmethodconfiguration-get.json",
        "beta-externalidentitiespolicy-get.json",
        "beta-b2bmanagementpolicy-get.json",
    ]
    if not set(names) <= set(DOC_FILES):
        pytest.skip("graph-docs fixtures not all present")
    out = tmp_path / "out"
    run = _import(DOCS, "--out", str(out), *names)
    assert run.exit_code == 0, run.stderr
    assert sorted(_tree(out)) == [
        "partners/123f4846-ba00-4fd7-ba43-dac1f8f63013.yaml",
        "partners/fabrikam.yaml",
        "tenant.yaml",
    ]
    lint = run_cli(["lint", "--format", "json", "--api-version", "beta", str(out)])
    assert [f for f in json.loads(lint.stdout)["findings"] if f["rule"].startswith("SCH")] == []
    again = _import(
        DOCS,
        "--out",
        str(tmp_path / "again"),
        *names,
        "v1.0-crosstenantidentitysyncpolicypartner-get.json",
    )
    assert again.exit_code == 2
    assert again.stderr == (
        "b2blint: error: v1.0-crosstenantidentitysyncpolicypartner-get.json:1:1: "
        "identitySynchronization of partner 9c5d131d-b1c3-4fc4-9e3f-c6557947d551 appears twice "
        "(first at v1.0-crosstenantaccesspolicy-list-partners-expand-identitysynchronization"
        ".json:5:34)\n"
    )


# --------------------------------------------------------------------------- round trip


def test_bundled_policies_survive_graph_and_import(tmp_path: Path) -> None:
    """policies/ -> the objects Graph would return -> import -> the same managed settings."""
    from b2blint.files.document import read_document

    policy: dict[str, Any] = {"partners": []}
    for path in sorted(POLICIES.rglob("*.yaml")):
        data = read_document(path).data
        if "b2blint-tests" in data:  # policies/tests/: policy tests, not policy
            continue
        policy["partners"].extend(data.pop("partners", []))
        policy.update(data)
    context = policy.pop("conditionalAccessPolicies", None)
    for index, resource in enumerate(resources_from_policy(policy).values()):
        (tmp_path / f"{index:02}.json").write_text(json.dumps(resource.entity), encoding="utf-8")
    if context is not None:  # the read-only context, as GET .../conditionalAccess/policies
        listed = {"@odata.context": V1 + "identity/conditionalAccess/policies", "value": context}
        (tmp_path / "ca.json").write_text(json.dumps(listed), encoding="utf-8")
        policy["conditionalAccessPolicies"] = context
    names = sorted(path.name for path in tmp_path.glob("*.json"))
    run = _import(tmp_path, "--out", "out", *names)
    assert run.exit_code == 0, run.stderr

    imported: dict[str, Any] = {"partners": []}
    for path in sorted((tmp_path / "out").rglob("*.yaml")):
        data = read_document(path).data
        imported["partners"].extend(data.pop("partners", []))
        imported.update(data)

    def managed(tree: dict[str, Any]) -> dict[str, Any]:
        # conditionalAccessPolicies: context, never sent to Graph (docs/conditional-access.md).
        skip = {"b2blint", "tenant", "partners", "conditionalAccessPolicies"}
        out = {k: v for k, v in tree.items() if k not in skip}
        out["partners"] = sorted(
            (
                {k: v for k, v in entry.items() if k not in {"name", "cloud", "domains"}}
                for entry in tree["partners"]
            ),
            key=lambda entry: entry["tenantId"],
        )
        return out

    assert managed(imported) == managed(policy)
    # ... and the context comes back from its saved list response exactly as it was.
    assert imported["conditionalAccessPolicies"] == policy["conditionalAccessPolicies"]


def test_summary_escapes_untrusted_names(tmp_path: Path) -> None:
    """File names (and the Graph names in the summary) are printed through `printable`: an
    ESC sequence or a newline in a name cannot repaint the terminal or forge a line."""
    page = "page\x1b[2J\nb2blint: error: forged.json"
    body = {**RESPONSES["partners.json"], "@odata.nextLink": "https://graph.microsoft.com/x"}
    (tmp_path / page).write_text(json.dumps(body), encoding="utf-8")
    run = _import(tmp_path, "--out", "o\x1b[31mut", page)
    assert run.exit_code == 0, run.stderr
    assert "\x1b" not in run.stdout
    assert run.stdout.splitlines()[0] == (
        "note: page\\x1b[2J\\nb2blint: error: forged.json is one page of a longer list "
        "(@odata.nextLink): pass every page, or partners will be missing"
    )
    assert "wrote o\\x1b[31mut/tenant.yaml: " in run.stdout


def test_default_whose_only_field_is_dropped_is_valid_yaml(tmp_path: Path) -> None:
    """Regression (issue 11): ``default:  # PATCH ...`` then ``{}`` on the next line is not
    YAML. The empty mapping stays on the key's line, before the comment, and lints clean."""
    names = _save(
        tmp_path,
        {"default.json": {"@odata.context": RESPONSES["default.json"]["@odata.context"],
                          "isServiceDefault": False}},
    )
    run = _import(tmp_path, "--out", "out", *names)
    assert run.exit_code == 0, run.stderr
    assert "left out (read-only or not managed): default.isServiceDefault\n" in run.stdout
    text = (tmp_path / "out" / "tenant.yaml").read_text()
    assert text.endswith(
        f"tenant: {{id: {TENANT}, cloud: global}}\n"
        "default: {}  # PATCH /policies/crossTenantAccessPolicy/default\n"
    )
    lint = run_cli(["lint", str(tmp_path / "out")])
    assert (lint.exit_code, lint.stdout) == (0, "All checks passed (1 file).\n")
