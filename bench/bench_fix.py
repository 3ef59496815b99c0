"""``lint --fix`` speed when fixes empty mappings: 6,000 fixes on the 1,000-partner corpus.

    python bench/bench_fix.py [--partners N] [--runs R] [--keep DIR]

Builds the 1,000-partner file of bench/corpus.py (same partners, comments, quoting and flow
style), but writes out five settings in the default, and gives every partner a copy of them
plus the service default of a sixth: XTA011 (redundant-partner-setting) finds six fixes per
partner, and fixing them empties every partner's ``settings:`` mapping, the case that was
quadratic (attack F9: 800 fixes 33 s, 6,000 never finished). Each run copies the file to a
fresh directory, runs ``b2blint lint --fix`` in a subprocess and prints wall and CPU seconds
(CPU is steadier on a shared machine), peak RSS (MiB), the exit code and the note.
Target: 6,000 fixes in <= 5 s on the 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # bench scripts run from anywhere

BIN = Path(sys.executable).parent

DEFAULT_SETTINGS = [
    "inboundTrust: {isMfaAccepted: false, isCompliantDeviceAccepted: false,"
    " isHybridAzureADJoinedDeviceAccepted: false}",
    *(
        line.strip("\n")[2:]
        for name, access in (
            ("b2bCollaborationInbound", "allowed"),
            ("b2bCollaborationOutbound", "allowed"),
            ("b2bDirectConnectInbound", "blocked"),
            ("b2bDirectConnectOutbound", "blocked"),
        )
        for line in corpus._setting(  # the corpus's own block writer
            name, (access, corpus.ALL_USERS), (access, corpus.ALL_APPS), "  ", False
        )
    ),
]

# automaticUserConsentSettings is read-only in the default (SCH003): partners repeat the
# service default for it instead.
PARTNER_SETTINGS = [
    *DEFAULT_SETTINGS,
    "automaticUserConsentSettings: {inboundAllowed: false, outboundAllowed: false}",
]


def policy_text(partners: int) -> str:
    """The corpus's one-big file with six redundant settings in every partner."""
    lines = [*corpus.HEADER, *corpus.TENANT_AND_DEFAULT[:4], "default:"]
    lines += [f"  {line}" for line in DEFAULT_SETTINGS]
    lines.append("partners:")
    rng = random.Random(424242)
    for index in range(1, partners + 1):
        entry = corpus.partner_lines(index, rng)
        cut = entry.index("  settings:")
        lines += [*entry[: cut + 1], *(f"    {line}" for line in PARTNER_SETTINGS)]
    return "\n".join(lines) + "\n"


def run_once(text: str, keep: Path | None) -> tuple[float, float, float, int, str]:
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        (folder / "policy.yaml").write_text(text, encoding="utf-8")
        command = [str(BIN / "b2blint"), "lint", "--fix", "--select", "XTA011", "policy.yaml"]
        start = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        assert process.stderr is not None
        err = process.stderr.read().decode("utf-8", "replace")
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        if keep is not None:
            shutil.copy(folder / "policy.yaml", keep / "fixed.yaml")
        cpu = usage.ru_utime + usage.ru_stime
        return elapsed, cpu, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), err.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="copy the input and fixed file here")
    args = parser.parse_args(argv)
    text = policy_text(args.partners)
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        (args.keep / "policy.yaml").write_text(text, encoding="utf-8")
    print(f"{args.partners} partners, {len(text.encode()):,} bytes, {text.count(chr(10)):,} lines")
    results = [run_once(text, args.keep) for _ in range(args.runs)]
    for elapsed, cpu, mib, code, err in results:
        print(f"  {elapsed:.2f} s wall  {cpu:.2f} s CPU  {mib:.0f} MiB  exit {code}  {err}")
    print(
        f"median {statistics.median(r[0] for r in results):.2f} s wall, "
        f"{statistics.median(r[1] for r in results):.2f} s CPU"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
