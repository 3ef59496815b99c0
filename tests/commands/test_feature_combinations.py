"""Today's features used together, as a new user tries them from the docs: baseline profiles on
a fleet tenant (``lint --tenant NAME --profile``), and a fleet root asked for profiles."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from b2blint.fakegraph.server import RunningFake
from tests.conftest import POLICIES, ROOT, run_cli
from tests.tenant.conftest import TENANT, fake, writes

__all__ = ["fake"]

FLEET = ROOT / "examples" / "fleet"


@pytest.fixture
def fleet(tmp_path: Path) -> Path:
    shutil.copytree(FLEET, tmp_path / "fleet")
    return tmp_path


def test_profile_on_a_fleet_tenant_reports_its_controls(fleet: Path) -> None:
    result = run_cli(["lint", "--tenant", "contoso", "--profile", "cisa-scuba", "fleet"], fleet)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "All checks passed (6 files).\n"
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


def test_profile_on_a_fleet_root_judges_each_tenant(fleet: Path) -> None:
    result = run_cli(["lint", "--profile", "cisa-scuba", "fleet"], fleet)
    assert (result.exit_code, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert lines[:3] == ["All checks passed (12 files).", "", "Tenant contoso:"]
    tailspin = lines[lines.index("Tenant tailspin:") :]
    assert tailspin[2:5] == [
        "  MS.AAD.8.1         passed      Guest users have limited or restricted access to "
        "directory objects (BSL001)",
        "  MS.AAD.8.2         not checked Only users with the Guest Inviter role can invite "
        "guest users (BSL003)",
        "      why: authorizationPolicy.allowInvitesFrom is not set, so its value is unknown",
    ]
    assert tailspin[-1] == "Controls: 2 passed, 0 failed, 1 not checked."
    assert [line for line in lines if line.startswith("Tenant ")] == [
        "Tenant contoso:",
        "Tenant fabrikam:",
        "Tenant tailspin:",
    ]


def test_a_control_failed_by_one_fleet_tenant_fails_the_fleet(fleet: Path) -> None:
    tenant = fleet / "fleet" / "tenants" / "contoso" / "tenant.yaml"
    tenant.write_text(
        tenant.read_text("utf-8")
        + "authorizationPolicy:\n  allowInvitesFrom: adminsGuestInvitersAndAllMembers\n",
        "utf-8",
    )
    result = run_cli(["lint", "--profile", "cisa-scuba", "fleet"], fleet)
    assert result.exit_code == 1
    contoso = result.stdout.split("Tenant contoso:\n")[1].split("Tenant fabrikam:")[0]
    assert "  MS.AAD.8.2         FAILED      Only users with the Guest Inviter role" in contoso
    assert "Controls: 2 passed, 1 failed, 0 not checked." in contoso


def test_profile_with_junit_on_a_fleet_root_asks_for_a_tenant(fleet: Path) -> None:
    result = run_cli(["lint", "--profile", "cisa-scuba", "--format", "junit", "fleet"], fleet)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "b2blint: error: --format junit with --profile on a fleet reports one tenant at a time: "
        "add --tenant NAME (contoso, fabrikam, tailspin)\n"
    )


def test_profile_in_json_on_a_fleet_root_has_each_tenants_verdicts(fleet: Path) -> None:
    result = run_cli(["lint", "--profile", "cisa-scuba", "--format", "json", "fleet"], fleet)
    assert (result.exit_code, result.stderr) == (0, "")
    report = json.loads(result.stdout)
    assert "controls" not in report
    by_tenant = report["controlsByTenant"]
    assert list(by_tenant) == ["contoso", "fabrikam", "tailspin"]
    assert [(c["id"], c["status"]) for c in by_tenant["tailspin"]] == [
        ("MS.AAD.8.1", "passed"),
        ("MS.AAD.8.2", "not-checked"),
        ("MS.AAD.8.3", "passed"),
    ]


def test_html_report_of_a_fleet_root_asks_for_a_tenant(fleet: Path) -> None:
    """The HTML report's header, access matrix and size gauge are one tenant's."""
    result = run_cli(["lint", "--format", "html", "fleet"], fleet)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "b2blint: error: --format html on a fleet reports one tenant at a time: add --tenant "
        "NAME (contoso, fabrikam, tailspin)\n"
    )


def test_html_report_of_a_fleet_tenant_with_a_profile(fleet: Path) -> None:
    args = ["lint", "--tenant", "tailspin", "--profile", "cisa-scuba", "--format", "html"]
    result = run_cli([*args, "--output", "report.html", "fleet"], fleet)
    assert result.exit_code == 0, result.stderr
    page = (fleet / "report.html").read_text("utf-8")
    assert "<title>b2blint report: Tailspin Toys</title>" in page
    assert "MS.AAD.8.2" in page


def _northwind_without_mfa_trust(tmp_path: Path) -> Path:
    """The bundled policies with Northwind's MFA trust off: XTA003 [error] with the context."""
    shutil.copytree(POLICIES, tmp_path / "policies")
    northwind = tmp_path / "policies" / "partners" / "northwind-traders.yaml"
    text = northwind.read_text("utf-8")
    assert "isMfaAccepted: true" in text
    northwind.write_text(text.replace("isMfaAccepted: true", "isMfaAccepted: false"), "utf-8")
    return tmp_path


