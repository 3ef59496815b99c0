"""Whatever `lint` accepts, the emulator accepts (issue 11 item 14), over real HTTP.

The emulator refuses only what a Microsoft source says Graph refuses; lint reports each such
rule (XTA007 for the users/applications pairing [S26], SCH00x for the model). So every
lint-clean policy - every rule fixture, the bundled policies, and policies hypothesis makes up -
must `apply` to a fresh emulator with exit 0 and no refused request.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from b2blint.fakegraph.server import RunningFake, start
from b2blint.files.yamlio import dump_yaml
from tests.conftest import FIXTURES, POLICIES, run_cli

RULE_FIXTURES = sorted((FIXTURES / "rules").glob("*/*.yaml"))
DEFAULT_TENANT = "6babcaad-604b-40ac-a9d7-9fd97c0b779f"
_ENV = ("B2BLINT_GRAPH_URL", "B2BLINT_ACCESS_TOKEN", "B2BLINT_AUTH", "B2BLINT_CLOUD")


@pytest.fixture(scope="module")
def fake() -> Iterator[RunningFake]:
    """One emulator for the module, reset before each apply (a fresh tenant each time)."""
    with start(tenant_id=DEFAULT_TENANT, retry_after="0.1") as running:
        yield running


@pytest.fixture(autouse=True)
def _graph_env(monkeypatch: pytest.MonkeyPatch, fake: RunningFake) -> None:
    """The CLI pointed at the emulator, whose tenant is every fixture's ``tenant.id``."""
    for name in _ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("B2BLINT_GRAPH_URL", fake.url)
    monkeypatch.setenv("B2BLINT_ACCESS_TOKEN", fake.token())


def _errors(tree: Path, config: Path | None) -> list[dict[str, Any]]:
    args = ["lint", "--format", "json", str(tree)]
    if config is not None:
        args[1:1] = ["--config", str(config)]
    findings = json.loads(run_cli(args).stdout)["findings"]
    return [f for f in findings if f["severity"] == "error"]


def _apply_clean(fake: RunningFake, tree: Path, config: Path | None = None) -> bool:
    """Apply ``tree`` to a fresh emulator if lint finds no error; False if lint refused it."""
    if _errors(tree, config):
        return False
    fake.reset()
    result = run_cli(["apply", "--yes", str(tree)])
    refused = [e for e in fake.writes() if (e["status"] or 0) >= 400]
    assert (result.exit_code, refused) == (0, []), result.stdout + result.stderr
    return True


