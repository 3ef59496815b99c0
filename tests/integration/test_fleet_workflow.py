"""examples/fleet-workflow.yml: valid for GitHub, zizmor-clean, pinned, every command parses."""

from __future__ import annotations

import re
from typing import Any

import click
import yaml

from b2blint.cli import cli
from tests.integration._actions import commands_named
from tests.integration._checkout import ROOT
from tests.integration._cli import check_invocation
from tests.integration._workflows import actionlint, assert_zizmor_clean, check_jsonschema

WORKFLOW = ROOT / "examples" / "fleet-workflow.yml"
USES = re.compile(r"^\s*(?:- )?uses:\s*(\S+)(?:\s+#\s*(.*))?$")
SHA_REF = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def _load() -> dict[str, Any]:
    data = yaml.safe_load(WORKFLOW.read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def test_valid_for_github() -> None:
    check_jsonschema(WORKFLOW)


def _parse_fleet_subcommand(args: list[str]) -> str:
    """``fleet SUB ...``: the group's subcommand parsed by its own click parser too."""
    group = cli.get_command(click.Context(cli), "fleet")
    assert isinstance(group, click.Group)
    sub = group.get_command(click.Context(group), args[0])
    assert sub is not None, args
    with sub.make_context(args[0], args[1:]):
        pass
    return f"fleet {args[0]}"


def test_every_b2blint_command_exists_with_those_options() -> None:
    seen = set()
    for job in _load()["jobs"].values():
        for step in job["steps"]:
            script = step.get("run")
            if not script:
                continue
            assert "${{" not in script, f"{step.get('name')}: pass expressions through env:"
            for argv in commands_named(script, "b2blint"):
                command = check_invocation(argv[1:])
                name = command.name or ""
                if name == "fleet":
                    name = _parse_fleet_subcommand(argv[2:])
                else:
                    assert "--tenant" in argv or argv[1] == "lint", argv
                seen.add(name)
    assert seen == {"lint", "fleet matrix", "plan", "apply"}


def test_actions_are_pinned_like_the_single_tenant_example() -> None:
    found = []
    for line in WORKFLOW.read_text("utf-8").splitlines():
        match = USES.match(line.lstrip("#"))
        if not match:
            continue
        ref, comment = match.group(1), match.group(2) or ""
        assert SHA_REF.match(ref), line
        assert re.match(r"v\d+\.\d+\.\d+$", comment), line
        found.append(ref)
    single = (ROOT / "examples" / "github-workflow.yml").read_text("utf-8")
    for ref in found:  # the same pins as the reviewed single-tenant workflow
        assert ref in single, ref


def test_shape_lint_once_plan_per_tenant_one_comment_gated_apply() -> None:
    workflow = _load()
    jobs = workflow["jobs"]
    assert workflow["permissions"] == {}
    assert "strategy" not in jobs["lint"]  # lint runs once for the fleet
    for name in ("plan", "apply"):
        assert jobs[name]["strategy"]["matrix"] == "${{ fromJSON(needs.matrix.outputs.matrix) }}"
        assert jobs[name]["permissions"]["id-token"] == "write"
        assert "client-secret" not in str(jobs[name])
    assert jobs["apply"]["environment"] == "fleet-${{ matrix.name }}"
    assert jobs["apply"]["concurrency"]["cancel-in-progress"] is False
    assert jobs["blast-radius"]["environment"] == "fleet-blast-radius"
    assert "approval-required == 'true'" in jobs["blast-radius"]["if"]
    assert "needs.blast-radius.result == 'success'" in jobs["apply"]["if"]
    assert "blast-radius" in jobs["apply"]["needs"]
    [comment] = [s for s in jobs["comment"]["steps"] if "github-script" in str(s.get("uses"))]
    assert "Blast radius" in comment["with"]["script"]
    assert jobs["comment"]["permissions"] == {"pull-requests": "write"}
    checkouts = [
        s
        for job in jobs.values()
        for s in job["steps"]
        if "actions/checkout@" in str(s.get("uses"))
    ]
    assert all(s["with"]["persist-credentials"] is False for s in checkouts)


def test_zizmor_reports_nothing_offline() -> None:
    assert_zizmor_clean(WORKFLOW)


def test_actionlint_accepts_the_workflow() -> None:
    actionlint(WORKFLOW, "actionlint is not installed (no offline wheel; see test_github_ci.py)")
