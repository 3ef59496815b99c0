"""Graph's error response, as the emulator sends it.

Shape from ``concepts/errors.md`` and real bodies quoted in [S39] and apply-guarantees §1.3:
``{"error": {"code", "message", "innerError": {"date", "request-id", "client-request-id"}}}``.
Clients must branch on ``code``, never on ``message`` (errors.md), so a message the docs do not
quote is the emulator's own wording; docs/fakegraph.md lists which ones are unverified.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any


class GraphError(Exception):
    """A request Graph refuses: the status, the error code and message, and extra headers."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        headers: Mapping[str, str] | None = None,
        inner: Mapping[str, Any] | None = None,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})
        self.inner = dict(inner or {})
        self.details = details


def graph_date(moment: datetime.datetime | None = None) -> str:
    """``innerError.date`` as Graph writes it: UTC, seconds, no zone suffix."""
    moment = moment or datetime.datetime.now(datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def envelope(error: GraphError, request_id: str, client_request_id: str) -> dict[str, Any]:
    """The JSON body of ``error``, with the ids of the request it answers."""
    inner: dict[str, Any] = dict(error.inner)
    inner.update(
        {"date": graph_date(), "request-id": request_id, "client-request-id": client_request_id}
    )
    body: dict[str, Any] = {"code": error.code, "message": error.message}
    if error.details is not None:
        body["details"] = error.details
    body["innerError"] = inner
    return {"error": body}


def not_found(resource: str) -> GraphError:
    """404 for a missing directory object (partner, b2bManagementPolicy)."""
    return GraphError(
        404,
        "Request_ResourceNotFound",
        f"Resource '{resource}' does not exist or one of its queried reference-property objects "
        "are not present.",
    )


def segment_not_found(segment: str) -> GraphError:
    """400 for a URL segment Graph's model does not have (a beta-only path on v1.0, a typo)."""
    return GraphError(400, "BadRequest", f"Resource not found for the segment '{segment}'.")


def method_not_allowed() -> GraphError:
    """405 for a verb the resource does not support (``concepts/json-batching.md`` example)."""
    return GraphError(
        405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target."
    )
