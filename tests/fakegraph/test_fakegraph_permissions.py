"""The emulator's permission table and the client's (`b2blint.tenant.auth.ENDPOINTS`) agree.

They are two tables on purpose (the emulator is independent of the client); this checks both
against each other on every emulated route, version and method, and then over real HTTP: each
permission Microsoft's page lists is enough on its own, and every other permission b2blint knows
gets the 403 Graph sends. Each case's id names the Graph API page it comes from.
"""

from __future__ import annotations

import re

import pytest
from fakegraph_support import TENANT, Api, error_of

from b2blint.fakegraph import routes, tokens
from b2blint.fakegraph.emulator import WRITES
from b2blint.tenant.auth import ENDPOINTS, Endpoint, endpoint_for

KEY = "3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11"


def _cases() -> list[tuple[str, str, str, frozenset[str]]]:
    """(version, method, concrete path, permissions the emulator accepts) per emulated route."""
    cases = []
    for pattern, route in routes._ROUTES.items():  # the emulated routes: the table under test
        path = "/" + "/".join(KEY if s == routes.KEY else s for s in pattern)
        for version in route.versions:
            for method in sorted(route.methods):
                accepted = route.area.write if method in WRITES else route.area.read
                cases.append((version, method, path, accepted))
    return cases


CASES = _cases()


def _page(case: tuple[str, str, str, frozenset[str]]) -> str:
    version, method, path, _ = case
    found = endpoint_for(method, f"/{version}{path}")
    return f"{version} {method} {path} [{found.page if found else 'NOT IN THE CLIENT TABLE'}]"


@pytest.mark.parametrize("case", CASES, ids=[_page(c) for c in CASES])
def test_emulator_and_client_tables_agree(case: tuple[str, str, str, frozenset[str]]) -> None:
    version, method, path, accepted = case
    endpoint = endpoint_for(method, f"/{version}{path}")
    assert endpoint is not None, f"{method} /{version}{path} is missing from tenant.auth.ENDPOINTS"
    assert frozenset(endpoint.permissions) == accepted


def test_every_client_endpoint_is_emulated() -> None:
    emulated = {(method, version, path.lower()) for version, method, path, _ in CASES}
    for endpoint in ENDPOINTS:
        for version in endpoint.versions:
            path = endpoint.path.replace("{id}", KEY).lower()
            # A function's parameter (findTenantInformationByTenantId(tenantId='...')) is the
            # emulator's key segment.
            path = re.sub(r"\(\w+='([^']*)'\)", r"/\1", path)
            assert (endpoint.method, version, path) in emulated, endpoint


def test_least_privileged_comes_first() -> None:
    for endpoint in ENDPOINTS:
        least = endpoint.permissions[0]
        if endpoint.method == "GET":
            # a read-only permission where one is listed (ReadBasic: CrossTenantInformation)
            assert ".Read." in least or ".ReadBasic." in least, endpoint
        else:
            assert endpoint.permissions == (least,), endpoint  # writes: one permission


@pytest.mark.parametrize(
    "endpoint",
    ENDPOINTS,
    ids=[f"{e.method} {e.path} {'/'.join(e.versions)} [{e.page}]" for e in ENDPOINTS],
)
def test_each_documented_permission_suffices_and_nothing_else_does(
    api: Api, endpoint: Endpoint
) -> None:
    version = endpoint.versions[-1]
    path = endpoint.path.replace("{id}", KEY)
    body = {} if endpoint.method in ("POST", "PUT", "PATCH") else None
    for permission in endpoint.permissions:
        only = api.as_version(version).with_token(tokens.mint(TENANT, [permission]))
        assert only.request(endpoint.method, path, body).status_code != 403, permission
    others = [r for r in tokens.ALL_ROLES if r not in endpoint.permissions]
    without = api.as_version(version).with_token(tokens.mint(TENANT, others))
    assert error_of(without.request(endpoint.method, path, body)) == (
        403,
        "Authorization_RequestDenied",
        "Insufficient privileges to complete the operation.",
    )
