"""Pure functions of the Graph side: Retry-After, backoff, clouds, token claims, the planner.

No HTTP here (the end-to-end tests drive the CLI against the emulator); these pin the rules
the end-to-end tests cannot reach exactly, such as an HTTP-date Retry-After or the cloud table.
"""

from __future__ import annotations

import email.utils
import sys
from typing import Any

import pytest

from b2blint.errors import B2BLintError
from b2blint.fakegraph.tokens import mint
from b2blint.graph.kinds import ResourceKind
from b2blint.tenant.auth import (
    StaticToken,
    check_permissions,
    check_tenant,
    missing_permissions,
    permission_for,
    read_claims,
    token_info,
)
from b2blint.tenant.client import RetryPolicy, backoff_delay, parse_retry_after
from b2blint.tenant.clouds import CLOUDS, check_graph_url, get_cloud, graph_root
from b2blint.tenant.live import LiveTenant, object_key
from b2blint.tenant.plan import (
    PlanFileError,
    build_plan,
    plan_from_dict,
    plan_to_dict,
    stale_objects,
)
from b2blint.tenant.planformat import render

TENANT = "6babcaad-604b-40ac-a9d7-9fd97c0b779f"
FABRIKAM = "3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11"
OTHER = "11111111-2222-3333-4444-555555555555"
NEW = "22222222-2222-3333-4444-555555555555"
MFA = {"isMfaAccepted": True}
OFFICE = {
    "applications": {
        "accessType": "allowed",
        "targets": [{"target": "Office365", "targetType": "application"}],
    }
}


# --------------------------------------------------------------------------- G6: Retry-After


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2", 2.0),
        ("2.128", 2.128),
        (" 7 ", 7.0),
        ("0", 0.0),
        (None, None),
        ("", None),
        ("soon", None),
        ("-3", None),
        ("nan", None),
    ],
)
def test_g6_retry_after_seconds_forms(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, now=1_000_000.0) == expected


def test_g6_retry_after_http_date_is_relative_to_now() -> None:
    now = 1_445_412_480.0  # Wed, 21 Oct 2015 07:28:00 GMT
    date = email.utils.formatdate(now + 30, usegmt=True)
    assert parse_retry_after(date, now=now) == pytest.approx(30.0)
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=now + 100) == 0.0


def test_g6_backoff_is_jittered_exponential_and_capped() -> None:
    policy = RetryPolicy(backoff_base=1.0, backoff_cap=8.0)
    assert backoff_delay(1, policy, lambda: 0.0) == 0.5
    assert backoff_delay(1, policy, lambda: 1.0) == 1.0
    assert backoff_delay(3, policy, lambda: 0.0) == 2.0
    assert backoff_delay(10, policy, lambda: 1.0) == 8.0


# --------------------------------------------------------------------------- G4: clouds


def test_g4_each_cloud_pairs_one_authority_with_one_graph_host() -> None:
    pairs = {name: (c.authority_host, c.graph_url, c.scope) for name, c in CLOUDS.items()}
    assert pairs == {
        "global": (
            "login.microsoftonline.com",
            "https://graph.microsoft.com",
            "https://graph.microsoft.com/.default",
        ),
        "usgov": (
            "login.microsoftonline.us",
            "https://graph.microsoft.us",
            "https://graph.microsoft.us/.default",
        ),
        "usgov-dod": (
            "login.microsoftonline.us",
            "https://dod-graph.microsoft.us",
            "https://dod-graph.microsoft.us/.default",
        ),
        "china": (
            "login.chinacloudapi.cn",
            "https://microsoftgraph.chinacloudapi.cn",
            "https://microsoftgraph.chinacloudapi.cn/.default",
        ),
    }
    assert graph_root(get_cloud("china"), None) == "https://microsoftgraph.chinacloudapi.cn"


