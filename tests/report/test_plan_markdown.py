"""The Markdown plan fits a pull-request comment: a 500-partner plan against the emulator."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from b2blint.fakegraph.server import RunningFake
from b2blint.tenant.plan import Plan, Unmanaged
from b2blint.tenant.planformat import COMMENT_LIMIT, render_markdown
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
SAME = 100  # partners whose access change is the same
IDS = [f"{i:08x}-0000-4000-8000-{i:012x}" for i in range(1, N + 1)]
COMMON = {"inboundTrust": MFA_TRUST, "automaticUserConsentSettings": {"inboundAllowed": True}}
MARKER = f"<!-- b2blint-plan tenant={TENANT} -->"
ALL_OPEN = (
    "inbound B2B direct connect · blocked for everyone → users: all; apps: all; MFA trust: yes"
)


def _group(i: int) -> str:
    return f"{i:08x}-aaaa-4bbb-8ccc-{i:012x}"


def _settings(i: int) -> dict[str, Any]:
    """The first 100 open direct connect to everyone (one access change, said 100 times); the
    400 others to one group each (400 different access changes: more than fit)."""
    if i < SAME:
        return {**COMMON, "b2bDirectConnectInbound": COLLAB_IN}
    users = {"accessType": "allowed", "targets": [{"target": _group(i), "targetType": "group"}]}
    apps = COLLAB_IN["applications"]
    return {**COMMON, "b2bDirectConnectInbound": {"usersAndGroups": users, "applications": apps}}


def _big_tree(root: Path) -> Path:
    partners = [partner(t, f"Partner {i}", _settings(i), SYNC_ON) for i, t in enumerate(IDS)]
    tree = write_tree(root, partners)
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

    # Access changes: the one said of 100 partners is one complete line; of the 400 others,
    # the first ones, in order, then the exact count of the rest.
    names = ", ".join(f"**Partner {i}**" for i in range(SAME))
    start = lines.index("### Access changes") + 2
    assert lines[start] == f"- {names} · {ALL_OPEN} (new partner entry)"
    single = []
    for line in lines[start + 1 :]:
        if not line.startswith("- **"):
            break
        single.append(line)
    assert (N - SAME) // 2 < len(single) < N - SAME
    assert single == [
        f"- **Partner {i}** · inbound B2B direct connect · blocked for everyone → users: only "
        f"group {_group(i)[:8]}…; apps: all; MFA trust: yes (new partner entry)"
        for i in range(SAME, SAME + len(single))
    ]
    assert lines[start + 1 + len(single)] == (
        f"- … {N - SAME - len(single)} more access changes not shown"
    )

    # Objects: whole tables for the first ones, then what the rest hold.
    shown = [line for line in lines if line.startswith("#### + partner Partner ")]
    assert shown == [f"#### + partner Partner {i} ({IDS[i]}): create" for i in range(len(shown))]
    rows = sum(line.startswith("| `") for line in lines)
    assert rows == 7 * len(shown)  # inboundTrust, 4 consent leaves, direct connect, sync
    cut = N - len(shown)
    assert (
        f"_{cut} more objects not shown ({cut} to create, 0 to update, 0 to delete; "
        f"{7 * cut} property changes)._"
    ) in lines

    # Warnings (two per partner): the first ones, then the count.
    warned = [line for line in lines if line.startswith("> - **partner ")]
    assert 0 < len(warned) < 2 * N
    assert f"> - … {2 * N - len(warned)} more warnings not shown" in lines

    # The whole plan (the workflow's artifact) has every change, one per line.
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


def test_unmanaged_partners_are_counted_when_they_do_not_fit() -> None:
    """2,000 live partners the YAML does not declare (built as a Plan: the emulator takes half
    a minute to serve that many): the summary counts them all, the list shows the first ones
    and counts the rest."""
    unmanaged = tuple(
        Unmanaged(f"{i:08x}-1111-4222-8333-{i:012x}", f"Org {i}", False) for i in range(2000)
    )
    plan = Plan(
        tenant_id=TENANT, cloud="global", objects=(), unmanaged=unmanaged,
        unmanaged_properties=(), prune=False, live_hashes={}, partner_list_hash="",
        yaml_hash="", sources=("policies",), created="", read_kinds=(), beta_kinds=(),
    )  # fmt: skip
    text = render_markdown(plan, "Contoso")
    assert len(text) <= COMMENT_LIMIT
    lines = text.splitlines()
    assert lines[2] == "**No changes.** The live tenant matches the YAML."
    assert lines[4] == "> [!NOTE]"
    assert "<details><summary>2000 unmanaged partners (left alone; --prune deletes them)" in text
    listed = [line for line in lines if line.startswith("- Org ")]
    assert listed == [f"- Org {u.name[4:]} `{u.tenant_id}`" for u in unmanaged[: len(listed)]]
    assert 0 < len(listed) < len(unmanaged)
    assert f"- … {len(unmanaged) - len(listed)} more unmanaged partners not shown" in lines
    assert lines[-3:] == ["</details>", "", MARKER]
