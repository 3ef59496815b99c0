"""Where a UTF-8 decoding error stands, as an editor shows it (the YAML and JSON readers)."""

from __future__ import annotations


def error_position(raw: bytes, start: int) -> tuple[int, int]:
    """1-based line and column (in characters, as an editor counts) of the byte at ``start``."""
    before = raw[:start]
    line = before.count(b"\n") + 1
    line_start = before.rfind(b"\n") + 1
    column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
    return line, column