@pytest.mark.parametrize(
    "url",
    [
        "https://graph.example.test/",
        "http://127.0.0.1:8080",
        "http://localhost:1",
        "http://[::1]:5",
    ],
)
def test_g4_graph_url_https_or_loopback_http(url: str) -> None:
    assert check_graph_url(url) == url.rstrip("/")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://graph.example.test", "plain http is refused except on loopback"),
        ("http://10.0.0.1:80", "plain http is refused except on loopback"),
        ("ftp://127.0.0.1", "is not an http(s) URL"),
        ("https://user:pw@graph.example.test", "must not carry credentials"),
    ],
)
def test_g4_graph_url_refused(url: str, message: str) -> None:
    with pytest.raises(
        B2BLintError, match=message.replace("(", r"\(").replace(")", r"\)")
    ) as caught:
        check_graph_url(url)
    assert caught.value.exit_code == 1


# --------------------------------------------------------------------------- G4: the token


def test_g4_wrong_tenant_token_is_refused() -> None:
    source = StaticToken(mint(OTHER))
    with pytest.raises(
        B2BLintError, match=f"is for tenant {OTHER}, but the policy is for tenant {TENANT}"
    ):
        check_tenant(token_info(source), TENANT, source)
    check_tenant(token_info(source), OTHER.upper(), source)  # GUIDs compare case-insensitively


def test_g4_token_without_tid_or_expired_is_refused() -> None:
    opaque = StaticToken("not-a-jwt-but-long-enough")
    with pytest.raises(B2BLintError, match="no 'tid' claim"):
        check_tenant(token_info(opaque), TENANT, opaque)
    expired = StaticToken(mint(TENANT, exp=1))
    with pytest.raises(B2BLintError, match="has expired"):
        check_tenant(token_info(expired), TENANT, expired)


def test_g4_missing_permission_is_named() -> None:
    claims = read_claims(mint(TENANT, roles=["Policy.Read.All"]))
    assert claims is not None
    assert missing_permissions(claims, ["Policy.ReadWrite.CrossTenantAccess"]) == [
        "Policy.ReadWrite.CrossTenantAccess"
    ]
    info = token_info(StaticToken(mint(TENANT, roles=["Policy.Read.All"])))
    with pytest.raises(
        B2BLintError, match=r"lacks the Graph permission Policy\.ReadWrite\.Authorization"
    ):
        check_permissions(info, ["Policy.ReadWrite.Authorization"], "apply")
    delegated = read_claims(mint(TENANT, roles=None, scp="Policy.ReadWrite.CrossTenantAccess"))
    assert delegated is not None
    assert missing_permissions(delegated, ["Policy.ReadWrite.CrossTenantAccess"]) == []


@pytest.mark.parametrize(
    ("method", "path", "permission"),
    [
        ("GET", "/v1.0/policies/crossTenantAccessPolicy/partners", "Policy.Read.All"),
        (
            "POST",
            "/v1.0/policies/crossTenantAccessPolicy/partners",
            "Policy.ReadWrite.CrossTenantAccess",
        ),
        ("PATCH", "/policies/authorizationPolicy", "Policy.ReadWrite.Authorization"),
        (
            "PATCH",
            "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/email",
            "Policy.ReadWrite.AuthenticationMethod",
        ),
        ("PATCH", "/beta/policies/b2bManagementPolicies/x", "Policy.ReadWrite.B2BManagementPolicy"),
        ("GET", "/beta/policies/externalIdentitiesPolicy", "Policy.Read.All"),
        ("GET", "/v1.0/users", None),
    ],
)
def test_permission_for_each_endpoint(method: str, path: str, permission: str | None) -> None:
    assert permission_for(method, path) == permission


# --------------------------------------------------------------------------- the planner


def _live(objects: dict[str, dict[str, Any]], ids: tuple[str, ...]) -> LiveTenant:
    return LiveTenant(
        frozenset({ResourceKind.DEFAULT, ResourceKind.PARTNER}), objects, ids, None, 0
    )


