"""The pre-commit hooks, run by the real ``pre-commit try-repo`` against this checkout.

pre-commit clones the hook repository and ``pip install``s it into a fresh virtualenv, so
these tests also prove that the package installs from a clone with nothing but PyPI (no
GitHub). The slow ones install; the rest check the manifest and our own config.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.integration._checkout import ROOT, clean_env, commit_all, copy_checkout, git
from tests.integration._cli import check_invocation
from tests.policies import CASE_TYPO, CASE_TYPO_MESSAGE, FABRIKAM_MFA, TENANT_HEAD

TENANT = TENANT_HEAD
GOOD = FABRIKAM_MFA
BAD = CASE_TYPO
BAD_FINDING = f"policies/partners/bad.yaml:6:7: SCH002 [error] {CASE_TYPO_MESSAGE}"


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout's working tree, committed to a throwaway repository."""
    repo = copy_checkout(tmp_path_factory.mktemp("hook-repo") / "b2blint")
    commit_all(repo)
    return repo


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A policy repository with one good and one bad partner file (staged, as in a commit)."""
    repo = tmp_path / "tenant-repo"
    files = {
        "policies/tenant.yaml": TENANT,
        "policies/partners/good.yaml": GOOD,
        "policies/partners/bad.yaml": BAD,
        "notes/bad-but-not-a-policy.yaml": BAD,
    }
    for name, text in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    git("init", "-q", cwd=repo)
    git("add", "-A", cwd=repo)
    return repo


def try_repo(
    sample: Path, hook_repo: Path, hook: str, *files: str
) -> subprocess.CompletedProcess[str]:
    home = sample.parent / "pre-commit-home"
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), hook, "--files", *files],
        cwd=sample,
        env=clean_env({"PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def _status(output: str, hook_name: str) -> str:
    found = re.search(rf"^{re.escape(hook_name)}\.+(\(no files to check\))?(\w+)$", output, re.M)
    assert found, output
    return found.group(2)


@pytest.mark.slow
def test_hook_fails_on_the_bad_file_and_shows_the_finding(sample: Path, hook_repo: Path) -> None:
    run = try_repo(sample, hook_repo, "b2blint", "policies/partners/bad.yaml")
    assert run.returncode == 1, run.stdout + run.stderr
    assert _status(run.stdout, "b2blint") == "Failed"
    assert "- exit code: 1" in run.stdout
    assert BAD_FINDING in run.stdout.splitlines()


@pytest.mark.slow
def test_hook_passes_the_good_file_in_the_same_tree(sample: Path, hook_repo: Path) -> None:
    # bad.yaml sits in the same tree: the hook lints it for context but reports only findings
    # involving the files of the commit. A YAML file outside policies/ is not a policy.
    run = try_repo(
        sample,
        hook_repo,
        "b2blint",
        "policies/partners/good.yaml",
        "notes/bad-but-not-a-policy.yaml",
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert _status(run.stdout, "b2blint") == "Passed"
    assert "SCH002" not in run.stdout


@pytest.mark.slow
def test_hook_sees_the_whole_tree_for_cross_file_rules(sample: Path, hook_repo: Path) -> None:
    # Only the new file is passed; its partner duplicates one in an untouched file.
    (sample / "policies/partners/bad.yaml").unlink()
    copy = sample / "policies/partners/fabrikam-copy.yaml"
    copy.write_text(GOOD, "utf-8")
    git("add", "-A", cwd=sample)
    run = try_repo(sample, hook_repo, "b2blint", "policies/partners/fabrikam-copy.yaml")
    assert run.returncode == 1, run.stdout + run.stderr
    assert (
        "policies/partners/good.yaml:3:15: SCH005 [error] partner "
        "3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11 is already declared at "
        "policies/partners/fabrikam-copy.yaml:3"
    ) in run.stdout.splitlines()


FIXABLE = """\
b2blint: 1
partners:
  - tenantId: 7f3e2d1c-0b9a-4c8d-9e7f-6a5b4c3d2e1f
    name: Adventure Works
    settings:
      b2bCollaborationInbound:
        usersAndGroups:
          accessType: allowed
          targets:
            - {target: c23973f8-dcc3-4275-9070-7ad998fd1fb9, targetType: group}
            - {target: C23973F8-DCC3-4275-9070-7AD998FD1FB9, targetType: group}
        applications:
          accessType: allowed
          targets: [{target: AllApplications, targetType: application}]
