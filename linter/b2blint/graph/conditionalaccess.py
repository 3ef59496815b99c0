"""Conditional Access policies as read-only context: recognise them in Graph JSON, clean them
for a context file, and compare a repository's context with the tenant's.

b2blint never writes Conditional Access (docs/graph.md, "Conditional Access context"). A context
file holds, under the top-level key `CONTEXT_KEY`, a list of Graph ``conditionalAccessPolicy``
bodies with Graph's property names (docs/format.md). What is kept of a body, and why:

* every property, as Graph returned it (b2blint does not own CA, so it drops nothing it might
  need later: ``createdDateTime``/``modifiedDateTime`` stay, for people to read);
* no ``@``-annotation at the top level (``@odata.context``, ``@odata.etag``, ...: response
  metadata, not policy);
* ``@odata.type`` inside the body: Graph writes it where the value is a derived type of the
  declared one, and for ``externalTenants`` (abstract ``conditionalAccessExternalTenants``) it
  is the only thing that tells ``conditionalAccessAllExternalTenants`` from
  ``conditionalAccessEnumeratedExternalTenants`` (https://learn.microsoft.com/graph/api/resources/
  conditionalaccessexternaltenants; [S121]). Other nested annotations are dropped.

Everything from outside is hostile: a policy must be a JSON object whose ``id`` is a GUID (the
ids Graph documents [S120]); ids and display names are only ever YAML values (the writer quotes
and escapes them) and never a path or a line of their own.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from b2blint.files.jsonpos import JsonPath, shown
from b2blint.identifiers import is_guid

#: The top-level key of a context file (docs/format.md).
CONTEXT_KEY = "conditionalAccessPolicies"
#: The name ``export --section`` takes for the context (not a managed section).
CONTEXT_SECTION = "conditionalAccess"
#: Where import and export write the context, relative to the tree.
CONTEXT_FILE = ("context", "conditional-access.yaml")
#: Graph's path of the list (v1.0) [S120].
POLICIES_PATH = "/identity/conditionalAccess/policies"
ODATA_TYPE = "microsoft.graph.conditionalaccesspolicy"

#: Read-only fields the tenant changes by itself, left out when the repository's context is
#: compared with the tenant: a policy saved again without a change gets a new
#: ``modifiedDateTime`` [S120]; ``createdDateTime`` and ``deletedDateTime`` say nothing about
#: what the policy requires. Only ``id`` identifies a policy.
VOLATILE = frozenset({"createdDateTime", "modifiedDateTime", "deletedDateTime"})

# "@odata.context" fragments (lower-case, after '#', query dropped): the docs' examples write
# "conditionalAccess/policies" [S120], the service "identity/conditionalAccess/policies".
_CONTEXT = re.compile(
    r"(?:identity/)?conditionalaccess/policies(?:\([^/]*\))?(?P<entity>/\$entity)?$"
)
# The properties a conditionalAccessPolicy has and no managed resource has [S120].
_SHAPE = frozenset({"conditions", "grantControls", "sessionControls"})
#: Nesting deeper than this is refused: Graph's policy bodies are a few levels deep.
MAX_DEPTH = 32


class ContextError(ValueError):
    """A body that says it is Conditional Access but is not usable; ``path`` locates it."""

    def __init__(self, message: str, path: JsonPath = ()) -> None:
        super().__init__(message)
        self.message = message
        self.path = path


@dataclasses.dataclass(frozen=True)
class CAPolicy:
    """One policy as a context file keeps it, and where it was found (``path`` in its body)."""

    data: Mapping[str, Any]
    path: JsonPath = ()

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def display_name(self) -> str | None:
        name = self.data.get("displayName")
        return name if isinstance(name, str) else None


def is_policy_shaped(obj: Mapping[str, Any]) -> bool:
    """Whether an object is a conditionalAccessPolicy, by ``@odata.type`` or by its shape."""
    odata_type = obj.get("@odata.type")
    if isinstance(odata_type, str):
        return odata_type.lstrip("#").lower() == ODATA_TYPE
    keys = {key for key in obj if "@" not in key}
    return "conditions" in keys and bool(keys & (_SHAPE | {"state"}))


def _context_kind(body: Mapping[str, Any]) -> str | None:
    """``list``/``entity`` for a CA ``@odata.context``; None for any other (or none)."""
    raw = body.get("@odata.context")
    if not isinstance(raw, str):
        return None
    match = _CONTEXT.match(raw.partition("#")[2].partition("?")[0].lower())
    if match is None:
        return None
    return "entity" if match.group("entity") else "list"


def recognize_policies(body: Any) -> list[CAPolicy] | None:
    """The policies of a saved ``GET /identity/conditionalAccess/policies`` page or of one policy
    (``GET .../policies/{id}``); None when ``body`` is not Conditional Access at all (then it is
    one of the managed resources, `b2blint.graph.recognize`). Raise `ContextError` on a body that
    is CA but unusable."""
    if isinstance(body, list):
        if body and all(isinstance(i, dict) and is_policy_shaped(i) for i in body):
            return [_policy(item, (index,)) for index, item in enumerate(body)]
        return None
    if not isinstance(body, dict):
        return None
    kind = _context_kind(body)
    value = body.get("value")
    if kind == "list" or (kind is None and isinstance(value, list) and _all_policies(value)):
        if not isinstance(value, list):
            raise ContextError("a list of Conditional Access policies needs a 'value' list")
        return [_item(item, ("value", index)) for index, item in enumerate(value)]
    if kind == "entity" or (kind is None and is_policy_shaped(body)):
        return [_policy(body, ())]
    return None


def _all_policies(items: list[Any]) -> bool:
    return bool(items) and all(isinstance(i, dict) and is_policy_shaped(i) for i in items)


def _item(item: Any, path: JsonPath) -> CAPolicy:
    if not isinstance(item, dict):
        raise ContextError("list item is not a JSON object (a conditionalAccessPolicy)", path)
    return _policy(item, path)


def _policy(obj: Mapping[str, Any], path: JsonPath) -> CAPolicy:
    odata_type = obj.get("@odata.type")
    if isinstance(odata_type, str) and odata_type.lstrip("#").lower() != ODATA_TYPE:
        raise ContextError(
            f"@odata.type {shown(odata_type)} is not a conditionalAccessPolicy", path
        )
    ident = obj.get("id")
    if not is_guid(ident):
        raise ContextError(
            f"conditionalAccessPolicy id {shown(ident)} is not a GUID "
            "(Graph gives every policy a GUID id; context is matched by it)",
            (*path, "id") if "id" in obj else path,
        )
    return CAPolicy(clean(obj, path), path)


def clean(obj: Mapping[str, Any], path: JsonPath = ()) -> dict[str, Any]:
    """A policy body as a context file keeps it: top-level annotations dropped, nested
    ``@odata.type`` kept, other nested annotations dropped (module docstring)."""
    return {
        key: _clean_value(value, (*path, key), 1) for key, value in obj.items() if "@" not in key
    }


def _clean_value(value: Any, path: JsonPath, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise ContextError(f"nested more than {MAX_DEPTH} levels deep", path)
    if isinstance(value, dict):
        return {
            key: _clean_value(item, (*path, key), depth + 1)
            for key, item in value.items()
            if "@" not in key or key == "@odata.type"
        }
    if isinstance(value, list):
        return [_clean_value(item, (*path, i), depth + 1) for i, item in enumerate(value)]
    return value


# ---- comparing the repository's context with the tenant ------------------------------------


@dataclasses.dataclass(frozen=True)
class ContextEntry:
    """One policy of the repository's context and where it is (``file:line``)."""

    data: Mapping[str, Any]
    where: str


