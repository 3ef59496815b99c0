"""Findings as every reporter sees them: rule, severity, exact position, message, JSON path."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any, NamedTuple

PathSegment = str | int
YamlPath = tuple[PathSegment, ...]


class Severity(str, enum.Enum):
    """How bad a finding is. ``error`` fails the run; ``warning`` fails it under ``--strict``."""

    ERROR = "error"
    WARNING = "warning"

    @property
    def rank(self) -> int:
        return 2 if self is Severity.ERROR else 1


class Position(NamedTuple):
    """A 1-based line and column, as editors, GitHub annotations and SARIF expect."""

    line: int
    column: int


class Location(NamedTuple):
    """A place in a policy file: the file, the position and the YAML path that leads there."""

    file: str
    position: Position
    path: YamlPath = ()

    @property
    def json_path(self) -> str:
        return json_path(self.path)


class RelatedLocation(NamedTuple):
    """A second place that explains a finding (e.g. the inherited default value)."""

    location: Location
    message: str


class Diagnostic(NamedTuple):
    """One finding, ready to report. Frozen and sortable by file, position, rule."""

    rule_id: str
    rule_name: str
    severity: Severity
    location: Location
    message: str
    related: tuple[RelatedLocation, ...] = ()
    fixable: bool = False

    @property
    def file(self) -> str:
        return self.location.file

    @property
    def line(self) -> int:
        return self.location.position.line

    @property
    def column(self) -> int:
        return self.location.position.column

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.column, self.rule_id, self.message)


def json_path(path: Sequence[PathSegment]) -> str:
    """``("partners", 0, "settings")`` -> ``$.partners[0].settings`` (quoted when needed)."""
    parts = ["$"]
    for segment in path:
        if isinstance(segment, int):
            parts.append(f"[{segment}]")
        elif segment.isidentifier():
            parts.append(f".{segment}")
        else:
            escaped = segment.replace("\\", "\\\\").replace("'", "\\'")
            parts.append(f"['{escaped}']")
    return "".join(parts)


def _sort_key(d: Diagnostic) -> tuple[str, int, int, str, str]:
    # `Diagnostic.sort_key` without its three property calls: a 5 MB file can hold 52,000.
    location = d.location
    position = location.position
    return (location.file, position.line, position.column, d.rule_id, d.message)


def sort_diagnostics(diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
    return sorted(diagnostics, key=_sort_key)


class Edit(NamedTuple):
    """One change to a policy file, by YAML path (spliced into the text by `files.yaml_edit`).

    ``op`` is ``set`` (value at path), ``delete`` (the key or item at path) or ``append``
    (value to the list at path). Paths refer to the document as the rule saw it, so several
    edits of one fix never need to account for each other's index shifts. ``line`` edits
    text outside the data (comments): ``path`` is ``(line_number,)`` and ``value`` the new
    text of that line, or None to remove the line; the data must stay the same.
    """

    op: str
    path: tuple[str | int, ...]
    value: Any = None


class Fix(NamedTuple):
    """A certain fix: edits to one file, described in one line."""

    file: str
    description: str
    edits: tuple[Edit, ...]
