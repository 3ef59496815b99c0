"""Is the repository's Conditional Access context still the tenant's? (``plan``)

Lint rules and the simulator read the CA policies in the repository's context files, never the
tenant's, so their verdicts are only as current as the context. ``plan`` therefore reads the live
policies (one list read, plus its pages, `b2blint.graph.conditionalaccess.POLICIES_PATH`) when
the tree has context, and says which policies differ: in the tenant only (added), in the
repository only (removed), or changed. Compared by ``id``; the fields in
`b2blint.graph.conditionalaccess.VOLATILE` are ignored (the tenant changes them by itself).

Reading CA needs ``Policy.Read.All`` [S120]. Without it (or on any other Graph error) the plan
is not refused: the check says "context not checked" and why. b2blint never writes CA.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from b2blint.files.document import Document
from b2blint.graph.conditionalaccess import (
    CONTEXT_KEY,
    CONTEXT_SECTION,
    POLICIES_PATH,
    VOLATILE,
    ContextEntry,
    ContextError,
    Difference,
    clean,
    compare,
)
from b2blint.identifiers import is_guid
from b2blint.printable import printable
from b2blint.tenant.client import GraphClient, GraphError

#: At most this many policies are named in text and Markdown (all of them are in JSON).
MAX_NAMED = 20
REFRESH = (
    f"refresh it with `b2blint export --tenant-id <tenant ID> --section {CONTEXT_SECTION} "
    "--merge --out <tree>` "
    "(or a new export)"
)


def repository_context(documents: Sequence[Document]) -> list[ContextEntry] | None:
    """Every context policy in the tree, with ``file:line``; None when no file has context."""
    entries: list[ContextEntry] = []
    found = False
    for document in documents:
        data = document.data
        if not isinstance(data, dict) or CONTEXT_KEY not in data:
            continue
        found = True
        policies = data[CONTEXT_KEY]
        if not isinstance(policies, list):
            continue  # the schema reports it; nothing to compare
        for index, policy in enumerate(policies):
            if isinstance(policy, dict):
                line, _ = document.position((CONTEXT_KEY, index))
                entries.append(ContextEntry(policy, f"{document.path}:{line}"))
    return entries if found else None


def read_live_policies(client: GraphClient) -> list[dict[str, Any]]:
    """The tenant's policies, as a context file keeps them; a policy whose id is not a GUID is
    a malformed response (`GraphError`)."""
    items = client.list(POLICIES_PATH)
    policies: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        if not is_guid(item.get("id")):
            raise GraphError(
                f"Conditional Access policy {index + 1} of the list has no GUID id "
                "(malformed response)",
                method="GET",
                url=POLICIES_PATH,
                code="MalformedResponse",
            )
        try:
            policies.append(clean(item))
        except ContextError as error:
            raise GraphError(
                f"Conditional Access policy {index + 1}: {error.message} (malformed response)",
                method="GET",
                url=POLICIES_PATH,
                code="MalformedResponse",
            ) from None
    return policies


def check_context(
    client: GraphClient, entries: Sequence[ContextEntry]
) -> tuple[dict[str, Any], list[dict[str, Any]] | None]:
    """Read the live policies and compare: the result as plan JSON (``context`` of a plan), and
    the live policies (None when they could not be read) for the plan's access section, whose
    "before" side they are.

    A Graph error (a 403 without ``Policy.Read.All`` above all) makes the result "not
    checked", with the reason; it never fails the plan.
    """
    before = client.requests_sent
    try:
        live = read_live_policies(client)
    except GraphError as error:
        return {
            "checked": False,
            "reason": error.message,
            "requests": client.requests_sent - before,
            "policies": {"repository": len(entries)},
        }, None
    differences = compare(entries, live)
    return {
        "checked": True,
        "reason": None,
        "requests": client.requests_sent - before,
        "policies": {"repository": len(entries), "tenant": len(live)},
        "ignored": sorted(VOLATILE),
        "stale": bool(differences),
        "differences": [_difference(d) for d in differences],
    }, live


def _difference(difference: Difference) -> dict[str, Any]:
    return {
        "change": difference.kind,
        "id": difference.id,
        "displayName": difference.display_name,
        "where": difference.where,
        "properties": list(difference.properties),
    }


def _label(item: Mapping[str, Any]) -> str:
    name = item.get("displayName")
    shown = f"'{printable(name)}' " if isinstance(name, str) else ""
    return f"{shown}({printable(str(item.get('id')))})"


def _line(item: Mapping[str, Any]) -> str:
    where = item.get("where")
    at = f" at {printable(str(where))}" if where else ""
    change = item.get("change")
    if change == "added":
        return f"{_label(item)} is in the tenant, not in the repository"
    if change == "removed":
        return f"{_label(item)}{at} is no longer in the tenant"
    properties = [printable(str(p)) for p in item.get("properties", ())]
    return f"{_label(item)}{at} differs: {', '.join(properties)}"


def summary(check: Mapping[str, Any]) -> str:
    """One line: matches, stale (with counts), or not checked (with the reason)."""
    if not check.get("checked"):
        return f"context not checked: {printable(str(check.get('reason')))}"
    counts = check.get("policies", {})
    if not check.get("stale"):
        return (
            f"the Conditional Access context matches the tenant ({counts.get('tenant', 0)} "
            f"polic{'y' if counts.get('tenant') == 1 else 'ies'})"
        )
    kinds = [d.get("change") for d in check.get("differences", ())]
    parts = [f"{kinds.count(k)} {k}" for k in ("added", "removed", "changed") if k in kinds]
    return (
        "the Conditional Access context in the repository is stale against the tenant "
        f"({', '.join(parts)}); lint and simulate verdicts used the repository's copy: "
        f"{REFRESH}"
    )


_SIGNS = {"added": "+", "removed": "-", "changed": "~"}


def lines(check: Mapping[str, Any], signs: bool = False) -> list[str]:
    """The policies that differ, one line each (at most `MAX_NAMED`, then how many more);
    ``signs``: each starts with ``+``/``-``/``~`` as the plan's changes do."""
    differences = list(check.get("differences", ()))
    shown = [
        (f"{_SIGNS.get(str(d.get('change')), '.')} " if signs else "") + _line(d)
        for d in differences[:MAX_NAMED]
    ]
    if len(differences) > MAX_NAMED:
        shown.append(f"... {len(differences) - MAX_NAMED} more (all of them in --format json)")
    return shown


def render_text(check: Mapping[str, Any]) -> list[str]:
    """The plan's text section: a heading, the summary and the policies that differ."""
    mark = "!" if not check.get("checked") or check.get("stale") else " "
    named = [f"    {line}" for line in lines(check, signs=True)]
    return ["", "Conditional Access context (read-only):", f"  {mark} {summary(check)}", *named]


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("`", "'")


def render_markdown(check: Mapping[str, Any]) -> list[str]:
    """The plan's Markdown section: a WARNING callout when stale or not checked."""
    if check.get("checked") and not check.get("stale"):
        return ["", f"_{_md(summary(check))}._"]
    out = ["", "> [!WARNING]", f"> {_md(summary(check))}"]
    out += [f"> - {_md(line)}" for line in lines(check)]
    return out
