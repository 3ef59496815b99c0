"""Conditional Access context over real HTTP (issue 13 item 2): `export --section
conditionalAccess` writes it, `export --merge` keeps what people wrote around it, and nothing
ever writes CA to Graph. The emulator serves the policies from its state.

Graph pages: https://learn.microsoft.com/graph/api/conditionalaccessroot-list-policies and
https://learn.microsoft.com/graph/api/conditionalaccesspolicy-get (Policy.Read.All).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from b2blint.fakegraph import tokens
from b2blint.fakegraph.server import RunningFake
from b2blint.files.document import parse_text
from b2blint.files.yamlio import dump_yaml
from tests.conftest import FIXTURES, run_cli
from tests.tenant.conftest import (
    FABRIKAM,
    MFA_TRUST,
    OFFICE365_OPEN,
    TENANT,
    guests_policy,
    live_partner,
    partner,
    write_tree,
    writes,
)

DOCS = FIXTURES / "graph-docs"
CONTEXT = "context/conditional-access.yaml"
CA = "/v1.0/identity/conditionalAccess/policies"
GUESTS = {
    "id": "0d7b2c1e-5a4f-4e3b-9c2d-1f0e9d8c7b6a",
    "displayName": "Require MFA for guests",
    "state": "enabled",
    "conditions": {
        "clientAppTypes": ["all"],
        "applications": {"includeApplications": ["All"]},
        "users": {
            "includeGuestsOrExternalUsers": {
                "guestOrExternalUserTypes": "b2bCollaborationGuest,b2bDirectConnectUser",
                "externalTenants": {
                    "@odata.type": "#microsoft.graph.conditionalAccessAllExternalTenants",
                    "membershipKind": "all",
                },
            }
        },
    },
    "grantControls": {"operator": "OR", "builtInControls": ["mfa"]},
}


def documented() -> list[dict[str, Any]]:
    """The documented list example's policies plus the documented single policy."""
    listed = json.loads((DOCS / "v1.0-conditionalaccessroot-list-policies.json").read_text())
    single = json.loads((DOCS / "v1.0-conditionalaccesspolicy-get.json").read_text())
    single.pop("@odata.context")
    return [*listed["value"], single]


def _export(*extra: str, out: Path) -> Any:
    return run_cli(["export", *extra, "--tenant-id", TENANT, "--out", str(out)])


def _requests(fake: RunningFake) -> list[tuple[str, str]]:
    return [(e["method"], e["path"]) for e in fake.log()]


def _context(root: Path) -> Any:
    return parse_text((root / CONTEXT).read_text(encoding="utf-8"), CONTEXT).data


def test_export_section_writes_the_context_in_one_paged_read(
    fake: RunningFake, tmp_path: Path
) -> None:
    fake.set_state({"conditionalAccessPolicies": [*documented(), GUESTS]})
    fake.configure(page_size=3)
    run = _export("--section", "conditionalAccess", out=tmp_path / "out")
    assert run.exit_code == 0, run.stderr
    assert _requests(fake) == [("GET", CA), ("GET", CA)]  # one list read: two pages
    out = tmp_path / "out"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        CONTEXT,
        "tenant.yaml",
    ]
    assert _context(out) == {"b2blint": 1, "conditionalAccessPolicies": [*documented(), GUESTS]}
    assert run.stderr.endswith(
        f"b2blint: exported tenant {TENANT} (0 partner files and the Conditional Access "
        f"context) in 2 requests; next: b2blint plan {out}\n"
    )
    lint = run_cli(["lint", "--format", "json", str(out)])
    findings = json.loads(lint.stdout)["findings"]
    assert [f["rule"] for f in findings if f["rule"].startswith(("SYN", "SCH"))] == []


def test_plain_export_does_not_read_conditional_access(fake: RunningFake, tmp_path: Path) -> None:
    fake.set_state({"conditionalAccessPolicies": [GUESTS]})
    run = _export(out=tmp_path / "out")
    assert run.exit_code == 0, run.stderr
    assert not any("conditionalAccess" in path for _, path in _requests(fake))
    assert not (tmp_path / "out" / "context").exists()


