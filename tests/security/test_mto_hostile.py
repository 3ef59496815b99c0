"""Hostile MTO data, from saved responses, the live tenant and policy files (docs/mto.md).

A tenant ID becomes a URL segment of apply's ``PATCH .../tenants/{tenantId}``: one that is not
a GUID is refused where it enters (import, export, lint) with its position. A display name is
data: whatever it holds (a newline that would start a YAML key) is written so it reads back
unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from b2blint.fakegraph.server import RunningFake
from b2blint.files.document import read_document
from tests.conftest import run_cli
from tests.tenant.conftest import FABRIKAM, TENANT

TENANTS_CONTEXT = (
    "https://graph.microsoft.com/v1.0/$metadata#tenantRelationships/multiTenantOrganization/tenants"
)
INJECTION = (
    "Fabrikam\nmultiTenantOrganizationPartnerConfiguration:\n"
    "  inboundTrust: {isMfaAccepted: true}\n#"
)


def _tenants(directory: Path, *items: dict[str, Any]) -> str:
    body = {"@odata.context": TENANTS_CONTEXT, "value": list(items)}
    (directory / "tenants.json").write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
    return "tenants.json"


@pytest.mark.parametrize(
    ("tenant_id", "shown"),
    [
        ("../../etc/passwd", "'../../etc/passwd'"),
        (f"{FABRIKAM}\n", "'" + FABRIKAM + "\\n'"),
        (f"{FABRIKAM}/../x", "'" + FABRIKAM + "/../x'"),
        (5, "a number"),
    ],
)
def test_import_member_tenant_id_that_is_not_a_guid_is_refused(
    tmp_path: Path, tenant_id: Any, shown: str
) -> None:
    name = _tenants(tmp_path, {"tenantId": tenant_id, "role": "member"})
    run = run_cli(["import", "--tenant-id", TENANT, "--out", "out", name], cwd=tmp_path)
    assert (run.exit_code, run.stdout) == (2, "")
    assert run.stderr == (
        f"b2blint: error: {name}:5:19: multiTenantOrganization tenant tenantId {shown} is not a "
        "GUID (Graph's tenant IDs are) at $.value[0].tenantId\n"
    )
    assert not (tmp_path / "out").exists()


def test_import_member_listed_twice_is_refused(tmp_path: Path) -> None:
    twice = {"tenantId": FABRIKAM.upper(), "role": "owner"}
    name = _tenants(tmp_path, {"tenantId": FABRIKAM}, twice)
    run = run_cli(["import", "--tenant-id", TENANT, "--out", "out", name], cwd=tmp_path)
    assert run.exit_code == 2
    assert run.stderr == (
        f"b2blint: error: {name}:8:19: multiTenantOrganization tenant {FABRIKAM.upper()} "
        f"appears twice (first at {name}:5:19)\n"
    )


def test_import_display_name_with_a_newline_reads_back_exactly(tmp_path: Path) -> None:
    name = _tenants(tmp_path, {"tenantId": FABRIKAM, "displayName": INJECTION, "role": "member"})
    run = run_cli(["import", "--tenant-id", TENANT, "--out", "out", name], cwd=tmp_path)
    assert run.exit_code == 0, run.stderr
    data = read_document(tmp_path / "out" / "tenant.yaml").data
    assert data["multiTenantOrganization"] == {
        "tenants": [{"tenantId": FABRIKAM, "displayName": INJECTION, "role": "member"}]
    }
    assert "multiTenantOrganizationPartnerConfiguration" not in data  # no key was injected
    lint = run_cli(["lint", "out"], cwd=tmp_path)
    assert lint.exit_code == 0, lint.stdout


def test_export_display_names_with_newlines_read_back_exactly(
    fake: RunningFake, tmp_path: Path
) -> None:
    fake.set_state(
        {
            "tenantId": TENANT,
            "multiTenantOrganization": {
                "displayName": "Contoso\ndefault: {}",
                "tenants": [
                    {"tenantId": TENANT, "role": "owner"},
                    {"tenantId": FABRIKAM, "displayName": INJECTION},
                ],
            },
        }
    )
    out = tmp_path / "live"
    run = run_cli(
        ["export", "--tenant-id", TENANT, "--out", str(out), "--section", "multiTenantOrganization"]
    )
    assert run.exit_code == 0, run.stderr
    data = read_document(out / "tenant.yaml").data
    assert data["multiTenantOrganization"]["displayName"] == "Contoso\ndefault: {}"
    assert data["multiTenantOrganization"]["tenants"][1]["displayName"] == INJECTION
    assert set(data) == {"b2blint", "tenant", "multiTenantOrganization"}
    plan = run_cli(["plan", str(out), "--detailed-exitcode"])
    assert plan.exit_code == 0, plan.stdout + plan.stderr


def test_lint_positions_a_bad_tenant_id_and_level(tmp_path: Path) -> None:
    (tmp_path / "tenant.yaml").write_text(
        "b2blint: 1\n"
        "multiTenantOrganization:\n"
        "  tenants:\n"
        "    - tenantId: ../../etc\n"
        "      role: owner\n"
        "multiTenantOrganizationPartnerConfiguration:\n"
        "  templateApplicationLevel: everyone\n",
        encoding="utf-8",
    )
    run = run_cli(["lint", "tenant.yaml"], cwd=tmp_path)
    assert run.exit_code == 1
    assert run.stdout.splitlines()[:2] == [
        "tenant.yaml:4:17: SCH001 [error] '../../etc' is not a GUID "
        "(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
        "tenant.yaml:7:29: SCH001 [error] 'everyone' is not one of: newPartners,existingPartners, "
        "existingPartners,newPartners, newPartners, existingPartners, none",
    ]


def test_a_hostile_live_tenant_id_is_refused_before_any_path_is_built(
    fake: RunningFake, tmp_path: Path
) -> None:
    """A tenants list from a broken or hostile server: nothing planned, nothing written."""
    hostile_id = "../../policies/authorizationPolicy"
    fake.set_state({"tenantId": TENANT, "multiTenantOrganization": {"displayName": "X"}})
    fake.script_faults(
        {
            "kind": "respond",
            "method": "GET",
            "path": "*/multiTenantOrganization/tenants",
            "status": 200,
            "body": {"value": [{"tenantId": hostile_id, "role": "owner"}]},
        }
    )
    tree = tmp_path / "p"
    tree.mkdir()
    (tree / "tenant.yaml").write_text(
        f"b2blint: 1\ntenant: {{id: {TENANT}}}\nmultiTenantOrganization:\n  displayName: Y\n",
        encoding="utf-8",
    )
    run = run_cli(["apply", str(tree), "--yes"])
    assert run.exit_code == 1
    assert run.stderr == (
        "b2blint: error: cannot read the live tenant: multiTenantOrganization tenant tenantId "
        "'../../policies/authorizationPolicy' is not a GUID (Graph's tenant IDs are) at "
        "$.tenants[0].tenantId\n"
    )
    assert [e for e in fake.log() if e["method"] != "GET"] == []
