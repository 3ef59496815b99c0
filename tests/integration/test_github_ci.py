"""The GitHub Action (action.yml) and the sample workflow (examples/github-workflow.yml).

Both are checked against the schemastore schemas vendored in check-jsonschema; every
``b2blint ...`` command they run is parsed by the real click command; and the action's steps
are executed in real bash with a runner's files, against a policy tree with a finding.
"""

from __future__ import annotations

import json
import os
import re
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
from tests.integration._workflows import (
    GitHubStub,
    actionlint,
    check_jsonschema,
    harness,
    run_github_script,
    zizmor,
)
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
    check_jsonschema(path, schema)


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
    assert "--out" in plan  # plan.json: the whole plan, kept as an artifact
    [comment] = [s for s in jobs["plan"]["steps"] if "github-script" in str(s.get("uses"))]
    assert "plan.md" in comment["with"]["script"]
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


# ----------------------------------------------------------------- pinning, permissions, gates

USES = re.compile(r"^\s*(?:- )?uses:\s*(\S+)(?:\s+#\s*(.*))?$")
SHA_REF = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


@pytest.mark.parametrize("path", [ACTION, WORKFLOW], ids=["action", "workflow"])
def test_actions_are_pinned_by_sha_with_the_tag_in_a_comment(path: Path) -> None:
    """Every ``uses:`` line (also in comments: they are copied) names a commit and its tag;
    b2blint's own action, which has no release yet, is pinned to the commit the user
    substitutes - the same one the workflow's pip installs use (env.B2BLINT_COMMIT)."""
    found = []
    for line in path.read_text("utf-8").splitlines():
        match = USES.match(line.lstrip("#"))
        if not match:
            continue
        ref, comment = match.group(1), match.group(2) or ""
        found.append(ref)
        if ref.startswith("b2blint/b2blint@"):
            assert "substitute" in line, line
            if not line.lstrip().startswith("#"):
                pinned = yaml.safe_load(path.read_text("utf-8"))["env"]["B2BLINT_COMMIT"]
                assert ref == f"b2blint/b2blint@{pinned}" and SHA_REF.match(ref), line
            continue
        assert SHA_REF.match(ref), line
        assert re.match(r"v\d+\.\d+\.\d+$", comment), line
    assert found
    if path == WORKFLOW:
        assert {ref.split("@")[0] for ref in found} == {
            "actions/checkout",
            "b2blint/b2blint",
            "github/codeql-action/upload-sarif",
            "actions/setup-python",
            "azure/login",
            "actions/upload-artifact",
            "actions/download-artifact",
            "actions/github-script",
        }


def test_checkouts_keep_no_credentials_and_sarif_upload_never_blocks() -> None:
    workflow = _load(WORKFLOW)
    jobs = workflow["jobs"]
    checkouts = [
        step
        for job in jobs.values()
        for step in job["steps"]
        if str(step.get("uses", "")).startswith("actions/checkout@")
    ]
    assert len(checkouts) == len(jobs)
    assert all(step["with"]["persist-credentials"] is False for step in checkouts)

    [upload] = [s for s in jobs["lint"]["steps"] if "upload-sarif" in str(s.get("uses"))]
    text = WORKFLOW.read_text("utf-8")
    assert re.search(r"codeql-action/upload-sarif@[0-9a-f]{40} # v4\.", text)  # current major
    assert upload["continue-on-error"] is True
    condition = " ".join(upload["if"].split())
    assert "github.event.pull_request.head.repo.full_name == github.repository" in condition
    assert "(!github.event.repository.private || vars.B2BLINT_CODE_SCANNING == 'true')" in (
        condition
    )


def test_apply_applies_the_plan_its_approvers_saw() -> None:
    jobs = _load(WORKFLOW)["jobs"]
    planned = jobs["plan-production"]
    assert "environment" not in planned  # runs before the approval, so approvers can read it
    [plan_script] = [s["run"] for s in planned["steps"] if "b2blint plan" in s.get("run", "")]
    [plan] = commands_named(plan_script, "b2blint")
    assert plan[plan.index("--format") + 1] == "markdown"
    assert plan[plan.index("--out") + 1] == "plan.json"
    assert 'cat plan.md >> "$GITHUB_STEP_SUMMARY"' in plan_script
    [kept] = [s for s in planned["steps"] if "upload-artifact" in str(s.get("uses"))]

    apply = jobs["apply"]
    assert apply["needs"] == "plan-production"
    assert apply["environment"] == "production"
    steps = apply["steps"]
    [fetched] = [s for s in steps if "download-artifact" in str(s.get("uses"))]
    assert fetched["with"]["name"] == kept["with"]["name"]
    scripts = [s["run"] for s in steps if "run" in s]
    assert 'cat plan.md >> "$GITHUB_STEP_SUMMARY"' in scripts
    [applied] = [c for script in scripts for c in commands_named(script, "b2blint")[:1] if
                 c[1] == "apply"]  # fmt: skip
    assert applied[applied.index("--plan") + 1] == "plan.json"
    assert steps.index(fetched) < min(i for i, s in enumerate(steps) if "apply" in s.get("run", ""))


def test_zizmor_reports_nothing_offline() -> None:
    """zizmor (PyPI wheel) audits the action and the workflow; each ignore is justified inline."""
    done = zizmor(ACTION, WORKFLOW)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings to report" in done.stdout + done.stderr
    ignores = [
        line
        for path in (ACTION, WORKFLOW)
        for line in path.read_text("utf-8").splitlines()
        if "zizmor: ignore" in line
    ]
    assert len(ignores) == 1  # github-env in action.yml (b2blint's own pin is a commit SHA)


