"""Emit NEW policy YAML files (import, export): plain data -> text in the house style.

House style: 2-space mappings, sequences indented ``  - ``, each access target as a flow
mapping (``{target: AllUsers, targetType: user}``), small all-scalar mappings such as
``inboundTrust`` on one line, a header comment, and optional end-of-line and trailing comments.
Only text is returned; callers write it with `b2blint.graph.treewriter.write_tree` or
`b2blint.files.fsutil.atomic_write_text`.

This is THE emitter for data that came from outside (Graph JSON): every key and string goes
through `scalar`, which writes it plain only when every YAML reader (libyaml's YAML 1.1 on the
lint path, YAML 1.2 tools) reads it back as that very string, single-quoted when it is printable,
and double-quoted with escapes otherwise. So a value can never end its line, start a comment,
open a key or a document, whatever it holds; and comments (`comment`) never carry a raw line
break or control character. Reading the text back with `b2blint.files.document.parse_text`
gives exactly ``data`` (tests/security/test_import_fuzz.py checks it with random hostile data).
No ruamel.yaml here: plain JSON-shaped data needs no round-trip machinery (importing 10,000
partners took 37 s with it, 6.9 s now, byte-identical output; most of the rest is file creation).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from b2blint.files.document import YAML11_BOOLEANS, resolve_plain

#: A mapping whose values are all scalars goes on one line if the line stays this short.
FLOW_WIDTH = 88
FLOW_MAX_KEYS = 3

# Plain only: ASCII word characters and a few harmless punctuation marks inside; no indicator
# at the start, no ':' or '#' anywhere (': ' starts a value, ' #' a comment), no ',[]{}'
# (flow indicators), no leading or trailing space. Non-ASCII letters are checked apart.
_PLAIN = re.compile(r"[A-Za-z0-9_/(][A-Za-z0-9 _./()+'@-]*(?<! )")
# What YAML 1.1 readers (PyYAML, older tools) resolve to something other than a string.
_YAML11_NOT_STRING = re.compile(
    r"""[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?
    |\.[0-9_]+(?:[eE][-+]?[0-9]+)?|\.(?:inf|Inf|INF))
    |\.(?:nan|NaN|NAN)|~|null|Null|NULL|true|True|TRUE|false|False|FALSE
    |[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*""",
    re.VERBOSE,
)
_PRINTABLE_ASCII = re.compile(r"[ -~]*")
_SHORT_ESCAPES = {
    "\0": "\\0",
    "\a": "\\a",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\v": "\\v",
    "\f": "\\f",
    "\r": "\\r",
    "\x1b": "\\e",
    '"': '\\"',
    "\\": "\\\\",
}


class UnwritableValue(ValueError):
    """A value no YAML file can hold (a lone surrogate, a non-finite JSON number)."""


def needs_escape(char: str) -> bool:
    """True for a character that must never appear raw in a policy file or a comment.

    Controls, format characters (bidi overrides, BOM), surrogates, private-use and unassigned
    code points, and the line/paragraph separators that YAML 1.1 (libyaml) reads as line breaks.
    """
    if " " <= char <= "~":
        return False
    return unicodedata.category(char)[0] == "C" or char in "\u2028\u2029"


def escaped(text: str) -> str:
    """``text`` with `needs_escape` characters as YAML double-quote escapes (``\\n``, ``\\e``)."""
    if _PRINTABLE_ASCII.fullmatch(text):
        return text
    return "".join(_escape(char) if needs_escape(char) else char for char in text)


def _escape(char: str) -> str:
    short = _SHORT_ESCAPES.get(char)
    if short is not None:
        return short
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def comment(line: str) -> str:
    """One comment line (``# ...``): never a raw line break or control character in it."""
    return f"# {escaped(line)}\n" if line else "#\n"


def scalar(value: Any) -> str:
    """A scalar (or key) as YAML text that every reader reads back as ``value`` exactly."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    text = str(value)
    if _plain_ok(text):
        return text
    if not _PRINTABLE_ASCII.fullmatch(text) and any(needs_escape(char) for char in text):
        for char in text:
            if "\ud800" <= char <= "\udfff":
                raise UnwritableValue(
                    f"lone surrogate U+{ord(char):04X}: not a Unicode character, so no "
                    "UTF-8 file can hold it"
                )
        return (
            '"'
            + "".join(
                _escape(char) if needs_escape(char) or char in '"\\' else char for char in text
            )
            + '"'
        )
    return "'" + text.replace("'", "''") + "'"


def _float(value: float) -> str:
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    if "e" in text and "." not in text:  # YAML 1.1 needs the dot: 1e-05 -> 1.0e-05
        text = text.replace("e", ".0e", 1)
    return text


def _plain_ok(text: str) -> bool:
    if not text.isascii():
        ascii_only = "".join(
            "a" if unicodedata.category(char)[0] in "LMN" else char for char in text
        )
        if not ascii_only.isascii() or unicodedata.category(text[0])[0] not in "LN":
            return False
        text_check = ascii_only
    else:
        text_check = text
    if _PLAIN.fullmatch(text_check) is None:
        return False
    if text in YAML11_BOOLEANS or _YAML11_NOT_STRING.fullmatch(text):
        return False
    return isinstance(resolve_plain(text), str)


def dump_yaml(
    data: Mapping[str, Any],
    *,
    header: Sequence[str] = (),
    key_comments: Mapping[str, str] | None = None,
    footer: Sequence[str] = (),
) -> str:
    """Render ``data`` as a policy YAML document and return the text.

    ``header`` and ``footer`` are comment lines (without ``#``); ``key_comments`` puts an
    end-of-line comment after top-level keys. Raises `UnwritableValue`.
    """
    out: list[str] = [comment(line) for line in header]
    comments = key_comments or {}
    if not data:
        out.append("{}\n")
    for key, value in data.items():
        note = comments.get(key)
        suffix = f"  # {escaped(note)}" if note else ""
        _entry(out, key, value, 0, 2, suffix=suffix, force_block=note is not None)
    out.extend(comment(line) for line in footer)
    return "".join(out)


def _entry(
    out: list[str],
    key: Any,
    value: Any,
    column: int,
    width_indent: int,
    *,
    suffix: str = "",
    force_block: bool = False,
) -> None:
    """``key: value`` at ``column``; ``width_indent`` feeds the one-line decision."""
    pad = " " * column
    name = scalar(str(key))
    if isinstance(value, Mapping) and value:
        if not force_block and _one_line(value, width_indent, name):
            out.append(f"{pad}{name}: {_flow(value)}{suffix}\n")
            return
        out.append(f"{pad}{name}:{suffix}\n")
        for child_key, child in value.items():
            _entry(out, child_key, child, column + 2, width_indent + 2)
        return
    if isinstance(value, (list, tuple)) and value:
        out.append(f"{pad}{name}:{suffix}\n")
        for item in value:
            _item(out, item, column + 2, width_indent + 4)
        return
    out.append(f"{pad}{name}: {_inline(value)}{suffix}\n")


def _item(out: list[str], value: Any, column: int, width_indent: int) -> None:
    """One ``- item`` of a block sequence; its dash at ``column``."""
    pad = " " * column
    if isinstance(value, Mapping) and value and not _one_line(value, width_indent, ""):
        lines: list[str] = []
        for child_key, child in value.items():
            _entry(lines, child_key, child, column + 2, width_indent + 2)
        first = lines[0]
        out.append(f"{pad}- {first[column + 2 :]}")
        out.extend(lines[1:])
        return
    if isinstance(value, (list, tuple)) and value:
        out.append(f"{pad}- {_flow(value)}\n")
        return
    out.append(f"{pad}- {_inline(value)}\n")


def _inline(value: Any) -> str:
    if isinstance(value, (Mapping, list, tuple)):
        return _flow(value)
    return scalar(value)


def _flow(value: Any) -> str:
    """A container on one line: ``{a: 1, b: [x, y]}``. Plain scalars never hold ``,[]{}``."""
    if isinstance(value, Mapping):
        inner = ", ".join(f"{scalar(str(k))}: {_flow(v)}" for k, v in value.items())
        return "{" + inner + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_flow(item) for item in value) + "]"
    return scalar(value)


def _one_line(value: Mapping[str, Any], indent: int, key: str) -> bool:
    """Access targets always; other small all-scalar mappings when they fit."""
    if not value:
        return True
    if any(isinstance(child, (Mapping, list, tuple)) for child in value.values()):
        return False
    if set(value) <= {"target", "targetType"}:
        return True
    if len(value) > FLOW_MAX_KEYS:
        return False
    rendered = ", ".join(f"{scalar(str(k))}: {scalar(v)}" for k, v in value.items())
    return indent + len(key) + len(rendered) + 4 <= FLOW_WIDTH
