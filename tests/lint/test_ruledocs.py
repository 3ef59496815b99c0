"""Rule docs: the generated pages are current, and ``b2blint rules`` shows them."""

from __future__ import annotations

import sys
from pathlib import Path

from b2blint.lint.ruledocs import (
    DOCS,
    EXAMPLES_FILE,
    ROOT,
    generate,
    read_fixtures,
    render_page,
    shipped_examples,
    stale,
    strip_markers,
)
from b2blint.rules import ALL_RULES, find_rule
from tests.conftest import run_cli


def test_generated_docs_are_current() -> None:
    outdated = [str(path.relative_to(ROOT)) for path in stale(generate(ALL_RULES))]
    assert outdated == [], "stale rule docs: run `python -m b2blint.lint.ruledocs`"


def test_check_mode_fails_on_a_stale_page(tmp_path: Path) -> None:
    files = generate(ALL_RULES, docs=tmp_path)
    for path, text in files.items():
        if path.parent == tmp_path:
            path.write_text(text, encoding="utf-8")
    assert [p for p in stale(files, docs=tmp_path) if p.parent == tmp_path] == []
    (tmp_path / "XTA003.md").write_text("edited by hand\n", encoding="utf-8")
    (tmp_path / "XTA999.md").write_text("a retired page\n", encoding="utf-8")
    assert [p.name for p in stale(files, docs=tmp_path) if p.parent == tmp_path] == [
        "XTA003.md",
        "XTA999.md",
    ]


def test_page_layout() -> None:
    rule = find_rule("XTA003")
    assert rule is not None
    page = render_page(rule, read_fixtures(rule.id))
    headings = [line for line in page.splitlines() if line.startswith("#")]
    assert headings[:1] == ["# XTA003: direct-connect-without-mfa-trust"]
    assert [h for h in headings if h.startswith("## ")] == [
        "## What it does",
        "## Why is this bad?",
        "## How to fix",
        "## Example",
        "## Use instead",
        "## References",
    ]
    assert (
        "| Prevents | [AADSTS90071](https://login.microsoftonline.com/error?code=90071) |" in page
    )
    assert "# expect:" not in page
    assert "[View source](../../linter/b2blint/rules/direct_connect_without_mfa_trust.py)" in page


def test_multi_file_fixtures_are_shown_file_by_file() -> None:
    rule = find_rule("SCH005")
    assert rule is not None
    page = (DOCS / "SCH005.md").read_text(encoding="utf-8")
    assert "`bad/partners/fabrikam.yaml`:" in page and "`bad/tenant.yaml`:" in page


def test_strip_markers() -> None:
    assert strip_markers("a: 1  # note  # expect: XTA001, SCH002\nb: 2 # expect: X\n") == (
        "a: 1  # note\nb: 2\n"
    )


def test_examples_ship_with_the_package() -> None:
    import tomllib

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert EXAMPLES_FILE.name in pyproject["tool"]["setuptools"]["package-data"]["b2blint.lint"]
    assert set(shipped_examples()) == {rule.id for rule in ALL_RULES if read_fixtures(rule.id)}


def test_rules_lists_every_rule() -> None:
    result = run_cli(["rules"])
    lines = result.stdout.splitlines()
    assert result.exit_code == 0
    assert lines[0].split() == ["ID", "NAME", "SEVERITY", "FIX", "SUMMARY"]
    assert [line.split()[0] for line in lines[1:]] == [rule.id for rule in ALL_RULES]
    xta011 = next(line for line in lines if line.startswith("XTA011"))
    assert xta011.split()[1:4] == ["redundant-partner-setting", "warning", "yes"]


def test_rules_id_prints_the_page_by_id_or_name() -> None:
    by_id = run_cli(["rules", "xta003", "--format", "markdown"])
    by_name = run_cli(["rules", "direct-connect-without-mfa-trust", "--format", "markdown"])
    assert by_id.exit_code == 0
    assert by_id.stdout == by_name.stdout == (DOCS / "XTA003.md").read_text(encoding="utf-8")


def test_rules_unknown_is_a_usage_error() -> None:
    result = run_cli(["rules", "XTA999"])
    assert (result.exit_code, result.stderr) == (
        2,
        "b2blint: error: unknown rule 'XTA999' (see 'b2blint rules')\n",
    )


def test_generator_runs_as_a_module() -> None:
    import subprocess

    result = subprocess.run(
        [sys.executable, "-m", "b2blint.lint.ruledocs", "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")
