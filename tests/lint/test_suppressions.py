"""Suppression comments, as a user sees them: ``b2blint lint`` output and exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from b2blint.lint.suppressions import SuppressionScope, scan
from tests.conftest import Run, run_cli
from tests.policies import DEFAULT_TRUSTS_MFA, NORTHWIND, TENANT_HEAD

#: Lines 1-8: the tenant, a default that trusts MFA, and Northwind's settings key.
HEAD = (
    TENANT_HEAD
    + DEFAULT_TRUSTS_MFA
    + f"partners:\n  - tenantId: {NORTHWIND}\n    name: Northwind\n    settings:\n"
)

# Line 9 of every example below: a partner setting identical to the default (XTA011).
REDUNDANT = "      inboundTrust: {isMfaAccepted: true}"


def lint(tmp_path: Path, text: str, *args: str) -> Run:
    (tmp_path / ".git").mkdir(exist_ok=True)  # keep config discovery inside the test
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8", newline="")
    return run_cli(["lint", "p.yaml", "--no-color", *args], cwd=tmp_path)


def findings(run: Run) -> list[str]:
    return [line for line in run.stdout.splitlines() if line.startswith("p.yaml:")]


def test_unsuppressed_finding_is_reported(tmp_path: Path) -> None:
    run = lint(tmp_path, HEAD + REDUNDANT + "\n")
    assert [f.split(" [")[0] for f in findings(run)] == ["p.yaml:9:7: XTA011"]


@pytest.mark.parametrize(
    "text",
    [
        HEAD + REDUNDANT + "  # b2blint: disable=XTA011 -- pinned by contract\n",
        HEAD + REDUNDANT + "  # b2blint: disable=redundant-partner-setting\n",
        HEAD + REDUNDANT + "  #b2blint:disable = xta011 , XTA003  # other tool's comment\n",
        HEAD + "      # b2blint: disable-next-line=XTA011 -- pinned\n" + REDUNDANT + "\n",
        HEAD
        + "      # b2blint: disable-next-line=XTA011 -- stacked\n"
        + "      # b2blint: disable-next-line=XTA003 -- stacked\n\n"
        + REDUNDANT
        + "\n",
        "# Northwind\n# b2blint: disable-file=XTA011 -- pinned\n" + HEAD + REDUNDANT + "\n",
        "# b2blint: disable-file -- generated file\n" + HEAD + REDUNDANT + "\n",
    ],
    ids=["line", "name", "spacing-case-and-trailing", "next-line", "stacked", "file", "file-all"],
)
def test_suppressed_finding_is_not_reported(tmp_path: Path, text: str) -> None:
    run = lint(tmp_path, text, "--select", "XTA011,XTA003")
    assert findings(run) == []
    assert run.exit_code == 0


def test_comment_text_inside_scalars_is_not_a_directive(tmp_path: Path) -> None:
    text = (
        HEAD.replace(
            "name: Northwind",
            'name: "Northwind # b2blint: disable=XTA011"',
        )
        + REDUNDANT
        + "  # not a directive: b2blint: disable=XTA011\n"
    )
    text = text.replace(
        "default:\n",
        "crossTenantAccessPolicy:\n  displayName: |\n    # b2blint: disable-file\ndefault:\n",
    )
    run = lint(tmp_path, text)
    assert [f.split(" [")[0] for f in findings(run)] == ["p.yaml:12:7: XTA011"]


def test_scan_uses_token_spans_not_quotes_on_the_line() -> None:
    text = (
        "a: 'it''s # b2blint: disable=X'\n"
        'b: "multi\n  line # b2blint: disable=Y"\n'
        "c: 1  # b2blint: disable=XTA011\n"
        "d: e#b2blint:disable=XTA011\n"
    )
    found = scan(text)
    assert [(s.kind, s.line, s.column, s.target) for s in found.suppressions] == [
        (SuppressionScope.LINE, 4, 7, 4)
    ]
    assert found.problems == ()
    from b2blint.files.document import parse_text

    assert scan(text, parse_text(text, "t").string_spans) == found  # the loader's spans agree


@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        (
            "  # b2blint: disable=XTA0011 -- typo",
            "p.yaml:9:63: B2B002 [error] no rule named 'XTA0011' (see 'b2blint rules')",
        ),
        (
            "  # b2blint: disabel=XTA011",
            "p.yaml:9:55: B2B002 [error] unknown directive 'disabel'; did you mean 'disable'?",
        ),
        (
            "  # b2blint: disable",
            "p.yaml:9:44: B2B002 [error] 'disable' must name the rules it disables: "
            "'disable=ID[,ID]'",
        ),
        (
            "  # b2blint: disable=XTA011 reason without dashes",
            "p.yaml:9:44: B2B002 [error] cannot read this suppression: write 'b2blint: "
            "disable=ID[,ID] -- reason', 'disable-next-line=ID[,ID] -- reason' or "
            "'disable-file[=ID,...] -- reason'",
        ),
        (
            "  # b2blint: disable-file=XTA011",
            "p.yaml:9:44: B2B002 [error] 'disable-file' must be in the comment block at the top "
            "of the file",
        ),
        (
            "  # b2blint: disable=XTA011,B2B001",
            "p.yaml:9:70: B2B002 [error] B2B001 cannot be disabled by a comment; set its "
            "severity in the config",
        ),
    ],
    ids=["unknown-rule", "typo", "no-rules", "no-dashes", "file-not-at-top", "meta-rule"],
)
def test_unreadable_suppression_is_b2b002_at_its_column(
    tmp_path: Path, comment: str, expected: str
) -> None:
    run = lint(tmp_path, HEAD + REDUNDANT + comment + "\n", "--select", "XTA011,B2B")
    assert expected in findings(run)
    assert run.exit_code == 1


def test_disable_on_a_comment_line_is_b2b002(tmp_path: Path) -> None:
    run = lint(tmp_path, HEAD + "      # b2blint: disable=XTA011\n" + REDUNDANT + "\n")
    assert findings(run)[0] == (
        "p.yaml:9:7: B2B002 [error] 'disable' covers its own line, which holds no YAML; "
        "use 'disable-next-line' on a line of its own"
    )


def test_removed_rule_in_suppression_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from b2blint import rules

    monkeypatch.setitem(rules.REMOVED_IDS, "XTA099", "merged into XTA011")
    run = lint(tmp_path, HEAD + REDUNDANT + "  # b2blint: disable=XTA011,XTA099\n")
    assert findings(run) == [
        "p.yaml:9:70: B2B002 [error] rule XTA099 was removed (merged into XTA011); "
        "delete it from this comment"
    ]


def test_unused_suppression_is_b2b001_and_fixable(tmp_path: Path) -> None:
    text = (
        HEAD
        + "      inboundTrust: {isMfaAccepted: true, isCompliantDeviceAccepted: true}"
        + "  # b2blint: disable=XTA011 -- pinned  # keep this note\n"
        + "      # b2blint: disable-next-line=XTA003\n"
        + "      isServiceProvider: true\n"
    )
    run = lint(tmp_path, text)
    assert findings(run) == [
        "p.yaml:9:77: B2B001 [warning] unused suppression: no XTA011 finding on line 9; "
        "remove the comment",
        "p.yaml:10:7: B2B001 [warning] unused suppression: no XTA003 finding on line 11; "
        "remove the comment",
    ]
    assert run.exit_code == 0
    fixed = lint(tmp_path, text, "--fix")
    assert fixed.exit_code == 0
    assert (tmp_path / "p.yaml").read_text(encoding="utf-8") == (
        HEAD
        + "      inboundTrust: {isMfaAccepted: true, isCompliantDeviceAccepted: true}"
        + "  # keep this note\n"
        + "      isServiceProvider: true\n"
    )
    assert findings(fixed) == []
    assert "b2blint: fixed 2 findings in 1 file" in fixed.stderr


def test_partly_unused_suppression_keeps_the_used_rule(tmp_path: Path) -> None:
    text = HEAD + REDUNDANT + "  # b2blint: disable=XTA003,XTA011 -- pinned\n"
    run = lint(tmp_path, text)
    assert findings(run) == [
        "p.yaml:9:63: B2B001 [warning] unused suppression of XTA003: no such finding on "
        "line 9; remove it from the comment"
    ]
    lint(tmp_path, text, "--fix")
    assert (tmp_path / "p.yaml").read_text(encoding="utf-8") == (
        HEAD + REDUNDANT + "  # b2blint: disable=XTA011 -- pinned\n"
    )


def test_unused_is_not_reported_for_rules_that_did_not_run(tmp_path: Path) -> None:
    text = HEAD + "      inboundTrust: {isMfaAccepted: false}  # b2blint: disable=XTA011\n"
    assert findings(lint(tmp_path, text, "--select", "XTA003,B2B")) == []
    assert findings(lint(tmp_path, text, "--ignore", "XTA011")) == []
    assert len(findings(lint(tmp_path, text))) == 1


def test_bare_disable_file_is_not_unused_when_some_rules_did_not_run(tmp_path: Path) -> None:
    text = "# b2blint: disable-file -- generated\n" + HEAD + REDUNDANT + "\n"
    assert findings(lint(tmp_path, text)) == []
    assert findings(lint(tmp_path, text, "--ignore", "XTA011")) == []
    assert findings(lint(tmp_path, text, "--select", "SCH,B2B")) == []
    lint(tmp_path, text, "--ignore", "XTA011", "--fix")
    assert (tmp_path / "p.yaml").read_text(encoding="utf-8") == text
    clean = "# b2blint: disable-file -- generated\n" + HEAD.partition("partners:")[0]
    assert [f.split(" [")[0] for f in findings(lint(tmp_path, clean))] == ["p.yaml:1:1: B2B001"]


def test_unused_is_not_reported_when_the_rules_did_not_see_everything(tmp_path: Path) -> None:
    text = HEAD + REDUNDANT + "  # b2blint: disable=XTA003\n" + "      unknownKey: 1\n"
    run = lint(tmp_path, text)
    assert [f.split(" [")[0] for f in findings(run)] == ["p.yaml:10:7: SCH002"]


def test_a_suppressed_finding_is_not_fixed(tmp_path: Path) -> None:
    text = HEAD + REDUNDANT + "  # b2blint: disable=XTA011 -- pinned by contract\n"
    run = lint(tmp_path, text, "--fix")
    assert run.exit_code == 0
    assert (tmp_path / "p.yaml").read_text(encoding="utf-8") == text


def test_suppressions_work_in_crlf_files(tmp_path: Path) -> None:
    text = (HEAD + REDUNDANT + "  # b2blint: disable=XTA011,XTA003 -- pinned\n").replace(
        "\n", "\r\n"
    )
    run = lint(tmp_path, text)
    assert findings(run) == [
        "p.yaml:9:70: B2B001 [warning] unused suppression of XTA003: no such finding on "
        "line 9; remove it from the comment"
    ]
    lint(tmp_path, text, "--fix")
    assert (tmp_path / "p.yaml").read_bytes() == (
        (HEAD + REDUNDANT + "  # b2blint: disable=XTA011 -- pinned\n")
        .replace("\n", "\r\n")
        .encode()
    )


def test_suppression_after_a_unicode_line_separator_in_a_string(tmp_path: Path) -> None:
    text = HEAD.replace("Contoso", '"Con\u2028toso"') + REDUNDANT + "  # b2blint: disable=XTA011\n"
    assert findings(lint(tmp_path, text)) == []
    run = lint(tmp_path, text.replace("  # b2blint: disable=XTA011", ""))
    assert [f.split(" [")[0] for f in findings(run)] == ["p.yaml:9:7: XTA011"]


def test_b2b_rules_follow_the_config(tmp_path: Path) -> None:
    (tmp_path / ".b2blint.yaml").write_text("rules: {B2B002: warning, unused-suppression: off}\n")
    text = (
        HEAD
        + REDUNDANT
        + "  # b2blint: disable=XTA011,XTA0011\n"
        + "      # b2blint: disable-next-line=XTA003\n      isServiceProvider: true\n"
    )
    run = lint(tmp_path, text)
    assert findings(run) == [
        "p.yaml:9:70: B2B002 [warning] no rule named 'XTA0011' (see 'b2blint rules')"
    ]
    assert run.exit_code == 0


def test_bundled_policies_show_a_justified_suppression() -> None:
    from tests.conftest import POLICIES

    reasons = [
        suppression.reason
        for path in sorted(POLICIES.rglob("*.yaml"))
        for suppression in scan(path.read_text(encoding="utf-8")).suppressions
    ]
    assert reasons and all(reason.strip() for reason in reasons)
    run = run_cli(["lint", "--strict", str(POLICIES)])
    assert run.exit_code == 0
    assert run.stdout.startswith("All checks passed")
