"""The rule catalog is complete and consistent (cheap checks that catch process mistakes)."""

from __future__ import annotations

import json
import pkgutil
import re
from importlib import import_module

import pytest

from b2blint import rules as rules_package
from b2blint.rules import ALL_RULES, REDIRECTS, REMOVED_IDS, find_rule
from b2blint.rules._rule import Rule, Visit
from tests.rules.test_rule_fixtures import case_path

# Three capitals and three digits; the suppression rules' prefix B2B is the one with a digit;
# the two-sided fleet rules are PAIR.
ID = re.compile(r"^(?:[A-Z]{3}|B2B|PAIR)\d{3}$")
NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
PREVENTS = re.compile(r"^AADSTS\d+$")
HEADINGS = ("## What it does", "## Why is this bad?", "## How to fix", "## References")
#: The catalog order of the ID prefixes (docs/rules/README.md lists rules in this order).
PREFIX_ORDER = ("SYN", "SCH", "XTA", "EXT", "CAX", "MTO", "TST", "B2B", "BSL", "PAIR")


def _rule_modules() -> dict[str, object]:
    return {
        info.name: import_module(f"b2blint.rules.{info.name}")
        for info in pkgutil.iter_modules(rules_package.__path__)
        if not info.name.startswith("_")
    }


def test_every_rule_module_is_in_all_rules() -> None:
    registered = {id(rule) for rule in ALL_RULES}
    missing = [
        name
        for name, module in _rule_modules().items()
        if id(getattr(module, "RULE", None)) not in registered
    ]
    assert missing == []


def test_every_registered_rule_has_its_own_module_named_after_it() -> None:
    by_rule = {id(getattr(module, "RULE", None)): name for name, module in _rule_modules().items()}
    assert {rule.id: by_rule.get(id(rule)) for rule in ALL_RULES} == {
        rule.id: rule.name.replace("-", "_") for rule in ALL_RULES
    }


def test_ids_and_names_are_well_formed_unique_and_never_reused() -> None:
    ids = [rule.id for rule in ALL_RULES]
    names = [rule.name for rule in ALL_RULES]
    assert [i for i in ids if not ID.match(i)] == []
    assert [n for n in names if not NAME.match(n)] == []
    assert len(set(ids)) == len(ids)
    assert len(set(names)) == len(names)
    assert set(ids) & set(REMOVED_IDS) == set()
    assert set(names) & set(REDIRECTS) == set()
    assert all(find_rule(target) is not None for target in REDIRECTS.values())


def test_rules_are_listed_in_catalog_order() -> None:
    keys = [(PREFIX_ORDER.index(rule.id.rstrip("0123456789")), rule.id) for rule in ALL_RULES]
    assert keys == sorted(keys)


def test_find_rule_accepts_id_and_name_in_any_case() -> None:
    for rule in ALL_RULES:
        assert find_rule(rule.id.lower()) is rule
        assert find_rule(rule.name.upper()) is rule


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.id)
def test_rule_metadata(rule: Rule) -> None:
    assert rule.summary.strip() and "\n" not in rule.summary
    assert [code for code in rule.prevents if not PREVENTS.match(code)] == []
    assert len(rule.error_links) == len(rule.prevents)
    assert (rule.check is None) == (rule.visits is Visit.BUILTIN)
    for name, default in rule.options.items():
        assert NAME.match(name), f"option {name!r} is not kebab-case"
        json.dumps(default)  # options must be expressible in TOML/YAML config


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.id)
def test_rule_doc_has_the_four_headings_in_order(rule: Rule) -> None:
    positions = [rule.doc.find(heading) for heading in HEADINGS]
    assert -1 not in positions, f"{rule.id} doc lacks {HEADINGS[positions.index(-1)]}"
    assert positions == sorted(positions)
    references = rule.doc[positions[-1] :]
    assert "http" in references or "`" in references, "References must cite something"


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.id)
def test_rule_has_bad_and_good_fixtures(rule: Rule) -> None:
    assert case_path(rule.id, "bad").exists()
    assert case_path(rule.id, "good").exists()


def test_catalog_entries_agree_with_their_modules() -> None:
    """The lint decides from `CATALOG` which modules to import: each entry must say what the
    module's `RULE` says (ID, name, severity, visits), in the same order as `ALL_RULES`."""
    from b2blint.rules import CATALOG
    from b2blint.rules._mto import MTO_KEY
    from b2blint.rules._rule import NEEDS_CONTEXT

    modules = _rule_modules()
    assert len(CATALOG) == len(modules)
    for info in CATALOG:
        rule = modules[info.module.rsplit(".", 1)[1]].RULE  # type: ignore[attr-defined]
        assert (info.id, info.name, info.severity, info.visits) == (
            rule.id,
            rule.name,
            rule.severity,
            rule.visits,
        )
    assert [info.id for info in CATALOG] == [rule.id for rule in ALL_RULES]
    # What a rule needs is skipped without it: only the rules that read nothing else.
    needs = {info.id: info.needs for info in CATALOG if info.needs}
    assert needs == {
        **{f"CAX00{n}": NEEDS_CONTEXT for n in range(1, 6)},
        "MTO001": MTO_KEY,
        "MTO002": MTO_KEY,
    }
