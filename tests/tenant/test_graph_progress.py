"""Progress on a terminal for the long Graph commands: on stderr only, never in the product.

Issue: "commands that take longer than a second on large tenants (plan, apply, export) show
progress on a TTY (on stderr, never in machine-readable output)".
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from b2blint.cli import main
from b2blint.fakegraph.server import RunningFake
from tests.tenant.conftest import FABRIKAM, MFA_TRUST, partner, write_tree

CLEAR_LINE = "\r\x1b[2K"


class _Terminal(io.StringIO):
    """A captured stream that says it is a terminal (what `b2blint.commands._progress` checks)."""

    def isatty(self) -> bool:
        return True


def _run(args: list[str], *, tty: bool) -> tuple[int, str, str]:
    out = io.StringIO()
    err: io.StringIO = _Terminal() if tty else io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return write_tree(
        tmp_path / "pol", [partner(FABRIKAM, "Fabrikam", {"inboundTrust": MFA_TRUST})]
    )


def test_plan_shows_read_progress_on_a_terminal_only(fake: RunningFake, tree: Path) -> None:
    code, out, err = _run(["plan", str(tree), "--format", "json"], tty=True)
    assert code == 0, err
    assert f"{CLEAR_LINE}Reading the live tenant" in err
    assert "\x1b" not in out  # the JSON plan stays clean
    code, out, plain_err = _run(["plan", str(tree), "--format", "json"], tty=False)
    assert code == 0
    assert "\x1b" not in plain_err and "Reading the live tenant" not in plain_err


def test_apply_counts_operations_and_keeps_log_lines_readable(
    fake: RunningFake, tree: Path
) -> None:
    code, out, err = _run(["apply", str(tree), "--yes"], tty=True)
    assert code == 0, err
    assert f"{CLEAR_LINE}Applying 1/1 POST" in err
    # The operation's log line is printed on a line of its own, not glued to the bar.
    assert f"{CLEAR_LINE}b2blint: created: partner Fabrikam" in err
    assert "\x1b" not in out


def test_quiet_silences_progress(fake: RunningFake, tree: Path) -> None:
    code, _out, err = _run(["apply", str(tree), "--yes", "-q"], tty=True)
    assert code == 0
    assert err == ""