def test_export_without_policy_read_all_says_what_to_grant(
    fake: RunningFake, tmp_path: Path, monkeypatch: Any
) -> None:
    others = [r for r in tokens.ALL_ROLES if r != tokens.READ_ALL]
    monkeypatch.setenv("B2BLINT_ACCESS_TOKEN", fake.token(others))
    run = _export("--section", "conditionalAccess", out=tmp_path / "out")
    assert run.exit_code == 1
    assert "GET /v1.0/identity/conditionalAccess/policies: 403 Authorization_RequestDenied" in (
        run.stderr
    )
    assert "the app needs the Graph permission Policy.Read.All, admin-consented " in run.stderr
    assert "conditionalaccessroot-list-policies" in run.stderr
    assert not (tmp_path / "out").exists()


def test_hostile_policy_id_from_the_server_writes_nothing(
    fake: RunningFake, tmp_path: Path
) -> None:
    fake.set_state({"conditionalAccessPolicies": [GUESTS]})
    # The state loader checks ids; a hostile server is played by rewriting the stored policy.
    fake.emulator._state.conditional_access[GUESTS["id"]]["id"] = "../../x\nb2blint: 2"
    run = _export("--section", "conditionalAccess", out=tmp_path / "out")
    assert run.exit_code == 1
    assert "Conditional Access policy 1 of the list has no GUID id (malformed response)" in (
        run.stderr
    )
    assert not (tmp_path / "out").exists()


def test_merge_splices_changed_new_and_gone_policies_keeping_comments(
    fake: RunningFake, tmp_path: Path
) -> None:
    fake.set_state({"conditionalAccessPolicies": [*documented(), GUESTS]})
    out = tmp_path / "out"
    assert _export("--section", "conditionalAccess", out=out).exit_code == 0
    path = out / CONTEXT
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "  - id: c558e346-969d-40a7-a64e-2df6c2c88490\n",
        "  # kept: why SimplePolicy2 matters\n  - id: c558e346-969d-40a7-a64e-2df6c2c88490\n",
    )
    text = "# Reviewed by the identity team\n" + text
    path.write_text(text, encoding="utf-8")
    # The tenant changes: SimplePolicy1 goes, the guests policy is switched to report-only, a
    # new policy appears.
    changed = copy.deepcopy(GUESTS)
    changed["state"] = "enabledForReportingButNotEnforced"
    new = {**copy.deepcopy(GUESTS), "id": "5e1f0a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b",
           "displayName": "Block legacy auth"}  # fmt: skip
    fake.set_state({"conditionalAccessPolicies": [*documented()[1:], changed, new]})
    fake.clear_log()
    run = _export("--section", "conditionalAccess", "--merge", out=out)
    assert run.exit_code == 0, run.stderr
    assert _requests(fake) == [("GET", CA)]
    merged = path.read_text(encoding="utf-8")
    assert merged.startswith("# Reviewed by the identity team\n# Exported by `b2blint export`")
    assert "  # kept: why SimplePolicy2 matters\n  - id: c558e346" in merged
    assert _context(out)["conditionalAccessPolicies"] == [*documented()[1:], changed, new]
    assert (
        f"b2blint: updated {path}: 3 Conditional Access policies changed, added or removed\n"
        in (run.stderr)
    )
    assert (
        "Conditional Access policy ad8d2b4a-8d30-413f-88b8-144c6c8d98d9 is no longer in the "
        "tenant; removed from the context" in run.stderr
    )
    again = _export("--section", "conditionalAccess", "--merge", out=out)
    assert "the Conditional Access context already matches the tenant: nothing changed" in (
        again.stderr
    )
    assert path.read_text(encoding="utf-8") == merged


def test_merge_when_every_policy_was_replaced(fake: RunningFake, tmp_path: Path) -> None:
    fake.set_state({"conditionalAccessPolicies": documented()[:2]})
    out = tmp_path / "out"
    assert _export("--section", "conditionalAccess", out=out).exit_code == 0
    fake.set_state({"conditionalAccessPolicies": []})
    run = _export("--section", "conditionalAccess", "--merge", out=out)
    assert run.exit_code == 0, run.stderr
    assert _context(out)["conditionalAccessPolicies"] == []
    fake.set_state({"conditionalAccessPolicies": [GUESTS]})
    run = _export("--section", "conditionalAccess", "--merge", out=out)
    assert run.exit_code == 0, run.stderr
    assert _context(out)["conditionalAccessPolicies"] == [GUESTS]
    fake.set_state({"conditionalAccessPolicies": documented()})  # all gone, all new at once
    run = _export("--section", "conditionalAccess", "--merge", out=out)
    assert run.exit_code == 0, run.stderr
    assert _context(out)["conditionalAccessPolicies"] == documented()