@dataclasses.dataclass(frozen=True)
class Difference:
    """A policy that differs: ``kind`` is ``added`` (in the tenant only), ``removed`` (in the
    repository only) or ``changed``; ``properties`` are the dotted paths that differ."""

    kind: str
    id: str
    display_name: str | None
    where: str | None = None
    properties: tuple[str, ...] = ()


def normalized(value: Any) -> Any:
    """A value as compared: nulls, empty lists and empty objects are "not set" (a hand-written
    context may leave them out where Graph writes them), lists of scalars are sets (CA's lists
    are sets of ids and keywords), and ``@odata.type`` is compared without ``#`` or case."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key == "@odata.type" and isinstance(item, str):
                out[key] = item.lstrip("#").lower()
                continue
            kept = normalized(item)
            if kept is not None:
                out[key] = kept
        return out or None
    if isinstance(value, list):
        items = [normalized(item) for item in value]
        items = [item for item in items if item is not None]
        if not items:
            return None
        if all(isinstance(i, (str, int, float, bool)) for i in items):
            return sorted(items, key=lambda i: (type(i).__name__, str(i)))
        return items
    return value


def _comparable(policy: Mapping[str, Any]) -> Any:
    return normalized({k: v for k, v in policy.items() if k not in VOLATILE})


def differing_paths(before: Any, after: Any, prefix: str = "") -> Iterator[str]:
    """The dotted paths where two normalized values differ (a list is one leaf)."""
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after)):
            yield from differing_paths(before.get(key), after.get(key), f"{prefix}{key}.")
        return
    if before != after:
        yield prefix.rstrip(".") or "(the policy)"


def compare(
    repository: Sequence[ContextEntry], live: Iterable[Mapping[str, Any]]
) -> list[Difference]:
    """The policies that differ between the repository's context and the tenant, by id
    (case-insensitive): tenant-only first, then repository-only, then changed, each in order."""
    live_by_id: dict[str, Mapping[str, Any]] = {}
    for policy in live:
        ident = policy.get("id")
        if isinstance(ident, str):
            live_by_id.setdefault(ident.lower(), policy)
    repo_by_id: dict[str, ContextEntry] = {}
    for entry in repository:
        ident = entry.data.get("id")
        key = ident.lower() if isinstance(ident, str) else f"(no id) {entry.where}"
        repo_by_id.setdefault(key, entry)
    added = [
        Difference("added", str(p["id"]), _name(p))
        for key, p in live_by_id.items()
        if key not in repo_by_id
    ]
    removed = [
        Difference("removed", _ident(e.data), _name(e.data), e.where)
        for key, e in repo_by_id.items()
        if key not in live_by_id
    ]
    changed: list[Difference] = []
    for key, entry in repo_by_id.items():
        found = live_by_id.get(key)
        if found is None:
            continue
        paths = tuple(differing_paths(_comparable(entry.data), _comparable(found)))
        if paths:
            changed.append(
                Difference("changed", str(found["id"]), _name(found), entry.where, paths)
            )
    return [*added, *removed, *changed]


def _name(policy: Mapping[str, Any]) -> str | None:
    name = policy.get("displayName")
    return name if isinstance(name, str) else None


def _ident(policy: Mapping[str, Any]) -> str:
    ident = policy.get("id")
    return ident if isinstance(ident, str) else "(no id)"
