"""Apply edge cases where a write landed but a read around it failed, and stale saved plans.

Each test drives the real CLI against the emulator over HTTP and asserts the exit code, the
output and the writes Graph received.
"""

from __future__ import annotations

from pathlib import Path

from b2blint.errors import B2BLintError
from b2blint.fakegraph.server import RunningFake
from b2blint.tenant.apply import Executor, outcome
from b2blint.tenant.client import GraphClient
from b2blint.tenant.live import read_live
from b2blint.tenant.plan import build_plan, needed_kinds
from tests.conftest import run_cli
from tests.tenant.conftest import (
    ADATUM,
    COLLAB_IN,
    FABRIKAM,
    MFA_TRUST,
    NORTHWIND,
    PARTNERS,
    SYNC_ON,
    TENANT,
    committed,
    live_partner,
    partner,
    read_json,
    write_tree,
    writes,
)

DENIED = {
    "kind": "respond",
    "status": 403,
    "times": 0,
    "body": {
        "error": {"code": "Authorization_RequestDenied", "message": "Insufficient privileges."}
    },
}


def test_failed_read_back_after_writes_is_unconfirmed_not_failed_before_any_write(
    fake: RunningFake, tmp_path: Path
) -> None:
    tree = write_tree(tmp_path / "p", [partner(FABRIKAM, "Fabrikam", {"inboundTrust": MFA_TRUST})])
    # The plan's read is the 1st partner list; the verification's read-back is the 2nd.
    fake.script_faults({**DENIED, "method": "GET", "path": "*/partners", "nth": 2})
    report = tmp_path / "r.json"
    result = run_cli(["apply", str(tree), "--yes", "--report", str(report)])
    assert result.exit_code == 0, result.stderr
    assert [(m, p) for m, p, _ in committed(fake)] == [("POST", PARTNERS)]
    assert "Applied 1 of 1 operations." in result.stdout
    assert (
        f"  unconfirmed: partner Fabrikam ({FABRIKAM}): written, but the tenant could not be "
        f"read back to check (GET {PARTNERS}: 403 Authorization_RequestDenied: "
        "Insufficient privileges." in result.stdout
    )
    assert "Verified" not in result.stdout
    assert "verify: cannot read the tenant back: GET " in result.stderr
    data = read_json(report)
    assert (data["result"], data["exitCode"]) == ("converged", 0)
    assert [op["status"] for op in data["operations"]] == ["applied"]
    assert [v["status"] for v in data["verification"]] == ["unconfirmed"]


def test_lost_post_whose_recheck_fails_is_partial_not_nothing_written(
    fake: RunningFake, tmp_path: Path
) -> None:
    tree = write_tree(tmp_path / "p", [partner(FABRIKAM, "Fabrikam", {"inboundTrust": MFA_TRUST})])
    fake.script_faults(
        {"kind": "commitThenDrop", "method": "POST", "path": "*/partners"},
        {**DENIED, "method": "GET", "path": f"*/partners/{FABRIKAM}"},
    )
    report = tmp_path / "r.json"
    result = run_cli(["apply", str(tree), "--yes", "--report", str(report)])
    assert result.exit_code == 3, result.stderr
    assert [(m, p) for m, p, _ in committed(fake)] == [("POST", PARTNERS)]
    assert writes(fake) == [("POST", PARTNERS)]  # never blindly re-sent
    assert (
        f"  failed: 1. POST {PARTNERS}:  NetworkError: no response from Graph "
        "(RemoteProtocolError: " in result.stdout
    )
    assert (
        f"; it may have landed: re-reading to check failed (GET {PARTNERS}/{FABRIKAM}: "
        "403 Authorization_RequestDenied: Insufficient privileges.); run b2blint plan to see"
        in result.stdout
    )
    data = read_json(report)
    assert (data["result"], data["exitCode"]) == ("partial", 3)
    assert data["operations"][0]["error"]["code"] == "NetworkError"


