"""``b2blint apply ... | head``: a reader that goes away never makes the exit code lie.

Exit 1 promises "nothing written" and 0/3 "converged"/"partial". A closed stdout once turned
any apply into exit 1 (and a report saying 101), even after the writes had landed. Each case
runs ``b2blint apply`` as a real process whose stdout pipe the test closes for real, against
the emulator on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from b2blint.fakegraph.server import RunningFake
from tests.tenant.conftest import FABRIKAM, MFA_TRUST, PARTNERS, committed, partner, write_tree


def _start(fake: RunningFake, tree: Path, report: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("B2BLINT_")}
    env |= {"B2BLINT_GRAPH_URL": fake.url, "B2BLINT_ACCESS_TOKEN": fake.token()}
    return subprocess.Popen(
        [sys.executable, "-m", "b2blint", "apply", str(tree), "--yes", "--report", str(report)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _tree(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "p", [partner(FABRIKAM, "Fabrikam", {"inboundTrust": MFA_TRUST})])


def test_reader_gone_after_the_plan_keeps_the_real_outcome(
    fake: RunningFake, tmp_path: Path
) -> None:
    # The write is answered late: the reader is gone long before the summary is printed.
    fake.script_faults(
        {"kind": "latency", "latencyMs": 1500, "method": "POST", "path": "*/partners"}
    )
    report = tmp_path / "r.json"
    with _start(fake, _tree(tmp_path), report) as process:
        assert process.stdout is not None and process.stderr is not None
        first = process.stdout.readline()  # the plan is one write: all of it is in the pipe
        assert first.startswith(b"b2blint plan for tenant Contoso"), first
        process.stdout.close()  # like `head -1` exiting
        stderr = process.stderr.read().decode("utf-8")
        code = process.wait(timeout=300)
    assert [(m, p) for m, p, _ in committed(fake)] == [("POST", PARTNERS)]
    assert code == 0, stderr  # converged: not 1 ("nothing written"), not 120
    assert stderr.splitlines()[-1] == (
        "b2blint: stdout was closed before the summary; the exit code and --report give the outcome"
    )
    assert "Exception ignored" not in stderr and "Traceback" not in stderr
    data = json.loads(report.read_text("utf-8"))
    assert (data["result"], data["exitCode"]) == ("converged", 0)


def test_reader_gone_before_the_plan_exits_1_with_nothing_written(
    fake: RunningFake, tmp_path: Path
) -> None:
    report = tmp_path / "r.json"
    with _start(fake, _tree(tmp_path), report) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()  # gone before b2blint prints anything
        stderr = process.stderr.read().decode("utf-8")
        code = process.wait(timeout=300)
    assert fake.writes() == []
    assert code == 1, stderr
    assert stderr == (
        "b2blint: error: stdout was closed while the plan was shown; nothing was written\n"
    )
    data = json.loads(report.read_text("utf-8"))
    assert (data["result"], data["exitCode"]) == ("refused", 1)
