"""``b2blint lint --fix`` and ``--diff``: exact bytes written, exit codes, what is reported."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import Run, run_cli
from tests.policies import DEFAULT_TRUSTS_MFA, TENANT_HEAD

#: Lines 1-5: the tenant, a default that trusts MFA, and the partners key.
HEAD = TENANT_HEAD + DEFAULT_TRUSTS_MFA + "partners:\n"

FABRIKAM = """\
  # Fabrikam: contract SEC-1001.
  - tenantId: 3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11
    name: 'Fabrikam'
    settings:
      inboundTrust: {isMfaAccepted: true}  # same as the default: XTA011
      b2bCollaborationOutbound:
        usersAndGroups: {accessType: allowed, targets: [{target: AllUsers, targetType: user}]}
        applications:
          accessType: allowed
          targets:
            - {target: Office365, targetType: application}  # XTA002: RMS app missing
"""
NORTHWIND = """\
  - tenantId: 8cf70e0d-4dbc-480e-ac48-56bb7335817b
    name: Northwind
    settings:
      b2bCollaborationInbound:
        usersAndGroups:
          accessType: allowed
          targets:
            - {target: 7ba67bdd-48a1-4827-b4ef-2486c01e13e2, targetType: group}
            - {target: 7ba67bdd-48a1-4827-b4ef-2486c01e13e2, targetType: group}
        applications: {accessType: allowed, targets: [{target: Office365, targetType: application}]}
