"""Carry out a plan against Graph: exactly its operations, in its order, then read back.

* Tenant-wide sections that partners may depend on (crossTenantAccessPolicy, default) go
  first, one by one; if one fails nothing else is attempted. Then every other object runs on
  its own worker (``concurrency`` at a time): the operations of one object run in plan order
  (create partner -> PATCH -> PUT sync; DELETE sync -> DELETE partner), so a partner's later
  steps are never attempted after an earlier one failed. No ``$batch`` for writes
  (apply-guarantees §1.4).
* 401 or 403 stops everything not yet started: the next call would fail the same way.
* ``stop`` (set on SIGINT/SIGTERM by the command) stops launching operations; those in flight
  finish (each bounded by the client's timeout and retry budget), so every result is real.
* ``precheck`` re-reads an object just before its first write; if it no longer looks as it did
  when the plan was made (another apply, or a person, wrote it), the object is *stale*: it is
  not written, and nothing more is launched, because a concurrent writer is at work (G14).
  A create is not re-read: a first POST that Graph refuses as a duplicate is stale instead.
* Creates and deletes go through `GraphClient.create` / `GraphClient.delete`, which never
  blindly repeat them.
* Verification re-reads the tenant with the same constant number of requests and re-plans the
  touched objects; replication lag ("a successful write ... does not guarantee that an
  immediate read will reflect that change", apply-guarantees §1.7 #11) is waited out a bounded
  number of times, and what still differs is reported *unconfirmed*, never *failed*, and never
  re-written.
"""

from __future__ import annotations

import dataclasses
import datetime
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from b2blint.errors import EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, B2BLintError
from b2blint.graph.kinds import B2B_POLICIES, BETA, MTO, MTO_TENANTS, PARTNERS, ResourceKind
from b2blint.redact import redact
from b2blint.tenant.client import DUPLICATE_CODE, Exchange, GraphClient, GraphError
from b2blint.tenant.live import LiveTenant
from b2blint.tenant.plan import ObjectPlan, Operation, Plan

FIRST_KINDS = frozenset({ResourceKind.CROSS_TENANT_ACCESS_POLICY.value, ResourceKind.DEFAULT.value})

REPORT_FORMAT = "b2blint-apply-report"
REPORT_VERSION = 1


def now_iso() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")


@dataclasses.dataclass
class OpResult:
    """What became of one operation."""

    op: Operation
    status: str = "not-attempted"  # applied | failed | stale | not-attempted
    http_status: int | None = None
    request_id: str | None = None
    client_request_id: str | None = None
    date: str | None = None
    attempts: int = 0
    note: str | None = None
    error: dict[str, Any] | None = None
    maybe_committed: bool = False
    started: str | None = None
    finished: str | None = None

    def as_dict(self) -> dict[str, Any]:
        op = self.op
        return {
            "index": op.index,
            "object": op.object,
            "resource": op.resource,
            "action": op.action,
            "method": op.method,
            "path": op.path,
            "apiVersion": op.api_version,
            "status": self.status,
            "httpStatus": self.http_status,
            "requestId": self.request_id,
            "clientRequestId": self.client_request_id,
            "date": self.date,
            "attempts": self.attempts,
            "note": self.note,
            "error": self.error,
            "startedAt": self.started,
            "finishedAt": self.finished,
        }


@dataclasses.dataclass(frozen=True)
class Verification:
    object: str
    label: str
    status: str  # confirmed | unconfirmed | failed | not-attempted
    remaining: tuple[str, ...] = ()
    unread: str | None = None  # why the tenant could not be read back (unconfirmed)


def _exists(client: GraphClient, path: str, version: str) -> Callable[[], bool]:
    return lambda: client.get_optional(path, version) is not None


def _mto_active(client: GraphClient, version: str) -> Callable[[], bool]:
    """Whether the tenant is in an MTO: a tenant in none reads 200 ``state: inactive`` [S90]."""

    def check() -> bool:
        found = client.get_optional(MTO, version)
        return found is not None and found.get("state") == "active"

    return check


def _mto_member(client: GraphClient, tenant_id: str, version: str) -> Callable[[], bool]:
    """Whether the MTO lists ``tenant_id`` (an added tenant is listed as pending [S92])."""

    def check() -> bool:
        listed = client.list(MTO_TENANTS, version)
        return any(str(item.get("tenantId")).lower() == tenant_id.lower() for item in listed)

    return check


