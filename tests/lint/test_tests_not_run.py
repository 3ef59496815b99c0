"""One error, one finding: a tree whose policy does not load does not run its policy tests.

Before, one misspelled key in a partner file gave its SCH002 plus a TST001 per policy test
asking about that partner (the file was left out of the model), and ``pre-commit`` over the
changed file reported a different count than ``--all-files`` (the TST001s were located in the
untouched test files). Now the tests are not run and one TST001 says so, at the typo.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import POLICIES, run_cli
from tests.integration._checkout import clean_env, commit_all, copy_checkout, git

TYPO_FINDING = (
    "policies/partners/fabrikam.yaml:13:7: SCH002 [error] unknown property 'inboundTrusts'; "
    "did you mean 'inboundTrust'?"
)
NOT_RUN = (
    "policies/partners/fabrikam.yaml:13:7: TST001 [error] 16 policy tests not run: the policy "
    "cannot be simulated while this file has SCH002 errors; fix it and the tests run again"
)


def _tree(tmp_path: Path) -> Path:
    """A copy of the example tree (4 partners, 16 policy tests in 2 files) under tmp_path."""
    shutil.copytree(POLICIES, tmp_path / "policies")
    return tmp_path / "policies"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), "utf-8")


def _typo(policies: Path) -> None:
    _edit(policies / "partners/fabrikam.yaml", "      inboundTrust:\n", "      inboundTrusts:\n")


def test_the_example_tree_runs_its_16_tests_and_passes(tmp_path: Path) -> None:
    _tree(tmp_path)
    run = run_cli(["lint"], cwd=tmp_path)
    assert (run.exit_code, run.stdout) == (0, "All checks passed (8 files).\n")


def test_one_typo_gives_one_sch002_and_one_not_run_finding(tmp_path: Path) -> None:
    _typo(_tree(tmp_path))
    run = run_cli(["lint"], cwd=tmp_path)
    assert run.exit_code == 1
    assert run.stdout.splitlines() == [
        TYPO_FINDING,
        NOT_RUN,
        "Found 2 errors and 0 warnings in 8 files.",
    ]


def test_the_not_run_finding_points_at_every_test_file(tmp_path: Path) -> None:
    _typo(_tree(tmp_path))
    run = run_cli(["lint", "--format", "json"], cwd=tmp_path)
    findings = json.loads(run.stdout)["findings"]
    assert [(f["rule"], f["line"], f["column"]) for f in findings] == [
        ("SCH002", 13, 7),
        ("TST001", 13, 7),
    ]
    assert [(r["file"], r["line"], r["column"], r["message"]) for r in findings[1]["related"]] == [
        ("policies/tests/invitations.yaml", 3, 1, "these policy tests were not run"),
        ("policies/tests/partners.yaml", 6, 1, "these policy tests were not run"),
    ]


def test_a_policy_file_that_does_not_parse_stops_the_tests_too(tmp_path: Path) -> None:
    policies = _tree(tmp_path)
    _edit(policies / "partners/adatum.yaml", "b2blint: 1\n", "b2blint: 1\n  bad: [\n")
    _typo(policies)
    run = run_cli(["lint", "--select", "SYN,SCH002,TST"], cwd=tmp_path)
    assert run.exit_code == 1
    lines = run.stdout.splitlines()
    assert [line.split(" [")[0] for line in lines[:-1]] == [
        "policies/partners/adatum.yaml:7:6: SYN001",
        "policies/partners/adatum.yaml:7:6: TST001",
        "policies/partners/fabrikam.yaml:13:7: SCH002",
    ]
    assert lines[1].endswith(
        "16 policy tests not run: the policy cannot be simulated while this file (and 1 more "
        "file) does not parse; fix them and the tests run again"
    )
    # The typo'd file is a related location: a commit touching only it still hears about it.
    tree = run_cli(["lint", "--tree", "policies", "policies/partners/fabrikam.yaml"], cwd=tmp_path)
    assert [line.split(" [")[0] for line in tree.stdout.splitlines()[:-1]] == [
        "policies/partners/adatum.yaml:7:6: TST001",
        "policies/partners/fabrikam.yaml:13:7: SCH002",
    ]


def test_a_broken_test_file_does_not_stop_the_other_tests(tmp_path: Path) -> None:
    # Only a policy file keeps the policy from loading; the broken test file reports its own
    # SCH002 and the other file's tests still run (a failing one is reported as before).
    policies = _tree(tmp_path)
    _edit(
        policies / "tests/invitations.yaml",
        "    expect: allowed\n\n  - name: Tailspin",
        "    expected: allowed\n\n  - name: Tailspin",
    )
    _edit(
        policies / "tests/partners.yaml",
        "Office 365 as guests\n    partner: Fabrikam\n    kind: b2b-collaboration\n"
        "    direction: inbound\n    group: fe222329-6889-495b-b149-4e18eb56a3c1\n"
        "    app: Office365\n    expect: allowed\n",
        "Office 365 as guests\n    partner: Fabrikam\n    kind: b2b-collaboration\n"
        "    direction: inbound\n    group: fe222329-6889-495b-b149-4e18eb56a3c1\n"
        "    app: Office365\n    expect: blocked\n",
    )
    run = run_cli(["lint"], cwd=tmp_path)
    assert run.exit_code == 1
    assert [line.split(" [")[0] for line in run.stdout.splitlines()[:-1]] == [
        "policies/tests/invitations.yaml:9:5: SCH002",  # not also "'expect' is required"
        "policies/tests/partners.yaml:15:13: TST001",
    ]
    assert "not run" not in run.stdout


def test_a_misspelled_required_key_is_one_finding(tmp_path: Path) -> None:
    # Not also "missing required property 'tenantId'": the SCH002 names the right spelling.
    policies = _tree(tmp_path)
    _edit(policies / "partners/fabrikam.yaml", "  - tenantId: 3d0f", "  - tenantID: 3d0f")
    run = run_cli(["lint", "--select", "SCH"], cwd=tmp_path)
    assert run.stdout.splitlines() == [
        "policies/partners/fabrikam.yaml:6:5: SCH002 [error] unknown property 'tenantID': "
        "Graph property names are case-sensitive; write 'tenantId'",
        "Found 1 error and 0 warnings in 8 files.",
    ]


def test_a_misspelled_required_key_of_a_policy_test_is_one_finding(tmp_path: Path) -> None:
    # Not also "a test needs 'partner' (or 'invite' for an invitation)".
    policies = _tree(tmp_path)
    _edit(
        policies / "tests/partners.yaml",
        "can use Office 365 as guests\n    partner: Fabrikam\n",
        "can use Office 365 as guests\n    partnr: Fabrikam\n",
    )
    run = run_cli(["lint"], cwd=tmp_path)
    assert [line.split(" [")[0] for line in run.stdout.splitlines()] == [
        "policies/tests/partners.yaml:10:5: SCH002",
        "Found 1 error and 0 warnings in 8 files.",
    ]


def test_a_missing_required_key_without_a_misspelling_is_still_reported(tmp_path: Path) -> None:
    policies = _tree(tmp_path)
    _edit(
        policies / "partners/fabrikam.yaml",
        "  - tenantId: 3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11\n    name",
        "  - name",
    )
    _edit(
        policies / "partners/fabrikam.yaml",
        "  - name: Fabrikam\n",
        "  - name: Fabrikam\n    extra: 1\n",
    )
    run = run_cli(["lint", "--select", "SCH"], cwd=tmp_path)
    assert [line.split(" [")[0] for line in run.stdout.splitlines()] == [
        "policies/partners/fabrikam.yaml:6:5: SCH001",
        "policies/partners/fabrikam.yaml:7:5: SCH002",
        "Found 2 errors and 0 warnings in 8 files.",
    ]


def test_without_tst001_only_the_typo_is_reported(tmp_path: Path) -> None:
    _typo(_tree(tmp_path))
    run = run_cli(["lint", "--ignore", "TST001"], cwd=tmp_path)
    assert run.stdout.splitlines() == [TYPO_FINDING, "Found 1 error and 0 warnings in 8 files."]


# ---------------------------------------------------------------------------------------------
# The real pre-commit hook: changed files and --all-files agree
# ---------------------------------------------------------------------------------------------


def _try_repo(repo: Path, hook_repo: Path, *selection: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "b2blint", *selection],
        cwd=repo,
        env=clean_env(
            {"PRE_COMMIT_HOME": str(repo.parent / "pre-commit-home"), "PRE_COMMIT_COLOR": "never"}
        ),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def _findings(output: str) -> list[str]:
    return [line for line in output.splitlines() if re.match(r"^policies/\S+:\d+:\d+: ", line)]


@pytest.mark.slow
def test_precommit_changed_file_and_all_files_report_the_same(tmp_path: Path) -> None:
    hook_repo = copy_checkout(tmp_path / "b2blint")
    commit_all(hook_repo)
    repo = tmp_path / "tenant-repo"
    repo.mkdir()
    _tree(repo)
    git("init", "-q", cwd=repo)
    git("add", "-A", cwd=repo)
    commit_all(repo, "the example tree")
    _typo(repo / "policies")
    git("add", "-A", cwd=repo)

    changed = _try_repo(repo, hook_repo, "--files", "policies/partners/fabrikam.yaml")
    everything = _try_repo(repo, hook_repo, "--all-files")
    for run in (changed, everything):
        assert run.returncode == 1, run.stdout + run.stderr
        assert _findings(run.stdout) == [TYPO_FINDING, NOT_RUN], run.stdout
        assert "Found 2 errors and 0 warnings in 8 files." in run.stdout.splitlines()
