"""Conditional Access policies in the emulator: read-only, paged, permission-checked, loaded
from the state (``--state``), and every write refused with 405 (b2blint never sends one).

List and get: https://learn.microsoft.com/graph/api/conditionalaccessroot-list-policies and
https://learn.microsoft.com/graph/api/conditionalaccesspolicy-get (Policy.Read.All only).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakegraph_support import TENANT, Api, error_of

from b2blint.fakegraph import tokens
from b2blint.fakegraph.server import start
from b2blint.fakegraph.state import StateError, load_state

DOCS = Path(__file__).resolve().parent.parent / "fixtures" / "graph-docs"
POLICIES = "/identity/conditionalAccess/policies"
ALL_TENANTS = {
    "@odata.type": "#microsoft.graph.conditionalAccessAllExternalTenants",
    "membershipKind": "all",
}


def _policies() -> list[dict[str, object]]:
    listed = json.loads((DOCS / "v1.0-conditionalaccessroot-list-policies.json").read_text())
    single = json.loads((DOCS / "v1.0-conditionalaccesspolicy-get.json").read_text())
    single.pop("@odata.context")
    guests = {
        **single,
        "id": "0d7b2c1e-5a4f-4e3b-9c2d-1f0e9d8c7b6a",
        "displayName": "Guests: MFA",
        "conditions": {
            "users": {
                "includeGuestsOrExternalUsers": {
                    "guestOrExternalUserTypes": "b2bCollaborationGuest",
                    "externalTenants": ALL_TENANTS,
                }
            }
        },
    }
    return [*listed["value"], single, guests]


@pytest.fixture
def ca() -> Iterator[Api]:
    with start(
        tenant_id=TENANT, page_size=2, state={"conditionalAccessPolicies": _policies()}
    ) as fake:
        api = Api(fake)
        yield api
        api.client.close()


def test_list_is_paged_with_next_link_and_keeps_nested_odata_type(ca: Api) -> None:
    first = ca.get(POLICIES)
    assert first.status_code == 200
    body = first.json()
    assert body["@odata.context"] == (
        "https://graph.microsoft.com/v1.0/$metadata#identity/conditionalAccess/policies"
    )
    pages = [body]
    while "@odata.nextLink" in pages[-1]:
        link = pages[-1]["@odata.nextLink"]
        assert link.startswith(ca.fake.url + "/v1.0/identity/conditionalAccess/policies?")
        reply = ca.client.get(link, headers={"Authorization": f"Bearer {ca.token}"})
        pages.append(reply.json())
    assert [len(p["value"]) for p in pages] == [2, 2]
    assert [p for page in pages for p in page["value"]] == _policies()
    last = pages[-1]["value"][-1]
    assert last["conditions"]["users"]["includeGuestsOrExternalUsers"]["externalTenants"] == (
        ALL_TENANTS
    )


def test_get_one_by_id_any_case_and_select(ca: Api) -> None:
    reply = ca.get(POLICIES + "/6B5E999B-0BA8-4186-A106-E0296C1C4358")
    assert reply.status_code == 200
    body = reply.json()
    assert body.pop("@odata.context") == (
        "https://graph.microsoft.com/v1.0/$metadata#identity/conditionalAccess/policies/$entity"
    )
    assert body == _policies()[2]
    selected = ca.get(POLICIES, params={"$select": "id,state"}).json()["value"]
    assert selected == [{"id": p["id"], "state": "disabled"} for p in _policies()[:2]]
    assert error_of(ca.get(POLICIES + "/00000000-0000-0000-0000-000000000009"))[0] == 404


def test_reads_need_policy_read_all(ca: Api) -> None:
    others = [r for r in tokens.ALL_ROLES if r != tokens.READ_ALL]
    denied = ca.with_token(tokens.mint(TENANT, others))
    assert error_of(denied.get(POLICIES)) == (
        403,
        "Authorization_RequestDenied",
        "Insufficient privileges to complete the operation.",
    )
    allowed = ca.with_token(tokens.mint(TENANT, [tokens.READ_ALL]))
    assert allowed.get(POLICIES).status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", POLICIES),
        ("PATCH", POLICIES + "/ad8d2b4a-8d30-413f-88b8-144c6c8d98d9"),
        ("DELETE", POLICIES + "/ad8d2b4a-8d30-413f-88b8-144c6c8d98d9"),
        ("PUT", POLICIES + "/ad8d2b4a-8d30-413f-88b8-144c6c8d98d9"),
    ],
)
def test_every_write_is_405_and_changes_nothing(ca: Api, method: str, path: str) -> None:
    body = {"state": "enabled"} if method != "DELETE" else None
    assert error_of(ca.request(method, path, body)) == (
        405,
        "Request_BadRequest",
        "Specified HTTP method is not allowed for the request target.",
    )
    assert ca.fake.state()["conditionalAccessPolicies"] == _policies()


def test_state_file_round_trip_and_bad_state() -> None:
    state = load_state({"conditionalAccessPolicies": _policies()})
    assert state.to_json(TENANT)["conditionalAccessPolicies"] == _policies()
    with pytest.raises(StateError, match=re.escape("id '../x' is not a GUID")):
        load_state({"conditionalAccessPolicies": [{"id": "../x"}]})
    twice = [_policies()[0], {**_policies()[0], "id": _policies()[0]["id"].upper()}]
    with pytest.raises(StateError, match="appears twice"):
        load_state({"conditionalAccessPolicies": twice})
