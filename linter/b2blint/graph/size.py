"""The serialized size of the cross-tenant access policy, for the size rule (XTA001).

Entra's troubleshooting guide measures the 25 KB policy object limit as the UTF-8 byte count of
the ``GET https://graph.microsoft.com/beta/policies/crosstenantaccesspolicy`` response, compared
with ``1024*25`` [S31] (whether the limit still applies is disputed, graph-facts §4).

What is counted, exactly: the compact JSON (no whitespace, non-ASCII as UTF-8) of ::

    {"@odata.context": CONTEXT,
     <crossTenantAccessPolicy properties as the policy sets them>,
     "default": {<default properties as set>},
     "partners": [{"tenantId": "...", <partner settings as set>}, ...]}

with settings that are null or all-null left out (they mean "inherit" [S2]; see
`without_unset`), ``default`` as ``{}`` when the policy does not set it, and these *not*
counted: identitySynchronization (a separate entity with its own endpoint [S17]), b2blint
metadata (``name``, ``cloud``, ``domains``, ``tenant``), and read-only fields Graph adds to a GET
(``id``, ``isServiceDefault`` ...). So the figure is what the policy files put into the object;
the service may add a little of its own on top.
"""

from __future__ import annotations

from collections.abc import Mapping
from json.encoder import encode_basestring
from typing import Any, NamedTuple

from b2blint.graph.values import compact_json_bytes, drop_unset, without_unset

CONTEXT = "https://graph.microsoft.com/beta/$metadata#policies/crossTenantAccessPolicy/$entity"
DEFAULT_LIMIT = 1024 * 25


class PolicySize(NamedTuple):
    """Bytes of the serialized policy and of its parts; the parts add up to ``total``.

    ``partners`` holds (tenantId, bytes) in policy order; a partner's bytes include the comma
    that separates it from the previous one. ``envelope`` is everything else: the context, the
    crossTenantAccessPolicy properties, braces, and the ``"default":``/``"partners":`` keys.
    """

    total: int
    envelope: int
    default: int
    partners: tuple[tuple[str, int], ...]


def policy_document(policy: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON object whose size is measured (see the module docstring)."""
    tidy = without_unset(policy)
    document: dict[str, Any] = {"@odata.context": CONTEXT}
    base = tidy.get("crossTenantAccessPolicy")
    if isinstance(base, dict):
        document.update(base)
    default = tidy.get("default")
    document["default"] = default if isinstance(default, dict) else {}
    document["partners"] = [_partner_object(entry) for entry in tidy.get("partners") or ()]
    return document


def policy_size(policy: Mapping[str, Any]) -> PolicySize:
    """`serialized_policy_bytes` with a breakdown by default and by partner.

    One serialization (lint runs this on every policy, XTA001): the compact JSON of an object
    is its members' JSON joined with fixed punctuation, so the envelope (with ``{}`` and ``[]``
    in place of the default and the partners), the default and each partner are serialized
    once each and added up. No deep copy: only the settings mappings are rebuilt without their
    unset entries, exactly as `without_unset` drops them.
    """
    envelope_document: dict[str, Any] = {"@odata.context": CONTEXT}
    base = policy.get("crossTenantAccessPolicy")
    if isinstance(base, Mapping):
        envelope_document.update(base)
    envelope_document["default"] = {}
    envelope_document["partners"] = []
    # Less the placeholder "{}", whose real bytes are `default`; "[]" stays as the brackets.
    envelope = _bytes(envelope_document) - 2
    default_value = policy.get("default")
    default = _bytes(drop_unset(dict(default_value)) if isinstance(default_value, Mapping) else {})
    partners: list[tuple[str, int]] = []
    for index, entry in enumerate(policy.get("partners") or ()):
        tenant, size = _partner_bytes(entry)
        partners.append((tenant, size + (1 if index else 0)))
    total = envelope + default + sum(size for _, size in partners)
    return PolicySize(total, envelope, default, tuple(partners))


#: ``{"tenantId":`` opens every partner object.
_TENANT_KEY = len('{"tenantId":')


def _partner_bytes(entry: Any) -> tuple[str, int]:
    """(tenantId, bytes) of one partner's object, without building it.

    ``{"tenantId":T,<settings members>}`` is the tenant's JSON after the fixed opening, then
    the settings object's JSON with its ``{`` turned into a comma (or just ``}`` when there
    are no settings): the same bytes as serializing the merged object, for a 5 MB file of
    52,000 partners at half the cost (issue 9 item 10).
    """
    if not isinstance(entry, dict):
        return "", _bytes(entry)
    settings = entry.get("settings")
    settings = drop_unset(settings) if isinstance(settings, dict) else {}
    if "tenantId" in settings:  # a settings key that overrides the tenant: merge for real
        item = _partner_object({**entry, "settings": settings})
        return str(item.get("tenantId", "")), _bytes(item)
    tenant = entry.get("tenantId")
    if type(tenant) is str:  # a string's JSON without the tree encoder (once per partner)
        quoted = encode_basestring(tenant)  # what the compact encoder writes for it
        tenant_bytes = len(quoted) if quoted.isascii() else len(quoted.encode("utf-8"))
    else:
        tenant_bytes = _bytes(tenant)
    size = _TENANT_KEY + tenant_bytes + (_bytes(settings) if settings else 1)
    return str(tenant), size


def _tidy_entry(entry: Any) -> Any:
    if isinstance(entry, dict) and isinstance(entry.get("settings"), dict):
        return {**entry, "settings": drop_unset(entry["settings"])}
    return entry


def serialized_policy_bytes(policy: Mapping[str, Any]) -> int:
    """UTF-8 bytes of the policy object as the size check measures it (module docstring)."""
    return _bytes(policy_document(policy))


def _partner_object(entry: Any) -> Any:
    if not isinstance(entry, dict):
        return entry
    settings = entry.get("settings")
    return {"tenantId": entry.get("tenantId"), **(settings if isinstance(settings, dict) else {})}


def _bytes(value: Any) -> int:
    return compact_json_bytes(value)
