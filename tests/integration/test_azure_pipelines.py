"""The sample Azure Pipelines file (examples/azure-pipelines.yml), checked as far as it can be.

It validates against Azure Pipelines' own schema (check-jsonschema's vendored copy, offline),
every ``b2blint`` command line in it parses with the real click command, and its stages are
the GitHub workflow's: lint, plan on same-repository pull requests, plan for production, then
apply of exactly that plan on ``main`` behind an environment. The plan step's exit-code
handling runs in bash with the real b2blint: an error (even a missing path, which once exited
2 like "changes") fails the step instead of publishing an empty plan.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.integration._actions import commands_named, simple_commands
from tests.integration._checkout import ROOT, clean_env
from tests.integration._cli import check_invocation
from tests.integration.test_precommit import BAD

PIPELINE = ROOT / "examples" / "azure-pipelines.yml"
WORKFLOW = ROOT / "examples" / "github-workflow.yml"
BIN = Path(sys.executable).parent
#: What the scripts may run (shell words included): anything else is a new dependency.
KNOWN_PROGRAMS = {"b2blint", "python", "mkdir", "cp", "echo", "set", "status=$?", "[", "exit", "fi"}


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text("utf-8"))
    return data


def _steps(node: Any) -> Iterator[dict[str, Any]]:
    """Every step of every job, deployment strategies included."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "steps":
                yield from value
            else:
                yield from _steps(value)
    elif isinstance(node, list):
        for item in node:
            yield from _steps(item)


def _script(step: dict[str, Any]) -> str | None:
    """The bash a step runs: a ``bash:``/``script:`` step or an AzureCLI inline script."""
    if "bash" in step or "script" in step:
        return str(step.get("bash", step.get("script")))
    inputs = step.get("inputs", {})
    if str(step.get("task", "")).startswith("AzureCLI@"):
        assert inputs["scriptType"] == "bash", step
        return str(inputs["inlineScript"])
    return None


def _stage(pipeline: dict[str, Any], name: str) -> dict[str, Any]:
    [stage] = [s for s in pipeline["stages"] if s["stage"] == name]
    return stage


def _check_schema(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            str(BIN / "check-jsonschema"),
            "--regex-variant",
            "python",  # the vendored schema has patterns ECMAScript's unicode mode refuses
            "--builtin-schema",
            "vendor.azure-pipelines",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_valid_for_azure_pipelines(tmp_path: Path) -> None:
    done = _check_schema(PIPELINE)
    assert done.returncode == 0, done.stdout + done.stderr
    # The check can fail: the same file with a misspelled key does not validate.
    broken = tmp_path / "azure-pipelines.yml"
    broken.write_text(PIPELINE.read_text("utf-8").replace("dependsOn:", "dependson:"), "utf-8")
    assert _check_schema(broken).returncode == 1


def test_every_b2blint_command_exists_with_those_options() -> None:
    seen = set()
    for step in _steps(_load(PIPELINE)):
        script = _script(step)
        if script is None:
            continue
        assert "$(" not in script, f"{step}: pass variables through the environment"
        for argv in commands_named(script, "b2blint"):
            seen.add(check_invocation(argv[1:]).name)
        for words in simple_commands(script):
            assert words[0] in KNOWN_PROGRAMS, words
    assert seen == {"lint", "plan", "apply"}


def test_b2blint_is_pinned_by_the_same_placeholder_as_the_github_workflow() -> None:
    pipeline = _load(PIPELINE)
    assert pipeline["variables"]["B2BLINT_COMMIT"] == _load(WORKFLOW)["env"]["B2BLINT_COMMIT"]
    installs = [
        words
        for step in _steps(pipeline)
        for words in simple_commands(_script(step) or "")
        if words[:4] == ["python", "-m", "pip", "install"]
    ]
    assert len(installs) == 4  # one per job
    for words in installs:
        assert words[4].endswith("git+https://github.com/b2blint/b2blint@${B2BLINT_COMMIT}")


def test_stages_are_the_github_workflows() -> None:
    pipeline = _load(PIPELINE)
    assert [s["stage"] for s in pipeline["stages"]] == ["Lint", "Plan", "PlanProduction", "Apply"]
    plan, production, apply = (_stage(pipeline, n) for n in ("Plan", "PlanProduction", "Apply"))
    assert "'PullRequest'" in plan["condition"]
    assert "System.PullRequest.IsFork" in plan["condition"]
    for stage in (production, apply):
        assert "eq(variables['Build.SourceBranch'], 'refs/heads/main')" in stage["condition"]
    assert apply["dependsOn"] == "PlanProduction"
    [deployment] = apply["jobs"]
    assert deployment["environment"] == "b2blint-production"  # approvals live there
    steps = list(_steps(deployment))
    [download] = [s for s in steps if "download" in s]
    [published] = [
        s for s in _steps(production) if s.get("task", "").startswith("PublishPipelineArtifact")
    ]
    assert download["artifact"] == published["inputs"]["artifact"] == "b2blint-plan-production"
    [apply_cmd] = [c for s in steps for c in commands_named(_script(s) or "", "b2blint")]
    assert apply_cmd[apply_cmd.index("--plan") + 1] == (
        "$PIPELINE_WORKSPACE/b2blint-plan-production/plan.json"
    )
    assert "--yes" in apply_cmd and "--report" in apply_cmd
    # Workload identity federation through the AzureCLI task; apply uses its own connection.
    connections = {
        stage["stage"]: {
            s["inputs"]["azureSubscription"]
            for s in _steps(stage)
            if str(s.get("task", "")).startswith("AzureCLI@")
        }
        for stage in pipeline["stages"]
    }
    assert connections == {
        "Lint": set(),
        "Plan": {"b2blint-plan"},
        "PlanProduction": {"b2blint-plan"},
        "Apply": {"b2blint-apply"},
    }
    for stage in pipeline["stages"]:
        for command in [
            c for s in _steps(stage) for c in commands_named(_script(s) or "", "b2blint")
        ]:
            if command[1] in ("plan", "apply"):
                assert command[command.index("--auth") + 1] == "azure-cli"
    assert "secret" not in PIPELINE.read_text("utf-8").lower().replace("no client secret", "")


def _plan_script() -> str:
    [step] = [
        s
        for s in _steps(_stage(_load(PIPELINE), "Plan"))
        if str(s.get("task", "")).startswith("AzureCLI@")
    ]
    return str(step["inputs"]["inlineScript"])


@pytest.mark.parametrize("tree", ["missing", "lint errors"])
def test_plan_step_fails_on_an_error_and_publishes_nothing(tmp_path: Path, tree: str) -> None:
    """The PR plan step in bash (as the task runs it), with the real b2blint on PATH."""
    bash = shutil.which("bash")
    assert bash is not None
    work, staging = tmp_path / "src", tmp_path / "staging"
    work.mkdir()
    staging.mkdir()
    if tree == "lint errors":
        (work / "policies").mkdir()
        (work / "policies" / "tenant.yaml").write_text(BAD, "utf-8")
    env = clean_env(
        {
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "BUILD_ARTIFACTSTAGINGDIRECTORY": str(staging),
        }
    )
    done = subprocess.run(
        [bash, "--noprofile", "--norc", "-c", _plan_script()],  # the task adds no -e
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr  # the step fails...
    assert "##vso[task.uploadsummary]" not in done.stdout  # ...and shows no empty plan
    assert list(staging.iterdir()) == []
    assert done.stderr.splitlines()[-1].startswith("b2blint: error: ")
