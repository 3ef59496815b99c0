"""A few lines of a policy document around a finding, as a report shows them.

The lines come from the `Document` the run parsed (its text as read, or, for ``audit``, the
YAML the exporter built from the live tenant in memory), never from a second read of the disk:
the excerpt is what was linted. Lines are cut at `MAX_LINE_CHARS` (a 5 MB file may be one
flow-style line). The text is returned raw: each format escapes it its own way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from b2blint.files.document import Document

#: Lines shown before and after the finding's line.
BEFORE, AFTER = 2, 2
MAX_LINE_CHARS = 160


class ExcerptLine(NamedTuple):
    number: int  # 1-based
    text: str
    hit: bool  # the finding's line


class Excerpts:
    """Excerpts from the documents of one run, by file; each document's lines split once."""

    def __init__(self, documents: Sequence[Document]) -> None:
        self._documents = {document.path: document for document in documents}
        self._lines: dict[str, list[str]] = {}

    def around(self, file: str, line: int) -> list[ExcerptLine]:
        """The lines around ``line`` of ``file``; [] when the run has no such document."""
        lines = self._lines.get(file)
        if lines is None:
            document = self._documents.get(file)
            if document is None:
                return []
            lines = self._lines[file] = document.text.splitlines()
        if not 1 <= line <= len(lines):
            return []
        first, last = max(1, line - BEFORE), min(len(lines), line + AFTER)
        return [
            ExcerptLine(number, _cut(lines[number - 1]), number == line)
            for number in range(first, last + 1)
        ]


def _cut(text: str) -> str:
    return text if len(text) <= MAX_LINE_CHARS else text[: MAX_LINE_CHARS - 1] + "…"
