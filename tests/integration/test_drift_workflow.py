"""The scheduled drift job (examples/drift-workflow.yml), checked like examples/github-workflow.yml.

The same checks as the sample workflow: the schemastore schema vendored in check-jsonschema,
zizmor, actions pinned by SHA with their tag, every ``b2blint ...`` line parsed by the real
click command. Then the job's logic runs for real: the "Audit and plan" step in bash against
the emulator (b2blint itself, with only ``--auth azure-cli`` dropped by a shim since no Azure
CLI signs in here), and the issue script in Node against a loopback stand-in for GitHub's
issue endpoints.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from b2blint.fakegraph.server import RunningFake, start
from b2blint.report import REPORTERS
from tests.conftest import run_cli
from tests.integration._actions import BASH, commands_named, run_step
from tests.integration._checkout import ROOT, clean_env
from tests.integration._cli import check_invocation
from tests.integration._workflows import (
    GitHubStub,
    actionlint,
    assert_zizmor_clean,
    check_jsonschema,
    harness,
    run_github_script,
)
from tests.integration.test_github_ci import SHA_REF, USES

WORKFLOW = ROOT / "examples" / "drift-workflow.yml"
TENANT = "6babcaad-604b-40ac-a9d7-9fd97c0b779f"
BOT = "github-actions[bot]"
MARKER = "<!-- b2blint-drift -->"


def _workflow() -> dict[str, Any]:
    data = yaml.safe_load(WORKFLOW.read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def _step(name: str) -> dict[str, Any]:
    [step] = [s for s in _workflow()["jobs"]["drift"]["steps"] if s.get("name") == name]
    return dict(step)


def test_valid_for_github() -> None:
    check_jsonschema(WORKFLOW)


def test_zizmor_reports_nothing_offline() -> None:
    assert_zizmor_clean(WORKFLOW)


def test_actionlint_accepts_the_workflow() -> None:
    actionlint(WORKFLOW, "actionlint is not installed (pip install -e '.[test]' installs it)")


def test_every_b2blint_command_parses_with_the_real_cli() -> None:
    seen: list[tuple[str, str]] = []
    for step in _workflow()["jobs"]["drift"]["steps"]:
        script = step.get("run")
        if not script:
            continue
        assert "${{" not in script, f"{step.get('name')}: pass expressions through env:"
        for line in commands_named(script, "b2blint"):
            fmt = line[line.index("--format") + 1] if "--format" in line else ""
            argv = line
            if fmt not in REPORTERS and fmt != "markdown":
                # html comes with the HTML reporter (another branch); until it is merged, the
                # rest of the line is still checked
                assert fmt == "html", line
                argv = [a if a != "html" else "json" for a in line]
            command = check_invocation(argv[1:])
            seen.append((command.name or "", fmt))
    assert seen == [("audit", "json"), ("audit", "html"), ("plan", "markdown")]


def test_schedule_permissions_and_pins() -> None:
    workflow = _workflow()
    assert workflow[True][
        "schedule"
    ]  # YAML 1.1 reads the key `on` as true == [{"cron": "17 3 * * *"}]
    assert workflow["permissions"] == {}
    job = workflow["jobs"]["drift"]
    assert job["permissions"] == {"contents": "read", "id-token": "write", "issues": "write"}
    checkouts = [s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/checkout@")]
    assert [s["with"]["persist-credentials"] for s in checkouts] == [False]
    [login] = [s for s in job["steps"] if str(s.get("uses", "")).startswith("azure/login@")]
    assert set(login["with"]) == {"client-id", "tenant-id", "allow-no-subscriptions"}
    found = []
    for line in WORKFLOW.read_text("utf-8").splitlines():
        match = USES.match(line.lstrip("#"))
        if match:
            found.append(match.group(1).split("@")[0])
            assert SHA_REF.match(match.group(1)), line
            assert match.group(2) and match.group(2).startswith("v"), line
    assert found == [
        "actions/checkout",
        "actions/setup-python",
        "azure/login",
        "actions/upload-artifact",
        "actions/github-script",
    ]
    [kept] = [s for s in job["steps"] if "upload-artifact" in str(s.get("uses"))]
    assert kept["with"]["path"].split() == ["audit.html", "audit.json", "plan.md"]


# ---------------------------------------------------------------- the Audit and plan step, run


@pytest.fixture
def tenant() -> Iterator[RunningFake]:
    with start(tenant_id=TENANT) as running:
        yield running


def _shim(bin_dir: Path) -> Path:
    """``b2blint`` on PATH: this checkout's CLI, minus ``--auth azure-cli`` (no Azure CLI signs
    in here; the token comes from B2BLINT_ACCESS_TOKEN). Until the HTML reporter is merged in,
    ``--format html`` writes the text report in its place."""
    bin_dir.mkdir(parents=True)
    shim = bin_dir / "b2blint"
    shim.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        "from b2blint.cli import main\n"
        "from b2blint.report import REPORTERS\n"
        "args = sys.argv[1:]\n"
        "if '--auth' in args:\n"
        "    at = args.index('--auth')\n"
        "    del args[at:at + 2]\n"
        "if 'html' not in REPORTERS:\n"
        "    args = ['text' if a == 'html' else a for a in args]\n"
        "sys.exit(main(args))\n",
        "utf-8",
    )
    shim.chmod(0o755)
    return bin_dir


def _run_check(tmp_path: Path, fake_url: str, token: str) -> Any:
    work = tmp_path / "work"
    summary = tmp_path / "summary.md"
    summary.write_text("", "utf-8")
    env = clean_env(
        {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "GITHUB_STEP_SUMMARY": str(summary),
            "B2BLINT_GRAPH_URL": fake_url,
            "B2BLINT_ACCESS_TOKEN": token,
        }
    )
    return run_step(
        _step("Audit and plan"),
        {"vars.AZURE_TENANT_ID": TENANT},
        cwd=work,
        runner_temp=tmp_path / "runner",
        env=env,
        extra_path=[str(_shim(tmp_path / "bin"))],
    )


def _export(tenant: RunningFake, work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("B2BLINT_GRAPH_URL", tenant.url)
    monkeypatch.setenv("B2BLINT_ACCESS_TOKEN", tenant.token())
    work.mkdir()
    exported = run_cli(["export", "--tenant-id", TENANT, "--out", str(work / "policies")])
    assert exported.exit_code == 0, exported.stderr


def test_failing_controls_without_drift(
    tenant: RunningFake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _export(tenant, tmp_path / "work", monkeypatch)  # the repository matches the tenant
    tenant.clear_log()
    done = _run_check(tmp_path, tenant.url, tenant.token())
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.outputs == {"drift": "false", "failing": "true"}
    report = json.loads((tmp_path / "work" / "audit.json").read_text("utf-8"))
    assert {c["id"]: c["status"] for c in report["controls"]}["MS.AAD.8.2"] == "failed"
    assert (tmp_path / "work" / "audit.html").stat().st_size > 0
    assert tenant.writes() == []  # audit and plan only read


def test_drift_is_reported(
    tenant: RunningFake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _export(tenant, tmp_path / "work", monkeypatch)
    state = tenant.state()
    state["authorizationPolicy"]["allowInvitesFrom"] = "adminsAndGuestInviters"
    tenant.set_state(state)  # someone changed the tenant in the portal
    done = _run_check(tmp_path, tenant.url, tenant.token())
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.outputs == {"drift": "true", "failing": "true"}
    assert "allowInvitesFrom" in (tmp_path / "summary.md").read_text("utf-8")


def test_an_unreachable_graph_fails_the_step_with_no_outputs(
    tenant: RunningFake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _export(tenant, tmp_path / "work", monkeypatch)
    done = _run_check(tmp_path, "http://127.0.0.1:9", tenant.token())
    assert done.returncode == 1
    assert "::error::b2blint audit failed (exit 1)" in done.stdout
    assert done.outputs == {}


def test_step_is_bash_with_errexit_semantics() -> None:
    assert BASH[-2:] == ("-eo", "pipefail")
    assert _step("Audit and plan")["shell"] == "bash"


# ---------------------------------------------------------------- the issue script, run in Node

HARNESS = harness(
    """\
    listForRepo: (p) => call("GET", base(p) + "?state=" + p.state + "&labels=" + p.labels +
      "&per_page=" + p.per_page + "&page=" + (p.page || 1)),
    create: (p) => call("POST", base(p), {title: p.title, body: p.body, labels: p.labels}),
    update: (p) => {
      const {owner, repo, issue_number, ...rest} = p;
      return call("PATCH", base(p) + "/" + issue_number, rest);
    },
    createComment: (p) => call("POST", base(p) + "/" + p.issue_number + "/comments",
      {body: p.body}),
