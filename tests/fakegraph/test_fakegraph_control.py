"""The /_fake/ control API over HTTP, the request log and the state file form."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from fakegraph_support import PARTNER, PARTNER_2, PARTNERS, TENANT, XTAP, Api, error_of

from b2blint.fakegraph.server import RunningFake, start


@pytest.fixture
def control(fake: RunningFake) -> httpx.Client:
    return httpx.Client(base_url=fake.url + "/_fake", timeout=10)


def test_health(control: httpx.Client) -> None:
    assert control.get("/health").json() == {"status": "ok", "tenantId": TENANT}


def test_log_records_requests_without_the_authorization_header(
    control: httpx.Client, api: Api
) -> None:
    api.post(PARTNERS, {"tenantId": PARTNER}, headers={"client-request-id": "req-1"})
    api.get(PARTNERS, params={"$select": "tenantId"})
    body = control.get("/log").json()
    first, second = body["requests"]
    assert (first["method"], first["path"], first["status"], first["committed"]) == (
        "POST",
        "/v1.0" + PARTNERS,
        201,
        True,
    )
    assert first["clientRequestId"] == "req-1"
    assert first["body"] == {"tenantId": PARTNER}
    assert first["time"].endswith("+00:00")
    assert (second["method"], second["query"], second["committed"]) == (
        "GET",
        "%24select=tenantId",  # as sent; httpx percent-encodes "$"
        False,
    )
    assert second["params"] == {"$select": "tenantId"}
    assert body["retryAfterViolations"] == []
    text = json.dumps(body)
    assert api.token not in text
    assert "authorization" not in text.lower()


def test_control_requests_are_not_logged(control: httpx.Client) -> None:
    control.get("/state")
    assert control.get("/log").json()["requests"] == []


def test_delete_log(control: httpx.Client, api: Api) -> None:
    api.get(XTAP)
    assert control.delete("/log").status_code == 204
    assert control.get("/log").json()["requests"] == []


def test_faults_over_http(control: httpx.Client, api: Api) -> None:
    response = control.post("/faults", json=[{"kind": "error", "status": 503, "method": "GET"}])
    assert response.status_code == 201
    assert api.get(XTAP).status_code == 503
    [described] = control.get("/faults").json()["faults"]
    assert (described["kind"], described["fired"]) == ("error", 1)
    assert control.post("/faults", json={"faults": [{"kind": "drop", "nth": 5}]}).status_code == 201
    assert len(control.get("/faults").json()["faults"]) == 2
    assert control.delete("/faults").status_code == 204
    assert control.get("/faults").json()["faults"] == []


def test_bad_fault_is_400(control: httpx.Client) -> None:
    response = control.post("/faults", json=[{"kind": "nope"}])
    assert response.status_code == 400
    assert "nope" in response.json()["error"]["message"]
    assert control.post("/faults", json={"kind": "drop"}).status_code == 400


def test_state_round_trip(control: httpx.Client, api: Api) -> None:
    api.post(PARTNERS, {"tenantId": PARTNER})
    api.put(
        f"{PARTNERS}/{PARTNER}/identitySynchronization",
        {"userSyncInbound": {"isSyncAllowed": True}},
    )
    state = control.get("/state").json()
    assert state["tenantId"] == TENANT
    assert state["default"] is None
    [partner] = state["partners"]
    assert partner["identitySynchronization"]["userSyncInbound"] == {"isSyncAllowed": True}
    state["partners"].append({"tenantId": PARTNER_2, "inboundTrust": {"isMfaAccepted": True}})
    assert control.put("/state", json=state).status_code == 204
    got = api.get(f"{PARTNERS}/{PARTNER_2}").json()
    assert got["inboundTrust"] == {"isMfaAccepted": True}
    assert got["automaticUserConsentSettings"] == {"inboundAllowed": None, "outboundAllowed": None}


def test_state_may_hold_properties_graph_added_later(control: httpx.Client, api: Api) -> None:
    state = {"partners": [{"tenantId": PARTNER, "futureSetting": {"on": True}}]}
    assert control.put("/state", json=state).status_code == 204
    assert api.get(f"{PARTNERS}/{PARTNER}").json()["futureSetting"] == {"on": True}
    assert error_of(api.patch(f"{PARTNERS}/{PARTNER}", {"futureSetting": None}))[0] == 400


@pytest.mark.parametrize(
    "state",
    [
        [],
        {"partners": [{"tenantId": "nope"}]},
        {"partnerz": []},
        {"partners": [{"tenantId": PARTNER}, {"tenantId": PARTNER.upper()}]},
    ],
)
def test_bad_state_is_400(control: httpx.Client, state: object) -> None:
    assert control.put("/state", json=state).status_code == 400


def test_reset(control: httpx.Client, fake: RunningFake, api: Api) -> None:
    api.post(PARTNERS, {"tenantId": PARTNER})
    fake.script_faults({"kind": "error", "nth": 10})
    assert control.post("/reset").status_code == 204
    assert control.get("/log").json()["requests"] == []
    assert control.get("/faults").json()["faults"] == []
    assert api.get(PARTNERS).json()["value"] == []


def test_reset_returns_to_the_initial_state() -> None:
    initial = {
        "partners": [{"tenantId": PARTNER}],
        "default": {"inboundTrust": {"isMfaAccepted": True}},
    }
    with start(tenant_id=TENANT, state=initial) as fake:
        api = Api(fake)
        default = api.get(XTAP + "/default").json()
        assert (default["isServiceDefault"], default["inboundTrust"]) == (
            False,
            {"isMfaAccepted": True},
        )
        api.delete(f"{PARTNERS}/{PARTNER}")
        fake.reset()
        assert [p["tenantId"] for p in api.get(PARTNERS).json()["value"]] == [PARTNER]
        api.client.close()


def test_config(control: httpx.Client, api: Api) -> None:
    config = control.get("/config").json()
    assert (config["pageSize"], config["sizeLimit"], config["duplicatePartnerStatus"]) == (
        100,
        25600,
        400,
    )
    updated = control.patch("/config", json={"duplicatePartnerStatus": 409, "pageSize": 1})
    assert updated.json()["duplicatePartnerStatus"] == 409
    api.post(PARTNERS, {"tenantId": PARTNER})
    assert api.post(PARTNERS, {"tenantId": PARTNER}).status_code == 409
    for bad in (
        {"pageSize": 0},
        {"tenantId": PARTNER},
        {"nope": 1},
        {"pageSize": "2"},
        {"throttleRate": 2},
    ):
        assert control.patch("/config", json=bad).status_code == 400


def test_size(control: httpx.Client, api: Api) -> None:
    before = control.get("/size").json()
    assert before["limit"] == 25600
    api.post(PARTNERS, {"tenantId": PARTNER})
    assert control.get("/size").json()["bytes"] > before["bytes"]


def test_unknown_control_endpoint(control: httpx.Client) -> None:
    assert control.get("/nothing").status_code == 404


def test_log_file_gets_one_json_line_per_request(tmp_path: Path) -> None:
    log = tmp_path / "requests.jsonl"
    with start(tenant_id=TENANT, log_file=log) as fake:
        api = Api(fake)
        api.get(XTAP)
        api.post(PARTNERS, {"tenantId": PARTNER})
        api.client.close()
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [(e["method"], e["path"], e["status"]) for e in lines] == [
        ("GET", "/v1.0" + XTAP, 200),
        ("POST", "/v1.0" + PARTNERS, 201),
    ]
    assert fake.token() not in log.read_text(encoding="utf-8")


def test_only_loopback() -> None:
    with pytest.raises(ValueError, match=r"loopback|127\.0\.0\.1"):
        start(tenant_id=TENANT, host="0.0.0.0")


def test_ipv6_loopback() -> None:
    try:
        fake = start(tenant_id=TENANT, host="::1")
    except OSError:
        pytest.skip("no IPv6 loopback here")
    with fake:
        assert fake.url.startswith("http://[::1]:")
        api = Api(fake)
        assert api.get(XTAP).status_code == 200
        api.client.close()
