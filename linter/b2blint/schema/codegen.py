"""Generate ``linter/b2blint/schema/_generated/``: compiled accept-path validators (developer tool).

One module per Graph API version for policy files, and one for policy-test files
(``validator_tests``, from ``schemas/b2blint-tests.json``). Also the editor schema,
``_generated/b2blint.schema.json`` (`editor_schema`): every file of a policy tree in one
self-contained schema, for the YAML language server and check-jsonschema (docs/editors.md,
``b2blint schema``). It is package data beside the validators, not in ``schemas/``, whose
files are the sources: one per type, with an ``$id``, referring to each other.

Run ``python -m b2blint.schema.codegen`` after editing anything under ``schemas/``; the test
suite fails while the generated module is stale. Generating at build time instead of at run
time saves the 10-16 ms that ``fastjsonschema.compile`` costs per process (a third of the
single-file budget, docs/performance.md) and keeps fastjsonschema a development dependency:
the generated code is post-processed to define its own exception class.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

from b2blint.schema.bundle import (
    API_VERSIONS,
    POLICY_SCHEMA,
    bundle_fingerprint,
    full_bundle,
    strict_bundle,
)

GENERATED_DIR = Path(__file__).with_name("_generated")
#: The editor schema's file name in ``_generated/`` (package ``b2blint.schema._generated``).
EDITOR_SCHEMA = "b2blint.schema.json"
#: The policy-test validator (``policies/tests/*.yaml``): one module, no Graph API version.
TESTS_MODULE = "validator_tests"
TESTS_SCHEMA = "b2blint-tests.json"

_IMPORT_LINE = "from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException"
_LOCAL_EXCEPTIONS = '''

class JsonSchemaValueException(ValueError):
    """The document does not match the strict schema (details come from jsonschema)."""

    def __init__(self, message, value=None, name=None, definition=None, rule=None):
        super().__init__(message)
        self.message = message
        self.value = value
        self.name = name
        self.definition = definition
        self.rule = rule


class JsonSchemaValuesException(JsonSchemaValueException):
    """Several errors (not produced by the options used here)."""
'''


_DEFINITION_ARGUMENT = re.compile(r", definition=.*(, rule='\w+'\)\s*)$")
#: fastjsonschema tries the ``null`` branch of ``anyOf: [null, X]`` by raising an exception
#: (with its message built) and catching it: once per present value of such a property, on
#: the accept path. Rewritten as the plain test it is (same count, same verdict).
_NULL_BRANCH = re.compile(
    r"^(?P<indent> *)try:\n"
    r"(?P=indent)    if not isinstance\((?P<value>\w+), \(NoneType\)\):\n"
    r"(?P=indent)        raise JsonSchemaValueException\(.*\)\n"
    r"(?P=indent)    (?P<count>\w+) \+= 1\n"
    r"(?P=indent)except \(JsonSchemaValueException, JsonSchemaValuesException\): pass\n",
    re.MULTILINE,
)
#: A value's name for messages (``.partners[{data__partners_x}]``), formatted from
#: ``locals()`` for every item even when nothing fails: ~0.2 s for 52,000 partners.
_FORMAT_LOCALS = ".format(**locals())"


def module_name(api_version: str) -> str:
    """``v1.0`` -> ``validator_v1_0``: one generated module per Graph API version."""
    return "validator_" + api_version.replace(".", "_")


def generate(api_version: str) -> str:
    """Return the source of the validator module for ``api_version``."""
    return _module(strict_bundle(api_version, POLICY_SCHEMA), bundle_fingerprint())


def generate_tests() -> str:
    """Return the source of the policy-test validator. A tree with policy tests validates them
    on every lint; compiled, that costs no jsonschema import (about 55 ms, docs/performance.md)."""
    schema = _tests_schema()
    schema.pop("$id", None)  # self-contained: nothing to resolve against
    canonical = json.dumps(schema, sort_keys=True, separators=(",", ":")).encode()
    return _module(schema, hashlib.sha256(canonical).hexdigest()[:16])


def _tests_schema() -> dict[str, Any]:
    from importlib import resources

    text = resources.files("b2blint.schemas").joinpath(TESTS_SCHEMA).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def editor_schema() -> dict[str, Any]:
    """One schema for every YAML file of a policy tree, with no reference outside itself.

    Editors map one schema to a glob (``policies/**/*.yaml``), so a policy-test file (its
    top-level key is ``b2blint-tests``) must validate too: ``if``/``then``/``else`` picks the
    test schema or the policy schema, and a mistake is reported against the right one (a
    ``oneOf`` would report both). The policy schema is the full bundle (read-only and
    beta-only properties are declared: b2blint reports them with their own rules). The
    files of ``schemas/`` refer to each other by relative path, which the YAML language
    server and check-jsonschema cannot follow from an installed package; here every ``$ref``
    is ``#/$defs/...`` and there is no ``$id``, so the file resolves offline from any path.
    """
    policy = copy.deepcopy(full_bundle(POLICY_SCHEMA))
    defs: dict[str, Any] = policy.pop("$defs")
    policy.pop("$schema", None)
    tests = _tests_schema()
    for key in ("$schema", "$id"):
        tests.pop(key, None)
    for name in (POLICY_SCHEMA, TESTS_SCHEMA.removesuffix(".json")):
        if name in defs:  # pragma: no cover - a Graph type named like a document kind
            raise RuntimeError(f"$defs name clash: {name}")
    defs[POLICY_SCHEMA] = policy
    defs[TESTS_SCHEMA.removesuffix(".json")] = tests
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "b2blint policy tree file",
        "description": (
            "A YAML file of a b2blint policy tree: a policy-test file when its top-level key is "
            "b2blint-tests (docs/policy-tests.md), else a policy file (docs/format.md). "
            "GENERATED by `python -m b2blint.schema.codegen` from schemas/; self-contained."
        ),
        "if": {"type": "object", "required": ["b2blint-tests"]},  # policy.model.TESTS_KEY
        "then": {"$ref": f"#/$defs/{TESTS_SCHEMA.removesuffix('.json')}"},
        "else": {"$ref": f"#/$defs/{POLICY_SCHEMA}"},
        "$defs": dict(sorted(defs.items())),
    }


def _module(schema: dict[str, Any], fingerprint: str) -> str:
    import fastjsonschema

    code = fastjsonschema.compile_to_code(schema, use_formats=False)
    if _IMPORT_LINE not in code:  # pragma: no cover - fastjsonschema changed its output
        raise RuntimeError("unexpected fastjsonschema output; update schema_codegen")
    header = (
        '"""GENERATED by `python -m b2blint.schema.codegen` from schemas/. Do not edit."""\n'
        "# ruff: noqa\n"
        "# mypy: ignore-errors\n"
        f'SCHEMA_FINGERPRINT = "{fingerprint}"\n'
    )
    code = code.replace(_IMPORT_LINE, _LOCAL_EXCEPTIONS)
    code = _NULL_BRANCH.sub(
        lambda m: (
            f"{m['indent']}if isinstance({m['value']}, (NoneType)):\n"
            f"{m['indent']}    {m['count']} += 1\n"
        ),
        code,
    )
    # Messages are never read (`b2blint.schema.check.compiled_accepts` keeps the verdict
    # only): names stay unformatted templates.
    code = code.replace(_FORMAT_LOCALS, "")
    if code.count("Decimal") == 1:  # only the import: no multipleOf in these schemas
        code = code.replace("from decimal import Decimal\n", "")
    # Only the verdict of the accept path is used (jsonschema explains failures), so drop the
    # schema literal fastjsonschema embeds in every raise: it triples the module's size and
    # its import time when no bytecode cache can be written.
    return (
        header
        + "\n".join(_DEFINITION_ARGUMENT.sub(r"\1", line) for line in code.splitlines())
        + "\n"
    )


def expected_files() -> dict[Path, str]:
    files = {
        GENERATED_DIR / "__init__.py": '"""Generated validators (see b2blint.schema.codegen)."""\n'
    }
    for api_version in API_VERSIONS:
        files[GENERATED_DIR / f"{module_name(api_version)}.py"] = generate(api_version)
    files[GENERATED_DIR / f"{TESTS_MODULE}.py"] = generate_tests()
    files[GENERATED_DIR / EDITOR_SCHEMA] = json.dumps(editor_schema(), indent=2) + "\n"
    return files


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    files = expected_files()
    if "--check" in args:
        stale = [
            path
            for path, source in files.items()
            if not path.exists() or path.read_text("utf-8") != source
        ]
        for path in stale:
            print(f"{path} is stale: run python -m b2blint.schema.codegen", file=sys.stderr)
        return 1 if stale else 0
    GENERATED_DIR.mkdir(exist_ok=True)
    for path, source in files.items():
        path.write_text(source, "utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
