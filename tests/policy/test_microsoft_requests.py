"""Microsoft's own request examples import and lint without errors (issue 11, "Done when").

The bodies are in tests/fixtures/graph-docs/requests/ (sources in ../SOURCES.md): the Graph
"Create crossTenantAccessPolicyConfigurationPartner" request, the three "Update
crossTenantAccessPolicyConfigurationDefault" examples and the two "Update
crossTenantAccessPolicyConfigurationPartner" examples (v1.0). A tool that calls Microsoft's own
examples errors is wrong about Graph; where the docs disagree among themselves it may warn, and
the warnings are pinned here so that each one is a decision, not an accident.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from b2blint.access.simulate import AccessKind, Direction, Question, simulate
from b2blint.files.yamlio import dump_yaml
from b2blint.lint.tree import read_tree
from b2blint.policy.targets import Subject
from tests.conftest import FIXTURES, run_cli

REQUESTS = FIXTURES / "graph-docs" / "requests"
TENANT = "6babcaad-604b-40ac-a9d7-9fd97c0b779f"
POST_PARTNER = "v1.0-crosstenantaccesspolicy-post-partners.json"
#: The partner ID in the request line of both partner-update examples.
UPDATED_PARTNER = "90e29127-71ad-49c7-9ce8-db3f41ea06f1"


def _lint(out: Path) -> tuple[int, list[tuple[str, str, str]]]:
    result = run_cli(["lint", "--format", "json", str(out)])
    findings = json.loads(result.stdout)["findings"]
    return result.exit_code, [(f["rule"], f["severity"], f["path"]) for f in findings]


@pytest.mark.parametrize(
    ("default_example", "warnings"),
    [
        (
            # "Example 1: Block outbound B2B collaboration for a group of users": blocked group +
            # blocked AllApplications, which Graph documents and the admin center refuses ("If
            # you block access to all applications, you also need to block access for all
            # external users and groups"): XTA007 warns, never errs.
            "v1.0-crosstenantaccesspolicyconfigurationdefault-update-1.json",
            [("XTA007", "warning", "$.default.b2bCollaborationOutbound")],
        ),
        ("v1.0-crosstenantaccesspolicyconfigurationdefault-update-2.json", []),
        ("v1.0-crosstenantaccesspolicyconfigurationdefault-update-3.json", []),
    ],
)
def test_create_partner_and_update_default_examples_import_and_lint_without_errors(
    tmp_path: Path, default_example: str, warnings: list[tuple[str, str, str]]
) -> None:
    """The Create-partner request sends b2bDirectConnectOutbound with only usersAndGroups and
    b2bDirectConnectInbound with only applications; what Graph does with the missing halves
    is undocumented, so XTA007 warns on each half it had to fill, naming the assumption."""
    out = tmp_path / "out"
    run = run_cli(
        ["import", "--tenant-id", TENANT, "--out", str(out), POST_PARTNER, default_example],
        cwd=REQUESTS,
    )
    assert (run.exit_code, run.stderr) == (0, "")
    code, found = _lint(out)
    assert code == 0
    assert sorted(found) == sorted(
        [
            *warnings,
            ("XTA007", "warning", "$.partners[0].settings.b2bDirectConnectInbound.applications"),
            ("XTA007", "warning", "$.partners[0].settings.b2bDirectConnectOutbound.usersAndGroups"),
        ]
    )


def test_update_partner_examples_lint_clean(tmp_path: Path) -> None:
    """The two partner-update bodies ("Configure inbound trust settings", "Configure
    automaticUserConsent settings") as the settings of the partner in their request line."""
    settings: dict[str, Any] = {}
    for index in (1, 2):
        name = f"v1.0-crosstenantaccesspolicyconfigurationpartner-update-{index}.json"
        settings.update(json.loads((REQUESTS / name).read_text("utf-8")))
    tree = {
        "b2blint": 1,
        "tenant": {"id": TENANT, "name": "Contoso"},
        "partners": [{"tenantId": UPDATED_PARTNER, "settings": settings}],
    }
    (tmp_path / "policy.yaml").write_text(dump_yaml(tree), "utf-8")
    assert _lint(tmp_path) == (0, [])


def test_create_partner_example_simulates_as_depends_not_blocked(tmp_path: Path) -> None:
    """The same Create-partner request, through `b2blint import` and the simulator: inbound
    direct connect to Office365 is what the example sets up, so b2blint must not say blocked
    on an assumption about the half it leaves out; it says depends and names it."""
    out = tmp_path / "out"
    run = run_cli(["import", "--tenant-id", TENANT, "--out", str(out), POST_PARTNER], cwd=REQUESTS)
    assert run.exit_code == 0, run.stderr
    tree = read_tree([str(out)], lint=False)
    partner = "3d0f5dec-5d3d-455c-8016-e2af1ae4d31a"
    question = Question(
        partner, AccessKind.B2B_DIRECT_CONNECT, Direction.INBOUND, Subject(), "Office365", False
    )
    verdict = simulate(tree.policy, question)
    assert verdict.verdict == "depends"
    assert "which Microsoft does not document" in verdict.reason
