"""b2blint stops waiting for an azure-identity token after ``B2BLINT_REQUEST_TIMEOUT``.

azure-identity's own HTTP cannot be bounded from outside (its transport reads with a 300 s
timeout per read); b2blint bounds its wait. Performed for real: `--auth managed-identity` with
the App Service managed-identity endpoint (``IDENTITY_ENDPOINT``, read by azure-identity)
pointed at a server on 127.0.0.1 that trickles one byte every 0.2 s forever.
"""

from __future__ import annotations

import json

import pytest

from b2blint.errors import B2BLintError
from b2blint.tenant.auth import token_source
from b2blint.tenant.clouds import get_cloud
from tests.security.hostile import HostileProxy, Request, Upstream, forever, response, trickle
from tests.tenant.conftest import TENANT

pytest.importorskip("azure.identity", reason="needs the azure extra (pip install '.[azure]')")


@pytest.fixture
def identity_endpoint(proxy: HostileProxy, monkeypatch: pytest.MonkeyPatch) -> HostileProxy:
    for name in ("MSI_ENDPOINT", "MSI_SECRET", "IMDS_ENDPOINT", "IDENTITY_SERVER_THUMBPRINT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("IDENTITY_ENDPOINT", f"{proxy.url}/msi/token")
    monkeypatch.setenv("IDENTITY_HEADER", "header-value")
    return proxy


def test_a_token_endpoint_that_trickles_forever_fails_after_the_timeout(
    identity_endpoint: HostileProxy,
) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n"
    identity_endpoint.reset(lambda _r, _u: trickle(head, forever(b" "), 0.2))
    source = token_source(
        "managed-identity", TENANT, get_cloud("global"), {"B2BLINT_REQUEST_TIMEOUT": "1"}
    )
    with pytest.raises(B2BLintError) as caught:
        source.token()
    assert caught.value.exit_code == 1
    assert caught.value.message == (
        "cannot get a Graph token with --auth managed-identity: no token within 1 s "
        "(B2BLINT_REQUEST_TIMEOUT)"
    )
    (request,) = identity_endpoint.received  # azure-identity really asked the endpoint
    assert request.path.startswith("/msi/token?")
    assert request.headers["x-identity-header"] == "header-value"


def test_a_prompt_endpoint_gives_its_token(identity_endpoint: HostileProxy) -> None:
    body = {
        "access_token": "eyJ0eXAiOiJKV1QifQ.e30.c2ln",
        "expires_on": "4102444800",
        "resource": "https://graph.microsoft.com",
        "token_type": "Bearer",
    }

    def answer(_request: Request, _upstream: Upstream) -> list[bytes | float]:
        return [response(200, json.dumps(body).encode())]

    identity_endpoint.reset(answer)
    source = token_source(
        "managed-identity", TENANT, get_cloud("global"), {"B2BLINT_REQUEST_TIMEOUT": "5"}
    )
    assert source.token() == "eyJ0eXAiOiJKV1QifQ.e30.c2ln"
