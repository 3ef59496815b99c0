"""The emulator's settings: fidelity knobs (page size, limits, unverified statuses) and faults."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from .schema import GUID_RE

DEFAULT_TENANT_ID = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
READ_ONLY_WRITES = ("ignore", "refuse")
NESTED_PATCH = ("merge", "replace")


@dataclasses.dataclass(frozen=True)
class Options:
    """Everything configurable; `start`, the CLI and ``PATCH /_fake/config`` set these."""

    tenant_id: str = DEFAULT_TENANT_ID
    #: Items per page of a collection before ``@odata.nextLink`` (unverified for partners).
    page_size: int = 100
    #: Bytes the cross-tenant policy may reach (1024*25 [S31]); 0 turns the check off.
    size_limit: int = 25600
    #: Characters of a b2bManagementPolicy definition ("25,000 characters" [S33]); 0: off.
    b2b_size_limit: int = 25000
    #: Status of a duplicate partner POST (the code is documented [S39], the status is not).
    duplicate_partner_status: int = 400
    #: Extra delay before every Graph request is answered.
    latency_ms: int = 0
    #: Probabilities, per Graph request, of the random faults (deterministic with ``seed``).
    throttle_rate: float = 0.0
    fail_rate: float = 0.0
    drop_rate: float = 0.0
    commit_drop_rate: float = 0.0
    #: Retry-After of random 429s ("" for none).
    retry_after: str = "1"
    #: Reads served from the state before a write, after each write (eventual consistency).
    stale_reads: int = 0
    #: Answer a request that ignores a Retry-After with another 429 (Dev Proxy's RetryAfterPlugin).
    rethrottle_early: bool = True
    #: A read-only (or create-only) property in a write: "ignore" it, as OData v4.01 Part 1
    #: §11.4.3 says a service MUST [S62], or "refuse" it with 400 (stricter; Graph unverified).
    read_only_writes: str = "ignore"
    #: A PATCH naming some members of a complex value: "replace" the whole value (the
    #: emulator's default, which b2blint's read-back assumes), or "merge" them, leaving the
    #: others as they were ("MUST NOT be directly altered", OData §11.4.3 [S62]). What Graph
    #: does is undocumented (docs/fakegraph.md, "Unverified behaviours").
    nested_patch: str = "replace"
    seed: int | None = None

    def __post_init__(self) -> None:
        if not GUID_RE.match(self.tenant_id):
            raise ValueError(f"tenant_id {self.tenant_id!r} is not a GUID")
        if self.page_size < 1:
            raise ValueError("page_size must be at least 1")
        for name in ("size_limit", "b2b_size_limit", "latency_ms", "stale_reads"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        rates = (self.throttle_rate, self.fail_rate, self.drop_rate, self.commit_drop_rate)
        if any(not 0.0 <= rate <= 1.0 for rate in rates) or sum(rates) > 1.0:
            raise ValueError("fault rates must be within 0..1 and add up to at most 1")
        if not 400 <= self.duplicate_partner_status <= 499:
            raise ValueError("duplicate_partner_status must be a 4xx status")
        if self.read_only_writes not in READ_ONLY_WRITES:
            raise ValueError("read_only_writes must be 'ignore' or 'refuse'")
        if self.nested_patch not in NESTED_PATCH:
            raise ValueError("nested_patch must be 'merge' or 'replace'")

    def to_json(self) -> dict[str, Any]:
        """camelCase, as ``GET /_fake/config`` shows it."""
        return {_camel(field.name): getattr(self, field.name) for field in dataclasses.fields(self)}

    def updated(self, changes: Mapping[str, Any]) -> Options:
        """A copy with ``changes`` (snake_case or camelCase names); ValueError on a bad one."""
        names = {field.name for field in dataclasses.fields(self)}
        values: dict[str, Any] = {}
        for key, value in changes.items():
            name = _snake(key)
            if name not in names or name == "tenant_id":
                raise ValueError(f"unknown or fixed option '{key}'")
            values[name] = _typed(name, value, getattr(self, name))
        return dataclasses.replace(self, **values)


def _typed(name: str, value: Any, current: Any) -> Any:
    """``value`` if it has the option's type (an int is a fine float), else ValueError."""
    if name == "seed":
        ok = value is None or (isinstance(value, int) and not isinstance(value, bool))
    elif isinstance(current, bool):
        ok = isinstance(value, bool)
    elif isinstance(current, float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif isinstance(current, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, str)
    if not ok:
        raise ValueError(f"option '{name}' does not take {value!r}")
    return value


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)
