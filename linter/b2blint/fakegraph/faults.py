"""Fault injection: scripted faults (Dev Proxy style), random faults, and the Retry-After watch.

A scripted fault matches requests on method and path pattern and fires on the ``nth`` matching
request (1-based) and the ``times - 1`` after it (``times: 0``: every one from ``nth`` on), like
Dev Proxy's MockResponsePlugin ``nth`` (apply-guarantees §5). Kinds:

* ``throttle``: 429 ``TooManyRequests`` with ``Retry-After`` as given (``"2"``, ``"2.128"``, an
  HTTP-date, or none), body as in Graph's throttling sample (``concepts/throttling.md``).
* ``error``: 500/502/503/504 (``status``), nothing applied.
* ``drop``: the connection is closed without a response, nothing applied.
* ``commitThenDrop``: the request is carried out, then the connection is closed unanswered.
* ``latency``: ``latencyMs`` of delay, then the request is served normally.
* ``stale``: on a write: the ``reads`` GETs after it are served from the state before it.
* ``claimsChallenge``: 401 with ``WWW-Authenticate: ... error="insufficient_claims", claims=...``
  (Conditional Access on a protected action, apply-guarantees §2.4).
* ``respond``: any ``status``, ``headers`` and ``body`` (a JSON value, or a string sent as is).

Its JSON form (``POST /_fake/faults``) uses camelCase: ``{"kind": "throttle", "method": "PATCH",
"path": "*/partners/*", "nth": 1, "times": 1, "retryAfter": "2.128", "retryAfterAs": "seconds"}``.
"""

from __future__ import annotations

import dataclasses
import email.utils
import fnmatch
import random
import time
from collections.abc import Mapping
from typing import Any

from .errors import GraphError
from .reply import Reply

THROTTLE = "throttle"
ERROR = "error"
DROP = "drop"
COMMIT_THEN_DROP = "commitThenDrop"
LATENCY = "latency"
STALE = "stale"
CLAIMS_CHALLENGE = "claimsChallenge"
RESPOND = "respond"
KINDS = (THROTTLE, ERROR, DROP, COMMIT_THEN_DROP, LATENCY, STALE, CLAIMS_CHALLENGE, RESPOND)
#: Kinds answered with a Graph error envelope instead of being served.
ERROR_KINDS = (THROTTLE, ERROR, CLAIMS_CHALLENGE)

#: Codes for transient 5xx. 503's is from ``concepts/errors.md``; the rest are the emulator's.
ERROR_CODES: dict[int, tuple[str, str]] = {
    500: ("generalException", "An unspecified error has occurred."),
    502: ("badGateway", "The gateway received an invalid response from the service."),
    503: (
        "serviceNotAvailable",
        "The service is temporarily unavailable for maintenance or is overloaded. You may repeat "
        "the request after a delay, the length of which may be specified in a Retry-After header.",
    ),
    504: ("gatewayTimeout", "The gateway did not receive a response from the service in time."),
}

#: A claims challenge: base64 of ``{"access_token":{"acrs":{"essential":true,"value":"c1"}}}``.
CLAIMS = "eyJhY2Nlc3NfdG9rZW4iOnsiYWNycyI6eyJlc3NlbnRpYWwiOnRydWUsInZhbHVlIjoiYzEifX19"

_JSON_NAMES = {
    "kind": "kind",
    "method": "method",
    "path": "path",
    "nth": "nth",
    "times": "times",
    "status": "status",
    "retryAfter": "retry_after",
    "retryAfterAs": "retry_after_as",
    "latencyMs": "latency_ms",
    "reads": "reads",
    "code": "code",
    "message": "message",
    "headers": "headers",
    "body": "body",
}


def _header_value(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"retryAfter {value!r} is not a string or number")
    return str(value) if isinstance(value, int) else repr(value)


