"""``lint --format sarif|github|auto``, ``--output``, colour, ``-q``/``-v`` and ``--tree``."""

from __future__ import annotations

import inspect
import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from b2blint import __version__
from b2blint.report.github import escape_data, escape_property
from b2blint.rules import ALL_RULES
from tests.conftest import FIXTURES, ROOT, run_cli
from tests.policies import (
    CASE_TYPO,
    CASE_TYPO_MESSAGE,
    FABRIKAM_MFA,
    TENANT_HEAD,
    write_files,
)

SARIF_SCHEMA = FIXTURES / "sarif-schema-2.1.0.json"
#: The team's copy; CI clones the repository with ../shared/ beside it.
SHARED_SARIF_SCHEMA = ROOT.parent / "shared" / "data" / "sarif-schema-2.1.0.json"

ANSI = re.compile(r"\x1b\[[0-9;]*m")

DUPLICATE_MESSAGE = (
    "partner 3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11 is already declared at pol/b-copy.yaml:3"
)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """pol/: a tenant, a partner declared twice (b-copy.yaml, then c.yaml) and an unknown key."""
    return write_files(
        tmp_path,
        {
            "pol/a.yaml": TENANT_HEAD,
            "pol/b-copy.yaml": FABRIKAM_MFA,
            "pol/c.yaml": FABRIKAM_MFA,
            "pol/d.yaml": CASE_TYPO,
        },
    )


def _sarif(tree: Path, *args: str) -> dict[str, Any]:
    result = run_cli(["lint", "--format", "sarif", *args, "pol"], cwd=tree)
    assert result.exit_code == 1, result.stderr
    log: dict[str, Any] = json.loads(result.stdout)
    return log


# ---------------------------------------------------------------------------------- SARIF


def test_schema_fixture_is_the_teams_copy() -> None:
    if not SHARED_SARIF_SCHEMA.exists():
        pytest.skip("../shared/ is not beside this checkout")
    assert SARIF_SCHEMA.read_bytes() == SHARED_SARIF_SCHEMA.read_bytes()


