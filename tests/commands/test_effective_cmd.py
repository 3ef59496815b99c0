"""`b2blint effective`: what applies to one partner, where it comes from; errors and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli
from tests.policies import FABRIKAM, GROUP, RMS, TENANT_HEAD

TENANT = (
    TENANT_HEAD
    + """\
default:
  inboundTrust: {isMfaAccepted: true}
  b2bCollaborationOutbound:
    usersAndGroups: {accessType: allowed, targets: [{target: AllUsers, targetType: user}]}
    applications:
      accessType: allowed
      targets:
        - {target: Office365, targetType: application}
        - {target: 00000012-0000-0000-c000-000000000000, targetType: application}
"""
)

PARTNERS = """\
b2blint: 1
partners:
  - tenantId: 3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11
    name: Fabrikam
    settings:
      isServiceProvider: true
      b2bCollaborationOutbound:
        usersAndGroups:
          accessType: allowed
          targets: [{target: c23973f8-dcc3-4275-9070-7ad998fd1fb9, targetType: group}]
  - tenantId: 8cf70e0d-4dbc-480e-ac48-56bb7335817b
    name: Northwind
"""

EXPECTED_TEXT = f"""\
partner Fabrikam ({FABRIKAM}) at policies/partners/fabrikam.yaml:3 (cloud: global)

setting                                            source                  from                               value
inboundTrust                                       inherited from default  policies/tenant.yaml:4             {{isMfaAccepted: true}}
automaticUserConsentSettings                       service default         -                                  {{inboundAllowed: false, outboundAllowed: false}}
b2bCollaborationInbound
  usersAndGroups                                   service default         -                                  allowed: AllUsers
  applications                                     service default         -                                  allowed: AllApplications
b2bCollaborationOutbound
  usersAndGroups                                   explicit                policies/partners/fabrikam.yaml:8  allowed: {GROUP} (group)
  applications                                     inherited from default  policies/tenant.yaml:7             allowed: Office365, {RMS} (application)
b2bDirectConnectInbound
  usersAndGroups                                   service default         -                                  blocked: AllUsers
  applications                                     service default         -                                  blocked: AllApplications
b2bDirectConnectOutbound
  usersAndGroups                                   service default         -                                  blocked: AllUsers
  applications                                     service default         -                                  blocked: AllApplications
tenantRestrictions
  usersAndGroups                                   service default         -                                  blocked: AllUsers
  applications                                     service default         -                                  blocked: AllApplications
