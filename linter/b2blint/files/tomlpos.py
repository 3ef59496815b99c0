"""Line and column of keys and values in a TOML file, for config error messages.

`tomllib` parses TOML but keeps no positions. A config error must point at the offending
line (``pyproject.toml:14:11: ...``), so this lexer walks the same text once and records,
for every key path (table headers, dotted keys, inline tables, array items), where its key
and its value start. It runs only after `tomllib` accepted the text, and only when there is
an error to place, so it can be lenient: anything it does not understand is skipped.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from b2blint.diagnostics import PathSegment, Position

TomlPath = tuple[PathSegment, ...]
_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.keys: dict[TomlPath, int] = {}
        self.values: dict[TomlPath, int] = {}
        self.array_tables: dict[TomlPath, int] = {}

    # -- characters -------------------------------------------------------------------------
    def peek(self, offset: int = 0) -> str:
        index = self.i + offset
        return self.text[index] if index < len(self.text) else ""

    def skip_blank(self, newlines: bool) -> None:
        """Skip spaces, tabs, comments and (with ``newlines``) line breaks."""
        while self.i < len(self.text):
            char = self.text[self.i]
            if char in " \t" or (newlines and char in "\r\n"):
                self.i += 1
            elif char == "#":
                while self.i < len(self.text) and self.text[self.i] != "\n":
                    self.i += 1
            else:
                return

    def skip_line(self) -> None:
        while self.i < len(self.text) and self.text[self.i] != "\n":
            self.i += 1

    # -- tokens -----------------------------------------------------------------------------
    def string(self) -> str:
        """Read a string at the cursor and return its (unescaped enough) value."""
        quote = self.peek()
        triple = self.text.startswith(quote * 3, self.i)
        delimiter = quote * 3 if triple else quote
        self.i += len(delimiter)
        start = self.i
        while self.i < len(self.text):
            if quote == '"' and self.text[self.i] == "\\":
                self.i += 2
                continue
            if self.text.startswith(delimiter, self.i):
                end = self.i
                self.i += len(delimiter)
                while triple and self.peek() == quote and self.i - end < 5:
                    self.i += 1
                    end += 1
                return self.text[start:end]
            if not triple and self.text[self.i] == "\n":
                break
            self.i += 1
        return self.text[start : self.i]

    def key(self) -> list[tuple[str, int]]:
        """A dotted key: each part with its start index."""
        parts: list[tuple[str, int]] = []
        while True:
            self.skip_blank(False)
            start = self.i
            if self.peek() in ("'", '"'):
                parts.append((self.string(), start))
            else:
                while self.peek() and self.peek() in _BARE:
                    self.i += 1
                if self.i == start:
                    return parts
                parts.append((self.text[start : self.i], start))
            self.skip_blank(False)
            if self.peek() != ".":
                return parts
            self.i += 1

    def value(self, path: TomlPath) -> None:
        self.values.setdefault(path, self.i)
        char = self.peek()
        if char in ("'", '"'):
            self.string()
        elif char == "[":
            self.i += 1
            index = 0
            while True:
                self.skip_blank(True)
                if self.peek() in ("]", ""):
                    self.i += 1
                    return
                self.value((*path, index))
                index += 1
                self.skip_blank(True)
                if self.peek() == ",":
                    self.i += 1
        elif char == "{":
            self.i += 1
            while True:
                self.skip_blank(False)
                if self.peek() in ("}", "", "\n"):
                    self.i += 1
                    return
                if self.peek() == ",":
                    self.i += 1
                    continue
                self.pair(path)
        else:
            while self.peek() and self.peek() not in ",]}\r\n#":
                self.i += 1

    def pair(self, table: TomlPath) -> None:
        """``key = value`` relative to ``table``."""
        parts = self.key()
        if not parts:
            self.skip_line()
            return
        path = table
        for name, start in parts:
            path = (*path, name)
            self.keys.setdefault(path, start)
        self.skip_blank(False)
        if self.peek() != "=":
            self.skip_line()
            return
        self.i += 1
        self.skip_blank(False)
        self.value(path)

    def document(self) -> None:
        table: TomlPath = ()
        while True:
            self.skip_blank(True)
            if self.i >= len(self.text):
                return
            if self.peek() == "[":
                double = self.peek(1) == "["
                self.i += 2 if double else 1
                parts = self.key()
                path: TomlPath = ()
                for name, start in parts:
                    path = (*path, name)
                    self.keys.setdefault(path, start)
                if double:
                    index = self.array_tables.get(path, -1) + 1
                    self.array_tables[path] = index
                    path = (*path, index)
                    self.keys.setdefault(path, parts[-1][1] if parts else self.i)
                table = path
                self.skip_line()
            else:
                self.pair(table)
                self.skip_line()


class TomlPositions:
    """Positions of every key and value of one TOML text."""

    def __init__(self, text: str) -> None:
        lexer = _Lexer(text)
        lexer.document()
        self._keys = lexer.keys
        self._values = lexer.values
        self._line_starts = [0]
        for index, char in enumerate(text):
            if char == "\n":
                self._line_starts.append(index + 1)

    def _position(self, index: int) -> Position:
        line = bisect.bisect_right(self._line_starts, index) - 1
        return Position(line + 1, index - self._line_starts[line] + 1)

    def position(self, path: Sequence[PathSegment], *, key: bool = False) -> Position:
        """Where the value at ``path`` starts (its key with ``key=True``).

        A path that is not in the text resolves to its nearest ancestor that is.
        """
        current = tuple(path)
        while current:
            if key and current in self._keys:
                return self._position(self._keys[current])
            if current in self._values:
                return self._position(self._values[current])
            if current in self._keys:
                return self._position(self._keys[current])
            current = current[:-1]
            key = False
        return Position(1, 1)
