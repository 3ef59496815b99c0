"""Text made safe for XML 1.0: printable, only characters XML allows, markup escaped.

XML 1.0 has no escape for most control characters (``&#1;`` is itself invalid), nor for lone
surrogates or U+FFFE/U+FFFF: a parser rejects the whole document. `printable` already turns C0,
C1, bidi overrides and lone surrogates into visible escapes; what it leaves that XML forbids is
escaped the same way here, then ``& < > "`` become entities.
"""

from __future__ import annotations

import re

from b2blint.printable import printable

_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _visible(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def xml_text(text: str) -> str:
    """``text`` as XML character data or a double-quoted attribute value (one line)."""
    text = _NOT_XML.sub(_visible, printable(text))
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
