"""The HTTP side: a loopback-only ThreadingHTTPServer, and `start` for tests (still real HTTP).

with start(tenant_id=TENANT, page_size=2) as fake:
    httpx.get(fake.url + "/v1.0/policies/crossTenantAccessPolicy/partners",
              headers={"Authorization": "Bearer " + fake.token()})
    assert fake.log()[0]["status"] == 200
"""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import threading
import traceback
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from . import control, tokens
from .emulator import Emulator
from .errors import GraphError, envelope
from .faults import Fault
from .options import DEFAULT_TENANT_ID, Options
from .reply import Reply
from .state import State, load_state

LOOPBACK_HOSTS = {"127.0.0.1": "127.0.0.1", "localhost": "127.0.0.1", "::1": "::1"}
MAX_BODY = 4 * 1024 * 1024


def loopback_host(host: str) -> str:
    """The address to bind for ``host``; ValueError for anything but loopback."""
    bound = LOOPBACK_HOSTS.get(host.strip().strip("[]").lower())
    if bound is None:
        raise ValueError(f"refusing to listen on {host!r}: fakegraph binds 127.0.0.1 or ::1 only")
    return bound


class _Handler(BaseHTTPRequestHandler):
    """Reads a request, hands it to the emulator (or the control API), writes the reply."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, delayed ACKs add ~40 ms to each reply.
    disable_nagle_algorithm = True
    server: FakeHTTPServer

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the emulator keeps its own request log."""

    def _read_body(self) -> bytes | None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            total = 0
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY:
                    return None
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return None
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        try:
            body = self._read_body()
        except ValueError:
            body = None
        if body is None:
            self.close_connection = True
            too_large = {"code": "RequestEntityTooLarge", "message": "The body is too large."}
            self._write(Reply(413, {"error": too_large}))
            return
        path = self.path.split("?", 1)[0]
        if path.startswith(control.PREFIX):
            reply = control.handle(self.server.emulator, self.command, path, body)
        else:
            headers = {name.lower(): value for name, value in self.headers.items()}
            try:
                reply = self.server.emulator.handle(self.command, self.path, headers, body)
            except Exception:  # the HTTP boundary: an emulator bug becomes a 500, not a hang
                traceback.print_exc(file=sys.stderr)
                error = GraphError(500, "generalException", "fakegraph internal error")
                ids = ("internal", headers.get("client-request-id", ""))
                reply = Reply(500, envelope(error, *ids))
        if reply.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._write(reply)

    def _write(self, reply: Reply) -> None:
        if reply.raw is not None:
            data: bytes | None = reply.raw
        elif reply.body is not None:
            data = json.dumps(reply.body, ensure_ascii=False).encode("utf-8")
        else:
            data = None
        self.send_response(reply.status)
        headers = dict(reply.headers)
        if data is not None:
            headers.setdefault("Content-Type", "application/json; charset=utf-8")
        for name, value in headers.items():
            self.send_header(name, value)
        if reply.status != 204:
            self.send_header("Content-Length", str(len(data or b"")))
        self.end_headers()
        if data:
            self.wfile.write(data)


class FakeHTTPServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer that carries its emulator."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], emulator: Emulator) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.emulator = emulator
        super().__init__(address, _Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hung up mid-reply (what the deadline and fault tests provoke) is not an
        emulator error: say nothing. Anything else is printed as socketserver does."""
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (``http://[::1]:PORT`` on IPv6)."""
        host, port = self.server_address[0], self.server_address[1]
        text = host.decode() if isinstance(host, bytes) else str(host)
        shown = f"[{text}]" if ":" in text else text
        return f"http://{shown}:{port}"


def make_server(
    options: Options,
    host: str = "127.0.0.1",
    port: int = 0,
    state: State | None = None,
    log_file: Path | None = None,
) -> FakeHTTPServer:
    """Bind (loopback only) and return the server, not yet serving."""
    emulator = Emulator(options, state, log_file)
    server = FakeHTTPServer((loopback_host(host), port), emulator)
    emulator.origin = server.url
    return server


class RunningFake:
    """A fake serving on a background thread; use it as a context manager."""

    def __init__(self, server: FakeHTTPServer) -> None:
        self._server = server
        self.emulator = server.emulator
        self.url = server.url
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        self._stopped = False

    @property
    def tenant_id(self) -> str:
        return self.emulator.options.tenant_id

    def token(self, roles: Any = tokens.ALL_ROLES, **claims: Any) -> str:
        """A token for this fake's tenant (see `b2blint.fakegraph.tokens.mint`)."""
        return tokens.mint(self.tenant_id, roles, **claims)

    def log(self) -> list[dict[str, Any]]:
        """Every Graph request so far (method, path, query, status, committed, ...)."""
        return self.emulator.log()

    def clear_log(self) -> None:
        """Forget the request log and the Retry-After violations."""
        self.emulator.clear_log()

    def writes(self) -> list[dict[str, Any]]:
        """The logged requests that were not GETs."""
        return [entry for entry in self.log() if entry["method"] != "GET"]

    def violations(self) -> list[dict[str, Any]]:
        """Requests that came before the Retry-After they were given had passed."""
        return self.emulator.violations()

    def state(self) -> dict[str, Any]:
        """The tenant in the state-file form."""
        return self.emulator.state_json()

    def set_state(self, state: Mapping[str, Any]) -> None:
        """Replace the tenant (file form)."""
        self.emulator.set_state(load_state(dict(state)))

    def script_faults(self, *faults: Fault | Mapping[str, Any]) -> None:
        """Add scripted faults (`Fault` objects or their camelCase JSON form)."""
        self.emulator.add_faults(
            [f if isinstance(f, Fault) else Fault.from_json(dict(f)) for f in faults]
        )

    def clear_faults(self) -> None:
        self.emulator.clear_faults()

    def configure(self, **changes: Any) -> Options:
        """Change options while running (e.g. ``page_size=2``)."""
        return self.emulator.configure(changes)

    def reset(self) -> None:
        """Initial state; no log, faults or Retry-After waits."""
        self.emulator.reset()

    def stop(self) -> None:
        """Stop serving and close the socket (idempotent)."""
        if self._stopped:
            return
        self._stopped = True
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
        self.emulator.close()

    def __enter__(self) -> RunningFake:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def start(
    tenant_id: str = DEFAULT_TENANT_ID,
    port: int = 0,
    *,
    host: str = "127.0.0.1",
    state: Mapping[str, Any] | None = None,
    log_file: Path | str | None = None,
    **options: Any,
) -> RunningFake:
    """Serve a fake tenant on a background thread; ``options`` are `Options` fields."""
    settings = Options(tenant_id=tenant_id, **options)
    initial = load_state(dict(state)) if state is not None else None
    server = make_server(settings, host, port, initial, Path(log_file) if log_file else None)
    return RunningFake(server)
