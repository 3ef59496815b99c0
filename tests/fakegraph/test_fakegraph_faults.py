"""Fault injection: throttling, 5xx, drops, commit-then-drop, stale reads, scripted and random."""

from __future__ import annotations

import email.utils
import time

import httpx
import pytest
from fakegraph_support import PARTNER, PARTNERS, TENANT, XTAP, Api, error_of

from b2blint.fakegraph.faults import Fault
from b2blint.fakegraph.server import RunningFake, start


def test_throttle_with_integer_retry_after(fake: RunningFake, api: Api) -> None:
    fake.script_faults(
        Fault("throttle", method="GET", path="*/crossTenantAccessPolicy", retry_after="7")
    )
    response = api.get(XTAP)
    status, code, message = error_of(response)
    assert (status, code, message) == (429, "TooManyRequests", "Please retry again later.")
    assert response.headers["Retry-After"] == "7"
    inner = response.json()["error"]["innerError"]
    assert (inner["code"], inner["status"]) == ("429", "429")
    assert "x-ms-throttle-scope" in response.headers
    assert fake.log()[-1]["fault"] == "throttle"


@pytest.mark.parametrize("value", ["2.128", 2.128])
def test_throttle_with_decimal_retry_after(fake: RunningFake, api: Api, value: object) -> None:
    fake.script_faults({"kind": "throttle", "retryAfter": value})
    assert api.get(XTAP).headers["Retry-After"] == "2.128"


def test_throttle_with_http_date_retry_after(fake: RunningFake, api: Api) -> None:
    fake.script_faults({"kind": "throttle", "retryAfter": 120, "retryAfterAs": "date"})
    header = api.get(XTAP).headers["Retry-After"]
    when = email.utils.parsedate_to_datetime(header)
    assert header.endswith(" GMT")
    assert when.timestamp() > time.time() + 60


def test_literal_http_date_is_sent_verbatim(fake: RunningFake, api: Api) -> None:
    past = "Wed, 21 Oct 2015 07:28:00 GMT"  # the RFC 9110 example: long expired
    fake.script_faults({"kind": "throttle", "retryAfter": past})
    assert api.get(XTAP).headers["Retry-After"] == past
    assert api.get(XTAP).status_code == 200
    assert fake.violations() == []


def test_throttle_without_retry_after(fake: RunningFake, api: Api) -> None:
    fake.script_faults({"kind": "throttle"})
    response = api.get(XTAP)
    assert response.status_code == 429
    assert "Retry-After" not in response.headers
    assert api.get(XTAP).status_code == 200  # nothing to violate
    assert fake.violations() == []


def test_calling_before_retry_after_is_a_violation(fake: RunningFake, api: Api) -> None:
    fake.script_faults({"kind": "throttle", "method": "POST", "retryAfter": "30"})
    assert api.post(PARTNERS, {"tenantId": PARTNER}).status_code == 429
    early = api.post(PARTNERS, {"tenantId": PARTNER}, headers={"client-request-id": "early-1"})
    assert early.status_code == 429  # throttled again (Dev Proxy's RetryAfterPlugin)
    assert 1 <= int(early.headers["Retry-After"]) <= 30
    [violation] = fake.violations()
    assert (violation["method"], violation["path"], violation["retryAfter"]) == (
        "POST",
        "/v1.0" + PARTNERS,
        "30",
    )
    assert violation["clientRequestId"] == "early-1"
    assert [e["retryAfterViolation"] for e in fake.log()] == [False, True]
    assert api.get(PARTNERS).status_code == 429  # every call of that client is early
    assert fake.state()["partners"] == []
    assert len(fake.violations()) == 2


def test_waiting_out_retry_after_is_no_violation(fake: RunningFake, api: Api) -> None:
    fake.script_faults({"kind": "throttle", "retryAfter": "0.2"})
    assert api.get(XTAP).status_code == 429
    time.sleep(0.4)
    assert api.get(XTAP).status_code == 200
    assert fake.violations() == []