def test_actionlint_accepts_the_workflow() -> None:
    actionlint(
        WORKFLOW,
        "actionlint is not installed (pip install -e '.[test]' installs it)",
    )


# ----------------------------------------------------------------- the plan comment, for real

HARNESS = harness(
    """\
    listComments: (p) => call("GET", base(p) + "/" + p.issue_number +
      "/comments?per_page=" + p.per_page + "&page=" + (p.page || 1)),
    createComment: (p) => call("POST", base(p) + "/" + p.issue_number + "/comments",
      {body: p.body}),
    updateComment: (p) => call("PATCH", base(p) + "/comments/" + p.comment_id, {body: p.body}),
""",
    '{repo: {owner: "contoso", repo: "policies"}, issue: {number: 7}}',
)

BOT = "github-actions[bot]"
TENANT_MARKER = "<!-- b2blint-plan tenant=6babcaad-604b-40ac-a9d7-9fd97c0b779f -->"


class _Comments(GitHubStub):
    """GitHub's issue-comment endpoints, two per page, recording every request."""

    comments: list[dict[str, Any]]

    def do_GET(self) -> None:
        self.requests.append(("GET", self.path, None))
        page = int(self.path.rsplit("page=", 1)[1])
        chunk = self.comments[2 * (page - 1) : 2 * page]
        more = 2 * page < len(self.comments)
        self._reply(200, chunk, f'<{self.path}&next>; rel="next"' if more else "")

    def do_POST(self) -> None:
        body = self._body()
        self.requests.append(("POST", self.path, body))
        self._reply(201, {"id": 99, **body})

    def do_PATCH(self) -> None:
        body = self._body()
        self.requests.append(("PATCH", self.path, body))
        self._reply(200, {"id": int(self.path.rsplit("/", 1)[1]), **body})


def _comment_script() -> str:
    jobs = _load(WORKFLOW)["jobs"]
    [step] = [s for s in jobs["plan"]["steps"] if "github-script" in str(s.get("uses"))]
    script: str = step["with"]["script"]
    return script


def _run_comment_step(
    tmp_path: Path, plan_md: str, comments: list[dict[str, Any]]
) -> tuple[subprocess.CompletedProcess[str], list[tuple[str, str, Any]]]:
    (tmp_path / "plan.md").write_text(plan_md, "utf-8")
    handler = type("Handler", (_Comments,), {"comments": comments, "requests": []})
    program = HARNESS.replace("SCRIPT", _comment_script())
    done = run_github_script(tmp_path, program, handler)
    return done, handler.requests


def test_plan_comment_edits_the_bots_comment_of_this_tenant(tmp_path: Path) -> None:
    plan_md = f"### b2blint plan: tenant Contoso\n\n**1 to create**\n\n{TENANT_MARKER}\n"
    comments = [
        {"id": 1, "user": {"login": "alice"}, "body": f"quoting:\n{TENANT_MARKER}"},
        {"id": 2, "user": {"login": BOT}, "body": "<!-- b2blint-plan tenant=other -->"},
        {"id": 3, "user": {"login": BOT}, "body": "build passed"},
        {"id": 4, "user": {"login": BOT}, "body": f"old plan\n{TENANT_MARKER}\n"},
        {"id": 5, "user": {"login": "bob"}, "body": "LGTM"},
    ]
    done, requests = _run_comment_step(tmp_path, plan_md, comments)
    assert done.returncode == 0, done.stdout + done.stderr
    assert [(m, p.split("?")[0]) for m, p, _ in requests] == [
        ("GET", "/repos/contoso/policies/issues/7/comments"),
        ("GET", "/repos/contoso/policies/issues/7/comments"),
        ("GET", "/repos/contoso/policies/issues/7/comments"),
        ("PATCH", "/repos/contoso/policies/issues/comments/4"),
    ]
    assert requests[-1][2] == {"body": plan_md}


def test_plan_comment_is_created_when_there_is_none(tmp_path: Path) -> None:
    plan_md = f"### b2blint plan\n\n{TENANT_MARKER}\n"
    comments = [{"id": 1, "user": {"login": "alice"}, "body": "please review"}]
    done, requests = _run_comment_step(tmp_path, plan_md, comments)
    assert done.returncode == 0, done.stdout + done.stderr
    assert requests[1:] == [
        ("POST", "/repos/contoso/policies/issues/7/comments", {"body": plan_md})
    ]


def test_plan_comment_refuses_a_plan_without_marker(tmp_path: Path) -> None:
    done, requests = _run_comment_step(tmp_path, "b2blint: error: cannot reach Graph\n", [])
    assert done.returncode == 1
    assert done.stderr.strip() == "plan.md has no b2blint-plan marker"
    assert requests == []


@pytest.mark.parametrize("tree", ["missing", "lint errors"])
def test_workflow_plan_step_fails_on_an_error_and_summarises_nothing(
    tmp_path: Path, tree: str
) -> None:
    """The pull-request Plan step, run as the runner runs it (bash -eo pipefail) with the real
    b2blint: a missing path used to exit 2, read as "changes", and an empty plan went on."""
    from tests.integration._actions import BASH

    [step] = [s for s in _load(WORKFLOW)["jobs"]["plan"]["steps"] if s.get("name") == "Plan"]
    work = tmp_path / "src"
    work.mkdir()
    if tree == "lint errors":
        _policies(work)
    script = tmp_path / "step.sh"
    script.write_text(step["run"], "utf-8")
    summary = tmp_path / "summary.md"
    summary.write_text("", "utf-8")
    env = clean_env(
        {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "GITHUB_STEP_SUMMARY": str(summary),
        }
    )
    done = subprocess.run(
        [*BASH, str(script)],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert summary.read_text("utf-8") == ""
    assert done.stderr.splitlines()[-1].startswith("b2blint: error: ")
