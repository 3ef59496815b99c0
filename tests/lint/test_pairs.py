"""The two-sided pass over plain policy trees: which tenants pair, what is reported and where,
and how the tenants' suppression comments and the config apply to PAIR findings."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from b2blint.diagnostics import Diagnostic, Severity
from b2blint.files.document import parse_text
from b2blint.lint.config import Config
from b2blint.lint.engine import lint_paths
from b2blint.lint.pairs import lint_pairs, lint_plain_trees
from b2blint.policy.model import Policy, build_policy
from b2blint.policy.pairs import find_pairs
from tests.policies import CONTOSO, FABRIKAM, NORTHWIND, write_file

BLOCK_ALL = (
    "        usersAndGroups: {accessType: blocked, targets: "
    "[{target: AllUsers, targetType: user}]}\n"
    "        applications: {accessType: blocked, targets: "
    "[{target: AllApplications, targetType: application}]}\n"
)
ALLOW_ALL = (
    "        usersAndGroups: {accessType: allowed, targets: "
    "[{target: AllUsers, targetType: user}]}\n"
    "        applications: {accessType: allowed, targets: "
    "[{target: AllApplications, targetType: application}]}\n"
)


def tenant(tenant_id: str, name: str, partner_id: str, partner: str, settings: str = "") -> str:
    """Lines 1-6 (7-9 with ``settings``): a tenant with one partner entry."""
    text = (
        f"b2blint: 1\ntenant: {{id: {tenant_id}, name: {name}}}\npartners:\n"
        f"  - tenantId: {partner_id}\n    name: {partner}\n"
    )
    return text + (f"    settings:\n{settings}" if settings else "    settings: {}\n")


def policy_of(text: str, name: str) -> Policy:
    return build_policy([parse_text(text, name)])


#: Contoso allows Fabrikam in (lines 7-9); Fabrikam blocks its users from going to Contoso.
CONTOSO_ALLOWS = tenant(
    CONTOSO, "Contoso", FABRIKAM, "Fabrikam", "      b2bCollaborationInbound:\n" + ALLOW_ALL
)
FABRIKAM_BLOCKS = tenant(
    FABRIKAM, "Fabrikam", CONTOSO, "Contoso", "      b2bCollaborationOutbound:\n" + BLOCK_ALL
)


def trees(tmp_path: Path, **texts: str) -> dict[str, list[str]]:
    for name, text in texts.items():
        write_file(tmp_path, f"{name}/tenant.yaml", text)
    return {name: [str(tmp_path / name)] for name in texts}


def shown(diagnostics: list[Diagnostic] | tuple[Diagnostic, ...], root: Path) -> list[str]:
    def rel(file: str) -> str:
        return Path(file).resolve().relative_to(root.resolve()).as_posix()

    return [
        f"{rel(d.file)}:{d.line}:{d.column}: {d.rule_id} "
        + "; ".join(
            f"{rel(r.location.file)}:{r.location.position.line}:{r.location.position.column}"
            for r in d.related
        )
        for d in diagnostics
    ]


def test_pairs_are_matched_by_tenant_id_in_any_letter_case() -> None:
    policies = {
        "contoso": policy_of(CONTOSO_ALLOWS, "c.yaml"),
        "fabrikam": policy_of(FABRIKAM_BLOCKS.replace(CONTOSO, CONTOSO.upper()), "f.yaml"),
        # Northwind names Contoso, but Contoso has no entry for Northwind: no pair.
        "northwind": policy_of(tenant(NORTHWIND, "Northwind", CONTOSO, "Contoso"), "n.yaml"),
    }
    found = [(p.first.name, p.second.name, p.first.partner.name) for p in find_pairs(policies)]
    assert found == [("contoso", "fabrikam", "Fabrikam")]


def test_a_partner_outside_the_fleet_is_in_no_pair() -> None:
    policies = {"contoso": policy_of(CONTOSO_ALLOWS, "c.yaml")}
    assert list(find_pairs(policies)) == []
    assert lint_pairs(policies, Config()) == []


def test_one_side_allows_the_other_blocks_reported_on_the_allowing_side(tmp_path: Path) -> None:
    result = lint_plain_trees(
        trees(tmp_path, contoso=CONTOSO_ALLOWS, fabrikam=FABRIKAM_BLOCKS), Config()
    )
    pair = [d for d in result.diagnostics if d.rule_id.startswith("PAIR")]
    assert shown(pair, tmp_path) == ["contoso/tenant.yaml:7:7: PAIR001 fabrikam/tenant.yaml:8:25"]
    message = pair[0].message
    assert "AADSTS500212 (NotAllowedByOutboundPolicyTenant)" in message
    assert "fabrikam/tenant.yaml:8)" in message
    assert pair[0].severity is Severity.ERROR


def test_resource_inbound_blocking_names_aadsts500213(tmp_path: Path) -> None:
    contoso = tenant(
        CONTOSO, "Contoso", FABRIKAM, "Fabrikam", "      b2bCollaborationOutbound:\n" + ALLOW_ALL
    )
    fabrikam = tenant(
        FABRIKAM, "Fabrikam", CONTOSO, "Contoso", "      b2bCollaborationInbound:\n" + BLOCK_ALL
    )
    result = lint_plain_trees(trees(tmp_path, contoso=contoso, fabrikam=fabrikam), Config())
    pair = [d for d in result.diagnostics if d.rule_id.startswith("PAIR")]
    assert shown(pair, tmp_path) == ["contoso/tenant.yaml:7:7: PAIR001 fabrikam/tenant.yaml:8:25"]
    assert "they see AADSTS500213 (NotAllowedByInboundPolicyTenant)" in pair[0].message


def test_a_tenant_lint_alone_runs_no_pair_rule(tmp_path: Path) -> None:
    paths = trees(tmp_path, contoso=CONTOSO_ALLOWS)
    result = lint_paths(paths["contoso"], Config())
    assert [d.rule_id for d in result.diagnostics if d.rule_id.startswith("PAIR")] == []


def test_suppression_in_the_tenant_file_applies_and_is_not_unused(tmp_path: Path) -> None:
    suppressed = CONTOSO_ALLOWS.replace(
        "      b2bCollaborationInbound:\n",
        "      b2bCollaborationInbound:  # b2blint: disable=PAIR001 -- Fabrikam opens in Q3\n",
    )
    paths = trees(tmp_path, contoso=suppressed, fabrikam=FABRIKAM_BLOCKS)
    result = lint_plain_trees(paths, Config())
    assert [d.rule_id for d in result.diagnostics if d.rule_id in ("PAIR001", "B2B001")] == []
    # The tenant's own pass never calls a PAIR suppression unused: PAIR rules did not run there.
    alone = lint_paths(paths["contoso"], Config())
    assert [d.rule_id for d in alone.diagnostics if d.rule_id == "B2B001"] == []


def test_unused_pair_suppression_is_reported_by_the_pair_pass(tmp_path: Path) -> None:
    fabrikam_allows = tenant(
        FABRIKAM, "Fabrikam", CONTOSO, "Contoso", "      b2bCollaborationOutbound:\n" + ALLOW_ALL
    )
    suppressed = CONTOSO_ALLOWS.replace(
        "      b2bCollaborationInbound:\n",
        "      b2bCollaborationInbound:  # b2blint: disable=PAIR001 -- stale\n",
    )
    result = lint_plain_trees(
        trees(tmp_path, contoso=suppressed, fabrikam=fabrikam_allows), Config()
    )
    unused = [d for d in result.diagnostics if d.rule_id == "B2B001"]
    assert shown(unused, tmp_path) == ["contoso/tenant.yaml:7:33: B2B001 "]
    assert (
        unused[0].message == "unused suppression: no PAIR001 finding on line 7; remove the comment"
    )
    assert [d.rule_id for d in result.diagnostics if d.rule_id == "B2B002"] == []


def test_config_turns_a_pair_rule_off_or_down(tmp_path: Path) -> None:
    paths = trees(tmp_path, contoso=CONTOSO_ALLOWS, fabrikam=FABRIKAM_BLOCKS)
    off = lint_plain_trees(paths, Config(ignore=frozenset({"PAIR001"})))
    assert [d for d in off.diagnostics if d.rule_id == "PAIR001"] == []
    warn = Config(severities={"PAIR001": Severity.WARNING})
    found = [d for d in lint_plain_trees(paths, warn).diagnostics if d.rule_id == "PAIR001"]
    assert [d.severity for d in found] == [Severity.WARNING]
    others = [
        d.rule_id for d in lint_plain_trees(paths, warn).diagnostics if d.rule_id != "PAIR001"
    ]
    assert (lint_plain_trees(paths, warn).exit_code(), others) == (0, ["XTA011"])
    selected = dataclasses.replace(Config(), select=frozenset({"PAIR001"}))
    assert {d.rule_id for d in lint_plain_trees(paths, selected).diagnostics} == {"PAIR001"}


def test_inherited_allow_is_no_sign_of_intent(tmp_path: Path) -> None:
    # Contoso's entry for Fabrikam sets nothing about collaboration: the service default
    # allows it, and Fabrikam's deliberate block is not a mismatch.
    contoso = tenant(CONTOSO, "Contoso", FABRIKAM, "Fabrikam")
    result = lint_plain_trees(trees(tmp_path, contoso=contoso, fabrikam=FABRIKAM_BLOCKS), Config())
    assert [d for d in result.diagnostics if d.rule_id.startswith("PAIR")] == []


def apps_allowed(*apps: str) -> str:
    items = ", ".join(f"{{target: {app}, targetType: application}}" for app in apps)
    return (
        "        usersAndGroups: {accessType: allowed, targets: "
        "[{target: AllUsers, targetType: user}]}\n"
        f"        applications: {{accessType: allowed, targets: [{items}]}}\n"
    )


APP_A = "a1b2c3d4-0000-4000-8000-00000000000a"
APP_B = "e5f6a7b8-0000-4000-8000-00000000000b"


def test_allow_lists_with_no_common_application(tmp_path: Path) -> None:
    contoso = tenant(
        CONTOSO,
        "Contoso",
        FABRIKAM,
        "Fabrikam",
        "      b2bCollaborationInbound:\n" + apps_allowed(APP_A),
    )

    def fabrikam(*apps: str) -> str:
        setting = "      b2bCollaborationOutbound:\n" + apps_allowed(*apps)
        return tenant(FABRIKAM, "Fabrikam", CONTOSO, "Contoso", setting)

    def pair_findings(*apps: str) -> list[Diagnostic]:
        paths = trees(tmp_path, contoso=contoso, fabrikam=fabrikam(*apps))
        return [d for d in lint_plain_trees(paths, Config()).diagnostics if d.rule_id == "PAIR001"]

    found = pair_findings(APP_B)
    assert shown(found, tmp_path) == ["contoso/tenant.yaml:9:9: PAIR001 fabrikam/tenant.yaml:9:23"]
    assert "no application is allowed by both" in found[0].message
    assert pair_findings(APP_B, "Office365") == []  # Office365 may cover app A: not compared
    assert pair_findings(APP_B, APP_A.upper()) == []  # app A on both sides (IDs in any case)
