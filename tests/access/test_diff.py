"""`b2blint diff` (two trees, or a git revision) and `access_diff_section` for plan."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from b2blint.access.diff import access_diff_section, policy_from_data
from b2blint.lint.tree import read_tree
from tests.conftest import POLICIES, run_cli

OLD_GROUP = "fe222329-6889-495b-b149-4e18eb56a3c1"
NEW_GROUP = "5e3a1b2c-6889-495b-b149-4e18eb56a3c1"

DEFAULT_DIRECT_CONNECT_BLOCKED = """\
  b2bDirectConnectInbound:
    usersAndGroups:
      accessType: blocked
      targets:
        - {target: AllUsers, targetType: user}
    applications:
      accessType: blocked
      targets:
        - {target: AllApplications, targetType: application}
"""
DEFAULT_DIRECT_CONNECT_OPEN = DEFAULT_DIRECT_CONNECT_BLOCKED.replace("blocked", "allowed").replace(
    "AllApplications", "Office365"
)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


@pytest.fixture
def trees(tmp_path: Path) -> Path:
    shutil.copytree(POLICIES, tmp_path / "base")
    shutil.copytree(POLICIES, tmp_path / "head")
    return tmp_path


def test_identical_trees(trees: Path) -> None:
    result = run_cli(["diff", "base", "head", "--exit-code"], cwd=trees)
    assert (result.exit_code, result.stdout) == (0, "No access changes (base → head).\n")


def test_partner_group_change_and_flipped_tests(trees: Path) -> None:
    _edit(trees / "head" / "partners" / "fabrikam.yaml", OLD_GROUP, NEW_GROUP)
    result = run_cli(["diff", "base", "head", "--exit-code"], cwd=trees)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "Access changes (base → head):",
        "  Fabrikam · inbound B2B collaboration · users: only group fe222329… → only group "
        "5e3a1b2c…; apps: only Office365, app efebdfa0…",
        "",
        "Policy tests whose verdict changed:",
        "  head/tests/invitations.yaml:9  Falcon engineers at Fabrikam can be invited: allowed "
        "→ blocked (This invitation is blocked by cross-tenant access settings) (expects "
        "allowed: now fails)",
        "  head/tests/partners.yaml:15  Fabrikam's Falcon engineers can use Office 365 as guests: "
        "allowed → blocked (AADSTS500213) (expects allowed: now fails)",
    ]


def test_default_change_lists_partners_whose_access_differs(trees: Path) -> None:
    _edit(
        trees / "head" / "tenant.yaml", DEFAULT_DIRECT_CONNECT_BLOCKED, DEFAULT_DIRECT_CONNECT_OPEN
    )
    lines = run_cli(["diff", "base", "head"], cwd=trees).stdout.splitlines()
    # Adatum and Fabrikam inherit direct connect but trust MFA themselves (a different
    # change); Northwind sets its own; Tailspin Federal is in another cloud.
    assert lines[:4] == [
        "Access changes (base → head):",
        "  Other organizations (default) · inbound B2B direct connect · blocked for everyone → "
        "users: all; apps: only Office365; MFA trust: no; Conditional Access: blocked by "
        "'Require MFA for guests and external users'",
        "  Adatum · inbound B2B direct connect · blocked for everyone → users: all; apps: only "
        "Office365; MFA trust: yes",
        "  Fabrikam · inbound B2B direct connect · blocked for everyone → users: all; apps: only "
        "Office365; MFA trust: yes",
    ]
    assert "Tailspin Federal" not in "\n".join(lines[:5])


def test_inheriting_partners_are_counted_on_the_default_line(trees: Path) -> None:
    _edit(
        trees / "head" / "tenant.yaml",
        "  b2bCollaborationOutbound:\n    usersAndGroups:\n      accessType: allowed",
        "  b2bCollaborationOutbound:\n    usersAndGroups:\n      accessType: blocked",
    )
    lines = run_cli(["diff", "base", "head"], cwd=trees).stdout.splitlines()
    # Fabrikam and Tailspin Federal set their own outbound settings: unchanged, not listed.
    assert lines == [
        "Access changes (base → head):",
        "  Other organizations (default) · outbound B2B collaboration · users: all; apps: only "
        "Office365, app 00000012… → blocked for everyone (2 partners inherit it: Adatum, "
        "Northwind Traders)",
    ]


def test_new_partner_entry_and_cloud_settings(trees: Path) -> None:
    (trees / "head" / "partners" / "northwind-traders.yaml").unlink()
    _edit(
        trees / "head" / "tenant.yaml", "  allowedCloudEndpoints:\n    - microsoftonline.us\n", ""
    )
    lines = run_cli(["diff", "head", "base"], cwd=trees).stdout.splitlines()
    assert (
        "  Northwind Traders · inbound B2B direct connect · blocked for everyone → users: all; "
        "apps: only Office365; MFA trust: yes (new partner entry)"
    ) in lines
    assert (
        "  Tailspin Federal · inbound B2B collaboration · blocked: microsoftonline.us not in "
        "allowedCloudEndpoints → users: only group fb1176d1…; apps: only Office365"
    ) in lines


def test_markdown(trees: Path) -> None:
    _edit(trees / "head" / "partners" / "fabrikam.yaml", OLD_GROUP, NEW_GROUP)
    result = run_cli(["diff", "base", "head", "--format", "markdown"], cwd=trees)
    assert result.stdout.splitlines()[:3] == [
        "#### Access changes (base → head)",
        "",
        "- **Fabrikam** · inbound B2B collaboration · users: only group fe222329… → only group "
        "5e3a1b2c…; apps: only Office365, app efebdfa0…",
    ]
    assert (
        "- `head/tests/partners.yaml:15` Fabrikam's Falcon engineers can use Office 365 as "
        "guests: allowed → **blocked (AADSTS500213)** (expects allowed: **now fails**)"
    ) in result.stdout.splitlines()


def test_invitation_domain_changes(trees: Path) -> None:
    _edit(trees / "head" / "tenant.yaml", "    - adatum.com\n", "")
    lines = run_cli(["diff", "base", "head"], cwd=trees).stdout.splitlines()
    assert lines[1:3] == [
        "  All organizations · invitation domain allow list (removed adatum.com)",
        "  Adatum · invitations · adatum.com: allowed by the domain list → blocked: not on the "
        "domain allow list",
    ]


def test_access_diff_section_for_plan() -> None:
    tree = read_tree([str(POLICIES)], lint=False)
    live = tree.policy.to_data()
    live["partners"] = [p for p in live["partners"] if p.get("name") != "Northwind Traders"]
    before = policy_from_data(live, "live tenant")
    assert access_diff_section(tree.policy, tree.policy, "text") == ""
    text = access_diff_section(before, tree.policy, "text")
    assert text.splitlines()[0] == "Access changes:"
    assert (
        "  Northwind Traders · inbound B2B direct connect · blocked for everyone → users: all; "
        "apps: only Office365; MFA trust: yes (new partner entry)"
    ) in text.splitlines()
    markdown = access_diff_section(before, tree.policy, "markdown")
    assert markdown.startswith("#### Access changes\n\n- **Northwind Traders** · ")
    with pytest.raises(ValueError):
        access_diff_section(before, tree.policy, "html")


# --- git -------------------------------------------------------------------------------


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    shutil.copytree(POLICIES, tmp_path / "policies")
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "base")
    return tmp_path


def test_base_revision(repo: Path) -> None:
    _edit(repo / "policies" / "partners" / "fabrikam.yaml", OLD_GROUP, NEW_GROUP)
    result = run_cli(["diff", "--base", "main"], cwd=repo)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[:2] == [
        "Access changes (main → working tree):",
        "  Fabrikam · inbound B2B collaboration · users: only group fe222329… → only group "
        "5e3a1b2c…; apps: only Office365, app efebdfa0…",
    ]
    inside = run_cli(["diff", "--base", "HEAD", "."], cwd=repo / "policies")
    assert inside.stdout.splitlines()[1] == result.stdout.splitlines()[1]
    assert "  tests/partners.yaml:15  Fabrikam's Falcon engineers" in inside.stdout


def test_base_revision_sees_committed_changes_and_new_files(repo: Path) -> None:
    (repo / "policies" / "partners" / "wingtip.yaml").write_text(
        "b2blint: 1\npartners:\n  - tenantId: 0b3f8c2a-52c4-4d3e-9a61-6d2f1e7c4b90\n"
        "    name: Wingtip\n    settings:\n      b2bCollaborationOutbound:\n"
        "        usersAndGroups:\n          accessType: blocked\n"
        "          targets: [{target: AllUsers, targetType: user}]\n"
        "        applications:\n          accessType: blocked\n"
        "          targets: [{target: AllApplications, targetType: application}]\n",
        "utf-8",
    )
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "wingtip")
    result = run_cli(["diff", "--base", "HEAD~1"], cwd=repo)
    assert result.stdout.splitlines()[1] == (
        "  Wingtip · outbound B2B collaboration · users: all; apps: only Office365, app "
        "00000012… → blocked for everyone (new partner entry)"
    )
    assert run_cli(["diff", "--base", "HEAD"], cwd=repo).stdout == (
        "No access changes (HEAD → working tree).\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--base", "nope"], "--base: unknown revision 'nope' in {repo}"),
        (["--base", "--help"], "--base: '--help' is not a revision"),
        (["base-only"], "give BASE_PATH and HEAD_PATH, or --base REVISION [PATH]"),
    ],
)
def test_bad_usage(repo: Path, args: list[str], message: str) -> None:
    result = run_cli(["diff", *args], cwd=repo)
    assert result.exit_code == 2
    assert result.stderr == f"b2blint: error: {message.format(repo=repo)}\n"


def test_base_outside_a_repository(tmp_path: Path) -> None:
    shutil.copytree(POLICIES, tmp_path / "policies")
    result = run_cli(["diff", "--base", "main"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "not inside a git repository" in result.stderr
