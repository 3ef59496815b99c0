"""``b2blint diff --tenant NAME --base REV``: one fleet tenant, working tree vs a git revision.

The fleet at REV (fleet.yaml, layers, tenant files) is read out of git in a real temporary
repository; the user's tree and index are never written (checked with ``git status``).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, Run, run_cli

EXAMPLE = ROOT / "examples" / "fleet"
BASELINE = "fleet/baselines/group-baseline.yaml"
#: The baseline's first Office 365 target: the default inbound B2B collaboration applications.
INBOUND_APPS = "        - {target: Office365, targetType: application}\n"


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The example fleet, committed, in ``fleet/`` of a new repository."""
    shutil.copytree(EXAMPLE, tmp_path / "fleet")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "fleet")
    return tmp_path


def diff(repo: Path, *args: str) -> Run:
    return run_cli(["diff", *args, "fleet"], cwd=repo)


def open_inbound_apps(repo: Path) -> None:
    path = repo / BASELINE
    text = path.read_text("utf-8")
    assert text.count(INBOUND_APPS) == 2  # inbound first, then outbound
    path.write_text(
        text.replace(INBOUND_APPS, INBOUND_APPS.replace("Office365", "AllApplications"), 1),
        "utf-8",
    )


def test_a_baseline_change_is_an_access_change_of_the_tenant(repo: Path) -> None:
    open_inbound_apps(repo)
    status = git(repo, "status", "--porcelain")
    result = diff(repo, "--tenant", "tailspin", "--base", "HEAD", "--exit-code")
    assert (result.exit_code, result.stderr) == (1, "")
    assert result.stdout == (
        "Access changes (HEAD → working tree):\n"
        "  Other organizations (default) · inbound B2B collaboration · users: all; apps: only "
        "Office365 → all (1 partner inherits it: Contoso)\n"
    )
    assert git(repo, "status", "--porcelain") == status  # nothing written into the tree
    # committed, the same change is between HEAD~1 and HEAD (the working tree is HEAD)
    git(repo, "commit", "-qam", "open the default inbound apps")
    again = diff(repo, "--tenant", "tailspin", "--base", "HEAD~1")
    assert again.stdout == result.stdout.replace("HEAD →", "HEAD~1 →")
    same = diff(repo, "--tenant", "tailspin", "--base", "HEAD", "--exit-code")
    assert (same.exit_code, same.stdout) == (0, "No access changes (HEAD → working tree).\n")


def test_a_tenant_file_change_shows_for_that_tenant_only(repo: Path) -> None:
    partner = repo / "fleet/tenants/fabrikam/partners/contoso.yaml"
    partner.write_text(
        partner.read_text("utf-8").replace("accessType: allowed", "accessType: blocked"), "utf-8"
    )
    changed = diff(repo, "--tenant", "fabrikam", "--base", "HEAD")
    assert (
        "  Contoso · outbound B2B direct connect · users: all; apps: only Office365 → "
        "blocked for everyone\n"
    ) in changed.stdout
    other = diff(repo, "--tenant", "contoso", "--base", "HEAD", "--exit-code")
    assert (other.exit_code, other.stdout) == (0, "No access changes (HEAD → working tree).\n")


def test_a_tenant_missing_at_the_revision_is_a_one_line_error(repo: Path) -> None:
    fleet = repo / "fleet/fleet.yaml"
    fleet.write_text(
        fleet.read_text("utf-8").replace(
            "\nmatrix:",
            "\n  - name: adatum\n    path: tenants/adatum\n    layers: [group-baseline]\n"
            "    variables: {tenantId: cdb668e9-1967-4d2f-a91d-d53b5e5267d9, "
            "tenantName: Adatum, invitableDomains: [contoso.com]}\n\nmatrix:",
        ),
        "utf-8",
    )
    (repo / "fleet/tenants/adatum").mkdir()
    (repo / "fleet/tenants/adatum/tenant.yaml").write_text("b2blint: 1\n", "utf-8")
    assert run_cli(["lint", "--tenant", "adatum", "fleet"], cwd=repo).exit_code == 0
    result = diff(repo, "--tenant", "adatum", "--base", "HEAD")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "b2blint: error: HEAD:fleet/fleet.yaml: no tenant 'adatum' in the fleet "
        "(tenants: contoso, fabrikam, tailspin)\n"
    )


def test_a_hostile_path_in_fleet_yaml_at_the_revision_is_refused(repo: Path) -> None:
    fleet = repo / "fleet/fleet.yaml"
    text = fleet.read_text("utf-8")
    fleet.write_text(text.replace("path: tenants/tailspin", "path: ../../etc"), "utf-8")
    git(repo, "commit", "-qam", "hostile")
    fleet.write_text(text, "utf-8")  # the working tree is fine again
    result = diff(repo, "--tenant", "contoso", "--base", "HEAD")
    assert result.exit_code == 2
    assert result.stderr == (
        "b2blint: error: HEAD:fleet/fleet.yaml:37:11: path '../../etc' must stay inside the "
        "fleet root\n"
    )


def test_no_fleet_at_the_revision(repo: Path) -> None:
    (repo / "other").mkdir()
    (repo / "other/x.txt").write_text("x\n", "utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "other")
    shutil.copytree(repo / "fleet", repo / "other/fleet")  # a fleet new in the working tree
    result = run_cli(["diff", "--tenant", "contoso", "--base", "HEAD", "other/fleet"], cwd=repo)
    assert (result.exit_code, result.stderr) == (
        2,
        "b2blint: error: --base: no fleet.yaml at HEAD:other/fleet/fleet.yaml\n",
    )


def test_an_unknown_revision_is_a_usage_error(repo: Path) -> None:
    result = diff(repo, "--tenant", "contoso", "--base", "no-such-branch")
    assert result.exit_code == 2
    assert result.stderr.startswith("b2blint: error: --base: unknown revision 'no-such-branch'")


def test_a_file_that_does_not_parse_at_the_revision_is_named_with_it(repo: Path) -> None:
    partner = repo / "fleet/tenants/tailspin/partners/contoso.yaml"
    text = partner.read_text("utf-8")
    partner.write_text(text + "  - [unclosed\n", "utf-8")
    git(repo, "commit", "-qam", "broken")
    partner.write_text(text, "utf-8")
    result = diff(repo, "--tenant", "contoso", "--base", "HEAD")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "b2blint: error: HEAD:fleet/tenants/tailspin/partners/contoso.yaml:"
    )
    assert result.stderr.count("\n") == 1 and "/tmp" not in result.stderr
