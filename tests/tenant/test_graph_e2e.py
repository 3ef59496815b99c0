"""`export`, `plan` and `apply` as a user runs them, against the emulator over real HTTP.

Each test drives `b2blint.cli.main` and asserts what a user sees (exit code, output) and what
Graph received (the emulator's request log). Tests are named after the apply guarantees of
/work/shared/reference/apply-guarantees.md §6 (G1-G16) that they would catch breaking.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from b2blint.fakegraph.server import RunningFake
from b2blint.fakegraph.tokens import mint
from tests.conftest import ROOT, run_cli
from tests.tenant.conftest import (
    ADATUM,
    COLLAB_IN,
    FABRIKAM,
    MFA_TRUST,
    NORTHWIND,
    OTHER_TENANT,
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

REPORT_SCHEMA = Draft202012Validator(read_json(ROOT / "docs" / "apply-report.schema.json"))
CONSENT_IN = {"inboundAllowed": True}
SYNC_PARTNER_SETTINGS = {
    "b2bCollaborationInbound": COLLAB_IN,
    "automaticUserConsentSettings": CONSENT_IN,
}


def _seed(fake: RunningFake) -> None:
    """A live tenant with two partners (one with identity sync) and a modified default."""
    fake.set_state(
        {
            "tenantId": TENANT,
            "default": {
                "inboundTrust": {
                    "isMfaAccepted": True,
                    "isCompliantDeviceAccepted": False,
                    "isHybridAzureADJoinedDeviceAccepted": False,
                }
            },
            "partners": [
                live_partner(FABRIKAM, displayName="Fabrikam", inboundTrust=MFA_TRUST),
                live_partner(ADATUM, SYNC_ON, displayName="Adatum", **SYNC_PARTNER_SETTINGS),
            ],
        }
    )


def _export(fake: RunningFake, out: Path) -> Path:
    result = run_cli(["export", "--tenant-id", TENANT, "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    return out


def _report(path: Path) -> dict[str, Any]:
    data = read_json(path)
    REPORT_SCHEMA.validate(data)
    return data  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- export and plan


def test_export_then_plan_shows_no_changes(fake: RunningFake, tmp_path: Path) -> None:
    _seed(fake)
    tree = _export(fake, tmp_path / "live")
    assert sorted(p.name for p in (tree / "partners").iterdir()) == ["adatum.yaml", "fabrikam.yaml"]
    before = len(fake.log())
    result = run_cli(["plan", str(tree), "--detailed-exitcode"])
    assert result.exit_code == 0, result.stderr
    assert "No changes: the live tenant matches the YAML." in result.stdout
    reads = fake.log()[before:]
    assert all(entry["method"] == "GET" for entry in reads)
    # Constant reads: partners are listed once, with their identity synchronization expanded.
    partner_reads = [e for e in reads if e["path"].startswith(PARTNERS)]
    assert [(e["path"], e["query"]) for e in partner_reads] == [
        (PARTNERS, "%24expand=identitySynchronization")
    ]


def test_plan_lists_partners_on_many_pages_in_constant_requests(
    fake: RunningFake, tmp_path: Path
) -> None:
    fake.configure(page_size=2)
    fake.set_state(
        {
            "tenantId": TENANT,
            "partners": [
                live_partner(f"{i:08d}-0000-4000-8000-000000000000", inboundTrust=MFA_TRUST)
                for i in range(7)
            ],
        }
    )
    tree = write_tree(tmp_path / "p", [])
    before = len(fake.log())
    result = run_cli(["plan", str(tree)])
    assert result.exit_code == 0, result.stderr
    assert "Unmanaged partners (7)" in result.stdout
    assert len(fake.log()) - before == 4  # 7 partners, 2 per page; tenant.yaml has no sections


def test_g3_edit_plan_apply_plan_converges_and_second_apply_writes_nothing(
    fake: RunningFake, tmp_path: Path
) -> None:
    _seed(fake)
    tree = _export(fake, tmp_path / "live")
    fabrikam = tree / "partners" / "fabrikam.yaml"
    text = fabrikam.read_text(encoding="utf-8")
    fabrikam.write_text(
        text.replace("isMfaAccepted: true", "isMfaAccepted: false"), encoding="utf-8"
    )
    planned = run_cli(["plan", str(tree), "--detailed-exitcode"])
    assert planned.exit_code == 2, planned.stderr
    assert "~ inboundTrust.isMfaAccepted: true -> false" in planned.stdout
    applied = run_cli(["apply", str(tree), "--yes"])
    assert applied.exit_code == 0, applied.stderr
    assert "Verified: the live tenant matches the YAML." in applied.stdout
    assert committed(fake) == [
        ("PATCH", f"{PARTNERS}/{FABRIKAM}", {"inboundTrust": {"isMfaAccepted": False}})
    ]
    again = run_cli(["plan", str(tree), "--detailed-exitcode"])
    assert again.exit_code == 0, again.stdout
    count = len(fake.writes())
    second = run_cli(["apply", str(tree), "--yes"])
    assert second.exit_code == 0
    assert len(fake.writes()) == count  # a second apply makes zero writes


# --------------------------------------------------------------------------- G1, G2: saved plans


def _planned_tree(fake: RunningFake, tmp_path: Path) -> tuple[Path, Path]:
    _seed(fake)
    tree = write_tree(
        tmp_path / "policies",
        [
            partner(FABRIKAM, "Fabrikam", {"inboundTrust": {"isMfaAccepted": False}}),
            partner(ADATUM, "Adatum", SYNC_PARTNER_SETTINGS, SYNC_ON),
            partner(NORTHWIND, "Northwind", SYNC_PARTNER_SETTINGS, SYNC_ON),
        ],
    )
    plan_file = tmp_path / "plan.json"
    result = run_cli(["plan", str(tree), "--out", str(plan_file)])
    assert result.exit_code == 0, result.stderr
    return tree, plan_file


def test_g1_apply_sends_exactly_the_saved_plan(fake: RunningFake, tmp_path: Path) -> None:
    _tree, plan_file = _planned_tree(fake, tmp_path)
    plan = read_json(plan_file)
    expected = [
        (op["method"], "/" + op["apiVersion"] + op["path"], op["body"])
        for obj in plan["objects"]
        for op in obj["operations"]
    ]
    result = run_cli(["apply", "--plan", str(plan_file), "--yes"])
    assert result.exit_code == 0, result.stderr
    sent = [(e["method"], e["path"], e["body"]) for e in fake.writes()]
    assert Counter(json.dumps(s) for s in sent) == Counter(json.dumps(list(e)) for e in expected)
    assert expected == [
        ("PATCH", f"{PARTNERS}/{FABRIKAM}", {"inboundTrust": {"isMfaAccepted": False}}),
        ("POST", PARTNERS, {"tenantId": NORTHWIND, **SYNC_PARTNER_SETTINGS}),
        ("PUT", f"{PARTNERS}/{NORTHWIND}/identitySynchronization", SYNC_ON),
    ]


def test_g1_yaml_changed_after_plan_is_refused(fake: RunningFake, tmp_path: Path) -> None:
    tree, plan_file = _planned_tree(fake, tmp_path)
    (tree / "partners" / "partners.yaml").write_text(
        (tree / "partners" / "partners.yaml")
        .read_text()
        .replace("Northwind", "Northwind Traders")
        .replace("isMfaAccepted: false", "isMfaAccepted: true"),
        encoding="utf-8",
    )
    result = run_cli(["apply", "--plan", str(plan_file), "--yes"])
    assert result.exit_code == 1
    assert result.stderr.startswith("b2blint: error: the YAML in ")
    assert "changed since" in result.stderr
    assert writes(fake) == []


def test_g2_stale_plan_is_refused_with_zero_writes(fake: RunningFake, tmp_path: Path) -> None:
    _tree, plan_file = _planned_tree(fake, tmp_path)
    state = fake.state()
    state["partners"][0]["inboundTrust"] = {
        "isMfaAccepted": True,
        "isCompliantDeviceAccepted": True,
    }
    fake.set_state(state)  # someone changed Fabrikam in the portal after the plan
    result = run_cli(
        ["apply", "--plan", str(plan_file), "--yes", "--report", str(tmp_path / "r.json")]
    )
    assert result.exit_code == 1
    assert (
        f"b2blint: error: the live tenant changed since the plan was made (partner:{FABRIKAM}); "
        "nothing was written; run b2blint plan again\n"
    ) in result.stderr
    assert writes(fake) == []
    report = _report(tmp_path / "r.json")
    assert (report["result"], report["exitCode"]) == ("refused", 1)


def test_g2_edited_plan_file_is_refused(fake: RunningFake, tmp_path: Path) -> None:
    _tree, plan_file = _planned_tree(fake, tmp_path)
    data = read_json(plan_file)
    data["objects"][0]["operations"][0]["body"] = {"inboundTrust": None}
    plan_file.write_text(json.dumps(data), encoding="utf-8")
    before = len(fake.log())
    result = run_cli(["apply", "--plan", str(plan_file), "--yes"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"b2blint: error: {plan_file}: the plan was edited after it was made (its hash does not "
        "match); run b2blint plan again\n"
    )
    assert len(fake.log()) == before  # refused before any request


def test_g14_two_applies_of_one_plan_second_is_stale(fake: RunningFake, tmp_path: Path) -> None:
    _tree, plan_file = _planned_tree(fake, tmp_path)
    assert run_cli(["apply", "--plan", str(plan_file), "--yes"]).exit_code == 0
    count = len(fake.writes())
    second = run_cli(["apply", "--plan", str(plan_file), "--yes"])
    assert second.exit_code == 1
    assert "the live tenant changed since the plan was made" in second.stderr
    assert len(fake.writes()) == count


# ------------------------------------------------------------------------- G4: tenant, permissions


def test_g4_wrong_tenant_token_sends_nothing(
    fake: RunningFake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = write_tree(tmp_path / "p", [partner(FABRIKAM, "Fabrikam", {"inboundTrust": MFA_TRUST})])
    monkeypatch.setenv("B2BLINT_ACCESS_TOKEN", mint(OTHER_TENANT))
    for args in (
        ["plan", str(tree)],
        ["apply", str(tree), "--yes"],
        ["export", "--tenant-id", TENANT, "--out", str(tmp_path / "x")],
    ):
        result = run_cli(args)
        assert result.exit_code == 1, args
        assert result.stderr == (
            f"b2blint: error: the token in B2BLINT_ACCESS_TOKEN is for tenant {OTHER_TENANT}, but "
            f"the policy is for tenant {TENANT}; refusing to touch the wrong tenant\n"
        )
    assert fake.log() == []


def test_g4_missing_write_permission_refused_before_any_write(
    fake: RunningFake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = write_tree(tmp_path / "p", [partner(FABRIKAM, "Fabrikam", {"inboundTrust": MFA_TRUST})])
    monkeypatch.setenv("B2BLINT_ACCESS_TOKEN", fake.token(roles=["Policy.Read.All"]))
    result = run_cli(["apply", str(tree), "--yes"])
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "b2blint: error: the token lacks the Graph permission Policy.ReadWrite.CrossTenantAccess "
        "needed to apply this plan; grant it to the app (admin consent) and get a new token\n"
    )
    assert writes(fake) == []


def test_403_names_the_permission(
    fake: RunningFake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = write_tree(tmp_path / "p", [])
    monkeypatch.setenv("B2BLINT_ACCESS_TOKEN", fake.token(roles=["Policy.ReadWrite.Authorization"]))
    result = run_cli(["plan", str(tree)])
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert "\n" not in line
    assert line.startswith(
        "b2blint: error: GET /v1.0/policies/crossTenantAccessPolicy/partners: 403 "
        "Authorization_RequestDenied: Insufficient privileges to complete the operation."
    )
    assert "request-id " in line and "client-request-id " in line
    assert line.endswith(
        "; the app needs the Graph permission Policy.Read.All (or the higher "
        "Policy.ReadWrite.CrossTenantAccess), admin-consented "
        "(https://learn.microsoft.com/graph/api/crosstenantaccesspolicy-list-partners)"
    )


def test_401_is_one_clear_line(
    fake: RunningFake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = write_tree(tmp_path / "p", [])
    monkeypatch.setenv("B2BLINT_ACCESS_TOKEN", fake.token(aud="api://someone-else"))
    result = run_cli(["plan", str(tree)])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "401 InvalidAuthenticationToken" in result.stderr
    assert result.stderr.rstrip().endswith(
        "the token was rejected (expired, wrong audience or wrong cloud)"
    )


def test_unreachable_graph_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("B2BLINT_GRAPH_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("B2BLINT_ACCESS_TOKEN", mint(TENANT))
    tree = write_tree(tmp_path / "p", [])
    result = run_cli(["plan", str(tree), "--detailed-exitcode"])
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "b2blint: error: GET /v1.0/policies/crossTenantAccessPolicy/partners: "
        "no response from Graph "
        "(ConnectError: "
    )
    assert result.stderr.count("\n") == 1


def test_plain_http_graph_url_elsewhere_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("B2BLINT_ACCESS_TOKEN", mint(TENANT))
    tree = write_tree(tmp_path / "p", [])
    result = run_cli(["plan", str(tree), "--graph-url", "http://graph.example.test"])
    assert result.exit_code == 1
    assert "plain http is refused except on loopback" in result.stderr


def test_malformed_response_is_one_clear_line(fake: RunningFake, tmp_path: Path) -> None:
    fake.script_faults(
        {
            "kind": "respond",
            "method": "GET",
            "path": "*/partners",
            "status": 200,
            "body": "<html>proxy login</html>",
        }
    )
    tree = write_tree(tmp_path / "p", [])
    result = run_cli(["plan", str(tree)])
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "b2blint: error: GET /v1.0/policies/crossTenantAccessPolicy/partners: 200 with a body that "
        "is not JSON (a proxy or a wrong --graph-url?)"
    )
    assert writes(fake) == []


def test_lint_errors_refuse_before_graph(fake: RunningFake, tmp_path: Path) -> None:
    tree = write_tree(tmp_path / "p", [partner(FABRIKAM, "Fabrikam", {"InboundTrust": MFA_TRUST})])
    result = run_cli(["apply", str(tree), "--yes"])
    assert result.exit_code == 1
    assert "SCH002" in result.stderr
    assert result.stderr.rstrip().endswith(
        "has lint errors (above); fix them before talking to Graph"
    )
    assert fake.log() == []


def test_apply_without_yes_and_without_a_terminal_refuses(
    fake: RunningFake, tmp_path: Path
) -> None:
    tree = write_tree(tmp_path / "p", [partner(FABRIKAM, "Fabrikam", {"inboundTrust": MFA_TRUST})])
    result = run_cli(["apply", str(tree)])
    assert result.exit_code == 1
    assert "+ partner Fabrikam" in result.stdout  # the plan is shown first
    assert "pass --yes" in result.stderr
    assert writes(fake) == []


# --------------------------------------------------------------------------- G5, G16: failures


def test_g5_g16_partial_failure_reports_applied_failed_and_not_attempted(
    fake: RunningFake, tmp_path: Path
) -> None:
    tree = write_tree(
        tmp_path / "p",
        [
            partner(ADATUM, "Adatum", SYNC_PARTNER_SETTINGS, SYNC_ON),
            partner(FABRIKAM, "Fabrikam", {"inboundTrust": MFA_TRUST}),
        ],
    )
    fake.script_faults(
        {
            "kind": "respond",
            "method": "POST",
            "path": "*/partners",
            "nth": 1,
            "status": 400,
            "body": {"error": {"code": "Request_BadRequest", "message": "Something was wrong."}},
        }
    )
    report = tmp_path / "report.json"
    result = run_cli(["apply", str(tree), "--yes", "--concurrency", "1", "--report", str(report)])
    assert result.exit_code == 3, result.stderr
    data = _report(report)
    assert (data["result"], data["exitCode"]) == ("partial", 3)
    statuses = [(op["method"], op["path"], op["status"]) for op in data["operations"]]
    assert statuses == [
        ("POST", "/policies/crossTenantAccessPolicy/partners", "failed"),
        (
            "PUT",
            f"/policies/crossTenantAccessPolicy/partners/{ADATUM}/identitySynchronization",
            "not-attempted",
        ),
        ("POST", "/policies/crossTenantAccessPolicy/partners", "applied"),
    ]
    failed = data["operations"][0]
    assert failed["error"]["code"] == "Request_BadRequest"
    assert failed["requestId"] and failed["clientRequestId"]
    assert (
        "  failed: 1. POST /v1.0/policies/crossTenantAccessPolicy/partners: "
        "400 Request_BadRequest: "
        "Something was wrong. (request-id " in result.stdout
    )
    assert (
        f"  not attempted: 2. PUT /v1.0/policies/crossTenantAccessPolicy/partners/{ADATUM}"
        "/identitySynchronization" in result.stdout
    )
    # A re-run converges.
    assert run_cli(["apply", str(tree), "--yes"]).exit_code == 0
    assert run_cli(["plan", str(tree), "--detailed-exitcode"]).exit_code == 0


def test_g5_first_write_failing_exits_1_and_503_beyond_budget_is_reported(
    fake: RunningFake, tmp_path: Path
) -> None:
    tree = write_tree(tmp_path / "p", [partner(FABRIKAM, "Fabrikam", {"inboundTrust": MFA_TRUST})])
    fake.script_faults(
        {
            "kind": "error",
            "method": "POST",
            "path": "*/partners",
            "status": 503,
            "times": 0,
            "retryAfter": "0.01",
        }
    )
    report = tmp_path / "report.json"
    result = run_cli(["apply", str(tree), "--yes", "--report", str(report)])
    assert result.exit_code == 1
    data = _report(report)
    assert data["result"] == "failed"
    assert data["operations"][0]["error"]["status"] == 503
    assert [e["method"] for e in fake.writes()].count("POST") == 8  # the retry budget
    assert all(not e["committed"] for e in fake.writes())


# --------------------------------------------------------------------------- G6, G7: retries


@pytest.mark.parametrize(
    ("retry_after", "form"), [("1.2", "seconds"), ("1", "date"), (None, "seconds")]
)
def test_g6_retry_after_is_honoured_never_early(
    fake: RunningFake, tmp_path: Path, retry_after: str | None, form: str
) -> None:
    tree = write_tree(tmp_path / "p", [partner(FABRIKAM, "Fabrikam", {"inboundTrust": MFA_TRUST})])
    fake.script_faults(
        {
            "kind": "throttle",
            "method": "POST",
            "path": "*/partners",
            "times": 2,
            "retryAfter": retry_after,
            "retryAfterAs": form,
        }
    )
    result = run_cli(["apply", str(tree), "--yes"])
    assert result.exit_code == 0, result.stderr
    posts = [e for e in fake.writes() if e["method"] == "POST"]
    assert [e["status"] for e in posts] == [429, 429, 201]
    assert fake.violations() == []
    assert [e["headers"].get("retry-attempt") for e in posts] == [None, "1", "2"]
    assert len({e["clientRequestId"] for e in fake.log()}) == len(fake.log())


def test_g6_huge_retry_after_is_not_cut_short(fake: RunningFake, tmp_path: Path) -> None:
    tree = write_tree(tmp_path / "p", [partner(FABRIKAM, "Fabrikam", {"inboundTrust": MFA_TRUST})])
    fake.script_faults(
        {"kind": "throttle", "method": "POST", "path": "*/partners", "retryAfter": "1000000"}
    )
    result = run_cli(["apply", str(tree), "--yes"])
    assert result.exit_code == 1
    assert (
        "Graph asked to wait 1000000 s before retrying, more than the 120 s b2blint waits"
        in result.stdout
    )
    assert [e["method"] for e in fake.writes()] == ["POST"]
    assert fake.violations() == []


def test_g7_lost_response_after_committed_post_makes_no_duplicate(
    fake: RunningFake, tmp_path: Path
) -> None:
    tree = write_tree(
        tmp_path / "p", [partner(NORTHWIND, "Northwind", SYNC_PARTNER_SETTINGS, SYNC_ON)]
    )
    fake.script_faults(
        {"kind": "commitThenDrop", "method": "POST", "path": "*/partners"},
        {"kind": "commitThenDrop", "method": "PUT", "path": "*/identitySynchronization"},
    )
    result = run_cli(["apply", str(tree), "--yes"])
    assert result.exit_code == 0, result.stderr
    log = [
        (e["method"], e["path"], e["committed"], e["dropped"])
        for e in fake.log()
        if e["path"].startswith(f"{PARTNERS}/{NORTHWIND}") or e["method"] == "POST"
    ]
    assert log[:2] == [
        ("POST", PARTNERS, True, True),
        ("GET", f"{PARTNERS}/{NORTHWIND}", False, False),
    ]
    assert [(m, p) for m, p, c, _ in log if c] == [
        ("POST", PARTNERS),
        ("PUT", f"{PARTNERS}/{NORTHWIND}/identitySynchronization"),
    ]
    assert run_cli(["plan", str(tree), "--detailed-exitcode"]).exit_code == 0


def test_g7_patch_retried_and_delete_404_on_retry_is_success(
    fake: RunningFake, tmp_path: Path
) -> None:
    _seed(fake)
    tree = write_tree(
        tmp_path / "p", [partner(FABRIKAM, "Fabrikam", {"inboundTrust": {"isMfaAccepted": False}})]
    )
    fake.script_faults(
        {"kind": "commitThenDrop", "method": "PATCH", "path": "*/partners/*"},
        {"kind": "commitThenDrop", "method": "DELETE", "path": f"*/partners/{ADATUM}"},
    )
    result = run_cli(["apply", str(tree), "--yes", "--prune"])
    assert result.exit_code == 0, result.stderr
    deletes = [
        (e["path"], e["status"], e["committed"], e["dropped"])
        for e in fake.writes()
        if e["method"] == "DELETE"
    ]
    assert deletes == [
        (f"{PARTNERS}/{ADATUM}/identitySynchronization", 204, True, False),
        (f"{PARTNERS}/{ADATUM}", 204, True, True),  # done, but the answer was lost
        (f"{PARTNERS}/{ADATUM}", 404, False, False),  # the retry: already gone = success
    ]
    assert [e["committed"] for e in fake.writes() if e["method"] == "PATCH"] == [True, True]


# --------------------------------------------------------------------------- G8, G9: order, deletes


def test_g8_create_and_delete_order(fake: RunningFake, tmp_path: Path) -> None:
    _seed(fake)
    tree = write_tree(
        tmp_path / "p",
        [
            partner(FABRIKAM, "Fabrikam", {"inboundTrust": MFA_TRUST}),
            partner(
                NORTHWIND,
                "Northwind",
                {**SYNC_PARTNER_SETTINGS, "inboundTrust": MFA_TRUST},
                SYNC_ON,
            ),
        ],
    )
    result = run_cli(["apply", str(tree), "--yes", "--prune", "--concurrency", "8"])
    assert result.exit_code == 0, result.stderr
    sent = writes(fake)
    northwind = [w for w in sent if NORTHWIND in w[1] or w == ("POST", PARTNERS)]
    assert northwind == [
        ("POST", PARTNERS),
        ("PUT", f"{PARTNERS}/{NORTHWIND}/identitySynchronization"),
    ]
    adatum = [w for w in sent if ADATUM in w[1]]
    assert adatum == [
        ("DELETE", f"{PARTNERS}/{ADATUM}/identitySynchronization"),
        ("DELETE", f"{PARTNERS}/{ADATUM}"),
    ]
    # Out-of-order deletes never reached the emulator: nothing it received was refused.
    assert [e for e in fake.log() if e["status"] >= 400] == []


def test_g9_unmanaged_partners_are_left_alone_without_prune(
    fake: RunningFake, tmp_path: Path
) -> None:
    _seed(fake)
    tree = write_tree(tmp_path / "p", [partner(FABRIKAM, "Fabrikam", {"inboundTrust": MFA_TRUST})])
    planned = run_cli(["plan", str(tree), "--detailed-exitcode"])
    assert planned.exit_code == 0
    assert (
        "Unmanaged partners (1): live but not in the YAML; left alone (--prune deletes them):"
        in planned.stdout
    )
    assert f"  Adatum ({ADATUM})" in planned.stdout
    assert run_cli(["apply", str(tree), "--yes"]).exit_code == 0
    assert writes(fake) == []
    pruned = run_cli(["plan", str(tree), "--prune", "--format", "markdown"])
    assert f"> - **partner Adatum ({ADATUM})**: deletes a partner" in pruned.stdout


# --------------------------------------------------------------------------- G10, G11


def test_g10_write_bodies_are_exact_and_unknown_properties_never_written(
    fake: RunningFake, tmp_path: Path
) -> None:
    fake.set_state(
        {
            "tenantId": TENANT,
            "partners": [
                live_partner(
                    FABRIKAM,
                    displayName="Fabrikam",
                    inboundTrust=MFA_TRUST,
                    tenantRestrictions={"usersAndGroups": {"accessType": "blocked", "targets": []}},
                    futureSetting={"mode": "on"},
                ),
            ],
        }
    )
    tree = write_tree(
        tmp_path / "p", [partner(FABRIKAM, "Fabrikam", {"b2bCollaborationInbound": COLLAB_IN})]
    )
    planned = run_cli(["plan", str(tree)])
    assert f"  partner:{FABRIKAM}: futureSetting" in planned.stdout
    assert run_cli(["apply", str(tree), "--yes"]).exit_code == 0
    assert committed(fake) == [
        (
            "PATCH",
            f"{PARTNERS}/{FABRIKAM}",
            {
                "b2bCollaborationInbound": COLLAB_IN,
                "inboundTrust": None,
                "tenantRestrictions": None,
            },
        )
    ]
    assert fake.state()["partners"][0]["futureSetting"] == {"mode": "on"}


def test_g11_stale_reads_after_writes_are_waited_out(fake: RunningFake, tmp_path: Path) -> None:
    fake.configure(stale_reads=3)
    tree = write_tree(tmp_path / "p", [partner(FABRIKAM, "Fabrikam", {"inboundTrust": MFA_TRUST})])
    result = run_cli(["apply", str(tree), "--yes"])
    assert result.exit_code == 0, result.stderr
    assert [e["method"] for e in fake.writes()] == ["POST"]
    assert "Verified: the live tenant matches the YAML." in result.stdout
    assert "not visible yet" in result.stderr


def test_g11_persistently_stale_read_is_unconfirmed_not_failed(
    fake: RunningFake, tmp_path: Path
) -> None:
    fake.configure(stale_reads=100)
    tree = write_tree(tmp_path / "p", [partner(FABRIKAM, "Fabrikam", {"inboundTrust": MFA_TRUST})])
    report = tmp_path / "r.json"
    result = run_cli(["apply", str(tree), "--yes", "--report", str(report)])
    assert result.exit_code == 0, result.stderr
    assert [e["method"] for e in fake.writes()] == ["POST"]
    assert (
        f"  unconfirmed: partner Fabrikam ({FABRIKAM}): the read-back still differs"
        in result.stdout
    )
    data = _report(report)
    assert [v["status"] for v in data["verification"]] == ["unconfirmed"]
    assert data["summary"]["failed"] == 0


# --------------------------------------------------------------------------- G15: exit codes


def test_g15_exit_codes(fake: RunningFake, tmp_path: Path) -> None:
    _seed(fake)
    same = _export(fake, tmp_path / "same")
    changed = write_tree(
        tmp_path / "changed",
        [partner(FABRIKAM, "Fabrikam", {"inboundTrust": {"isMfaAccepted": False}})],
    )
    broken = write_tree(
        tmp_path / "broken", [partner(FABRIKAM, "Fabrikam", {"inboundtrust": MFA_TRUST})]
    )
    table = [
        (["plan", str(same), "--detailed-exitcode"], 0),
        (["plan", str(changed), "--detailed-exitcode"], 2),
        (["plan", str(changed)], 0),
        (["plan", str(broken), "--detailed-exitcode"], 1),
        (["apply", str(broken), "--yes"], 1),
        (["apply", str(same), "--yes"], 0),
        (["apply", str(changed), "--yes"], 0),
        (["plan", str(changed), "--detailed-exitcode"], 0),
        (["plan", "--format", "yaml"], 2),
    ]
    assert [(args, run_cli(args).exit_code) for args, _ in table] == table


# --------------------------------------------------------------------------- G12: hostile YAML

HOSTILE = {
    "alias": b"b2blint: 1\ntenant: &t {id: 6babcaad-604b-40ac-a9d7-9fd97c0b779f}\ndefault: *t\n",
    "python-tag": b"b2blint: 1\ntenant: !!python/object/apply:os.system ['echo PWNED']\n",
    "duplicate-key": b"b2blint: 1\nb2blint: 1\n",
    "not-utf8": b"b2blint: 1\ntenant: {name: \xff\xfe}\n",
    "deep": b"b2blint: 1\nx: " + b"[" * 600 + b"]" * 600 + b"\n",
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_g12_hostile_yaml_is_refused_before_graph(
    fake: RunningFake, tmp_path: Path, case: str
) -> None:
    tree = write_tree(tmp_path / "p", [partner(FABRIKAM, "Fabrikam", {"inboundTrust": MFA_TRUST})])
    (tree / "evil.yaml").write_bytes(HOSTILE[case])
    for args in (["plan", str(tree)], ["apply", str(tree), "--yes"]):
        result = run_cli(args)
        assert result.exit_code == 1, (case, result)
        assert "Traceback" not in result.stderr
        first = result.stderr.splitlines()[0]
        assert first.startswith(f"{tree / 'evil.yaml'}:"), first
        assert " SYN00" in first
        assert result.stderr.rstrip().endswith("fix them before talking to Graph")
    assert fake.log() == []


# --------------------------------------------------------------------------- tenant-wide sections


def test_g10_tenant_wide_sections_patch_only_what_they_name(
    fake: RunningFake, tmp_path: Path
) -> None:
    tree = write_tree(
        tmp_path / "p",
        [],
        authorizationPolicy={"allowInvitesFrom": "adminsAndGuestInviters"},
        emailOtp={"allowExternalIdToUseEmailOtp": "enabled"},
        invitationDomains={"allowedDomains": ["fabrikam.com"]},
    )
    result = run_cli(["apply", str(tree), "--yes"])
    assert result.exit_code == 0, result.stdout + result.stderr
    assert '+ invitationDomains.allowedDomains: (unset) -> ["fabrikam.com"]' in result.stdout
    sent = {(m, p): body for m, p, body in committed(fake)}
    assert sent[("PATCH", "/v1.0/policies/authorizationPolicy")] == {
        "allowInvitesFrom": "adminsAndGuestInviters"
    }
    assert sent[
        (
            "PATCH",
            "/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/email",
        )
    ] == {  # the @odata.type this PATCH requires [S23]
        "@odata.type": "#microsoft.graph.emailAuthenticationMethodConfiguration",
        "allowExternalIdToUseEmailOtp": "enabled",
    }
    created = sent[("POST", "/beta/policies/b2bManagementPolicies")]
    assert json.loads(created["definition"][0]) == {
        "B2BManagementPolicy": {
            "InvitationsAllowedAndBlockedDomainsPolicy": {"AllowedDomains": ["fabrikam.com"]}
        }
    }
    assert run_cli(["plan", str(tree), "--detailed-exitcode"]).exit_code == 0