def perform(client: GraphClient, op: Operation) -> Exchange:
    """Send one operation the safe way for its method."""
    if op.method == "PATCH":
        return client.patch(op.path, op.body or {}, op.api_version)
    if op.method == "DELETE":
        return client.delete(op.path, op.api_version)
    if op.method in ("POST", "PUT"):
        body = op.body or {}
        if op.method == "PUT" and op.path == MTO:
            check = _mto_active(client, op.api_version)
        elif op.method == "PUT":
            check = _exists(client, op.path, op.api_version)
        elif op.path == PARTNERS:
            check = _exists(client, f"{PARTNERS}/{body.get('tenantId')}", op.api_version)
        elif op.path == B2B_POLICIES:

            def check() -> bool:
                return bool(client.list(B2B_POLICIES, BETA))
        elif op.path == MTO_TENANTS:
            check = _mto_member(client, str(body.get("tenantId")), op.api_version)
        else:  # pragma: no cover - the planner makes no other creates
            raise ValueError(f"no way to re-read {op.path}")
        return client.create(op.method, op.path, body, check, op.api_version)
    raise ValueError(f"unsupported method {op.method}")  # pragma: no cover


class Executor:
    """Runs the operations of a plan and records every outcome (thread-safe)."""

    def __init__(
        self,
        client: GraphClient,
        plan: Plan,
        *,
        concurrency: int = 4,
        log: Callable[[str], None] | None = None,
        on_operation: Callable[[OpResult], None] | None = None,
        stop: threading.Event | None = None,
        precheck: Callable[[ObjectPlan], str | None] | None = None,
    ) -> None:
        self.client = client
        self.plan = plan
        self.concurrency = max(1, concurrency)
        self.log = log or (lambda _line: None)
        self.on_operation = on_operation or (lambda _result: None)
        self.results: dict[int, OpResult] = {op.index: OpResult(op) for op in plan.operations}
        self.interrupted = stop or threading.Event()
        self.precheck = precheck
        #: Why the first stale object was stopped ("partner ...: changed live since the plan").
        self.stale: str | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()

    def _stopped(self) -> bool:
        return self._stop.is_set() or self.interrupted.is_set()

    def _check(self, obj: ObjectPlan) -> bool:
        """The precheck of ``obj``: False (and the object marked stale) if it changed live."""
        if self.precheck is None:
            return True
        first = self.results[obj.operations[0].index]
        first.started = now_iso()
        try:
            why = self.precheck(obj)
        except B2BLintError as error:  # the re-read failed: the object is not written
            self._failed(obj, first, error)
            return False
        if why is None:
            return True
        self._mark_stale(obj, first, why)
        return False

    def _mark_stale(self, obj: ObjectPlan, first: OpResult, why: str) -> None:
        first.finished = now_iso()
        first.status = "stale"
        first.note = redact(why)
        with self._lock:
            if self.stale is None:
                self.stale = f"{obj.label}: {why}"
        self._stop.set()
        self.log(f"stale: {obj.label}: {why}; not written, and nothing more is launched")
        self.on_operation(first)

    def _failed(self, obj: ObjectPlan, result: OpResult, error: B2BLintError) -> None:
        result.finished = now_iso()
        result.status = "failed"
        self.log(f"failed: {obj.label}: {error.message}")
        if isinstance(error, GraphError):
            result.http_status = error.status
            result.request_id = error.request_id
            result.client_request_id = error.client_request_id
            result.date = error.date
            result.error = error.as_dict()
            result.maybe_committed = error.maybe_committed
            self.on_operation(result)
            if error.status in (401, 403):
                self._stop.set()
            return
        # Not Graph's answer: no token could be had (a refresh failed). The next call would
        # fail the same way, so stop; the results so far must still be reported.
        result.error = {
            "status": None,
            "code": None,
            "message": redact(error.message),
            "requestId": None,
            "clientRequestId": None,
            "date": None,
            "hint": None,
        }
        self.on_operation(result)
        self._stop.set()

    def _run_object(self, obj: ObjectPlan) -> bool:
        """Run one object's operations in order; False if one failed."""
        if self._stopped() or not self._check(obj):
            return False
        for op in obj.operations:
            if self._stopped():
                return False
            result = self.results[op.index]
            result.started = result.started or now_iso()
            try:
                exchange = perform(self.client, op)
            except B2BLintError as error:
                if _duplicate_create(op, error):
                    self._mark_stale(obj, result, "it exists live now: created since the plan")
                    return False
                self._failed(obj, result, error)
                return False
            result.finished = now_iso()
            result.status = "applied"
            result.http_status = exchange.status or None
            result.request_id = exchange.request_id
            result.client_request_id = exchange.client_request_id
            result.date = exchange.date
            result.attempts = exchange.attempts
            result.note = exchange.note
            self.log(
                f"{op.action}d: {obj.label}: {op.method} /{op.api_version}{op.path}"
                + (f" ({exchange.note})" if exchange.note else "")
            )
            self.on_operation(result)
        return True

    def run(self) -> list[OpResult]:
        first = [obj for obj in self.plan.objects if obj.kind in FIRST_KINDS]
        rest = [obj for obj in self.plan.objects if obj.kind not in FIRST_KINDS]
        for obj in first:
            if not self._run_object(obj):
                self._stop.set()
        if not self._stopped() and rest:
            with ThreadPoolExecutor(max_workers=min(self.concurrency, len(rest))) as pool:
                list(pool.map(self._run_object, rest))
        return [self.results[op.index] for op in self.plan.operations]


