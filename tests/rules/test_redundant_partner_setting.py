"""XTA011: what counts as "the same as the default" (the cases the fixture cannot show)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.policies import ALL_APPS_BLOCKED, ALL_USERS_ALLOWED, ALL_USERS_BLOCKED, TENANT_HEAD

ORDER = "primaryIdentityProviderPrecedenceOrder"

PARTNER = """\
partners:
  - tenantId: 3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11
    settings:
"""


def _lint(tmp_path: Path, default: str, settings: str) -> list[str]:
    text = TENANT_HEAD + (f"default:\n{default}" if default else "") + PARTNER + settings
    (tmp_path / "p.yaml").write_text(text, "utf-8")
    result = run_cli(["lint", "--select", "XTA011", "p.yaml"], cwd=tmp_path)
    return [line.split(" XTA011 ")[0] for line in result.stdout.splitlines() if " XTA011 " in line]


@pytest.mark.parametrize(
    ("default", "settings"),
    [
        pytest.param(
            "",
            "      inboundTrust: {isMfaAccepted: false}\n",
            id="absent-is-not-false",  # the service default spells out all three as false
        ),
        pytest.param(
            "  invitationRedemptionIdentityProviderConfiguration:\n"
            f"    {ORDER}: [azureActiveDirectory, externalFederation]\n"
            "    fallbackIdentityProvider: defaultConfiguredIdp\n",
            "      invitationRedemptionIdentityProviderConfiguration:\n"
            f"        {ORDER}: [externalFederation, azureActiveDirectory]\n"
            "        fallbackIdentityProvider: defaultConfiguredIdp\n",
            id="precedence-order-is-an-order",
        ),
        pytest.param(
            "",
            "      invitationRedemptionIdentityProviderConfiguration:\n"
            f"        {ORDER}:\n"
            "          [externalFederation, azureActiveDirectory, socialIdentityProviders]\n"
            "        fallbackIdentityProvider: defaultConfiguredIdp\n",
            # the service default order is documented both ways: prefer federation on purpose
            id="redemption-order-vs-unsure-service-default",
        ),
        pytest.param(
            "",
            "      tenantRestrictions:\n"
            f"        usersAndGroups: {ALL_USERS_BLOCKED}\n"
            f"        applications: {ALL_APPS_BLOCKED}\n"
            "        devices: {mode: allowed, rule: device.isCompliant -eq True}\n",
            id="devices-is-not-inherited-away",
        ),
        pytest.param(
            f"  b2bCollaborationInbound:\n    usersAndGroups: {ALL_USERS_ALLOWED}\n",
            "      b2bCollaborationInbound:\n"
            f"        usersAndGroups: {ALL_USERS_ALLOWED.replace('user}', 'group}')}\n",
            id="target-type-counts",
        ),
        pytest.param(
            "  inboundTrust: {isMfaAccepted: true}\n",
            "      inboundTrust: {isMfaAccepted: true, isCompliantDeviceAccepted: false}\n",
            id="absent-is-not-false-against-the-default",  # the flat comparison's own path
        ),
    ],
)
def test_not_redundant(tmp_path: Path, default: str, settings: str) -> None:
    assert _lint(tmp_path, default, settings) == []


@pytest.mark.parametrize(
    ("default", "settings"),
    [
        pytest.param(
            "  inboundTrust: {isMfaAccepted: true}\n",
            "      inboundTrust: {isMfaAccepted: true, isCompliantDeviceAccepted: null}\n",
            id="null-is-absent",
        ),
        pytest.param(
            "  inboundTrust: {isMfaAccepted: true, isCompliantDeviceAccepted: false}\n",
            "      inboundTrust: {isCompliantDeviceAccepted: false, isMfaAccepted: true}\n",
            id="member-order-does-not-count",
        ),
        pytest.param(
            "  b2bCollaborationInbound:\n"
            "    usersAndGroups:\n"
            "      accessType: allowed\n"
            "      targets: [{target: 0B5A7C2E-4F3D-4E1A-9C8B-2D6E5F4A3B21, targetType: group}]\n",
            # only one half written: the other half inherits, so the whole setting is the default
            "      b2bCollaborationInbound:\n"
            "        usersAndGroups:\n"
            "          accessType: allowed\n"
            "          targets:\n"
            "            - {target: 0b5a7c2e-4f3d-4e1a-9c8b-2d6e5f4a3b21, targetType: group}\n"
            "            - {target: 0b5a7c2e-4f3d-4e1a-9c8b-2d6e5f4a3b21, targetType: group}\n",
            id="one-half-guid-case-and-repeats",
        ),
        pytest.param(
            "",
            "      automaticUserConsentSettings:\n"
            "        {inboundAllowed: false, outboundAllowed: false}\n",
            id="service-default",
        ),
    ],
)
def test_redundant(tmp_path: Path, default: str, settings: str) -> None:
    # the finding points at the setting's key: the first line after the partner's "settings:"
    line = (
        len((TENANT_HEAD + (f"default:\n{default}" if default else "") + PARTNER).splitlines()) + 1
    )
    assert _lint(tmp_path, default, settings) == [f"p.yaml:{line}:7:"]
