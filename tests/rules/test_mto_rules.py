"""MTO001 and MTO002 beyond their fixtures: application levels, inheritance, this tenant."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli

HEAD = """\
b2blint: 1
tenant: {id: 6babcaad-604b-40ac-a9d7-9fd97c0b779f}
multiTenantOrganization:
  tenants:
    - {tenantId: 6babcaad-604b-40ac-a9d7-9fd97c0b779f, role: owner}
    - {tenantId: 3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11, displayName: Fabrikam}
"""
FABRIKAM = """\
partners:
  - tenantId: 3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11
    name: Fabrikam
    settings:
      automaticUserConsentSettings: {inboundAllowed: true, outboundAllowed: true}
"""
LABEL = "Fabrikam (3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11)"


def _lint(tmp_path: Path, text: str, rule: str) -> list[str]:
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    run = run_cli(["lint", "--select", rule, "--format", "text", "p.yaml"], cwd=tmp_path)
    return [line for line in run.stdout.splitlines() if line.startswith("p.yaml:")]


def _template(level: str | None) -> str:
    line = f"  templateApplicationLevel: {level!r}\n" if level is not None else ""
    return "multiTenantOrganizationPartnerConfiguration:\n" + line + (
        "  inboundTrust: {isMfaAccepted: true}\n"
    )


@pytest.mark.parametrize(
    ("level", "reported"),
    [
        (None, True),  # Graph's default: newPartners,existingPartners [S93]
        ("existingPartners", True),
        ("newPartners", False),  # a partner entry here is an existing partner
        ("none", False),
    ],
)
def test_mto001_only_where_the_template_applies(
    tmp_path: Path, level: str | None, reported: bool
) -> None:
    text = HEAD + _template(level) + FABRIKAM
    found = _lint(tmp_path, text, "MTO001")
    at = "p.yaml:10:5" if level is None else "p.yaml:11:5"  # the partner's tenantId key
    assert found == (
        [
            f"{at}: MTO001 [warning] partner {LABEL} is a tenant of the multitenant organization, "
            "and the MTO partner-configuration template sets inboundTrust.isMfaAccepted true "
            "(the partner: false): when a tenant joins, the template overwrites this partner's "
            "value; make the partner and the template agree, or set the template property to "
            "null."
        ]
        if reported
        else []
    )


def test_mto001_reads_the_inherited_default(tmp_path: Path) -> None:
    default = "default:\n  inboundTrust: {isMfaAccepted: true}\n"
    assert _lint(tmp_path, HEAD + _template(None) + default + FABRIKAM, "MTO001") == []


def test_mto001_ignores_tenants_that_are_not_in_the_mto(tmp_path: Path) -> None:
    text = HEAD.replace("3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11, displayName", "cdb668e9-1967-"
                        "4d2f-a91d-d53b5e5267d9, displayName") + _template(None) + FABRIKAM
    assert _lint(tmp_path, text, "MTO001") == []


def test_mto002_skips_this_tenant_and_passes_both_flags(tmp_path: Path) -> None:
    assert _lint(tmp_path, HEAD + FABRIKAM, "MTO002") == []


def test_mto002_names_both_missing_flags_at_the_partner(tmp_path: Path) -> None:
    text = HEAD + FABRIKAM.replace(
        "      automaticUserConsentSettings: {inboundAllowed: true, outboundAllowed: true}\n",
        "      inboundTrust: {isMfaAccepted: true}\n",
    )
    assert _lint(tmp_path, text, "MTO002") == [
        f"p.yaml:8:5: MTO002 [warning] partner {LABEL} is a tenant of the multitenant "
        "organization but automaticUserConsentSettings.inboundAllowed and .outboundAllowed are "
        "not true: synchronization between MTO tenants needs automatic redemption both ways; "
        "set both to true."
    ]


def test_without_tenant_id_no_tenant_is_taken_for_this_one(tmp_path: Path) -> None:
    text = HEAD.replace("tenant: {id: 6babcaad-604b-40ac-a9d7-9fd97c0b779f}\n", "")
    assert _lint(tmp_path, text + _template(None) + FABRIKAM, "MTO") == []
