"""Attacks F4, F5, F6, F31: file names, keys and rule names must not drive the terminal.

Each test makes the hostile input for real (a file whose name holds ESC, BEL, LF or bytes that
are not UTF-8; a ``--select`` value with an escape sequence and a forged error line) and runs
the real CLI; it asserts the exact line a user sees, and that no raw control character and no
second ``b2blint: error:`` line reaches the output.
"""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pytest

from b2blint.commands._progress import Progress
from b2blint.printable import json_document, printable
from tests.conftest import POLICIES, run_cli

BROKEN = "b2blint: 1\npartners: [\n"
MESSAGE = "did not find expected node content (while parsing a flow node)"
EVIL = "ev\x1b]0;pwned\x07il\nx.yaml"  # sets the window title, rings, starts a new line
SHOWN = "ev\\x1b]0;pwned\\x07il\\nx.yaml"
CONTROLS = {chr(c) for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))} - {"\n"}


def _raw_controls(text: str) -> set[str]:
    return {c for c in text if c in CONTROLS}


@pytest.fixture
def evil_tree(tmp_path: Path) -> Path:
    (tmp_path / EVIL).write_text(BROKEN, encoding="utf-8")
    return tmp_path


def test_f5_text_report_escapes_control_characters_in_file_names(evil_tree: Path) -> None:
    run = run_cli(["lint", "."], cwd=evil_tree)
    assert run.exit_code == 1
    assert run.stdout.splitlines() == [
        f"{SHOWN}:3:1: SYN001 [error] {MESSAGE}",
        "Found 1 error and 0 warnings in 1 file.",
    ]
    assert not _raw_controls(run.stdout + run.stderr)


def test_f5_github_annotations_escape_esc_as_well_as_githubs_own_characters(
    evil_tree: Path,
) -> None:
    run = run_cli(["lint", "--format", "github", "."], cwd=evil_tree)
    assert run.exit_code == 1
    assert run.stdout.splitlines()[0] == (
        f"::error file={SHOWN},line=3,col=1,"
        f"title=SYN001 yaml-syntax::{MESSAGE}"
    )
    assert not _raw_controls(run.stdout + run.stderr)


def test_f4_sarif_and_json_with_a_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    name = os.fsdecode(b"bad\xff\xfe.yaml")
    (tmp_path / name).write_text(BROKEN, encoding="utf-8")
    sarif = run_cli(["lint", "--format", "sarif", "."], cwd=tmp_path)
    assert (sarif.exit_code, sarif.stderr) == (1, "")  # was exit 101 UnicodeEncodeError
    result = json.loads(sarif.stdout)["runs"][0]["results"][0]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "bad%FF%FE.yaml", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 3, "startColumn": 1}
    as_json = run_cli(["lint", "--format", "json", "."], cwd=tmp_path)
    assert as_json.exit_code == 1
    assert json.loads(as_json.stdout)["findings"][0]["file"] == "bad\\xff\\xfe.yaml"
    text = run_cli(["lint", "."], cwd=tmp_path)
    assert text.stdout.splitlines()[0] == f"bad\\xff\\xfe.yaml:3:1: SYN001 [error] {MESSAGE}"


def test_f4_json_escapes_control_characters_per_rfc8259(evil_tree: Path) -> None:
    run = run_cli(["lint", "--format", "json", "."], cwd=evil_tree)
    assert '"file": "ev\\u001b]0;pwned\\u0007il\\nx.yaml"' in run.stdout
    assert json.loads(run.stdout)["findings"][0]["file"] == EVIL
    assert not _raw_controls(run.stdout)


def test_f6_an_error_line_cannot_be_forged_by_a_path_argument(tmp_path: Path) -> None:
    path = "nope\x1b[31m\nb2blint: error: forged"
    run = run_cli(["lint", path], cwd=tmp_path)
    assert run.exit_code == 2
    assert run.stderr == (
        "b2blint: error: nope\\x1b[31m\\nb2blint: error: forged: no such file or directory\n"
    )


