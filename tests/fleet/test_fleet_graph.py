"""``plan``/``apply``/``export --tenant``: one fleet tenant against the emulator (loopback)."""

from __future__ import annotations

from pathlib import Path

from b2blint.fakegraph.server import RunningFake
from tests.conftest import ROOT, run_cli
from tests.tenant.conftest import TENANT, fake, writes

__all__ = ["fake"]

EXAMPLE = ROOT / "examples" / "fleet"
FABRIKAM = "3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11"
TAILSPIN = "8f14e45f-ceea-467f-a8f4-1c7d5e6b2a90"


def test_plan_apply_one_fleet_tenant_converges(fake: RunningFake) -> None:
    fake.set_state({"tenantId": TENANT, "partners": []})
    plan = run_cli(["plan", "--tenant", "contoso", str(EXAMPLE)])
    assert plan.exit_code == 0, plan.stderr
    assert "Fabrikam" in plan.stdout and "Tailspin Toys" in plan.stdout
    assert writes(fake) == []
    applied = run_cli(["apply", "--tenant", "contoso", "--yes", str(EXAMPLE)])
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    done = writes(fake)
    partners = "/v1.0/policies/crossTenantAccessPolicy/partners"
    assert ("POST", partners) in done
    assert ("PATCH", "/v1.0/policies/crossTenantAccessPolicy/default") in done
    assert ("PATCH", "/v1.0/policies/authorizationPolicy") in done
    live = {p["tenantId"]: p for p in fake.state()["partners"]}
    assert set(live) == {FABRIKAM, TAILSPIN}
    # the baseline's default arrived, and the tenant's own partner settings
    assert live[TAILSPIN]["inboundTrust"]["isMfaAccepted"] is True
    again = run_cli(["plan", "--tenant", "contoso", "--detailed-exitcode", str(EXAMPLE)])
    assert again.exit_code == 0, again.stdout


def test_plan_for_another_fleet_tenant_is_refused_by_the_token_tenant(fake: RunningFake) -> None:
    fake.set_state({"tenantId": TENANT, "partners": []})
    result = run_cli(["plan", "--tenant", "fabrikam", str(EXAMPLE)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"b2blint: error: the token in B2BLINT_ACCESS_TOKEN is for tenant {TENANT}, but the "
        f"policy is for tenant {FABRIKAM}; refusing to touch the wrong tenant\n"
    )
    assert writes(fake) == []


def test_export_a_fleet_tenant_by_name(fake: RunningFake, tmp_path: Path) -> None:
    fake.set_state({"tenantId": TENANT, "partners": []})
    out = tmp_path / "snapshot"
    result = run_cli(
        [
            "export",
            "--tenant",
            "contoso",
            "--fleet",
            str(EXAMPLE),
            "--out",
            str(out),
            "--no-resolve-names",
        ]
    )
    assert result.exit_code == 0, result.stderr
    assert TENANT in (out / "tenant.yaml").read_text(encoding="utf-8")


def test_unknown_fleet_tenant(fake: RunningFake) -> None:
    result = run_cli(["plan", "--tenant", "nobody", str(EXAMPLE)])
    assert result.exit_code == 2
    assert "no tenant 'nobody' in the fleet (tenants: contoso, fabrikam, tailspin)" in (
        result.stderr
    )