def test_merge_into_a_tree_without_context_writes_the_file(
    fake: RunningFake, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert _export(out=out).exit_code == 0
    before = (out / "tenant.yaml").read_bytes()
    fake.set_state({"conditionalAccessPolicies": [GUESTS]})
    run = _export("--section", "conditionalAccess", "--merge", out=out)
    assert run.exit_code == 0, run.stderr
    assert f"b2blint: wrote {out / CONTEXT}: 1 Conditional Access policy (exported, context)\n" in (
        run.stderr
    )
    assert _context(out)["conditionalAccessPolicies"] == [GUESTS]
    assert (out / "tenant.yaml").read_bytes() == before


# --------------------------------------------------------------------------- plan and apply

PARTNERS_PATH = "/v1.0/policies/crossTenantAccessPolicy/partners"


def _tree_with_context(root: Path, policies: list[dict[str, Any]]) -> Path:
    write_tree(root, [partner(FABRIKAM, "Fabrikam", {"inboundTrust": MFA_TRUST})])
    (root / "context").mkdir()
    (root / CONTEXT).write_text(
        dump_yaml({"b2blint": 1, "conditionalAccessPolicies": policies}), encoding="utf-8"
    )
    return root


def _stale_tenant(fake: RunningFake) -> list[dict[str, Any]]:
    """The tenant against a repository holding documented() + GUESTS: SimplePolicy1 deleted,
    the guests policy report-only, a new policy, and SimplePolicy2 saved again unchanged
    (a new modifiedDateTime only, which is ignored)."""
    _simple1, simple2, demo = documented()
    resaved = {**simple2, "modifiedDateTime": "2026-12-01T10:00:00Z"}
    changed = {**copy.deepcopy(GUESTS), "state": "enabledForReportingButNotEnforced"}
    changed["grantControls"]["builtInControls"] = ["mfa", "compliantDevice"]
    new = {**copy.deepcopy(GUESTS), "id": NEW_ID, "displayName": "Block legacy auth"}
    live = [resaved, demo, changed, new]
    fake.set_state(
        {
            "partners": [live_partner(FABRIKAM, inboundTrust=MFA_TRUST)],
            "conditionalAccessPolicies": live,
        }
    )
    return live


NEW_ID = "5e1f0a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b"


def _plan(tree: Path, *extra: str) -> Any:
    return run_cli(["plan", str(tree), *extra])


def test_plan_warns_naming_the_policies_that_differ_in_one_more_list_read(
    fake: RunningFake, tmp_path: Path
) -> None:
    plain = write_tree(
        tmp_path / "plain", [partner(FABRIKAM, "Fabrikam", {"inboundTrust": MFA_TRUST})]
    )
    tree = _tree_with_context(tmp_path / "tree", [*documented(), GUESTS])
    _stale_tenant(fake)
    fake.configure(page_size=3)
    assert _plan(plain).exit_code == 0
    baseline = _requests(fake)
    fake.clear_log()
    run = _plan(tree)
    assert run.exit_code == 0, run.stderr
    # Exactly the plan's own reads, then one list read of CA policies (4 policies: 2 pages).
    assert _requests(fake) == [*baseline, ("GET", CA), ("GET", CA)]
    context = tree / CONTEXT
    expected = [
        "",
        "Conditional Access context (read-only):",
        "  ! the Conditional Access context in the repository is stale against the tenant "
        "(1 added, 1 removed, 1 changed); lint and simulate verdicts used the repository's "
        "copy: refresh it with `b2blint export --tenant-id <tenant ID> --section "
        "conditionalAccess --merge --out <tree>` (or a new export)",
        f"    + 'Block legacy auth' ({NEW_ID}) is in the tenant, not in the repository",
        "    - 'SimplePolicy1' (ad8d2b4a-8d30-413f-88b8-144c6c8d98d9) at "
        f"{context}:3 is no longer in the tenant",
        f"    ~ 'Require MFA for guests' ({GUESTS['id']}) at {context}:"
        f"{_line_of(context, GUESTS['id'])} differs: grantControls.builtInControls, state",
    ]
    lines = run.stdout.splitlines()
    start = lines.index("Conditional Access context (read-only):") - 1
    assert lines[start : start + len(expected)] == expected
    assert "warning: the Conditional Access context in the repository is stale" in run.stderr


def _line_of(path: Path, ident: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.endswith(f"id: {ident}"):
            return number
    raise AssertionError(ident)


def test_plan_json_and_markdown_carry_the_warning(fake: RunningFake, tmp_path: Path) -> None:
    tree = _tree_with_context(tmp_path / "tree", [*documented(), GUESTS])
    _stale_tenant(fake)
    run = _plan(tree, "--format", "json")
    assert run.exit_code == 0, run.stderr
    check = json.loads(run.stdout)["context"]["conditionalAccess"]
    assert check == {
        "checked": True,
        "reason": None,
        "requests": 1,
        "policies": {"repository": 4, "tenant": 4},
        "ignored": ["createdDateTime", "deletedDateTime", "modifiedDateTime"],
        "stale": True,
        "differences": [
            {
                "change": "added",
                "id": NEW_ID,
                "displayName": "Block legacy auth",
                "where": None,
                "properties": [],
            },
            {
                "change": "removed",
                "id": "ad8d2b4a-8d30-413f-88b8-144c6c8d98d9",
                "displayName": "SimplePolicy1",
                "where": f"{tree / CONTEXT}:3",
                "properties": [],
            },
            {
                "change": "changed",
                "id": GUESTS["id"],
                "displayName": "Require MFA for guests",
                "where": f"{tree / CONTEXT}:{_line_of(tree / CONTEXT, GUESTS['id'])}",
                "properties": ["grantControls.builtInControls", "state"],
            },
        ],
    }
    markdown = _plan(tree, "--format", "markdown").stdout
    assert (
        "> [!WARNING]\n> the Conditional Access context in the repository is stale against "
        "the tenant (1 added, 1 removed, 1 changed)"
    ) in markdown
    assert f"> - 'Block legacy auth' ({NEW_ID}) is in the tenant, not in the repository\n" in (
        markdown
    )


def test_plan_saved_with_out_keeps_the_check_and_apply_still_loads_it(
    fake: RunningFake, tmp_path: Path
) -> None:
    tree = _tree_with_context(tmp_path / "tree", [*documented(), GUESTS])
    _stale_tenant(fake)
    saved = tmp_path / "plan.json"
    assert _plan(tree, "--out", str(saved)).exit_code == 0
    assert json.loads(saved.read_text())["context"]["conditionalAccess"]["stale"] is True
    run = run_cli(["apply", str(tree), "--plan", str(saved), "--yes"])
    assert run.exit_code == 0, run.stderr


def test_context_matching_the_tenant_says_so(fake: RunningFake, tmp_path: Path) -> None:
    # A hand-written context may leave out what Graph writes as null or []; the tenant's
    # timestamps are ignored.
    sparse = {k: v for k, v in documented()[2].items() if v not in (None, [])}
    sparse.pop("createdDateTime")
    tree = _tree_with_context(tmp_path / "tree", [sparse])
    fake.set_state(
        {
            "partners": [live_partner(FABRIKAM, inboundTrust=MFA_TRUST)],
            "conditionalAccessPolicies": [documented()[2]],
        }
    )
    run = _plan(tree)
    assert run.exit_code == 0, run.stderr
    assert (
        "\nConditional Access context (read-only):\n"
        "    the Conditional Access context matches the tenant (1 policy)\n"
    ) in run.stdout
    assert "warning" not in run.stderr


def test_without_policy_read_all_the_plan_says_context_not_checked(
    fake: RunningFake, tmp_path: Path, monkeypatch: Any
) -> None:
    tree = _tree_with_context(tmp_path / "tree", [GUESTS])
    _stale_tenant(fake)
    # Cross-tenant reads accept Policy.ReadWrite.CrossTenantAccess; CA needs Policy.Read.All.
    monkeypatch.setenv("B2BLINT_ACCESS_TOKEN", fake.token([tokens.XTAP_WRITE]))
    run = _plan(tree, "--detailed-exitcode")
    assert run.exit_code == 0, run.stderr
    assert (
        "  ! context not checked: GET /v1.0/identity/conditionalAccess/policies: 403 "
        "Authorization_RequestDenied: Insufficient privileges to complete the operation."
    ) in run.stdout
    assert "the app needs the Graph permission Policy.Read.All" in run.stdout
    assert "b2blint: warning: context not checked: " in run.stderr
    check = json.loads(_plan(tree, "--format", "json").stdout)["context"]["conditionalAccess"]
    assert (check["checked"], check["requests"]) == (False, 1)


def test_hostile_live_names_are_escaped_in_the_warning(fake: RunningFake, tmp_path: Path) -> None:
    tree = _tree_with_context(tmp_path / "tree", [])
    evil = {**copy.deepcopy(GUESTS), "displayName": "x\n\x1b[2J| <img src=x>\u202e"}
    fake.set_state(
        {
            "partners": [live_partner(FABRIKAM, inboundTrust=MFA_TRUST)],
            "conditionalAccessPolicies": [evil],
        }
    )
    text = _plan(tree).stdout
    assert "\x1b" not in text and "\u202e" not in text
    [line] = [line for line in text.splitlines() if GUESTS["id"] in line]
    assert line.startswith("    + 'x\\n")
    markdown = _plan(tree, "--format", "markdown").stdout
    assert "<img" not in markdown and "\x1b" not in markdown


def test_apply_never_sends_a_conditional_access_request(fake: RunningFake, tmp_path: Path) -> None:
    tree = _tree_with_context(tmp_path / "tree", [*documented(), GUESTS])
    fake.set_state({"conditionalAccessPolicies": [*documented()[1:]]})  # stale, Fabrikam absent
    run = run_cli(["apply", str(tree), "--yes"])
    assert run.exit_code == 0, run.stderr
    assert writes(fake) == [("POST", PARTNERS_PATH)]
    assert not [path for _, path in _requests(fake) if "conditionalaccess" in path.lower()]
    assert fake.state()["conditionalAccessPolicies"] == documented()[1:]


def test_plan_access_section_shows_what_the_context_change_does(
    fake: RunningFake, tmp_path: Path
) -> None:
    """The live policies are the "before" of the access section: the tenant requires MFA of
    guests, the repository's context a compliant device; Fabrikam trusts MFA but not device
    claims, so its direct connect goes from allowed to blocked (issue 13 item 6)."""

    def guests(control: str) -> dict[str, Any]:
        return {"id": GUESTS["id"], **guests_policy(control)}

    settings = {"inboundTrust": MFA_TRUST, "b2bDirectConnectInbound": OFFICE365_OPEN}
    tree = tmp_path / "tree"
    write_tree(tree, [partner(FABRIKAM, "Fabrikam", settings)])
    (tree / "context").mkdir()
    (tree / CONTEXT).write_text(
        dump_yaml({"b2blint": 1, "conditionalAccessPolicies": [guests("compliantDevice")]}),
        encoding="utf-8",
    )
    fake.set_state(
        {
            "partners": [live_partner(FABRIKAM, **settings)],
            "conditionalAccessPolicies": [guests("mfa")],
        }
    )
    config = tmp_path / "b2blint.yaml"
    config.write_text("ignore: [CAX001]  # the very change this plan shows\n", encoding="utf-8")
    run = _plan(tree, "--config", str(config))
    assert run.exit_code == 0, run.stderr
    assert "No changes: the live tenant matches the YAML." in run.stdout
    assert (
        "  Fabrikam · inbound B2B direct connect · users: all; apps: only Office365; MFA trust: "
        "yes → users: all; apps: only Office365; MFA trust: yes; Conditional Access: blocked by "
        "'Guests'"
    ) in run.stdout.splitlines()
    assert f"    ~ 'Guests' ({GUESTS['id']}) at {tree / CONTEXT}:3 differs: " in run.stdout


def test_merge_counts_every_policy_when_all_are_gone(fake: RunningFake, tmp_path: Path) -> None:
    """Every policy of the file gone is one splice, but the user is told how many went."""
    fake.set_state({"conditionalAccessPolicies": documented()})
    out = tmp_path / "out"
    assert _export("--section", "conditionalAccess", out=out).exit_code == 0
    fake.set_state({"conditionalAccessPolicies": []})
    run = _export("--section", "conditionalAccess", "--merge", out=out)
    assert run.exit_code == 0, run.stderr
    count = len(documented())
    assert count > 1
    assert (
        f"b2blint: updated {out / CONTEXT}: {count} Conditional Access policies changed, added "
        "or removed\n" in run.stderr
    )
    assert _context(out)["conditionalAccessPolicies"] == []
