"""``b2blint rules ID`` on a terminal: the rule's page as plain text (issue 12 item 9).

The Markdown page (docs/rules/ID.md) carried a raw ``<!-- Generated ... -->`` comment, table
pipes, code fences and ``../../`` links into the terminal. The same content is now plain text;
``--format markdown`` prints the Markdown page, byte for byte.
"""

from __future__ import annotations

import pytest

from b2blint.rules import ALL_RULES
from b2blint.rules._rule import Rule
from tests.conftest import ROOT, run_cli

DOCS = ROOT / "docs" / "rules"


def test_rules_id_prints_plain_text_with_aligned_header() -> None:
    result = run_cli(["rules", "XTA003"])
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines()[:12] == [
        "XTA003: direct-connect-without-mfa-trust",
        "========================================",
        "",
        "ID:               XTA003",
        "Name:             direct-connect-without-mfa-trust",
        "Default severity: error",
        "Fixable:          no",
        "Options:          none",
        "Prevents:         AADSTS90071 (https://login.microsoftonline.com/error?code=90071)",
        "",
        "Inbound B2B direct connect is allowed but the partner's MFA is not trusted.",
        "",
    ]
    lines = result.stdout.splitlines()
    assert lines[lines.index("What it does") + 1] == "------------"
    assert lines[-1] == (
        "Source: linter/b2blint/rules/direct_connect_without_mfa_trust.py; "
        "fixtures: tests/fixtures/rules/XTA003/"
    )


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.id)
def test_every_rule_page_has_no_markdown_markup_left(rule: Rule) -> None:
    rule_id = rule.id
    result = run_cli(["rules", rule_id])
    assert result.exit_code == 0, result.stderr
    for markup in ("<!--", "-->", "```", "](", "|---|", "| | |"):
        assert markup not in result.stdout, (rule_id, markup)
    markdown = (DOCS / f"{rule_id}.md").read_text(encoding="utf-8")
    if "```yaml" in markdown:  # the fixtures: indented code, every line kept
        fenced = markdown.split("```yaml\n", 1)[1].split("```", 1)[0].rstrip("\n").split("\n")
        shown = [f"    {line}" if line else "" for line in fenced]
        text = result.stdout.split("\n")
        start = text.index(shown[0])
        assert text[start : start + len(shown)] == shown


def test_rules_format_markdown_prints_the_docs_page() -> None:
    result = run_cli(["rules", "XTA003", "--format", "markdown"])
    assert result.exit_code == 0
    assert result.stdout == (DOCS / "XTA003.md").read_text(encoding="utf-8")


def test_rules_bad_format_is_a_usage_error() -> None:
    result = run_cli(["rules", "XTA003", "--format", "html"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--format': 'html' is not one of 'text', 'markdown'."
    )
