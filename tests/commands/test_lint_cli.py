"""`b2blint lint` as a user runs it: output lines, JSON contract, exit codes, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import POLICIES, run_cli
from tests.policies import FABRIKAM_MFA, FABRIKAM_PARTNERS, TENANT_HEAD, write_file

VALID = TENANT_HEAD + FABRIKAM_PARTNERS


BROKEN = """\
b2blint: 1
partners:
  - tenantId: 3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a1
    settings:
      b2BCollaborationInbound:
        usersAndGroups: {accessType: allowed}
      inboundTrust: {isMfaAccepted: yes}
      isInMultiTenantOrganization: true
      blockServiceProviderOutboundAccess: true
      b2bDirectConnectInbound:
        applications: {accessType: " blocked"}
  - name: nobody
"""


def test_clean_file_exits_0(tmp_path: Path) -> None:
    write_file(tmp_path, "p.yaml", VALID)
    result = run_cli(["lint", "p.yaml"], cwd=tmp_path)
    assert result.exit_code == 0, result.stdout
    assert result.stdout == "All checks passed (1 file).\n"


def test_every_problem_reported_with_position_and_exit_1(tmp_path: Path) -> None:
    write_file(tmp_path, "p.yaml", BROKEN)
    result = run_cli(["lint", "--select", "SCH001,SCH002,SCH003,SCH004", "p.yaml"], cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "p.yaml:3:15: SCH001 [error] '3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a1' is not a GUID "
        "(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
        "p.yaml:5:7: SCH002 [error] unknown property 'b2BCollaborationInbound': Graph property "
        "names are case-sensitive; write 'b2bCollaborationInbound'",
        "p.yaml:7:37: SCH001 [error] expected boolean or null, got a string 'yes' "
        "(YAML 1.2 reads yes as a string; write true or false)",
        "p.yaml:8:7: SCH003 [warning] 'isInMultiTenantOrganization' is read-only in Graph: a "
        "service ignores it in a write and never applies it (OData 4.01 §11.4.3), so the file "
        "shows a value nobody set; remove it",
        "p.yaml:9:7: SCH004 [warning] 'blockServiceProviderOutboundAccess' exists only in the "
        "Graph beta API; b2blint targets v1.0 "
        '(set api-version = "beta" in the config to manage it)',
        "p.yaml:11:36: SCH001 [error] ' blocked' is not one of: allowed, blocked, null "
        "(remove the surrounding spaces: 'blocked')",
        "p.yaml:12:5: SCH001 [error] missing required property 'tenantId'",
        "Found 5 errors and 2 warnings in 1 file.",
    ]


def test_beta_api_version_accepts_beta_properties(tmp_path: Path) -> None:
    write_file(
        tmp_path,
        "p.yaml",
        VALID.replace(
            "inboundTrust: {isMfaAccepted: true}", "blockServiceProviderOutboundAccess: true"
        ),
    )
    assert run_cli(["lint", "--select", "SCH004", "p.yaml"], cwd=tmp_path).exit_code == 0
    assert (
        "SCH004"
        in run_cli(["lint", "--select", "SCH004", "--strict", "p.yaml"], cwd=tmp_path).stdout
    )
    result = run_cli(
        ["lint", "--api-version", "beta", "--strict", "--select", "SCH004", "p.yaml"], cwd=tmp_path
    )
    assert result.exit_code == 0, result.stdout


def test_json_output_contract(tmp_path: Path) -> None:
    write_file(tmp_path, "p.yaml", BROKEN)
    result = run_cli(["lint", "--format", "json", "--select", "SCH002", "p.yaml"], cwd=tmp_path)
    payload = json.loads(result.stdout)
    assert payload == {
        "version": 1,
        "findings": [
            {
                "rule": "SCH002",
                "name": "unknown-property",
                "severity": "error",
                "file": "p.yaml",
                "line": 5,
                "column": 7,
                "message": "unknown property 'b2BCollaborationInbound': Graph property names are "
                "case-sensitive; write 'b2bCollaborationInbound'",
                "path": "$.partners[0].settings.b2BCollaborationInbound",
            }
        ],
        "summary": {"files": 1, "errors": 1, "warnings": 0},
    }
    assert result.exit_code == 1


def test_all_files_in_one_run(tmp_path: Path) -> None:
    write_file(tmp_path, "pol/a.yaml", "b2blint: 1\nb: 2\n")
    write_file(tmp_path, "pol/sub/b.yml", "b2blint: 1\npartners:\n  - name: x\n")
    write_file(tmp_path, "pol/c.yaml", "b2blint: 1\na: 1\na: 2\n")
    write_file(tmp_path, "pol/.hidden/d.yaml", "not: [valid\n")
    write_file(tmp_path, "pol/notes.txt", "ignored")
    result = run_cli(["lint", "pol"], cwd=tmp_path)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "pol/a.yaml:2:1: SCH002 [error] unknown property 'b'",
        "pol/c.yaml:3:1: SYN001 [error] duplicate key 'a' (first defined at line 2)",
        "pol/sub/b.yml:3:5: SCH001 [error] missing required property 'tenantId'",
    ]
    assert lines[-1] == "Found 3 errors and 0 warnings in 3 files."


def test_duplicate_partner_across_files(tmp_path: Path) -> None:
    write_file(tmp_path, "pol/a.yaml", VALID)
    # The same partner again, its tenant ID in capitals: still a duplicate.
    write_file(tmp_path, "pol/b.yaml", FABRIKAM_MFA.replace("3d0f5dd2-6c2d", "3D0F5DD2-6c2d"))
    result = run_cli(["lint", "--select", "SCH005", "pol"], cwd=tmp_path)
    assert result.stdout.splitlines()[0] == (
        "pol/b.yaml:3:15: SCH005 [error] partner 3D0F5DD2-6c2d-4f0e-9a43-8d7b6f1c2a11 is already "
        "declared at pol/a.yaml:4"
    )
    assert result.exit_code == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: [1, 2\n", "f.yaml:2:1: SYN001 [error]"),
        ("a: 1\n\tb: 2\n", "f.yaml:2:1: SYN001 [error]"),
        ("a: &x 1\nb: *x\n", "f.yaml:1:4: SYN002 [error] anchor '&x'"),
        ("a: !!binary aGk=\n", "f.yaml:1:4: SYN002 [error] explicit tag"),
        ("", "f.yaml:1:1: SCH001 [error] empty file"),
        ("[1, 2]\n", "f.yaml:1:1: SCH001 [error] expected object"),
    ],
)
def test_bad_input_is_one_line_with_position(tmp_path: Path, text: str, expected: str) -> None:
    write_file(tmp_path, "f.yaml", text)
    result = run_cli(["lint", "f.yaml"], cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].startswith(expected), result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_missing_path_is_usage_error(tmp_path: Path) -> None:
    result = run_cli(["lint", "nowhere"], cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr == "b2blint: error: nowhere: no such file or directory\n"


def test_directory_without_yaml_is_usage_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run_cli(["lint", "empty"], cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr == "b2blint: error: empty: no YAML files (*.yaml, *.yml) found\n"


@pytest.mark.parametrize("target", ["nowhere.yaml", "self.yaml"])
def test_broken_symlink_in_a_directory_is_usage_error(tmp_path: Path, target: str) -> None:
    write_file(tmp_path, "tree/p.yaml", VALID)
    (tmp_path / "tree" / "self.yaml").symlink_to(target)  # dangling, or a loop to itself
    result = run_cli(["lint", "tree"], cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr.startswith("b2blint: error: tree/self.yaml: cannot read: ")
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any directory")
def test_unreadable_directories_are_usage_errors_not_skipped(tmp_path: Path) -> None:
    write_file(tmp_path, "tree/p.yaml", VALID)
    write_file(tmp_path, "tree/sub/bad.yaml", "b2blint: 1\nnot-a-key: 1\n")
    write_file(tmp_path, "locked/x.yaml", VALID)
    (tmp_path / "tree" / "sub").chmod(0o311)  # can be entered, not listed
    (tmp_path / "locked").chmod(0o000)
    try:
        listed = run_cli(["lint", "tree"], cwd=tmp_path)
        searched = run_cli(["lint", "locked/x.yaml"], cwd=tmp_path)
    finally:
        (tmp_path / "tree" / "sub").chmod(0o755)
        (tmp_path / "locked").chmod(0o755)
    assert (listed.exit_code, listed.stderr) == (
        2,
        "b2blint: error: tree/sub: cannot read: Permission denied\n",
    )
    assert (searched.exit_code, searched.stderr) == (
        2,
        "b2blint: error: locked/x.yaml: cannot read: Permission denied\n",
    )


def test_fifo_is_refused_instead_of_blocking(tmp_path: Path) -> None:
    write_file(tmp_path, "tree/p.yaml", VALID)
    os.mkfifo(tmp_path / "tree" / "pipe.yaml")
    in_tree = run_cli(["lint", "tree"], cwd=tmp_path)
    named = run_cli(["lint", "tree/pipe.yaml"], cwd=tmp_path)
    assert (in_tree.exit_code, in_tree.stderr) == (
        2,
        "b2blint: error: tree/pipe.yaml: not a regular file\n",
    )
    assert (named.exit_code, named.stderr) == (
        2,
        "b2blint: error: tree/pipe.yaml: not a regular file or directory\n",
    )


def test_wrong_type_message_names_the_type_once(tmp_path: Path) -> None:
    write_file(tmp_path, "f.yaml", "b2blint: 1\ntenant:\npartners: {}\n")
    result = run_cli(["lint", "f.yaml"], cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:2] == [
        "f.yaml:2:8: SCH001 [error] expected object, got null",
        "f.yaml:3:11: SCH001 [error] expected array, got a mapping",
    ]


def test_control_characters_in_a_key_stay_on_one_escaped_line(tmp_path: Path) -> None:
    write_file(tmp_path, "f.yaml", 'b2blint: 1\n"a\\nb\\u001b[31m": 1\n')
    result = run_cli(["lint", "f.yaml"], cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "f.yaml:2:1: SCH002 [error] unknown property 'a\\nb\\x1b[31m'",
        "Found 1 error and 0 warnings in 1 file.",
    ]


def test_unknown_rule_in_select_is_usage_error(tmp_path: Path) -> None:
    write_file(tmp_path, "p.yaml", VALID)
    result = run_cli(["lint", "--select", "XYZ999", "p.yaml"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "unknown rule 'XYZ999'" in result.stderr


def test_bundled_policies_are_clean() -> None:
    result = run_cli(["lint", str(POLICIES)])
    assert result.exit_code == 0, result.stdout


def test_console_script_end_to_end(tmp_path: Path) -> None:
    """The installed entry point, in a real process: billion laughs fails fast, no traceback."""
    bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        bomb.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    write_file(tmp_path, "bomb.yaml", "\n".join(bomb) + "\n")
    done = subprocess.run(
        [sys.executable, "-m", "b2blint", "lint", "bomb.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout.startswith("bomb.yaml:1:4: SYN002 [error] anchor '&a' is not allowed")
    assert "Traceback" not in done.stderr


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=400))
def test_random_bytes_never_crash(tmp_path: Path, data: bytes) -> None:
    (tmp_path / "r.yaml").write_bytes(data)
    result = run_cli(["lint", "r.yaml"], cwd=tmp_path)
    assert result.exit_code in (0, 1), result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


_YAMLISH = st.lists(
    st.sampled_from(
        [
            *"ab:-[]{},&*!|>'\"# \n\t?%@`.0123456789~",
            "b2blint: 1\n",
            "partners:\n",
            "  - ",
            "tenantId: ",
            "settings: ",
            "\u00e9",
            "\x07",
        ]
    ),
    max_size=80,
).map("".join)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(_YAMLISH)
def test_random_yaml_like_text_never_crashes(tmp_path: Path, text: str) -> None:
    (tmp_path / "r.yaml").write_text(text, "utf-8")
    result = run_cli(["lint", "r.yaml"], cwd=tmp_path)
    assert result.exit_code in (0, 1), result.stderr
    assert "internal error" not in result.stderr
