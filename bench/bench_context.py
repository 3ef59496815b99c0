"""Cost of Conditional Access context (issue 13, "Speed"): lint of the 1,000-partner corpus with
200 Conditional Access policies in context against the same corpus without, and simulate with
context. Targets: lint with context <= 1.25 x lint without; simulate < 0.5 s.

    python bench/bench_context.py [--runs N] [--json FILE]

Generates the deterministic corpus (bench/corpus.py) and a deterministic context of 200
policies over it (`context_lines`: Microsoft's guest-MFA template for all external users,
policies enumerating partner tenants, admin policies with roles that exclude guests, device
policies that exclude guests, report-only strengths, location-scoped policies; so every CAX rule
and XTA003 walk every partner against every policy). Then runs, alternately (one round-robin,
after a warm-up), ``b2blint lint one-big/`` (no context) and ``b2blint lint with-context/``
(the same policy file + context.yaml), and ``b2blint simulate with-context/`` for an inbound
direct connect sign-in. Prints median wall and CPU seconds, peak RSS and the ratio.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from bench_lint import find_tool, measure  # one runner and tool lookup for every benchmark

HERE = Path(__file__).resolve().parent
ALL_TYPES = (
    "internalGuest,b2bCollaborationGuest,b2bCollaborationMember,b2bDirectConnectUser,"
    "otherExternalUser,serviceProvider"
)
ADMIN_ROLE = "62e90394-69f5-4237-9190-012177145e10"


def context_lines(tenants: list[str], count: int = 200) -> list[str]:
    """``count`` Conditional Access policies as a context file, deterministic."""
    rng = random.Random(1313)
    lines = ["b2blint: 1", "conditionalAccessPolicies:"]
    for index in range(count):
        shape = index % 10
        state = "enabledForReportingButNotEnforced" if shape == 8 else "enabled"
        lines += [
            f"  - id: {index:08d}-0000-4000-8000-000000000000",
            f"    displayName: Context policy {index}",
            f"    state: {state}",
            "    conditions:",
            "      clientAppTypes: [all]",
            "      applications: {includeApplications: [All]}",
        ]
        if shape == 9:
            lines.append(
                "      locations: {includeLocations: [All], excludeLocations: [AllTrusted]}"
            )
        lines.append("      users:")
        if shape in (0, 1, 8, 9):  # every guest and external user
            lines += [
                "        includeGuestsOrExternalUsers:",
                f"          guestOrExternalUserTypes: {ALL_TYPES}",
                "          externalTenants: {membershipKind: all}",
            ]
        elif shape in (2, 3, 4):  # a few partner tenants
            members = ", ".join(rng.sample(tenants, 5))
            lines += [
                "        includeGuestsOrExternalUsers:",
                "          guestOrExternalUserTypes: b2bCollaborationGuest,b2bCollaborationMember",
                f"          externalTenants: {{membershipKind: enumerated, members: [{members}]}}",
            ]
        else:  # admins or all users, guests excluded
            lines += [
                f"        includeRoles: [{ADMIN_ROLE}]"
                if shape == 5
                else "        includeUsers: [All]",
                "        excludeGuestsOrExternalUsers:",
                f"          guestOrExternalUserTypes: {ALL_TYPES}",
                "          externalTenants: {membershipKind: all}",
            ]
        if shape in (6, 7):
            lines += [
                "    grantControls:",
                "      operator: OR",
                "      builtInControls: [compliantDevice, domainJoinedDevice]",
            ]
        elif shape in (3, 8):
            lines += [
                "    grantControls:",
                "      operator: OR",
                "      authenticationStrength: {id: 00000000-0000-0000-0000-000000000002}",
            ]
        else:
            lines.append("    grantControls: {operator: OR, builtInControls: [mfa]}")
    return lines


def evaluation_only(tree: Path, tenants: list[str]) -> dict[str, float]:
    """Seconds per simulate() call with the context loaded once (inbound, both kinds)."""
    import time

    from b2blint.access.simulate import AccessKind, Direction, Question, simulate
    from b2blint.lint.tree import read_tree

    policy = read_tree([str(tree)], lint=False).policy
    questions = [
        Question(tenant, kind, Direction.INBOUND, app="Office365")
        for tenant in tenants[:200]
        for kind in (AccessKind.B2B_COLLABORATION, AccessKind.B2B_DIRECT_CONNECT)
    ]
    start = time.perf_counter()
    for question in questions:
        simulate(policy, question)
    each = (time.perf_counter() - start) / len(questions)
    print(f"simulate() in-process, 200 CA policies: {each * 1000:.2f} ms per question", flush=True)
    return {"per_question_s": each}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE))
    import corpus

    b2blint = find_tool("b2blint")
    work = Path(tempfile.mkdtemp(prefix="b2blint-context-"))
    try:
        corpus.write(work)
        plain = work / "one-big"
        policy_text = (plain / "policy.yaml").read_text("utf-8")
        tenants = re.findall(r"tenantId: '?\"?([0-9a-f-]{36})", policy_text)
        with_context = work / "with-context"
        with_context.mkdir()
        shutil.copy(plain / "policy.yaml", with_context / "policy.yaml")
        (with_context / "context.yaml").write_text("\n".join(context_lines(tenants)) + "\n")
        direct = [
            "simulate", str(with_context), "--partner", tenants[0], "--kind",
            "b2b-direct-connect", "--direction", "inbound", "--app", "Office365",
        ]  # fmt: skip
        commands = {
            "lint without context": [b2blint, "lint", str(plain)],
            "lint with 200 CA policies": [b2blint, "lint", str(with_context)],
            "simulate with context": [b2blint, *direct],
        }
        for command in commands.values():
            measure(command)  # warm-up
        samples: dict[str, list[tuple[float, float, int, float]]] = {k: [] for k in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                samples[name].append(measure(command))
        results: dict[str, dict[str, float]] = {}
        for name, found in samples.items():
            results[name] = {
                "median_s": statistics.median(s[0] for s in found),
                "median_cpu_s": statistics.median(s[3] for s in found),
                "peak_mib": max(s[1] for s in found),
            }
            codes = sorted({s[2] for s in found})
            print(
                f"{name:28} median {results[name]['median_s']:.3f}s wall  "
                f"{results[name]['median_cpu_s']:.3f}s cpu  {results[name]['peak_mib']:.0f}MiB  "
                f"(exit {codes})",
                flush=True,
            )
        without = samples["lint without context"]
        within = samples["lint with 200 CA policies"]
        ratio = statistics.median(b[0] / a[0] for a, b in zip(without, within, strict=True))
        cpu_ratio = statistics.median(b[3] / a[3] for a, b in zip(without, within, strict=True))
        results["ratio"] = {"wall": ratio, "cpu": cpu_ratio}
        results["simulate() in-process"] = evaluation_only(with_context, tenants)
        print(
            f"lint with / without context: {ratio:.3f} wall, {cpu_ratio:.3f} cpu (target <= 1.25)"
        )
        if args.json:
            args.json.write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
