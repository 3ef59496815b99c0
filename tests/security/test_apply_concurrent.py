"""Attack F27: two applies on one tenant at once both went ahead (~120 failed operations each).

Graph documents no ETag/If-Match on these resources, so b2blint re-reads each object just
before its first write and stops it as *stale* if it changed since the plan; a first POST
refused as a duplicate is stale too. After a stale object nothing more is launched: another
writer is at work. CI must still serialise applies (docs/security.md); this is the backstop.
Each test runs real ``b2blint apply`` processes against the emulator on 127.0.0.1.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from jsonschema import Draft202012Validator

from b2blint.fakegraph.server import RunningFake
from tests.conftest import ROOT, run_cli
from tests.security._apply_proc import (
    committed_writes,
    fault_fired,
    guid,
    live_partners,
    partners_tree,
    start_apply,
    wait_until,
)
from tests.tenant.conftest import PARTNERS, read_json

SCHEMA = Draft202012Validator(read_json(ROOT / "docs" / "apply-report.schema.json"))
COUNT = 10


def test_the_run_that_finds_the_others_writes_stops_with_zero_duplicate_writes(
    fake: RunningFake, tmp_path: Path
) -> None:
    """Run 1 is held just before writing partner 3; run 2 does the rest; run 1 then stops."""
    live_partners(fake, COUNT)
    partners_tree(tmp_path / "policies", COUNT)
    held = f"{PARTNERS}/{guid(3)}"
    fake.script_faults({"kind": "latency", "method": "GET", "path": held, "latencyMs": 8000})
    report = tmp_path / "first.json"
    first = start_apply(
        fake, ["policies", "--yes", "--concurrency", "1", "--report", str(report)], tmp_path
    )
    wait_until(lambda: fault_fired(fake))  # run 1 wrote partners 0-2 and re-reads partner 3
    assert len(committed_writes(fake)) == 3
    second = run_cli(["apply", "policies", "--yes"], cwd=tmp_path)
    assert second.exit_code == 0, second.stderr
    assert "Verified: the live tenant matches the YAML." in second.stdout
    _out, err = first.communicate(timeout=120)
    assert first.returncode == 3, err
    label = f"partner Partner 3 ({guid(3)})"
    assert (
        f"b2blint: stopped: {label}: partner:{guid(3)} changed live since the plan was made "
        "(another apply or a person wrote it); is another apply running on this tenant? "
        "Serialise applies (CI concurrency group) and run b2blint plan again"
    ) in err.splitlines()
    # Every partner was written exactly once, by one run or the other.
    paths = Counter(entry["path"] for entry in committed_writes(fake))
    assert paths == Counter(f"{PARTNERS}/{guid(i)}" for i in range(COUNT))
    assert len(fake.writes()) == COUNT
    data = json.loads(report.read_text(encoding="utf-8"))
    SCHEMA.validate(data)
    statuses = [op["status"] for op in data["operations"]]
    assert statuses == ["applied"] * 3 + ["stale"] + ["not-attempted"] * (COUNT - 4)
    assert (data["result"], data["exitCode"], data["summary"]["stale"]) == ("partial", 3, 1)


def test_two_applies_started_together_never_duplicate_a_create_and_converge(
    fake: RunningFake, tmp_path: Path
) -> None:
    """Creates and updates, two processes at once: honest reports, then one rerun converges."""
    live_partners(fake, COUNT)  # partners 0-9 exist (updates); 10-19 are created
    partners_tree(tmp_path / "policies", 2 * COUNT)
    fake.configure(latency_ms=15)
    runs = [
        start_apply(
            fake,
            ["policies", "--yes", "--concurrency", "4", "--report", str(tmp_path / f"{n}.json")],
            tmp_path,
        )
        for n in (1, 2)
    ]
    errors = [run.communicate(timeout=180)[1] for run in runs]
    codes = [run.returncode for run in runs]
    assert all(code in (0, 1, 3) for code in codes), errors
    landed = committed_writes(fake)
    creates = Counter(e["body"]["tenantId"] for e in landed if e["method"] == "POST")
    assert all(count == 1 for count in creates.values())
    reports = [json.loads((tmp_path / f"{n}.json").read_text(encoding="utf-8")) for n in (1, 2)]
    for data, code, err in zip(reports, codes, errors, strict=True):
        SCHEMA.validate(data)
        assert data["exitCode"] == code
        if code != 0:
            assert data["summary"]["stale"] >= 1, err
            assert any(line.startswith("b2blint: stopped: ") for line in err.splitlines())
        assert data["summary"]["failed"] == 0, err
    # Honest: the operations the two reports call applied are the writes the emulator committed.
    applied = sorted(
        op["clientRequestId"]
        for data in reports
        for op in data["operations"]
        if op["status"] == "applied"
    )
    assert applied == sorted(e["clientRequestId"] for e in landed)
    fake.configure(latency_ms=0)
    rerun = run_cli(["apply", "policies", "--yes"], cwd=tmp_path)
    assert rerun.exit_code == 0, rerun.stderr
    final = run_cli(["plan", "policies", "--detailed-exitcode"], cwd=tmp_path)
    assert final.exit_code == 0, final.stdout
    assert sorted(p["tenantId"] for p in fake.state()["partners"]) == sorted(
        guid(i) for i in range(2 * COUNT)
    )
