"""A small JSON Schema validator for the config file: the keywords `schemas/b2blint-config.json`
uses (draft-07-compatible ones, like every schema in schemas/), nothing more.

The config is read on every run, and importing jsonschema costs about 55 ms, more than the
whole single-file lint budget (docs/performance.md). This walks the schema directly and
returns every error with the path it belongs to, so config errors get exact positions like
policy errors. `SUPPORTED` lists the keywords it implements; a test checks the schema uses
no other keyword and that jsonschema agrees with it on valid and invalid samples.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import Any

from b2blint.diagnostics import YamlPath

#: Keywords that only annotate.
ANNOTATIONS = frozenset({"$schema", "$id", "title", "description", "default", "examples"})
#: Keywords this module validates.
SUPPORTED = frozenset(
    {"type", "enum", "properties", "additionalProperties", "items", "minLength", "anyOf"}
)
#: Above this many known keys, an unknown key gets a suggestion instead of the whole list.
_LIST_LIMIT = 8

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "number": (int, float),
    "null": (type(None),),
}
_TYPE_WORDS = {
    "object": "a table",
    "array": "a list",
    "string": "a string",
    "boolean": "a boolean",
    "integer": "an integer",
    "number": "a number",
    "null": "null",
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


def validate(value: Any, schema: Mapping[str, Any]) -> list[SchemaError]:
    """Every error of ``value`` against ``schema``."""
    return list(_check(value, schema, ()))


def _check(value: Any, schema: Mapping[str, Any], path: YamlPath) -> Iterator[SchemaError]:
    if "anyOf" in schema:
        yield from _any_of(value, schema["anyOf"], path)
        return
    types = schema.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else list(types)
        if not any(_is(value, name) for name in names):
            expected = " or ".join(_TYPE_WORDS[name] for name in names)
            yield SchemaError(path, f"expected {expected}, got {describe(value)}")
            return
    if "enum" in schema and value not in schema["enum"]:
        options = ", ".join(str(option) for option in schema["enum"])
        yield SchemaError(path, f"{value!r} is not one of: {options}")
        return
    if isinstance(value, str) and len(value) < schema.get("minLength", 0):
        yield SchemaError(path, "must not be empty")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            yield from _check(item, schema["items"], (*path, index))
    if isinstance(value, dict):
        yield from _check_object(value, schema, path)


def _check_object(
    value: dict[str, Any], schema: Mapping[str, Any], path: YamlPath
) -> Iterator[SchemaError]:
    properties: Mapping[str, Any] = schema.get("properties", {})
    additional = schema.get("additionalProperties", True)
    for key, item in value.items():
        if key in properties:
            yield from _check(item, properties[key], (*path, key))
        elif additional is False:
            yield SchemaError((*path, key), _unknown_key(str(key), sorted(properties)), True)
        elif isinstance(additional, dict):
            yield from _check(item, additional, (*path, key))


def _unknown_key(key: str, known: list[str]) -> str:
    if len(known) <= _LIST_LIMIT:
        return f"unknown key '{key}' (known keys: {', '.join(known)})"
    import difflib  # only when there is something to suggest

    close = difflib.get_close_matches(key, known, n=1)
    return f"unknown key '{key}'" + (f"; did you mean '{close[0]}'?" if close else "")


def _any_of(value: Any, branches: list[Any], path: YamlPath) -> Iterator[SchemaError]:
    results = [list(_check(value, branch, path)) for branch in branches]
    if any(not errors for errors in results):
        return
    # Report the branch whose type fits the value (its errors are the useful ones).
    for branch, errors in zip(branches, results, strict=True):
        types = branch.get("type")
        names = [types] if isinstance(types, str) else list(types or ())
        if any(_is(value, name) for name in names):
            yield from errors
            return
    expected = []
    for branch in branches:
        types = branch.get("type")
        for name in [types] if isinstance(types, str) else list(types or ()):
            expected.append(_TYPE_WORDS[name])
    yield SchemaError(path, f"expected {' or '.join(expected)}, got {describe(value)}")


def keywords(schema: Any) -> set[str]:
    """Every keyword used anywhere in ``schema`` (for the test that keeps this module honest)."""
    found: set[str] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, item in node.items():
                found.add(key)
                if key == "properties":
                    stack.extend(item.values())
                elif key == "enum":
                    continue
                else:
                    stack.append(item)
        elif isinstance(node, list):
            stack.extend(node)
    return found
