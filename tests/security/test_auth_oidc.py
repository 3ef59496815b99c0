"""The GitHub Actions OIDC token request is bounded like a Graph request.

`--auth workload-identity` in GitHub Actions asks ``ACTIONS_ID_TOKEN_REQUEST_URL`` for a token
once per Entra token request. Pointed (by a compromised runner image, a typo, a hostile proxy)
at a server that trickles bytes, never answers, or sends a gigabyte, it used to wait 30 s per
socket read without end and hold any body in memory. Each attack here is performed for real
against a server on 127.0.0.1; a test that hung or ran out of memory is the failure.
"""

from __future__ import annotations

import json

import pytest

from b2blint.errors import B2BLintError
from b2blint.tenant.auth import OIDC_MAX_BYTES, github_assertion
from tests.security.hostile import HostileProxy, Request, Upstream, forever, response, trickle

REQUEST_TOKEN = "SENTINELxREQUESTxTOKENx0123456789"
ID_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOm8vciJ9.c2lnbmF0dXJl"


def _env(proxy: HostileProxy, **extra: str) -> dict[str, str]:
    return {
        "ACTIONS_ID_TOKEN_REQUEST_URL": f"{proxy.url}/_apis/token?api-version=2.0",
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN": REQUEST_TOKEN,
        "B2BLINT_REQUEST_TIMEOUT": "1",
        **extra,
    }


def _fails(proxy: HostileProxy, output: list[bytes | float] | object, **env: str) -> str:
    proxy.reset(lambda _r, _u: output)  # type: ignore[arg-type, return-value]
    with pytest.raises(B2BLintError) as caught:
        github_assertion(_env(proxy, **env))()
    assert caught.value.exit_code == 1
    assert REQUEST_TOKEN not in caught.value.message
    assert len(proxy.received) == 1  # never retried, never redirected
    return caught.value.message


def _ok(body: bytes) -> bytes:
    return response(200, body)


def test_a_good_answer_gives_the_token_and_asks_as_github_documents(proxy: HostileProxy) -> None:
    def answer(_request: Request, _upstream: Upstream) -> list[bytes | float]:
        return [_ok(json.dumps({"count": 1, "value": ID_TOKEN}).encode())]

    proxy.reset(answer)
    assert github_assertion(_env(proxy))() == ID_TOKEN
    (request,) = proxy.received
    assert request.method == "GET"
    assert request.path == (
        "/_apis/token?api-version=2.0&audience=api%3A%2F%2FAzureADTokenExchange"
    )
    assert request.headers["authorization"] == f"Bearer {REQUEST_TOKEN}"
    assert request.headers["accept-encoding"] == "identity"


def test_a_trickle_of_bytes_cannot_outlive_the_request_deadline(proxy: HostileProxy) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2000\r\n\r\n"
    message = _fails(proxy, trickle(head, forever(b" "), 0.2))
    assert message == (
        "cannot get the GitHub Actions OIDC token: no complete answer within 1 s "
        "(B2BLINT_REQUEST_TIMEOUT)"
    )


def test_a_status_line_that_never_ends_is_cut_off(proxy: HostileProxy) -> None:
    message = _fails(proxy, trickle(b"HTTP/1.1 2", forever(b"0"), 0.2))
    assert message.endswith("no complete answer within 1 s (B2BLINT_REQUEST_TIMEOUT)")


def test_a_server_that_never_answers_is_cut_off(proxy: HostileProxy) -> None:
    message = _fails(proxy, [3600.0])
    assert message.endswith("no complete answer within 1 s (B2BLINT_REQUEST_TIMEOUT)")


def test_a_huge_declared_body_is_refused_before_reading(proxy: HostileProxy) -> None:
    head = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n"
    )
    message = _fails(proxy, trickle(head, forever(b"x" * 65536), 0.0))
    assert message == (
        "cannot get the GitHub Actions OIDC token: the answer is too large "
        "(Content-Length 10000000000)"
    )


def test_an_endless_body_is_refused_as_it_streams_in(proxy: HostileProxy) -> None:
    head = (
        b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"value": "'
    )
    message = _fails(proxy, trickle(head, forever(b"A" * 65536), 0.0), B2BLINT_REQUEST_TIMEOUT="30")
    assert message == (
        "cannot get the GitHub Actions OIDC token: the answer is too large "
        f"(more than {OIDC_MAX_BYTES} bytes)"
    )


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"[" * 30_000 + b"]" * 30_000, "nested 30000 deep (at most 64)"),
        (b'{"value": 1' + b"0" * 5000 + b"}", "a number of 5001 characters (at most 100)"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_hostile_json_is_refused_by_the_graph_limits(
    proxy: HostileProxy, body: bytes, why: str
) -> None:
    message = _fails(proxy, [_ok(body)])
    assert message == (
        f"cannot get the GitHub Actions OIDC token: the answer is not JSON b2blint accepts ({why})"
    )


def test_a_redirect_is_not_followed(proxy: HostileProxy) -> None:
    moved = response(302, b"", [("Location", "http://127.0.0.1:9/steal")])
    message = _fails(proxy, [moved])
    assert message == "cannot get the GitHub Actions OIDC token: HTTP 302 from the token endpoint"


def test_an_answer_without_a_value_is_refused(proxy: HostileProxy) -> None:
    message = _fails(proxy, [_ok(b'{"count": 0}')])
    assert message == "cannot get the GitHub Actions OIDC token: the answer has no 'value'"
