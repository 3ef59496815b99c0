"""A small, careful Microsoft Graph client: retries, paging, safe writes, honest errors.

What Graph asks of a client, and where it says so (apply-guarantees §1):

* 429, 503 and 504 are retried after ``Retry-After`` (an integer, a decimal such as ``2.128``
  or an HTTP-date), else after a jittered exponential backoff; never earlier, and a wait longer
  than the cap is refused rather than cut short (``concepts/throttling.md``, ``errors.md``;
  msgraph-sdk-design ``RetryHandler.md``). Network errors are retried the same way.
* A POST (create) or a create-PUT is never blindly re-sent: after an ambiguous failure the
  object is re-read, and only if it is absent is the create repeated; 409 (or the duplicate-key
  error code) on a repeated create means the first one landed: the re-read may lag the write.
  A DELETE that answers 404 on a retry has succeeded.
* ``@odata.nextLink`` is followed verbatim, on the same origin only, with a loop guard and a
  page cap (``concepts/paging.md``).
* Each HTTP request carries its own ``client-request-id`` GUID; every error names the code,
  message, ``request-id``, ``client-request-id`` and date (``concepts/errors.md``).

Nothing here prints or logs a token: the optional log callback gets one redacted line per
request with an allowlist of response headers. Everything the server chooses is treated as
hostile (attacks F19-F23): request IDs are kept only if they are GUIDs, dates only if they
parse, error codes only if they are identifiers, messages are redacted (every 8+ character
piece of the token), escaped by `b2blint.printable` and cut to `MAX_MESSAGE` characters; time,
response size and JSON shape are bounded (`b2blint.tenant.bounded`); a 2xx body must say it is
``application/json``.
"""

from __future__ import annotations

import dataclasses
import datetime
import email.utils
import http
import json
import math
import random
import re
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx

from b2blint import __version__
from b2blint.errors import EXIT_FAILED, B2BLintError
from b2blint.identifiers import is_guid
from b2blint.printable import printable
from b2blint.redact import redact, scrub_secrets
from b2blint.tenant.auth import TokenSource, denied_hint
from b2blint.tenant.bounded import (
    ENV_COMMAND_TIMEOUT,
    ENV_MAX_RESPONSE_BYTES,
    ENV_REQUEST_TIMEOUT,
    BadJSON,
    ClientLimits,
    Deadline,
    DeadlineTransport,
    environment_proxy,
    parse_json,
)

RETRY_STATUSES = frozenset({429, 503, 504})
#: Other transient server errors: retried too, but at most `RetryPolicy.max_5xx_attempts` times
#: (a persistent 500 is a bug, not a hiccup). Safe because every write here is either
#: idempotent (PATCH) or reconciled by re-reading (POST, create-PUT, DELETE).
TRANSIENT_STATUSES = frozenset({500, 502})
LOGGED_HEADERS = (
    "request-id",
    "client-request-id",
    "retry-after",
    "x-ms-throttle-scope",
    "x-ms-throttle-information",
    "date",
)

Body = dict[str, Any]
#: The longest server-chosen message kept (in an error line and the apply report).
MAX_MESSAGE = 500
_CODE = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,99}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,7})?(?:Z|[+-]\d{2}:\d{2})?")
_THROTTLE_VALUE = re.compile(r"[A-Za-z0-9_./:;,= -]{1,200}")
#: Graph's error code for a create whose key exists ("Another object with the same value for
#: property tenantId already exists") [S39].
DUPLICATE_CODE = "Request_MultipleObjectsWithSameKeyValue"


