"""Scrub bearer tokens, JWTs and client secrets from any text before it is shown or logged.

A registered secret is removed whole, and so is every piece of it 8 or more characters long,
even when the pieces are separated by characters that cannot occur in the secret (spaces,
newlines, quotes, control characters): a hostile server that reflects the token split across
``error.message`` and a header, or wrapped over lines, gets every piece replaced by ``***``
(attack F19). A JWT's pieces are matched ignoring letter case too: a server may echo the
token lowercased (export turns names into lowercase file names); a JWT is base64url, so this
cannot hit ordinary words, which a human-chosen secret (a certificate password) could.
Pieces shorter than 8 characters that are joined by characters of the secret's own alphabet
are the documented limit (docs/security.md).
"""

from __future__ import annotations

import bisect
import re
import threading
from typing import Any

#: The shortest piece of a registered secret that `redact` removes.
MIN_PIECE = 8

_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"),
    # JWT-shaped: three base64url segments, the first starting with eyJ ('{"').
    re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"),
    re.compile(r"(?i)((?:client_secret|client_assertion|access_token|refresh_token)[\"']?\s*[=:]\s*[\"']?)[^\s&\"',}]+"),
)


class _Secret:
    """A secret with its 8-character pieces (to find) and 4-character pieces (to look fast)."""

    def __init__(self, value: str) -> None:
        self.fold = value.startswith("eyJ") and value.count(".") == 2  # JWT-shaped
        folded = value.casefold() if self.fold else value
        self.pieces = {folded[i : i + MIN_PIECE] for i in range(len(folded) - MIN_PIECE + 1)}
        self.quarters = {folded[i : i + 4] for i in range(len(folded) - 3)}
        letters = value.lower() + value.upper() if self.fold else value
        self.runs = re.compile(f"[{re.escape(''.join(sorted(set(letters))))}]+")

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) in ``text`` of every stretch made of pieces of the secret.

        The text is first compacted to the characters the secret can contain, so separators
        between pieces do not hide them. Any 8-character piece contains a 4-character piece
        starting at a multiple of 4, so one cheap set lookup every 4 characters finds them all.
        """
        starts: list[int] = []  # compacted offset of each run
        origins: list[int] = []  # where that run starts in `text`
        chunks: list[str] = []
        size = 0
        for run in self.runs.finditer(text):
            starts.append(size)
            origins.append(run.start())
            chunks.append(run.group())
            size += run.end() - run.start()
        compact = "".join(chunks)
        if self.fold:
            folded = compact.casefold()
            if len(folded) == size:  # else casefold lengthened a character (ß -> ss)
                compact = folded
        marked: list[tuple[int, int]] = []
        for k in range(0, len(compact) - 3, 4):
            if compact[k : k + 4] not in self.quarters:
                continue
            for s in range(max(0, k - 4), k + 1):
                if compact[s : s + MIN_PIECE] in self.pieces:
                    marked.append((s, s + MIN_PIECE))
        if not marked:
            return []
        merged: list[tuple[int, int]] = []
        for start, end in sorted(marked):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))

        def original(offset: int) -> int:
            run = bisect.bisect_right(starts, offset) - 1
            return origins[run] + offset - starts[run]

        return [(original(start), original(end - 1) + 1) for start, end in merged]


_registered: dict[str, _Secret] = {}
_lock = threading.Lock()


def register_secret(value: str | None) -> None:
    """Remember a secret (a token, a client secret) so that `redact` removes it and its pieces."""
    if value and len(value) >= MIN_PIECE and value not in _registered:
        secret = _Secret(value)
        with _lock:
            _registered[value] = secret


def scrub_secrets(value: Any) -> Any:
    """``value`` (parsed JSON from the network) with every known secret and piece of one replaced
    in its strings, before anything of it is stored: a server that reflects the token into a
    display name must not get it into a file name, a policy file or a report. Only registered
    secrets are looked for (not token-shaped text, which legitimate data may resemble)."""
    with _lock:
        secrets = list(_registered.values())
    if not secrets:
        return value
    return _scrub(value, secrets)


def _scrub(value: Any, secrets: list[_Secret]) -> Any:
    if isinstance(value, str):
        return _replace_secrets(value, secrets) if len(value) >= MIN_PIECE else value
    if isinstance(value, dict):
        return {_scrub(key, secrets): _scrub(item, secrets) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item, secrets) for item in value]
    return value


def redact(text: str) -> str:
    """Return ``text`` with every known secret, piece of one, and token-shaped string replaced."""
    with _lock:
        secrets = list(_registered.values())  # a worker's token refresh may add one meanwhile
    text = _replace_secrets(text, secrets)
    for pattern in _PATTERNS:
        if pattern.groups:
            text = pattern.sub(lambda m: m.group(1) + "***", text)
        else:
            text = pattern.sub("***", text)
    return text


def _replace_secrets(text: str, secrets: list[_Secret]) -> str:
    if len(text) >= MIN_PIECE:
        # Every secret is looked for in the original text, then the union is replaced once:
        # replacing one secret's pieces first would cut another's into unrecognisable bits.
        spans = sorted(span for secret in secrets for span in secret.spans(text))
        if spans:
            parts: list[str] = []
            last = 0
            for start, end in spans:
                if start >= last:
                    parts += [text[last:start], "***"]
                elif end <= last:
                    continue
                last = max(last, end)
            parts.append(text[last:])
            text = "".join(parts)
    return text