NORTHWIND_IN = ["--partner", "Northwind Traders", "--kind", "b2b-collaboration"]


def test_simulate_warns_of_the_lint_error_the_project_has(tmp_path: Path) -> None:
    tree = _northwind_without_mfa_trust(tmp_path)
    result = run_cli(["simulate", *NORTHWIND_IN, "--direction", "inbound"], tree)
    assert result.exit_code == 0
    assert result.stderr == (
        "b2blint: warning: the policy has 1 lint error (first: policies/partners/"
        "northwind-traders.yaml:19:7 XTA003; run 'b2blint lint'); the verdict may differ from "
        "what Graph would do\n"
    )


def test_simulate_counts_errors_with_the_project_config(tmp_path: Path) -> None:
    """The team made XTA003 a warning: `lint` reports no error for it, nor does simulate."""
    tree = _northwind_without_mfa_trust(tmp_path)
    (tree / ".b2blint.yaml").write_text("rules:\n  XTA003: warning\n", "utf-8")
    lint = run_cli(["lint", "--ignore", "TST001"], tree)
    assert lint.stdout.endswith("Found 0 errors and 1 warning in 8 files.\n")
    result = run_cli(["simulate", *NORTHWIND_IN, "--direction", "inbound"], tree)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith("DEPENDS  Northwind Traders")  # any application


def test_plan_and_apply_with_tenant_default_to_the_fleet_root(
    fake: RunningFake, fleet: Path
) -> None:
    """docs/fleets.md: `plan --tenant NAME [ROOT]`; without ROOT, the current directory."""
    fake.set_state({"tenantId": TENANT, "partners": []})
    root = fleet / "fleet"
    plan = run_cli(["plan", "--tenant", "contoso"], root)
    assert plan.exit_code == 0, plan.stderr
    assert "Fabrikam" in plan.stdout and "Tailspin Toys" in plan.stdout
    applied = run_cli(["apply", "--tenant", "contoso", "--yes"], root)
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert ("PATCH", "/v1.0/policies/crossTenantAccessPolicy/default") in writes(fake)
    again = run_cli(["plan", "--tenant", "contoso", "--detailed-exitcode"], root)
    assert again.exit_code == 0, again.stdout + again.stderr


def test_policy_tests_of_a_fleet_tenant_name_the_fleet_root(fleet: Path) -> None:
    result = run_cli(["test", "--tenant", "contoso"], fleet / "fleet")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "b2blint: error: .: no policy-test files (YAML files with 'b2blint-tests: 1')\n"
    )


@pytest.mark.parametrize("broken", ["tailspin", "contoso"])
def test_two_sided_simulate_answers_when_a_fleet_file_does_not_parse(
    fleet: Path, broken: str
) -> None:
    """A file that does not parse (another tenant's, or the partner's) is a warning, as on one
    tree, not a failed command: the other side answers from what parsed."""
    bad = fleet / "fleet" / "tenants" / broken / "context" / "ca.yaml"
    bad.parent.mkdir()
    bad.write_text("b2blint: 1\nconditionalAccessPolicies:\n  - [\n", "utf-8")
    args = ["simulate", "--tenant", "fabrikam", "--partner", "Contoso"]
    args += ["--kind", "b2b-direct-connect", "--direction", "inbound", "--app", "Office365"]
    result = run_cli([*args, "fleet"], fleet)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        f"b2blint: warning: the policy has 1 lint error (first: fleet/tenants/{broken}/context/"
        "ca.yaml:4:1 SYN001; run 'b2blint lint'); the verdict may differ from what Graph would "
        "do\n"
    )
    assert result.stdout.startswith(
        "ALLOWED  Contoso -> Fabrikam · B2B direct connect (both tenants) · any user · Office365"
    )


def test_profile_findings_of_a_fleet_root_in_sarif(fleet: Path) -> None:
    """SARIF carries findings and their control IDs, no verdicts: it works on the fleet root."""
    tenant = fleet / "fleet" / "tenants" / "fabrikam" / "tenant.yaml"
    tenant.write_text(
        tenant.read_text("utf-8")
        + "authorizationPolicy:\n  allowInvitesFrom: adminsGuestInvitersAndAllMembers\n",
        "utf-8",
    )
    result = run_cli(["lint", "--profile", "cisa-scuba", "--format", "sarif", "fleet"], fleet)
    assert result.exit_code == 1, result.stderr
    results = json.loads(result.stdout)["runs"][0]["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
            for r in results] == [("BSL003", "fleet/tenants/fabrikam/tenant.yaml")]  # fmt: skip
    assert "MS.AAD.8.2" in results[0]["properties"]["tags"]