def test_sarif_is_valid_against_the_official_schema(tree: Path) -> None:
    schema = json.loads(SARIF_SCHEMA.read_text("utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    assert validator_class is jsonschema.Draft4Validator  # the schema declares draft-04
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    log = _sarif(tree)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]
    assert errors == []
    assert log["version"] == "2.1.0"
    assert len(log["runs"][0]["results"]) == 2


def test_sarif_driver_documents_every_rule(tree: Path) -> None:
    driver = _sarif(tree)["runs"][0]["tool"]["driver"]
    assert driver["name"] == "b2blint"
    assert driver["version"] == __version__
    assert driver["informationUri"] == "https://github.com/b2blint/b2blint"
    assert [r["id"] for r in driver["rules"]] == [rule.id for rule in ALL_RULES]
    for descriptor, rule in zip(driver["rules"], ALL_RULES, strict=True):
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"] == {"text": rule.summary}
        assert descriptor["helpUri"] == (
            f"https://github.com/b2blint/b2blint/blob/main/docs/rules/{rule.id}.md"
        )
        assert descriptor["defaultConfiguration"] == {"level": rule.severity.value}
        assert descriptor["help"]["markdown"].startswith(inspect.cleandoc(rule.doc))
        assert "## What it does" not in descriptor["help"]["text"]
        assert descriptor["fullDescription"]["text"]
        assert "## " not in descriptor["fullDescription"]["markdown"]


def test_sarif_results_point_at_the_file_line_and_related_location(tree: Path) -> None:
    run = _sarif(tree)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tree.resolve().as_uri() + "/"
    duplicate, unknown = run["results"]
    assert rules[duplicate["ruleIndex"]]["id"] == duplicate["ruleId"] == "SCH005"
    assert duplicate["level"] == "error"
    assert duplicate["message"] == {"text": DUPLICATE_MESSAGE}
    assert duplicate["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "pol/c.yaml", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 3, "startColumn": 15},
            },
            "logicalLocations": [{"fullyQualifiedName": "$.partners[0].tenantId"}],
        }
    ]
    [related] = duplicate["relatedLocations"]
    assert related["physicalLocation"] == {
        "artifactLocation": {"uri": "pol/b-copy.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 3, "startColumn": 15},
    }
    assert related["message"] == {"text": "first declaration"}
    assert rules[unknown["ruleIndex"]]["id"] == unknown["ruleId"] == "SCH002"
    assert unknown["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 6,
        "startColumn": 7,
    }


def _fingerprints(tree: Path) -> dict[str, tuple[int, str]]:
    return {
        result["partialFingerprints"]["b2blint/v1"]: (
            result["locations"][0]["physicalLocation"]["region"]["startLine"],
            result["ruleId"],
        )
        for result in _sarif(tree)["runs"][0]["results"]
    }


def test_sarif_fingerprints_survive_lines_moving(tree: Path) -> None:
    before = _fingerprints(tree)
    assert _fingerprints(tree) == before  # deterministic
    for name in ("pol/c.yaml", "pol/d.yaml", "pol/b-copy.yaml"):
        path = tree / name
        path.write_text("# reviewed by the security team\n\n" + path.read_text("utf-8"), "utf-8")
    after = _fingerprints(tree)
    assert set(after) == set(before)
    assert {key: (line - 2, rule) for key, (line, rule) in after.items()} == before


def test_sarif_fingerprints_differ_per_finding(tmp_path: Path) -> None:
    two = CASE_TYPO.replace("settings:\n", "settings:\n      inboundTrusts: {}\n")
    write_files(tmp_path, {"pol/d.yaml": two})
    results = _sarif(tmp_path)["runs"][0]["results"]
    assert len(results) == 2
    assert len({r["partialFingerprints"]["b2blint/v1"] for r in results}) == 2


def test_sarif_uris_are_percent_encoded_relative_references(tmp_path: Path) -> None:
    write_files(tmp_path, {"pol/my partners/dé.yaml": CASE_TYPO})
    [result] = _sarif(tmp_path)["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "pol/my%20partners/d%C3%A9.yaml", "uriBaseId": "%SRCROOT%"}


# --------------------------------------------------------------------------------- GitHub


def test_github_annotations(tree: Path) -> None:
    result = run_cli(["lint", "--format", "github", "pol"], cwd=tree)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "::error file=pol/c.yaml,line=3,col=15,title=SCH005 duplicate-partner::"
        + DUPLICATE_MESSAGE
        + "%0Apol/b-copy.yaml:3:15: first declaration",
        "::error file=pol/d.yaml,line=6,col=7,title=SCH002 unknown-property::" + CASE_TYPO_MESSAGE,
        "Found 2 errors and 0 warnings in 4 files.",
    ]


def test_github_warning_and_escaped_file_name(tmp_path: Path) -> None:
    beta = CASE_TYPO.replace("b2BCollaborationInbound:", "blockServiceProviderOutboundAccess: true")
    write_files(tmp_path, {"pol/50%, a:b.yaml": beta.split("        usersAndGroups")[0]})
    result = run_cli(["lint", "--format", "github", "--select", "SCH004", "pol"], cwd=tmp_path)
    assert result.exit_code == 0
    [annotation, _] = result.stdout.splitlines()
    assert annotation.startswith(
        "::warning file=pol/50%25%2C a%3Ab.yaml,line=6,col=7,title=SCH004 beta-only-property::"
    )


@pytest.mark.parametrize(
    ("value", "data", "prop"),
    [
        ("100%", "100%25", "100%25"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("x: y, z", "x: y, z", "x%3A y%2C z"),
        ("%0A", "%250A", "%250A"),
    ],
)
def test_workflow_command_escaping(value: str, data: str, prop: str) -> None:
    assert escape_data(value) == data
    assert escape_property(value) == prop


@pytest.mark.parametrize(("env", "github"), [("true", True), ("false", False), (None, False)])
def test_auto_format_follows_github_actions(
    tree: Path, monkeypatch: pytest.MonkeyPatch, env: str | None, github: bool
) -> None:
    if env is None:
        monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    else:
        monkeypatch.setenv("GITHUB_ACTIONS", env)
    result = run_cli(["lint", "--format", "auto", "pol"], cwd=tree)
    assert result.exit_code == 1
    first = result.stdout.splitlines()[0]
    if github:
        assert first.startswith("::error file=pol/c.yaml,line=3,col=15,")
    else:
        assert first == f"pol/c.yaml:3:15: SCH005 [error] {DUPLICATE_MESSAGE}"


# --------------------------------------------------------------------------------- --output


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_output_file_holds_exactly_what_stdout_would(tree: Path, fmt: str) -> None:
    shown = run_cli(["lint", "--format", fmt, "pol"], cwd=tree)
    written = run_cli(["lint", "--format", fmt, "--output", "out/report", "pol"], cwd=tree)
    assert written.exit_code == shown.exit_code == 1
    assert written.stdout == ""
    assert (tree / "out/report").read_text("utf-8") == shown.stdout
    assert written.stderr == (
        f"b2blint: wrote the {fmt} report to out/report: "
        "Found 2 errors and 0 warnings in 4 files.\n"
    )
    assert [p.name for p in (tree / "out").iterdir()] == ["report"]  # no temporary left


def test_output_replaces_an_existing_report_and_quiet_silences_the_note(tree: Path) -> None:
    (tree / "report.json").write_text("stale", "utf-8")
    result = run_cli(["lint", "-q", "--format", "json", "-o", "report.json", "pol"], cwd=tree)
    assert result.exit_code == 1
    assert (result.stdout, result.stderr) == ("", "")
    assert json.loads((tree / "report.json").read_text("utf-8"))["summary"]["errors"] == 2


def test_output_to_a_directory_is_a_usage_error(tree: Path) -> None:
    result = run_cli(["lint", "--output", "pol", "pol"], cwd=tree)
    assert result.exit_code == 2
    assert "is a directory" in result.stderr


# ------------------------------------------------------------------------- -q / -v / colour


def test_quiet_drops_the_summary_and_a_clean_run_prints_nothing(tmp_path: Path) -> None:
    write_files(tmp_path, {"pol/a.yaml": TENANT_HEAD, "pol/b.yaml": FABRIKAM_MFA})
    short = run_cli(["lint", "-q", "pol"], cwd=tmp_path)
    assert short == run_cli(["lint", "--quiet", "pol"], cwd=tmp_path)
    result = run_cli(["lint", "-q", "pol"], cwd=tmp_path)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    write_files(tmp_path, {"pol/d.yaml": CASE_TYPO})
    result = run_cli(["lint", "--quiet", "pol"], cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stdout == f"pol/d.yaml:6:7: SCH002 [error] {CASE_TYPO_MESSAGE}\n"


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_machine_formats_ignore_quiet_and_verbose(tree: Path, fmt: str) -> None:
    plain = run_cli(["lint", "--format", fmt, "pol"], cwd=tree)
    for flag in ("-q", "-v", "-vv"):
        assert run_cli(["lint", flag, "--format", fmt, "pol"], cwd=tree).stdout == plain.stdout


def test_verbose_explains_on_stderr_only(tree: Path) -> None:
    plain = run_cli(["lint", "pol"], cwd=tree)
    verbose = run_cli(["lint", "-vv", "pol"], cwd=tree)
    assert verbose.stdout == plain.stdout
    assert plain.stderr == ""
    assert verbose.stderr.splitlines() == [
        f"b2blint: linted 4 files with {len(ALL_RULES)} rules; format text",
        "b2blint:   pol/a.yaml",
        "b2blint:   pol/b-copy.yaml",
        "b2blint:   pol/c.yaml",
        "b2blint:   pol/d.yaml",
    ]


def test_quiet_and_verbose_together_is_a_usage_error(tree: Path) -> None:
    result = run_cli(["lint", "-q", "-v", "pol"], cwd=tree)
    assert result.exit_code == 2
    assert "--quiet and --verbose cannot be used together" in result.stderr


def _on_a_terminal(args: list[str], cwd: Path, **env: str) -> tuple[int, str]:
    """Run the console entry point with stdout on a real pseudo-terminal."""
    controller, terminal = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "TERM"}}
    environment.update(env)
    with subprocess.Popen(
        [sys.executable, "-m", "b2blint", *args],
        cwd=cwd,
        stdout=terminal,
        stderr=subprocess.PIPE,
        env=environment,
    ) as process:
        os.close(terminal)
        chunks = []
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: the terminal's other end closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        code = process.wait(timeout=60)
    os.close(controller)
    return code, b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def test_colour_on_a_terminal_only_and_never_with_no_color(tree: Path) -> None:
    plain = run_cli(["lint", "pol"], cwd=tree).stdout
    assert not ANSI.search(plain)  # stdout is not a terminal here
    code, styled = _on_a_terminal(["lint", "pol"], tree)
    assert code == 1
    assert ANSI.search(styled)
    assert ANSI.sub("", styled) == plain  # same characters, only styled
    assert _on_a_terminal(["lint", "pol"], tree, NO_COLOR="1") == (1, plain)
    assert _on_a_terminal(["lint", "--no-color", "pol"], tree) == (1, plain)
    assert _on_a_terminal(["lint", "pol"], tree, TERM="dumb") == (1, plain)
    assert (
        _on_a_terminal(["lint", "--format", "github", "pol"], tree)[1]
        == run_cli(["lint", "--format", "github", "pol"], cwd=tree).stdout
    )


# ---------------------------------------------------------------------------------- --tree


def test_tree_reports_only_findings_involving_the_given_files(tree: Path) -> None:
    # c.yaml duplicates b-copy.yaml (reported at c.yaml, related to b-copy.yaml); d.yaml has
    # an unknown property; a.yaml is clean.
    def lint(*files: str) -> tuple[int, list[str]]:
        result = run_cli(["lint", "--tree", "pol", *files], cwd=tree)
        return result.exit_code, result.stdout.splitlines()

    assert lint("pol/a.yaml") == (0, ["All checks passed (4 files)."])
    duplicate = f"pol/c.yaml:3:15: SCH005 [error] {DUPLICATE_MESSAGE}"
    assert lint("pol/b-copy.yaml")[1][:-1] == [duplicate]  # through the related location
    assert lint("pol/c.yaml")[1][:-1] == [duplicate]
    assert lint("pol/d.yaml") == (
        1,
        [
            f"pol/d.yaml:6:7: SCH002 [error] {CASE_TYPO_MESSAGE}",
            "Found 1 error and 0 warnings in 4 files.",
        ],
    )
    assert len(lint()[1]) == 3  # no files: the whole tree


def test_tree_that_does_not_exist_is_a_usage_error(tree: Path) -> None:
    result = run_cli(["lint", "--tree", "policies", "pol/a.yaml"], cwd=tree)
    assert result.exit_code == 2
    assert result.stderr == "b2blint: error: policies: no such file or directory\n"
