"""What a hostile Graph server costs ``b2blint plan`` with the default limits (attacks F21, F22).

    python bench/bench_hostile.py [--pause 10] [--gib 1]

Starts the emulator behind the test suite's hostile proxy (tests/security/hostile.py, real
HTTP on 127.0.0.1), then runs ``b2blint plan`` as a user does, in a subprocess, and reports
wall seconds, peak RSS and the exit code for:

- ``baseline``: the emulator's answer passed through;
- ``slow-loris``: headers, then one body byte every ``--pause`` seconds (F21: was still waiting
  after 600 s); the default request deadline (60 s) must end it;
- ``huge``: a ``--gib`` GiB chunked body with no Content-Length (F22: was accepted, 3.8 GB
  peak); the default size limit (32 MiB) must end it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from bench_lint import find_tool, measure

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from b2blint.fakegraph.server import start  # noqa: E402
from b2blint.fakegraph.tokens import mint  # noqa: E402
from tests.security.hostile import HostileProxy, forever, trickle  # noqa: E402
from tests.tenant.conftest import FABRIKAM, MFA_TRUST, TENANT, partner, write_tree  # noqa: E402

CHUNK = 64 * 1024


def _huge(gib: float) -> Iterator[bytes | float]:
    yield b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    piece = b"%x\r\n" % CHUNK + b" " * CHUNK + b"\r\n"
    for _ in range(int(gib * 1024**3) // CHUNK):
        yield piece
    yield b"0\r\n\r\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pause", type=float, default=10.0, help="slow loris: seconds per byte")
    parser.add_argument("--gib", type=float, default=1.0, help="size of the huge body")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    b2blint = find_tool("b2blint")
    slow_head = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
    )
    scenarios = {
        "baseline": None,
        "slow-loris": lambda _r, _u: trickle(slow_head, forever(b" "), args.pause),
        "huge": lambda _r, _u: _huge(args.gib),
    }
    figures: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as scratch, start(tenant_id=TENANT) as fake:
        tree = write_tree(
            Path(scratch) / "p", [partner(FABRIKAM, "Fabrikam", {"inboundTrust": MFA_TRUST})]
        )
        with HostileProxy(fake.url) as proxy:
            os.environ["B2BLINT_GRAPH_URL"] = proxy.url
            os.environ["B2BLINT_ACCESS_TOKEN"] = mint(TENANT)
            for name, mutator in scenarios.items():
                proxy.reset(mutator)
                seconds, mib, code = measure([b2blint, "plan", str(tree)])
                figures[name] = {"seconds": round(seconds, 2), "peak_mib": round(mib, 1),
                                 "exit": code}
                print(f"{name:<11} {seconds:8.2f} s  {mib:7.1f} MiB peak RSS  exit {code}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