def test_violations_are_per_client(fake: RunningFake, api: Api) -> None:
    fake.script_faults({"kind": "throttle", "retryAfter": "30"})
    api.get(XTAP)
    other = api.with_token(fake.token(appid="another-app"))
    assert other.get(XTAP).status_code == 200
    assert fake.violations() == []


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (500, "generalException"),
        (502, "badGateway"),
        (503, "serviceNotAvailable"),
        (504, "gatewayTimeout"),
    ],
)
def test_server_errors(fake: RunningFake, api: Api, status: int, code: str) -> None:
    fake.script_faults({"kind": "error", "method": "POST", "status": status})
    response = api.post(PARTNERS, {"tenantId": PARTNER})
    assert error_of(response)[:2] == (status, code)
    assert response.headers["client-request-id"]
    assert api.get(PARTNERS).json()["value"] == []
    assert fake.log()[0]["committed"] is False


def test_503_with_retry_after_is_watched(fake: RunningFake, api: Api) -> None:
    fake.script_faults({"kind": "error", "status": 503, "retryAfter": "30"})
    assert api.get(XTAP).headers["Retry-After"] == "30"
    assert api.get(XTAP).status_code == 429
    assert len(fake.violations()) == 1


def test_drop_closes_the_connection_without_applying(fake: RunningFake, api: Api) -> None:
    fake.script_faults({"kind": "drop", "method": "POST"})
    with pytest.raises(httpx.TransportError):
        api.post(PARTNERS, {"tenantId": PARTNER})
    assert api.get(PARTNERS).json()["value"] == []
    entry = fake.log()[0]
    assert (entry["dropped"], entry["committed"], entry["status"]) == (True, False, None)


def test_commit_then_drop_applies_the_write(fake: RunningFake, api: Api) -> None:
    fake.script_faults({"kind": "commitThenDrop", "method": "POST", "path": "*/partners"})
    with pytest.raises(httpx.TransportError):
        api.post(PARTNERS, {"tenantId": PARTNER})
    assert api.get(f"{PARTNERS}/{PARTNER}").status_code == 200
    entry = fake.log()[0]
    assert (entry["dropped"], entry["committed"], entry["status"]) == (True, True, 201)
    # A blind retry now meets the duplicate rule: the reason clients must re-read instead.
    assert (
        error_of(api.post(PARTNERS, {"tenantId": PARTNER}))[1]
        == "Request_MultipleObjectsWithSameKeyValue"
    )


def test_stale_window_after_a_write(fake: RunningFake, api: Api) -> None:
    fake.script_faults({"kind": "stale", "method": "POST", "reads": 2})
    assert api.post(PARTNERS, {"tenantId": PARTNER}).status_code == 201
    assert api.get(f"{PARTNERS}/{PARTNER}").status_code == 404
    assert api.get(PARTNERS).json()["value"] == []
    assert api.get(f"{PARTNERS}/{PARTNER}").status_code == 200


def test_stale_window_shows_the_previous_version_of_a_patched_partner(
    fake: RunningFake, api: Api
) -> None:
    partner, sync = f"{PARTNERS}/{PARTNER}", f"{PARTNERS}/{PARTNER}/identitySynchronization"
    assert api.post(PARTNERS, {"tenantId": PARTNER}).status_code == 201
    assert api.put(sync, {"displayName": "one"}).status_code == 204
    fake.script_faults({"kind": "stale", "method": "PATCH", "reads": 2})
    assert api.patch(partner, {"inboundTrust": {"isMfaAccepted": True}}).status_code == 204
    assert api.patch(sync, {"displayName": "two"}).status_code == 204
    # Both writes fall in one window: its reads see the state before the first.
    assert api.get(partner).json()["inboundTrust"] is None
    assert api.get(sync).json()["displayName"] == "one"
    assert api.get(partner).json()["inboundTrust"] == {"isMfaAccepted": True}
    assert api.get(sync).json()["displayName"] == "two"


def test_global_stale_reads_return_the_previous_version() -> None:
    with start(tenant_id=TENANT, stale_reads=1) as fake:
        api = Api(fake)
        api.patch(XTAP, {"displayName": "one"})
        api.get(XTAP)  # the stale read of the first write
        api.patch(XTAP, {"displayName": "two"})
        assert api.get(XTAP).json()["displayName"] == "one"
        assert api.get(XTAP).json()["displayName"] == "two"
        api.client.close()


