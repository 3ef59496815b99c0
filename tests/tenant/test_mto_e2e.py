"""The multitenant organization and its templates: import, export, plan and apply, end to end.

Import reads the example responses of Microsoft's Graph pages (tests/fixtures/graph/mto,
[S90][S92][S93][S94]); export, plan and apply run the real CLI against the emulator over HTTP
and assert the exact requests it received (docs/mto.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from b2blint.fakegraph.server import RunningFake
from b2blint.files.document import read_document
from tests.conftest import ROOT, Run, run_cli
from tests.tenant.conftest import ADATUM, FABRIKAM, TENANT, committed, writes

DOCS = ROOT / "tests" / "fixtures" / "graph" / "mto"
MTO = "/v1.0/tenantRelationships/multiTenantOrganization"
TEMPLATES = "/v1.0/policies/crossTenantAccessPolicy/templates"
PARTNER_TEMPLATE = TEMPLATES + "/multiTenantOrganizationPartnerConfiguration"
SYNC_TEMPLATE = TEMPLATES + "/multiTenantOrganizationIdentitySynchronization"
SECTIONS = [
    "--section",
    "multiTenantOrganization",
    "--section",
    "multiTenantOrganizationPartnerConfiguration",
    "--section",
    "multiTenantOrganizationIdentitySynchronization",
]
CONTOSO_DOCS = "1fd6544e-e994-4de2-9f1b-787b51c7d325"  # the owner tenant of the docs' examples


def _mto_state(*, owner: bool = True, **extra: Any) -> dict[str, Any]:
    role = "owner" if owner else "member"
    return {
        "tenantId": TENANT,
        "multiTenantOrganization": {
            "id": "6d8b39e5-039a-4034-bf3a-e0b4f8cd60b6",
            "createdDateTime": "2023-05-26T22:05:23Z",
            "displayName": "Contoso organization",
            "description": "Contoso and Fabrikam",
            "tenants": [
                {"tenantId": TENANT, "displayName": "Contoso", "role": role},
                {"tenantId": FABRIKAM, "displayName": "Fabrikam", "state": "pending"},
            ],
        },
        **extra,
    }


def _export(tmp_path: Path) -> Path:
    out = tmp_path / "live"
    run = run_cli(["export", "--tenant-id", TENANT, "--out", str(out), *SECTIONS])
    assert run.exit_code == 0, run.stderr
    return out


# --------------------------------------------------------------------------- import


def _import(tmp_path: Path, tenant: str, *files: str) -> tuple[Run, dict[str, Any]]:
    """``b2blint import`` of these documented responses into out/: the run, and tenant.yaml."""
    run = run_cli(
        ["import", "--tenant-id", tenant, "--out", "out", *(str(DOCS / f) for f in files)],
        cwd=tmp_path,
    )
    assert run.exit_code == 0, run.stderr
    return run, read_document(tmp_path / "out" / "tenant.yaml").data


def test_import_of_the_documented_responses_lints_clean(tmp_path: Path) -> None:
    run, data = _import(
        tmp_path,
        CONTOSO_DOCS,
        "multitenantorganization-get.json",
        "multitenantorganization-list-tenants.json",
        "multitenantorganizationpartnerconfigurationtemplate-get.json",
        "multitenantorganizationidentitysyncpolicytemplate-get.json",
    )
    assert data["multiTenantOrganization"] == {
        "displayName": "Contoso organization",
        "description": "Multitenant organization between Contoso, Fabrikam, and Woodgrove Bank",
        "tenants": [
            {"tenantId": CONTOSO_DOCS, "displayName": "Contoso", "role": "owner"},
            {"tenantId": "4a12efe6-aa14-4d03-8dff-88fc89e2e2ad", "displayName": "Fabrikam",
             "role": "member"},
            {"tenantId": "5036a0a0-a7a4-4933-9086-5dd54535dd6e", "displayName": "Woodgrove Bank",
             "role": "member"},
        ],
    }  # fmt: skip
    assert data["multiTenantOrganizationPartnerConfiguration"]["inboundTrust"] == {
        "isMfaAccepted": True,
        "isCompliantDeviceAccepted": True,
        "isHybridAzureADJoinedDeviceAccepted": True,
    }
    assert data["multiTenantOrganizationIdentitySynchronization"] == {
        "templateApplicationLevel": "newPartners,existingPartners",
        "userSyncInbound": {"isSyncAllowed": True},
    }
    assert "multiTenantOrganizationMember.joinedDateTime" in run.stdout  # left out, and said so
    lint = run_cli(["lint", "out"], cwd=tmp_path)
    assert lint.exit_code == 0  # no schema error; the two members lack partner entries here:
    assert [line.split(" has ")[0] for line in lint.stdout.splitlines()[:2]] == [
        "out/tenant.yaml:16:17: MTO002 [warning] MTO tenant Fabrikam "
        "(4a12efe6-aa14-4d03-8dff-88fc89e2e2ad)",
        "out/tenant.yaml:19:17: MTO002 [warning] MTO tenant Woodgrove Bank "
        "(5036a0a0-a7a4-4933-9086-5dd54535dd6e)",
    ]


def test_import_of_the_unconfigured_and_inactive_examples(tmp_path: Path) -> None:
    _, data = _import(
        tmp_path,
        TENANT,
        "multitenantorganization-get-inactive.json",
        "multitenantorganizationpartnerconfigurationtemplate-get-unconfigured.json",
    )
    assert "multiTenantOrganization" not in data  # "inactive": the tenant is in no MTO [S90]
    assert data["multiTenantOrganizationPartnerConfiguration"]["templateApplicationLevel"] == (
        "newPartners,existingPartners"
    )
    lint = run_cli(["lint", "out"], cwd=tmp_path)
    assert lint.exit_code == 0, lint.stdout


# --------------------------------------------------------------------------- export and plan


def test_export_then_plan_shows_no_changes(fake: RunningFake, tmp_path: Path) -> None:
    fake.set_state(_mto_state())
    tree = _export(tmp_path)
    text = (tree / "tenant.yaml").read_text(encoding="utf-8")
    assert (
        "multiTenantOrganization:  # PATCH /tenantRelationships/multiTenantOrganization\n"
        "  displayName: Contoso organization\n"
        "  description: Contoso and Fabrikam\n"
        "  tenants:\n"
        f"    - tenantId: {TENANT}\n"
        "      displayName: Contoso\n"
        "      role: owner\n"
        f"    - tenantId: {FABRIKAM}\n"
        "      displayName: Fabrikam\n"
        "      role: member\n"
    ) in text
    assert "  userSyncInbound: {isSyncAllowed: null}\n" in text
    before = len(fake.log())
    plan = run_cli(["plan", str(tree), "--detailed-exitcode"])
    assert plan.exit_code == 0, plan.stderr
    assert "No changes: the live tenant matches the YAML." in plan.stdout
    reads = sorted(e["path"] for e in fake.log()[before:])
    assert reads == sorted(
        [
            MTO,
            MTO + "/tenants",
            PARTNER_TEMPLATE,
            SYNC_TEMPLATE,
            "/v1.0/policies/crossTenantAccessPolicy/partners",
        ]
    )


def test_default_export_leaves_the_mto_sections_out(fake: RunningFake, tmp_path: Path) -> None:
    fake.set_state(_mto_state())
    run = run_cli(["export", "--tenant-id", TENANT, "--out", str(tmp_path / "all")])
    assert run.exit_code == 0, run.stderr
    assert "multiTenantOrganization" not in (tmp_path / "all" / "tenant.yaml").read_text("utf-8")
    assert not [e for e in fake.log() if "multiTenantOrganization" in e["path"]]


def _edit(tree: Path) -> None:
    path = tree / "tenant.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("displayName: Contoso organization", "displayName: Contoso MTO")
    text = text.replace(
        "      displayName: Fabrikam\n      role: member\n",
        "      displayName: Fabrikam\n      role: owner\n"
        f"    - tenantId: {ADATUM}\n      displayName: Adatum\n",
    )
    text = text.replace(
        "  automaticUserConsentSettings: {inboundAllowed: null, outboundAllowed: null}",
        "  automaticUserConsentSettings: {inboundAllowed: true, outboundAllowed: true}",
    )
    text = text.replace("{isSyncAllowed: null}", "{isSyncAllowed: true}")
    path.write_text(text, encoding="utf-8")


def test_plan_shows_each_change(fake: RunningFake, tmp_path: Path) -> None:
    fake.set_state(_mto_state())
    tree = _export(tmp_path)
    _edit(tree)
    plan = run_cli(["plan", str(tree), "--detailed-exitcode"])
    assert plan.exit_code == 2, plan.stderr
    assert (
        "~ multiTenantOrganization (update)\n"
        f"    1. PATCH {MTO}\n"
        '       ~ displayName: "Contoso organization" -> "Contoso MTO"\n'
        f"    2. PATCH {MTO}/tenants/{FABRIKAM}\n"
        f'       ~ tenants.{FABRIKAM}.role: "member" -> "owner"\n'
        f"    3. POST {MTO}/tenants\n"
        f'       + tenants.tenantId: (unset) -> "{ADATUM}"\n'
        '       + tenants.displayName: (unset) -> "Adatum"\n'
    ) in plan.stdout
    assert f"PATCH {PARTNER_TEMPLATE}\n" in plan.stdout
    assert f"PATCH {SYNC_TEMPLATE}\n" in plan.stdout
    assert writes(fake) == []


# --------------------------------------------------------------------------- apply


def test_apply_makes_the_minimal_calls_and_verifies(fake: RunningFake, tmp_path: Path) -> None:
    fake.set_state(_mto_state())
    tree = _export(tmp_path)
    _edit(tree)
    fake.clear_log()
    applied = run_cli(["apply", str(tree), "--yes"])
    assert applied.exit_code == 0, applied.stderr
    assert "Applied 5 of 5 operations.\nVerified: the live tenant matches the YAML." in (
        applied.stdout
    )
    sent = committed(fake)
    mto_writes = [w for w in sent if w[1].startswith(MTO)]
    assert mto_writes == [  # one object: its operations in plan order (the YAML's)
        ("PATCH", MTO, {"displayName": "Contoso MTO"}),
        ("PATCH", f"{MTO}/tenants/{FABRIKAM}", {"role": "owner"}),
        ("POST", MTO + "/tenants", {"tenantId": ADATUM, "displayName": "Adatum"}),
    ]
    assert sorted(w for w in sent if not w[1].startswith(MTO)) == [  # the templates
        ("PATCH", SYNC_TEMPLATE, {"userSyncInbound": {"isSyncAllowed": True}}),
        (
            "PATCH",
            PARTNER_TEMPLATE,
            {"automaticUserConsentSettings": {"inboundAllowed": True, "outboundAllowed": True}},
        ),
    ]
    assert len(fake.writes()) == 5  # nothing retried, nothing else sent
    state = fake.state()
    added = [t for t in state["multiTenantOrganization"]["tenants"] if t["tenantId"] == ADATUM]
    assert (added[0]["state"], added[0]["role"], added[0]["addedByTenantId"]) == (
        "pending",
        "member",
        TENANT,
    )
    again = run_cli(["apply", str(tree), "--yes"])
    assert again.exit_code == 0
    assert len(fake.writes()) == 5  # converged: a second apply writes nothing


def test_a_member_tenant_cannot_add_tenants_and_nothing_is_written(
    fake: RunningFake, tmp_path: Path
) -> None:
    fake.set_state(_mto_state(owner=False))
    tree = _export(tmp_path)
    _edit(tree)
    fake.clear_log()
    run = run_cli(["apply", str(tree), "--yes"])
    assert run.exit_code == 1
    assert run.stderr == (
        "b2blint: error: multiTenantOrganization: only an owner tenant can add tenants or change "
        f"a role, and this tenant ({TENANT}) is 'member'\n"
    )
    assert writes(fake) == []


def _new_mto(tmp_path: Path, section: str) -> Path:
    tree = tmp_path / "p"
    tree.mkdir()
    (tree / "tenant.yaml").write_text(
        f"b2blint: 1\ntenant: {{id: {TENANT}}}\nmultiTenantOrganization:\n{section}",
        encoding="utf-8",
    )
    return tree


def test_a_tenant_in_no_mto_creates_it_and_adds_the_others(
    fake: RunningFake, tmp_path: Path
) -> None:
    tree = _new_mto(
        tmp_path,
        "  displayName: Contoso group\n"
        "  tenants:\n"
        f"    - {{tenantId: {TENANT}, role: owner}}\n"
        f"    - {{tenantId: {FABRIKAM}, displayName: Fabrikam}}\n",
    )
    plan = run_cli(["plan", str(tree), "--detailed-exitcode"])
    assert plan.exit_code == 2, plan.stderr
    assert (
        "+ multiTenantOrganization (create)\n"
        f"    1. PUT {MTO}\n"
        '       + displayName: (unset) -> "Contoso group"\n'
        f"    2. POST {MTO}/tenants\n"
    ) in plan.stdout
    applied = run_cli(["apply", str(tree), "--yes"])
    assert applied.exit_code == 0, applied.stderr
    assert "Verified: the live tenant matches the YAML." in applied.stdout
    assert committed(fake) == [  # this tenant is the new MTO's owner: only Fabrikam is added
        ("PUT", MTO, {"displayName": "Contoso group"}),
        ("POST", MTO + "/tenants", {"tenantId": FABRIKAM, "displayName": "Fabrikam"}),
    ]


def test_creating_an_mto_needs_a_display_name(fake: RunningFake, tmp_path: Path) -> None:
    tree = _new_mto(tmp_path, "  description: no name\n")
    run = run_cli(["plan", str(tree)])
    assert run.exit_code == 1
    assert run.stderr == (
        "b2blint: error: multiTenantOrganization: this tenant is in no multitenant organization, "
        "and creating one needs a displayName\n"
    )
    assert writes(fake) == []


def test_without_the_mto_permission_plan_names_it(
    fake: RunningFake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.set_state(_mto_state())
    tree = _export(tmp_path)
    monkeypatch.setenv("B2BLINT_ACCESS_TOKEN", fake.token(roles=("Policy.Read.All",)))
    run = run_cli(["plan", str(tree)])
    assert run.exit_code == 1
    assert "MultiTenantOrganization.Read.All" in run.stderr
    assert writes(fake) == []
