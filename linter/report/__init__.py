"""Reporters: turn a `LintResult` into text for one output format. No rule ever prints.

`REPORTERS` maps a ``--format`` name to ``"module:function"``; the function takes the result
and the rule catalog and returns the whole output as a string (written atomically with
``--output``). Modules are imported only when their format is used.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from b2blint.engine import LintResult
    from b2blint.rules._rule import Rule

Reporter = Callable[["LintResult", "Sequence[Rule]"], str]

REPORTERS: dict[str, str] = {
    "text": "b2blint.report.text:render",
    "json": "b2blint.report.json_:render",
}


def get_reporter(name: str) -> Reporter:
    module_name, _, attribute = REPORTERS[name].partition(":")
    reporter: Reporter = getattr(import_module(module_name), attribute)
    return reporter
