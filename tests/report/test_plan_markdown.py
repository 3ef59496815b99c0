"""The Markdown plan fits a pull-request comment: a 500-partner plan against the emulator."""

from __future__ import annotations

import re
from pathlib import Path

from b2blint.fakegraph.server import RunningFake
from b2blint.tenant.planformat import COMMENT_LIMIT
from tests.conftest import run_cli
from tests.tenant.conftest import (
    COLLAB_IN,
    FABRIKAM,
    MFA_TRUST,
    SYNC_ON,
    TENANT,
    partner,
    write_tree,
)

N = 500
IDS = [f"{i:08x}-0000-4000-8000-{i:012x}" for i in range(1, N + 1)]
SETTINGS = {
    "inboundTrust": MFA_TRUST,
    "automaticUserConsentSettings": {"inboundAllowed": True},
    "b2bDirectConnectInbound": COLLAB_IN,
}
MARKER = f"<!-- b2blint-plan tenant={TENANT} -->"


def _big_tree(root: Path) -> Path:
    tree = write_tree(
        root, [partner(t, f"Partner {i}", SETTINGS, SYNC_ON) for i, t in enumerate(IDS)]
    )
    # 500 partners are over the documented 25 KB policy size (XTA001); the emulator enforces
    # none (size_limit=0), as tenants since 2023 (graph-facts §4).
    (tree / ".b2blint.yaml").write_text("rules:\n  XTA001: off\n", "utf-8")
    return tree


def test_a_500_partner_plan_fits_a_comment_and_counts_what_it_cuts(
    fake: RunningFake, tmp_path: Path
) -> None:
    fake.configure(size_limit=0)
    tree = _big_tree(tmp_path / "p")
    config = str(tree / ".b2blint.yaml")
    result = run_cli(["plan", str(tree), "--format", "markdown", "--config", config])
    assert result.exit_code == 0, result.stderr[-2000:]
    text = result.stdout
    assert len(text) <= COMMENT_LIMIT
    assert len(text.encode("utf-16-le")) // 2 <= COMMENT_LIMIT
    assert fake.writes() == []
    lines = text.splitlines()
    assert lines[0] == f"### b2blint plan: tenant Contoso ({TENANT}), global cloud"
    assert lines[2] == f"**{N} to create, 0 to update, 0 to delete ({2 * N} Graph writes)**"
    assert lines[4] == "> [!NOTE]"
    assert lines[-1] == MARKER
    assert "<summary>Graph requests" not in text

    # Access changes: the first ones in order, then the exact count of the rest.
    access = [line for line in lines if line.startswith("- **Partner ")]
    assert len(access) >= N // 2
    assert access == [
        f"- **Partner {i}** · inbound B2B direct connect · blocked for everyone → users: all; "
        "apps: all; MFA trust: yes (new partner entry)"
        for i in range(len(access))
    ]
    assert (
        lines[lines.index(access[-1]) + 1] == f"- … {N - len(access)} more access changes not shown"
    )

    # Objects: whole tables for the first ones, then what the rest hold.
    shown = [line for line in lines if line.startswith("#### + partner Partner ")]
    assert shown == [f"#### + partner Partner {i} ({IDS[i]}): create" for i in range(len(shown))]
    rows = sum(line.startswith("| `") for line in lines)
    assert rows == 7 * len(shown)  # 3 settings + 4 leaves of automaticUserConsentSettings, sync
    cut = N - len(shown)
    assert (
        f"_{cut} more objects not shown ({cut} to create, 0 to update, 0 to delete; "
        f"{7 * cut} property changes)._"
    ) in lines

    # Warnings (two per partner): the first ones, then the count.
    warned = [line for line in lines if line.startswith("> - **partner ")]
    assert 0 < len(warned) < 2 * N
    assert f"> - … {2 * N - len(warned)} more warnings not shown" in lines

    # The whole plan (the workflow's artifact) has every change.
    full = run_cli(["plan", str(tree), "--config", config, "--quiet"])
    assert full.exit_code == 0, full.stderr[-2000:]
    assert len(re.findall(r"^  Partner \d+ · inbound B2B direct connect", full.stdout, re.M)) == N


def test_a_small_plan_is_whole_with_its_requests_and_the_marker(
    fake: RunningFake, tmp_path: Path
) -> None:
    tree = write_tree(tmp_path / "p", [partner(FABRIKAM, "Fabrikam", {"inboundTrust": MFA_TRUST})])
    result = run_cli(["plan", str(tree), "--format", "markdown"])
    assert result.exit_code == 0, result.stderr
    assert "[!NOTE]" not in result.stdout
    assert "not shown" not in result.stdout
    assert "<details><summary>Graph requests (1)</summary>" in result.stdout
    assert result.stdout.endswith(f"\n\n{MARKER}\n")
    assert result.stdout.count(MARKER) == 1
