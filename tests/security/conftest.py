"""The emulator behind a hostile proxy, a sentinel token, and a policy tree to plan."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from b2blint.fakegraph.server import RunningFake
from b2blint.fakegraph.tokens import mint
from tests.security.hostile import HostileProxy
from tests.tenant.conftest import FABRIKAM, MFA_TRUST, TENANT, fake, partner, write_tree

__all__ = ["fake"]

#: The token's signature: recognisable, so a test can look for any piece of it.
SIGNATURE = "SENTINELxJWTxSIGNATURExVALUEx0123456789abcdef"
TOKEN = mint(TENANT) + SIGNATURE


def pieces(token: str = TOKEN, size: int = 8) -> set[str]:
    return {token[i : i + size] for i in range(len(token) - size + 1)}


def leaked(text: str, token: str = TOKEN) -> list[str]:
    """Every 8-character piece of ``token`` found in ``text``."""
    found = pieces(token)
    return [text[i : i + 8] for i in range(len(text) - 7) if text[i : i + 8] in found]


@pytest.fixture
def proxy(fake: RunningFake, monkeypatch: pytest.MonkeyPatch) -> Iterator[HostileProxy]:
    """A hostile proxy in front of the emulator; the CLI talks to it with the sentinel token."""
    with HostileProxy(fake.url) as running:
        monkeypatch.setenv("B2BLINT_GRAPH_URL", running.url)
        monkeypatch.setenv("B2BLINT_ACCESS_TOKEN", TOKEN)
        yield running


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "p", [partner(FABRIKAM, "Fabrikam", {"inboundTrust": MFA_TRUST})])
