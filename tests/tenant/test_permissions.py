"""Permissions that match Microsoft's pages: one table, the docs generated from it, and a 403
on one section that says which permission is missing and how to skip the section (`--section`).

The end-to-end tests run the real CLI against the emulator over HTTP on 127.0.0.1 with a token
that lacks a permission (the emulator reads ``roles`` from the token, as Graph does).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from b2blint.fakegraph.server import RunningFake
from b2blint.tenant.auth import (
    denied_hint,
    endpoint_for,
    permission_for,
    permissions_for,
    permissions_markdown,
)
from tests.conftest import ROOT, run_cli
from tests.tenant.conftest import FABRIKAM, TENANT, partner, write_tree

B2B_LIST = "https://learn.microsoft.com/graph/api/policyroot-list-b2bmanagementpolicies"
B2B_DENIED = (
    "b2blint: error: GET /beta/policies/b2bManagementPolicies: 403 Authorization_RequestDenied: "
    "Insufficient privileges to complete the operation. (ids); the app needs the Graph "
    "permission Policy.Read.B2BManagementPolicy (or the higher "
    "Policy.ReadWrite.B2BManagementPolicy), admin-consented "
    f"({B2B_LIST}?view=graph-rest-beta)"
)


def _one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return re.sub(r" \(request-id [^)]*\)", " (ids)", lines[0])


def test_docs_graph_md_table_is_generated_from_the_code_table() -> None:
    text = (ROOT / "docs" / "graph.md").read_text(encoding="utf-8")
    start = text.index("<!-- permissions-table:")
    block = text[text.index("\n", start) + 1 : text.index("<!-- end permissions-table -->")]
    assert block == permissions_markdown(), (
        "docs/graph.md is out of date; paste b2blint.tenant.auth.permissions_markdown()"
    )


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        (
            "GET",
            "/v1.0/policies/crossTenantAccessPolicy",
            ("Policy.Read.All", "Policy.ReadWrite.CrossTenantAccess"),
        ),
        (
            "GET",
            "/beta/policies/b2bManagementPolicies",
            ("Policy.Read.B2BManagementPolicy", "Policy.ReadWrite.B2BManagementPolicy"),
        ),
        (
            "PATCH",
            "/beta/policies/b2bManagementPolicies/abc",
            ("Policy.ReadWrite.B2BManagementPolicy",),
        ),
        (
            "GET",
            "/v1.0/policies/crossTenantAccessPolicy/partners?$expand=identitySynchronization",
            ("Policy.Read.All", "Policy.ReadWrite.CrossTenantAccess"),
        ),
        (
            "PUT",
            f"/v1.0/policies/crossTenantAccessPolicy/partners/{FABRIKAM}/identitySynchronization",
            ("Policy.ReadWrite.CrossTenantAccess",),
        ),
        (
            "POST",
            "/v1.0/policies/crossTenantAccessPolicy/default/microsoft.graph.resetToSystemDefault",
            ("Policy.ReadWrite.CrossTenantAccess",),
        ),
        (
            "GET",
            "/beta/policies/authorizationPolicy/authorizationPolicy",
            ("Policy.Read.All", "Policy.ReadWrite.Authorization"),
        ),
        ("GET", "/v1.0/policies/externalIdentitiesPolicy", ()),  # beta only
        ("GET", "/v1.0/policies/authorizationPolicy/authorizationPolicy", ()),  # beta only
        ("DELETE", "/v1.0/policies/authorizationPolicy", ()),
        ("GET", "/v1.0/users", ()),
    ],
)
def test_permissions_for_each_request(method: str, path: str, expected: tuple[str, ...]) -> None:
    assert permissions_for(method, path) == expected
    assert permission_for(method, path) == (expected[0] if expected else None)


def test_denied_hint_names_least_privileged_first_and_the_page() -> None:
    assert denied_hint("PATCH", "/v1.0/policies/authorizationPolicy") == (
        "the app needs the Graph permission Policy.ReadWrite.Authorization, admin-consented "
        "(https://learn.microsoft.com/graph/api/authorizationpolicy-update)"
    )
    assert denied_hint("GET", "/v1.0/users") == "the app lacks a Graph permission for this call"
    found = endpoint_for("GET", "/beta/policies/externalIdentitiesPolicy")
    assert found is not None and found.url.endswith(
        "externalidentitiespolicy-get?view=graph-rest-beta"
    )


# ------------------------------------------------------------------ export


def test_export_with_only_policy_read_all_names_the_b2b_permission_and_section(
    fake: RunningFake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("B2BLINT_ACCESS_TOKEN", fake.token(roles=["Policy.Read.All"]))
    out = tmp_path / "live"
    result = run_cli(["export", "--tenant-id", TENANT, "--out", str(out)])
    assert result.exit_code == 1
    assert _one_line(result.stderr) == (
        f"{B2B_DENIED}; to export without invitationDomains, name the other sections: "
        "--section crossTenantAccessPolicy --section default --section partners "
        "--section authorizationPolicy --section emailOtp --section externalIdentitiesPolicy"
    )
    assert not out.exists() or list(out.iterdir()) == []
    denied = [(e["method"], e["path"], e["status"]) for e in fake.log() if e["status"] == 403]
    assert denied == [("GET", "/beta/policies/b2bManagementPolicies", 403)]


def test_export_following_the_hint_succeeds_without_the_b2b_request(
    fake: RunningFake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("B2BLINT_ACCESS_TOKEN", fake.token(roles=["Policy.Read.All"]))
    out = tmp_path / "live"
    sections = [
        "crossTenantAccessPolicy",
        "default",
        "partners",
        "authorizationPolicy",
        "emailOtp",
        "externalIdentitiesPolicy",
    ]
    args = [arg for s in sections for arg in ("--section", s)]
    result = run_cli(["export", "--tenant-id", TENANT, "--out", str(out), *args])
    assert result.exit_code == 0, result.stderr
    assert (out / "tenant.yaml").is_file()
    assert "invitationDomains" not in (out / "tenant.yaml").read_text(encoding="utf-8")
    assert all("b2bManagementPolicies" not in e["path"] for e in fake.log())
    assert {e["status"] for e in fake.log()} == {200}


def test_export_403_on_partners_alone_has_no_skip_hint(
    fake: RunningFake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "B2BLINT_ACCESS_TOKEN", fake.token(roles=["Policy.Read.B2BManagementPolicy"])
    )
    result = run_cli(
        ["export", "--tenant-id", TENANT, "--out", str(tmp_path / "o"), "--section", "partners"]
    )
    assert result.exit_code == 1
    assert _one_line(result.stderr) == (
        "b2blint: error: GET /v1.0/policies/crossTenantAccessPolicy/partners: 403 "
        "Authorization_RequestDenied: Insufficient privileges to complete the operation. (ids); "
        "the app needs the Graph permission Policy.Read.All (or the higher "
        "Policy.ReadWrite.CrossTenantAccess), admin-consented "
        "(https://learn.microsoft.com/graph/api/crosstenantaccesspolicy-list-partners)"
    )


# ------------------------------------------------------------------ plan


def _tree(tmp_path: Path) -> Path:
    return write_tree(
        tmp_path / "p",
        [partner(FABRIKAM, "Fabrikam")],
        invitationDomains={"allowedDomains": ["fabrikam.com"]},
        authorizationPolicy={"allowInvitesFrom": "adminsAndGuestInviters"},
    )


def test_plan_with_only_policy_read_all_names_the_b2b_permission_and_section(
    fake: RunningFake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("B2BLINT_ACCESS_TOKEN", fake.token(roles=["Policy.Read.All"]))
    result = run_cli(["plan", str(_tree(tmp_path))])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert _one_line(result.stderr) == (
        f"{B2B_DENIED}; to plan without invitationDomains, name the other sections: "
        "--section partners --section authorizationPolicy"
    )
    assert fake.writes() == []


def test_plan_following_the_hint_plans_the_other_sections(
    fake: RunningFake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("B2BLINT_ACCESS_TOKEN", fake.token(roles=["Policy.Read.All"]))
    result = run_cli(
        ["plan", str(_tree(tmp_path)), "--section", "partners", "--section", "authorizationPolicy"]
    )
    assert result.exit_code == 0, result.stderr
    assert "Fabrikam" in result.stdout
    assert "allowInvitesFrom" in result.stdout
    assert "invitationDomains" not in result.stdout
    assert sorted({e["path"] for e in fake.log()}) == [
        "/v1.0/policies/authorizationPolicy",
        "/v1.0/policies/crossTenantAccessPolicy/partners",
    ]


def test_plan_section_refuses_a_saved_plan_and_a_prune_without_partners(
    fake: RunningFake, tmp_path: Path
) -> None:
    tree = str(_tree(tmp_path))
    saved = run_cli(["plan", tree, "--section", "partners", "--out", str(tmp_path / "plan.json")])
    assert saved.exit_code == 1
    assert saved.stderr == (
        "b2blint: error: --section plans only part of the YAML; a plan saved with --out must "
        "cover all of it (drop --section or --out)\n"
    )
    pruned = run_cli(["plan", tree, "--section", "authorizationPolicy", "--prune"])
    assert pruned.exit_code == 1
    assert pruned.stderr == (
        "b2blint: error: --prune deletes partners, but --section leaves partners out; "
        "add --section partners\n"
    )
    assert fake.log() == [] and not (tmp_path / "plan.json").exists()