"""
TEXT = HEAD + FABRIKAM + NORTHWIND
FIXED = (
    HEAD
    + FABRIKAM.replace(
        "      inboundTrust: {isMfaAccepted: true}  # same as the default: XTA011\n", ""
    ).replace(
        "            - {target: Office365, targetType: application}  # XTA002: RMS app missing\n",
        "            - {target: Office365, targetType: application}  # XTA002: RMS app missing\n"
        "            - {target: 00000012-0000-0000-c000-000000000000, targetType: application}\n",
    )
    + NORTHWIND.replace(
        "            - {target: 7ba67bdd-48a1-4827-b4ef-2486c01e13e2, targetType: group}\n", "", 1
    )
)


def run(tmp_path: Path, *args: str) -> Run:
    (tmp_path / ".git").mkdir(exist_ok=True)
    return run_cli(["lint", "--no-color", *args], cwd=tmp_path)


@pytest.fixture
def policy(tmp_path: Path) -> Path:
    path = tmp_path / "p.yaml"
    path.write_text(TEXT, encoding="utf-8")
    return path


def test_diff_prints_the_changes_and_writes_nothing(tmp_path: Path, policy: Path) -> None:
    result = run(tmp_path, "p.yaml", "--diff")
    assert result.exit_code == 1
    assert result.stdout == (
        "--- a/p.yaml\n+++ b/p.yaml\n"
        "@@ -7,13 +7,13 @@\n"
        "   - tenantId: 3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11\n"
        "     name: 'Fabrikam'\n"
        "     settings:\n"
        "-      inboundTrust: {isMfaAccepted: true}  # same as the default: XTA011\n"
        "       b2bCollaborationOutbound:\n"
        "         usersAndGroups: {accessType: allowed, targets: [{target: AllUsers, "
        "targetType: user}]}\n"
        "         applications:\n"
        "           accessType: allowed\n"
        "           targets:\n"
        "             - {target: Office365, targetType: application}  # XTA002: RMS app missing\n"
        "+            - {target: 00000012-0000-0000-c000-000000000000, targetType: application}\n"
        "   - tenantId: 8cf70e0d-4dbc-480e-ac48-56bb7335817b\n"
        "     name: Northwind\n"
        "     settings:\n"
        "@@ -22,5 +22,4 @@\n"
        "           accessType: allowed\n"
        "           targets:\n"
        "             - {target: 7ba67bdd-48a1-4827-b4ef-2486c01e13e2, targetType: group}\n"
        "-            - {target: 7ba67bdd-48a1-4827-b4ef-2486c01e13e2, targetType: group}\n"
        "         applications: {accessType: allowed, targets: [{target: Office365, "
        "targetType: application}]}\n"
    )
    assert result.stderr == "b2blint: would fix 3 findings in 1 file\n"
    assert policy.read_text(encoding="utf-8") == TEXT


def test_fix_writes_exactly_the_fixed_lines_and_reports_the_rest(
    tmp_path: Path, policy: Path
) -> None:
    result = run(tmp_path, "p.yaml", "--fix")
    assert policy.read_text(encoding="utf-8") == FIXED
    assert result.stderr == "b2blint: fixed 3 findings in 1 file\n"
    assert result.stdout == "All checks passed (1 file).\n"
    assert result.exit_code == 0
    again = run(tmp_path, "p.yaml", "--diff")
    assert (again.exit_code, again.stdout) == (0, "")


def test_unfixable_findings_remain_and_set_the_exit_code(tmp_path: Path, policy: Path) -> None:
    policy.write_text(
        TEXT.replace("name: Northwind", "name: Northwind\n    extra: 1"), encoding="utf-8"
    )
    result = run(tmp_path, "p.yaml", "--fix", "--format", "json")
    payload = json.loads(result.stdout)
    assert [(f["rule"], f["line"]) for f in payload["findings"]] == [("SCH002", 19)]
    assert result.exit_code == 1


def test_crlf_and_byte_order_mark_survive(tmp_path: Path, policy: Path) -> None:
    policy.write_bytes(b"\xef\xbb\xbf" + TEXT.replace("\n", "\r\n").encode())
    run(tmp_path, "p.yaml", "--fix")
    assert policy.read_bytes() == b"\xef\xbb\xbf" + FIXED.replace("\n", "\r\n").encode()


def test_conflicting_fixes_settle_in_rounds(tmp_path: Path) -> None:
    text = HEAD + (
        "  - tenantId: 3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11\n"
        "    name: Fabrikam\n"
        "    settings:\n"
        "      inboundTrust: {isMfaAccepted: true}\n"
        "      b2bCollaborationInbound:  # repeats the service default, once deduplicated\n"
        "        usersAndGroups:\n"
        "          accessType: allowed\n"
        "          targets:\n"
        "            - {target: AllUsers, targetType: user}\n"
        "            - {target: AllUsers, targetType: user}\n"
        "        applications: {accessType: allowed, targets: [{target: AllApplications, "
        "targetType: application}]}\n"
    )
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    result = run(tmp_path, "p.yaml", "--fix")
    assert (tmp_path / "p.yaml").read_text(encoding="utf-8") == HEAD + (
        "  - tenantId: 3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11\n    name: Fabrikam\n    settings: {}\n"
    )
    assert result.stderr == "b2blint: fixed 2 findings in 1 file\n"
    assert result.exit_code == 0


def test_tree_mode_fixes_only_the_named_files(tmp_path: Path) -> None:
    tree = tmp_path / "policies"
    (tree / "partners").mkdir(parents=True)
    (tree / "tenant.yaml").write_text(HEAD.replace("partners:\n", ""), encoding="utf-8")
    (tree / "partners" / "fabrikam.yaml").write_text(
        "b2blint: 1\npartners:\n" + FABRIKAM, encoding="utf-8"
    )
    (tree / "partners" / "northwind.yaml").write_text(
        "b2blint: 1\npartners:\n" + NORTHWIND, encoding="utf-8"
    )
    result = run(tmp_path, "--tree", "policies", "policies/partners/northwind.yaml", "--fix")
    assert result.stderr == "b2blint: fixed 1 finding in 1 file\n"
    assert (tree / "partners" / "fabrikam.yaml").read_text(
        encoding="utf-8"
    ) == "b2blint: 1\npartners:\n" + FABRIKAM
    assert "7ba67bdd" in (tree / "partners" / "northwind.yaml").read_text(encoding="utf-8")
    assert (tree / "partners" / "northwind.yaml").read_text(encoding="utf-8").count("7ba67bdd") == 1


def test_clean_tree_diff_is_silent(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(
        HEAD
        + NORTHWIND.replace(
            "            - {target: 7ba67bdd-48a1-4827-b4ef-2486c01e13e2, targetType: group}\n",
            "",
            1,
        ),
        encoding="utf-8",
    )
    result = run(tmp_path, "p.yaml", "--diff")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_fix_through_a_symlink_writes_its_target_and_keeps_the_link(
    tmp_path: Path, policy: Path
) -> None:
    (tmp_path / "tree").mkdir()
    link = tmp_path / "tree" / "p.yaml"
    link.symlink_to(policy)
    result = run(tmp_path, "tree", "--fix")
    assert result.stderr == "b2blint: fixed 3 findings in 1 file\n"
    assert link.is_symlink()
    assert policy.read_text(encoding="utf-8") == FIXED


def test_deleting_the_last_flow_item_keeps_the_comment_of_the_one_before(tmp_path: Path) -> None:
    head = HEAD.replace("partners:\n", "") + (
        "  b2bCollaborationOutbound:\n"
        "    usersAndGroups:\n"
        "      accessType: allowed\n"
        "      targets: [\n"
    )
    text = (
        head
        + "        {target: 7ba67bdd-48a1-4827-b4ef-2486c01e13e2, targetType: group}, # finance\n"
        + "        {target: 7BA67BDD-48a1-4827-b4ef-2486c01e13e2, targetType: group}  # again\n"
        + "      ]\n"
    )
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    result = run(tmp_path, "p.yaml", "--fix")
    assert (result.exit_code, result.stderr) == (0, "b2blint: fixed 1 finding in 1 file\n")
    assert (tmp_path / "p.yaml").read_text(encoding="utf-8") == (
        head
        + "        {target: 7ba67bdd-48a1-4827-b4ef-2486c01e13e2, targetType: group} # finance\n"
        + "      ]\n"
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes any directory")
def test_fix_in_a_read_only_directory_is_a_usage_error(tmp_path: Path, policy: Path) -> None:
    (tmp_path / ".git").mkdir()
    tmp_path.chmod(0o555)
    try:
        result = run(tmp_path, "p.yaml", "--fix")
    finally:
        tmp_path.chmod(0o755)
    assert (result.exit_code, result.stderr) == (
        2,
        "b2blint: error: p.yaml: cannot write: Permission denied\n",
    )
    assert policy.read_text(encoding="utf-8") == TEXT
