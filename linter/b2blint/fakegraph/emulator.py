"""The emulator: state, request log, faults and the Graph request pipeline, behind one lock.

Pipeline of one Graph request:
1. log it (never the Authorization header), note a Retry-After violation if the caller is early;
2. pick a fault: scripted first, then random; drops and error faults end the request here;
3. authenticate (401), resolve the route (400/405), authorize (403);
4. serve it: reads from the state (or the stale snapshot inside a stale-read window), writes on
   a copy-on-write trial state that replaces the state only on success ("committed");
5. ``commitThenDrop``: the committed request's connection is closed without its response.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import math
import random
import threading
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import parse_qsl, urlsplit

from . import auth, faults, handlers, mto, odata, routes
from .errors import GraphError, envelope
from .faults import Fault, FaultScript, RandomFaults, RetryAfterWatch
from .options import Options
from .reply import Reply
from .state import State

WRITES = frozenset({"POST", "PATCH", "PUT", "DELETE"})
#: Every handler by (route name, method): the core APIs and the multitenant organization.
HANDLERS = {**handlers.HANDLERS, **mto.HANDLERS}
#: Request headers copied into the log (an allowlist: never Authorization or cookies).
LOGGED_HEADERS = (
    "client-request-id",
    "content-type",
    "user-agent",
    "retry-attempt",
    "if-match",
    "x-ms-throttle-priority",
    "prefer",
    "consistencylevel",
    "return-client-request-id",
)
JSON_TYPE = (
    "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;"
    "charset=utf-8"
)
MAX_LOG = 100_000
_SERVER_INFO = {"DataCenter": "Loopback", "Slice": "E", "Ring": "0", "RoleInstance": "FAKEGRAPH"}
AGS_DIAGNOSTIC = json.dumps({"ServerInfo": _SERVER_INFO}, separators=(",", ":"))


@dataclasses.dataclass(frozen=True)
class Incoming:
    """A Graph request on its way through the pipeline."""

    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    body: bytes
    client: str  # whom a Retry-After applies to
    ids: tuple[str, str]  # request-id, client-request-id


class Emulator:
    """One emulated tenant. Thread-safe: every public method takes the lock.

    The lock is held only for bookkeeping and for the body of a write (writes are serialized,
    cheaply: `State.fork` copies no object). Latency is slept outside it, and a read runs
    outside it on the state it picked, which no one changes once it is published.
    """

    def __init__(
        self, options: Options, state: State | None = None, log_file: Path | None = None
    ) -> None:
        self._lock = threading.RLock()
        self._options = options
        self._initial = (state or State()).copy()
        self._state = self._initial.copy()
        self._stale: State | None = None
        self._stale_left = 0
        self._script = FaultScript()
        self._random = RandomFaults(options.seed)
        self._ids = random.Random(options.seed)
        self._watch = RetryAfterWatch()
        self._log: list[dict[str, Any]] = []
        self._violations: list[dict[str, Any]] = []
        self._log_file: TextIO | None = log_file.open("a", encoding="utf-8") if log_file else None
        #: Where the server listens (``http://127.0.0.1:PORT``); set by the server once bound.
        self.origin = "http://127.0.0.1"

    # ---- settings, state and records (the control API and RunningFake use these) ----------

    @property
    def options(self) -> Options:
        with self._lock:
            return self._options

    def configure(self, changes: Mapping[str, Any]) -> Options:
        """Change options at run time (ValueError on a bad one); a new seed restarts the draws."""
        with self._lock:
            self._options = self._options.updated(changes)
            if "seed" in changes:
                self._random = RandomFaults(self._options.seed)
                self._ids = random.Random(self._options.seed)
            return self._options

    def state_json(self) -> dict[str, Any]:
        with self._lock:
            return self._state.to_json(self._options.tenant_id)

    def state_size(self) -> int:
        with self._lock:
            return self._state.policy_size()

    def set_state(self, state: State) -> None:
        """Replace the live state (no stale window: a test arranging the world, not a write)."""
        with self._lock:
            self._state = state.copy()
            self._stale, self._stale_left = None, 0

    def reset(self) -> None:
        """Back to the initial state; forget log, faults, violations and waits."""
        with self._lock:
            self._state = self._initial.copy()
            self._stale, self._stale_left = None, 0
            self._script.clear()
            self._watch.clear()
            self._log.clear()
            self._violations.clear()
            self._random = RandomFaults(self._options.seed)
            self._ids = random.Random(self._options.seed)

    def add_faults(self, new: list[Fault]) -> None:
        with self._lock:
            self._script.add(new)

    def clear_faults(self) -> None:
        with self._lock:
            self._script.clear()

    def faults_json(self) -> list[dict[str, Any]]:
        with self._lock:
            return self._script.describe()

    def log(self) -> list[dict[str, Any]]:
        with self._lock:
            return json.loads(json.dumps(self._log))  # type: ignore[no-any-return]

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()
            self._violations.clear()

    def violations(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(v) for v in self._violations]

    def close(self) -> None:
        with self._lock:
            if self._log_file is not None:
                self._log_file.close()
                self._log_file = None

    # ---- the Graph pipeline ---------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: Mapping[str, str], body: bytes) -> Reply:
        """Answer one Graph request (``headers`` with lower-case names)."""
        started = time.time()
        parts = urlsplit(target)
        path, query = parts.path, parts.query
        request_id = str(uuid.uuid4())
        client_request_id = headers.get("client-request-id") or request_id
        claims = auth.decode_claims(auth.bearer(headers) or "")
        client = auth.client_key(claims)
        entry: dict[str, Any] = {
            "time": datetime.datetime.fromtimestamp(started, datetime.timezone.utc).isoformat(
                timespec="milliseconds"
            ),
            "method": method,
            "path": path,
            "query": query,  # as sent (httpx writes "$select" as "%24select")
            "params": dict(parse_qsl(query, keep_blank_values=True)),  # decoded
            "status": None,
            "committed": False,
            "dropped": False,
            "fault": None,
            "retryAfterViolation": False,
            "clientRequestId": headers.get("client-request-id"),
            "requestId": request_id,
            "headers": {name: headers[name] for name in LOGGED_HEADERS if name in headers},
            "body": _logged_body(body),
        }
        with self._lock:
            options = self._options
            early = self._watch.early(client)
            fault = self._script.match(method, path)
            if fault is None:
                rates = (
                    options.drop_rate,
                    options.throttle_rate,
                    options.fail_rate,
                    options.commit_drop_rate,
                )
                fault = self._random.pick(method, rates, options.retry_after)
        if early is not None:
            entry["retryAfterViolation"] = True
            self._record_violation(entry, client, early)
        delay = options.latency_ms
        if fault is not None and fault.kind == faults.LATENCY:
            delay += fault.latency_ms
        if delay:
            time.sleep(delay / 1000)
        entry["fault"] = fault.kind if fault else None
        ids = (request_id, client_request_id)
        incoming = Incoming(method, path, query, headers, body, client, ids)
        reply, committed = self._answer(incoming, fault, early, options)
        if fault is not None and fault.kind in (faults.DROP, faults.COMMIT_THEN_DROP):
            reply = Reply(reply.status, drop=True)
        entry["status"] = reply.status or None
        entry["committed"] = committed
        entry["dropped"] = reply.drop
        entry["durationMs"] = round((time.time() - started) * 1000, 1)
        if not reply.drop:
            reply.headers = {**_graph_headers(reply, incoming.ids), **reply.headers}
        self._append(entry)
        return reply

    def _answer(
        self,
        incoming: Incoming,
        fault: Fault | None,
        early: tuple[float, str] | None,
        options: Options,
    ) -> tuple[Reply, bool]:
        if fault is not None and fault.kind == faults.DROP:
            return Reply(0, drop=True), False
        if fault is not None and fault.kind == faults.RESPOND:
            return faults.fault_reply(fault), False
        try:
            if fault is not None and fault.kind in faults.ERROR_KINDS:
                retry_after = faults.retry_after_header(fault, time.time())
                if retry_after is not None:
                    with self._lock:
                        self._watch.told(incoming.client, retry_after)
                raise faults.fault_error(fault, retry_after)
            if early is not None and options.rethrottle_early:
                # Dev Proxy's RetryAfterPlugin: calling before Retry-After is throttled again
                # (the original deadline stands).
                wait = str(max(1, math.ceil(early[0])))
                raise faults.fault_error(Fault(faults.THROTTLE), wait)
            return self._serve(incoming, fault, options)
        except GraphError as error:
            return Reply(error.status, envelope(error, *incoming.ids), dict(error.headers)), False

    def _serve(
        self, incoming: Incoming, fault: Fault | None, options: Options
    ) -> tuple[Reply, bool]:
        method = incoming.method
        claims = auth.authenticate(incoming.headers, options.tenant_id)
        match = routes.resolve(incoming.path, method)
        auth.authorize(claims, match.route.area, method in WRITES)
        parsed_query = odata.parse_query(incoming.query)
        handler = HANDLERS[(match.route.name, method)]

        def call(state: State) -> handlers.Call:
            return handlers.Call(
                method=method,
                match=match,
                path=incoming.path,
                raw_body=incoming.body,
                content_type=incoming.headers.get("content-type", ""),
                origin=_origin(incoming.headers, self.origin),
                state=state,
                options=options,
                query=parsed_query,
                new_id=self._new_id,
            )

        if method not in WRITES:
            with self._lock:
                if self._stale is not None and self._stale_left > 0:
                    target = self._stale
                    self._stale_left -= 1
                else:
                    target = self._state
            # A published state is never changed (writes fork it), so reads need no lock.
            return handler(call(target)), False
        with self._lock:
            # Writes are serialized; each runs on a copy-on-write fork that replaces the state
            # only on success, and the state before it (untouched) is the stale-read snapshot.
            trial = self._state.fork()
            reply = handler(call(trial))
            stale_reads = options.stale_reads
            if fault is not None and fault.kind == faults.STALE:
                stale_reads = max(stale_reads, fault.reads)
            if stale_reads:
                if self._stale is None or self._stale_left <= 0:
                    self._stale = self._state
                self._stale_left = max(self._stale_left, stale_reads)
            self._state = trial
            return reply, True

    def _new_id(self) -> str:
        """A generated id (b2bManagementPolicy), reproducible with ``--seed``."""
        with self._lock:
            return str(uuid.UUID(int=self._ids.getrandbits(128), version=4))

    def _record_violation(
        self, entry: dict[str, Any], client: str, early: tuple[float, str]
    ) -> None:
        with self._lock:
            self._violations.append(
                {
                    "time": entry["time"],
                    "method": entry["method"],
                    "path": entry["path"],
                    "client": client,
                    "retryAfter": early[1],
                    "earlyBySeconds": round(early[0], 3),
                    "clientRequestId": entry["clientRequestId"],
                }
            )

    def _append(self, entry: dict[str, Any]) -> None:
        with self._lock:
            if len(self._log) < MAX_LOG:
                self._log.append(entry)
            if self._log_file is not None:
                self._log_file.write(json.dumps(entry, separators=(",", ":")) + "\n")
                self._log_file.flush()


def _logged_body(body: bytes) -> Any:
    """The request body for the log: its JSON, else its text (bodies here carry no secrets)."""
    if not body:
        return None
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return body.decode("utf-8", "replace")[:2000]


def _graph_headers(reply: Reply, ids: tuple[str, str]) -> dict[str, str]:
    """The headers Graph puts on every response."""
    headers = {
        "request-id": ids[0],
        "client-request-id": ids[1],
        "x-ms-ags-diagnostic": AGS_DIAGNOSTIC,
        "Cache-Control": "no-cache",
    }
    if reply.body is not None and reply.raw is None:
        headers["Content-Type"] = JSON_TYPE
        headers["OData-Version"] = "4.0"
    return headers


def _origin(headers: Mapping[str, str], fallback: str) -> str:
    """Scheme and authority the client used (a nextLink must stay on the client's origin)."""
    host = headers.get("host", "")
    name = host.rsplit(":", 1)[0].strip("[]").lower() if ":" in host else host.lower()
    if name in ("127.0.0.1", "localhost", "::1"):
        return f"http://{host}"
    return fallback
