"""A lint imports only the rule modules that can run on its tree, and finds the same as with
every rule imported and run (`b2blint.rules.CATALOG`, `b2blint.lint.engine._runnable`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from b2blint.lint.config import Config, load_config
from b2blint.lint.engine import lint_paths
from b2blint.lint.profiles import PROFILE_NAMES
from b2blint.rules import ALL_RULES, CATALOG
from b2blint.rules._rule import Visit

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "rules"

_IMPORTED = """
import sys
from b2blint.lint.config import Config
from b2blint.lint.engine import lint_paths
result = lint_paths(sys.argv[1:], Config())
print(len(result.diagnostics))
print(" ".join(sorted(m for m in sys.modules if m.startswith("b2blint.rules."))))
"""


def _rule_modules_imported(*paths: Path) -> tuple[int, set[str]]:
    """(findings, rule IDs whose modules were imported) of a lint in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", _IMPORTED, *map(str, paths)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    count, modules = done.stdout.splitlines()
    by_module = {info.module: info.id for info in CATALOG}
    return int(count), {by_module[m] for m in modules.split() if m in by_module}


def test_lint_of_policies_imports_no_profile_pair_or_builtin_rule() -> None:
    count, imported = _rule_modules_imported(ROOT / "policies")
    assert count == 0
    kinds = {info.id: info for info in CATALOG}
    # No profile (BSL), no fleet (PAIR), no MTO section; built-in rules have no check (the
    # suppression rules B2B001/B2B002 are looked up when a file has suppression comments).
    assert {i for i in imported if i.startswith(("BSL", "PAIR", "MTO"))} == set()
    builtin = {i for i in imported if kinds[i].visits is Visit.BUILTIN}
    assert builtin <= {"B2B001", "B2B002"}
    # The tree has a Conditional Access context and policy tests: those rules ran.
    assert {"CAX001", "CAX005", "XTA003", "TST001", "XTA011"} <= imported


def test_lint_without_context_or_tests_imports_no_cax_or_tst_rule() -> None:
    count, imported = _rule_modules_imported(FIXTURES / "XTA011" / "bad.yaml")
    assert count > 0
    assert {i for i in imported if i.startswith(("CAX", "MTO", "TST", "BSL", "PAIR"))} == set()
    assert "XTA011" in imported


def _cases() -> list[Path]:
    cases = [ROOT / "policies"]
    for rule_dir in sorted(FIXTURES.iterdir()):
        if rule_dir.name.startswith("PAIR"):
            continue  # two-sided cases are fleets (tests/rules/test_rule_fixtures.py)
        cases.extend(sorted(p for p in rule_dir.iterdir() if p.name.startswith(("bad", "good"))))
    return cases


@pytest.mark.parametrize("case", _cases(), ids=lambda p: str(p.relative_to(ROOT)))
def test_catalog_run_finds_what_running_every_rule_finds(case: Path) -> None:
    """`ALL_RULES` itself (the catalog picks what can run) against a plain list of every rule
    (each enabled rule's check called): the same findings, fixes and suppression verdicts."""
    config_file = case.parent / "config.toml"
    config = load_config(config_file) if config_file.is_file() else Config()
    if case.parent.name.startswith("BSL"):
        config = config.with_command_line(profiles=PROFILE_NAMES)
    lazy = lint_paths([str(case)], config)
    every = lint_paths([str(case)], config, tuple(ALL_RULES))
    assert lazy.diagnostics == every.diagnostics
    assert [d for d, _ in lazy.fixes] == [d for d, _ in every.fixes]
