"""Lint and mapping follow the Graph metadata marks of issue 11 items 10-13.

[S60] is the v1.0 metadata (clean_v10_metadata/cleanMetadata.xml), [S61] the beta type mappings.
Each test runs `b2blint lint` on a real file and checks the exact line a user sees.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from b2blint.graph.mapping import GraphMappingError, resources_from_policy
from tests.conftest import run_cli
from tests.policies import TENANT_HEAD, write_file

PARTNER = "3d0f5dec-5d3d-455c-8016-e2af1ae4d31a"


@pytest.mark.parametrize("api_version", ["v1.0", "beta"])
def test_members_in_neither_metadata_are_sch002(tmp_path: Path, api_version: str) -> None:
    """Item 11: the partner's ``<EntityType>`` in v1.0 [S60] and its beta ``properties`` [S61]
    have none of these; some beta responses show them, so a file that sets one would send a
    property Graph's model lacks."""
    write_file(
        tmp_path,
        "p.yaml",
        f"""\
b2blint: 1
partners:
  - tenantId: {PARTNER}
    settings:
      crossCloudMeetingConfiguration: {{inboundAllowed: true, outboundAllowed: true}}
      protectedContentSharing: {{inboundAllowed: true}}
      displayName: Contoso
      invitationRedemptionIdentityProviderConfiguration:
        fallbackIdentityProvider: emailOneTimePasscode
""",
    )
    result = run_cli(
        ["lint", "--api-version", api_version, "--select", "SCH", "p.yaml"], cwd=tmp_path
    )
    assert result.exit_code == 1
    tail = (
        "is in neither the Graph v1.0 nor the beta metadata (it appears only in some "
        "responses), so b2blint does not write it; remove it"
    )
    assert result.stdout.splitlines() == [
        f"p.yaml:5:7: SCH002 [error] 'crossCloudMeetingConfiguration' {tail}",
        f"p.yaml:6:7: SCH002 [error] 'protectedContentSharing' {tail}",
        f"p.yaml:7:7: SCH002 [error] 'displayName' {tail}",
        f"p.yaml:8:7: SCH002 [error] 'invitationRedemptionIdentityProviderConfiguration' {tail}",
        "Found 4 errors and 0 warnings in 1 file.",
    ]


AUTHORIZATION = """\
authorizationPolicy:
  enabledPreviewFeatures: []
  defaultUserRolePermissions:
    permissionGrantPoliciesAssigned: []
"""


@pytest.mark.parametrize("api_version", ["v1.0", "beta"])
def test_v1_only_member_next_to_a_beta_only_one_is_sch001(tmp_path: Path, api_version: str) -> None:
    """Item 10: defaultUserRolePermissions.permissionGrantPoliciesAssigned is v1.0 only [S60]
    (beta's defaultUserRolePermissions has five properties, not it [S61]); a beta-only
    sibling sends the authorizationPolicy to /beta, so it must never be written with one."""
    write_file(tmp_path, "p.yaml", TENANT_HEAD + AUTHORIZATION)
    result = run_cli(
        ["lint", "--api-version", api_version, "--select", "SCH001", "p.yaml"], cwd=tmp_path
    )
    line = len(TENANT_HEAD.splitlines()) + 4
    assert result.stdout.splitlines() == [
        f"p.yaml:{line}:5: SCH001 [error] 'permissionGrantPoliciesAssigned' exists only in the "
        "Graph v1.0 API, but beta-only 'enabledPreviewFeatures' in the same resource sends it "
        "to /beta, which refuses it; set one or the other",
        "Found 1 error and 0 warnings in 1 file.",
    ]
    assert result.exit_code == 1


def test_v1_only_member_alone_is_clean_in_both_versions(tmp_path: Path) -> None:
    """Without a beta-only sibling the body goes to v1.0, which has the member [S60]."""
    write_file(
        tmp_path,
        "p.yaml",
        TENANT_HEAD
        + "authorizationPolicy:\n  defaultUserRolePermissions:\n"
        + "    permissionGrantPoliciesAssigned: []\n",
    )
    for version in ("v1.0", "beta"):
        result = run_cli(
            ["lint", "--api-version", version, "--select", "SCH", "p.yaml"], cwd=tmp_path
        )
        assert (result.exit_code, result.stdout) == (0, "All checks passed (1 file).\n")


def test_mapping_never_sends_a_v1_only_member_to_beta() -> None:
    """Item 10: the request body is refused before any request, at the member's path."""
    policy = {
        "authorizationPolicy": {
            "enabledPreviewFeatures": [],
            "defaultUserRolePermissions": {"permissionGrantPoliciesAssigned": []},
        }
    }
    with pytest.raises(GraphMappingError) as caught:
        resources_from_policy(policy)
    assert caught.value.message == (
        "authorizationPolicy: 'defaultUserRolePermissions.permissionGrantPoliciesAssigned' "
        "exists only in Graph v1.0, but beta-only 'enabledPreviewFeatures' sends it to /beta; "
        "set one or the other"
    )
    alone = resources_from_policy({"authorizationPolicy": {"enabledPreviewFeatures": []}})
    assert alone["authorizationPolicy"].api_version == "beta"


def test_policy_definition_is_beta_only_and_read_only(tmp_path: Path) -> None:
    """Item 12: ``definition`` exists only on beta's tenantRelationshipAccessPolicyBase [S61];
    it is read-only either way (SCH003 wins over SCH004; a warning: Graph ignores the value)."""
    write_file(tmp_path, "p.yaml", TENANT_HEAD + "crossTenantAccessPolicy:\n  definition: []\n")
    result = run_cli(["lint", "--select", "SCH", "p.yaml"], cwd=tmp_path)
    line = len(TENANT_HEAD.splitlines()) + 2
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"p.yaml:{line}:3: SCH003 [warning] 'definition'")
    assert "SCH004" not in result.stdout
    assert result.exit_code == 0
