"""Many partners under injected throttling and server errors: apply converges, exactly once."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from b2blint.fakegraph.server import RunningFake
from tests.conftest import run_cli
from tests.tenant.conftest import MFA_TRUST, PARTNERS, partner, write_tree


def test_g7_g6_200_new_partners_converge_with_429s_and_5xx_one_post_each(
    fake: RunningFake, tmp_path: Path
) -> None:
    ids = [f"{i:08x}-0000-4000-8000-{i:012x}" for i in range(1, 201)]
    tree = write_tree(
        tmp_path / "p",
        [partner(t, f"Partner {i}", {"inboundTrust": MFA_TRUST}) for i, t in enumerate(ids)],
    )
    # size_limit=0: the 25 KB cap was lifted in 2023 (graph-facts §4). rethrottle_early=False: with
    # 8 workers, requests already in flight when another gets its 429 arrive "early" through no
    # fault of theirs; re-throttling those for a whole second each would turn 20 % throttling into
    # a stall. Sending nothing early after a 429 is pinned at concurrency 1 (test_g6_* in e2e).
    fake.configure(
        throttle_rate=0.20,
        fail_rate=0.05,
        retry_after="0.05",
        seed=20240611,
        size_limit=0,
        rethrottle_early=False,
    )
    result = run_cli(["apply", str(tree), "--yes", "--concurrency", "8"])
    assert result.exit_code == 0, result.stdout[-2000:] + result.stderr[-2000:]
    log = fake.log()
    assert Counter(e["status"] for e in log)[429] > 20  # the faults really happened
    assert any(e["fault"] == "error" for e in log)
    posts = Counter(
        e["body"]["tenantId"]
        for e in log
        if e["method"] == "POST" and e["path"] == PARTNERS and e["committed"]
    )
    assert sorted(posts) == sorted(ids)
    assert set(posts.values()) == {1}  # exactly one committed POST per partner
    fake.configure(throttle_rate=0.0, fail_rate=0.0)
    assert run_cli(["plan", str(tree), "--detailed-exitcode"]).exit_code == 0
