"""The b2bManagementPolicy ``definition`` string <-> the policy file's ``invitationDomains``.

The domain allow/block list lives inside a JSON *string*, ``definition[0]`` of the beta
b2bManagementPolicy [S25]. Known sections (from the legacy AzureADPreview docs and third-party
DSC/Terraform examples [S33b][S47])::

    {"B2BManagementPolicy": {
        "InvitationsAllowedAndBlockedDomainsPolicy":
            {"AllowedDomains": [...]}  |  {"BlockedDomains": [...]},
        "AutoRedeemPolicy": {...}, "PreviewPolicy": {...}}}

b2blint manages only ``InvitationsAllowedAndBlockedDomainsPolicy``; its keys map
``AllowedDomains`` <-> ``allowedDomains`` and ``BlockedDomains`` <-> ``blockedDomains``, and any
other key passes through unchanged in both directions (so ``lint`` reports it instead of b2blint
dropping it). Every other section is *unmanaged*: import keeps it (as a comment in tenant.yaml)
and a write merges the managed section into the live definition, so it is never lost.

The Graph doc examples write the string as single-quoted pseudo-JSON,
``"{'B2BManagementPolicy':{'Version':1}}"``; `parse_definition` accepts that form too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

ROOT_KEY = "B2BManagementPolicy"
DOMAINS_SECTION = "InvitationsAllowedAndBlockedDomainsPolicy"
_TO_YAML = {"AllowedDomains": "allowedDomains", "BlockedDomains": "blockedDomains"}
_TO_GRAPH = {yaml_key: graph_key for graph_key, yaml_key in _TO_YAML.items()}


class DefinitionError(ValueError):
    """``definition[0]`` is neither JSON nor the docs' single-quoted pseudo-JSON."""


def parse_definition(text: str) -> dict[str, Any]:
    """Parse one definition string (JSON, or single-quoted pseudo-JSON) into a mapping."""
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as error:
        try:
            parsed = json.loads(_requote(text))
        except (json.JSONDecodeError, ValueError):
            message = f"definition is not JSON: {error.msg} at column {error.colno}"
            raise DefinitionError(message) from None
    if not isinstance(parsed, dict):
        raise DefinitionError("definition is not a JSON object")
    return parsed


def format_definition(definition: Mapping[str, Any]) -> str:
    """Serialize a definition mapping the way it is sent: compact, double-quoted JSON."""
    return json.dumps(definition, ensure_ascii=False, separators=(",", ":"))


def split_definition(definition: Mapping[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """Return (``invitationDomains`` or None, the definition without the managed section)."""
    rest: dict[str, Any] = json.loads(json.dumps(definition))
    root = rest.get(ROOT_KEY)
    if not isinstance(root, dict) or DOMAINS_SECTION not in root:
        return None, rest
    section = root.pop(DOMAINS_SECTION)
    if not isinstance(section, dict):
        root[DOMAINS_SECTION] = section
        return None, rest
    domains: dict[str, Any] = {
        _TO_YAML.get(str(key), str(key)): value for key, value in section.items()
    }
    return domains, rest


def merge_definition(
    invitation_domains: Mapping[str, Any], base: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """``base`` (the live definition, or nothing) with its domain section replaced."""
    merged: dict[str, Any] = json.loads(json.dumps(base)) if base else {}
    root = merged.get(ROOT_KEY)
    if not isinstance(root, dict):
        root = {}
        merged[ROOT_KEY] = root
    root[DOMAINS_SECTION] = {
        _TO_GRAPH.get(key, key): _copy(value) for key, value in invitation_domains.items()
    }
    return merged


def _copy(value: Any) -> Any:
    return json.loads(json.dumps(value))


def _requote(text: str) -> str:
    """Turn single-quoted strings into JSON strings; double-quoted ones are kept as they are."""
    out: list[str] = []
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char not in "'\"":
            out.append(char)
            index += 1
            continue
        quote = char
        index += 1
        chunk: list[str] = []
        while index < length and text[index] != quote:
            if text[index] == "\\" and index + 1 < length:
                escaped = text[index + 1]
                chunk.append(escaped if escaped in "'\"" else "\\" + escaped)
                index += 2
                continue
            chunk.append(text[index])
            index += 1
        if index >= length:
            raise ValueError("unterminated string")
        index += 1
        body = "".join(chunk)
        out.append(json.dumps(json.loads('"' + body.replace('"', '\\"') + '"')))
    return "".join(out)