"""


@pytest.mark.slow
def test_fix_hook_rewrites_the_file_and_fails_the_commit(sample: Path, hook_repo: Path) -> None:
    # pre-commit fails a hook that modified files, so the fix is reviewed before committing.
    path = sample / "policies/partners/adventure.yaml"
    path.write_text(FIXABLE, "utf-8")
    git("add", "-A", cwd=sample)
    run = try_repo(sample, hook_repo, "b2blint-fix", "policies/partners/adventure.yaml")
    assert run.returncode == 1, run.stdout + run.stderr
    assert _status(run.stdout, "b2blint (fix)") == "Failed"
    assert "- files were modified by this hook" in run.stdout
    duplicate = "            - {target: C23973F8-DCC3-4275-9070-7AD998FD1FB9, targetType: group}\n"
    assert path.read_text("utf-8") == FIXABLE.replace(duplicate, "")
    git("add", "-A", cwd=sample)
    again = try_repo(sample, hook_repo, "b2blint-fix", "policies/partners/adventure.yaml")
    assert again.returncode == 0, again.stdout + again.stderr


def _manifest() -> list[dict[str, object]]:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert isinstance(hooks, list)
    return hooks


def _pre_commit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=ROOT,
        env=clean_env({"PRE_COMMIT_COLOR": "never"}),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_manifest_and_config_are_valid_for_pre_commit() -> None:
    for args in (
        ("validate-manifest", ".pre-commit-hooks.yaml"),
        ("validate-config", ".pre-commit-config.yaml"),
    ):
        run = _pre_commit(*args)
        assert run.returncode == 0, f"pre-commit {' '.join(args)}:\n{run.stdout}{run.stderr}"


def test_manifest_hooks_lint_the_policy_tree_serially() -> None:
    hooks = {hook["id"]: hook for hook in _manifest()}
    assert set(hooks) == {"b2blint", "b2blint-fix"}
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["types"] == ["yaml"]
        assert hook["files"] == "^policies/"
        assert hook["require_serial"] is True
        assert hook["args"] == ["--tree", "policies"]
    assert hooks["b2blint"]["entry"] == "b2blint lint"
    assert hooks["b2blint-fix"]["entry"] == "b2blint lint --fix"


@pytest.mark.parametrize("hook", _manifest(), ids=lambda hook: str(hook["id"]))
def test_manifest_entries_parse_with_the_cli(hook: dict[str, object]) -> None:
    entry = shlex.split(str(hook["entry"]))
    assert entry[0] == "b2blint"
    args = [str(arg) for arg in hook.get("args", [])]  # type: ignore[attr-defined]
    check_invocation([*entry[1:], *args, "policies/partners/x.yaml"])


@pytest.mark.parametrize(
    ("hook", "files"),
    [
        ("check-metaschema", ["--all-files"]),
        ("check-github-actions", ["--all-files"]),
        ("check-github-workflows", ["--all-files"]),
        ("b2blint", ["--all-files"]),
        (
            "ruff",
            ["--files", "linter/b2blint/commands/_progress.py", "linter/b2blint/report/sarif.py"],
        ),
    ],
)
def test_our_config_hooks_pass_on_this_repository(
    hook_repo: Path, tmp_path: Path, hook: str, files: list[str]
) -> None:
    """The local hooks of .pre-commit-config.yaml, run by pre-commit on a copy of this checkout
    with the test environment's tools on PATH (as after activating the venv)."""
    tools = str(Path(sys.executable).parent)
    run = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", hook, *files],
        cwd=hook_repo,
        env=clean_env(
            {
                "PRE_COMMIT_HOME": str(tmp_path / "home"),
                "PRE_COMMIT_COLOR": "never",
                "PATH": tools + os.pathsep + os.environ.get("PATH", ""),
            }
        ),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(r"\.+Passed$", run.stdout, re.M), run.stdout


def test_our_config_runs_b2blint_on_the_policies_with_existing_options() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text("utf-8"))
    local = [hook for repo in config["repos"] if repo["repo"] == "local" for hook in repo["hooks"]]
    entries = {hook["id"]: shlex.split(hook["entry"]) for hook in local}
    assert {"ruff", "mypy", "check-metaschema", "b2blint"} <= set(entries)
    b2blint = entries["b2blint"]
    assert b2blint[0] == "b2blint"
    check_invocation(b2blint[1:])
