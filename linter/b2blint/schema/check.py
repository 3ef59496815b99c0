"""Schema pass: SCH001-SCH004 findings for one document, with exact positions.

Two speeds, one verdict:

* **accept path** — a validator compiled from the strict schema (``b2blint.schema._generated``) runs
  in about 30 ms on a 1,000-partner file. A document it accepts has no schema finding at all.
* **explain path** — only for a document the accept path rejects: jsonschema produces every
  error against the full schema, and a walk over the schema's annotations finds read-only
  (SCH003) and beta-only (SCH004) properties, which the strict schema leaves out on purpose.

Errors are mapped to findings that point where the fix goes: a wrong value at the value, an
unknown key at the key (with the exact Graph casing when only the case is wrong), a missing
required property at its parent mapping.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from importlib import import_module
from typing import Any, NamedTuple

from b2blint.diagnostics import YamlPath
from b2blint.files.document import YAML11_BOOLEANS
from b2blint.schema.bundle import (
    BETA_ONLY,
    POLICY_SCHEMA,
    READ_ONLY,
    UNDOCUMENTED,
    V1_ONLY,
    Schema,
    full_bundle,
)

GUID_PATTERN_MARK = "[0-9a-fA-F]{8}-"
_JSON_TYPES = {
    dict: "a mapping",
    list: "a list",
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    type(None): "null",
}


class SchemaFinding(NamedTuple):
    """One schema problem: which SCH rule, where (value or key), and what to do."""

    rule_id: str
    path: YamlPath
    message: str
    at_key: bool = False


def validate(data: Any, api_version: str = "v1.0") -> list[SchemaFinding]:
    """Every schema finding for one document's data (empty when it is valid)."""
    if _accepts(data, api_version):
        return []
    return _explain(data, api_version)


def _accepts(data: Any, api_version: str) -> bool:
    return compiled_accepts("validator_" + api_version.replace(".", "_"), data)


def compiled_accepts(validator: str, data: Any) -> bool:
    """The verdict of a compiled validator (``b2blint.schema._generated.<validator>``, made by
    `b2blint.schema.codegen`): the accept path that keeps jsonschema off a clean lint. False
    when the document is rejected, or the validator is not generated (a source checkout
    mid-edit): the caller then explains with jsonschema."""
    try:
        module = import_module(f"b2blint.schema._generated.{validator}")
    except ImportError:
        return False
    try:
        module.validate(data)
    except ValueError:
        return False
    return True


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(full_bundle(POLICY_SCHEMA))


#: Most schema findings reported for one document: 230,000 unknown keys (a 2.5 MB file) took
#: 7 s to explain and print. The rest are summed up in one last finding.
MAX_FINDINGS = 1_000
#: Above this many partners, jsonschema explains only the partners the compiled validator
#: rejects, one by one: walking a whole 5 MB file for one typo took 3-4 s.
SPLIT_PARTNERS = 64


def _explain(data: Any, api_version: str) -> list[SchemaFinding]:
    partners = data.get("partners") if isinstance(data, dict) else None
    if isinstance(partners, list) and len(partners) > SPLIT_PARTNERS:
        findings = _explain_by_partner(data, partners, api_version)
    else:
        findings = _explain_whole(data, api_version)
    unique: dict[tuple[str, YamlPath, bool, str], SchemaFinding] = {}
    for finding in findings:
        unique.setdefault((finding.rule_id, finding.path, finding.at_key, finding.message), finding)
        if len(unique) > MAX_FINDINGS:
            kept = list(unique.values())[:MAX_FINDINGS]
            return [
                *kept,
                SchemaFinding(
                    "SCH001",
                    (),
                    f"more than {MAX_FINDINGS:,} schema findings in this file; only the "
                    f"first {MAX_FINDINGS:,} are shown",
                ),
            ]
    return list(unique.values())


def _explain_whole(data: Any, api_version: str) -> Iterator[SchemaFinding]:
    for error in _validator().iter_errors(data):
        yield from _from_error(error)
    if isinstance(data, dict):
        yield from _annotation_findings(data, full_bundle(POLICY_SCHEMA), api_version)


def _explain_by_partner(
    data: dict[str, Any], partners: list[Any], api_version: str
) -> Iterator[SchemaFinding]:
    """The same findings as `_explain_whole`, with jsonschema run on failing partners only.

    The partner items schema does not depend on the rest of the document (only ``b2blint``
    is required at the top), so each partner is checked as ``{b2blint: 1, partners: [it]}``
    and its findings moved back to its index.
    """
    yield from _explain_whole({**data, "partners": []}, api_version)
    for index, partner in enumerate(partners):
        single = {"b2blint": 1, "partners": [partner]}
        if _accepts(single, api_version):
            continue
        for finding in _explain_whole(single, api_version):
            if finding.path[:2] == ("partners", 0):
                yield finding._replace(path=("partners", index, *finding.path[2:]))


