"""Read a saved Graph JSON response: the data, and the line and column of every value.

Python's `json` module says where a syntax error is but not where a value stands, and `import`
must point at the object it cannot use (``FILE:LINE:COL``). `load_json` parses with `json`
(strict: Graph never emits trailing commas or comments), refusing duplicate keys, which `json`
would silently resolve to the last one; when a position is asked for, the now-valid text is
walked once to record the offset of every value by its path.

Numbers Graph cannot have produced are refused with their position, not left to crash later:
``NaN``/``Infinity`` (not JSON, though `json` accepts them), numbers that overflow a double, and
numbers longer than `MAX_NUMBER_CHARS` (Python refuses to convert an int of over 4,300 digits;
Graph's numbers are Int32, Int64 or Double, OData CSDL "Primitive Types").
"""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import functools
import json
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

from b2blint.files.utf8 import error_position

JsonPath = tuple[str | int, ...]

_WHITESPACE = frozenset(" \t\n\r")
_SCALAR_END = frozenset(",]} \t\n\r")
#: Longer number tokens are refused: an Int64 has 19 digits, a round-tripping double 24 chars.
MAX_NUMBER_CHARS = 100


class JsonTextError(ValueError):
    """The text is not one valid JSON document; ``line``/``column`` are 1-based."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclasses.dataclass(frozen=True)
class JsonDocument:
    """Parsed JSON; positions (path -> 1-based line and column) are found when first asked.

    Only a refusal needs a position, so the index is built on demand: for a 100,000-partner
    response it would hold millions of paths (hundreds of MB) that a clean import never reads.
    """

    data: Any
    text: str

    @functools.cached_property
    def offsets(self) -> dict[JsonPath, int]:
        """The offset of every value in the text, by path."""
        offsets: dict[JsonPath, int] = {}
        with contextlib.suppress(RecursionError):
            _Scanner(self.text, offsets).value(_skip(self.text, 0), ())
        return offsets

    def position(self, path: JsonPath) -> tuple[int, int]:
        """Where the value at ``path`` starts; the deepest existing ancestor if it is missing."""
        for length in range(len(path), -1, -1):
            offset = self.offsets.get(path[:length])
            if offset is not None:
                return _line_col(self.text, offset)
        return (1, 1)


def decode_text(raw: bytes) -> str:
    """UTF-8 (BOM allowed) or BOM-marked UTF-16, which Windows PowerShell's ``>`` writes."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as error:
            raise JsonTextError(f"not valid UTF-16: {error.reason}", 1, 1) from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = error_position(raw, error.start)
        raise JsonTextError(
            f"not valid UTF-8 (byte 0x{raw[error.start]:02x}); save the response as UTF-8",
            line,
            column,
        ) from None


class _BadNumber(ValueError):
    """A number token `load_json` refuses; ``token`` is its text, ``why`` the message."""

    def __init__(self, token: str, why: str) -> None:
        super().__init__(why)
        self.token = token
        self.why = why


def _parse_int(token: str) -> int:
    if len(token) > MAX_NUMBER_CHARS:
        raise _BadNumber(
            token, f"number of {len(token):,} characters is too long (at most {MAX_NUMBER_CHARS})"
        )
    return int(token)


def _parse_float(token: str) -> float:
    if len(token) > MAX_NUMBER_CHARS:
        raise _BadNumber(
            token, f"number of {len(token):,} characters is too long (at most {MAX_NUMBER_CHARS})"
        )
    value = float(token)
    if value in (float("inf"), float("-inf")):
        raise _BadNumber(token, f"number {token} is out of range (over a double's maximum)")
    return value


def _parse_constant(token: str) -> Any:
    raise _BadNumber(token, f"invalid JSON: {token} is not a JSON value")


def load_json(text: str) -> JsonDocument:
    """Parse ``text`` as one JSON value; raise `JsonTextError` with the position of a problem."""
    try:
        data = json.loads(
            text,
            object_pairs_hook=_object_without_duplicates,
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_parse_constant,
        )
    except _DuplicateKey:
        # The scanner finds the first duplicate in text order and says where it is.
        try:
            _Scanner(text, {}).value(_skip(text, 0), ())
        except RecursionError:
            raise JsonTextError("invalid JSON: nested too deeply", 1, 1) from None
        raise JsonTextError("invalid JSON: duplicate key", 1, 1) from None  # pragma: no cover
    except _BadNumber as error:
        line, column = _find_token(text, error.token)
        raise JsonTextError(error.why, line, column) from None
    except json.JSONDecodeError as error:
        raise JsonTextError(f"invalid JSON: {error.msg}", error.lineno, error.colno) from None
    except RecursionError:
        raise JsonTextError("invalid JSON: nested too deeply", 1, 1) from None
    return JsonDocument(data=data, text=text)


