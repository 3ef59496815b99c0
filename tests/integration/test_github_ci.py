"""The GitHub Action (action.yml) and the sample workflow (examples/github-workflow.yml).

Both are checked against the schemastore schemas vendored in check-jsonschema; every
``b2blint ...`` command they run is parsed by the real click command; and the action's steps
are executed in real bash with a runner's files, against a policy tree with a finding.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from b2blint import __version__
from tests.conftest import FIXTURES
from tests.integration._actions import action_context, commands_named, run_step
from tests.integration._checkout import ROOT, clean_env, copy_checkout
from tests.integration._cli import check_invocation
from tests.policies import CASE_TYPO_TREE, TENANT_HEAD

ACTION = ROOT / "action.yml"
WORKFLOW = ROOT / "examples" / "github-workflow.yml"

BAD = CASE_TYPO_TREE


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def _steps(document: dict[str, Any]) -> list[dict[str, Any]]:
    if "runs" in document:
        return list(document["runs"]["steps"])
    return [step for job in document["jobs"].values() for step in job["steps"]]


@pytest.mark.parametrize(
    ("path", "schema"),
    [(ACTION, "vendor.github-actions"), (WORKFLOW, "vendor.github-workflows")],
    ids=["action", "workflow"],
)
def test_valid_for_github(path: Path, schema: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("path", [ACTION, WORKFLOW], ids=["action", "workflow"])
def test_every_b2blint_command_exists_with_those_options(path: Path) -> None:
    seen = set()
    for step in _steps(_load(path)):
        script = step.get("run")
        if not script:
            continue
        assert "${{" not in script, f"{step.get('name')}: pass expressions through env:"
        for argv in commands_named(script, "b2blint"):
            if argv[1:] == ["--version"]:
                continue
            command = check_invocation(argv[1:])
            seen.add(command.name)
    assert seen == ({"lint"} if path == ACTION else {"lint", "plan", "apply"})


def test_workflow_shape() -> None:
    workflow = _load(WORKFLOW)
    jobs = workflow["jobs"]
    assert workflow["permissions"] == {}
    lint_steps = jobs["lint"]["steps"]
    [action] = [s for s in lint_steps if str(s.get("uses", "")).startswith("b2blint/b2blint@")]
    [upload] = [s for s in lint_steps if "codeql-action/upload-sarif" in str(s.get("uses"))]
    assert upload["with"]["sarif_file"] == f"${{{{ steps.{action['id']}.outputs.report }}}}"
    assert "!cancelled()" in upload["if"]
    assert jobs["lint"]["permissions"]["security-events"] == "write"

    plan_runs = [s["run"] for s in jobs["plan"]["steps"] if "run" in s]
    [plan] = [c for script in plan_runs for c in commands_named(script, "b2blint")]
    assert plan[:2] == ["b2blint", "plan"]
    assert plan[plan.index("--format") + 1] == "markdown"
    assert any("gh pr comment" in script and "plan.md" in script for script in plan_runs)
    assert jobs["plan"]["permissions"]["pull-requests"] == "write"

    apply = jobs["apply"]
    assert apply["environment"] == "production"
    assert apply["concurrency"]["cancel-in-progress"] is False
    assert "${{" not in apply["concurrency"]["group"]  # one group for every run: never interleave
    assert "refs/heads/main" in apply["if"]
    for job in (jobs["plan"], apply):
        assert job["permissions"]["id-token"] == "write"
        [login] = [s for s in job["steps"] if str(s.get("uses", "")).startswith("azure/login@")]
        assert set(login["with"]) == {"client-id", "tenant-id", "allow-no-subscriptions"}
        assert "client-secret" not in json.dumps(job)


# ----------------------------------------------------------------- running the action's steps


def _policies(root: Path) -> Path:
    (root / "policies").mkdir(parents=True)
    (root / "policies" / "tenant.yaml").write_text(BAD, "utf-8")
    return root


def _shim(bin_dir: Path, log: Path) -> Path:
    """A ``b2blint`` on PATH that records its argv, then runs this checkout's CLI."""
    bin_dir.mkdir(parents=True)
    shim = bin_dir / "b2blint"
    shim.write_text(
        f"#!{sys.executable}\n"
        "import json, sys\n"
        f"with open({str(log)!r}, 'a', encoding='utf-8') as f:\n"
        "    f.write(json.dumps(sys.argv[1:]) + '\\n')\n"
        "from b2blint.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n",
        "utf-8",
    )
    shim.chmod(0o755)
    return bin_dir


