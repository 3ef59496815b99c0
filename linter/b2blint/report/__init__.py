"""Reporters: turn a `LintResult` into text for one output format. No rule ever prints.

`REPORTERS` maps a ``--format`` name to ``"module:function"``; the function takes the result
and the rule catalog and returns the whole output as a string (written atomically with
``--output``). Modules are imported only when their format is used.

Formats meant for people also accept keyword-only presentation options, listed in
`PRESENTATION`: ``color`` (ANSI styling) and ``quiet`` (no summary line). Machine formats
(json, sarif) never change with them, so `get_reporter` passes each reporter only what it takes.
Reports that describe the run (html, junit) also take ``context``, a
`b2blint.report.context.ReportContext` (date, tenant, source, size limit, rules run).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from b2blint.lint.engine import LintResult
    from b2blint.report.context import ReportContext
    from b2blint.rules._rule import Rule

Reporter = Callable[["LintResult", "Sequence[Rule]"], str]

REPORTERS: dict[str, str] = {
    "text": "b2blint.report.text:render",
    "json": "b2blint.report.json_:render",
    "sarif": "b2blint.report.sarif:render",
    "github": "b2blint.report.github:render",
    "html": "b2blint.report.html:render",
    "junit": "b2blint.report.junit:render",
    "csv": "b2blint.report.csv_:render",
}

#: format -> the keyword-only presentation options its reporter accepts.
PRESENTATION: dict[str, frozenset[str]] = {
    "text": frozenset({"color", "quiet"}),
    "github": frozenset({"quiet"}),
    "html": frozenset({"context"}),
    "junit": frozenset({"context"}),
}


def accepts(name: str, option: str) -> bool:
    """Whether format ``name``'s reporter takes presentation option ``option``."""
    return option in PRESENTATION.get(name, ())


def get_reporter(
    name: str, *, color: bool = False, quiet: bool = False, context: ReportContext | None = None
) -> Reporter:
    module_name, _, attribute = REPORTERS[name].partition(":")
    reporter: Reporter = getattr(import_module(module_name), attribute)
    wanted: dict[str, object] = {"color": color, "quiet": quiet, "context": context}
    accepted = {key: wanted[key] for key in PRESENTATION.get(name, ()) if key in wanted}
    return functools.partial(reporter, **accepted) if accepted else reporter
