"""Lint configuration: which rules run, at what severity, with which options.

`Config` is frozen: the CLI builds one from the config file and the command line and passes
it down; nothing mutates it afterwards.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from b2blint.diagnostics import Severity

OFF = "off"


@dataclasses.dataclass(frozen=True)
class Config:
    """Resolved settings for one lint run (rule keys are canonical IDs)."""

    select: frozenset[str] | None = None  # None: every rule
    ignore: frozenset[str] = frozenset()
    severities: Mapping[str, Severity | str] = dataclasses.field(default_factory=dict)  # or OFF
    options: Mapping[str, Mapping[str, Any]] = dataclasses.field(default_factory=dict)
    exclude: tuple[str, ...] = ()  # glob patterns of files to skip
    api_version: str = "v1.0"
    source: str | None = None  # the config file this came from, for messages

    def enabled(self, rule_id: str) -> bool:
        if self.select is not None and rule_id not in self.select:
            return False
        if rule_id in self.ignore:
            return False
        return self.severities.get(rule_id) != OFF

    def severity(self, rule_id: str, default: Severity) -> Severity:
        value = self.severities.get(rule_id)
        return value if isinstance(value, Severity) else default

    def rule_options(self, rule_id: str, defaults: Mapping[str, Any]) -> Mapping[str, Any]:
        merged = dict(defaults)
        merged.update(self.options.get(rule_id, {}))
        return merged
