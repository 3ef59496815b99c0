"""What one Graph conversation may cost: time, bytes and JSON shape, whatever the server does.

A server (a hostile one, a broken proxy, a wrong ``--graph-url``) can answer one byte every
10 s, send a 1 GB body, or a 5,000-digit number or 100,000 nested arrays (attacks F21-F23).
The Graph client bounds each of them:

* every socket read, write and connect is given at most the time left before the request's
  deadline (`ClientLimits.request_timeout`, from the first byte sent to the last byte read)
  and the command's deadline (`ClientLimits.command_timeout`): a trickle of bytes cannot
  outlive either, because the deadline is enforced inside the network stream, not between
  reads (`DeadlineTransport`);
* a body larger than `ClientLimits.max_response_bytes` is refused as it streams in, before it
  is held in memory whole (a ``Content-Length`` above it is refused before reading);
* JSON must be UTF-8, nested at most `MAX_JSON_DEPTH` deep, with numbers of at most
  `MAX_NUMBER_CHARS` characters and no unpaired surrogate (`parse_json`).

Tests and unusual tenants set the limits through the environment (`ClientLimits.from_environment`);
the defaults are safe for production (docs/security.md).
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import json
import os
import re
import threading
import time
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

from b2blint.errors import EXIT_FAILED, B2BLintError

ENV_REQUEST_TIMEOUT = "B2BLINT_REQUEST_TIMEOUT"
ENV_COMMAND_TIMEOUT = "B2BLINT_COMMAND_TIMEOUT"
ENV_MAX_RESPONSE_BYTES = "B2BLINT_MAX_RESPONSE_BYTES"

#: Graph's deepest answer here (a partner's targets inside an error's nested innerError) is
#: under 12 levels; 64 leaves room and stays far below Python's recursion limit.
MAX_JSON_DEPTH = 64
#: The longest number Graph sends here is a date-free integer or a decimal Retry-After;
#: Python refuses integers over 4,300 digits with a ValueError (sys.int_info).
MAX_NUMBER_CHARS = 100


@dataclasses.dataclass(frozen=True)
class ClientLimits:
    """Bounds on one command's Graph traffic (seconds and bytes)."""

    #: One HTTP exchange, from connecting to the last body byte; one that runs out is not
    #: retried (the server answers, but too slowly).
    request_timeout: float = 60.0
    #: Every request, retry and wait of one command together.
    command_timeout: float = 1800.0
    #: One response body; the largest page of partners Graph sends is far below this.
    max_response_bytes: int = 32 * 1024 * 1024

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> ClientLimits:
        """The defaults, overridden by ``B2BLINT_REQUEST_TIMEOUT``, ``B2BLINT_COMMAND_TIMEOUT``
        (seconds) and ``B2BLINT_MAX_RESPONSE_BYTES``; a bad value is an error (exit 1)."""
        env = os.environ if environ is None else environ
        default = cls()
        return cls(
            request_timeout=_positive(env, ENV_REQUEST_TIMEOUT, default.request_timeout),
            command_timeout=_positive(env, ENV_COMMAND_TIMEOUT, default.command_timeout),
            max_response_bytes=int(
                _positive(env, ENV_MAX_RESPONSE_BYTES, default.max_response_bytes, whole=True)
            ),
        )


def _positive(env: Mapping[str, str], name: str, default: float, whole: bool = False) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw) if whole else float(raw)
    except ValueError:
        value = -1
    if not 0 < value < 1e12:
        kind = "a whole number of bytes" if whole else "a number of seconds"
        raise B2BLintError(
            f"{name}={raw[:40]!r}: expected {kind} greater than 0", exit_code=EXIT_FAILED
        )
    return value


class Deadline(threading.local):
    """The monotonic time by which the current thread's request must be done (None: none)."""

    at: float | None = None

    def left(self, timeout: float | None, expired: type[Exception]) -> float | None:
        """``timeout`` shortened to the time left; ``expired`` raised when none is left."""
        if self.at is None:
            return timeout
        left = self.at - time.monotonic()
        if left <= 0:
            raise expired("the request's deadline has passed")
        return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, deadline: Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._deadline.left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._deadline.left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        left = self._deadline.left(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, left), self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, deadline: Deadline) -> None:
        self._inner = httpcore.SyncBackend()
        self._deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        left = self._deadline.left(timeout, httpcore.ConnectTimeout)
        stream = self._inner.connect_tcp(host, port, left, local_address, socket_options)
        return _Stream(stream, self._deadline)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:  # pragma: no cover - b2blint never uses a Unix socket
        left = self._deadline.left(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.connect_unix_socket(path, left, socket_options), self._deadline)

    def sleep(self, seconds: float) -> None:  # pragma: no cover - only for retries (unused)
        self._inner.sleep(seconds)


# httpcore's exceptions as httpx names them (httpx does the same mapping internally); the
# most specific first.
_ERRORS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
)