POLICY: dict[str, Any] = {
    "b2blint": 1,
    "tenant": {"id": TENANT},
    "default": {"inboundTrust": MFA},
    "partners": [
        {
            "tenantId": FABRIKAM,
            "name": "Fabrikam",
            "settings": {"inboundTrust": MFA},
            "identitySynchronization": {"userSyncInbound": {"isSyncAllowed": True}},
        },
        {"tenantId": NEW, "name": "New", "settings": {"b2bDirectConnectInbound": OFFICE}},
    ],
}
LIVE = {
    object_key(ResourceKind.DEFAULT): {
        "isServiceDefault": False,
        "inboundTrust": {"isMfaAccepted": False, "isCompliantDeviceAccepted": None},
        "automaticUserConsentSettings": {"inboundAllowed": False, "outboundAllowed": False},
    },
    object_key(ResourceKind.PARTNER, FABRIKAM): {
        "tenantId": FABRIKAM,
        "displayName": "Fabrikam",
        "inboundTrust": None,
        "tenantRestrictions": {"usersAndGroups": {"accessType": "blocked", "targets": []}},
        "automaticUserConsentSettings": {"inboundAllowed": None, "outboundAllowed": None},
        "newFutureProperty": {"x": 1},
        "isInMultiTenantOrganization": False,
    },
    object_key(ResourceKind.PARTNER, OTHER): {"tenantId": OTHER, "displayName": "Other"},
    object_key(ResourceKind.IDENTITY_SYNCHRONIZATION, OTHER): {
        "tenantId": OTHER,
        "userSyncInbound": {"isSyncAllowed": True},
    },
}


def _requests(plan: Any) -> list[tuple[str, str, Any]]:
    return [(op.method, op.path, op.body) for op in plan.operations]


PARTNERS_PATH = "/policies/crossTenantAccessPolicy/partners"


def test_g10_plan_sends_only_changed_top_level_settings_and_never_unknown_ones() -> None:
    plan = build_plan(POLICY, _live(LIVE, (FABRIKAM, OTHER)), tenant_id=TENANT, cloud="global")
    assert _requests(plan) == [
        ("PATCH", "/policies/crossTenantAccessPolicy/default", {"inboundTrust": MFA}),
        ("PATCH", f"{PARTNERS_PATH}/{FABRIKAM}", {"inboundTrust": MFA, "tenantRestrictions": None}),
        (
            "PUT",
            f"{PARTNERS_PATH}/{FABRIKAM}/identitySynchronization",
            {"userSyncInbound": {"isSyncAllowed": True}},
        ),
        ("POST", PARTNERS_PATH, {"tenantId": NEW, "b2bDirectConnectInbound": OFFICE}),
    ]
    assert plan.unmanaged_properties == ((f"partner:{FABRIKAM}", "newFutureProperty"),)
    assert [(u.tenant_id, u.name, u.has_sync) for u in plan.unmanaged] == [(OTHER, "Other", True)]


def test_g9_g8_prune_deletes_sync_before_partner() -> None:
    plan = build_plan(
        POLICY, _live(LIVE, (FABRIKAM, OTHER)), tenant_id=TENANT, cloud="global", prune=True
    )
    assert _requests(plan)[-2:] == [
        ("DELETE", f"{PARTNERS_PATH}/{OTHER}/identitySynchronization", None),
        ("DELETE", f"{PARTNERS_PATH}/{OTHER}", None),
    ]
    assert plan.unmanaged == ()
    assert "deletes a partner" in plan.objects[-1].warnings


def test_g3_matching_live_state_plans_nothing() -> None:
    live = {
        object_key(ResourceKind.DEFAULT): {
            "inboundTrust": {"isMfaAccepted": True, "isCompliantDeviceAccepted": None}
        },
        object_key(ResourceKind.PARTNER, FABRIKAM.upper()): {
            "tenantId": FABRIKAM.upper(),
            "inboundTrust": {"isMfaAccepted": True},
            "b2bCollaborationInbound": None,
        },
        object_key(ResourceKind.IDENTITY_SYNCHRONIZATION, FABRIKAM): {
            "tenantId": FABRIKAM,
            "userSyncInbound": {"isSyncAllowed": True},
        },
        object_key(ResourceKind.PARTNER, NEW): {"tenantId": NEW, "b2bDirectConnectInbound": OFFICE},
    }
    plan = build_plan(
        POLICY, _live(live, (FABRIKAM.upper(), NEW)), tenant_id=TENANT, cloud="global"
    )
    assert plan.operations == []
    assert "No changes" in render(plan, "text")


