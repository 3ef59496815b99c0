"""Policy tests: `b2blint test`, TST001 inside `b2blint lint`, and the engine's routing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import POLICIES, run_cli

FAILING = """\
b2blint-tests: 1
tests:
  - name: Falcon engineers can be invited
    invite: engineer@fabrikam.com
    group: fe222329-6889-495b-b149-4e18eb56a3c1
    expect: blocked
  - name: Wingtip can be invited
    partner: Wingtip
    invite: someone@wingtip.com
    expect: allowed
  - name: Northwind users get Teams shared channels with the right error on block
    partner: Northwind Traders
    kind: b2b-direct-connect
    direction: inbound
    app: AllApplications
    expect: blocked
    error: AADSTS90071
"""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copytree(POLICIES, tmp_path / "policies")
    return tmp_path


def test_bundled_policy_tests_pass() -> None:
    result = run_cli(["test", str(POLICIES), "--format", "json"])
    assert result.exit_code == 0, result.stdout
    data = json.loads(result.stdout)
    assert len(data) == 14
    assert all(item["passed"] for item in data)


def test_bundled_policies_lint_clean_with_their_tests() -> None:
    result = run_cli(["lint", str(POLICIES)])
    assert result.exit_code == 0, result.stdout


def test_failures_are_listed_with_reason_and_exit_1(tree: Path) -> None:
    (tree / "policies" / "tests" / "more.yaml").write_text(FAILING, "utf-8")
    result = run_cli(
        ["test", "policies/tests/more.yaml", "policies/tenant.yaml", "policies/partners"], cwd=tree
    )
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "FAIL  policies/tests/more.yaml:6  Falcon engineers can be invited"
    assert lines[1].startswith(
        "      failed: expected blocked, got allowed: fabrikam.com is on the invitation allow list;"
    )
    # An invitation is decided by the users half alone (issue 11 item 2): no application line.
    assert lines[2:4] == [
        "      decided by: policies/tenant.yaml:119  $.invitationDomains.allowedDomains[0]",
        "      decided by: policies/partners/fabrikam.yaml:22  "
        "$.partners[0].settings.b2bCollaborationInbound.usersAndGroups.targets[0]",
    ]
    assert lines[4:6] == [
        "FAIL  policies/tests/more.yaml:10  Wingtip can be invited",
        "      cannot run: no partner with name 'Wingtip' in the policy (use 'default' for an "
        "organization without a partner entry)",
    ]
    assert lines[6] == (
        "FAIL  policies/tests/more.yaml:16  "
        "Northwind users get Teams shared channels with the right error on block"
    )
    assert lines[7].startswith("      failed: expected error AADSTS90071, got AADSTS500213: ")
    assert lines[-1] == "0 passed, 3 failed."


def test_lint_reports_tst001_at_the_expectation(tree: Path) -> None:
    (tree / "policies" / "tests" / "more.yaml").write_text(FAILING, "utf-8")
    result = run_cli(["lint", "policies", "--format", "json"], cwd=tree)
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["findings"]
    found = [(f["file"], f["line"], f["column"], f["rule"]) for f in findings]
    assert found == [
        ("policies/tests/more.yaml", 6, 13, "TST001"),
        ("policies/tests/more.yaml", 8, 14, "TST001"),
        ("policies/tests/more.yaml", 16, 13, "TST001"),
    ]


def test_lint_text_line_for_a_failed_test(tree: Path) -> None:
    (tree / "policies" / "tests" / "more.yaml").write_text(FAILING, "utf-8")
    result = run_cli(["lint", "policies"], cwd=tree)
    assert result.stdout.splitlines()[0].startswith(
        "policies/tests/more.yaml:6:13: TST001 [error] policy test 'Falcon engineers can be "
        "invited' failed: expected blocked, got allowed: "
    )


def test_test_files_are_never_validated_as_policy_files(tree: Path) -> None:
    """A policy-test file is routed to its own schema: no SCH002 for 'b2blint-tests'/'tests'."""
    bad = "b2blint-tests: 1\ntests:\n  - name: x\n    invite: bob\n    kind: b2b-collaboration\n"
    bad += "    expect: maybe\n    usr: 1\n"
    (tree / "policies" / "tests" / "bad.yaml").write_text(bad, "utf-8")
    result = run_cli(["lint", "policies"], cwd=tree)
    assert result.stdout.splitlines()[:-1] == [
        "policies/tests/bad.yaml:4:13: SCH001 [error] invite: 'bob' is not an email address",
        "policies/tests/bad.yaml:5:5: SCH001 [error] kind does not apply to an invite test",
        "policies/tests/bad.yaml:6:13: SCH001 [error] 'maybe' is not one of: allowed, blocked, "
        "depends",
        "policies/tests/bad.yaml:7:5: SCH002 [error] unknown property 'usr' in a policy-test file "
        "(expected one of: name, partner, kind, direction, user, group, groups, app, invite, "
        "mfaRequired, expect, error)",
    ]


def test_malformed_test_file_is_exit_2_with_positions(tree: Path) -> None:
    bad = "b2blint-tests: 1\ntests:\n  - name: x\n    partner: Fabrikam\n"
    bad += "    kind: b2b-collaboration\n    user: bob\n    expect: allowed\n"
    (tree / "policies" / "tests" / "bad.yaml").write_text(bad, "utf-8")
    result = run_cli(["test", "policies"], cwd=tree)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "policies/tests/bad.yaml:3:5: a b2b-collaboration test needs 'direction' "
        "(inbound or outbound)",
        "policies/tests/bad.yaml:6:11: user: 'bob' is not an object ID (a GUID)",
        "b2blint: error: 2 problems in the policy-test files; no test was run",
    ]


def test_no_test_files_is_exit_2(tree: Path) -> None:
    result = run_cli(["test", "policies/partners"], cwd=tree)
    assert result.exit_code == 2
    assert result.stderr == (
        "b2blint: error: policies/partners: no policy-test files (YAML files with "
        "'b2blint-tests: 1')\n"
    )