def partner_precheck(client: GraphClient, plan: Plan) -> Callable[[ObjectPlan], str | None]:
    """Re-read one partner (with its identitySynchronization) just before writing it.

    One GET per partner object, ``$expand`` as in `read_live`, so the hashes are computed the
    same way as at plan time. Graph documents no ETag or If-Match for these resources
    (apply-guarantees §1.6: the partner PATCH/DELETE and sync PUT pages list only
    Authorization and Content-Type), so this read is the only precondition available.
    A section (default, authorization policy, ...) is re-read the way `read_live` reads it
    (one request).
    """
    from b2blint.graph.odata import strip_annotations
    from b2blint.tenant.live import digest, read_live

    version = BETA if ResourceKind.PARTNER.value in plan.beta_kinds else "v1.0"
    beta = {ResourceKind(k) for k in plan.beta_kinds}

    def check(obj: ObjectPlan) -> str | None:
        if obj.action == "create":
            return None  # Graph itself refuses a duplicate create (`_duplicate_create`)
        if obj.kind != ResourceKind.PARTNER.value:
            kind = ResourceKind(obj.kind)
            section = read_live(client, {kind}, beta=beta & {kind}, concurrency=1)
            return _changed(plan, obj, section.hash_of)
        tenant_id = obj.key.partition(":")[2]
        try:
            found: dict[str, Any] | None = client.get(
                f"{PARTNERS}/{tenant_id}", version, {"$expand": "identitySynchronization"}
            )
        except GraphError as error:
            if error.status != 404:
                raise
            found = None
        live: dict[str, Any] = {}
        if found is not None:
            item = strip_annotations(found)
            sync = item.pop("identitySynchronization", None)
            live[f"{ResourceKind.PARTNER.value}:{tenant_id}"] = item
            if isinstance(sync, dict):
                sync.setdefault("tenantId", item.get("tenantId", tenant_id))
                live[f"{ResourceKind.IDENTITY_SYNCHRONIZATION.value}:{tenant_id}"] = sync
        return _changed(plan, obj, lambda key: digest(live.get(key)))

    return check


def _duplicate_create(op: Operation, error: B2BLintError) -> bool:
    """A first POST refused because the object exists: someone created it since the plan.

    The partner POST answers a duplicate with an undocumented status and a documented code
    [S39] (graph-facts §1); `GraphClient.create` already turns a duplicate on a *repeat* of
    our own request into success, so a duplicate that reaches here was never ours.
    """
    return (
        op.method == "POST"
        and isinstance(error, GraphError)
        and not error.maybe_committed
        and (error.status == 409 or error.code == DUPLICATE_CODE)
    )


def _changed(plan: Plan, obj: ObjectPlan, hash_of: Callable[[str], str]) -> str | None:
    changed = sorted(
        key
        for key in {op.resource for op in obj.operations}
        if key in plan.live_hashes and hash_of(key) != plan.live_hashes[key]
    )
    if not changed:
        return None
    return (
        f"{', '.join(changed)} changed live since the plan was made "
        "(another apply or a person wrote it)"
    )


