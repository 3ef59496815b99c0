"""XTA009 on the settings the fixture leaves out: the 2026 m365/app-service settings."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli


def test_newer_settings_and_missing_target_type(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(
        """\
b2blint: 1
partners:
  - tenantId: 3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11
    settings:
      m365CollaborationInbound:
        users: {accessType: allowed, targets: [{target: Office365, targetType: application}]}
      appServiceConnectInbound:
        applications: {accessType: allowed, targets: [{target: AllUsers}]}
""",
        "utf-8",
    )
    result = run_cli(["lint", "--select", "XTA009", "p.yaml"], cwd=tmp_path)
    assert result.stdout.splitlines()[:-1] == [
        "p.yaml:6:48: XTA009 [warning] m365CollaborationInbound.users of partner "
        "3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11: application target 'Office365' is listed among "
        "users and groups; move it to 'applications' (this list holds user and group object IDs).",
        "p.yaml:8:55: XTA009 [warning] appServiceConnectInbound.applications of partner "
        "3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11: 'AllUsers' has no targetType; every Microsoft "
        "example uses targetType 'user'.",
        "p.yaml:8:55: XTA009 [warning] appServiceConnectInbound.applications of partner "
        "3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11: user or group target 'AllUsers' is listed among "
        "applications; move it to 'usersAndGroups' (this list holds application IDs).",
    ]
