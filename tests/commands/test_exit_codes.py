"""Exit codes a CI script can trust (README "Exit codes"; issue 12 item 1).

``plan --detailed-exitcode``: 0 no changes, 2 changes, 1 for every error, whichever layer
found it (click's parser, the path, the lint gate, the network, Graph). ``apply``: 0 converged,
1 failed with nothing written, 2 bad usage, 3 partial. Each error class is performed for real:
real trees, the emulator over HTTP on 127.0.0.1, a closed port on 127.0.0.1, real tokens.
"""

from __future__ import annotations

import socket
from collections.abc import Sequence
from pathlib import Path

import pytest

from b2blint.errors import EXIT_CHANGES, EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE
from b2blint.fakegraph.server import RunningFake
from b2blint.fakegraph.tokens import READ_ONLY_ROLES, mint
from tests.conftest import Run, run_cli
from tests.tenant.conftest import (
    FABRIKAM,
    MFA_TRUST,
    PARTNERS,
    TENANT,
    committed,
    partner,
    read_json,
    write_tree,
    writes,
)

DENIED = {
    "kind": "respond",
    "status": 403,
    "times": 0,
    "body": {
        "error": {"code": "Authorization_RequestDenied", "message": "Insufficient privileges."}
    },
}
LINT_ERROR_LINE = "SCH001 [error] 'not-a-guid' is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)"


def _tree(tmp_path: Path) -> Path:
    """A tree that declares one partner the emulated tenant lacks: plan has one change."""
    return write_tree(tmp_path / "p", [partner(FABRIKAM, "Fabrikam", {"inboundTrust": MFA_TRUST})])


def _bad_tree(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "bad", [partner("not-a-guid", "Broken")])


def _closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _last_line(run: Run) -> str:
    return run.stderr.splitlines()[-1]


# ------------------------------------------------------------------ plan --detailed-exitcode


def test_plan_detailed_exitcode_success_codes(fake: RunningFake, tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    changes = run_cli(["plan", str(tree), "--detailed-exitcode"])
    assert changes.exit_code == EXIT_CHANGES == 2, changes.stderr
    assert run_cli(["plan", str(tree)]).exit_code == EXIT_OK  # without the flag: 0
    fake.set_state(
        {"tenantId": TENANT, "partners": [{"tenantId": FABRIKAM, "inboundTrust": MFA_TRUST}]}
    )
    same = run_cli(["plan", str(tree), "--detailed-exitcode"])
    assert same.exit_code == EXIT_OK, same.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--format", "xml"],
            "Error: Invalid value for '--format': 'xml' is not one of 'text', 'json', 'markdown'.",
        ),
        (
            ["--bogus"],
            "Error: No such option '--bogus'. (Did you mean one of: '--out', '--verbose'?)",
        ),
        (["--out"], "Error: Option '--out' requires an argument."),
        (["--detailed-exitcode=yes"], "Error: Option '--detailed-exitcode' does not take a value."),
        (["-q", "-v"], "Error: --quiet and --verbose cannot be used together"),
        (["--cloud", "mars"], None),
    ],
    ids=["bad-choice", "unknown-option", "missing-value", "flag-value", "quiet-verbose", "cloud"],
)
def test_plan_detailed_exitcode_usage_errors_exit_1_not_2(
    fake: RunningFake, tmp_path: Path, args: Sequence[str], message: str | None
) -> None:
    tree = _tree(tmp_path)
    flag = [] if "--detailed-exitcode=yes" in args else ["--detailed-exitcode"]
    argv = ["plan", str(tree), *flag, *args]
    result = run_cli(argv)
    assert result.exit_code == EXIT_FAILED == 1, result.stderr
    assert result.stdout == ""
    if message is not None:
        assert _last_line(result) == message
    assert fake.log() == []  # nothing was read: an empty plan cannot pass for "changes"
    # The same mistake without --detailed-exitcode keeps the usage code every command uses.
    plain = [arg for arg in argv if arg != "--detailed-exitcode"]
    if flag:
        assert run_cli(plain).exit_code == EXIT_USAGE


