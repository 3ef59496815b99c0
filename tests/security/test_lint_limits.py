"""Inputs under the 5 MB size limit that used to take seconds (attacks F2, F3 of 2026-12).

The timing itself lives in bench/ (no timed assertions here); these tests pin what the user
sees at the limits that keep such inputs fast.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from b2blint.files.document import MAX_NODES
from b2blint.schema import check
from tests.conftest import run_cli

HEAD = "b2blint: 1\ntenant:\n  id: 6babcaad-604b-40ac-a9d7-9fd97c0b779f\n"


def test_f2_flow_list_of_millions_of_items_stops_at_the_value_limit(tmp_path: Path) -> None:
    """4.8 MB, 2.4 million items: read only up to the 500,001st value."""
    (tmp_path / "t.yaml").write_text(HEAD + "x: [" + ",".join(["1"] * 2_390_000) + "]\n", "utf-8")
    result = run_cli(["lint", "t.yaml"], cwd=tmp_path)
    assert result.exit_code == 1
    # 9 values precede the list's items; item i stands at column 5 + 2 i.
    column = 5 + 2 * (MAX_NODES - 9)
    assert result.stdout == (
        f"t.yaml:4:{column}: SYN002 [error] more than 500,000 values in one file; split it "
        "into several files\nFound 1 error and 0 warnings in 1 file.\n"
    )


def test_f3_hundreds_of_thousands_of_unknown_keys_report_the_first_thousand(
    tmp_path: Path,
) -> None:
    (tmp_path / "t.yaml").write_text(
        HEAD + "".join(f"k{i}: 1\n" for i in range(230_000)), encoding="utf-8"
    )
    result = run_cli(["lint", "t.yaml"], cwd=tmp_path)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "t.yaml:1:1: SCH001 [error] more than 1,000 schema findings in this file; only the "
        "first 1,000 are shown"
    )
    assert lines[1] == "t.yaml:4:1: SCH002 [error] unknown property 'k0'"
    assert lines[1000] == "t.yaml:1003:1: SCH002 [error] unknown property 'k999'"
    assert lines[-1] == "Found 1001 errors and 0 warnings in 1 file."


def _partner(index: int) -> dict[str, object]:
    entry: dict[str, object] = {
        "tenantId": str(uuid.UUID(int=index + 1, version=4)),
        "name": f"P{index}",
    }
    if index % 17 == 3:
        entry["nme"] = "typo"  # SCH002 with a suggestion
    if index % 23 == 5:
        entry["settings"] = {"inboundTrust": {"isMfaAccepted": "yes"}}  # SCH001
    if index % 29 == 7:
        entry["settings"] = {"tenantId": "x", "isServiceProvider": True}  # SCH003 read-only
    if index % 31 == 11:
        entry["tenantId"] = "not-a-guid"
    return entry


def test_explaining_partner_by_partner_finds_exactly_what_the_whole_document_walk_finds() -> None:
    data = {
        "b2blint": 1,
        "tenant": {"id": "6babcaad-604b-40ac-a9d7-9fd97c0b779f", "extra": 1},
        "partners": [_partner(i) for i in range(200)],
    }
    assert len(data["partners"]) > check.SPLIT_PARTNERS
    whole = sorted(check._explain_whole(data, "v1.0"))  # the reference walk
    split = check.validate(data, "v1.0")
    assert len(split) == len(set(split))
    assert sorted(split) == sorted(set(whole))
    assert {finding.rule_id for finding in split} == {"SCH001", "SCH002", "SCH003"}
