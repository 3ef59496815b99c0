"""Hostile Conditional Access JSON (issue 13 item 2): what `import` reads from saved responses
can neither choose a path, add a key to a policy file, crash the command nor reach the terminal
raw. The context file's path is fixed; a policy's ``id`` must be a GUID
(https://learn.microsoft.com/graph/api/conditionalaccessroot-list-policies: ids are GUIDs);
names are values only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from b2blint.files.document import read_document
from tests.conftest import run_cli

TENANT = "6babcaad-604b-40ac-a9d7-9fd97c0b779f"
POLICY_ID = "ad8d2b4a-8d30-413f-88b8-144c6c8d98d9"
CONTEXT = "https://graph.microsoft.com/v1.0/$metadata#identity/conditionalAccess/policies"


def _policy(**fields: Any) -> dict[str, Any]:
    return {
        "id": POLICY_ID,
        "displayName": "Guests MFA",
        "state": "enabled",
        "conditions": {
            "clientAppTypes": ["all"],
            "applications": {"includeApplications": ["All"]},
            "users": {"includeUsers": ["GuestsOrExternalUsers"]},
        },
        "grantControls": {"operator": "OR", "builtInControls": ["mfa"]},
        **fields,
    }


def _import(tmp_path: Path, *policies: dict[str, Any]) -> Any:
    (tmp_path / "ca.json").write_text(
        json.dumps({"@odata.context": CONTEXT, "value": list(policies)}), encoding="utf-8"
    )
    return run_cli(["import", "--tenant-id", TENANT, "--out", "out", "ca.json"], cwd=tmp_path)


def _everything(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


@pytest.mark.parametrize(
    "ident",
    [
        "../../etc/passwd",
        "/tmp/x",
        "context/../../x",
        "",
        ".",
        "ad8d2b4a-8d30-413f-88b8-144c6c8d98d9\nb2blint: 2",
        "ad8d2b4a-8d30-413f-88b8-144c6c8d98d9\x00",
        "\x1b[2J\x1b]0;owned\x07",
        "x" * 5000,
        12,
        None,
        ["ad8d2b4a-8d30-413f-88b8-144c6c8d98d9"],
    ],
)
def test_a_policy_id_that_is_not_a_guid_is_one_escaped_line_and_nothing_is_written(
    tmp_path: Path, ident: Any
) -> None:
    run = _import(tmp_path, _policy(id=ident))
    assert (run.exit_code, run.stdout) == (2, "")
    assert run.stderr.startswith("b2blint: error: ca.json:1:")
    assert "conditionalAccessPolicy id " in run.stderr
    assert run.stderr.count("\n") == 1
    assert "\x1b" not in run.stderr and "\x00" not in run.stderr
    assert len(run.stderr) < 400
    assert _everything(tmp_path) == ["ca.json"]


@pytest.mark.parametrize(
    "hostile",
    [
        "x\nb2blint: 2\npartners: []",
        "x\rdefault: {inboundTrust: {isMfaAccepted: true}}",
        "---\ndefault: 1",
        "# b2blint: disable-file",
        "\ufeffBOM \u202eRTL override\u202c \u2028 line separator",
        "\x1b]8;;https://evil.example\x07link\x1b]8;;\x07",
        "&anchor *alias !tag %directive @at `tick`",
        "yes",
        "",
    ],
)
def test_hostile_names_and_values_read_back_exactly_and_lint_clean(
    tmp_path: Path, hostile: str
) -> None:
    policy = _policy(displayName=hostile, description=hostile)
    policy["conditions"]["users"]["excludeUsers"] = [hostile]
    run = _import(tmp_path, policy)
    assert (run.exit_code, run.stderr) == (0, "")
    assert "\x1b" not in run.stdout
    assert _everything(tmp_path / "out") == [
        "context",
        "context/conditional-access.yaml",
        "tenant.yaml",
    ]
    data = read_document(tmp_path / "out/context/conditional-access.yaml").data
    assert data == {"b2blint": 1, "conditionalAccessPolicies": [policy]}
    lint = run_cli(["lint", "--format", "json", "out"], cwd=tmp_path)
    findings = json.loads(lint.stdout)["findings"]
    assert [f["rule"] for f in findings if f["rule"].startswith(("SYN", "SCH"))] == []


def test_nesting_past_the_bound_is_refused(tmp_path: Path) -> None:
    deep: Any = "x"
    for _ in range(40):
        deep = {"a": deep}
    run = _import(tmp_path, _policy(sessionControls=deep))
    assert run.exit_code == 2
    assert "nested more than 32 levels deep" in run.stderr
    assert run.stderr.count("\n") == 1
    assert _everything(tmp_path) == ["ca.json"]
