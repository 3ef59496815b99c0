"""Load the shipped JSON Schemas and bundle them into one self-contained schema.

`schemas/` keeps one file per Microsoft Graph type (so each can be used on its own, e.g. with
check-jsonschema on a Graph response) plus one file per b2blint document kind. The validators
need a single schema: this module inlines every file into ``$defs`` and rewrites the relative
``$ref``s to ``#/$defs/<name>``. Two derived forms exist:

* the *full* bundle, used by jsonschema for the exact error list and by the annotation walk
  (read-only and beta-only properties are declared, so they are reported by their own rules);
* the *strict* bundle for the compiled accept path, in which read-only properties, properties
  in neither Graph metadata (and, for v1.0, beta-only ones; for beta, v1.0-only ones) are
  removed, so any document that needs a closer look fails fast.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any

POLICY_SCHEMA = "b2blint-policy"
API_VERSIONS = ("v1.0", "beta")
READ_ONLY = "readOnly"
BETA_ONLY = "x-b2blint-beta-only"
#: In the v1.0 metadata only [S60][S61]: stripped from the beta strict bundle.
V1_ONLY = "x-b2blint-v1-only"
#: In neither metadata (seen in responses only) [S60][S61]: never written, stripped from both.
UNDOCUMENTED = "x-b2blint-undocumented"

Schema = dict[str, Any]


def _schema_files() -> dict[str, Schema]:
    """Every shipped schema by its short name (``graph/<type>`` or ``<kind>``)."""
    from importlib import resources  # ~5 ms: only the explain path and the tools need it

    root = resources.files("b2blint.schemas")
    found: dict[str, Schema] = {}
    for entry in root.iterdir():
        if entry.name.endswith(".json"):
            found[entry.name[: -len(".json")]] = json.loads(entry.read_text("utf-8"))
    graph = root.joinpath("graph")
    if graph.is_dir():
        for entry in graph.iterdir():
            if entry.name.endswith(".json"):
                found["graph/" + entry.name[: -len(".json")]] = json.loads(entry.read_text("utf-8"))
    return found


def _def_name(short_name: str) -> str:
    return short_name.removeprefix("graph/")


def _rewrite_refs(node: Any, base: str) -> Any:
    """Turn file-relative refs into ``#/$defs/<name>`` refs (in place)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            target = ref.split("#", 1)[0].removesuffix(".json")
            target = target.rsplit("/", 1)[-1]
            node["$ref"] = f"#/$defs/{target}"
        for value in node.values():
            _rewrite_refs(value, base)
    elif isinstance(node, list):
        for item in node:
            _rewrite_refs(item, base)
    return node


@cache
def full_bundle(kind: str = POLICY_SCHEMA) -> Schema:
    """The document schema ``kind`` with every Graph type inlined under ``$defs``."""
    files = _schema_files()
    if kind not in files:
        raise KeyError(f"no schema named {kind!r}")
    root = copy.deepcopy(files[kind])
    root.pop("$id", None)
    defs: dict[str, Schema] = dict(root.pop("$defs", {}) or {})
    for short_name, schema in files.items():
        if not short_name.startswith("graph/"):
            continue
        inlined = copy.deepcopy(schema)
        for key in ("$id", "$schema"):
            inlined.pop(key, None)
        defs[_def_name(short_name)] = inlined
    root["$defs"] = defs
    return _rewrite_refs(root, kind)  # type: ignore[no-any-return]


def _strip(node: Any, api_version: str) -> Any:
    if isinstance(node, dict):
        properties = node.get("properties")
        if isinstance(properties, dict):
            for name in [
                name
                for name, sub in properties.items()
                if isinstance(sub, dict)
                and (
                    sub.get(READ_ONLY)
                    or sub.get(UNDOCUMENTED)
                    or sub.get(BETA_ONLY if api_version == "v1.0" else V1_ONLY)
                )
            ]:
                del properties[name]
            required = node.get("required")
            if isinstance(required, list):
                node["required"] = [name for name in required if name in properties]
        for value in node.values():
            _strip(value, api_version)
    elif isinstance(node, list):
        for item in node:
            _strip(item, api_version)
    return node


def strict_bundle(api_version: str, kind: str = POLICY_SCHEMA) -> Schema:
    """The accept-path schema: no read-only or undocumented properties, no beta-only ones for
    v1.0 and no v1.0-only ones for beta."""
    if api_version not in API_VERSIONS:
        raise ValueError(f"unknown Graph API version {api_version!r}")
    return _strip(copy.deepcopy(full_bundle(kind)), api_version)  # type: ignore[no-any-return]


def bundle_fingerprint() -> str:
    """A digest of the schemas the policy validators are built from (the policy schema and
    graph/*), so a stale compiled validator is detected. The config schema is not one of them:
    it is regenerated with the rule catalog and must not make the validators stale."""
    import hashlib

    digest = hashlib.sha256()
    for name, schema in sorted(_schema_files().items()):
        if name != POLICY_SCHEMA and not name.startswith("graph/"):
            continue
        digest.update(name.encode())
        digest.update(json.dumps(schema, sort_keys=True, separators=(",", ":")).encode())
    return digest.hexdigest()[:16]
