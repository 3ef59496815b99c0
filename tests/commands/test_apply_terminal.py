"""``apply`` on a real terminal: YAML and Graph names are shown escaped, never as raw controls.

click strips ANSI sequences itself when stdout is not a terminal, so a captured run would hide
the attack: here ``b2blint apply`` runs in its own process with stdout on a pseudo-terminal,
against the emulator on 127.0.0.1, and the test reads exactly the bytes the terminal got.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from b2blint.fakegraph.server import RunningFake
from tests.tenant.conftest import FABRIKAM, MFA_TRUST, PARTNERS, committed, partner, write_tree

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")

#: An ESC sequence (clear the screen) and a newline that would forge a second error line.
NAME = "Evil\x1b[2J\nb2blint: error: forged"
SHOWN = "Evil\\x1b[2J\\nb2blint: error: forged"


def _apply_on_a_terminal(fake: RunningFake, tree: Path) -> tuple[int, str, str]:
    """Run ``b2blint apply TREE --yes``; return (exit code, terminal bytes, stderr)."""
    env = {**os.environ, "B2BLINT_GRAPH_URL": fake.url, "B2BLINT_ACCESS_TOKEN": fake.token()}
    for name in ("B2BLINT_AUTH", "B2BLINT_CLOUD", "NO_COLOR"):
        env.pop(name, None)
    main, follower = os.openpty()
    with subprocess.Popen(
        [sys.executable, "-m", "b2blint", "apply", str(tree), "--yes"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=subprocess.PIPE,
    ) as process:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError as error:  # Linux: EIO once the process closed its side
                if error.errno != errno.EIO:
                    raise
                break
            if not chunk:
                break
            chunks.append(chunk)
        stderr = process.stderr.read() if process.stderr else b""
        code = process.wait()
    os.close(main)
    terminal = b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
    return code, terminal, stderr.decode("utf-8")


def test_apply_plan_and_summary_escape_a_hostile_partner_name(
    fake: RunningFake, tmp_path: Path
) -> None:
    tree = write_tree(tmp_path / "p", [partner(FABRIKAM, NAME, {"inboundTrust": MFA_TRUST})])
    # The read-back after the write fails: the summary names the partner ("unconfirmed").
    fake.script_faults(
        {
            "kind": "respond",
            "status": 403,
            "times": 0,
            "nth": 2,
            "method": "GET",
            "path": "*/partners",
            "body": {"error": {"code": "Authorization_RequestDenied", "message": "denied"}},
        }
    )
    code, terminal, stderr = _apply_on_a_terminal(fake, tree)
    assert [(m, p) for m, p, _ in committed(fake)] == [("POST", PARTNERS)]
    assert "\x1b" not in terminal
    assert "\x1b" not in stderr
    lines = terminal.splitlines()
    assert not any(line.startswith("b2blint: error: forged") for line in lines), terminal
    assert f"+ partner {SHOWN} ({FABRIKAM}) (create)" in lines  # the plan
    unconfirmed = [line for line in lines if line.startswith("  unconfirmed: ")]
    assert unconfirmed, terminal  # the summary
    assert all(line.startswith(f"  unconfirmed: partner {SHOWN} (") for line in unconfirmed)
    assert code == 0, stderr  # written; only the read-back failed


def test_plan_text_keeps_a_hostile_partner_name_on_one_line(
    fake: RunningFake, tmp_path: Path
) -> None:
    from tests.conftest import run_cli

    tree = write_tree(tmp_path / "p", [partner(FABRIKAM, NAME, {"inboundTrust": MFA_TRUST})])
    result = run_cli(["plan", str(tree)])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert f"+ partner {SHOWN} ({FABRIKAM}) (create)" in lines
    assert f"  ! partner {SHOWN} ({FABRIKAM}): " in "\n".join(lines)
    assert not any(line.startswith("b2blint: error: forged") for line in lines)
