"""SARIF that GitHub code scanning maps: URIs from the git repository's root, tags and
security-severity per rule.

Every test runs the real CLI in a real git repository (``git init`` in tmp_path) and validates
the log against the official SARIF 2.1.0 schema.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from b2blint.report.sarif import RULE_PROPERTIES
from b2blint.rules import ALL_RULES
from tests.conftest import FIXTURES, run_cli
from tests.integration._checkout import clean_env

TENANT = "b2blint: 1\ntenant: {id: 6babcaad-604b-40ac-a9d7-9fd97c0b779f, name: Contoso}\n"
UNKNOWN = """\
b2blint: 1
partners:
  - tenantId: 9c7b2a4e-1f3d-4b5a-8e6f-0a1b2c3d4e5f
    name: Northwind
    settings:
      b2BCollaborationInbound:
        usersAndGroups: {accessType: allowed}
"""
GUEST_MEMBER = """\
b2blint: 1
authorizationPolicy:
  guestUserRoleId: a0b1b346-4d3e-4e8b-98f8-753987be4970
"""


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd, env=clean_env(), check=True, capture_output=True, timeout=60,
    )  # fmt: skip


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository: policies/tenant.yaml and policies/partners/x.yaml (one SCH002)."""
    root = tmp_path / "repo"
    (root / "policies" / "partners").mkdir(parents=True)
    (root / "policies" / "tenant.yaml").write_text(TENANT, "utf-8")
    (root / "policies" / "partners" / "x.yaml").write_text(UNKNOWN, "utf-8")
    _git("init", "-q", cwd=root)
    return root


def _sarif(cwd: Path, *paths: str) -> dict[str, Any]:
    result = run_cli(["lint", "--format", "sarif", *paths], cwd=cwd)
    assert result.exit_code == 1, result.stderr
    log: dict[str, Any] = json.loads(result.stdout)
    schema = json.loads((FIXTURES / "sarif-schema-2.1.0.json").read_text("utf-8"))
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    assert [e.message for e in validator.iter_errors(log)] == []
    return log


def _only_location(log: dict[str, Any]) -> dict[str, Any]:
    [result] = log["runs"][0]["results"]
    assert result["ruleId"] == "SCH002"
    location: dict[str, Any] = result["locations"][0]["physicalLocation"]["artifactLocation"]
    return location


def test_uri_is_relative_to_the_repository_root_when_run_from_a_subdirectory(repo: Path) -> None:
    log = _sarif(repo / "policies", ".")
    assert _only_location(log) == {"uri": "policies/partners/x.yaml", "uriBaseId": "%SRCROOT%"}
    assert log["runs"][0]["originalUriBaseIds"] == {"%SRCROOT%": {"uri": repo.as_uri() + "/"}}


def test_same_uri_and_fingerprint_from_any_directory_and_any_spelling(repo: Path) -> None:
    runs = [
        _sarif(repo, "policies"),
        _sarif(repo / "policies", "."),
        _sarif(repo / "policies" / "partners", "..", "../partners/x.yaml"),
        _sarif(repo / "policies", str(repo / "policies")),  # absolute, inside the repository
    ]
    results = [log["runs"][0]["results"][0] for log in runs]
    assert {json.dumps(r["locations"]) for r in results} == {json.dumps(results[0]["locations"])}
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "policies/partners/x.yaml"
    )
    assert len({r["partialFingerprints"]["b2blint/v1"] for r in results}) == 1


def test_a_git_worktree_is_its_own_root(repo: Path, tmp_path: Path) -> None:
    """A worktree (and a submodule) has a ``.git`` file, not a directory."""
    _git("add", "-A", cwd=repo)
    _git("commit", "-q", "-m", "policies", cwd=repo)
    worktree = tmp_path / "wt"
    _git("worktree", "add", "-q", str(worktree), cwd=repo)
    assert (worktree / ".git").is_file()
    log = _sarif(worktree / "policies" / "partners", "..")
    assert _only_location(log) == {"uri": "policies/partners/x.yaml", "uriBaseId": "%SRCROOT%"}
    assert log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == worktree.as_uri() + "/"


def test_a_file_outside_the_repository_gets_an_absolute_uri(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "tenant.yaml").write_text(TENANT, "utf-8")
    (outside / "x.yaml").write_text(UNKNOWN, "utf-8")
    log = _sarif(repo / "policies", str(outside))
    assert _only_location(log) == {"uri": (outside / "x.yaml").as_uri()}


def test_outside_any_repository_uris_are_relative_to_the_working_directory(
    tmp_path: Path,
) -> None:
    (tmp_path / "pol").mkdir()
    (tmp_path / "pol" / "tenant.yaml").write_text(TENANT, "utf-8")
    (tmp_path / "pol" / "x.yaml").write_text(UNKNOWN, "utf-8")
    if any((d / ".git").exists() for d in (tmp_path, *tmp_path.parents)):
        pytest.skip("the temporary directory is inside a git repository")
    log = _sarif(tmp_path, "pol")
    assert _only_location(log) == {"uri": "pol/x.yaml", "uriBaseId": "%SRCROOT%"}
    assert log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.as_uri() + "/"


# ------------------------------------------------------------------ tags and security-severity


def test_every_rule_has_tags_and_security_rules_a_severity_github_accepts() -> None:
    assert sorted(RULE_PROPERTIES) == sorted(rule.id for rule in ALL_RULES)
    for rule_id, (tags, score) in RULE_PROPERTIES.items():
        assert tags, rule_id
        # GitHub reads security-severity only for rules tagged security; 0.1-10.0 (docs link in
        # RULE_PROPERTIES).
        assert (score is not None) == ("security" in tags), rule_id
        assert score is None or 0.1 <= score <= 10.0, rule_id


def test_descriptors_carry_tags_and_security_severity(repo: Path) -> None:
    (repo / "policies" / "partners" / "x.yaml").unlink()
    (repo / "policies" / "ext.yaml").write_text(GUEST_MEMBER, "utf-8")
    run = _sarif(repo, "policies")["runs"][0]
    [result] = run["results"]
    assert result["ruleId"] == "EXT006"
    assert result["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "policies/ext.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 3, "startColumn": 20},
    }
    rules = run["tool"]["driver"]["rules"]
    assert rules[result["ruleIndex"]]["properties"] == {
        "problem.severity": "error",
        "tags": ["b2blint", "security", "external-collaboration"],
        "security-severity": "7.5",
    }
    by_id = {r["id"]: r["properties"] for r in rules}
    assert by_id["SYN001"] == {
        "problem.severity": "error",
        "tags": ["b2blint", "correctness", "yaml"],
    }
    assert by_id["XTA011"]["tags"] == ["b2blint", "maintainability", "cross-tenant-access"]
    assert "security-severity" not in by_id["XTA011"]
