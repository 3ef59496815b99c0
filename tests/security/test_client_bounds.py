"""Attacks F21-F23 and a text/plain success: a Graph server that is slow, huge or malformed.

Each test runs the real ``b2blint plan`` against a real HTTP server on 127.0.0.1 (the hostile
proxy in front of the emulator) and asserts the one error line, the exit code and the requests
the server received. Limits are lowered through the documented environment variables so the
tests stay short; `bench/bench_hostile.py` measures the defaults.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from b2blint.errors import B2BLintError
from b2blint.tenant.bounded import MAX_JSON_DEPTH, BadJSON, ClientLimits, parse_json
from tests.conftest import run_cli
from tests.security.hostile import HostileProxy, Request, Upstream, forever, response, trickle

PARTNERS = "GET /v1.0/policies/crossTenantAccessPolicy/partners?%24expand=identitySynchronization"
PREFIX = f"b2blint: error: {PARTNERS.split('?', maxsplit=1)[0]}: "
IDS = re.compile(r" \(client-request-id [0-9a-f-]{36}\)$")


def _error(stderr: str) -> str:
    """The one error line, without the client-request-id (a fresh GUID per request)."""
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith(PREFIX), stderr
    return IDS.sub("", lines[0][len(PREFIX) :])


def test_f21_slow_loris_body_stops_at_the_request_deadline(
    proxy: HostileProxy, tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("B2BLINT_REQUEST_TIMEOUT", "1")
    head = response(200, b"")[: -len(b"Content-Length: 0\r\nConnection: close\r\n\r\n")]
    head += b"Content-Length: 100000\r\n\r\n"
    proxy.reset(lambda _r, _u: trickle(head, forever(b" "), 0.2))
    run = run_cli(["plan", str(tree)])
    assert run.exit_code == 1
    assert _error(run.stderr) == "no complete response within 1 s (B2BLINT_REQUEST_TIMEOUT)"
    assert proxy.paths() == [PARTNERS]  # a server that answers too slowly is not asked again


def test_f21_a_status_line_that_never_ends_stops_at_the_deadline(
    proxy: HostileProxy, tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("B2BLINT_REQUEST_TIMEOUT", "1")
    proxy.reset(lambda _r, _u: trickle(b"HTTP/1.1 200 ", forever(b"O"), 0.2))
    run = run_cli(["plan", str(tree)])
    assert run.exit_code == 1
    assert _error(run.stderr) == "no complete response within 1 s (B2BLINT_REQUEST_TIMEOUT)"


def test_f21_the_command_deadline_ends_retries(
    proxy: HostileProxy, tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("B2BLINT_COMMAND_TIMEOUT", "1.5")
    proxy.reset(lambda _r, _u: trickle(b"HTTP/1.1 200 ", forever(b"O"), 0.2))
    run = run_cli(["plan", str(tree)])
    assert run.exit_code == 1
    assert _error(run.stderr) == (
        "the command's time limit of 1.5 s is used up (B2BLINT_COMMAND_TIMEOUT)"
    )


def test_f22_a_body_over_the_size_limit_is_refused_while_it_streams(
    proxy: HostileProxy, tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("B2BLINT_MAX_RESPONSE_BYTES", "1000")
    chunk = b"400\r\n" + b" " * 1024 + b"\r\n"
    head = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    proxy.reset(lambda _r, _u: [head, *([chunk] * 1000)])  # 1 MiB, no Content-Length
    run = run_cli(["plan", str(tree)])
    assert run.exit_code == 1
    assert _error(run.stderr) == (
        "the response is too large (more than 1000 bytes; the limit is 1000 bytes, "
        "B2BLINT_MAX_RESPONSE_BYTES)"
    )
    assert proxy.paths() == [PARTNERS]


def test_f22_a_declared_length_over_the_limit_is_refused_before_reading(
    proxy: HostileProxy, tree: Path
) -> None:
    head = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        b"Content-Length: 1000000000\r\n\r\n"
    )
    proxy.reset(lambda _r, _u: [head, b"[" * 1000, 30.0])
    run = run_cli(["plan", str(tree)])
    assert run.exit_code == 1
    assert _error(run.stderr) == (
        "the response is too large (Content-Length 1000000000; the limit is 33554432 bytes, "
        "B2BLINT_MAX_RESPONSE_BYTES)"
    )


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b'{"value": [], "n": ' + b"9" * 5000 + b"}", "a number of 5000 characters (at most 100)"),
        (b"[" * 100_000 + b"]" * 100_000, "nested 100000 deep (at most 64)"),
        (b'{"value": [{"displayName": "\\udc00"}]}', "a string with an unpaired UTF-16 surrogate"),
        (b'{"value": [], "x": NaN}', "NaN is not JSON"),
        (b'{"value": [\xff]}', "not UTF-8"),
        (b'{"value": [', "not JSON (Expecting value at character 11)"),
    ],
)
def test_f23_json_outside_the_limits_is_one_error_line(
    proxy: HostileProxy, tree: Path, body: bytes, why: str
) -> None:
    proxy.reset(lambda _r, _u: [response(200, body)])
    run = run_cli(["plan", str(tree)])
    assert run.exit_code == 1  # was 101 (ValueError, RecursionError)
    assert _error(run.stderr) == (
        f"200 with a body that is not JSON (a proxy or a wrong --graph-url?): {why}"
    )


def test_a_text_plain_success_body_is_refused(proxy: HostileProxy, tree: Path) -> None:
    def plain(_request: Request, upstream: Upstream) -> list[bytes | float]:
        return [response(200, upstream.body, [("Content-Type", "text/plain")])]

    proxy.reset(plain)
    run = run_cli(["plan", str(tree)])
    assert run.exit_code == 1
    assert _error(run.stderr) == (
        "200 with a body that is not JSON (a proxy or a wrong --graph-url?): "
        "not application/json"
    )


def test_an_unrequested_content_encoding_is_refused(proxy: HostileProxy, tree: Path) -> None:
    proxy.reset(
        lambda _r, _u: [response(200, b"\x1f\x8b", [("Content-Encoding", "gzip")])]
    )
    run = run_cli(["plan", str(tree)])
    assert run.exit_code == 1
    assert _error(run.stderr) == (
        "the response has a Content-Encoding b2blint did not ask for ('gzip')"
    )


def test_the_client_asks_for_an_uncompressed_body(proxy: HostileProxy, tree: Path) -> None:
    proxy.reset()
    assert run_cli(["plan", str(tree)]).exit_code == 0
    assert [r.headers["accept-encoding"] for r in proxy.received] == ["identity"]


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("B2BLINT_REQUEST_TIMEOUT=soon", "expected a number of seconds greater than 0"),
        ("B2BLINT_COMMAND_TIMEOUT=-1", "expected a number of seconds greater than 0"),
        ("B2BLINT_MAX_RESPONSE_BYTES=1e6", "expected a whole number of bytes greater than 0"),
    ],
)
def test_a_bad_limit_in_the_environment_is_one_error_line(
    proxy: HostileProxy, tree: Path, monkeypatch: pytest.MonkeyPatch, setting: str, message: str
) -> None:
    name, _, value = setting.partition("=")
    monkeypatch.setenv(name, value)
    message = f"{name}={value!r}: {message}"
    run = run_cli(["plan", str(tree)])
    assert (run.exit_code, run.stderr) == (1, f"b2blint: error: {message}\n")
    assert proxy.paths() == []


def test_limits_default_when_the_environment_is_silent() -> None:
    assert ClientLimits.from_environment({}) == ClientLimits(60.0, 1800.0, 32 * 1024 * 1024)
    with pytest.raises(B2BLintError):
        ClientLimits.from_environment({"B2BLINT_REQUEST_TIMEOUT": "inf"})


def test_parse_json_depth_limit_is_exact() -> None:
    deep = b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH
    expected: list[object] = []
    for _ in range(MAX_JSON_DEPTH - 1):
        expected = [expected]
    assert parse_json(deep) == expected
    with pytest.raises(BadJSON, match="nested 65 deep"):
        parse_json(b"[" + deep + b"]")
    assert parse_json(b'{"k": "[[[[ not brackets ]]]]\\" ["}') == {"k": '[[[[ not brackets ]]]]" ['}


def test_an_http_proxy_from_the_environment_is_still_used(
    proxy: HostileProxy, tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """httpx's own transport honours HTTP(S)_PROXY; the bounded one must too (CI runners)."""
    for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("http_proxy", proxy.url)
    monkeypatch.setenv("B2BLINT_GRAPH_URL", "http://127.0.0.1:9")  # reached only via the proxy
    proxy.reset()
    run = run_cli(["plan", str(tree)])
    assert run.exit_code == 0, run.stderr
    assert proxy.paths() == [f"GET http://127.0.0.1:9{PARTNERS.split(' ', 1)[1]}"]
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    proxy.reset()
    assert run_cli(["plan", str(tree)]).exit_code == 1  # direct to port 9: nothing listens
    assert proxy.paths() == []


def test_a_socks_proxy_is_refused_in_one_line(
    proxy: HostileProxy, tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("NO_PROXY", "no_proxy", "HTTP_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("http_proxy", "socks5://user:secret@127.0.0.1:1080")
    run = run_cli(["plan", str(tree)])
    assert (run.exit_code, run.stderr) == (
        1,
        "b2blint: error: the proxy set in HTTPS_PROXY/HTTP_PROXY/ALL_PROXY is not an http:// "
        "or https:// URL; b2blint supports only those\n",
    )
