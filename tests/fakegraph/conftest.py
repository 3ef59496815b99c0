"""Fixtures for the emulator's own tests: a fresh fake per test, and a Graph caller.

Every request goes over real HTTP to 127.0.0.1; nothing is mocked.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fakegraph_support import TENANT, TIMEOUT, Api

from b2blint.fakegraph.server import RunningFake, start


@pytest.fixture
def fake() -> Iterator[RunningFake]:
    with start(tenant_id=TENANT) as running:
        yield running


@pytest.fixture(scope="session")
def http() -> Iterator[httpx.Client]:
    """One HTTP client for the session (building one costs more than a fake does)."""
    with httpx.Client(timeout=TIMEOUT) as client:
        yield client


@pytest.fixture
def api(fake: RunningFake, http: httpx.Client) -> Api:
    return Api(fake, client=http)


@pytest.fixture
def beta(api: Api) -> Api:
    return api.as_version("beta")


@pytest.fixture
def strict(http: httpx.Client) -> Iterator[Api]:
    """An emulator that refuses read-only properties with 400 (``read_only_writes="refuse"``)."""
    with start(tenant_id=TENANT, read_only_writes="refuse") as running:
        yield Api(running, client=http)
