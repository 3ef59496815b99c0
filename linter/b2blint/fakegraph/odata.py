"""OData query options, ``@odata.context`` and server-driven paging, as Graph does them.

* ``$select``/``$expand`` (the ``$`` is optional in Graph; names are matched case-insensitively);
  an unknown name is 400 "Could not find a property named ..." (``concepts/query-parameters.md``).
* Paging: a collection longer than the page size ends with ``@odata.nextLink``, an absolute URL
  with an opaque ``$skiptoken`` the client must follow verbatim (``concepts/paging.md``).
  ``$top`` shrinks the page (never grows it).
* The list APIs here document ``$select`` and ``$expand`` only [S17]; other options
  (``$filter``, ``$orderby``, ``$search``, ``$count``, ``$skip``) get 400 (the emulator's choice).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, quote

from .errors import GraphError
from .schema import qualified

GRAPH_ROOT = "https://graph.microsoft.com"
SUPPORTED = ("select", "expand", "top", "skiptoken")
UNSUPPORTED = ("filter", "orderby", "search", "count", "skip", "format", "apply", "compute")


@dataclasses.dataclass(frozen=True)
class Query:
    """The OData options of one request."""

    select: tuple[str, ...] = ()
    expand: tuple[str, ...] = ()
    top: int | None = None
    skip: int = 0
    raw: tuple[tuple[str, str], ...] = ()


def _bad(message: str) -> GraphError:
    return GraphError(400, "BadRequest", message)


def parse_query(query: str) -> Query:
    """Parse a query string; 400 for an option these APIs do not support."""
    pairs = parse_qsl(query, keep_blank_values=True)
    select: list[str] = []
    expand: list[str] = []
    top: int | None = None
    skip = 0
    for key, value in pairs:
        name = key.lower().lstrip("$")
        if name in UNSUPPORTED and (key.startswith("$") or name in ("filter", "orderby", "search")):
            raise GraphError(
                400, "Request_UnsupportedQuery", f"The query option '{key}' is not supported."
            )
        if name == "select":
            select.extend(part.strip() for part in value.split(",") if part.strip())
        elif name == "expand":
            expand.extend(part.strip() for part in value.split(",") if part.strip())
        elif name == "top":
            if not value.isdigit() or not 1 <= int(value) <= 999:
                raise _bad(
                    f"Invalid page size specified: '{value}'. Must be between 1 and 999 inclusive."
                )
            top = int(value)
        elif name == "skiptoken":
            skip = _decode_skiptoken(value)
    return Query(tuple(select), tuple(expand), top, skip, tuple(pairs))


def _decode_skiptoken(token: str) -> int:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("ascii")
    except (binascii.Error, ValueError, UnicodeError):
        text = ""
    prefix, _, number = text.partition(":")
    if prefix != "fakegraph" or not number.isdigit():
        raise GraphError(400, "Request_BadRequest", "Invalid $skiptoken value.")
    return int(number)


def _encode_skiptoken(offset: int) -> str:
    raw = base64.urlsafe_b64encode(f"fakegraph:{offset}".encode("ascii"))
    return raw.decode("ascii").rstrip("=")


def resolve_names(
    names: Iterable[str], known: Iterable[str], type_name: str, *, what: str = "property"
) -> tuple[str, ...]:
    """Canonical spellings of ``names`` among ``known``; 400 for one the type does not have."""
    by_lower = {name.lower(): name for name in known}
    out: list[str] = []
    for name in names:
        canonical = by_lower.get(name.lower())
        if canonical is None:
            raise _bad(
                f"Parsing OData Select and Expand failed: Could not find a {what} named "
                f"'{name}' on type '{qualified(type_name)}'."
            )
        out.append(canonical)
    return tuple(out)


def context(version: str, fragment: str) -> str:
    """``@odata.context`` as Graph writes it (always Graph's own host, like the real service)."""
    return f"{GRAPH_ROOT}/{version}/$metadata#{fragment}"


def select_fragment(base: str, select: tuple[str, ...], expand: tuple[str, ...]) -> str:
    """The context fragment of a projected collection, e.g. ``partners(tenantId,inboundTrust)``."""
    parts = list(select) + [f"{name}()" for name in expand]
    return f"{base}({','.join(parts)})" if parts else base


def project(item: dict[str, Any], select: tuple[str, ...]) -> dict[str, Any]:
    """``item`` with only the selected properties (annotations kept); all of it without $select."""
    if not select:
        return item
    return {k: v for k, v in item.items() if k in select or k.startswith("@")}


def page(
    items: list[dict[str, Any]],
    query: Query,
    page_size: int,
    origin: str,
    path: str,
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of ``items`` from the query's skiptoken, and the nextLink if more remain."""
    size = min(page_size, query.top) if query.top else page_size
    start = query.skip
    chunk = items[start : start + size]
    if start + size >= len(items):
        return chunk, None
    kept = [(k, v) for k, v in query.raw if k.lower().lstrip("$") != "skiptoken"]
    kept.append(("$skiptoken", _encode_skiptoken(start + size)))
    encoded = "&".join(f"{quote(k, safe='$')}={quote(v, safe='$,()')}" for k, v in kept)
    return chunk, f"{origin}{path}?{encoded}"