def applied_objects(plan: Plan, results: Mapping[int, OpResult]) -> list[ObjectPlan]:
    return [
        obj
        for obj in plan.objects
        if all(results[op.index].status == "applied" for op in obj.operations)
    ]


def verify(
    objects: Sequence[ObjectPlan],
    reread: Callable[[], tuple[LiveTenant, Plan]],
    *,
    attempts: int = 5,
    delay: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
    log: Callable[[str], None] | None = None,
) -> tuple[list[Verification], LiveTenant | None]:
    """Re-read until every applied object shows no remaining change, a bounded number of times.

    ``reread`` reads the tenant and re-plans against the YAML. An object still differing after
    the last read is *unconfirmed* (replication lag or a service-side normalisation), not failed.
    If the read-back itself fails, the writes still landed: what is left is *unconfirmed* too
    (the error is logged), so the apply is not reported as "failed before any write".
    """
    pending = {obj.key: obj for obj in objects}
    confirmed: list[Verification] = []
    remaining: dict[str, tuple[str, ...]] = {}
    live: LiveTenant | None = None
    unread: str | None = None
    for attempt in range(1, attempts + 1):
        if not pending:
            break
        try:
            live, again = reread()
        except B2BLintError as error:  # a GraphError, or a live object that cannot be mapped
            unread = error.message
            if log is not None:
                log(f"verify: cannot read the tenant back: {unread}")
            break
        left = {obj.key: obj for obj in again.objects}
        for key in list(pending):
            if key in left:
                remaining[key] = tuple(
                    c.name for op in left[key].operations for c in op.changes
                ) or (left[key].action,)
            else:
                confirmed.append(Verification(key, pending.pop(key).label, "confirmed"))
        if pending and attempt < attempts:
            wait = delay * (2 ** (attempt - 1))
            if log is not None:
                log(f"verify: {len(pending)} object(s) not visible yet; re-reading in {wait:.1f} s")
            sleep(wait)
    unconfirmed = [
        Verification(k, o.label, "unconfirmed", remaining.get(k, ()), unread)
        for k, o in pending.items()
    ]
    return confirmed + unconfirmed, live


def outcome(results: Sequence[OpResult]) -> tuple[str, int]:
    """(result word, exit code): converged 0; failed before any write 1; partial 3.

    A stale object counts as a failure: the tenant is not what the YAML says.
    """
    failed = [r for r in results if r.status in ("failed", "stale")]
    if not failed:
        return ("converged" if results else "no-changes"), EXIT_OK
    wrote = any(r.status == "applied" or r.maybe_committed for r in results)
    return ("partial", EXIT_PARTIAL) if wrote else ("failed", EXIT_FAILED)


def report(
    *,
    tenant_id: str | None,
    cloud: str | None,
    started: str,
    result: str,
    exit_code: int,
    message: str | None = None,
    plan: Plan | None = None,
    plan_hash: str | None = None,
    results: Sequence[OpResult] = (),
    verification: Sequence[Verification] = (),
    hashes_before: Mapping[str, str] | None = None,
    hashes_after: Mapping[str, str] | None = None,
    requests: int = 0,
    writes: int = 0,
) -> dict[str, Any]:
    """The machine-readable apply report (docs/apply-report.schema.json)."""
    return {
        "format": REPORT_FORMAT,
        "version": REPORT_VERSION,
        "tenant": {"id": tenant_id, "cloud": cloud},
        "startedAt": started,
        "finishedAt": now_iso(),
        "result": result,
        "exitCode": exit_code,
        "message": message,
        "planHash": plan_hash,
        "summary": {
            "operations": len(plan.operations) if plan is not None else 0,
            "applied": sum(1 for r in results if r.status == "applied"),
            "failed": sum(1 for r in results if r.status == "failed"),
            "notAttempted": sum(1 for r in results if r.status == "not-attempted"),
            "stale": sum(1 for r in results if r.status == "stale"),
            "unconfirmed": sum(1 for v in verification if v.status == "unconfirmed"),
        },
        "operations": [r.as_dict() for r in results],
        "verification": [
            {
                "object": v.object,
                "label": v.label,
                "status": v.status,
                "remaining": list(v.remaining),
            }
            for v in verification
        ],
        "hashes": {"before": dict(hashes_before or {}), "after": dict(hashes_after or {})},
        "requests": {"total": requests, "writes": writes},
    }
