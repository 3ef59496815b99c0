"""The apply fault campaign: random throttling (30 %), 5xx (10 %), drops (5 %) and
commit-then-drop (10 %) on every Graph request, a real SIGINT at a random point of a real
``b2blint apply`` process, then reruns until it converges.

Every run must give an honest report (each operation it calls applied was carried out by
the emulator, each it calls not attempted was never sent), and across all runs no partner
may be created twice. Small tenant, few rounds: it runs in CI (``slow``).
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from b2blint.fakegraph.server import RunningFake
from tests.conftest import ROOT, run_cli
from tests.security._apply_proc import (
    committed_writes,
    guid,
    live_partners,
    start_apply,
    wait_until,
)
from tests.tenant.conftest import COLLAB_IN, SYNC_ON, partner, read_json, write_tree

SCHEMA = Draft202012Validator(read_json(ROOT / "docs" / "apply-report.schema.json"))
UPDATES, CREATES = 6, 6
FAULTS = {"throttle_rate": 0.3, "fail_rate": 0.1, "drop_rate": 0.05, "commit_drop_rate": 0.1}
SYNC_SETTINGS = {
    "b2bCollaborationInbound": COLLAB_IN,
    "automaticUserConsentSettings": {"inboundAllowed": True},
}


def _tree(root: Path) -> Path:
    entries = [
        partner(guid(i), f"Partner {i}", {"inboundTrust": {"isMfaAccepted": False}})
        for i in range(UPDATES)
    ] + [
        partner(guid(i), f"Partner {i}", SYNC_SETTINGS, SYNC_ON)
        for i in range(UPDATES, UPDATES + CREATES)
    ]
    return write_tree(root, entries)


def _sent_key(entry: dict[str, Any]) -> tuple[str, str, str]:
    """(method, path, created tenant): every POST goes to one path, its body says which."""
    body = entry["body"] if isinstance(entry["body"], dict) else {}
    created = str(body.get("tenantId", "")).lower() if entry["method"] == "POST" else ""
    return entry["method"], entry["path"], created


def _check_honest(data: dict[str, Any], code: int, sent: list[dict[str, Any]]) -> None:
    """The report of one run against the write requests the emulator saw during it."""
    SCHEMA.validate(data)
    assert data["exitCode"] == code
    committed = {_sent_key(e) for e in sent if e["committed"]}
    tried = {_sent_key(e) for e in sent}
    for op in data["operations"]:
        created = op["object"].partition(":")[2] if op["method"] == "POST" else ""
        key = (op["method"], f"/{op['apiVersion']}{op['path']}", created)
        if op["status"] == "applied":
            assert key in committed, op
        if op["status"] in ("not-attempted", "stale"):
            assert key not in tried, op
    if code == 0:
        assert data["result"] in ("converged", "no-changes")
        assert all(op["status"] == "applied" for op in data["operations"])


def _interrupt_after(
    fake: RunningFake, proc: subprocess.Popen[str], before: int, writes: int
) -> None:
    """SIGINT ``proc`` once ``writes`` write requests reached the emulator (if still running)."""

    def sent() -> int:
        return sum(1 for entry in fake.log()[before:] if entry["method"] != "GET")

    wait_until(lambda: proc.poll() is not None or sent() >= writes)
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [7, 1234])
def test_apply_under_faults_and_a_random_sigint_converges_without_duplicate_creates(
    fake: RunningFake, tmp_path: Path, seed: int
) -> None:
    live_partners(fake, UPDATES)
    _tree(tmp_path / "policies")
    fake.configure(seed=seed, retry_after="0.05", **FAULTS)
    rng = random.Random(seed)
    codes: list[int] = []
    for round_ in range(8):
        report = tmp_path / f"report-{round_}.json"
        before = len(fake.log())
        proc = start_apply(fake, ["policies", "--yes", "--report", str(report)], tmp_path)
        if round_ == 0:  # the interrupted run: SIGINT after a random number of writes
            _interrupt_after(fake, proc, before, rng.randint(1, 8))
        _out, err = proc.communicate(timeout=300)
        codes.append(proc.returncode)
        assert proc.returncode in (0, 1, 3), err
        assert "Traceback" not in err
        sent = [e for e in fake.log()[before:] if e["method"] != "GET"]
        _check_honest(json.loads(report.read_text(encoding="utf-8")), proc.returncode, sent)
        if round_ > 0 and proc.returncode == 0:
            break
    assert codes[-1] == 0, codes
    creates = Counter(
        e["body"]["tenantId"] for e in committed_writes(fake) if e["method"] == "POST"
    )
    assert creates == Counter(guid(i) for i in range(UPDATES, UPDATES + CREATES))
    fake.configure(throttle_rate=0.0, fail_rate=0.0, drop_rate=0.0, commit_drop_rate=0.0)
    final = run_cli(["plan", "policies", "--detailed-exitcode"], cwd=tmp_path)
    assert final.exit_code == 0, final.stdout
    writes_before = len(fake.writes())
    again = run_cli(["apply", "policies", "--yes"], cwd=tmp_path)
    assert again.exit_code == 0, again.stderr
    assert len(fake.writes()) == writes_before
