"""Every rule against its fixtures: ``tests/fixtures/rules/<ID>/``.

``bad.yaml`` (or the files under ``bad/``) marks each expected finding with
``# expect: ID[, ID]`` at the end of the line the finding points at. Linting bad with the rule
alone (SYN/SCH run anyway, as they always do) must produce exactly the marked
``(file, line, rule)`` set, counting the rule under test and any rule a marker names (so a
marker may document a schema finding the example also triggers). The suppression rules
(B2B001/B2B002) judge other rules' findings, so their fixtures run with every rule.
An optional ``config.toml`` (the keys of ``[tool.b2blint]``) sets options for the bad case.
A two-sided (PAIR) rule's case is a directory of tenant trees, one sub-directory each,
linted as a fleet (`b2blint.lint.pairs.lint_plain_trees`).

``good.yaml`` (or ``good/``) must be clean under every rule with the default configuration:
it is shown in the docs as the way to write it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from pathlib import Path

import pytest

from b2blint.lint.config import Config, load_config
from b2blint.lint.engine import LintResult, lint_paths
from b2blint.lint.pairs import lint_plain_trees
from b2blint.rules import ALL_RULES
from b2blint.rules._rule import Rule, Visit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rules"
MARKER = re.compile(r"#\s*expect:\s*(?P<ids>[A-Z0-9]+(?:\s*,\s*[A-Z0-9]+)*)\s*$")
META = frozenset({"B2B001", "B2B002"})
BUILTIN = frozenset(rule.id for rule in ALL_RULES if rule.visits is Visit.BUILTIN)

Finding = tuple[str, int, str]  # (file relative to the case, line, rule ID)


def case_path(rule_id: str, case: str) -> Path:
    single = FIXTURES / rule_id / f"{case}.yaml"
    return single if single.is_file() else FIXTURES / rule_id / case


def _files(path: Path) -> list[Path]:
    return [path] if path.is_file() else sorted(path.rglob("*.y*ml"))


def _relative(file: str, case: Path) -> str:
    base = case.parent if case.is_file() else case
    return Path(file).resolve().relative_to(base.resolve()).as_posix()


def markers(case: Path) -> set[Finding]:
    expected: set[Finding] = set()
    for path in _files(case):
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            match = MARKER.search(line)
            if match:
                for rule_id in match.group("ids").split(","):
                    expected.add((_relative(str(path), case), number, rule_id.strip()))
    return expected


def lint_any(
    rule: Rule, case: Path, config: Config, rules: Sequence[Rule] = ALL_RULES
) -> LintResult:
    """Lint a case as one tree; a PAIR rule's case holds one tree per tenant (sub-directories),
    linted each on its own and then as pairs."""
    if rule.visits is Visit.PAIR:
        trees = {tree.name: [str(tree)] for tree in sorted(case.iterdir()) if tree.is_dir()}
        return lint_plain_trees(trees, config, rules)
    return lint_paths([str(case)], config, rules)


def lint_case(rule: Rule, case: Path) -> LintResult:
    config_file = FIXTURES / rule.id / "config.toml"
    config = load_config(config_file) if config_file.is_file() else Config()
    if rule.id in META:
        return lint_paths([str(case)], config)
    config = dataclasses.replace(config, select=BUILTIN | {rule.id})
    return lint_any(rule, case, config, rules=[rule])


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.id)
def test_bad_fixture_reports_exactly_the_marked_lines(rule: Rule) -> None:
    case = case_path(rule.id, "bad")
    assert case.exists(), f"{rule.id} has no bad fixture (bad.yaml or bad/)"
    expected = markers(case)
    assert any(rule_id == rule.id for _, _, rule_id in expected), (
        f"{case} has no '# expect: {rule.id}' marker"
    )
    named = {rule_id for _, _, rule_id in expected}
    result = lint_case(rule, case)
    found = {
        (_relative(d.file, case), d.line, d.rule_id)
        for d in result.diagnostics
        if d.rule_id == rule.id or d.rule_id in named
    }
    assert found == expected, "\n".join(
        f"{d.file}:{d.line}:{d.column}: {d.rule_id} {d.message}" for d in result.diagnostics
    )


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.id)
def test_good_fixture_is_clean_under_every_rule(rule: Rule) -> None:
    case = case_path(rule.id, "good")
    assert case.exists(), f"{rule.id} has no good fixture (good.yaml or good/)"
    result = lint_any(rule, case, Config())
    assert [
        f"{d.file}:{d.line}:{d.column}: {d.rule_id} {d.message}" for d in result.diagnostics
    ] == []


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.id)
def test_markers_name_known_rules(rule: Rule) -> None:
    known = {r.id for r in ALL_RULES}
    case = case_path(rule.id, "bad")
    unknown = {rule_id for _, _, rule_id in markers(case)} - known if case.exists() else set()
    assert not unknown