def _validate_sarif(path: Path) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(path.read_text("utf-8"))
    schema = json.loads((FIXTURES / "sarif-schema-2.1.0.json").read_text("utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)
    return log


@pytest.mark.parametrize("fmt", ["sarif", "github"])
def test_action_lint_step_runs_in_bash(tmp_path: Path, fmt: str) -> None:
    action = _load(ACTION)
    [lint] = [s for s in action["runs"]["steps"] if s.get("id") == "lint"]
    work = _policies(tmp_path / "work")
    argv_log = tmp_path / "argv.jsonl"
    result = run_step(
        lint,
        action_context(action, {"format": fmt}, ROOT),
        cwd=work,
        runner_temp=tmp_path / "runner",
        env=clean_env(),
        extra_path=[str(_shim(tmp_path / "bin", argv_log))],
    )
    assert result.returncode == 1, result.stderr
    assert result.outputs["exit-code"] == "1"
    [argv] = [json.loads(line) for line in argv_log.read_text("utf-8").splitlines()]
    check_invocation(argv)
    if fmt == "sarif":
        assert argv == ["lint", "--format", "sarif", "--output", "b2blint.sarif", "policies"]
        assert result.outputs["report"] == "b2blint.sarif"
        [finding] = _validate_sarif(work / "b2blint.sarif")["runs"][0]["results"]
        assert finding["ruleId"] == "SCH002"
    else:
        assert result.outputs["report"] == ""
        assert result.stdout.startswith(
            "::error file=policies/tenant.yaml,line=6,col=7,title=SCH002 unknown-property::"
        )


def test_action_lint_step_passes_several_paths_and_a_clean_tree(tmp_path: Path) -> None:
    action = _load(ACTION)
    [lint] = [s for s in action["runs"]["steps"] if s.get("id") == "lint"]
    work = tmp_path / "work"
    for name in ("a", "b"):
        (work / name).mkdir(parents=True)
    (work / "a" / "t.yaml").write_text(TENANT_HEAD, "utf-8")
    (work / "b" / "p.yaml").write_text("b2blint: 1\n", "utf-8")
    argv_log = tmp_path / "argv.jsonl"
    result = run_step(
        lint,
        action_context(action, {"paths": "a  b", "format": "json", "output": "out.json"}, ROOT),
        cwd=work,
        runner_temp=tmp_path / "runner",
        env=clean_env(),
        extra_path=[str(_shim(tmp_path / "bin", argv_log))],
    )
    assert result.returncode == 0, result.stderr
    assert result.outputs == {"report": "out.json", "exit-code": "0"}
    assert json.loads(argv_log.read_text("utf-8")) == [
        "lint", "--format", "json", "--output", "out.json", "a", "b"
    ]  # fmt: skip
    assert json.loads((work / "out.json").read_text("utf-8"))["summary"]["files"] == 2


@pytest.mark.slow
def test_action_installs_from_its_own_files_and_lints(tmp_path: Path) -> None:
    """Both steps, as the runner would run them: pip install from the action's directory (with
    dependencies from the package index), then lint with the installed console script."""
    action = _load(ACTION)
    action_dir = copy_checkout(tmp_path / "action")
    context = action_context(action, {}, action_dir)
    work = _policies(tmp_path / "work")
    env = clean_env()
    env.pop("VIRTUAL_ENV", None)
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if p and not p.startswith(sys.prefix)
    )
    install, lint = action["runs"]["steps"]
    installed = run_step(install, context, cwd=work, runner_temp=tmp_path / "runner", env=env)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    [venv_bin] = installed.paths
    assert installed.stdout.splitlines()[-1] == f"b2blint, version {__version__}"
    result = run_step(
        lint,
        context,
        cwd=work,
        runner_temp=tmp_path / "runner",
        env=env,
        extra_path=installed.paths,
    )
    assert result.returncode == 1, result.stderr
    assert result.outputs == {"report": "b2blint.sarif", "exit-code": "1"}
    [finding] = _validate_sarif(work / "b2blint.sarif")["runs"][0]["results"]
    assert finding["ruleId"] == "SCH002"
    assert Path(venv_bin, "b2blint").exists()
