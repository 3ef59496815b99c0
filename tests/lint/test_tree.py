"""The one tree reader: every command that reads a policy tree defaults to ``policies/``.

`b2blint.lint.tree` holds the default path and the reading (`lint_tree`, `read_tree`); these
tests run each command without a path, from a directory with and without ``policies/``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import POLICIES, run_cli

SIMULATE = ["simulate", "--partner", "Fabrikam", "--kind", "b2b-collaboration"]
COMMANDS = {
    "lint": (["lint"], "All checks passed (8 files)."),
    "size": (["size"], "policies/partners/adatum.yaml:8"),
    "test": (["test"], "16 passed, 0 failed."),
    "effective": (["effective", "--partner", "Fabrikam"], "blockServiceProviderOutboundAccess"),
    "simulate": ([*SIMULATE, "--direction", "inbound"], "Fabrikam's own outbound"),
}
#: Graph commands fail in their lint gate before any request (no Graph is running).
GRAPH_COMMANDS = {"plan": ["plan"]}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_commands_read_policies_by_default(name: str, tmp_path: Path) -> None:
    shutil.copytree(POLICIES, tmp_path / "policies")
    args, seen = COMMANDS[name]
    result = run_cli(args, cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert seen in result.stdout


@pytest.mark.parametrize("name", sorted(COMMANDS) + sorted(GRAPH_COMMANDS))
def test_commands_without_policies_say_which_path_is_missing(name: str, tmp_path: Path) -> None:
    args = COMMANDS[name][0] if name in COMMANDS else GRAPH_COMMANDS[name]
    result = run_cli(args, cwd=tmp_path)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "b2blint: error: policies: no such file or directory\n"