def test_saved_prune_plan_refused_when_a_sync_policy_appeared_since(
    fake: RunningFake, tmp_path: Path
) -> None:
    fake.set_state(
        {
            "tenantId": TENANT,
            "partners": [
                live_partner(
                    ADATUM,
                    displayName="Adatum",
                    b2bCollaborationInbound=COLLAB_IN,
                    automaticUserConsentSettings={"inboundAllowed": True},
                )
            ],
        }
    )
    tree = write_tree(tmp_path / "p", [])
    plan = tmp_path / "plan.json"
    assert run_cli(["plan", str(tree), "--prune", "--out", str(plan)]).exit_code == 0
    state = fake.state()
    state["partners"][0]["identitySynchronization"] = SYNC_ON  # someone else, meanwhile
    fake.set_state(state)
    result = run_cli(["apply", "--plan", str(plan), "--yes"])
    assert result.exit_code == 1
    assert result.stderr == (
        "b2blint: error: the live tenant changed since the plan was made "
        f"(identitySynchronization:{ADATUM}); nothing was written; run b2blint plan again\n"
    )
    assert writes(fake) == []


class _LapsingCredential:
    """A credential whose refresh fails after ``good`` tokens (a lapsed federated login)."""

    def __init__(self, value: str, good: int) -> None:
        self._value = value
        self._left = good

    def token(self) -> str:
        if self._left <= 0:
            raise B2BLintError(
                "cannot get a Graph token with --auth workload-identity: AADSTS700024", exit_code=1
            )
        self._left -= 1
        return self._value

    def describe(self) -> str:
        return "--auth workload-identity"


def test_token_refresh_failing_mid_apply_is_recorded_and_stops_the_rest(
    fake: RunningFake,
) -> None:
    policy = {
        "b2blint": 1,
        "tenant": {"id": TENANT},
        "partners": [
            partner(FABRIKAM, "Fabrikam", {"inboundTrust": MFA_TRUST}),
            partner(NORTHWIND, "Northwind", {"inboundTrust": MFA_TRUST}),
            partner(ADATUM, "Adatum", {"inboundTrust": MFA_TRUST}),
        ],
    }
    # One token for the read, one for the first POST; the refresh before the second fails.
    with GraphClient(fake.url, _LapsingCredential(fake.token(), 2)) as client:
        live = read_live(client, needed_kinds(policy))
        plan = build_plan(policy, live, tenant_id=TENANT, cloud="global")
        results = Executor(client, plan, concurrency=1).run()
    assert [r.status for r in results] == ["applied", "failed", "not-attempted"]
    assert results[1].error is not None
    assert results[1].error["message"] == (
        "cannot get a Graph token with --auth workload-identity: AADSTS700024"
    )
    assert outcome(results) == ("partial", 3)
    assert writes(fake) == [("POST", PARTNERS)]


def test_graph_url_with_credentials_is_refused_without_echoing_them(
    fake: RunningFake, tmp_path: Path
) -> None:
    tree = write_tree(tmp_path / "p", [])
    for url, message in (
        (
            "https://proxy:S3cretProxyPass@graph.example.test/?code=S3cretFunctionKey",
            "b2blint: error: --graph-url 'https://graph.example.test/' must not carry "
            "credentials, a query or a fragment\n",
        ),
        (
            "http://proxy:S3cretProxyPass@graph.example.test/?code=S3cretFunctionKey",
            "b2blint: error: --graph-url 'http://graph.example.test/': plain http is refused "
            "except on loopback (127.0.0.1, ::1, localhost); use https\n",
        ),
    ):
        result = run_cli(["plan", str(tree), "--graph-url", url])
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", message)
    assert fake.log() == []


