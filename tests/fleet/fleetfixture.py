"""Build small fleets on disk for the fleet tests."""

from __future__ import annotations

from pathlib import Path

FLEET = """\
b2blint-fleet: 1
layers:
  - name: base
    path: baselines/base.yaml
tenants:
  - name: alpha
    path: tenants/alpha
    tags: [customer]
    layers: [base]
    variables:
      tid: 11111111-1111-4111-8111-111111111111
  - name: beta
    path: tenants/beta
    layers: [base]
    variables:
      tid: 22222222-2222-4222-8222-222222222222
    optOut:
      - setting: default.inboundTrust
        reason: beta runs its own MFA for guests
"""

BASE = """\
b2blint: 1
tenant:
  id: ${tid}
default:
  inboundTrust:
    isMfaAccepted: true
  b2bCollaborationInbound:
    usersAndGroups:
      accessType: allowed
      targets:
        - {target: AllUsers, targetType: user}
    applications:
      accessType: allowed
      targets:
        - {target: Office365, targetType: application}
"""

ALPHA = """\
b2blint: 1
tenant:
  name: Alpha
default:
  inboundTrust:
    isCompliantDeviceAccepted: true
"""

BETA = """\
b2blint: 1
tenant:
  name: Beta
partners:
  - tenantId: 11111111-1111-4111-8111-111111111111
    name: Alpha
"""


def make_fleet(
    root: Path, fleet: str = FLEET, base: str = BASE, alpha: str = ALPHA, beta: str = BETA
) -> Path:
    (root / "baselines").mkdir(parents=True, exist_ok=True)
    (root / "tenants" / "alpha").mkdir(parents=True, exist_ok=True)
    (root / "tenants" / "beta").mkdir(parents=True, exist_ok=True)
    (root / "fleet.yaml").write_text(fleet, encoding="utf-8")
    (root / "baselines" / "base.yaml").write_text(base, encoding="utf-8")
    (root / "tenants" / "alpha" / "tenant.yaml").write_text(alpha, encoding="utf-8")
    (root / "tenants" / "beta" / "tenant.yaml").write_text(beta, encoding="utf-8")
    return root
