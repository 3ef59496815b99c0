"""Both sides of a partnership in one fleet, as a user sees them: ``b2blint lint`` on the fleet
root (PAIR findings, their suppressions) and ``b2blint simulate --tenant`` (one verdict from
both tenants' files, with the error the user meets)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import Run, run_cli
from tests.policies import CONTOSO, FABRIKAM, NORTHWIND, write_file

FLEET = """\
b2blint-fleet: 1
tenants:
  - name: contoso
    path: tenants/contoso
  - name: fabrikam
    path: tenants/fabrikam
"""

ALL_USERS = "{accessType: %s, targets: [{target: AllUsers, targetType: user}]}"
ALL_APPS = "{accessType: %s, targets: [{target: AllApplications, targetType: application}]}"


def setting(name: str, access: str) -> str:
    """Three lines: a B2B setting whose halves are both ``access`` for everyone."""
    return (
        f"      {name}:\n"
        f"        usersAndGroups: {ALL_USERS % access}\n"
        f"        applications: {ALL_APPS % access}\n"
    )


def tenant(tenant_id: str, name: str, partner_id: str, partner: str, *settings: str) -> str:
    """Lines 1-6, then the settings from line 7: a tenant with one partner entry."""
    head = (
        f"b2blint: 1\ntenant: {{id: {tenant_id}, name: {name}}}\npartners:\n"
        f"  - tenantId: {partner_id}\n    name: {partner}\n"
    )
    return head + ("    settings:\n" + "".join(settings) if settings else "    settings: {}\n")


def fleet(tmp_path: Path, contoso: str, fabrikam: str) -> Path:
    (tmp_path / ".git").mkdir(exist_ok=True)  # keep config discovery inside the test
    write_file(tmp_path, "fleet.yaml", FLEET)
    write_file(tmp_path, "tenants/contoso/tenant.yaml", contoso)
    write_file(tmp_path, "tenants/fabrikam/tenant.yaml", fabrikam)
    return tmp_path


def lint(root: Path, *args: str) -> Run:
    """The PAIR rules and the suppression rules only (the examples are not clean otherwise:
    an inbound allow equal to the service default is XTA011's)."""
    return run_cli(["lint", "--no-color", "--select", "PAIR,B2B", *args], cwd=root)


def simulate(root: Path, *args: str) -> Run:
    return run_cli(["simulate", *args], cwd=root)


MFA = "      inboundTrust: {isMfaAccepted: true}\n"
#: Contoso lets Fabrikam's users in (line 7); Fabrikam lets nobody go to Contoso (line 7).
CONTOSO_IN = tenant(
    CONTOSO, "Contoso", FABRIKAM, "Fabrikam", setting("b2bCollaborationInbound", "allowed")
)
FABRIKAM_OUT_BLOCKED = tenant(
    FABRIKAM, "Fabrikam", CONTOSO, "Contoso", setting("b2bCollaborationOutbound", "blocked")
)


def test_lint_fleet_root_reports_the_pair_on_the_allowing_side(tmp_path: Path) -> None:
    run = lint(fleet(tmp_path, CONTOSO_IN, FABRIKAM_OUT_BLOCKED))
    assert run.exit_code == 1
    assert run.stdout.splitlines()[0] == (
        "tenants/contoso/tenant.yaml:7:7: PAIR001 [error] Contoso's inbound B2B collaboration "
        "lets Fabrikam's users in, but Fabrikam's outbound B2B collaboration for Contoso (set "
        "on the partner entry, tenants/fabrikam/tenant.yaml:8) blocks all users: none of them "
        "gets here, they see AADSTS500212 (NotAllowedByOutboundPolicyTenant); allow them in "
        "Fabrikam's outbound settings, or block b2bCollaborationInbound here too."
    )


def test_related_location_on_the_other_side_in_json(tmp_path: Path) -> None:
    run = lint(fleet(tmp_path, CONTOSO_IN, FABRIKAM_OUT_BLOCKED), "--format", "json")
    found = [d for d in json.loads(run.stdout)["findings"] if d["rule"] == "PAIR001"]
    assert [(d["file"], d["line"], d["column"]) for d in found] == [
        ("tenants/contoso/tenant.yaml", 7, 7)
    ]
    assert [(r["file"], r["line"]) for r in found[0]["related"]] == [
        ("tenants/fabrikam/tenant.yaml", 8)
    ]


def test_suppressed_in_the_tenant_file_and_never_unused_for_one_tenant(tmp_path: Path) -> None:
    suppressed = CONTOSO_IN.replace(
        "      b2bCollaborationInbound:\n",
        "      b2bCollaborationInbound:  # b2blint: disable=PAIR001 -- Fabrikam opens in Q3\n",
    )
    root = fleet(tmp_path, suppressed, FABRIKAM_OUT_BLOCKED)
    assert lint(root).stdout == "All checks passed (3 files).\n"
    # One tenant alone runs no PAIR rule: its PAIR suppression is not called unused.
    assert lint(root, "--tenant", "contoso").exit_code == 0
    assert "B2B001" not in lint(root, "--tenant", "contoso").stdout


def test_a_stale_pair_suppression_is_unused_in_the_fleet_lint(tmp_path: Path) -> None:
    stale = CONTOSO_IN.replace(
        "      b2bCollaborationInbound:\n",
        "      b2bCollaborationInbound:  # b2blint: disable=PAIR001 -- old\n",
    )
    fabrikam = tenant(FABRIKAM, "Fabrikam", CONTOSO, "Contoso")
    run = lint(fleet(tmp_path, stale, fabrikam))
    assert [line.split(" [")[0] for line in run.stdout.splitlines()[:-1]] == [
        "tenants/contoso/tenant.yaml:7:33: B2B001"
    ]


def verdict(run: Run) -> list[str]:
    assert run.exit_code == 0, run.stderr
    return run.stdout.splitlines()


def test_simulate_two_sided_home_outbound_blocks(tmp_path: Path) -> None:
    root = fleet(tmp_path, CONTOSO_IN, FABRIKAM_OUT_BLOCKED)
    args = ("--kind", "b2b-collaboration")
    inbound = verdict(
        simulate(
            root, "--tenant", "contoso", "--partner", "Fabrikam", *args, "--direction", "inbound"
        )
    )
    assert inbound[:2] == [
        "BLOCKED  Fabrikam -> Contoso · B2B collaboration (both tenants) · any user · "
        "any application",
        "  error:      AADSTS500212 (NotAllowedByOutboundPolicyTenant - The user's administrator "
        "has set an outbound access policy that doesn't allow access to the resource tenant.)",
    ]
    assert inbound[3:] == [
        "  decided by: tenants/fabrikam/tenant.yaml:8  "
        "$.partners[0].settings.b2bCollaborationOutbound.usersAndGroups.targets[0]",
        "              tenants/fabrikam/tenant.yaml:9  "
        "$.partners[0].settings.b2bCollaborationOutbound.applications.targets[0]",
        "              tenants/contoso/tenant.yaml:8  "
        "$.partners[0].settings.b2bCollaborationInbound.usersAndGroups.targets[0]",
        "              tenants/contoso/tenant.yaml:9  "
        "$.partners[0].settings.b2bCollaborationInbound.applications.targets[0]",
    ]  # and no "note: ... not in these files"
    # The same sign-in asked from the home tenant's side gives the same answer.
    outbound = verdict(
        simulate(
            root, "--tenant", "fabrikam", "--partner", "Contoso", *args, "--direction", "outbound"
        )
    )
    assert outbound == inbound


def test_simulate_two_sided_resource_inbound_blocks_in_json(tmp_path: Path) -> None:
    contoso = tenant(
        CONTOSO, "Contoso", FABRIKAM, "Fabrikam", setting("b2bCollaborationOutbound", "allowed")
    )
    fabrikam = tenant(
        FABRIKAM, "Fabrikam", CONTOSO, "Contoso", setting("b2bCollaborationInbound", "blocked")
    )
    run = simulate(
        fleet(tmp_path, contoso, fabrikam),
        *("--tenant", "contoso", "--partner", "Fabrikam", "--kind", "b2b-collaboration"),
        *("--direction", "outbound", "--format", "json"),
    )
    answer = json.loads(run.stdout)
    assert (answer["verdict"], answer["error"], answer["notes"]) == ("blocked", "AADSTS500213", [])
    assert answer["question"].startswith("Contoso -> Fabrikam · B2B collaboration (both tenants)")
    assert answer["reason"].startswith("Fabrikam's inbound B2B collaboration blocks it.")


def test_simulate_direct_connect_needs_both_sides(tmp_path: Path) -> None:
    # Microsoft's example: Contoso allows inbound direct connect from Fabrikam, "but sharing
    # isn't possible until Fabrikam also enables outbound B2B direct connect with Contoso".
    contoso = tenant(
        CONTOSO, "Contoso", FABRIKAM, "Fabrikam", MFA, setting("b2bDirectConnectInbound", "allowed")
    )
    fabrikam = tenant(FABRIKAM, "Fabrikam", CONTOSO, "Contoso", MFA)
    root = fleet(tmp_path, contoso, fabrikam)
    args = ("--tenant", "contoso", "--partner", "Fabrikam", "--kind", "b2b-direct-connect")
    lines = verdict(simulate(root, *args, "--direction", "inbound", "--mfa-required"))
    assert lines[0].startswith("BLOCKED  Fabrikam -> Contoso · B2B direct connect (both tenants)")
    assert lines[1].startswith("  error:      AADSTS500212 ")
    assert "b2bDirectConnectOutbound (the service default) blocks everyone" in lines[2]
    assert "  decided by: (service default) b2bDirectConnectOutbound.usersAndGroups" in lines


def test_simulate_both_sides_allow_with_mfa_unknown_depends(tmp_path: Path) -> None:
    both = setting("b2bDirectConnectInbound", "allowed") + setting(
        "b2bDirectConnectOutbound", "allowed"
    )
    contoso = tenant(CONTOSO, "Contoso", FABRIKAM, "Fabrikam", both)  # no MFA trust
    fabrikam = tenant(FABRIKAM, "Fabrikam", CONTOSO, "Contoso", MFA, both)
    root = fleet(tmp_path, contoso, fabrikam)
    args = ("--tenant", "contoso", "--partner", "Fabrikam", "--kind", "b2b-direct-connect")
    lines = verdict(simulate(root, *args, "--direction", "inbound"))
    assert lines[0].startswith("DEPENDS  Fabrikam -> Contoso")
    assert lines[1].startswith("  error:      AADSTS90071 ")
    allowed = verdict(simulate(root, *args, "--direction", "inbound", "--no-mfa-required"))
    assert allowed[0].startswith("ALLOWED  Fabrikam -> Contoso")
    assert allowed[1].startswith("  why:        both tenants allow it.")


def test_simulate_both_block_names_both_errors(tmp_path: Path) -> None:
    contoso = tenant(
        CONTOSO, "Contoso", FABRIKAM, "Fabrikam", setting("b2bCollaborationInbound", "blocked")
    )
    root = fleet(tmp_path, contoso, FABRIKAM_OUT_BLOCKED)
    run = simulate(
        root,
        "--tenant",
        "contoso",
        "--partner",
        "Fabrikam",
        "--kind",
        "b2b-collaboration",
        "--direction",
        "inbound",
        "--format",
        "json",
    )
    answer = json.loads(run.stdout)
    assert (answer["verdict"], answer["error"]) == ("blocked", None)
    assert answer["reason"].startswith("both tenants block it.")
    assert answer["reason"].endswith("so the user sees AADSTS500212 or AADSTS500213")


def test_partner_outside_the_fleet_stays_one_sided(tmp_path: Path) -> None:
    contoso = CONTOSO_IN + f"  - tenantId: {NORTHWIND}\n    name: Northwind\n"
    root = fleet(tmp_path, contoso, FABRIKAM_OUT_BLOCKED)
    lines = verdict(
        simulate(
            root,
            "--tenant",
            "contoso",
            "--partner",
            "Northwind",
            "--kind",
            "b2b-collaboration",
            "--direction",
            "inbound",
        )
    )
    assert lines[0].startswith("ALLOWED  Northwind (8cf70e0d")
    assert lines[-1] == (
        "  note:       Northwind's own outbound B2B collaboration settings must allow it too "
        "(they are not in these files)"
    )


def test_declared_sync_from_the_config_file(tmp_path: Path) -> None:
    contoso = tenant(
        CONTOSO,
        "Contoso",
        FABRIKAM,
        "Fabrikam",
        "      automaticUserConsentSettings: {outboundAllowed: true}\n",
    )
    fabrikam = tenant(
        FABRIKAM,
        "Fabrikam",
        CONTOSO,
        "Contoso",
        "      automaticUserConsentSettings: {inboundAllowed: true}\n",
    )
    root = fleet(tmp_path, contoso, fabrikam)
    write_file(root, ".b2blint.yaml", "rules:\n  PAIR005:\n    sync: [contoso -> fabrikam]\n")
    run = lint(root)
    assert [line.split(" [")[0] for line in run.stdout.splitlines()[:-1]] == [
        "tenants/fabrikam/tenant.yaml:4:5: PAIR005"
    ]
    # Fabrikam allows it: now the source's half of automatic redemption is checked (PAIR004,
    # satisfied here) and nothing is reported.
    allowed = fabrikam + "    identitySynchronization: {userSyncInbound: {isSyncAllowed: true}}\n"
    write_file(root, "tenants/fabrikam/tenant.yaml", allowed)
    assert lint(root).stdout == "All checks passed (3 files).\n"


def test_the_example_fleet_has_one_documented_two_sided_finding(tmp_path: Path) -> None:
    import shutil

    from tests.conftest import ROOT

    example = ROOT / "examples" / "fleet"
    assert lint(example).stdout == "All checks passed (12 files).\n"
    copy = tmp_path / "fleet"
    shutil.copytree(example, copy)
    (tmp_path / ".git").mkdir()
    partner = copy / "tenants" / "contoso" / "partners" / "tailspin.yaml"
    text = partner.read_text("utf-8")
    assert text.count("# b2blint: disable=PAIR002 -- ") == 1
    partner.write_text(re.sub(r"  # b2blint: disable=PAIR002 -- [^\n]*", "", text), "utf-8")
    run = lint(copy)
    assert [line.split(" [")[0] for line in run.stdout.splitlines()[:-1]] == [
        "tenants/contoso/partners/tailspin.yaml:13:7: PAIR002"
    ]
