"""One answer of the emulator, before it becomes HTTP bytes."""

from __future__ import annotations

import dataclasses
from typing import Any


@dataclasses.dataclass
class Reply:
    """Status, JSON body (None: no body) and headers; ``drop`` closes the socket unanswered."""

    status: int
    body: Any = None
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    drop: bool = False
    #: The body is sent as these exact bytes (a scripted ``respond`` fault), not as JSON.
    raw: bytes | None = None
