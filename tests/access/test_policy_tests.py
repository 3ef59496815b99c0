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
    assert len(data) == 16
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
        "mfaRequired, userType, expect, error)",
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


# --------------------------------------------------------------------- the compiled validator


def _imports_after_lint(tree: Path) -> list[str]:
    """The jsonschema modules a real ``b2blint lint -q policies`` process imported."""
    import subprocess
    import sys

    probe = (
        "import sys; from b2blint.cli import main; code = main(['lint', '-q', 'policies']); "
        "print(code, sorted(m for m in sys.modules if m.split('.')[0] == 'jsonschema'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=tree, capture_output=True, text=True, check=False
    )
    return done.stdout.strip().splitlines()[-1:]


def test_lint_of_a_tree_with_policy_tests_never_imports_jsonschema(tree: Path) -> None:
    """jsonschema costs ~55 ms to import: a clean tree with tests must not pay for it."""
    assert sorted(p.name for p in (tree / "policies" / "tests").glob("*.yaml")) == [
        "invitations.yaml",
        "partners.yaml",
    ]
    assert _imports_after_lint(tree) == ["0 []"]


def test_a_rejected_test_file_is_explained_by_jsonschema(tree: Path) -> None:
    """The other side of the probe above: it does see jsonschema when a file needs it."""
    bad = "b2blint-tests: 1\ntests:\n  - name: x\n    invite: a@b.example\n    expect: maybe\n"
    (tree / "policies" / "tests" / "bad.yaml").write_text(bad, "utf-8")
    [line] = _imports_after_lint(tree)
    assert line.startswith("1 ['jsonschema'")


VALID_TESTS: dict[str, object] = {
    "b2blint-tests": 1,
    "description": "d",
    "tests": [
        {
            "name": "sign-in",
            "partner": "Fabrikam",
            "kind": "b2b-collaboration",
            "direction": "inbound",
            "user": "fe222329-6889-495b-b149-4e18eb56a3c1",
            "groups": ["fb1176d1-34b7-437d-81c0-508c80b5e5c0"],
            "app": "Office365",
            "mfaRequired": False,
            "expect": "blocked",
            "error": "AADSTS500213",
        },
        {"name": "invite", "invite": "a@fabrikam.com", "expect": "allowed"},
    ],
}
TEST_MUTATIONS: list[tuple[tuple[object, ...], object]] = [
    (("b2blint-tests",), 2),
    (("b2blint-tests",), True),
    (("b2blint-tests",), "1"),
    (("tests",), []),
    (("tests", 0, "kind"), "b2b"),
    (("tests", 0, "direction"), "in"),
    (("tests", 0, "user"), "bob"),
    (("tests", 0, "groups"), ["bob"]),
    (("tests", 0, "app"), "Office"),
    (("tests", 0, "mfaRequired"), "no"),
    (("tests", 0, "expect"), "maybe"),
    (("tests", 0, "error"), ""),
    (("tests", 0, "name"), ""),
    (("tests", 0, "invite"), "a@fabrikam.com"),
    (("tests", 1, "kind"), "b2b-collaboration"),
    (("tests", 1, "invite"), "ab"),
    (("tests", 1, "unknown"), 1),
    (("unknown",), 1),
]


def _mutated(path: tuple[object, ...], value: object) -> object:
    import copy

    data = copy.deepcopy(VALID_TESTS)
    node: object = data
    for key in path[:-1]:
        node = node[key]  # type: ignore[index]
    node[path[-1]] = value  # type: ignore[index]
    return data


def test_compiled_validator_accepts_the_bundled_tests_and_valid_data() -> None:
    from b2blint.access import policytest
    from b2blint.files.document import parse_text

    assert policytest._accepts(VALID_TESTS)
    assert policytest.validate(VALID_TESTS) == []
    for path in sorted((POLICIES / "tests").glob("*.yaml")):
        document = parse_text(path.read_text("utf-8"), str(path))
        assert policytest._accepts(document.data), path


@pytest.mark.parametrize(("path", "value"), TEST_MUTATIONS)
def test_compiled_validator_agrees_with_jsonschema(path: tuple[object, ...], value: object) -> None:
    """Whatever jsonschema reports, the compiled accept path rejects too (never hides one)."""
    from b2blint.access import policytest

    data = _mutated(path, value)
    assert list(policytest._validator().iter_errors(data)), "mutation is valid: fix the test"
    assert not policytest._accepts(data)
    assert policytest.validate(data), "rejected, but nothing explained"
