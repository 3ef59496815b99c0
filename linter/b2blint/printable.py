"""Make untrusted text safe to show on a terminal or in a CI log: one sanitiser for every format.

File names, YAML keys, config rule names and Graph error bodies can hold any character. Raw,
an ESC starts a terminal escape sequence (clear the screen, set the window title, hide text),
a CR or LF forges a second ``b2blint: error:`` line, a C1 control (U+009B is CSI on some
terminals) or a Unicode line separator does the same on other viewers, and bidirectional
overrides reorder what is shown ("Trojan Source", CVE-2021-42574). A lone surrogate (a file
name whose bytes are not UTF-8, decoded with ``surrogateescape``) crashes the UTF-8 encoder.

`printable` turns every such character into a visible escape (``\\x1b``, ``\\n``, ``\\u202e``;
the undecodable byte 0xff of a file name becomes ``\\xff``), so the output stays one line per
message and shows what was there. Printable text, including any non-ASCII letter, passes
unchanged. Machine formats escape per their own spec instead (JSON escapes C0 controls itself;
`json_document` only makes lone surrogates encodable).
"""

from __future__ import annotations

_SINGLE_LINE: dict[int, str] = {}
_MULTI_LINE: dict[int, str] = {}


def _table(keep_newlines: bool) -> dict[int, str]:
    table = _MULTI_LINE if keep_newlines else _SINGLE_LINE
    if table:
        return table
    codes = [*range(0x20), 0x7F, *range(0x80, 0xA0)]  # C0, DEL, C1
    for code in codes:
        table[code] = f"\\x{code:02x}"
    table |= {ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"}
    # Line and paragraph separators, bidirectional embeddings, overrides and isolates.
    for code in (0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F):
        table[code] = f"\\u{code:04x}"
    for code in range(0xD800, 0xE000):  # lone surrogates
        table[code] = f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"
    if keep_newlines:
        del table[ord("\n")]
        del table[ord("\t")]
    return table


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with every control, separator, bidi override and lone surrogate escaped.

    With ``keep_newlines`` a LF (and TAB) stays: for multi-line output such as a rendered plan,
    where every line is ours; CR, ESC and the rest are still escaped.
    """
    if text.isprintable():  # the common case, checked in C
        return text
    return text.translate(_table(keep_newlines))


def json_document(document: str) -> str:
    """A ``json.dumps(..., ensure_ascii=False)`` result made UTF-8 encodable.

    A lone surrogate can only sit inside a string literal, so it is replaced there by the text
    ``\\xff`` (an escaped backslash, then ``xff``): valid JSON that reads like `printable`.
    """
    try:
        document.encode("utf-8")
    except UnicodeEncodeError:
        table = _table(False)
        return "".join(
            "\\" + table[ord(c)] if 0xD800 <= ord(c) < 0xE000 else c for c in document
        )
    return document