class _DuplicateKey(ValueError):
    pass


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refusing duplicate keys, which `json` would resolve to the last one."""
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _DuplicateKey
    return result


def _find_token(text: str, token: str) -> tuple[int, int]:
    """Where `json` met ``token``: its first occurrence as a whole token outside strings.

    The text is valid JSON up to that point, so the scanner reaches it first, in the same order.
    """
    found: list[int] = []
    with contextlib.suppress(_Found, IndexError, ValueError, RecursionError):
        _Scanner(text, {}, token, found).value(_skip(text, 0), ())
    return _line_col(text, found[0]) if found else (1, 1)


class _Found(Exception):
    pass


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line_starts = [0]
    index = text.find("\n")
    while index != -1 and index < offset:
        line_starts.append(index + 1)
        index = text.find("\n", index + 1)
    line = bisect.bisect_right(line_starts, offset)
    return (line, offset - line_starts[line - 1] + 1)


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in _WHITESPACE:
        index += 1
    return index


class _Scanner:
    """Walks text that `json.loads` already accepted, recording where each value starts."""

    def __init__(
        self,
        text: str,
        offsets: dict[JsonPath, int],
        token: str | None = None,
        found: list[int] | None = None,
    ) -> None:
        self.text = text
        self.offsets = offsets
        self.token = token  # stop at this scalar token (`_find_token`)
        self.found = found

    def value(self, index: int, path: JsonPath) -> int:
        text = self.text
        self.offsets[path] = index
        char = text[index]
        if char == "{":
            return self._object(index + 1, path)
        if char == "[":
            return self._array(index + 1, path)
        if char == '"':
            return int(scanstring(text, index + 1)[1])
        start = index
        while index < len(text) and text[index] not in _SCALAR_END:
            index += 1
        if self.token is not None and self.found is not None and text[start:index] == self.token:
            self.found.append(start)
            raise _Found
        return index

    def _object(self, index: int, path: JsonPath) -> int:
        text = self.text
        index = _skip(text, index)
        if text[index] == "}":
            return index + 1
        seen: set[str] = set()
        while True:
            index = _skip(text, index)
            key_at = index
            key, index = scanstring(text, index + 1)
            if key in seen:
                line, column = _line_col(text, key_at)
                raise JsonTextError(f"duplicate key '{key}' in one object", line, column)
            seen.add(key)
            index = _skip(text, index) + 1  # the ':'
            index = self.value(_skip(text, index), (*path, key))
            index = _skip(text, index)
            if text[index] == ",":
                index += 1
                continue
            return index + 1  # the '}'

    def _array(self, index: int, path: JsonPath) -> int:
        text = self.text
        index = _skip(text, index)
        if text[index] == "]":
            return index + 1
        position = 0
        while True:
            index = self.value(_skip(text, index), (*path, position))
            position += 1
            index = _skip(text, index)
            if text[index] == ",":
                index += 1
                continue
            return index + 1  # the ']'


def format_path(path: JsonPath) -> str:
    """``("value", 0, "tenantId")`` -> ``$.value[0].tenantId``: where a value is, for messages."""
    out = "$"
    for segment in path:
        if isinstance(segment, int):
            out += f"[{segment}]"
        elif segment.isidentifier():
            out += f".{segment}"
        else:
            out += "[" + json.dumps(segment) + "]"
    return out


_JSON_TYPES = {
    type(None): "null",
    bool: "a boolean",
    int: "a number",
    float: "a number",
    list: "a list",
    dict: "an object",
}


def shown(value: Any, limit: int = 60) -> str:
    """A JSON value for a one-line message: quoted, cut to ``limit`` characters and escaped.

    Escaped because it came from outside: a raw newline could forge a second error line, an
    ESC sequence could rewrite the terminal (`b2blint.files.yamlio.escaped`).
    """
    if not isinstance(value, str):
        return _JSON_TYPES.get(type(value), "a value")
    from b2blint.files.yamlio import escaped

    text = escaped(value[:limit]).replace("'", "\\'")
    return f"'{text}'" + ("..." if len(value) > limit else "")