@dataclasses.dataclass(frozen=True)
class Fault:
    """One scripted fault (module docstring). ``retry_after=None`` sends no Retry-After."""

    kind: str
    method: str = "*"
    path: str = "*"
    nth: int = 1
    times: int = 1
    status: int | None = None
    retry_after: str | None = None
    retry_after_as: str = "seconds"  # or "date": an HTTP-date ``retry_after`` seconds ahead
    latency_ms: int = 0
    reads: int = 1
    code: str | None = None
    message: str | None = None
    headers: Mapping[str, str] = dataclasses.field(default_factory=dict)
    body: Any = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r} (one of {', '.join(KINDS)})")
        if self.nth < 1 or self.times < 0 or self.reads < 0 or self.latency_ms < 0:
            raise ValueError("nth must be >= 1; times, reads and latencyMs >= 0")
        if self.retry_after_as not in ("seconds", "date"):
            raise ValueError("retryAfterAs must be 'seconds' or 'date'")
        if self.status is not None and not 100 <= self.status <= 599:
            raise ValueError(f"status {self.status} is not an HTTP status")
        object.__setattr__(self, "retry_after", _header_value(self.retry_after))
        if self.retry_after_as == "date" and self.retry_after is not None:
            float(self.retry_after)  # seconds ahead; ValueError if not a number

    @classmethod
    def from_json(cls, data: Any) -> Fault:
        """A fault from its camelCase JSON form; ValueError if malformed."""
        if not isinstance(data, dict):
            raise ValueError("a fault must be a JSON object")
        unknown = sorted(set(data) - set(_JSON_NAMES))
        if unknown:
            raise ValueError(f"unknown fault field(s): {', '.join(unknown)}")
        values = {_JSON_NAMES[key]: value for key, value in data.items()}
        if "kind" not in values:
            raise ValueError("a fault needs a 'kind'")
        for name in ("nth", "times", "reads", "latency_ms", "status"):
            value = values.get(name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise ValueError(f"fault field {name} must be an integer")
        headers = values.get("headers", {})
        if not isinstance(headers, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
        ):
            raise ValueError("fault headers must map strings to strings")
        try:
            return cls(**values)
        except TypeError as error:
            raise ValueError(str(error)) from None

    def to_json(self) -> dict[str, Any]:
        """The camelCase JSON form."""
        reverse = {python: name for name, python in _JSON_NAMES.items()}
        out = {reverse[f.name]: getattr(self, f.name) for f in dataclasses.fields(self)}
        out["headers"] = dict(self.headers)
        return out

    def matches(self, method: str, path: str) -> bool:
        """Method (``*`` for any) and path glob; a pattern without a version matches both."""
        if self.method != "*" and self.method.upper() != method.upper():
            return False
        pattern = self.path.lower()
        lowered = path.lower()
        if fnmatch.fnmatchcase(lowered, pattern):
            return True
        for prefix in ("/v1.0", "/beta"):
            bare = lowered[len(prefix) :]
            if lowered.startswith(prefix + "/") and fnmatch.fnmatchcase(bare, pattern):
                return True
        return False


class FaultScript:
    """The scripted faults of a run, with how many requests each has matched."""

    def __init__(self) -> None:
        self._entries: list[tuple[Fault, list[int]]] = []  # (fault, [matched, fired])

    def add(self, faults: list[Fault]) -> None:
        """Append ``faults``; earlier faults win when several fire on one request."""
        self._entries.extend((fault, [0, 0]) for fault in faults)

    def clear(self) -> None:
        """Forget every scripted fault."""
        self._entries.clear()

    def match(self, method: str, path: str) -> Fault | None:
        """Count this request against every matching fault; return the first that fires."""
        chosen: Fault | None = None
        for fault, counts in self._entries:
            if not fault.matches(method, path):
                continue
            counts[0] += 1
            last = fault.nth + fault.times - 1
            due = counts[0] >= fault.nth and (fault.times == 0 or counts[0] <= last)
            if due and chosen is None:
                counts[1] += 1
                chosen = fault
        return chosen

    def describe(self) -> list[dict[str, Any]]:
        """The faults in JSON form, each with ``matched`` and ``fired`` counts."""
        return [
            {**fault.to_json(), "matched": counts[0], "fired": counts[1]}
            for fault, counts in self._entries
        ]


class RandomFaults:
    """Random faults at the configured rates, reproducible with a seed.

    One draw per Graph request, in arrival order: drop, then throttle, then a 5xx (500, 502,
    503, 504, as Dev Proxy's GraphRandomErrorPlugin picks for every method), then commit-then-drop
    (writes only).
    """

    def __init__(self, seed: int | None) -> None:
        self._rng = random.Random(seed)

    def pick(
        self,
        method: str,
        rates: tuple[float, float, float, float],
        retry_after: str,
    ) -> Fault | None:
        """The fault for this request, if the draw lands on one."""
        drop, throttle, fail, commit_drop = rates
        if not any(rates):
            return None
        draw = self._rng.random()
        if draw < drop:
            return Fault(DROP)
        draw -= drop
        if draw < throttle:
            return Fault(THROTTLE, retry_after=retry_after or None)
        draw -= throttle
        if draw < fail:
            return Fault(ERROR, status=self._rng.choice((500, 502, 503, 504)))
        draw -= fail
        if draw < commit_drop and method != "GET":
            return Fault(COMMIT_THEN_DROP)
        return None


def retry_after_header(fault: Fault, now: float) -> str | None:
    """The Retry-After header value a fault sends (None: no header)."""
    if fault.retry_after is None:
        return None
    if fault.retry_after_as == "date":
        return email.utils.formatdate(now + float(fault.retry_after), usegmt=True)
    return fault.retry_after


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """Seconds a Retry-After value asks for: delta-seconds (int or decimal) or an HTTP-date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


def fault_error(fault: Fault, retry_after: str | None) -> GraphError:
    """The Graph error a throttle, error or claims-challenge fault answers with."""
    headers: dict[str, str] = {}
    if retry_after is not None:
        headers["Retry-After"] = retry_after
    if fault.kind == THROTTLE:
        status = fault.status or 429
        headers["x-ms-throttle-scope"] = "Tenant_Application/ReadWrite/fakegraph"
        headers["x-ms-throttle-information"] = "ResourceUnitLimitExceeded"
        return GraphError(
            status,
            fault.code or "TooManyRequests",
            fault.message or "Please retry again later.",
            headers=headers,
            inner={"code": str(status), "status": str(status)},
        )
    if fault.kind == CLAIMS_CHALLENGE:
        headers["WWW-Authenticate"] = (
            'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/'
            f'authorize", error="insufficient_claims", claims="{CLAIMS}"'
        )
        return GraphError(
            fault.status or 401,
            fault.code or "InvalidAuthenticationToken",
            fault.message
            or "Continuous access evaluation resulted in challenge with result: "
            "InteractionRequired and code: insufficient_claims",
            headers=headers,
        )
    status = fault.status or 503
    code, message = ERROR_CODES.get(status, ("UnknownError", "An error occurred."))
    return GraphError(status, fault.code or code, fault.message or message, headers=headers)


def fault_reply(fault: Fault) -> Reply:
    """The verbatim answer of a ``respond`` fault."""
    headers = dict(fault.headers)
    raw: bytes | None = None
    body: Any = fault.body
    if isinstance(fault.body, str):
        raw, body = fault.body.encode("utf-8"), None
        headers.setdefault("Content-Type", "text/plain; charset=utf-8")
    return Reply(fault.status or 200, body, headers, raw=raw)


class RetryAfterWatch:
    """Who was told to wait until when; a request before then is a Retry-After violation."""

    def __init__(self) -> None:
        self._until: dict[str, tuple[float, str]] = {}

    def told(self, client: str, value: str | None) -> None:
        """Remember that ``client`` got a 429/503 with Retry-After ``value``."""
        seconds = retry_after_seconds(value, time.time())
        if seconds is None or seconds <= 0:
            return
        until = time.monotonic() + seconds
        previous = self._until.get(client)
        if previous is None or previous[0] < until:
            self._until[client] = (until, value or "")

    def early(self, client: str) -> tuple[float, str] | None:
        """(seconds still to wait, the Retry-After given) if ``client`` is calling too soon."""
        entry = self._until.get(client)
        if entry is None:
            return None
        remaining = entry[0] - time.monotonic()
        if remaining <= 0:
            del self._until[client]
            return None
        return remaining, entry[1]

    def clear(self) -> None:
        """Forget every wait."""
        self._until.clear()
