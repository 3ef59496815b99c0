"""A small JSON Schema validator for the config file: the keywords `schemas/b2blint-config.json`
uses, nothing more.

The config is read on every run, and importing jsonschema costs about 55 ms, more than the
whole single-file lint budget (docs/performance.md). This walks the schema directly and
returns every error with the path it belongs to, so config errors get exact positions like
policy errors. `SUPPORTED` lists the keywords it implements; a test checks the schema uses
no other keyword and that jsonschema agrees with it on valid and invalid samples.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from b2blint.diagnostics import YamlPath

#: Keywords that only annotate.
ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "title", "description", "default", "examples"})
#: Keywords this module validates.
SUPPORTED = frozenset(
    {
        "$ref",
        "type",
        "enum",
        "properties",
        "additionalProperties",
        "propertyNames",
        "items",
        "pattern",
        "minLength",
        "anyOf",
    }
)

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "number": (int, float),
    "null": (type(None),),
}
_NAMES = {
    dict: "a table",
    list: "a list",
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    type(None): "null",
}


@dataclasses.dataclass(frozen=True)
class SchemaError:
    """One problem: where (the value, or the key with ``at_key``) and what is wrong."""

    path: YamlPath
    message: str
    at_key: bool = False


def describe(value: Any) -> str:
    return _NAMES.get(type(value), type(value).__name__)


def _is(value: Any, type_name: str) -> bool:
    if isinstance(value, bool) and type_name in ("integer", "number"):
        return False
    return isinstance(value, _TYPES[type_name])


@cache
def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(text)


def validate(value: Any, schema: Mapping[str, Any]) -> list[SchemaError]:
    """Every error of ``value`` against ``schema`` (whose ``$defs`` resolve ``$ref``)."""
    return list(_check(value, schema, schema, ()))


def _resolve(schema: Mapping[str, Any], root: Mapping[str, Any]) -> Mapping[str, Any]:
    while "$ref" in schema:
        reference = schema["$ref"]
        if not reference.startswith("#/$defs/"):  # pragma: no cover - schema authoring error
            raise ValueError(f"unsupported $ref {reference!r}")
        schema = root["$defs"][reference.removeprefix("#/$defs/")]
    return schema


def _check(
    value: Any, schema: Mapping[str, Any], root: Mapping[str, Any], path: YamlPath
) -> Iterator[SchemaError]:
    schema = _resolve(schema, root)
    if "anyOf" in schema:
        yield from _any_of(value, schema["anyOf"], root, path)
        return
    types = schema.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else list(types)
        if not any(_is(value, name) for name in names):
            expected = " or ".join(describe(_TYPES[name][0]()) for name in names)
            yield SchemaError(path, f"expected {expected}, got {describe(value)}")
            return
    if "enum" in schema and value not in schema["enum"]:
        options = ", ".join(str(option) for option in schema["enum"])
        yield SchemaError(path, f"{value!r} is not one of: {options}")
        return
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            yield SchemaError(path, "must not be empty")
        pattern = schema.get("pattern")
        if pattern is not None and not _pattern(pattern).search(value):
            what = schema.get("description", f"the pattern {pattern}")
            yield SchemaError(path, f"{value!r} is not valid here: expected {_lower_first(what)}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            yield from _check(item, schema["items"], root, (*path, index))
    if isinstance(value, dict):
        yield from _check_object(value, schema, root, path)


def _check_object(
    value: dict[str, Any], schema: Mapping[str, Any], root: Mapping[str, Any], path: YamlPath
) -> Iterator[SchemaError]:
    properties: Mapping[str, Any] = schema.get("properties", {})
    additional = schema.get("additionalProperties", True)
    names = schema.get("propertyNames")
    for key, item in value.items():
        if names is not None:
            errors = list(_check(key, names, root, (*path, key)))
            if errors:
                yield SchemaError((*path, key), errors[0].message, at_key=True)
                continue
        if key in properties:
            yield from _check(item, properties[key], root, (*path, key))
        elif additional is False:
            known = ", ".join(sorted(properties))
            yield SchemaError((*path, key), f"unknown key '{key}' (known keys: {known})", True)
        elif isinstance(additional, dict):
            yield from _check(item, additional, root, (*path, key))


def _any_of(
    value: Any, branches: list[Any], root: Mapping[str, Any], path: YamlPath
) -> Iterator[SchemaError]:
    results = [list(_check(value, branch, root, path)) for branch in branches]
    if any(not errors for errors in results):
        return
    # Report the branch whose type fits the value (its errors are the useful ones).
    for branch, errors in zip(branches, results):
        types = _resolve(branch, root).get("type")
        names = [types] if isinstance(types, str) else list(types or ())
        if any(_is(value, name) for name in names):
            yield from errors
            return
    expected = []
    for branch in branches:
        types = _resolve(branch, root).get("type")
        for name in [types] if isinstance(types, str) else list(types or ()):
            expected.append(describe(_TYPES[name][0]()))
    yield SchemaError(path, f"expected {' or '.join(expected)}, got {describe(value)}")


def _lower_first(text: str) -> str:
    text = text.rstrip(".")
    return text[:1].lower() + text[1:]


def keywords(schema: Any) -> set[str]:
    """Every keyword used anywhere in ``schema`` (for the test that keeps this module honest)."""
    found: set[str] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, item in node.items():
                found.add(key)
                if key in ("properties", "$defs"):
                    stack.extend(item.values())
                elif key == "enum":
                    continue
                else:
                    stack.append(item)
        elif isinstance(node, list):
            stack.extend(node)
    return found
