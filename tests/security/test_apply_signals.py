"""Attacks F25, F26, F28: an apply interrupted by a signal, and a report path that cannot be
written. Each test runs ``b2blint apply`` as a real process against the emulator on
127.0.0.1, sends it a real signal after real writes landed, and checks the exit code, the
one-line message, and that the report lists exactly the writes the emulator carried out.
"""

from __future__ import annotations

import json
import signal
import stat
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from b2blint.fakegraph.server import RunningFake
from tests.conftest import ROOT, run_cli
from tests.security._apply_proc import (
    committed_writes,
    fault_fired,
    live_partners,
    partners_tree,
    start_apply,
    wait_until,
)
from tests.tenant.conftest import PARTNERS, read_json, writes

SCHEMA = Draft202012Validator(read_json(ROOT / "docs" / "apply-report.schema.json"))
COUNT = 40


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_after_writes_stops_launching_and_reports_every_real_outcome(
    fake: RunningFake, tmp_path: Path, sig: signal.Signals
) -> None:
    live_partners(fake, COUNT)
    partners_tree(tmp_path / "policies", COUNT)
    fake.configure(latency_ms=40)
    report = tmp_path / "report.json"
    proc = start_apply(
        fake, ["policies", "--yes", "--concurrency", "2", "--report", str(report)], tmp_path
    )
    wait_until(lambda: len(committed_writes(fake)) >= 6)
    proc.send_signal(sig)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 3, err
    landed = committed_writes(fake)
    assert 6 <= len(landed) < COUNT  # it stopped launching: not every partner was written
    data = json.loads(report.read_text(encoding="utf-8"))
    SCHEMA.validate(data)
    applied = [op for op in data["operations"] if op["status"] == "applied"]
    assert err.splitlines()[-1] == (
        f"b2blint: error: interrupted by {sig.name}: {len(applied)} of {COUNT} operations "
        f"applied, {COUNT - len(applied)} not attempted; run b2blint plan to see what is left"
    )
    assert data["result"] == "interrupted"
    assert data["exitCode"] == 3
    assert len(data["operations"]) == COUNT
    # Honest: what the report calls applied is exactly what the emulator carried out.
    assert sorted(op["clientRequestId"] for op in applied) == sorted(
        e["clientRequestId"] for e in landed
    )
    assert data["summary"]["applied"] == len(applied) == len(landed)
    assert data["requests"]["writes"] == len(fake.writes())
    # A rerun finishes the job.
    fake.configure(latency_ms=0)
    rerun = run_cli(["apply", "policies", "--yes"], cwd=tmp_path)
    assert rerun.exit_code == 0, rerun.stderr
    assert "Verified: the live tenant matches the YAML." in rerun.stdout
    assert len(committed_writes(fake)) == COUNT


def test_signal_before_any_write_says_nothing_was_written(
    fake: RunningFake, tmp_path: Path
) -> None:
    live_partners(fake, 3)
    partners_tree(tmp_path / "policies", 3)
    fake.script_faults({"kind": "latency", "method": "GET", "path": PARTNERS, "latencyMs": 3000})
    report = tmp_path / "report.json"
    proc = start_apply(fake, ["policies", "--yes", "--report", str(report)], tmp_path)
    wait_until(lambda: fault_fired(fake))  # the apply is in its (held) read of the tenant
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err
    assert err.splitlines()[-1] == (
        "b2blint: error: interrupted by SIGTERM before any write; nothing was written"
    )
    assert writes(fake) == []
    data = json.loads(report.read_text(encoding="utf-8"))
    SCHEMA.validate(data)
    assert (data["result"], data["exitCode"], data["operations"]) == ("refused", 1, [])


def test_unwritable_report_path_is_refused_before_the_first_write(
    fake: RunningFake, tmp_path: Path
) -> None:
    live_partners(fake, 3)
    partners_tree(tmp_path / "policies", 3)
    result = run_cli(["apply", "policies", "--yes", "--report", "/proc/r.json"], cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        "b2blint: error: --report /proc/r.json: cannot write: No such file or directory; "
        "nothing was written"
    )
    assert writes(fake) == []


@pytest.mark.parametrize(("kind", "what"), [("fifo", "a FIFO"), ("device", "a character device")])
def test_report_path_that_is_not_a_regular_file_is_refused(
    fake: RunningFake, tmp_path: Path, kind: str, what: str
) -> None:
    import os

    live_partners(fake, 1)
    partners_tree(tmp_path / "policies", 1)
    target = tmp_path / "r.json"
    if kind == "fifo":
        os.mkfifo(target)
    else:
        # Our own /dev/full (char 1,7) under tmp_path: a regression must not replace the real
        # one, which other tests and tools on this machine use.
        try:
            os.mknod(target, stat.S_IFCHR | 0o666, os.makedev(1, 7))
        except PermissionError:
            pytest.skip("creating a device node needs CAP_MKNOD")
    result = run_cli(["apply", "policies", "--yes", "--report", str(target)], cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"b2blint: error: --report {target}: cannot write: it is {what}, not a regular file; "
        "nothing was written"
    )
    assert writes(fake) == []
    assert target.is_fifo() or target.is_char_device()


def test_report_through_a_symlink_lands_in_its_target_and_keeps_the_link(
    fake: RunningFake, tmp_path: Path
) -> None:
    live_partners(fake, 1)
    partners_tree(tmp_path / "policies", 1)
    (tmp_path / "artifacts").mkdir()
    link = tmp_path / "r.json"
    link.symlink_to(tmp_path / "artifacts" / "report.json")
    result = run_cli(["apply", "policies", "--yes", "--report", str(link)], cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink()
    data = json.loads((tmp_path / "artifacts" / "report.json").read_text(encoding="utf-8"))
    SCHEMA.validate(data)
    assert (data["result"], data["summary"]["applied"]) == ("converged", 1)


def test_report_that_cannot_be_written_after_the_writes_fails_the_run(
    fake: RunningFake, tmp_path: Path
) -> None:
    """The report's directory is replaced by a file while the apply writes: exit 3, said so."""
    live_partners(fake, COUNT)
    partners_tree(tmp_path / "policies", COUNT)
    fake.configure(latency_ms=20)
    out = tmp_path / "out"
    out.mkdir()
    proc = start_apply(fake, ["policies", "--yes", "--report", str(out / "report.json")], tmp_path)
    wait_until(lambda: len(committed_writes(fake)) >= 2)
    out.rename(tmp_path / "out-gone")
    out.write_text("not a directory\n", encoding="utf-8")
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 3, err
    last = err.splitlines()[-1]
    assert last.startswith(f"b2blint: error: cannot write the report to {out / 'report.json'}: ")
    assert last.endswith("; the writes above landed")
    assert len(committed_writes(fake)) == COUNT