def test_latency_fault_still_serves(fake: RunningFake, api: Api) -> None:
    fake.script_faults({"kind": "latency", "latencyMs": 50})
    assert api.get(XTAP).status_code == 200
    assert fake.log()[0]["fault"] == "latency"


def test_nth_and_times(fake: RunningFake, api: Api) -> None:
    fake.script_faults(
        {
            "kind": "error",
            "method": "GET",
            "path": "/policies/crossTenantAccessPolicy",
            "nth": 2,
            "times": 2,
            "status": 503,
        }
    )
    statuses = [api.get(XTAP).status_code for _ in range(4)]
    assert statuses == [200, 503, 503, 200]
    [described] = fake.emulator.faults_json()
    assert (described["matched"], described["fired"]) == (4, 2)


def test_times_zero_fires_forever_and_first_fault_wins(fake: RunningFake, api: Api) -> None:
    fake.script_faults(
        Fault("error", path="/v1.0/policies/*", status=500, nth=3, times=0),
        Fault("error", path="*", status=502, times=0),
    )
    statuses = [api.get(XTAP).status_code for _ in range(4)]
    assert statuses == [502, 502, 500, 500]


def test_pattern_without_version_matches_beta_too(fake: RunningFake, beta: Api) -> None:
    fake.script_faults(
        {"kind": "error", "path": "/policies/crossTenantAccessPolicy/default", "status": 504}
    )
    assert beta.get(XTAP + "/default").status_code == 504


def test_respond_fault(fake: RunningFake, api: Api) -> None:
    fake.script_faults(
        {"kind": "respond", "status": 418, "headers": {"X-Test": "1"}, "body": "teapot"}
    )
    response = api.get(XTAP)
    assert (response.status_code, response.text, response.headers["X-Test"]) == (418, "teapot", "1")


def test_claims_challenge(fake: RunningFake, api: Api) -> None:
    fake.script_faults({"kind": "claimsChallenge", "method": "PATCH"})
    response = api.patch(XTAP, {"displayName": "x"})
    assert response.status_code == 401
    assert 'error="insufficient_claims"' in response.headers["WWW-Authenticate"]
    assert api.get(XTAP).json()["displayName"] == "CrossTenantAccessPolicy"


def _statuses(seed: int) -> list[int]:
    with start(
        tenant_id=TENANT, seed=seed, fail_rate=0.3, throttle_rate=0.2, retry_after=""
    ) as fake:
        api = Api(fake)
        statuses = [api.get(XTAP).status_code for _ in range(30)]
        api.client.close()
        return statuses


def test_random_faults_are_deterministic_with_a_seed() -> None:
    first = _statuses(7)
    assert first == _statuses(7)
    assert 200 in first and 429 in first
    assert {s for s in first if s >= 500} <= {500, 502, 503, 504}
    assert any(s >= 500 for s in first)


def test_random_drops() -> None:
    with start(tenant_id=TENANT, seed=1, drop_rate=1.0) as fake:
        api = Api(fake)
        with pytest.raises(httpx.TransportError):
            api.get(XTAP)
        assert fake.log()[0]["dropped"] is True
        api.client.close()


def test_random_commit_then_drop_spares_reads() -> None:
    with start(tenant_id=TENANT, seed=1, commit_drop_rate=1.0) as fake:
        api = Api(fake)
        assert api.get(XTAP).status_code == 200
        with pytest.raises(httpx.TransportError):
            api.patch(XTAP, {"displayName": "kept"})
        assert api.get(XTAP).json()["displayName"] == "kept"
        api.client.close()


@pytest.mark.parametrize(
    "bad",
    [
        {"kind": "explode"},
        {"kind": "throttle", "nth": 0},
        {"kind": "throttle", "colour": "red"},
        {"kind": "throttle", "retryAfter": True},
        {"method": "GET"},
    ],
)
def test_malformed_faults_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Fault.from_json(bad)