def _describe(value: Any) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, (dict, list)):
        return _describe(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _is_null_branch(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "null"


def _from_error(error: Any) -> Iterator[SchemaFinding]:
    """Map one jsonschema error (descending into nullable wrappers) to findings."""
    validator = error.validator
    path: YamlPath = tuple(error.absolute_path)
    if validator in ("anyOf", "oneOf"):
        branches = error.validator_value
        non_null = [b for b in branches if not _is_null_branch(b)]
        if len(non_null) == 1 and len(branches) == 2:
            # A nullable complex property: report what is wrong with the non-null form.
            index = branches.index(non_null[0])
            inner = [e for e in error.context if e.relative_schema_path[0] == index]
            if inner:
                for sub in inner:
                    yield from _from_error(sub)
                return
        from jsonschema.exceptions import best_match

        best = best_match(error.context) if error.context else None
        if best is not None:
            yield from _from_error(best)
            return
        yield SchemaFinding(
            "SCH001", path, f"{_show(error.instance)} does not match any allowed form"
        )
        return
    if validator == "additionalProperties":
        allowed = list((error.schema.get("properties") or {}).keys())
        extras = [key for key in error.instance if key not in allowed]
        for key in extras:
            yield SchemaFinding(
                "SCH002", (*path, key), _unknown_property_message(key, allowed), True
            )
        return
    if validator == "required":
        missing = [name for name in error.validator_value if name not in error.instance]
        for name in missing:
            if name not in _misspelled(error.schema, error.instance):
                yield SchemaFinding("SCH001", path, f"missing required property '{name}'")
        return
    yield SchemaFinding("SCH001", path, _value_message(validator, error))


def _misspelled(schema: Any, instance: Any) -> set[str]:
    """The properties that an unknown key of ``instance`` is a misspelling of.

    A misspelled required key is one error: its SCH002 already names the right spelling, so
    "missing required property" for it would be a second finding for the same typo.
    """
    if not isinstance(schema, dict) or schema.get("additionalProperties") is not False:
        return set()  # an unknown key is not reported: the missing property must be
    allowed = list((schema.get("properties") or {}).keys())
    found = (suggest_property(key, allowed) for key in instance if key not in allowed)
    return {suggested for _, suggested in filter(None, found)}


def suggest_property(key: str, allowed: list[str]) -> tuple[bool, str] | None:
    """(only the case differs, the property meant) for an unknown key, if one is close."""
    folded = {name.lower(): name for name in allowed}
    exact = folded.get(str(key).lower())
    if exact is not None:
        return True, exact
    import difflib  # only when there is something to suggest

    close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.75)
    return (False, close[0]) if close else None


def _unknown_property_message(key: str, allowed: list[str]) -> str:
    suggestion = suggest_property(key, allowed)
    if suggestion is None:
        return f"unknown property '{key}'"
    case_only, name = suggestion
    if case_only:
        return f"unknown property '{key}': Graph property names are case-sensitive; write '{name}'"
    return f"unknown property '{key}'; did you mean '{name}'?"


def _value_message(validator: str, error: Any) -> str:
    value = error.instance
    expected = error.validator_value
    if validator == "type":
        types = expected if isinstance(expected, list) else [expected]
        shown = "" if value is None or isinstance(value, (dict, list)) else f" {_show(value)}"
        message = f"expected {' or '.join(types)}, got {_describe(value)}{shown}"
        if isinstance(value, str) and value in YAML11_BOOLEANS and "boolean" in types:
            message += f" (YAML 1.2 reads {value} as a string; write true or false)"
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and "string" in types:
            message += " (quote it to make it a string)"
        return message
    if validator == "enum":
        options = ", ".join("null" if option is None else str(option) for option in expected)
        message = f"{_show(value)} is not one of: {options}"
        if isinstance(value, str):
            for option in expected:
                if not isinstance(option, str):
                    continue
                if option == value.strip():
                    return message + f" (remove the surrounding spaces: '{option}')"
                if option.lower() == value.strip().lower():
                    return message + f" (values are case-sensitive: write '{option}')"
        return message
    if validator == "const":
        return f"{_show(value)} is not allowed here; expected {_show(expected)}"
    if validator == "pattern":
        description = error.schema.get("description", "")
        if GUID_PATTERN_MARK in str(expected):
            if "keyword" in description.lower() or "AllUsers" in str(expected):
                return (
                    f"{_show(value)} is neither an object ID (GUID) nor a target keyword "
                    "(AllUsers, AllGroups, AllApplications, Office365)"
                )
            return f"{_show(value)} is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)"
        return f"{_show(value)} does not match the pattern {expected}"
    if validator in ("minItems", "maxItems"):
        return f"list has {len(value)} items; {validator} is {expected}"
    if validator == "uniqueItems":
        return "list items must be unique"
    if validator in ("minLength", "maxLength"):
        return f"{_show(value)} has {len(value)} characters; {validator} is {expected}"
    return str(error.message)


def _resolve(schema: Any, root: Schema) -> Any:
    while isinstance(schema, dict) and "$ref" in schema:
        schema = root["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _object_schema(schema: Any, value: Any, root: Schema) -> Mapping[str, Any] | None:
    """The object schema that applies to ``value`` (through refs and nullable wrappers)."""
    schema = _resolve(schema, root)
    if not isinstance(schema, dict):
        return None
    if "properties" in schema:
        return schema
    for keyword in ("anyOf", "oneOf", "allOf"):
        for branch in schema.get(keyword, ()):
            if _is_null_branch(branch):
                continue
            found = _object_schema(branch, value, root)
            if found is not None:
                return found
    return None


#: Where Microsoft says more than "read-only" about one property, its words (SCH003).
READ_ONLY_NOTES = {
    # crossTenantAccessPolicyConfigurationDefault [S3]
    "automaticUserConsentSettings": "Microsoft: \"always false and can't be updated in the "
    'default configuration"',
}


def read_only_message(key: str) -> str:
    """SCH003's message: the value is ignored, never applied (OData v4.01 Part 1 §11.4.3)."""
    note = READ_ONLY_NOTES.get(key)
    return (
        f"'{key}' is read-only in Graph{f' ({note})' if note else ''}: a service ignores it in a "
        "write and never applies it (OData 4.01 §11.4.3), so the file shows a value nobody set; "
        "remove it"
    )


def _annotation_findings(data: Any, root: Schema, api_version: str) -> Iterator[SchemaFinding]:
    """SCH003 (read-only) and SCH004 (beta-only under v1.0) properties, in document order;
    SCH002 for a property in neither Graph metadata, and SCH001 for a v1.0-only property in a
    resource that a beta-only sibling sends to /beta (`_v1_only_in_beta`)."""
    v1_only: list[tuple[YamlPath, str]] = []
    beta_only: list[YamlPath] = []
    yield from _marked_findings(data, root, api_version, v1_only, beta_only)
    yield from _v1_only_in_beta(v1_only, beta_only)


def _resource_root(path: YamlPath) -> YamlPath:
    """The part of a path that names one Graph request body: a partner's settings or
    identitySynchronization, or a top-level section."""
    return path[:3] if path[:1] == ("partners",) else path[:1]


def _v1_only_in_beta(
    v1_only: list[tuple[YamlPath, str]], beta_only: list[YamlPath]
) -> Iterator[SchemaFinding]:
    """A v1.0-only property [S60] next to a beta-only one: b2blint sends the resource to /beta
    (the beta-only one needs it), where the v1.0-only one does not exist [S61]."""
    for path, key in v1_only:
        siblings = [p for p in beta_only if _resource_root(p) == _resource_root(path)]
        if siblings:
            other = siblings[0][-1]
            yield SchemaFinding(
                "SCH001",
                path,
                f"'{key}' exists only in the Graph v1.0 API, but beta-only '{other}' in the same "
                "resource sends it to /beta, which refuses it; set one or the other",
                True,
            )


def _marked_findings(
    data: Any,
    root: Schema,
    api_version: str,
    v1_only: list[tuple[YamlPath, str]],
    beta_only: list[YamlPath],
) -> Iterator[SchemaFinding]:
    stack: list[tuple[Any, Any, YamlPath]] = [(data, root, ())]
    while stack:
        value, schema, path = stack.pop()
        if isinstance(value, dict):
            object_schema = _object_schema(schema, value, root)
            if object_schema is None:
                continue
            properties = object_schema.get("properties", {})
            for key, child in value.items():
                sub = properties.get(key)
                if not isinstance(sub, dict):
                    continue
                if sub.get(BETA_ONLY):
                    beta_only.append((*path, key))
                if sub.get(V1_ONLY):
                    v1_only.append(((*path, key), key))
                if sub.get(UNDOCUMENTED):
                    yield SchemaFinding(
                        "SCH002",
                        (*path, key),
                        f"'{key}' is in neither the Graph v1.0 nor the beta metadata (it appears "
                        "only in some responses), so b2blint does not write it; remove it",
                        True,
                    )
                elif sub.get(READ_ONLY):
                    yield SchemaFinding("SCH003", (*path, key), read_only_message(key), True)
                elif sub.get(BETA_ONLY) and api_version == "v1.0":
                    yield SchemaFinding(
                        "SCH004",
                        (*path, key),
                        f"'{key}' exists only in the Graph beta API; b2blint targets v1.0 "
                        '(set api-version = "beta" in the config to manage it)',
                        True,
                    )
                stack.append((child, sub, (*path, key)))
        elif isinstance(value, list):
            item_schema = _resolve(schema, root)
            if isinstance(item_schema, dict):
                items = item_schema.get("items")
                if items is None:
                    for branch in item_schema.get("anyOf", ()):
                        resolved = _resolve(branch, root)
                        if isinstance(resolved, dict) and "items" in resolved:
                            items = resolved["items"]
                if items is not None:
                    stack.extend((item, items, (*path, i)) for i, item in enumerate(value))
