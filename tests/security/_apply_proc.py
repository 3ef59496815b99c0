"""A real ``b2blint apply`` in its own process, pointed at an emulator on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from b2blint.fakegraph.server import RunningFake
from tests.tenant.conftest import FABRIKAM, TENANT, partner, write_tree

MFA_OFF = {"inboundTrust": {"isMfaAccepted": False}}


def guid(i: int) -> str:
    return f"{i:08x}-0000-4000-8000-00000000a11e"


def partners_tree(root: Path, count: int, settings: dict[str, Any] | None = None) -> Path:
    """``count`` partners in the YAML, each wanting MFA trust off."""
    entries = [partner(guid(i), f"Partner {i}", settings or MFA_OFF) for i in range(count)]
    return write_tree(root, entries)


def live_partners(fake: RunningFake, count: int, **settings: Any) -> None:
    """The same partners live, with ``settings`` (default: MFA trusted, so each needs a PATCH)."""
    body = settings or {"inboundTrust": {"isMfaAccepted": True}}
    fake.configure(size_limit=0)  # many partners: past the old 25 KB store limit (docs/graph.md)
    fake.set_state(
        {"tenantId": TENANT, "partners": [{"tenantId": guid(i), **body} for i in range(count)]}
    )


def start_apply(fake: RunningFake, args: Sequence[str], cwd: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "B2BLINT_GRAPH_URL": fake.url,
        "B2BLINT_ACCESS_TOKEN": fake.token(),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("B2BLINT_AUTH", None)
    env.pop("B2BLINT_CLOUD", None)
    return subprocess.Popen(
        [sys.executable, "-m", "b2blint", "apply", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until(condition: Callable[[], bool], limit: float = 60.0) -> None:
    """Poll ``condition`` (a generous limit: a guard against a hang, not a timed assertion)."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the condition was never met")
        time.sleep(0.02)


def fault_fired(fake: RunningFake) -> bool:
    """True once a scripted fault has fired (counted when the request arrives, not answered)."""
    import httpx

    faults = httpx.get(fake.url + "/_fake/faults").json()["faults"]
    return any(fault["fired"] for fault in faults)


def committed_writes(fake: RunningFake) -> list[dict[str, Any]]:
    return [entry for entry in fake.writes() if entry["committed"]]


__all__ = ["FABRIKAM", "guid"]
