"""EXT004: the exact definition length at the 25,000-character boundary, and the option."""

from __future__ import annotations

import json
from pathlib import Path

from b2blint.lint.config import Config
from b2blint.lint.engine import lint_paths
from b2blint.rules.domain_policy_size import definition_length
from tests.conftest import run_cli

EMPTY = (
    '{"B2BManagementPolicy":{"InvitationsAllowedAndBlockedDomainsPolicy":{"BlockedDomains":[]}}}'
)


def _domains(total: int) -> list[str]:
    """Block-list domains whose definition string is exactly ``total`` characters."""
    domains: list[str] = []
    length = len(EMPTY)
    while length < total:
        name = f"d{len(domains):05d}.example.com"  # 17 characters: + 2 quotes + 1 comma
        cost = len(name) + 2 + (1 if domains else 0)
        if length + cost > total:
            break
        domains.append(name)
        length += cost
    if length < total:  # pad the last domain's first label to land exactly on total
        domains[-1] = "x" * (total - length) + domains[-1]
    return domains


def _write(tmp_path: Path, domains: list[str]) -> None:
    text = "b2blint: 1\ninvitationDomains:\n  blockedDomains: " + json.dumps(domains) + "\n"
    (tmp_path / "p.yaml").write_text(text, "utf-8")


def test_definition_is_compact_json_as_graph_stores_it() -> None:
    assert definition_length({"blockedDomains": ["live.com"]}) == len(
        '{"B2BManagementPolicy":{"InvitationsAllowedAndBlockedDomainsPolicy":'
        '{"BlockedDomains":["live.com"]}}}'
    )


def test_exactly_25000_characters_passes(tmp_path: Path) -> None:
    domains = _domains(25_000)
    assert definition_length({"blockedDomains": domains}) == 25_000
    _write(tmp_path, domains)
    result = run_cli(["lint", "--select", "EXT004", "p.yaml"], cwd=tmp_path)
    assert result.exit_code == 0, result.stdout


def test_one_character_over_fails(tmp_path: Path) -> None:
    domains = _domains(25_001)
    assert definition_length({"blockedDomains": domains}) == 25_001
    _write(tmp_path, domains)
    result = run_cli(["lint", "--select", "EXT004", "p.yaml"], cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        "p.yaml:2:1: EXT004 [error] the domain policy definition is 25,001 characters, over the "
        "limit of 25,000 for the whole b2bManagementPolicy; shorten the domain list."
    )


def test_limit_option_lowers_the_threshold(tmp_path: Path) -> None:
    _write(tmp_path, ["gmail.com", "outlook.com"])
    config = Config(select=frozenset({"EXT004"}), options={"EXT004": {"limit": 100}})
    result = lint_paths([str(tmp_path / "p.yaml")], config)
    assert [(d.rule_id, d.line, d.column) for d in result.diagnostics] == [("EXT004", 2, 1)]
    assert "is 116 characters, over the limit of 100" in result.diagnostics[0].message
