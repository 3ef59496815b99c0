"""Scrub bearer tokens, JWTs and client secrets from any text before it is shown or logged."""

from __future__ import annotations

import re

_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"),
    # JWT-shaped: three base64url segments, the first starting with eyJ ('{"').
    re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"),
    re.compile(r"(?i)((?:client_secret|client_assertion|access_token|refresh_token)[\"']?\s*[=:]\s*[\"']?)[^\s&\"',}]+"),
)

_registered: set[str] = set()


def register_secret(value: str | None) -> None:
    """Remember a secret (a token, a client secret) so that `redact` removes it verbatim."""
    if value and len(value) >= 8:
        _registered.add(value)


def redact(text: str) -> str:
    """Return ``text`` with every known secret and token-shaped string replaced."""
    for secret in tuple(_registered):  # a worker's token refresh may add one meanwhile
        if secret in text:
            text = text.replace(secret, "***")
    for pattern in _PATTERNS:
        if pattern.groups:
            text = pattern.sub(lambda m: m.group(1) + "***", text)
        else:
            text = pattern.sub("***", text)
    return text
