"""The fleet through the real CLI: lint, render, bad input (exit 2, file:line:col)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli
from tests.fleet.fleetfixture import BASE, FLEET, make_fleet

EXAMPLE = ROOT / "examples" / "fleet"

DIRECT_CONNECT = """\
  b2bDirectConnectInbound:
    usersAndGroups:
      accessType: allowed
      targets:
        - {target: AllUsers, targetType: user}
    applications:
      accessType: allowed
      targets:
        - {target: AllApplications, targetType: application}
"""


@pytest.fixture
def in_tmp(tmp_path: Path) -> Iterator[Path]:
    previous = Path.cwd()
    os.chdir(tmp_path)
    yield tmp_path
    os.chdir(previous)


def test_example_fleet_lints_clean() -> None:
    result = run_cli(["lint", str(EXAMPLE)])
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "All checks passed (12 files)" in result.stdout


def test_lint_at_the_fleet_root_without_arguments(in_tmp: Path) -> None:
    make_fleet(in_tmp)
    result = run_cli(["lint"], cwd=in_tmp)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "(4 files)" in result.stdout


def test_a_baseline_finding_points_at_the_baseline_and_names_its_tenants(in_tmp: Path) -> None:
    # beta opted out of the baseline's MFA trust: the baseline's direct connect then lacks it
    make_fleet(in_tmp, base=BASE + DIRECT_CONNECT)
    result = run_cli(["lint"], cwd=in_tmp)
    assert result.exit_code == 1
    line = next(x for x in result.stdout.splitlines() if "XTA003" in x)
    assert line.startswith("baselines/base.yaml:16:3: XTA003 [error] [beta] the default: ")


def test_the_same_baseline_finding_for_many_tenants_is_reported_once(in_tmp: Path) -> None:
    fleet = FLEET.replace(
        "    optOut:\n      - setting: default.inboundTrust\n"
        "        reason: beta runs its own MFA for guests\n",
        "",
    )
    base = BASE.replace("isMfaAccepted: true", "isMfaAccepted: false") + DIRECT_CONNECT
    make_fleet(in_tmp, fleet=fleet, base=base)
    result = run_cli(["lint"], cwd=in_tmp)
    lines = [x for x in result.stdout.splitlines() if "XTA003" in x]
    assert len(lines) == 1
    assert lines[0].startswith("baselines/base.yaml:16:3: XTA003 [error] [alpha, beta] ")


def test_a_suppression_in_the_baseline_applies_to_every_tenant(in_tmp: Path) -> None:
    suppressed = DIRECT_CONNECT.replace(
        "  b2bDirectConnectInbound:\n",
        "  b2bDirectConnectInbound:  # b2blint: disable=XTA003 -- CA requires MFA in beta\n",
    )
    make_fleet(in_tmp, base=BASE + suppressed)
    result = run_cli(["lint"], cwd=in_tmp)
    assert result.exit_code == 0, result.stdout


def test_a_tenant_file_finding_points_at_the_tenant_file(in_tmp: Path) -> None:
    alpha = (
        "b2blint: 1\ntenant:\n  name: Alpha\npartners:\n"
        "  - tenantId: 11111111-1111-4111-8111-111111111111\n    name: Self\n"
    )
    make_fleet(in_tmp, alpha=alpha)
    result = run_cli(["lint"], cwd=in_tmp)
    line = next(x for x in result.stdout.splitlines() if "XTA012" in x)
    assert line.startswith("tenants/alpha/tenant.yaml:5:")
    assert "[alpha]" not in line


def test_lint_one_tenant(in_tmp: Path) -> None:
    make_fleet(in_tmp, base=BASE + DIRECT_CONNECT)
    alpha = run_cli(["lint", "--tenant", "alpha"], cwd=in_tmp)
    assert (alpha.exit_code, alpha.stdout) == (0, "All checks passed (3 files).\n")
    assert run_cli(["lint", "--tenant", "beta"], cwd=in_tmp).exit_code == 1


def test_fix_is_refused_on_a_fleet(in_tmp: Path) -> None:
    make_fleet(in_tmp)
    result = run_cli(["lint", "--fix", "."], cwd=in_tmp)
    assert result.exit_code == 2
    assert "not available on a fleet" in result.stderr


def test_a_single_tenant_repository_is_unchanged(in_tmp: Path) -> None:
    result = run_cli(["lint", str(ROOT / "policies")])
    assert result.exit_code == 0, result.stdout


# --- render -----------------------------------------------------------------------------------


def test_render_prints_values_with_their_origins(in_tmp: Path) -> None:
    make_fleet(in_tmp)
    result = run_cli(["fleet", "render", "alpha"], cwd=in_tmp)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "# Effective policy of fleet tenant 'alpha' (b2blint fleet render)."
    assert (
        "tenant: {id: 11111111-1111-4111-8111-111111111111, name: Alpha}"
        "  # tenants/alpha/tenant.yaml:2, fleet.yaml:11, tenants/alpha/tenant.yaml:3"
    ) in lines
    assert (
        "  inboundTrust: {isMfaAccepted: true, isCompliantDeviceAccepted: true}"
        "  # tenants/alpha/tenant.yaml:5, baselines/base.yaml:6, tenants/alpha/tenant.yaml:6"
    ) in lines


def test_render_out_writes_one_file_per_tenant(in_tmp: Path) -> None:
    make_fleet(in_tmp)
    result = run_cli(["fleet", "render", "--out", "out"], cwd=in_tmp)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (in_tmp / "out").iterdir()) == ["alpha.yaml", "beta.yaml"]
    beta = (in_tmp / "out" / "beta.yaml").read_text(encoding="utf-8")
    assert "inboundTrust" not in beta  # opted out
    # the rendered file is a valid policy file
    assert run_cli(["lint", "out/beta.yaml"], cwd=in_tmp).exit_code == 0


# --- bad input: one line, file:line:col, exit 2, nothing rendered ----------------------------


def _error(in_tmp: Path, **files: str) -> str:
    make_fleet(in_tmp, **files)
    result = run_cli(["fleet", "render", "--out", "out"], cwd=in_tmp)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert not (in_tmp / "out").exists()
    assert result.stderr.count("\n") == 1, result.stderr
    lint = run_cli(["lint"], cwd=in_tmp)
    assert lint.exit_code == 2
    assert lint.stderr == result.stderr
    return result.stderr.strip()


def test_tenant_path_that_does_not_exist(in_tmp: Path) -> None:
    fleet = FLEET.replace("path: tenants/beta", "path: tenants/gamma")
    assert _error(in_tmp, fleet=fleet) == (
        "b2blint: error: fleet.yaml:13:11: tenant directory tenants/gamma does not exist"
    )


def test_layer_cycle(in_tmp: Path) -> None:
    fleet = FLEET.replace(
        "  - name: base\n    path: baselines/base.yaml\n",
        "  - name: base\n    path: baselines/base.yaml\n    extends: [extra]\n"
        "  - name: extra\n    path: baselines/base.yaml\n    extends: [base]\n",
    )
    assert _error(in_tmp, fleet=fleet) == (
        "b2blint: error: fleet.yaml:8:15: layers form a cycle: base -> extra -> base"
    )


def test_missing_layer(in_tmp: Path) -> None:
    fleet = FLEET.replace(
        "    layers: [base]\n    variables:\n      tid: 2",
        "    layers: [bse]\n    variables:\n      tid: 2",
    )
    assert _error(in_tmp, fleet=fleet) == (
        "b2blint: error: fleet.yaml:14:14: layer 'bse' is not declared in 'layers'"
    )


def test_variable_used_but_not_defined(in_tmp: Path) -> None:
    base = BASE.replace("  id: ${tid}\n", "  id: ${tid}\n  name: ${tenantName}\n")
    assert _error(in_tmp, base=base) == (
        "b2blint: error: baselines/base.yaml:4:9: variable 'tenantName' is not defined for "
        "tenant 'alpha' (or its value is not text); define it under the tenant's or the "
        "layer's 'variables'"
    )


def test_variable_defined_but_used_by_no_layer(in_tmp: Path) -> None:
    fleet = FLEET.replace(
        "      tid: 11111111-1111-4111-8111-111111111111\n",
        "      tid: 11111111-1111-4111-8111-111111111111\n      tdi: typo\n",
    )
    assert _error(in_tmp, fleet=fleet) == (
        "b2blint: error: fleet.yaml:12:7: variable 'tdi' is not used by any layer of tenant 'alpha'"
    )


def test_two_fleet_tenants_with_one_tenant_id(in_tmp: Path) -> None:
    fleet = FLEET.replace(
        "tid: 22222222-2222-4222-8222-222222222222", "tid: 11111111-1111-4111-8111-111111111111"
    )
    assert _error(in_tmp, fleet=fleet) == (
        "b2blint: error: fleet.yaml:16:12: tenant ID 11111111-1111-4111-8111-111111111111 of "
        "fleet tenant 'beta' is also the ID of 'alpha' (fleet.yaml:11)"
    )


def test_opt_out_that_matches_nothing(in_tmp: Path) -> None:
    fleet = FLEET.replace("setting: default.inboundTrust", "setting: default.inboundTrusts")
    assert _error(in_tmp, fleet=fleet) == (
        "b2blint: error: fleet.yaml:18:18: opt-out 'default.inboundTrusts' matches no setting "
        "of the layers of tenant 'beta'"
    )


def test_opt_out_without_a_reason(in_tmp: Path) -> None:
    fleet = FLEET.replace("        reason: beta runs its own MFA for guests\n", "")
    assert _error(in_tmp, fleet=fleet) == (
        "b2blint: error: fleet.yaml:18:9: an opt-out needs a 'reason' (why this tenant leaves "
        "the baseline)"
    )


def test_tenant_path_outside_the_fleet(in_tmp: Path) -> None:
    fleet = FLEET.replace("path: tenants/beta", "path: ../beta")
    assert _error(in_tmp, fleet=fleet) == (
        "b2blint: error: fleet.yaml:13:11: path '../beta' must stay inside the fleet root"
    )


def test_unknown_key_in_fleet_file(in_tmp: Path) -> None:
    fleet = FLEET.replace("    tags: [customer]\n", "    tag: [customer]\n")
    assert _error(in_tmp, fleet=fleet) == (
        "b2blint: error: fleet.yaml:8:5: unknown key 'tag' (expected one of: description, "
        "layers, name, optOut, path, tags, variables)"
    )


def test_unknown_tenant_name(in_tmp: Path) -> None:
    make_fleet(in_tmp)
    result = run_cli(["fleet", "render", "gamma"], cwd=in_tmp)
    assert result.exit_code == 2
    assert result.stderr == (
        "b2blint: error: fleet.yaml: no tenant 'gamma' in the fleet (tenants: alpha, beta)\n"
    )


# --- the access commands on one tenant --------------------------------------------------------


def test_policy_tests_run_on_the_merged_tenant() -> None:
    result = run_cli(["test", "--tenant", "fabrikam", str(EXAMPLE)])
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout.endswith("2 passed, 0 failed.\n")


def test_simulate_reads_the_tenant_over_its_baseline() -> None:
    args = ["simulate", "--tenant", "fabrikam", "--partner", "Contoso", "--kind",
            "b2b-direct-connect", "--direction", "inbound", "--app", "Office365",
            str(EXAMPLE)]  # fmt: skip
    result = run_cli(args)
    assert result.exit_code == 0, result.stderr
    # Contoso is a fleet tenant too: the verdict is two-sided (fleet-pair), Contoso's outbound
    # and Fabrikam's inbound, each from its own files.
    assert result.stdout.startswith("ALLOWED  Contoso -> Fabrikam · B2B direct connect (both")
    assert "tenants/fabrikam/partners/contoso.yaml:20" in result.stdout
    assert "tenants/contoso/partners/fabrikam.yaml:" in result.stdout
    blocked = run_cli([*args[:4], "default", *args[5:]])
    assert blocked.stdout.startswith("BLOCKED")
    assert "baselines/group-baseline.yaml:" in blocked.stdout


def test_diff_one_tenant_between_two_fleet_checkouts(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(EXAMPLE, tmp_path / "old")
    shutil.copytree(EXAMPLE, tmp_path / "new")
    partner = tmp_path / "new" / "tenants" / "fabrikam" / "partners" / "contoso.yaml"
    partner.write_text(
        partner.read_text("utf-8").replace("accessType: allowed", "accessType: blocked"), "utf-8"
    )
    changed = run_cli(["diff", "--tenant", "fabrikam", "--exit-code", "old", "new"], cwd=tmp_path)
    assert changed.exit_code == 1
    assert (
        "  Contoso · outbound B2B direct connect · users: all; apps: only Office365 → "
        "blocked for everyone\n"
    ) in changed.stdout
    same = run_cli(["diff", "--tenant", "contoso", "--exit-code", "old", "new"], cwd=tmp_path)
    assert (same.exit_code, same.stdout) == (0, "No access changes (old → new).\n")


def test_size_of_one_tenant() -> None:
    result = run_cli(["size", "--tenant", "contoso", str(EXAMPLE)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("size ")


def test_tenant_without_a_fleet_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli(["effective", "--tenant", "x", "--partner", "y", str(tmp_path)])
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"b2blint: error: --tenant: {tmp_path}: no fleet.yaml here (docs/fleets.md)\n"
    )


# --- the example's multitenant organization (docs/fleets.md, docs/mto.md) ---------------------


def test_example_mto_is_one_organization_seen_alike_by_its_members() -> None:
    from b2blint.fleet.assemble import tenant_policies
    from b2blint.fleet.fleetfile import load_fleet

    policies = tenant_policies(load_fleet(EXAMPLE))
    ids = {name: policy.tenant_id for name, policy in policies.items()}
    mto = {}
    for name, policy in policies.items():
        section = policy.section("multiTenantOrganization")
        mto[name] = None if section is None else section.value
    assert mto["tailspin"] is None  # not (yet) a member
    assert mto["contoso"] == mto["fabrikam"]
    members = {t["tenantId"]: t["role"] for t in mto["contoso"]["tenants"]}
    assert members == {ids["contoso"]: "owner", ids["fabrikam"]: "member"}
    for name, other in (("contoso", "fabrikam"), ("fabrikam", "contoso")):
        [partner] = [p for p in policies[name].partners if p.tenant_id == ids[other]]
        consent = partner.settings["automaticUserConsentSettings"]
        assert consent == {"inboundAllowed": True, "outboundAllowed": True}


def test_example_mto_member_without_redemption_is_reported(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(EXAMPLE, tmp_path / "fleet")
    partner = tmp_path / "fleet" / "tenants" / "fabrikam" / "partners" / "contoso.yaml"
    text = partner.read_text("utf-8")
    assert "        outboundAllowed: true\n" in text
    partner.write_text(text.replace("        outboundAllowed: true\n", ""), "utf-8")
    result = run_cli(["lint", "--select", "MTO", "fleet"], cwd=tmp_path)
    found = [line.split(" [")[0] for line in result.stdout.splitlines() if ": MTO" in line]
    assert found == [
        "fleet/tenants/fabrikam/partners/contoso.yaml:14:9: MTO001",
        "fleet/tenants/fabrikam/partners/contoso.yaml:14:9: MTO002",
    ]
