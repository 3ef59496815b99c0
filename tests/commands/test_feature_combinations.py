"""Today's features used together, as a new user tries them from the docs: baseline profiles on
a fleet tenant (``lint --tenant NAME --profile``), and a fleet root asked for profiles."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

FLEET = ROOT / "examples" / "fleet"


@pytest.fixture
def fleet(tmp_path: Path) -> Path:
    shutil.copytree(FLEET, tmp_path / "fleet")
    return tmp_path


def test_profile_on_a_fleet_tenant_reports_its_controls(fleet: Path) -> None:
    result = run_cli(["lint", "--tenant", "contoso", "--profile", "cisa-scuba", "fleet"], fleet)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "All checks passed (5 files).\n"
        "\n"
        "Profile cisa-scuba: CISA SCuBA Microsoft Entra ID baseline, section 8 (Guest User "
        "Access)\n"
        "  MS.AAD.8.1         passed      Guest users have limited or restricted access to "
        "directory objects (BSL001)\n"
        "  MS.AAD.8.2         passed      Only users with the Guest Inviter role can invite guest "
        "users (BSL003)\n"
        "  MS.AAD.8.3         passed      Guest invites only to authorized external domains "
        "(BSL007)\n"
        "\n"
        "Controls: 3 passed, 0 failed, 0 not checked.\n"
    )


def test_profile_on_a_fleet_tenant_fails_a_control_and_exits_1(fleet: Path) -> None:
    tenant = fleet / "fleet" / "tenants" / "contoso" / "tenant.yaml"
    tenant.write_text(
        tenant.read_text("utf-8")
        + "authorizationPolicy:\n  allowInvitesFrom: adminsGuestInvitersAndAllMembers\n",
        "utf-8",
    )
    result = run_cli(
        ["lint", "--tenant", "contoso", "--profile", "cisa-scuba", "--format", "junit", "fleet"],
        fleet,
    )
    assert result.exit_code == 1, result.stderr
    assert '<testsuite name="cisa-scuba" package="cisa-scuba" id="0" tests="3" failures="1"' in (
        result.stdout
    )
    assert (
        '<testcase name="MS.AAD.8.2 Only users with the Guest Inviter role can invite guest users" '
        'classname="Contoso (6babcaad-604b-40ac-a9d7-9fd97c0b779f)"'
    ) in result.stdout


def test_profile_on_a_fleet_root_asks_for_a_tenant(fleet: Path) -> None:
    result = run_cli(["lint", "--profile", "cisa-scuba", "--format", "html", "fleet"], fleet)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "b2blint: error: --profile on a fleet checks one tenant at a time: add --tenant NAME "
        "(contoso, fabrikam, tailspin)\n"
    )


def test_html_report_of_a_fleet_root_asks_for_a_tenant(fleet: Path) -> None:
    """The HTML report's header, access matrix and size gauge are one tenant's."""
    result = run_cli(["lint", "--format", "html", "fleet"], fleet)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "b2blint: error: --format html on a fleet checks one tenant at a time: add --tenant NAME "
        "(contoso, fabrikam, tailspin)\n"
    )


def test_html_report_of_a_fleet_tenant_with_a_profile(fleet: Path) -> None:
    args = ["lint", "--tenant", "tailspin", "--profile", "cisa-scuba", "--format", "html"]
    result = run_cli([*args, "--output", "report.html", "fleet"], fleet)
    assert result.exit_code == 0, result.stderr
    page = (fleet / "report.html").read_text("utf-8")
    assert "<title>b2blint report: Tailspin Toys</title>" in page
    assert "MS.AAD.8.2" in page