def test_f31_rule_names_from_select_and_from_config_are_escaped(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text("b2blint: 1\n", encoding="utf-8")
    run = run_cli(["lint", "--select", "X\x1b[2J\nb2blint: error: forged", "."], cwd=tmp_path)
    assert run.exit_code == 2
    assert run.stderr == (
        "b2blint: error: --select: unknown rule 'X\\x1b[2J\\nb2blint: error: forged' "
        "(see 'b2blint rules')\n"
    )
    (tmp_path / ".b2blint.yaml").write_text('select: ["X\\e]0;t\\a"]\n', encoding="utf-8")
    run = run_cli(["lint", "."], cwd=tmp_path)
    assert run.exit_code == 2
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("b2blint: error: ")
    assert "X\\x1b]0;t\\x07" in run.stderr
    assert not _raw_controls(run.stderr)


def test_f31_clicks_own_usage_errors_escape_the_value_they_quote(tmp_path: Path) -> None:
    run = run_cli(["lint", "--format", "x\x1b[2J\r"], cwd=tmp_path)
    assert run.exit_code == 2
    assert run.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--format': 'x\\x1b[2J\\r' is not one of "
        "'github', 'json', 'sarif', 'text', 'auto'."
    )
    assert not _raw_controls(run.stderr)


def test_progress_line_escapes_items_from_graph() -> None:
    stream = io.StringIO()
    bar = Progress("Reading", total=2, stream=stream, enabled=True, interval=0)
    bar.advance(item="\x1b[2J\x1b]0;t\x07\ncontoso")
    bar.echo("b2blint: note \x1b[1A")
    assert stream.getvalue() == (
        "\r\x1b[2KReading 1/2 \\x1b[2J\\x1b]0;t\\x07\\ncontoso"
        "\r\x1b[2Kb2blint: note \\x1b[1A\n"
        "\r\x1b[2KReading 1/2 \\x1b[2J\\x1b]0;t\\x07\\ncontoso"
    )


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain ünïcode ✓", "plain ünïcode ✓"),
        ("\x1b[2J", "\\x1b[2J"),
        ("a\rb\nc\td", "a\\rb\\nc\\td"),
        ("\x9b31m", "\\x9b31m"),  # C1 CSI
        ("\u2028\u202e", "\\u2028\\u202e"),  # line separator, right-to-left override
        ("\udcff", "\\xff"),  # a surrogate-escaped byte of a file name
        ("\ud800", "\\ud800"),
        ("\x7f", "\\x7f"),
    ],
)
def test_printable_escapes_what_a_terminal_would_act_on(raw: str, shown: str) -> None:
    assert printable(raw) == shown


def test_printable_keep_newlines_keeps_only_lf_and_tab() -> None:
    assert printable("a\nb\tc\r\x1b", keep_newlines=True) == "a\nb\tc\\r\\x1b"


def test_json_document_makes_lone_surrogates_encodable() -> None:
    document = json_document(json.dumps({"file": "x\udcff"}, ensure_ascii=False))
    assert document == '{"file": "x\\\\xff"}'
    assert json.loads(document.encode("utf-8")) == {"file": "x\\xff"}


def test_policy_test_names_from_yaml_are_escaped(tmp_path: Path) -> None:
    shutil.copytree(POLICIES, tmp_path / "policies")
    (tmp_path / "policies" / "tests" / "evil.yaml").write_text(
        "b2blint-tests: 1\n"
        "tests:\n"
        '  - name: "Wingtip\\e[2J\\nFAIL  forged"\n'
        "    partner: Wingtip\n"
        "    invite: someone@wingtip.com\n"
        "    expect: allowed\n",
        encoding="utf-8",
    )
    run = run_cli(
        ["test", "policies/tests/evil.yaml", "policies/tenant.yaml", "policies/partners"],
        cwd=tmp_path,
    )
    assert run.exit_code == 1
    assert run.stdout.splitlines()[0] == (
        "FAIL  policies/tests/evil.yaml:6  Wingtip\\x1b[2J\\nFAIL  forged"
    )
    assert not _raw_controls(run.stdout + run.stderr)


@pytest.mark.parametrize("command", ["effective", "size", "diff"])
def test_partner_names_from_yaml_print_escaped(tmp_path: Path, command: str) -> None:
    from tests.tenant.conftest import FABRIKAM, MFA_TRUST, partner, write_tree

    blocked = {"accessType": "blocked", "targets": [{"target": "AllUsers", "targetType": "user"}]}
    settings = {"inboundTrust": MFA_TRUST, "b2bCollaborationInbound": {"usersAndGroups": blocked}}
    name = "Fab\x1b[2J\x1b]0;t\x07rikam"
    tree = write_tree(tmp_path / "a", [partner(FABRIKAM, name, settings)])
    args = {
        "effective": ["effective", str(tree), "--partner", FABRIKAM],
        "size": ["size", str(tree)],
        "diff": ["diff", str(write_tree(tmp_path / "b", [])), str(tree)],
    }[command]
    run = run_cli(args)
    assert run.exit_code == 0, run.stderr
    assert "Fab\\x1b[2J\\x1b]0;t\\x07rikam" in run.stdout
    assert not _raw_controls(run.stdout + run.stderr)