""",
    '{repo: {owner: "contoso", repo: "policies"}}',
)


class _Issues(GitHubStub):
    issues: list[dict[str, Any]]

    def do_GET(self) -> None:
        self.requests.append(("GET", self.path, None))
        self._reply(200, self.issues)

    def do_POST(self) -> None:
        body = self._body()
        self.requests.append(("POST", self.path, body))
        self._reply(201, {"number": 42, **body})

    def do_PATCH(self) -> None:
        body = self._body()
        self.requests.append(("PATCH", self.path, body))
        self._reply(200, body)


AUDIT = {
    "findings": [{"rule": "BSL003", "severity": "error"}],
    "controls": [
        {"id": "MS.AAD.8.1", "title": "Guest access limited", "rule": "BSL001", "status": "passed"},
        {"id": "MS.AAD.8.2", "title": "Guest Inviter role", "rule": "BSL003", "status": "failed"},
        {
            "id": "MS.AAD.8.3",
            "title": "Allowed domains",
            "rule": "BSL007",
            "status": "not-checked",
            "reason": "invitationDomains could not be read: permission missing",
        },
    ],
}


def _run_issue_step(
    tmp_path: Path, *, drift: bool, failing: bool, issues: list[dict[str, Any]]
) -> tuple[subprocess.CompletedProcess[str], list[tuple[str, str, Any]]]:
    step = _step("Open, update or close the drift issue")
    (tmp_path / "audit.json").write_text(json.dumps(AUDIT), "utf-8")
    (tmp_path / "plan.md").write_text("### b2blint plan\n\n**1 to update**\n", "utf-8")
    handler = type("Handler", (_Issues,), {"issues": issues, "requests": []})
    env = {
        "DRIFT": "true" if drift else "false",
        "FAILING": "true" if failing else "false",
        "RUN_URL": "https://github.com/contoso/policies/actions/runs/1",
    }
    program = HARNESS.replace("SCRIPT", step["with"]["script"])
    done = run_github_script(tmp_path, program, handler, env)
    return done, handler.requests


def test_issue_is_opened_with_the_failed_and_unchecked_controls(tmp_path: Path) -> None:
    others = [{"number": 3, "user": {"login": "alice"}, "body": f"quoting {MARKER}"}]
    done, requests = _run_issue_step(tmp_path, drift=True, failing=True, issues=others)
    assert done.returncode == 0, done.stdout + done.stderr
    assert [(m, p.split("?")[0]) for m, p, _ in requests] == [
        ("GET", "/repos/contoso/policies/issues"),
        ("POST", "/repos/contoso/policies/issues"),
    ]
    assert "labels=b2blint-drift" in requests[0][1]
    created = requests[1][2]
    assert created["labels"] == ["b2blint-drift"]
    body = created["body"]
    assert body.startswith(MARKER)
    assert "**Drift:**" in body
    assert "- `MS.AAD.8.2` Guest Inviter role (BSL003)" in body
    assert "- `MS.AAD.8.3`: invitationDomains could not be read: permission missing" in body
    assert "**1 to update**" in body
    assert "MS.AAD.8.1" not in body  # passed controls are not listed


def test_the_bots_open_issue_is_updated(tmp_path: Path) -> None:
    issues = [
        {"number": 3, "user": {"login": "alice"}, "body": f"quoting {MARKER}"},
        {"number": 9, "user": {"login": BOT}, "body": f"{MARKER}\nold"},
    ]
    done, requests = _run_issue_step(tmp_path, drift=False, failing=True, issues=issues)
    assert done.returncode == 0, done.stdout + done.stderr
    assert [(m, p) for m, p, _ in requests[1:]] == [("PATCH", "/repos/contoso/policies/issues/9")]
    assert "**Drift:**" not in requests[1][2]["body"]


def test_the_issue_is_closed_when_all_is_well(tmp_path: Path) -> None:
    issues = [{"number": 9, "user": {"login": BOT}, "body": f"{MARKER}\nold"}]
    done, requests = _run_issue_step(tmp_path, drift=False, failing=False, issues=issues)
    assert done.returncode == 0, done.stdout + done.stderr
    assert [(m, p, b) for m, p, b in requests[1:]] == [
        (
            "POST",
            "/repos/contoso/policies/issues/9/comments",
            {"body": "No drift and no failing control any more: "
             "https://github.com/contoso/policies/actions/runs/1"},
        ),
        ("PATCH", "/repos/contoso/policies/issues/9", {"state": "closed"}),
    ]  # fmt: skip


def test_nothing_is_written_when_all_is_well_and_no_issue_is_open(tmp_path: Path) -> None:
    done, requests = _run_issue_step(tmp_path, drift=False, failing=False, issues=[])
    assert done.returncode == 0, done.stdout + done.stderr
    assert [m for m, _, _ in requests] == ["GET"]