@contextlib.contextmanager
def _httpx_errors() -> Iterator[None]:
    """Re-raise httpcore's exceptions as httpx's, which the client handles."""
    try:
        yield
    except httpcore.TimeoutException as error:
        raise _mapped(error) from error
    except (httpcore.NetworkError, httpcore.ProtocolError, httpcore.UnsupportedProtocol) as error:
        raise _mapped(error) from error


def _mapped(error: Exception) -> Exception:
    for theirs, ours in _ERRORS:
        if isinstance(error, theirs):
            return ours(str(error))
    return error  # pragma: no cover - every httpcore error has an httpx twin


class _Body(httpx.SyncByteStream):
    def __init__(self, stream: Iterable[bytes]) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        with _httpx_errors():
            yield from self._stream

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()


def environment_proxy(url: str) -> str | None:
    """The proxy for ``url`` from ``HTTPS_PROXY``/``HTTP_PROXY``/``ALL_PROXY`` unless ``NO_PROXY``
    exempts its host: what httpx's own transport honours (``trust_env``), kept for CI runners
    behind a proxy."""
    parts = urlsplit(url)
    proxies = urllib.request.getproxies_environment()
    host = (parts.hostname or "").lower()
    for entry in proxies.get("no", "").split(","):
        exempt = entry.strip().lower().rsplit(":", 1)[0].lstrip(".")
        if exempt == "*" or (exempt and (host == exempt or host.endswith("." + exempt))):
            return None
    return proxies.get(parts.scheme) or proxies.get("all")


class DeadlineTransport(httpx.BaseTransport):
    """httpx's HTTP/1.1 transport whose every socket operation ends by ``deadline.at``.

    With ``proxy`` (an http:// or https:// URL) requests go through it, the proxy's own
    connection bounded by the same deadline.
    """

    def __init__(
        self, deadline: Deadline, limits: httpx.Limits, proxy: str | None = None
    ) -> None:
        backend = _Backend(deadline)
        common: dict[str, Any] = {
            "ssl_context": httpx.create_ssl_context(),
            "max_connections": limits.max_connections,
            "max_keepalive_connections": limits.max_keepalive_connections,
            "keepalive_expiry": limits.keepalive_expiry,
            "network_backend": backend,
        }
        self._pool: httpcore.ConnectionPool
        if proxy is None:
            self._pool = httpcore.ConnectionPool(**common)
            return
        try:
            parsed = httpx.Proxy(url=proxy)
        except (ValueError, httpx.InvalidURL):
            parsed = None
        if parsed is None or parsed.url.scheme not in ("http", "https"):
            raise B2BLintError(
                "the proxy set in HTTPS_PROXY/HTTP_PROXY/ALL_PROXY is not an http:// or "
                "https:// URL; b2blint supports only those",
                exit_code=EXIT_FAILED,
            )
        self._pool = httpcore.HTTPProxy(
            proxy_url=httpcore.URL(
                scheme=parsed.url.raw_scheme,
                host=parsed.url.raw_host,
                port=parsed.url.port,
                target=parsed.url.raw_path,
            ),
            proxy_auth=parsed.raw_auth,
            proxy_headers=parsed.headers.raw,
            proxy_ssl_context=parsed.ssl_context,
            **common,
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.SyncByteStream)
        core = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _httpx_errors():
            response = self._pool.handle_request(core)
        assert isinstance(response.stream, Iterable)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_Body(response.stream),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._pool.close()


class BadJSON(ValueError):
    """A body that is not JSON b2blint accepts; the message says why, in a few words."""


_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def _number(kind: type[int] | type[float]) -> Any:
    def parse(text: str) -> int | float:
        if len(text) > MAX_NUMBER_CHARS:
            raise BadJSON(f"a number of {len(text)} characters (at most {MAX_NUMBER_CHARS})")
        return kind(text)

    return parse


def _constant(name: str) -> Any:
    raise BadJSON(f"{name} is not JSON")


def _has_lone_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    return False


def parse_json(data: bytes) -> Any:
    """``data`` as JSON (RFC 8259: UTF-8), within the depth and number-size limits."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadJSON("not UTF-8") from None
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    if brackets:
        depth = max(itertools.accumulate(_DEPTH_STEP[c] for c in brackets))
        if depth > MAX_JSON_DEPTH:
            raise BadJSON(f"nested {depth} deep (at most {MAX_JSON_DEPTH})")
    try:
        value = json.loads(
            text,
            parse_int=_number(int),
            parse_float=_number(float),
            parse_constant=_constant,
        )
    except RecursionError:  # pragma: no cover - the depth check comes first
        raise BadJSON(f"nested more than {MAX_JSON_DEPTH} deep") from None
    except json.JSONDecodeError as error:
        raise BadJSON(f"not JSON ({error.msg} at character {error.pos})") from None
    if _SURROGATE_ESCAPE.search(text) and _has_lone_surrogate(value):
        raise BadJSON("a string with an unpaired UTF-16 surrogate")
    return value
