"""A hostile Graph server for tests: a real HTTP proxy on 127.0.0.1 in front of the emulator.

Every request is forwarded to the Graph emulator; a *mutator* then decides what the client
really gets: the emulator's answer, or any bytes at all (a changed status, headers or body,
a body sent one byte at a time, a status line that never ends, a gigabyte). The proxy
records what it received, so tests assert on the requests the client made.

A mutator takes the request and the emulator's answer and returns what to send: a sequence
of ``bytes`` (written as given) and ``float`` (seconds to pause), or None to pass the answer
through. The connection is closed after each answer (``Connection: close``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import http.client
import socketserver
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


@dataclasses.dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclasses.dataclass(frozen=True)
class Upstream:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


Output = Iterable[bytes | float]
Mutator = Callable[[Request, Upstream], Output | None]


def response(
    status: int,
    body: bytes = b"",
    headers: Sequence[tuple[str, str]] = (("Content-Type", "application/json"),),
    *,
    reason: bytes = b"X",
    length: bool = True,
) -> bytes:
    """A whole HTTP/1.1 response as bytes (Content-Length unless ``length`` is False)."""
    lines = [b"HTTP/1.1 %d %s" % (status, reason)]
    lines += [f"{k}: {v}".encode("utf-8", "surrogateescape") for k, v in headers]
    if length:
        lines.append(b"Content-Length: %d" % len(body))
    lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def passthrough(upstream: Upstream, **changes: Any) -> bytes:
    """The emulator's answer with ``status``, ``headers`` or ``body`` replaced."""
    headers = [(k, v) for k, v in upstream.headers if k.lower() not in _HOP]
    return response(
        changes.get("status", upstream.status),
        changes.get("body", upstream.body),
        changes.get("headers", headers),
    )


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    proxy: HostileProxy

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet: the proxy runs in the test's process, whose stderr the CLI run captures - a
        client that hung up (what the slow-answer tests provoke) must not add lines to it."""


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        proxy = self.server.proxy
        try:
            request = _read_request(self.rfile)
        except (OSError, ValueError):
            return
        if request is None:
            return
        with proxy.lock:
            proxy.received.append(request)
            mutator = proxy.mutator
        upstream = proxy.forward(request)
        output = mutator(request, upstream) if mutator is not None else None
        if output is None:
            output = [passthrough(upstream)]
        try:
            for item in output:
                if proxy.stopping.is_set():
                    return
                if isinstance(item, float):
                    proxy.stopping.wait(item)
                else:
                    self.wfile.write(item)
                    self.wfile.flush()
        except OSError:  # the client gave up: that is what slow answers test
            return

    def finish(self) -> None:
        with contextlib.suppress(OSError):  # flushing to a client that hung up
            super().finish()


def _read_request(rfile: Any) -> Request | None:
    line = rfile.readline(65537)
    if not line:
        return None
    method, target, _version = line.decode("latin-1").split(" ", 2)
    headers: dict[str, str] = {}
    while True:
        header = rfile.readline(65537)
        if header in (b"\r\n", b"\n", b""):
            break
        name, _, value = header.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    body = rfile.read(int(headers.get("content-length", "0") or 0))
    return Request(method, target, headers, body)


class HostileProxy:
    """The proxy: ``url`` to point the CLI at, ``mutator`` to set, ``received`` to read."""

    def __init__(self, upstream_url: str) -> None:
        parts = urlsplit(upstream_url)
        self._upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.mutator: Mutator | None = None
        self.received: list[Request] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.proxy = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def forward(self, request: Request) -> Upstream:
        connection = http.client.HTTPConnection(*self._upstream, timeout=30)
        try:
            headers = {k: v for k, v in request.headers.items() if k not in _HOP}
            target = request.path  # absolute-form when the client talks to us as a proxy
            if target.startswith(("http://", "https://")):
                parts = urlsplit(target)
                target = parts.path + (f"?{parts.query}" if parts.query else "")
            connection.request(request.method, target, request.body or None, headers)
            answer = connection.getresponse()
            return Upstream(answer.status, answer.getheaders(), answer.read())
        finally:
            connection.close()

    def reset(self, mutator: Mutator | None = None) -> None:
        with self.lock:
            self.mutator = mutator
            self.received = []

    def paths(self) -> list[str]:
        with self.lock:
            return [f"{r.method} {r.path}" for r in self.received]

    def __enter__(self) -> HostileProxy:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(10)


def trickle(head: bytes, body: Iterable[bytes], pause: float) -> Iterator[bytes | float]:
    """``head`` at once, then each piece of ``body`` after ``pause`` seconds (slow loris)."""
    yield head
    for piece in body:
        yield pause
        yield piece


def forever(piece: bytes) -> Iterator[bytes]:
    while True:
        yield piece