def test_g2_plan_file_round_trip_edit_and_staleness() -> None:
    live = _live(LIVE, (FABRIKAM, OTHER))
    plan = build_plan(POLICY, live, tenant_id=TENANT, cloud="global", sources=["policies"])
    data = plan_to_dict(plan)
    assert plan_from_dict(data, "plan.json") == plan
    assert stale_objects(plan, live) == []
    edited = {**data, "objects": data["objects"][:1]}
    with pytest.raises(PlanFileError, match="edited after it was made"):
        plan_from_dict(edited, "plan.json")
    changed = dict(LIVE)
    changed[object_key(ResourceKind.PARTNER, FABRIKAM)] = {
        "tenantId": FABRIKAM,
        "inboundTrust": MFA,
    }
    assert stale_objects(plan, _live(changed, (FABRIKAM, OTHER))) == [f"partner:{FABRIKAM}"]
    assert stale_objects(plan, _live(LIVE, (FABRIKAM,))) == ["the list of partners"]


def test_markdown_plan_has_summary_warnings_tables_and_details() -> None:
    plan = build_plan(POLICY, _live(LIVE, (FABRIKAM, OTHER)), tenant_id=TENANT, cloud="global")
    text = render(plan, "markdown", "Contoso")
    lines = text.splitlines()
    assert lines[0] == f"### b2blint plan: tenant Contoso ({TENANT}), global cloud"
    assert (
        lines[2] == "**1 to create, 2 to update, 0 to delete (4 Graph writes); "
        "1 unmanaged partner left alone**"
    )
    assert "> [!WARNING]" in lines
    assert (
        "> - **default**: changes the default inbound settings, which apply to every partner "
        "without its own: inboundTrust" in lines
    )
    assert "| `identitySynchronization.userSyncInbound.isSyncAllowed` | _unset_ | `true` |" in lines
    assert (
        text.count("<details>") == 5
    )  # 3 request blocks, unmanaged partners, unmanaged properties


# --------------------------------------------------------------------------- boundaries


GRAPH_ONLY_MODULES = ("b2blint.tenant.client", "b2blint.tenant.auth", "b2blint.tenant.apply")


def test_lint_path_never_imports_the_graph_client() -> None:
    import importlib.util
    import subprocess
    import sys

    from tests.conftest import ROOT

    # A probe that names a module that no longer exists would pass without testing anything.
    for name in GRAPH_ONLY_MODULES:
        assert importlib.util.find_spec(name), f"{name} does not exist: update the probe"
    probe = (
        "import sys; from b2blint.cli import main; main(['lint', '-q', 'policies']); "
        "print(sorted(m for m in sys.modules if m == 'httpx' or m.startswith('azure') "
        f"or m in {GRAPH_ONLY_MODULES!r}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stderr


def test_auth_method_without_azure_identity_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from b2blint.tenant.auth import token_source

    # The test extra installs azure-identity (its credential tests need it): hide it, as a
    # machine without the extra would. A None entry makes `import azure` fail.
    monkeypatch.setitem(sys.modules, "azure", None)
    monkeypatch.setenv("AZURE_CLIENT_ID", "00000000-0000-4000-8000-000000000001")
    with pytest.raises(B2BLintError, match=r"pip install 'b2blint\[azure\]'") as caught:
        token_source("workload-identity", TENANT, get_cloud("global"))
    assert caught.value.exit_code == 1


def test_no_credentials_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from b2blint.tenant.auth import token_source

    with pytest.raises(B2BLintError, match="no Graph credentials: set B2BLINT_ACCESS_TOKEN"):
        token_source(None, TENANT, get_cloud("global"), environ={})
