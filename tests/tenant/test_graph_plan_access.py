"""`plan`'s "Access changes" section, end to end: the real CLI against the emulator."""

from __future__ import annotations

import json
from pathlib import Path

from b2blint.fakegraph.server import RunningFake
from tests.conftest import run_cli
from tests.tenant.conftest import (
    ADATUM,
    ALL_APPS,
    ALL_USERS,
    FABRIKAM,
    MFA_TRUST,
    SYNC_ON,
    TENANT,
    live_partner,
    partner,
    write_tree,
)

BLOCK_ALL = {
    "usersAndGroups": {"accessType": "blocked", "targets": [ALL_USERS]},
    "applications": {"accessType": "blocked", "targets": [ALL_APPS]},
}


def _blocking_fabrikam(fake: RunningFake, tmp_path: Path) -> Path:
    """Live: Fabrikam (inherits inbound B2B collaboration) and Adatum (blocks outbound B2B
    collaboration, not in the YAML: unmanaged); the YAML blocks Fabrikam's inbound."""
    fake.set_state(
        {
            "tenantId": TENANT,
            "partners": [
                live_partner(FABRIKAM, displayName="Fabrikam", inboundTrust=MFA_TRUST),
                live_partner(
                    ADATUM, SYNC_ON, displayName="Adatum", b2bCollaborationOutbound=BLOCK_ALL
                ),
            ],
        }
    )
    settings = {"inboundTrust": MFA_TRUST, "b2bCollaborationInbound": BLOCK_ALL}
    return write_tree(tmp_path / "p", [partner(FABRIKAM, "Fabrikam", settings)])


def test_text_plan_shows_the_access_change_after_the_changes(
    fake: RunningFake, tmp_path: Path
) -> None:
    tree = _blocking_fabrikam(fake, tmp_path)
    result = run_cli(["plan", str(tree)])
    assert result.exit_code == 0, result.stderr
    after_changes = (
        '       + b2bCollaborationInbound.applications.targets: (unset) -> [{"target": '
        '"AllApplications", "targetType": "application"}]\n'
        "\n"
        "Access changes:\n"
        "  Fabrikam · inbound B2B collaboration · users: all; apps: all → blocked for everyone\n"
        "\n"
        "Unmanaged partners (1): live but not in the YAML; left alone (--prune deletes them):\n"
    )
    assert after_changes in result.stdout
    # The unmanaged partner stays as it is: no access change is claimed for it.
    assert result.stdout.count("Access changes:") == 1
    assert "Adatum ·" not in result.stdout


def test_markdown_plan_has_an_access_changes_section(fake: RunningFake, tmp_path: Path) -> None:
    tree = _blocking_fabrikam(fake, tmp_path)
    result = run_cli(["plan", str(tree), "--format", "markdown"])
    assert result.exit_code == 0, result.stderr
    section = (
        "</details>\n"
        "\n"
        "### Access changes\n"
        "\n"
        "- **Fabrikam** · inbound B2B collaboration · users: all; apps: all → blocked for "
        "everyone\n"
        "\n"
        "<details><summary>1 unmanaged partner (left alone; --prune deletes them)</summary>\n"
    )
    assert section in result.stdout
    assert result.stdout.count("### Access changes") == 1


def test_json_plan_and_a_plan_without_changes_have_no_access_section(
    fake: RunningFake, tmp_path: Path
) -> None:
    tree = _blocking_fabrikam(fake, tmp_path)
    result = run_cli(["plan", str(tree), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert "Access changes" not in result.stdout
    assert "access" not in json.loads(result.stdout)
    assert run_cli(["apply", str(tree), "--yes"]).exit_code == 0
    again = run_cli(["plan", str(tree), "--detailed-exitcode"])
    assert again.exit_code == 0, again.stderr
    assert "No changes: the live tenant matches the YAML." in again.stdout
    assert "Access changes" not in again.stdout


def test_default_section_keeps_the_live_properties_it_does_not_name(
    fake: RunningFake, tmp_path: Path
) -> None:
    """Only the default's inbound B2B collaboration is written; the live direct connect and
    trust settings stay, so they are no access change (tenant-wide sections manage only what
    they name)."""
    allow_all = {
        "usersAndGroups": {"accessType": "allowed", "targets": [ALL_USERS]},
        "applications": {"accessType": "allowed", "targets": [ALL_APPS]},
    }
    fake.set_state(
        {
            "tenantId": TENANT,
            "default": {
                "inboundTrust": {**MFA_TRUST, "isCompliantDeviceAccepted": False},
                "b2bDirectConnectInbound": allow_all,
                "b2bDirectConnectOutbound": allow_all,
            },
            "partners": [live_partner(FABRIKAM, displayName="Fabrikam", inboundTrust=MFA_TRUST)],
        }
    )
    tree = write_tree(
        tmp_path / "p",
        [partner(FABRIKAM, "Fabrikam", {"inboundTrust": MFA_TRUST})],
        default={"b2bCollaborationInbound": BLOCK_ALL},
    )
    result = run_cli(["plan", str(tree)])
    assert result.exit_code == 0, result.stderr
    section = result.stdout.split("\nAccess changes:\n", 1)[1]
    assert section == (
        "  Other organizations (default) · inbound B2B collaboration · users: all; apps: all → "
        "blocked for everyone (1 partner inherits it: Fabrikam)\n"
    )