def test_plan_detailed_exitcode_missing_path_exits_1(fake: RunningFake, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    result = run_cli(["plan", str(missing), "--detailed-exitcode"])
    assert (result.exit_code, result.stdout) == (EXIT_FAILED, "")
    assert result.stderr == f"b2blint: error: {missing}: no such file or directory\n"
    assert run_cli(["plan", str(missing)]).exit_code == EXIT_USAGE
    assert fake.log() == []


def test_plan_detailed_exitcode_missing_config_exits_1(fake: RunningFake, tmp_path: Path) -> None:
    config = tmp_path / "nope.yaml"
    tree = _tree(tmp_path)
    result = run_cli(["plan", str(tree), "--detailed-exitcode", "--config", str(config)])
    assert result.exit_code == EXIT_FAILED
    assert result.stderr == f"b2blint: error: --config: {config}: no such file\n"
    assert fake.log() == []


def test_plan_detailed_exitcode_typo_in_command_exits_1() -> None:
    result = run_cli(["pln", "policies", "--detailed-exitcode"])
    assert result.exit_code == EXIT_FAILED
    assert _last_line(result) == "Error: No such command 'pln'. Did you mean 'plan'?"


def test_plan_detailed_exitcode_lint_errors_exit_1(fake: RunningFake, tmp_path: Path) -> None:
    tree = _bad_tree(tmp_path)
    result = run_cli(["plan", str(tree), "--detailed-exitcode"])
    assert (result.exit_code, result.stdout) == (EXIT_FAILED, "")
    assert result.stderr.splitlines() == [
        f"{tree}/partners/partners.yaml:3:15: {LINT_ERROR_LINE}",
        "Found 1 error and 0 warnings in 2 files.",
        f"b2blint: error: {tree} has lint errors (above); fix them before talking to Graph",
    ]
    assert fake.log() == []


def test_plan_detailed_exitcode_graph_unreachable_exits_1_and_names_the_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = _closed_port()
    monkeypatch.setenv("B2BLINT_GRAPH_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("B2BLINT_ACCESS_TOKEN", mint(TENANT))
    monkeypatch.delenv("B2BLINT_AUTH", raising=False)
    result = run_cli(["plan", str(_tree(tmp_path)), "--detailed-exitcode"])
    assert (result.exit_code, result.stdout) == (EXIT_FAILED, "")
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"b2blint: error: GET {PARTNERS}: no response from Graph (")
    assert f") at http://127.0.0.1:{port} (client-request-id " in result.stderr


def test_plan_detailed_exitcode_403_exits_1(
    fake: RunningFake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("B2BLINT_ACCESS_TOKEN", fake.token(roles=()))
    result = run_cli(["plan", str(_tree(tmp_path)), "--detailed-exitcode"])
    assert (result.exit_code, result.stdout) == (EXIT_FAILED, "")
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"b2blint: error: GET {PARTNERS}: 403 ")
    assert "the app needs the Graph permission Policy.Read.All" in result.stderr
    assert [entry["status"] for entry in fake.log()] == [403]


# ----------------------------------------------------------------------------------- apply


def test_apply_usage_errors_exit_2_before_anything(fake: RunningFake, tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    bad_value = run_cli(["apply", str(tree), "--yes", "--concurrency", "99"])
    assert bad_value.exit_code == EXIT_USAGE
    assert _last_line(bad_value) == (
        "Error: Invalid value for '--concurrency': 99 is not in the range 1<=x<=32."
    )
    unknown = run_cli(["apply", str(tree), "--yes", "--detailed-exitcode"])
    assert unknown.exit_code == EXIT_FAILED  # asked for CI codes: never 2
    assert _last_line(unknown) == "Error: No such option '--detailed-exitcode'."
    missing = tmp_path / "nowhere"
    no_path = run_cli(["apply", str(missing), "--yes"])
    assert no_path.exit_code == EXIT_USAGE
    assert no_path.stderr == f"b2blint: error: {missing}: no such file or directory\n"
    assert fake.log() == []


def test_apply_lint_errors_exit_1_with_nothing_sent(fake: RunningFake, tmp_path: Path) -> None:
    tree = _bad_tree(tmp_path)
    report = tmp_path / "r.json"
    result = run_cli(["apply", str(tree), "--yes", "--report", str(report)])
    assert (result.exit_code, result.stdout) == (EXIT_FAILED, "")
    assert _last_line(result) == (
        f"b2blint: error: {tree} has lint errors (above); fix them before talking to Graph"
    )
    assert fake.log() == []
    assert (read_json(report)["result"], read_json(report)["exitCode"]) == ("refused", 1)


def test_apply_graph_unreachable_exits_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    port = _closed_port()
    monkeypatch.setenv("B2BLINT_GRAPH_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("B2BLINT_ACCESS_TOKEN", mint(TENANT))
    monkeypatch.delenv("B2BLINT_AUTH", raising=False)
    report = tmp_path / "r.json"
    result = run_cli(["apply", str(_tree(tmp_path)), "--yes", "--report", str(report)])
    assert (result.exit_code, result.stdout) == (EXIT_FAILED, "")
    assert result.stderr.startswith(f"b2blint: error: GET {PARTNERS}: no response from Graph (")
    assert f") at http://127.0.0.1:{port} (" in result.stderr
    assert read_json(report)["exitCode"] == EXIT_FAILED


def test_apply_403_on_read_exits_1_with_no_write(
    fake: RunningFake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("B2BLINT_ACCESS_TOKEN", fake.token(roles=()))
    result = run_cli(["apply", str(_tree(tmp_path)), "--yes"])
    assert (result.exit_code, result.stdout) == (EXIT_FAILED, "")
    assert result.stderr.startswith(f"b2blint: error: GET {PARTNERS}: 403 ")
    assert writes(fake) == []


def test_apply_403_on_the_only_write_exits_1_not_partial(fake: RunningFake, tmp_path: Path) -> None:
    fake.script_faults({**DENIED, "method": "POST", "path": "*/partners"})
    report = tmp_path / "r.json"
    result = run_cli(["apply", str(_tree(tmp_path)), "--yes", "--report", str(report)])
    assert result.exit_code == EXIT_FAILED, result.stderr
    assert writes(fake) == [("POST", PARTNERS)]
    assert committed(fake) == []
    data = read_json(report)
    assert (data["result"], data["exitCode"]) == ("failed", 1)
    assert "failed: 1. POST " in result.stdout


def test_apply_converges_then_writes_land_partially_exit_3(
    fake: RunningFake, tmp_path: Path
) -> None:
    """The two non-error codes of apply, against the same emulator: 0, then 3."""
    tree = _tree(tmp_path)
    first = run_cli(["apply", str(tree), "--yes"])
    assert first.exit_code == EXIT_OK, first.stderr
    other = "0c3a1f2e-5b6d-4e7f-8a9b-1c2d3e4f5a6b"
    adatum = "cdb668e9-1967-4d2f-a91d-d53b5e5267d9"
    tree = write_tree(
        tmp_path / "p",
        [
            partner(FABRIKAM, "Fabrikam", {"inboundTrust": MFA_TRUST}),
            partner(other, "Northwind", {"inboundTrust": MFA_TRUST}),
            partner(adatum, "Adatum", {"inboundTrust": MFA_TRUST}),
        ],
    )
    fake.clear_log()
    fake.script_faults({**DENIED, "nth": 2, "method": "POST", "path": "*/partners"})
    result = run_cli(["apply", str(tree), "--yes", "--concurrency", "1"])
    assert result.exit_code == EXIT_PARTIAL, result.stderr
    assert len(committed(fake)) == 1


def test_apply_token_without_write_permission_exits_1_before_any_write(
    fake: RunningFake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("B2BLINT_ACCESS_TOKEN", fake.token(roles=READ_ONLY_ROLES))
    result = run_cli(["apply", str(_tree(tmp_path)), "--yes"])
    assert result.exit_code == EXIT_FAILED, result.stderr
    assert "Policy.ReadWrite.CrossTenantAccess" in _last_line(result)
    assert writes(fake) == []


def test_apply_missing_config_exits_1_with_nothing_sent(fake: RunningFake, tmp_path: Path) -> None:
    config = tmp_path / "nope.yaml"
    result = run_cli(["apply", str(_tree(tmp_path)), "--yes", "--config", str(config)])
    assert result.exit_code == EXIT_FAILED
    assert result.stderr == f"b2blint: error: --config: {config}: no such file\n"
    assert fake.log() == []


# ------------------------------------------------------------------------- mistyped commands


@pytest.mark.parametrize(
    ("typed", "hint"),
    [("lnt", " Did you mean 'lint'?"), ("aply", " Did you mean 'apply'?"), ("xyzzy", "")],
)
def test_a_mistyped_command_suggests_the_closest_one(typed: str, hint: str) -> None:
    result = run_cli([typed, "policies"])
    assert (result.exit_code, result.stdout) == (EXIT_USAGE, "")
    assert result.stderr.splitlines() == [
        "Usage: b2blint [OPTIONS] COMMAND [ARGS]...",
        "Try 'b2blint --help' for help.",
        "",
        f"Error: No such command '{typed}'.{hint}",
    ]


def test_a_mistyped_command_name_is_escaped_in_the_message() -> None:
    result = run_cli(["l\x1bnt"])
    assert result.exit_code == EXIT_USAGE
    assert (
        result.stderr.splitlines()[-1] == "Error: No such command 'l\\x1bnt'. Did you mean 'lint'?"
    )
