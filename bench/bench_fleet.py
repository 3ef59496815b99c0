"""Fleet speed: ``b2blint lint`` of a generated fleet, and ``fleet matrix --changed-since``.

    python bench/bench_fleet.py [--tenants 30,100,300] [--runs 3] [--keep DIR]

Each fleet has one baseline (the group baseline of examples/fleet, with the tenant ID, name and
invitable domains as variables), and per tenant a tenant.yaml and 20 partners in one file; 40
of the pairs are between fleet tenants at 300 tenants (scaled: 4 at 30, 13 at 100), each
configured on both sides. The fleet lints clean. The fleet is a git repository; the matrix run
diffs against HEAD after one tenant file and nothing else changed (and once after the baseline
changed, which touches every tenant).

Prints, per size, the median wall seconds and the peak RSS (MiB) of the ``b2blint`` process
(console script, as CI runs it), and its exit code. Targets (issue 14): lint of 300 tenants
<= 5 s and <= 500 MB; matrix <= 1 s; time and memory grow linearly with tenants.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent
PARTNERS_PER_TENANT = 20
PAIRS_AT_300 = 40


def guid(kind: str, index: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"b2blint-bench/{kind}/{index}"))


def external_partner(tenant: int, index: int) -> str:
    tenant_id = guid("external", tenant * 100 + index)
    return (
        f"  - tenantId: {tenant_id}\n"
        f"    name: Partner {tenant}-{index}\n"
        f"    domains: [p{tenant}x{index}.example.com]\n"
        "    settings:\n"
        "      inboundTrust:\n"
        "        isMfaAccepted: true\n"
        "      b2bCollaborationInbound:\n"
        "        usersAndGroups:\n"
        "          accessType: allowed\n"
        "          targets:\n"
        f"            - {{target: {guid('group', tenant * 100 + index)}, targetType: group}}\n"
        "        applications:\n"
        "          accessType: allowed\n"
        "          targets:\n"
        "            - {target: Office365, targetType: application}\n"
    )


def fleet_partner(other: int) -> str:
    return (
        f"  - tenantId: {guid('tenant', other)}\n"
        f"    name: Tenant {other}\n"
        f"    domains: [t{other}.example.com]\n"
        "    settings:\n"
        "      inboundTrust:\n"
        "        isMfaAccepted: true\n"
    )


def generate(root: Path, tenants: int) -> None:
    """Write the fleet under ``root`` (deterministic)."""
    baseline = (ROOT / "examples" / "fleet" / "baselines" / "group-baseline.yaml").read_text(
        "utf-8"
    )
    (root / "baselines").mkdir(parents=True)
    (root / "baselines" / "group-baseline.yaml").write_text(baseline, "utf-8")
    pairs_wanted = max(1, round(PAIRS_AT_300 * tenants / 300))
    pairs = [(2 * k, 2 * k + 1) for k in range(pairs_wanted)]
    partner_of: dict[int, list[int]] = {}
    for a, b in pairs:
        partner_of.setdefault(a, []).append(b)
        partner_of.setdefault(b, []).append(a)
    fleet = ["b2blint-fleet: 1", "layers:", "  - name: group-baseline",
             "    path: baselines/group-baseline.yaml", "tenants:"]  # fmt: skip
    for index in range(tenants):
        others = partner_of.get(index, [])
        externals = PARTNERS_PER_TENANT - len(others)
        domains = [f"t{other}.example.com" for other in others] + [
            f"p{index}x{n}.example.com" for n in range(externals)
        ]
        fleet += [
            f"  - name: t{index}",
            f"    path: tenants/t{index}",
            "    layers: [group-baseline]",
            "    variables:",
            f"      tenantId: {guid('tenant', index)}",
            f"      tenantName: Tenant {index}",
            f"      invitableDomains: [{', '.join(domains)}]",
        ]
        directory = root / "tenants" / f"t{index}"
        directory.mkdir(parents=True)
        (directory / "tenant.yaml").write_text(
            f"b2blint: 1\ntenant:\n  domains: [t{index}.example.com]\n", "utf-8"
        )
        body = "".join(fleet_partner(o) for o in others) + "".join(
            external_partner(index, n) for n in range(externals)
        )
        (directory / "partners.yaml").write_text(f"b2blint: 1\npartners:\n{body}", "utf-8")
    (root / "fleet.yaml").write_text("\n".join(fleet) + "\n", "utf-8")


def measure(command: list[str], cwd: Path) -> tuple[float, float, int, float]:
    """Wall seconds, peak RSS (MiB), exit code and CPU seconds (user + system) of one run.

    CPU time is printed too: on a shared machine the wall time measures the neighbours."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    assert process.stderr is not None
    process.stderr.close()
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), cpu


def median_run(command: list[str], cwd: Path, runs: int) -> tuple[float, float, int, float]:
    measure(command, cwd)  # warm-up: page cache and bytecode
    results = [measure(command, cwd) for _ in range(runs)]
    return (
        statistics.median(r[0] for r in results),
        max(r[1] for r in results),
        results[-1][2],
        statistics.median(r[3] for r in results),
    )


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=b@example.com", "-c", "user.name=bench", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tenants", default="30,100,300")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="Generate the fleets here and keep them.")
    options = parser.parse_args()
    b2blint = str(BIN / "b2blint")
    base = options.keep or Path(tempfile.mkdtemp(prefix="b2blint-fleet-bench-"))
    try:
        for size in [int(x) for x in options.tenants.split(",")]:
            root = base / f"fleet-{size}"
            if root.exists():
                shutil.rmtree(root)
            generate(root, size)
            lint = median_run([b2blint, "lint", "."], root, options.runs)
            git(root, "init", "-q")
            git(root, "add", "-A")
            git(root, "commit", "-qm", "fleet")
            with (root / "tenants" / "t1" / "tenant.yaml").open("a", encoding="utf-8") as f:
                f.write("# one tenant changed\n")
            command = [b2blint, "fleet", "matrix", "--changed-since", "HEAD"]
            one = median_run(command, root, options.runs)
            with (root / "baselines" / "group-baseline.yaml").open("a", encoding="utf-8") as f:
                f.write("# the baseline changed\n")
            every = median_run(command, root, options.runs)
            print(
                f"{size:4} tenants  lint {lint[0]:.2f}s (cpu {lint[3]:.2f}s) {lint[1]:.0f}MiB "
                f"(exit {lint[2]})  matrix one-tenant {one[0]:.2f}s (cpu {one[3]:.2f}s) "
                f"{one[1]:.0f}MiB  baseline {every[0]:.2f}s (cpu {every[3]:.2f}s) "
                f"{every[1]:.0f}MiB",
                flush=True,
            )
    finally:
        if options.keep is None:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
