"""Tokens, tenants and permissions; the error envelope and request ids."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from fakegraph_support import PARTNER, PARTNERS, TENANT, XTAP, Api, error_of

from b2blint.fakegraph import tokens
from b2blint.fakegraph.auth import decode_claims
from b2blint.fakegraph.server import RunningFake

OTHER_TENANT = "99999999-8888-4777-8666-555555555555"


def test_no_token_is_401_with_www_authenticate(api: Api) -> None:
    response = api.client.get(api.url(XTAP))
    assert error_of(response) == (401, "InvalidAuthenticationToken", "Access token is empty.")
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm=""')


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("not-a-jwt", "CompactToken parsing failed with error code: 80049217"),
        (
            tokens.mint(TENANT, exp=int(time.time()) - 10),
            "Lifetime validation failed, the token is expired.",
        ),
        (
            tokens.mint(TENANT, aud="api://someone-else"),
            "Access token validation failure. Invalid audience.",
        ),
    ],
)
def test_unusable_tokens_are_401(api: Api, token: str, message: str) -> None:
    assert error_of(api.with_token(token).get(XTAP)) == (401, "InvalidAuthenticationToken", message)


def test_token_for_another_tenant_is_401_and_writes_nothing(api: Api) -> None:
    other = api.with_token(tokens.mint(OTHER_TENANT))
    status, code, _ = error_of(other.post(PARTNERS, {"tenantId": PARTNER}))
    assert (status, code) == (401, "InvalidAuthenticationToken")
    assert api.get(PARTNERS).json()["value"] == []
    assert api.fake.log()[0]["committed"] is False


def test_read_only_token_reads_but_cannot_write(api: Api) -> None:
    reader = api.with_token(tokens.mint(TENANT, tokens.READ_ONLY_ROLES))
    assert reader.get(PARTNERS).status_code == 200
    assert error_of(reader.post(PARTNERS, {"tenantId": PARTNER})) == (
        403,
        "Authorization_RequestDenied",
        "Insufficient privileges to complete the operation.",
    )


@pytest.mark.parametrize(
    "case",
    [
        ("v1.0", "PATCH", XTAP, {"displayName": "x"}, tokens.XTAP_WRITE),
        ("v1.0", "POST", PARTNERS, {"tenantId": PARTNER}, tokens.XTAP_WRITE),
        (
            "v1.0",
            "PATCH",
            "/policies/authorizationPolicy",
            {"allowInvitesFrom": "none"},
            tokens.AUTHORIZATION_WRITE,
        ),
        (
            "v1.0",
            "PATCH",
            "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/email",
            {
                "@odata.type": "#microsoft.graph.emailAuthenticationMethodConfiguration",
                "state": "enabled",
            },
            tokens.AUTH_METHOD_WRITE,
        ),
        (
            "beta",
            "PATCH",
            "/policies/externalIdentitiesPolicy",
            {"allowExternalIdentitiesToLeave": False},
            tokens.EXTERNAL_IDENTITIES_WRITE,
        ),
        (
            "beta",
            "POST",
            "/policies/b2bManagementPolicies",
            {"displayName": "p", "description": "d", "definition": ["{}"]},
            tokens.B2B_WRITE,
        ),
    ],
)
def test_each_write_needs_its_permission(
    api: Api, case: tuple[str, str, str, dict[str, object], str]
) -> None:
    version, method, path, body, needed = case
    others = [role for role in tokens.ALL_ROLES if role != needed]
    without = api.as_version(version).with_token(tokens.mint(TENANT, others))
    assert error_of(without.request(method, path, body))[:2] == (403, "Authorization_RequestDenied")
    only = api.as_version(version).with_token(tokens.mint(TENANT, [needed]))
    assert only.request(method, path, body).status_code in (200, 201, 204)


def test_write_permission_also_reads(api: Api) -> None:
    writer = api.with_token(tokens.mint(TENANT, [tokens.XTAP_WRITE]))
    assert writer.get(PARTNERS).status_code == 200
    assert error_of(writer.get("/policies/authorizationPolicy"))[0] == 403


def test_b2b_management_reads_need_their_own_permission(beta: Api) -> None:
    path = "/policies/b2bManagementPolicies"
    assert error_of(beta.with_token(tokens.mint(TENANT, [tokens.READ_ALL])).get(path))[0] == 403
    assert beta.with_token(tokens.mint(TENANT, [tokens.B2B_READ])).get(path).status_code == 200


def test_delegated_scopes_count(api: Api) -> None:
    delegated = api.with_token(
        tokens.mint(TENANT, None, scp="Policy.Read.All Policy.ReadWrite.CrossTenantAccess")
    )
    assert delegated.post(PARTNERS, {"tenantId": PARTNER}).status_code == 201
    none = api.with_token(tokens.mint(TENANT, None))
    assert error_of(none.get(PARTNERS))[0] == 403


def test_client_request_id_is_echoed(api: Api) -> None:
    response = api.get(
        f"{PARTNERS}/{PARTNER}",
        headers={"client-request-id": "c0ffee00-0000-4000-8000-000000000001"},
    )
    assert response.status_code == 404
    assert response.headers["client-request-id"] == "c0ffee00-0000-4000-8000-000000000001"
    inner = response.json()["error"]["innerError"]
    assert inner["client-request-id"] == "c0ffee00-0000-4000-8000-000000000001"
    assert inner["request-id"] == response.headers["request-id"]
    assert len(inner["date"]) == 19 and inner["date"][10] == "T"


def test_request_id_without_client_request_id(api: Api) -> None:
    response = api.get(XTAP)
    assert response.headers["client-request-id"] == response.headers["request-id"]
    assert api.fake.log()[-1]["clientRequestId"] is None


def test_mint_shape() -> None:
    token = tokens.mint(TENANT, ["Policy.Read.All"], appid="app-1")
    _header, _payload, signature = token.split(".")
    assert signature == ""
    claims = decode_claims(token)
    assert claims is not None
    assert (claims["tid"], claims["roles"], claims["appid"]) == (
        TENANT,
        ["Policy.Read.All"],
        "app-1",
    )
    assert claims["aud"] == "https://graph.microsoft.com"
    assert claims["exp"] > claims["iat"]


def test_token_cli_prints_a_token_the_fake_accepts(fake: RunningFake, api: Api) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "b2blint.fakegraph.tokens",
            "--tenant-id",
            TENANT,
            "--read-only",
            "--claim",
            "appid=cli-app",
            "--claim",
            'xms_extra={"a": 1}',
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stderr == ""
    token = result.stdout.strip()
    claims = decode_claims(token)
    assert claims is not None
    assert claims["roles"] == list(tokens.READ_ONLY_ROLES)
    assert (claims["appid"], claims["xms_extra"]) == ("cli-app", {"a": 1})
    reader = api.with_token(token)
    assert reader.get(XTAP).status_code == 200
    assert error_of(reader.patch(XTAP, {"displayName": "x"}))[0] == 403
    assert token not in json.dumps(fake.log())
