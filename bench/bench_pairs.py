"""Cost of the two-sided pass (PAIR rules) on a fleet, in process, apart from the tenants' own
lint (issue 14: a 300-tenant fleet, 20 partners each, 40 pairs between fleet tenants, must lint
in 5 s; this is the part the pairs add).

    python bench/bench_pairs.py [--tenants 30,100,300] [--runs N]

For each fleet size it builds the tenants' policies in memory (each with 20 partner entries,
and 40 pairs of fleet tenants that are each other's partners, one PAIR001 finding each), then
reports the median wall seconds over N runs of ``lint_pairs`` (pair finding, every PAIR rule,
suppressions) and of ``find_pairs`` alone. Building the policies is not measured.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "linter"))

from b2blint.files.document import parse_text
from b2blint.lint.config import Config
from b2blint.lint.pairs import lint_pairs
from b2blint.policy.model import Policy, build_policy
from b2blint.policy.pairs import find_pairs

PARTNERS = 20
PAIRS = 40
ALLOW = (
    "      b2bCollaborationInbound:\n"
    "        usersAndGroups: {accessType: allowed, targets: "
    "[{target: AllUsers, targetType: user}]}\n"
    "        applications: {accessType: allowed, targets: [{target: Office365, targetType: "
    "application}]}\n"
)
BLOCK = ALLOW.replace("Inbound", "Outbound").replace("allowed", "blocked")


def tenant_id(index: int) -> str:
    return f"{index:08x}-0000-4000-8000-000000000000"


def outside_id(tenant: int, index: int) -> str:
    return f"{tenant:08x}-{index:04x}-4000-8000-111111111111"


def fleet(size: int) -> dict[str, Policy]:
    """``size`` tenants; tenants 2k and 2k+1 (k < 40) partner each other, the rest of the 20
    entries are organizations outside the fleet."""
    policies: dict[str, Policy] = {}
    for index in range(size):
        mate = index ^ 1 if index < 2 * PAIRS and (index ^ 1) < size else None
        lines = [f"b2blint: 1\ntenant: {{id: {tenant_id(index)}, name: T{index}}}\npartners:\n"]
        for slot in range(PARTNERS):
            other = tenant_id(mate) if slot == 0 and mate is not None else outside_id(index, slot)
            settings = ""
            if slot == 0 and mate is not None:
                settings = "    settings:\n" + (ALLOW if index % 2 == 0 else BLOCK)
            lines.append(f"  - tenantId: {other}\n    name: P{slot}\n{settings}")
        text = "".join(lines)
        policies[f"t{index:03d}"] = build_policy([parse_text(text, f"t{index:03d}/tenant.yaml")])
    return policies


def median(call: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tenants", default="30,100,300")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    config = Config()
    print("tenants  pairs  findings  lint_pairs s  find_pairs s")
    for size in (int(n) for n in args.tenants.split(",")):
        policies = fleet(size)
        found = lint_pairs(policies, config)
        pairs = len(list(find_pairs(policies)))
        whole = median(functools.partial(lint_pairs, policies, config), args.runs)
        finding = median(functools.partial(lambda p: list(find_pairs(p)), policies), args.runs)
        print(f"{size:7d}  {pairs:5d}  {len(found):8d}  {whole:12.4f}  {finding:12.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
