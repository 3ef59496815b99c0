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
from tests.conftest import FIXTURES, run_cli
from tests.tenant.conftest import TENANT

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
