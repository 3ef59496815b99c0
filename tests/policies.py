"""The policy snippets and IDs many test modules write, defined once.

Tests assert exact ``line:col`` positions, so each snippet says which lines it occupies; build
a file by concatenating snippets (``TENANT_HEAD + DEFAULT_TRUSTS_MFA + FABRIKAM_PARTNERS``) and
the positions stay readable. Snippets a single module uses stay in that module.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

#: The tenant every test tree is for (Contoso), and the partners and objects they name.
CONTOSO = "6babcaad-604b-40ac-a9d7-9fd97c0b779f"
FABRIKAM = "3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11"
NORTHWIND = "8cf70e0d-4dbc-480e-ac48-56bb7335817b"
#: A partner tenant that appears only in the case-typo document below.
TYPO_PARTNER = "9c7b2a4e-1f3d-4b5a-8e6f-0a1b2c3d4e5f"
#: A group of a partner tenant, as a target.
GROUP = "c23973f8-dcc3-4275-9070-7ad998fd1fb9"
#: Microsoft Rights Management Services, the app encrypted mail needs (XTA002).
RMS = "00000012-0000-0000-c000-000000000000"

#: One-line (flow) values of a usersAndGroups or applications half.
ALL_USERS_ALLOWED = "{accessType: allowed, targets: [{target: AllUsers, targetType: user}]}"
ALL_USERS_BLOCKED = "{accessType: blocked, targets: [{target: AllUsers, targetType: user}]}"
ALL_APPS_BLOCKED = (
    "{accessType: blocked, targets: [{target: AllApplications, targetType: application}]}"
)
OFFICE365_ALLOWED = "{accessType: allowed, targets: [{target: Office365, targetType: application}]}"

#: Lines 1-2 of a tenant file.
TENANT_HEAD = f"b2blint: 1\ntenant: {{id: {CONTOSO}, name: Contoso}}\n"

#: Two lines: a default that accepts partners' MFA (a partner repeating it gets XTA011).
DEFAULT_TRUSTS_MFA = "default:\n  inboundTrust: {isMfaAccepted: true}\n"

#: Five lines: Fabrikam (its tenantId on the 2nd), accepting MFA; lints clean.
FABRIKAM_PARTNERS = f"""\
partners:
  - tenantId: {FABRIKAM}
    name: Fabrikam
    settings:
      inboundTrust: {{isMfaAccepted: true}}
"""

#: A partner file of FABRIKAM_PARTNERS: beside a TENANT_HEAD file it lints clean.
FABRIKAM_MFA = "b2blint: 1\n" + FABRIKAM_PARTNERS

#: A partner file with one error: the case typo 'b2BCollaborationInbound' at 6:7 (SCH002).
CASE_TYPO = f"""\
b2blint: 1
partners:
  - tenantId: {TYPO_PARTNER}
    name: Northwind
    settings:
      b2BCollaborationInbound:
        usersAndGroups: {{accessType: allowed}}
"""
#: A one-file tree (the tenant, then the typo'd partner in flow style): the typo at 6:7 (SCH002).
CASE_TYPO_TREE = (
    TENANT_HEAD
    + f"partners:\n  - tenantId: {TYPO_PARTNER}\n    settings:\n"
    + "      b2BCollaborationInbound: {usersAndGroups: {accessType: allowed}}\n"
)
CASE_TYPO_MESSAGE = (
    "unknown property 'b2BCollaborationInbound': Graph property names are case-sensitive; "
    "write 'b2bCollaborationInbound'"
)


def write_file(root: Path, name: str, text: str) -> Path:
    """Write ``text`` to ``root/name`` (parents created, UTF-8); return the file's path."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def write_files(root: Path, files: Mapping[str, str]) -> Path:
    """Write a tree of ``{relative path: text}`` under ``root``; return ``root``."""
    for name, text in files.items():
        write_file(root, name, text)
    return root
