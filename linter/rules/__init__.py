"""The rule catalog: every rule module, listed explicitly (a test checks none is missing).

IDs are stable forever. A retired ID goes into `REMOVED_IDS` with the reason and is never
reused; a renamed rule keeps its old name in `REDIRECTS`.
"""

from __future__ import annotations

from b2blint.rules import (
    beta_only_property,
    duplicate_partner,
    read_only_property,
    schema_violation,
    unknown_property,
    unsafe_yaml,
    yaml_syntax,
)
from b2blint.rules._rule import Rule

ALL_RULES: tuple[Rule, ...] = (
    yaml_syntax.RULE,
    unsafe_yaml.RULE,
    schema_violation.RULE,
    unknown_property.RULE,
    read_only_property.RULE,
    beta_only_property.RULE,
    duplicate_partner.RULE,
)

#: Retired IDs -> why. Never reuse one.
REMOVED_IDS: dict[str, str] = {}

#: Old rule names -> current ID.
REDIRECTS: dict[str, str] = {}

_BY_KEY: dict[str, Rule] = {}
for _rule in ALL_RULES:
    _BY_KEY[_rule.id.upper()] = _rule
    _BY_KEY[_rule.name.lower()] = _rule


def find_rule(key: str) -> Rule | None:
    """A rule by ID or name (case-insensitive), following `REDIRECTS`."""
    key = REDIRECTS.get(key, key)
    return _BY_KEY.get(key.upper()) or _BY_KEY.get(key.lower())