@pytest.mark.parametrize("path", RULE_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_lint_clean_rule_fixture_applies(
    fake: RunningFake, tmp_path: Path, path: Path
) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    shutil.copy(path, tree / path.name)
    config = path.parent / "config.toml"
    _apply_clean(fake, tree, config if config.is_file() else None)


def test_the_bundled_policies_apply(fake: RunningFake, tmp_path: Path) -> None:
    tree = tmp_path / "policies"
    shutil.copytree(POLICIES, tree, ignore=shutil.ignore_patterns("tests"))
    assert _apply_clean(fake, tree)


# --------------------------------------------------------------------------- generated policies

GROUP = "c23973f8-dcc3-4275-9070-7ad998fd1fb9"
APP = "00000012-0000-0000-c000-000000000000"
USER_TARGETS = [("AllUsers", "user"), (GROUP, "group")]
APP_TARGETS = [
    ("AllApplications", "application"),
    ("Office365", "application"),
    (APP, "application"),
]


def _half(targets: list[tuple[str, str]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda access, chosen: {
            "accessType": access,
            "targets": [{"target": t, "targetType": k} for t, k in chosen],
        },
        st.sampled_from(["allowed", "blocked"]),
        st.lists(st.sampled_from(targets), min_size=1, max_size=2, unique=True),
    )


def _pair(users: tuple[str, str, str], apps: tuple[str, str]) -> dict[str, Any]:
    return {
        "usersAndGroups": {
            "accessType": users[0],
            "targets": [{"target": users[1], "targetType": users[2]}],
        },
        "applications": {
            "accessType": apps[0],
            "targets": [{"target": apps[1], "targetType": "application"}],
        },
    }


#: Coherent whole settings, among them blocked{group} + blocked{AllApplications}, which Graph's
#: overview documents [S2] and the emulator used to refuse.
COHERENT = [
    _pair(("allowed", "AllUsers", "user"), ("allowed", "AllApplications")),
    _pair(("blocked", "AllUsers", "user"), ("blocked", "AllApplications")),
    _pair(("allowed", GROUP, "group"), ("allowed", "Office365")),
    _pair(("blocked", GROUP, "group"), ("blocked", "AllApplications")),
    _pair(("blocked", GROUP, "group"), ("allowed", APP)),
]


def _setting(user_targets: list[tuple[str, str]]) -> st.SearchStrategy[dict[str, Any]]:
    users, apps = _half(user_targets), _half(APP_TARGETS)
    coherent = [
        c for c in COHERENT if c["usersAndGroups"]["targets"][0]["target"] in dict(user_targets)
    ]
    return st.one_of(
        st.sampled_from(coherent),  # three times as likely as each random form
        st.sampled_from(coherent),
        st.sampled_from(coherent),
        st.builds(lambda u, a: {"usersAndGroups": u, "applications": a}, users, apps),
        st.builds(lambda u: {"usersAndGroups": u}, users),
        st.builds(lambda a: {"applications": a}, apps),
    )


SETTING_NAMES = [
    "b2bCollaborationInbound",
    "b2bCollaborationOutbound",
    "b2bDirectConnectInbound",
    "b2bDirectConnectOutbound",
    "tenantRestrictions",
]


def _settings(
    user_targets: list[tuple[str, str]] = USER_TARGETS,
) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.sampled_from(SETTING_NAMES), _setting(user_targets), max_size=3)


#: The default trusts MFA (XTA003 otherwise flags most direct-connect settings) and targets
#: AllUsers only (XTA010: inbound defaults can't target users), so more examples are clean.
DEFAULTS = _settings([("AllUsers", "user")]).map(
    lambda found: {**found, "inboundTrust": {"isMfaAccepted": True}}
)


PARTNER_IDS = ["3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11", "8cf70e0d-4dbc-480e-ac48-56bb7335817b"]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    default=DEFAULTS,
    partners=st.lists(_settings(), min_size=1, max_size=2),
)
def test_generated_lint_clean_policies_apply(
    fake: RunningFake, tmp_path_factory: pytest.TempPathFactory, default: Any, partners: Any
) -> None:
    """Random default and partner settings (whole or half, allowed or blocked, keywords or
    ids): each one lint finds no error in applies without a refused request."""
    tree = tmp_path_factory.mktemp("generated")
    policy: dict[str, Any] = {
        "b2blint": 1,
        "tenant": {"id": DEFAULT_TENANT, "name": "Contoso"},
        "default": default,
        "partners": [
            {"tenantId": PARTNER_IDS[i], "name": f"P{i}", "settings": s}
            for i, s in enumerate(partners)
        ],
    }
    (tree / "tenant.yaml").write_text(dump_yaml(policy), encoding="utf-8")
    if _apply_clean(fake, tree):
        APPLIED.append(tree.name)


#: Generated policies lint found clean and apply wrote (each Hypothesis example adds one).
APPLIED: list[str] = []


def test_generated_policies_were_mostly_applied() -> None:
    """The property above is not vacuous: most generated policies were lint-clean and applied.
    (Runs after it: pytest keeps the order of a module.)"""
    assert len(APPLIED) >= 8, APPLIED


# --------------------------------------------------------------------------- Microsoft's requests

REQUESTS = FIXTURES / "graph-docs" / "requests"
#: The partner the update page's examples PATCH (its URL holds the key, the body does not).
DOCS_PARTNER = "90e29127-71ad-49c7-9ce8-db3f41ea06f1"
#: An authorizationPolicy whose values all differ from the update examples', so each is a write.
AUTHORIZATION_BEFORE = {
    "allowedToUseSSPR": False,
    "blockMsolPowerShell": False,
    "allowEmailVerifiedUsersToJoinOrganization": True,
}
REDEMPTION_BEFORE = {
    "primaryIdentityProviderPrecedenceOrder": ["azureActiveDirectory", "externalFederation"],
    "fallbackIdentityProvider": "microsoftAccount",
}
ENTITY = {
    "crosstenantaccesspolicy-post-partners": (
        "POST",
        "/v1.0/policies/crossTenantAccessPolicy/partners",
    ),
    "crosstenantaccesspolicyconfigurationdefault-update": (
        "PATCH",
        "/v1.0/policies/crossTenantAccessPolicy/default",
    ),
    "crosstenantaccesspolicyconfigurationpartner-update": (
        "PATCH",
        f"/v1.0/policies/crossTenantAccessPolicy/partners/{DOCS_PARTNER}",
    ),
    "authorizationpolicy-update": ("PATCH", "/v1.0/policies/authorizationPolicy"),
}


def _request_of(name: str) -> tuple[str, str]:
    stem = name.removeprefix("v1.0-").removesuffix(".json").rstrip("-0123456789")
    return ENTITY[stem]


