"""Large inputs under the 5 MB cap (issue 9 item 10): the fast paths keep every finding.

The speed itself is measured by bench/bench_hostile_lint.py (no timed assertions here); these
tests pin what the faster code must still report, on real files, through the CLI.
"""

from __future__ import annotations

import gc
import json
from pathlib import Path

from tests.conftest import run_cli

HEAD = (
    "b2blint: 1\ntenant:\n  id: 6babcaad-604b-40ac-a9d7-9fd97c0b779f\n"
    "default:\n  inboundTrust: {isMfaAccepted: true}\npartners:\n"
)
PARTNER = "0b3e1c50-7c4e-4bd5-9d8b-5f8b2f0e8a10"


def test_one_partner_copied_2000_times_reports_every_copy_against_the_first(
    tmp_path: Path,
) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(HEAD + f"- tenantId: {PARTNER}\n" * 2000, encoding="utf-8")
    result = run_cli(["lint", "--format", "json", str(policy)])
    assert result.exit_code == 1
    findings = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "SCH005"]
    assert len(findings) == 1999
    # Lines 7.. hold the copies; every copy names the first one (line 7) as related.
    assert [(f["line"], f["column"]) for f in findings] == [(8 + i, 13) for i in range(1999)]
    assert {(r["line"], r["column"], r["path"]) for f in findings for r in f["related"]} == {
        (7, 13, "$.partners[0].tenantId")
    }
    assert findings[-1]["message"] == (f"partner {PARTNER} is already declared at {policy}:7")


def test_a_redundant_setting_after_a_differing_one_is_reported_for_every_partner(
    tmp_path: Path,
) -> None:
    # Each partner sets b2bCollaborationInbound (differs from the service default) and then
    # repeats the default's inboundTrust: XTA011 once per partner, at the inboundTrust key.
    entries = "".join(
        f"- tenantId: 0b3e1c50-7c4e-4bd5-9d8b-{index:012d}\n"
        "  settings:\n"
        "    b2bCollaborationInbound: {usersAndGroups: {accessType: blocked, targets: "
        "[{target: AllUsers, targetType: user}]}}\n"
        "    inboundTrust: {isMfaAccepted: true}\n"
        for index in range(300)
    )
    policy = tmp_path / "policy.yaml"
    policy.write_text(HEAD + entries, encoding="utf-8")
    result = run_cli(["lint", "--format", "json", "--select", "XTA011", str(policy)])
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["line"], f["column"]) for f in findings] == [
        ("XTA011", 10 + 4 * index, 5) for index in range(300)
    ]
    assert result.exit_code == 0


def test_lint_leaves_the_garbage_collector_as_it_found_it(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(HEAD + f"- tenantId: {PARTNER}\n", encoding="utf-8")
    assert gc.isenabled()
    assert run_cli(["lint", str(policy)]).exit_code == 0
    assert gc.isenabled()
    gc.disable()
    try:
        assert run_cli(["lint", str(policy)]).exit_code == 0
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_run_that_leaves_many_objects_freezes_them_and_they_are_still_freed(
    tmp_path: Path,
) -> None:
    # 30,000 partners leave well over FREEZE_AFTER objects alive at the end of the run.
    entries = "".join(f"- tenantId: 0b3e1c50-7c4e-4bd5-9d8b-{i:012d}\n" for i in range(30_000))
    policy = tmp_path / "policy.yaml"
    policy.write_text(HEAD + entries, encoding="utf-8")
    gc.unfreeze()
    alive_before = len(gc.get_objects())
    try:
        assert run_cli(["lint", "--select", "SCH", str(policy)]).exit_code == 0
        assert gc.isenabled()
        # Frozen at the end of the run (the count was 0), then the run's ~100,000 objects were
        # released with its result by reference counting: what stays frozen is about what was
        # alive before.
        assert 0 < gc.get_freeze_count() < alive_before + 5_000
    finally:
        gc.unfreeze()