invitationRedemptionIdentityProviderConfiguration  service default         -                                  {{primaryIdentityProviderPrecedenceOrder: [azureActiveDirectory, externalFederation, socialIdentityProviders], fallbackIdentityProvider: defaultConfiguredIdp}}
m365CollaborationInbound                           service default         -                                  (not documented)
m365CollaborationOutbound                          service default         -                                  (not documented)
appServiceConnectInbound                           service default         -                                  (not documented)
blockServiceProviderOutboundAccess                 service default         -                                  false
isServiceProvider                                  explicit                policies/partners/fabrikam.yaml:6  true
"""  # noqa: E501


def _tree(tmp_path: Path, partners: str = PARTNERS) -> Path:
    (tmp_path / "policies" / "partners").mkdir(parents=True)
    (tmp_path / "policies" / "tenant.yaml").write_text(TENANT, "utf-8")
    (tmp_path / "policies" / "partners" / "fabrikam.yaml").write_text(partners, "utf-8")
    return tmp_path


def test_text_marks_every_setting_and_half_with_its_source(tmp_path: Path) -> None:
    result = run_cli(["effective", "--partner", "fabrikam"], cwd=_tree(tmp_path))
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == EXPECTED_TEXT


def test_partner_by_tenant_id_gives_the_same_view(tmp_path: Path) -> None:
    by_id = run_cli(["effective", "policies", "--partner", FABRIKAM.upper()], cwd=_tree(tmp_path))
    assert (by_id.exit_code, by_id.stdout) == (0, EXPECTED_TEXT)


def test_json_has_source_value_and_origin_per_half(tmp_path: Path) -> None:
    result = run_cli(["effective", "--partner", FABRIKAM, "--format", "json"], cwd=_tree(tmp_path))
    assert (result.exit_code, result.stderr) == (0, "")
    data = json.loads(result.stdout)
    assert data["version"] == 1
    assert data["partner"] == {
        "tenantId": FABRIKAM,
        "name": "Fabrikam",
        "cloud": "global",
        "file": "policies/partners/fabrikam.yaml",
        "line": 3,
    }
    settings = data["settings"]
    assert settings["inboundTrust"] == {
        "source": "inherited from default",
        "value": {"isMfaAccepted": True},
        "file": "policies/tenant.yaml",
        "line": 4,
    }
    outbound = settings["b2bCollaborationOutbound"]
    assert outbound["source"] == "explicit"
    assert outbound["parts"]["usersAndGroups"] == {
        "source": "explicit",
        "value": {"accessType": "allowed", "targets": [{"target": GROUP, "targetType": "group"}]},
        "file": "policies/partners/fabrikam.yaml",
        "line": 8,
    }
    apps = outbound["parts"]["applications"]
    assert (apps["source"], apps["file"], apps["line"]) == (
        "inherited from default",
        "policies/tenant.yaml",
        7,
    )
    assert outbound["value"]["applications"]["targets"][1] == {
        "target": RMS,
        "targetType": "application",
    }
    assert settings["tenantRestrictions"]["parts"]["applications"] == {
        "source": "service default",
        "value": {
            "accessType": "blocked",
            "targets": [{"target": "AllApplications", "targetType": "application"}],
        },
        "file": None,
        "line": None,
    }
    assert settings["isServiceProvider"]["source"] == "explicit"
    assert list(settings)[:2] == ["inboundTrust", "automaticUserConsentSettings"]
    assert list(settings)[-1] == "isServiceProvider"


def test_unknown_partner_lists_close_matches_and_exits_2(tmp_path: Path) -> None:
    result = run_cli(["effective", "--partner", "Fabrikm"], cwd=_tree(tmp_path))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"b2blint: error: unknown partner 'Fabrikm'; close matches: Fabrikam ({FABRIKAM})\n"
    )


def test_unknown_partner_by_id_prefix_suggests_the_partner(tmp_path: Path) -> None:
    result = run_cli(["effective", "--partner", "3d0f5dd2"], cwd=_tree(tmp_path))
    assert result.exit_code == 2
    assert result.stderr == (
        f"b2blint: error: unknown partner '3d0f5dd2'; close matches: Fabrikam ({FABRIKAM})\n"
    )


def test_unknown_partner_without_any_match(tmp_path: Path) -> None:
    result = run_cli(["effective", "--partner", "Tailspin"], cwd=_tree(tmp_path))
    assert result.exit_code == 2
    assert result.stderr == (
        "b2blint: error: unknown partner 'Tailspin': no partner has that tenant ID or name "
        "(2 partners in the tree)\n"
    )


def test_ambiguous_name_asks_for_the_tenant_id(tmp_path: Path) -> None:
    partners = PARTNERS.replace("name: Northwind", "name: fabrikam")
    result = run_cli(["effective", "--partner", "Fabrikam"], cwd=_tree(tmp_path, partners))
    assert result.exit_code == 2
    assert result.stderr == (
        f"b2blint: error: partner name 'Fabrikam' is ambiguous (Fabrikam ({FABRIKAM}), "
        "fabrikam (8cf70e0d-4dbc-480e-ac48-56bb7335817b)); use the tenant ID\n"
    )


def test_lint_errors_warn_on_stderr_but_still_show_the_settings(tmp_path: Path) -> None:
    broken = PARTNERS.replace("accessType: allowed", "accessType: allow")
    result = run_cli(["effective", "--partner", "Fabrikam"], cwd=_tree(tmp_path, broken))
    assert result.exit_code == 0
    assert result.stderr == (
        "b2blint: warning: the policy files have 1 lint error (run 'b2blint lint'); "
        "showing them as written\n"
    )
    row = next(line for line in result.stdout.splitlines() if "fabrikam.yaml:8" in line)
    assert row.split() == ["usersAndGroups", "explicit", "policies/partners/fabrikam.yaml:8",
                           "allow:", f"{GROUP}", "(group)"]  # fmt: skip


def test_partner_option_is_required(tmp_path: Path) -> None:
    result = run_cli(["effective"], cwd=_tree(tmp_path))
    assert result.exit_code == 2
    assert "Missing option '--partner'" in result.stderr


def test_missing_path_exits_2(tmp_path: Path) -> None:
    result = run_cli(["effective", "nowhere", "--partner", "Fabrikam"], cwd=tmp_path)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "b2blint: error: nowhere: no such file or directory\n"
