"""`b2blint lint` without click: the same parse as click's, the same output, and the process
ending without freeing its result (docs/performance.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from b2blint.commands._lintrun import FLAGS, VALUED, parse_without_click
from b2blint.commands.lint import lint_command
from tests.conftest import ROOT, run_cli

XTA011_BAD = ROOT / "tests" / "fixtures" / "rules" / "XTA011" / "bad.yaml"


def _click_option(opt: str) -> click.Option:
    for param in lint_command.params:
        if isinstance(param, click.Option) and opt in param.opts:
            return param
    raise AssertionError(f"{opt} is not an option of `b2blint lint` (commands/lint.py)")


@pytest.mark.parametrize("opt", sorted(FLAGS))
def test_each_flag_is_the_click_flag_of_that_name(opt: str) -> None:
    param = _click_option(opt)
    assert param.name == FLAGS[opt]
    assert param.is_flag or param.count
    assert not param.multiple


@pytest.mark.parametrize("opt", sorted(VALUED))
def test_each_valued_option_is_the_click_option_of_that_name(opt: str) -> None:
    name, choices = VALUED[opt]
    param = _click_option(opt)
    assert param.name == name
    assert not param.is_flag and not param.count
    assert param.multiple == (name in {"select", "ignore", "profiles"})
    if choices is None:
        assert not isinstance(param.type, click.Choice)
    else:
        assert isinstance(param.type, click.Choice)
        assert tuple(param.type.choices) == choices


COVERED = [
    [],
    ["policies"],
    ["-q", "policies", "tests/fixtures"],
    ["policies", "--strict", "-v", "-v", "--no-color"],
    ["--format", "json", "--select", "XTA,EXT001", "--select", "SCH", "--ignore", "XTA011", "x"],
    ["--api-version", "beta", "--format", "sarif", "--format", "github", "--quiet"],
    ["--profile", "cisa-scuba", "policies", "--profile", "zta"],
]


@pytest.mark.parametrize("args", COVERED)
def test_covered_command_lines_parse_as_click_parses_them(args: list[str]) -> None:
    parsed = parse_without_click(args)
    assert parsed is not None
    params, levels = parsed
    ctx = lint_command.make_context("lint", list(args))
    assert params == {name: ctx.params[name] for name in params}
    # What click passes besides: the options the fast path leaves to click, at their defaults.
    rest = {name: value for name, value in ctx.params.items() if name not in params}
    assert rest == {
        "output": None,
        "tree": None,
        "stdin_filename": None,
        "config_file": None,
        "fix": False,
        "force": False,
        "diff": False,
    }
    assert levels == {
        "quiet": bool(ctx.meta["b2blint.quiet"]),
        "verbose": ctx.meta["b2blint.verbose"],
        "no_color": bool(ctx.meta["b2blint.no_color"]),
    }


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["-h"],
        ["--fix", "policies"],
        ["-"],
        ["--stdin-filename", "p.yaml", "-"],
        ["--format=json"],
        ["-qv"],
        ["-q", "-v"],
        ["--form", "json"],
        ["--format", "bogus"],
        ["--api-version", "v2"],
        ["--select"],
        ["--select", "-q"],
        ["--", "policies"],
        ["--config", "b2blint.toml"],
        ["--tree", "policies", "policies/tenant.yaml"],
        ["--output", "report.txt"],
    ],
)
def test_other_command_lines_are_left_to_click(args: list[str]) -> None:
    assert parse_without_click(args) is None


def test_bad_choice_gets_clicks_usage_error() -> None:
    result = run_cli(["lint", "--format", "bogus", str(XTA011_BAD)])
    assert result.exit_code == 2
    assert "Invalid value for '--format': 'bogus' is not one of" in result.stderr


def test_quiet_with_verbose_gets_clicks_usage_error() -> None:
    result = run_cli(["lint", "-q", "-v", str(XTA011_BAD)])
    assert result.exit_code == 2
    assert "--quiet and --verbose cannot be used together" in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_path_gets_clicks_error(tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("b2blint: 1\n", encoding="utf-8")
    secret.chmod(0)
    assert parse_without_click([str(secret)]) is None


def _process(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, capture_output=True, text=True, check=False
    )


def test_plain_lint_never_imports_click() -> None:
    probe = (
        "import sys; from b2blint.cli import main; code = main(['lint', 'policies']); "
        "print(code, 'click' in sys.modules)"
    )
    done = _process("-c", probe)
    assert done.stdout.splitlines() == ["All checks passed (8 files).", "0 False"], done.stderr


def test_the_process_prints_everything_and_exits_with_the_code() -> None:
    """`main()` as the process ends it without freeing the result: after flushing the report."""
    expected = run_cli(["lint", "--format", "json", str(XTA011_BAD)])
    assert expected.exit_code == 0 and '"XTA011"' in expected.stdout
    done = _process("-m", "b2blint", "lint", "--format", "json", str(XTA011_BAD))
    assert (done.returncode, done.stdout, done.stderr) == (0, expected.stdout, "")
    strict = _process("-m", "b2blint", "lint", "--strict", str(XTA011_BAD))
    assert strict.returncode == 1
    assert strict.stdout == run_cli(["lint", "--strict", str(XTA011_BAD)]).stdout
    assert strict.stdout.endswith("fixable with --fix.\n")


def test_click_path_gives_the_same_report_as_the_fast_path() -> None:
    from click.testing import CliRunner

    from b2blint.cli import cli

    fast = run_cli(["lint", "--no-color", "--select", "XTA", str(XTA011_BAD)])
    slow = CliRunner().invoke(
        cli, ["lint", "--no-color", "--select", "XTA", str(XTA011_BAD)], standalone_mode=False
    )
    assert fast.exit_code == 0 and slow.return_value == 0
    assert fast.stdout == slow.stdout
    assert fast.stdout.count(": XTA011 [warning] ") == 3
