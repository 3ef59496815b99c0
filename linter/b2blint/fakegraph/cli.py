"""``python -m b2blint.fakegraph``: serve the emulator until SIGINT/SIGTERM.

Prints exactly one line, ``fakegraph listening on http://127.0.0.1:PORT``, once it accepts
connections (PORT 0 picks a free port). With ``--state FILE`` the tenant is loaded from FILE and
written back to it, atomically, on shutdown.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from b2blint.files.fsutil import atomic_write_text

from .options import DEFAULT_TENANT_ID, Options
from .server import make_server
from .state import State, StateError, load_state


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m b2blint.fakegraph",
        description="A local Microsoft Graph emulator for b2blint (loopback only).",
    )
    add = parser.add_argument
    add("--port", type=int, required=True, help="TCP port; 0 picks a free one")
    add("--host", default="127.0.0.1", help="127.0.0.1 (default), ::1 or localhost; nothing else")
    add("--tenant-id", help=f"the emulated tenant (default: the state's, else {DEFAULT_TENANT_ID})")
    add("--state", type=Path, help="JSON state to load at start and save on shutdown")
    add("--latency-ms", type=int, default=0, help="delay added to every Graph request")
    add("--throttle-rate", type=float, default=0.0, help="share of requests answered 429")
    add("--fail-rate", type=float, default=0.0, help="share answered 500/502/503/504")
    add("--drop-rate", type=float, default=0.0, help="share whose connection is dropped")
    add(
        "--commit-drop-rate",
        type=float,
        default=0.0,
        help="share of writes carried out, then dropped unanswered",
    )
    add("--retry-after", default="1", help='Retry-After of random 429s ("" for none)')
    add("--stale-reads", type=int, default=0, help="reads served stale after each write")
    add("--page-size", type=int, default=100, help="items per page before @odata.nextLink")
    add(
        "--size-limit",
        type=int,
        default=25600,
        help="cross-tenant policy size limit in bytes (0: off)",
    )
    add(
        "--duplicate-status",
        type=int,
        default=400,
        help="status of a duplicate partner POST (unverified; 400 or 409)",
    )
    add(
        "--read-only-writes",
        choices=("ignore", "refuse"),
        default="ignore",
        help="a read-only property in a write: ignore it (OData) or refuse it with 400",
    )
    add(
        "--nested-patch",
        choices=("merge", "replace"),
        default="replace",
        help="PATCH of some members of a complex value: replace it whole, or merge them (OData)",
    )
    add("--log", type=Path, help="append one JSON line per Graph request to this file")
    add("--seed", type=int, help="seed for random faults and generated ids")
    return parser


def _load(path: Path | None) -> tuple[State | None, str | None]:
    if path is None or not path.exists():
        return None, None
    data = json.loads(path.read_text(encoding="utf-8"))
    tenant = data.get("tenantId") if isinstance(data, dict) else None
    return load_state(data), tenant if isinstance(tenant, str) else None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the emulator; 0 on a signal-initiated shutdown, 2 on bad arguments or state."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        state, state_tenant = _load(args.state)
        options = Options(
            tenant_id=args.tenant_id or state_tenant or DEFAULT_TENANT_ID,
            page_size=args.page_size,
            size_limit=args.size_limit,
            duplicate_partner_status=args.duplicate_status,
            latency_ms=args.latency_ms,
            throttle_rate=args.throttle_rate,
            fail_rate=args.fail_rate,
            drop_rate=args.drop_rate,
            commit_drop_rate=args.commit_drop_rate,
            retry_after=args.retry_after,
            stale_reads=args.stale_reads,
            read_only_writes=args.read_only_writes,
            nested_patch=args.nested_patch,
            seed=args.seed,
        )
        server = make_server(options, args.host, args.port, state, args.log)
    except (ValueError, StateError, OSError) as error:
        sys.stderr.write(f"fakegraph: error: {error}\n")
        return 2
    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    sys.stdout.write(f"fakegraph listening on {server.url}\n")
    sys.stdout.flush()
    try:
        while not stop.wait(0.2):
            pass
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        server.emulator.close()
        if args.state is not None:
            text = json.dumps(server.emulator.state_json(), indent=2, ensure_ascii=False) + "\n"
            atomic_write_text(args.state, text)
    return 0
