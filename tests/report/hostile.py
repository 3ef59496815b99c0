"""A policy tree with findings whose names and file name try to inject markup and formulas.

Two files: ``tenant.yaml`` (the tenant's name holds HTML; the default's outbound apps miss the
Rights Management app: XTA002 at 6:5) and a partner file whose *name* is an HTML attribute
break-out with an ``onerror`` handler. Its first partner's name closes ``<title>`` and opens a
``<script>`` (inbound direct connect without MFA trust: XTA003 at 6:7); the second partner's
name is a spreadsheet formula (users blocked, apps allowed: XTA007 at 13:7).
"""

from __future__ import annotations

from pathlib import Path

CONTOSO = "6babcaad-604b-40ac-a9d7-9fd97c0b779f"
FABRIKAM = "3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11"
NORTHWIND = "8cf70e0d-4dbc-480e-ac48-56bb7335817b"

TENANT_NAME = "Contoso <b>&amp;</b>"
SCRIPT_NAME = "</title><script>alert('name')</script>"
FORMULA_NAME = '=HYPERLINK("http://127.0.0.1/x","click")'
FILE_NAME = '"><img src=x onerror=alert(1)>.yaml'

TENANT = f"""\
b2blint: 1
tenant: {{id: {CONTOSO}, name: "Contoso <b>&amp;</b>"}}
default:
  b2bCollaborationOutbound:
    usersAndGroups: {{accessType: allowed, targets: [{{target: AllUsers, targetType: user}}]}}
    applications: {{accessType: allowed, targets: [{{target: Office365, targetType: application}}]}}
"""

_EVERY_APP = "{target: AllApplications, targetType: application}"
PARTNERS = f"""\
b2blint: 1
partners:
  - tenantId: {FABRIKAM}
    name: "</title><script>alert('name')</script>"
    settings:
      b2bDirectConnectInbound:
        usersAndGroups: {{accessType: allowed, targets: [{{target: AllUsers, targetType: user}}]}}
        applications: {{accessType: allowed, targets: [{_EVERY_APP}]}}
  - tenantId: {NORTHWIND}
    name: "=HYPERLINK(\\"http://127.0.0.1/x\\",\\"click\\")"
    settings:
      inboundTrust: {{isMfaAccepted: true}}
      b2bCollaborationInbound:
        usersAndGroups: {{accessType: blocked, targets: [{{target: AllUsers, targetType: user}}]}}
        applications: {{accessType: allowed, targets: [{_EVERY_APP}]}}
"""

PARTNER_FILE = f"partners/{FILE_NAME}"

#: (file, line, column, rule, severity) of every finding, in report order.
FINDINGS = (
    (PARTNER_FILE, 6, 7, "XTA003", "error"),
    (PARTNER_FILE, 13, 7, "XTA007", "error"),
    ("tenant.yaml", 6, 5, "XTA002", "warning"),
)


def write(root: Path) -> Path:
    """Write the tree under ``root`` and return ``root``."""
    (root / "partners").mkdir(parents=True)
    (root / "tenant.yaml").write_text(TENANT, "utf-8")
    (root / PARTNER_FILE).write_text(PARTNERS, "utf-8")
    return root