def test_reset_of_a_beta_only_partner_setting_is_sent_to_beta(
    fake: RunningFake, tmp_path: Path
) -> None:
    fake.set_state(
        {
            "tenantId": TENANT,
            "partners": [
                live_partner(
                    pid,
                    displayName=name,
                    inboundTrust=MFA_TRUST,
                    blockServiceProviderOutboundAccess=True,
                )
                for pid, name in ((ADATUM, "Adatum"), (FABRIKAM, "Fabrikam"))
            ],
        }
    )
    # Fabrikam keeps the beta-only setting (so partners are read from /beta); Adatum drops it.
    tree = write_tree(
        tmp_path / "p",
        [
            partner(ADATUM, "Adatum", {"inboundTrust": MFA_TRUST}),
            partner(
                FABRIKAM,
                "Fabrikam",
                {"inboundTrust": MFA_TRUST, "blockServiceProviderOutboundAccess": True},
            ),
        ],
    )
    result = run_cli(["apply", str(tree), "--yes"])
    assert result.exit_code == 0, result.stdout + result.stderr
    assert f"    1. PATCH /beta/policies/crossTenantAccessPolicy/partners/{ADATUM}\n" in (
        result.stdout
    )
    assert committed(fake) == [
        (
            "PATCH",
            f"/beta/policies/crossTenantAccessPolicy/partners/{ADATUM}",
            {"blockServiceProviderOutboundAccess": None},
        )
    ]
    assert run_cli(["plan", str(tree), "--detailed-exitcode"]).exit_code == 0


def test_patch_lost_then_throttled_to_the_end_is_partial_not_nothing_written(
    fake: RunningFake, tmp_path: Path
) -> None:
    fake.set_state(
        {"tenantId": TENANT, "partners": [live_partner(FABRIKAM, displayName="Fabrikam")]}
    )
    tree = write_tree(tmp_path / "p", [partner(FABRIKAM, "Fabrikam", {"inboundTrust": MFA_TRUST})])
    fake.script_faults(
        {"kind": "commitThenDrop", "method": "PATCH", "path": "*/partners/*"},
        {
            "kind": "throttle",
            "method": "PATCH",
            "path": "*/partners/*",
            "nth": 2,
            "times": 0,
            "retryAfter": "0.01",
        },
    )
    report = tmp_path / "r.json"
    result = run_cli(["apply", str(tree), "--yes", "--report", str(report)])
    # The first PATCH landed (its answer was lost); the 429s after it change nothing of that.
    assert result.exit_code == 3, result.stderr
    assert [(e["status"], e["committed"]) for e in fake.writes()] == [(204, True)] + [
        (429, False)
    ] * 7
    assert fake.state()["partners"][0]["inboundTrust"] == MFA_TRUST
    data = read_json(report)
    assert (data["result"], data["exitCode"]) == ("partial", 3)
    assert data["operations"][0]["error"]["status"] == 429


def test_lost_post_hidden_by_read_lag_then_duplicate_error_counts_as_created(
    fake: RunningFake, tmp_path: Path
) -> None:
    fake.configure(stale_reads=1)  # the re-read after the lost answer still misses the partner
    tree = write_tree(tmp_path / "p", [partner(FABRIKAM, "Fabrikam", {"inboundTrust": MFA_TRUST})])
    fake.script_faults({"kind": "commitThenDrop", "method": "POST", "path": "*/partners"})
    result = run_cli(["apply", str(tree), "--yes"])
    assert result.exit_code == 0, result.stdout + result.stderr
    log = [(e["method"], e["path"], e["status"], e["committed"]) for e in fake.log()]
    assert log[1:4] == [
        ("POST", PARTNERS, 201, True),  # landed, answer lost
        ("GET", f"{PARTNERS}/{FABRIKAM}", 404, False),  # read lag
        ("POST", PARTNERS, 400, False),  # Request_MultipleObjectsWithSameKeyValue
    ]
    assert [(m, p) for m, p, _ in committed(fake)] == [("POST", PARTNERS)]
    assert "Applied 1 of 1 operations." in result.stdout
    assert "(created (400 on the repeat: the first request landed))" in result.stderr
