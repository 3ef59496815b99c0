"""Fixtures for the emulator's own tests: a fresh fake per test, and a Graph caller.

Every request goes over real HTTP to 127.0.0.1; nothing is mocked.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fakegraph_support import TENANT, Api

from b2blint.fakegraph.server import RunningFake, start


@pytest.fixture
def fake() -> Iterator[RunningFake]:
    with start(tenant_id=TENANT) as running:
        yield running


@pytest.fixture
def api(fake: RunningFake) -> Iterator[Api]:
    caller = Api(fake)
    yield caller
    caller.client.close()


@pytest.fixture
def beta(api: Api) -> Api:
    return api.as_version("beta")