@dataclasses.dataclass(frozen=True)
class RetryPolicy:
    """How hard to try. Waits are in seconds."""

    max_attempts: int = 8
    max_wait: float = 120.0  # a single Retry-After above this is refused, not shortened
    total_wait: float = 300.0  # waiting budget of one logical request
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    margin: float = 0.05  # added to every wait so clock granularity never makes us early
    max_5xx_attempts: int = 3


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` value: delta-seconds (int or decimal) or HTTP-date.

    ``now`` is the current epoch time (for the HTTP-date form). None if absent or unreadable.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        return max(0.0, when.timestamp() - now)
    if math.isnan(seconds) or seconds < 0:
        return None
    return seconds


def backoff_delay(attempt: int, policy: RetryPolicy, rand: Callable[[], float]) -> float:
    """Equal-jitter exponential backoff for retry ``attempt`` (1 = first retry)."""
    ceiling = min(policy.backoff_cap, policy.backoff_base * 2.0 ** (attempt - 1))
    return ceiling / 2 + rand() * ceiling / 2


@dataclasses.dataclass(frozen=True)
class Exchange:
    """What one logical request produced (after retries)."""

    method: str
    url: str
    status: int
    body: Any
    request_id: str | None
    client_request_id: str
    date: str | None
    attempts: int
    note: str | None = None  # e.g. "created (confirmed by re-reading after a lost response)"


def request_ids(request_id: str | None, client_request_id: str | None, date: str | None) -> str:
    """``request-id X, client-request-id Y, date Z``, the ones known (a Graph error line and the
    apply summary show them alike); empty when none is known."""
    return ", ".join(
        f"{name} {value}"
        for name, value in (
            ("request-id", request_id),
            ("client-request-id", client_request_id),
            ("date", date),
        )
        if value
    )


class GraphError(B2BLintError):
    """Graph refused a request, or could not be reached, or answered nonsense (exit 1)."""

    def __init__(
        self,
        summary: str,
        *,
        method: str,
        url: str,
        status: int | None = None,
        code: str | None = None,
        detail: str | None = None,
        request_id: str | None = None,
        client_request_id: str | None = None,
        date: str | None = None,
        hint: str | None = None,
        maybe_committed: bool = False,
    ) -> None:
        self.summary = summary
        self.method = method
        self.url = url
        self.status = status
        self.code = code
        self.detail = detail
        self.request_id = request_id
        self.client_request_id = client_request_id
        self.date = date
        self.hint = hint
        self.maybe_committed = maybe_committed
        super().__init__(redact(self._line()), exit_code=EXIT_FAILED)

    def _line(self) -> str:
        path = urlsplit(self.url).path or self.url
        text = f"{self.method} {path}: {self.summary}"
        ids = request_ids(self.request_id, self.client_request_id, self.date)
        if ids:
            text += f" ({ids})"
        if self.hint:
            text += f"; {self.hint}"
        return text

    def as_dict(self) -> dict[str, Any]:
        """The error as the apply report records it."""
        return {
            "status": self.status,
            "code": self.code,
            "message": redact(self.detail or self.summary),
            "requestId": self.request_id,
            "clientRequestId": self.client_request_id,
            "date": self.date,
            "hint": self.hint,
        }


def _error_fields(body: Any) -> tuple[str | None, str | None, dict[str, str]]:
    """(code, message, inner ids) from Graph's error envelope, walking nested innerError."""
    if not isinstance(body, dict) or not isinstance(body.get("error"), dict):
        return None, None, {}
    error = body["error"]
    code = _code(error.get("code"))
    message = _message(error.get("message"))
    ids: dict[str, str] = {}
    inner: Any = error
    depth = 0
    while isinstance(inner, dict) and depth < 10:
        if "request-id" not in ids and is_guid(inner.get("request-id")):
            ids["request-id"] = inner["request-id"]
        date = _date(inner.get("date"))
        if "date" not in ids and date:
            ids["date"] = date
        inner = inner.get("innerError", inner.get("innererror"))
        depth += 1
    return code, message, ids


def _code(value: Any) -> str | None:
    """Graph's error code if it looks like one (``Request_BadRequest``), else None."""
    return value if isinstance(value, str) and _CODE.fullmatch(value) else None


def _message(value: Any) -> str | None:
    """A server's message, safe to print and store: redacted, escaped, cut short."""
    if not isinstance(value, str) or not value:
        return None
    text = printable(redact(value))
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE] + "…"


def _date(value: Any) -> str | None:
    """An HTTP-date (re-rendered by us) or an ISO 8601 time as Graph's innerError has; else None."""
    if not isinstance(value, str) or len(value) > 64:
        return None
    if _ISO_DATE.fullmatch(value):
        return value
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return email.utils.format_datetime(when, usegmt=True) if when.utcoffset() == _ZERO else None


_ZERO = datetime.timedelta(0)


def _request_id(value: str | None) -> str | None:
    """A server's request ID only if it is a GUID (attack F19: never echo a header unchecked)."""
    return value if is_guid(value) else None


def _is_json(content_type: str | None) -> bool:
    return (content_type or "").split(";", 1)[0].strip().lower() == "application/json"


@dataclasses.dataclass(frozen=True)
class _Reply:
    """A response read whole, within the limits: status, headers, raw body."""

    status: int
    headers: httpx.Headers
    content: bytes

    @property
    def reason(self) -> str:
        """Our own reason phrase: the server's (``HTTP/1.1 400 <anything>``) is not shown."""
        try:
            return http.HTTPStatus(self.status).phrase
        except ValueError:
            return "HTTP status"

    def logged_headers(self) -> str:
        shown: list[str] = []
        for name in LOGGED_HEADERS:
            value = self.headers.get(name)
            if value is None:
                continue
            if name in ("request-id", "client-request-id"):
                checked = value if is_guid(value) else None
            elif name == "date":
                checked = _date(value)
            elif name == "retry-after":
                seconds = parse_retry_after(value, time.time())
                checked = None if seconds is None else f"{seconds:g}"
            else:
                checked = value if _THROTTLE_VALUE.fullmatch(value) else None
            shown.append(f"{name} {checked if checked is not None else '(invalid, not shown)'}")
        return ", ".join(shown)


def _decode(reply: _Reply) -> Any:
    """The JSON body; None when there is none; a `_Malformed` (with the reason) otherwise."""
    if reply.status == 204 or not reply.content:
        return None
    if not _is_json(reply.headers.get("content-type")):
        return _Malformed("not application/json")
    try:
        return scrub_secrets(parse_json(reply.content))
    except BadJSON as error:
        return _Malformed(str(error))


@dataclasses.dataclass(frozen=True)
class _Malformed:
    """A body b2blint refuses to read, and why."""

    why: str


class _Retry(Exception):
    """Internal: an attempt failed in a retryable way."""

    def __init__(
        self,
        why: str,
        wait: float | None,
        error: GraphError,
        flaky: bool = False,
        final: bool = False,
    ) -> None:
        super().__init__(why)
        self.why = why
        self.wait = wait
        self.error = error
        self.flaky = flaky  # a 500/502 or a network error: retried fewer times
        self.final = final  # out of time (the command's or a too slow answer): not retried


class _Refused(Exception):
    """Internal: the response breaks a limit (size, encoding) while it streams in."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


@dataclasses.dataclass
class _Budget:
    """Retry accounting of one logical request."""

    attempt: int = 1
    waited: float = 0.0
    flaky: int = 0
    maybe_committed: bool = False  # an earlier attempt of this write may have landed


class GraphClient:
    """Talks to one Graph root (``https://graph.microsoft.com`` or an override)."""

    def __init__(
        self,
        root: str,
        tokens: TokenSource,
        *,
        retry: RetryPolicy | None = None,
        timeout: float = 30.0,
        max_connections: int = 16,
        max_pages: int = 1000,
        log: Callable[[str], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        wallclock: Callable[[], float] = time.time,
        rand: Callable[[], float] = random.random,
        transport: httpx.BaseTransport | None = None,
        limits: ClientLimits | None = None,
    ) -> None:
        """``timeout`` bounds each socket read (silence); ``limits`` the whole exchange, the
        command and the body size (default: `ClientLimits.from_environment`)."""
        self.limits = limits or ClientLimits.from_environment()
        self._deadline = Deadline()
        #: Monotonic time after which this client sends nothing more (the command's deadline).
        self.command_deadline = time.monotonic() + self.limits.command_timeout
        self.root = root.rstrip("/")
        self._origin = _origin(self.root)
        self._tokens = tokens
        self.retry = retry or RetryPolicy()
        self._max_pages = max_pages
        self._log = log
        self._sleep = sleep
        self._wallclock = wallclock
        self._rand = rand
        self._lock = threading.Lock()
        self._not_before = 0.0  # monotonic time before which no request may be sent
        self.requests_sent = 0
        self.writes_sent = 0
        #: Called after every HTTP response (method, status): the commands' progress display.
        self.on_response: Callable[[str, int], None] | None = None
        pool = httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        )
        self._http = httpx.Client(
            timeout=httpx.Timeout(timeout),
            transport=transport
            or DeadlineTransport(self._deadline, pool, environment_proxy(self.root)),
            follow_redirects=False,
            headers={
                "User-Agent": f"b2blint/{__version__}",
                "Accept": "application/json",
                # A compressed body could expand past the size limit inside one read.
                "Accept-Encoding": "identity",
            },
        )

    # ------------------------------------------------------------------ plumbing

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> GraphClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def url(self, path: str, api_version: str = "v1.0") -> str:
        return f"{self.root}/{api_version}/{path.lstrip('/')}"

    def _block_until(self, wait: float) -> None:
        """Hold every thread until ``wait`` seconds from now.

        Graph throttles the app in the tenant, not one request: after a Retry-After, any request
        from any worker before the time is up is "logged ... while a client is being throttled"
        (``concepts/throttling.md``) and may be throttled again.
        """
        with self._lock:
            self._not_before = max(self._not_before, time.monotonic() + wait + self.retry.margin)

    def _hold(self) -> None:
        with self._lock:
            delay = self._not_before - time.monotonic()
        if delay > 0:
            self._sleep(min(delay, max(0.0, self.command_deadline - time.monotonic())))

    def _emit(self, line: str) -> None:
        if self._log is not None:
            self._log(printable(redact(line)))

    def _out_of_time(self, method: str, url: str, client_request_id: str) -> GraphError:
        return GraphError(
            f"the command's time limit of {self.limits.command_timeout:g} s is used up "
            f"({ENV_COMMAND_TIMEOUT})",
            method=method,
            url=url,
            code="CommandTimeout",
            client_request_id=client_request_id,
        )

    def _too_large(self, why: str) -> str:
        return (
            f"the response is too large ({why}; the limit is "
            f"{self.limits.max_response_bytes} bytes, {ENV_MAX_RESPONSE_BYTES})"
        )

    def _read(
        self, method: str, url: str, content: bytes | None, headers: dict[str, str]
    ) -> _Reply:
        """Send and read the whole answer by the request's deadline, at most the size limit."""
        limit = self.limits.max_response_bytes
        with self._http.stream(method, url, content=content, headers=headers) as response:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise _Refused(self._too_large(f"Content-Length {int(declared)}"))
            encoding = response.headers.get("content-encoding", "identity").strip().lower()
            if encoding not in ("", "identity"):
                raise _Refused(
                    f"the response has a Content-Encoding b2blint did not ask for "
                    f"({printable(encoding[:40])!r})"
                )
            body = bytearray()
            for chunk in response.iter_raw():
                body += chunk
                if len(body) > limit:
                    raise _Refused(self._too_large(f"more than {limit} bytes"))
            return _Reply(response.status_code, response.headers, bytes(body))

    def _attempt(
        self,
        method: str,
        url: str,
        body: Body | None,
        params: Mapping[str, str] | None,
        attempt: int,
    ) -> tuple[_Reply, str]:
        self._hold()
        if params:
            url = str(httpx.URL(url, params=params))
        client_request_id = str(uuid.uuid4())
        if time.monotonic() >= self.command_deadline:
            out = self._out_of_time(method, url, client_request_id)
            raise _Retry("out of time", None, out, final=True)
        headers = {
            "Authorization": f"Bearer {self._tokens.token()}",
            "client-request-id": client_request_id,
            "return-client-request-id": "true",
        }
        if attempt > 1:
            headers["Retry-Attempt"] = str(attempt - 1)
        content = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        with self._lock:
            self.requests_sent += 1
            if method != "GET":
                self.writes_sent += 1
        started = time.monotonic()
        self._deadline.at = min(started + self.limits.request_timeout, self.command_deadline)
        try:
            response = self._read(method, url, content, headers)
        except _Refused as error:
            self._emit(f"{method} {_show(url)} -> refused: {error.why}")
            raise GraphError(
                error.why,
                method=method,
                url=url,
                code="ResponseRefused",
                client_request_id=client_request_id,
                maybe_committed=method != "GET",
            ) from None
        except httpx.TransportError as error:
            now = time.monotonic()
            self._emit(
                f"{method} {_show(url)} -> {type(error).__name__} "
                f"(client-request-id {client_request_id})"
            )
            if now >= self.command_deadline:
                error_out = self._out_of_time(method, url, client_request_id)
                error_out.maybe_committed = method != "GET"
                raise _Retry("out of time", None, error_out, final=True) from None
            # A server that answers, but too slowly to finish by the deadline, is not retried:
            # a retry would only triple the wait (attack F21, slow loris).
            too_slow = now >= started + self.limits.request_timeout
            if too_slow:
                summary = (
                    f"no complete response within {self.limits.request_timeout:g} s "
                    f"({ENV_REQUEST_TIMEOUT})"
                )
            else:
                summary = (
                    f"no response from Graph ({type(error).__name__}: {_short(error)}) "
                    f"at {_where(url)}"
                )
            raise _Retry(
                f"network error: {type(error).__name__}",
                None,
                GraphError(
                    summary,
                    method=method,
                    url=url,
                    code="Timeout" if too_slow else "NetworkError",
                    client_request_id=client_request_id,
                    maybe_committed=method != "GET",
                ),
                flaky=True,
                final=too_slow,
            ) from None
        finally:
            self._deadline.at = None
        elapsed = (time.monotonic() - started) * 1000
        shown = response.logged_headers()
        self._emit(f"{method} {_show(url)} -> {response.status} ({shown}; {elapsed:.0f} ms)")
        if self.on_response is not None:
            self.on_response(method, response.status)
        return response, client_request_id

    def _error(
        self, method: str, url: str, response: _Reply, client_request_id: str, body: Any
    ) -> GraphError:
        code, message, ids = _error_fields(body)
        status = response.status
        summary = f"{status} {code or response.reason}"
        if message:
            summary += f": {message}"
        hint = None
        if status == 403:
            hint = denied_hint(method, urlsplit(url).path)
        elif status == 401:
            challenge = response.headers.get("www-authenticate", "")
            if "claims=" in challenge:
                hint = (
                    "Conditional Access requires a claims challenge (a protected action); "
                    "this token cannot satisfy it"
                )
            else:
                hint = "the token was rejected (expired, wrong audience or wrong cloud)"
        return GraphError(
            summary,
            method=method,
            url=url,
            status=status,
            code=code,
            detail=message,
            request_id=_request_id(response.headers.get("request-id")) or ids.get("request-id"),
            client_request_id=client_request_id,  # ours: the server's echo proves nothing
            date=_date(response.headers.get("date")) or ids.get("date"),
            hint=hint,
            maybe_committed=method != "GET" and status >= 500,
        )

    def _once(
        self,
        method: str,
        url: str,
        body: Body | None,
        params: Mapping[str, str] | None,
        attempt: int,
    ) -> Exchange:
        """One HTTP request; raise `_Retry` for a retryable failure, `GraphError` otherwise."""
        response, client_request_id = self._attempt(method, url, body, params, attempt)
        decoded = _decode(response)
        status = response.status
        request_id = _request_id(response.headers.get("request-id"))
        date = _date(response.headers.get("date"))
        if 200 <= status < 300:
            if isinstance(decoded, _Malformed):
                raise GraphError(
                    f"{status} with a body that is not JSON (a proxy or a wrong --graph-url?): "
                    f"{decoded.why}",
                    method=method,
                    url=url,
                    status=status,
                    code="MalformedResponse",
                    request_id=request_id,
                    client_request_id=client_request_id,
                    date=date,
                    maybe_committed=method != "GET",
                )
            return Exchange(
                method, url, status, decoded, request_id, client_request_id, date, attempt
            )
        readable = None if isinstance(decoded, _Malformed) else decoded
        error = self._error(method, url, response, client_request_id, readable)
        if status in RETRY_STATUSES or status in TRANSIENT_STATUSES:
            wait = parse_retry_after(response.headers.get("retry-after"), self._wallclock())
            if wait is not None and wait <= self.retry.max_wait:
                self._block_until(wait)
            raise _Retry(f"{status}", wait, error, flaky=status in TRANSIENT_STATUSES)
        raise error

    def _retry(self, failure: _Retry, budget: _Budget) -> None:
        """Wait before the next attempt, or raise the failure when the budget is spent."""
        policy = self.retry
        budget.flaky += failure.flaky
        # The error raised is the last attempt's; a 429 there must not hide that an earlier
        # attempt's answer was lost (or was a 5xx) and so may have landed.
        budget.maybe_committed = budget.maybe_committed or failure.error.maybe_committed
        failure.error.maybe_committed = budget.maybe_committed
        if failure.final:
            raise failure.error from None
        if budget.attempt >= policy.max_attempts or budget.flaky >= policy.max_5xx_attempts:
            raise failure.error from None
        if failure.wait is not None:
            if failure.wait > policy.max_wait:
                failure.error.hint = (
                    f"Graph asked to wait {failure.wait:.0f} s before retrying, more than the "
                    f"{policy.max_wait:.0f} s b2blint waits; try again later"
                )
                raise GraphError(failure.error.summary, **_error_kwargs(failure.error)) from None
            delay = failure.wait
        else:
            delay = backoff_delay(budget.attempt, policy, self._rand)
        if budget.waited + delay > policy.total_wait:
            raise failure.error from None
        if time.monotonic() + delay > self.command_deadline:
            failure.error.hint = (
                f"no time left to retry within the command's limit of "
                f"{self.limits.command_timeout:g} s ({ENV_COMMAND_TIMEOUT})"
            )
            raise GraphError(failure.error.summary, **_error_kwargs(failure.error)) from None
        delay += policy.margin
        self._emit(f"retrying in {delay:.2f} s ({failure.why})")
        self._sleep(delay)
        budget.waited += delay
        budget.attempt += 1

    def _send(
        self,
        method: str,
        url: str,
        body: Body | None = None,
        params: Mapping[str, str] | None = None,
    ) -> Exchange:
        """Send with retries: for GET, PATCH and other idempotent calls only."""
        budget = _Budget()
        while True:
            try:
                return self._once(method, url, body, params, budget.attempt)
            except _Retry as failure:
                self._retry(failure, budget)

    # ------------------------------------------------------------------ reads

    def get(
        self, path: str, api_version: str = "v1.0", params: Mapping[str, str] | None = None
    ) -> Body:
        """GET one object; a 2xx whose body is not a JSON object is a `GraphError`."""
        url = self.url(path, api_version)
        exchange = self._send("GET", url, params=params)
        if not isinstance(exchange.body, dict):
            raise _malformed(exchange, "a JSON object")
        return exchange.body

    def get_optional(self, path: str, api_version: str = "v1.0") -> Body | None:
        """GET one object; None when Graph says 404 (the object does not exist)."""
        try:
            return self.get(path, api_version)
        except GraphError as error:
            if error.status == 404:
                return None
            raise

    def list(
        self, path: str, api_version: str = "v1.0", params: Mapping[str, str] | None = None
    ) -> list[Body]:
        """Every item of a collection, following ``@odata.nextLink`` verbatim."""
        url: str | None = self.url(path, api_version)
        query: Mapping[str, str] | None = params
        seen: set[str] = set()
        items: list[Body] = []
        pages = 0
        while url is not None:
            pages += 1
            if pages > self._max_pages:
                raise GraphError(
                    f"more than {self._max_pages} pages; stopping (a paging loop?)",
                    method="GET",
                    url=url,
                    code="TooManyPages",
                )
            exchange = self._send("GET", url, params=query)
            body = exchange.body
            if not isinstance(body, dict) or not isinstance(body.get("value"), list):
                raise _malformed(exchange, 'a collection ({"value": [...]})')
            for item in body["value"]:
                if not isinstance(item, dict):
                    raise _malformed(exchange, "a collection of JSON objects")
                items.append(item)
            next_link = body.get("@odata.nextLink")
            seen.add(str(httpx.URL(url, params=query)) if query else url)
            if next_link is None:
                break
            if not isinstance(next_link, str) or _origin(next_link) != self._origin:
                raise GraphError(
                    f"@odata.nextLink {next_link!r} leaves {self._origin}; refusing to follow it",
                    method="GET",
                    url=url,
                    code="MalformedResponse",
                )
            if next_link in seen:
                raise GraphError(
                    "@odata.nextLink repeats a page already read (a paging loop); stopping",
                    method="GET",
                    url=url,
                    code="PagingLoop",
                )
            url, query = next_link, None
        return items

    # ------------------------------------------------------------------ writes

    def patch(self, path: str, body: Body, api_version: str = "v1.0") -> Exchange:
        """PATCH (merge: the same body gives the same state, so retrying is safe)."""
        return self._send("PATCH", self.url(path, api_version), body)

    def create(
        self,
        method: str,
        path: str,
        body: Body,
        exists: Callable[[], bool],
        api_version: str = "v1.0",
    ) -> Exchange:
        """POST or create-PUT exactly once: re-read before any repeat, 409 on a repeat = done.

        ``exists`` re-reads the object (a GET); it is called after every ambiguous failure.
        """
        url = self.url(path, api_version)
        budget = _Budget()
        while True:
            try:
                exchange = self._once(method, url, body, None, budget.attempt)
            except _Retry as failure:
                try:
                    self._retry(failure, budget)
                except GraphError as error:
                    # Out of retries. A 429 was refused unprocessed (and nothing may be sent
                    # before its Retry-After); otherwise re-read to say whether the last landed.
                    if error.status == 429:
                        error.maybe_committed = False
                        raise
                    if _recheck(exists, error):
                        return _confirmed(
                            error,
                            method,
                            url,
                            budget.attempt,
                            "created (found by re-reading after the last failure)",
                        )
                    error.maybe_committed = False
                    raise
                if failure.error.status == 429:
                    continue  # throttled requests "fail" unprocessed (concepts/throttling.md)
                if _recheck(exists, failure.error):
                    self._emit(f"{method} {_show(url)}: the object exists; the lost request landed")
                    return _confirmed(
                        failure.error,
                        method,
                        url,
                        budget.attempt - 1,
                        "created (found by re-reading after an unanswered request)",
                    )
                continue
            except GraphError as error:
                # A repeat refused as a duplicate: 409, or Graph's duplicate-key code, which
                # the partner POST answers with an undocumented status [S39] (graph-facts §1).
                if budget.attempt > 1 and (error.status == 409 or error.code == DUPLICATE_CODE):
                    return _confirmed(
                        error,
                        method,
                        url,
                        budget.attempt,
                        f"created ({error.status} on the repeat: the first request landed)",
                    )
                raise
            return exchange

    def delete(self, path: str, api_version: str = "v1.0") -> Exchange:
        """DELETE; retried after ambiguous failures, and a 404 on a retry means it is gone."""
        url = self.url(path, api_version)
        budget = _Budget()
        while True:
            try:
                return self._once("DELETE", url, None, None, budget.attempt)
            except _Retry as failure:
                self._retry(failure, budget)
            except GraphError as error:
                if budget.attempt > 1 and error.status == 404:
                    return _confirmed(
                        error,
                        "DELETE",
                        url,
                        budget.attempt,
                        "deleted (404 on the retry: the first request landed)",
                    )
                raise


def _recheck(exists: Callable[[], bool], error: GraphError) -> bool:
    """``exists()``; if that read fails too, raise the write's own error, maybe committed.

    The write's answer was lost or was a 5xx, so it may have landed: a failed re-read must not
    turn it into "nothing was written" (exit 1), nor report the GET's error as the write's.
    """
    try:
        return exists()
    except GraphError as read_error:
        kwargs = _error_kwargs(error)
        kwargs["maybe_committed"] = True
        kwargs["hint"] = (
            "it may have landed: re-reading to check failed "
            f"({read_error.method} {urlsplit(read_error.url).path}: {read_error.summary}); "
            "run b2blint plan to see"
        )
        raise GraphError(error.summary, **kwargs) from None


def _confirmed(error: GraphError, method: str, url: str, attempts: int, note: str) -> Exchange:
    return Exchange(
        method,
        url,
        0,
        None,
        error.request_id,
        error.client_request_id or "",
        error.date,
        attempts,
        note,
    )


def _error_kwargs(error: GraphError) -> dict[str, Any]:
    return {
        "method": error.method,
        "url": error.url,
        "status": error.status,
        "code": error.code,
        "detail": error.detail,
        "request_id": error.request_id,
        "client_request_id": error.client_request_id,
        "date": error.date,
        "hint": error.hint,
        "maybe_committed": error.maybe_committed,
    }


def _malformed(exchange: Exchange, expected: str) -> GraphError:
    return GraphError(
        f"{exchange.status} but the body is not {expected} (a proxy or a wrong --graph-url?)",
        method=exchange.method,
        url=exchange.url,
        status=exchange.status,
        code="MalformedResponse",
        request_id=exchange.request_id,
        client_request_id=exchange.client_request_id,
        date=exchange.date,
    )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _show(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _where(url: str) -> str:
    """Where Graph was looked for (scheme, host, port; never a user or password in the URL).

    A connection failure names it, so a mistyped --graph-url or a proxy is seen at once.
    """
    parts = urlsplit(url)
    return printable(f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}")


def _short(error: BaseException) -> str:
    """The first line of a network error, which may quote what the server sent."""
    text = str(error).strip().splitlines()
    return printable(redact(text[0]))[:200] if text else "no details"