@pytest.mark.parametrize("name", sorted(p.name for p in REQUESTS.glob("*.json")))
def test_microsoft_request_examples_import_lint_and_apply(
    fake: RunningFake, tmp_path: Path, name: str
) -> None:
    """The done-when of issue 11: each request body of the Graph docs' create/update examples
    for partners, the default and authorizationPolicy (tests/fixtures/graph-docs/SOURCES.md)
    imports, lints without errors, and `apply` sends that very body to the emulator, which
    accepts it. A partner update body is imported with the key its URL names."""
    body = json.loads((REQUESTS / name).read_text(encoding="utf-8"))
    method, path = _request_of(name)
    source = tmp_path / name
    imported = {"tenantId": DOCS_PARTNER, **body} if "partner-update" in name else body
    source.write_text(json.dumps(imported), encoding="utf-8")
    tree = tmp_path / "tree"
    run = run_cli(["import", "--tenant-id", DEFAULT_TENANT, "--out", str(tree), str(source)])
    assert (run.exit_code, run.stderr) == (0, "")
    errors = [(f["rule"], f["message"]) for f in _errors(tree, None)]
    assert errors == []
    fake.reset()
    state: dict[str, Any] = {
        "tenantId": DEFAULT_TENANT,
        "authorizationPolicy": AUTHORIZATION_BEFORE,
    }
    if "partner-update" in name:
        state["partners"] = [{"tenantId": DOCS_PARTNER}]
    if "default-update" in name:  # a redemption order unlike both examples'
        state["default"] = {"invitationRedemptionIdentityProviderConfiguration": REDEMPTION_BEFORE}
    fake.set_state(state)
    result = run_cli(["apply", "--yes", str(tree)])
    assert result.exit_code == 0, result.stdout + result.stderr
    sent = [(e["method"], e["path"], e["body"], e["status"]) for e in fake.writes()]
    expected_body = {"tenantId": body["tenantId"], **body} if method == "POST" else body
    assert sent == [(method, path, expected_body, 201 if method == "POST" else 204)]


# --------------------------------------------------------------------------- create-only, nesting

FABRIKAM = "3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11"


def _partner_tree(root: Path, settings: dict[str, Any]) -> Path:
    root.mkdir()
    policy = {
        "b2blint": 1,
        "tenant": {"id": DEFAULT_TENANT, "name": "Contoso"},
        "partners": [{"tenantId": FABRIKAM, "name": "Fabrikam", "settings": settings}],
    }
    (root / "tenant.yaml").write_text(dump_yaml(policy), encoding="utf-8")
    return root


def test_plan_warns_that_is_service_provider_is_create_only(
    fake: RunningFake, tmp_path: Path
) -> None:
    """Item 12: isServiceProvider is taken on create [S17] but missing from the update page's
    table [S18]; the emulator ignores it in a PATCH (OData [S62]). Lint cannot see the live
    partner, so the plan says it, first, among the warnings."""
    fake.reset()
    fake.set_state({"tenantId": DEFAULT_TENANT, "partners": [{"tenantId": FABRIKAM}]})
    tree = _partner_tree(tmp_path / "tree", {"isServiceProvider": True})
    result = run_cli(["plan", str(tree)])
    assert result.exit_code == 0, result.stderr
    assert (
        "  ! partner Fabrikam (3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11): changes isServiceProvider, "
        "which Graph sets only when a partner is created: the update is not expected to change it"
    ) in result.stdout.splitlines()
    fake.reset()
    result = run_cli(["plan", str(tree)])  # a new partner: created with it, no warning
    assert "isServiceProvider, which" not in result.stdout


@pytest.mark.parametrize("nested_patch", ["replace", "merge"])
def test_client_sends_whole_top_level_settings(
    fake: RunningFake, tmp_path: Path, nested_patch: str
) -> None:
    """Item 15: what Graph does with a PATCH naming half of a complex value is undocumented
    (replace, or OData's merge [S62]), so b2blint sends each changed top-level setting whole;
    the tenant then ends the same under either behaviour."""
    group = {"target": GROUP, "targetType": "group"}
    before = _pair(("allowed", "AllUsers", "user"), ("allowed", "Office365"))
    after = {
        "usersAndGroups": {"accessType": "allowed", "targets": [group]},
        "applications": before["applications"],
    }
    fake.reset()
    fake.configure(nested_patch=nested_patch)
    live = {"tenantId": FABRIKAM, "b2bCollaborationInbound": before}
    fake.set_state({"tenantId": DEFAULT_TENANT, "partners": [live]})
    tree = _partner_tree(tmp_path / "tree", {"b2bCollaborationInbound": after})
    try:
        result = run_cli(["apply", "--yes", str(tree)])
    finally:
        fake.configure(nested_patch="replace")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert [(e["method"], e["body"]) for e in fake.writes()] == [
        ("PATCH", {"b2bCollaborationInbound": after})
    ]
    partner = fake.state()["partners"][0]
    assert partner["b2bCollaborationInbound"] == after
