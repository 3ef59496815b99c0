"""Editors: the schema the YAML language server uses, checked by a validator that is not b2blint.

VS Code's YAML extension cannot run here, so its validation is emulated with check-jsonschema
(a separate jsonschema-based tool from the test extra) against the very file
``b2blint schema --path`` prints, with every proxy pointed at a closed port on 127.0.0.1:
the schema must resolve all its ``$ref``s from that one file, offline.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest
import yaml

from b2blint.schema.codegen import EDITOR_SCHEMA, GENERATED_DIR, editor_schema
from tests.integration._checkout import ROOT
from tests.integration.test_wheel import Installed, installed  # noqa: F401 - a fixture

BIN = Path(sys.executable).parent
CATALOG = ROOT / "docs/editors/schema-catalog.json"
REPOSITORY_FILES = "https://raw.githubusercontent.com/b2blint/b2blint/main/"


def _b2blint(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "b2blint", *args],
        cwd=cwd,
        capture_output=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def closed_port() -> Iterator[int]:
    """A loopback port nothing listens on (bound, never listening: connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.fixture(scope="module")
def schema_path() -> Path:
    run = _b2blint("schema", "--path")
    assert run.returncode == 0, run.stderr
    assert run.stderr == b""
    path = Path(run.stdout.decode().rstrip("\n"))
    assert path.is_absolute() and path.is_file(), path
    return path


def check_jsonschema(
    schema: Path, files: list[Path], port: int, cwd: Path
) -> subprocess.CompletedProcess[str]:
    offline = f"http://127.0.0.1:{port}"
    env = {
        "PATH": str(BIN),
        "HOME": str(cwd),
        "HTTP_PROXY": offline,
        "HTTPS_PROXY": offline,
        "http_proxy": offline,
        "https_proxy": offline,
        "NO_PROXY": "",
    }
    return subprocess.run(
        [str(BIN / "check-jsonschema"), "--no-cache", "--schemafile", str(schema)]
        + [str(f.relative_to(cwd)) for f in files],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _tree_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "policies").rglob("*") if p.suffix in (".yaml", ".yml"))


def test_schema_path_is_the_installed_generated_file(schema_path: Path) -> None:
    assert schema_path == (GENERATED_DIR / EDITOR_SCHEMA).resolve()


def test_schema_prints_the_file_it_names(schema_path: Path) -> None:
    run = _b2blint("schema")
    assert (run.returncode, run.stderr) == (0, b"")
    assert run.stdout == schema_path.read_bytes()
    assert json.loads(run.stdout) == editor_schema()  # fresh (codegen --check says the same)


def test_the_schema_refers_only_inside_itself(schema_path: Path) -> None:
    schema = json.loads(schema_path.read_text("utf-8"))
    assert "$id" not in schema
    refs: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                refs.append(node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(schema)
    assert refs and all(ref.startswith("#/$defs/") for ref in refs), refs
    assert {ref.removeprefix("#/$defs/") for ref in refs} <= set(schema["$defs"])


def test_check_jsonschema_accepts_every_file_of_the_example_tree_offline(
    schema_path: Path, closed_port: int
) -> None:
    files = _tree_files(ROOT)
    assert len(files) == 8 and any("tests" in f.parts for f in files)  # policy and test files
    run = check_jsonschema(schema_path, files, closed_port, ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout == "ok -- validation done\n"


def test_check_jsonschema_rejects_the_typos_b2blint_rejects(
    schema_path: Path, closed_port: int, tmp_path: Path
) -> None:
    shutil.copytree(ROOT / "policies", tmp_path / "policies")
    partner = tmp_path / "policies/partners/fabrikam.yaml"
    partner.write_text(partner.read_text("utf-8").replace("inboundTrust:", "inboundTrusts:"))
    tests = tmp_path / "policies/tests/invitations.yaml"
    tests.write_text(tests.read_text("utf-8").replace("    invite: engineer@", "    invites: x@"))
    run = check_jsonschema(schema_path, _tree_files(tmp_path), closed_port, tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert (
        "  policies/partners/fabrikam.yaml::$.partners[0].settings: Additional properties are "
        "not allowed ('inboundTrusts' was unexpected)"
    ) in lines
    # The test file is judged by the policy-test schema (if/then), not the policy schema.
    assert any(
        line.startswith("  policies/tests/invitations.yaml::$.tests[0]: ")
        and "'invites' was unexpected" in line
        for line in lines
    ), lines
    lint = _b2blint("lint", "--select", "SCH002", cwd=tmp_path)
    assert lint.returncode == 1
    assert [line.split(" [")[0] for line in lint.stdout.decode().splitlines()[:-1]] == [
        "policies/partners/fabrikam.yaml:13:7: SCH002",
        "policies/tests/invitations.yaml:7:5: SCH002",
    ]


def test_a_modeline_is_a_comment_to_b2blint_and_names_the_schema(
    schema_path: Path, closed_port: int, tmp_path: Path
) -> None:
    # The documented modeline, with the path the command prints, on top of every file.
    shutil.copytree(ROOT / "policies", tmp_path / "policies")
    files = _tree_files(tmp_path)
    for path in files:
        path.write_text(f"# yaml-language-server: $schema={schema_path}\n" + path.read_text())
    lint = _b2blint("lint", cwd=tmp_path)
    assert (lint.returncode, lint.stdout) == (0, b"All checks passed (8 files).\n")
    for path in files:
        first = path.read_text("utf-8").splitlines()[0]
        named = Path(first.removeprefix("# yaml-language-server: $schema="))
        assert named == schema_path
    run = check_jsonschema(schema_path, files, closed_port, tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr


def test_a_draft7_validator_reads_it_the_same(schema_path: Path) -> None:
    # Language servers that support "JSON Schema 7 and below" must not reject a good file.
    schema = json.loads(schema_path.read_text("utf-8"))
    draft7 = jsonschema.Draft7Validator(
        {**schema, "$schema": "http://json-schema.org/draft-07/schema#"}
    )
    for path in _tree_files(ROOT):
        assert list(draft7.iter_errors(yaml.safe_load(path.read_text("utf-8")))) == [], path
    typo = yaml.safe_load((ROOT / "policies/partners/fabrikam.yaml").read_text("utf-8"))
    typo["partners"][0]["settings"]["inboundTrusts"] = {}
    assert [e.message for e in draft7.iter_errors(typo)] == [
        "Additional properties are not allowed ('inboundTrusts' was unexpected)"
    ]


def test_catalog_entry_has_schemastores_catalog_format() -> None:
    # SchemaStore's src/schemas/json/schema-catalog.json: top level $schema (that URL), version
    # (a number) and schemas (required, nothing else); each entry name, description and url
    # (required, url an absolute https:// URI), fileMatch a list of unique strings, versions.
    catalog = json.loads(CATALOG.read_text("utf-8"))
    assert set(catalog) == {"$schema", "version", "schemas"}
    assert catalog["$schema"] == "https://json.schemastore.org/schema-catalog.json"
    assert isinstance(catalog["version"], float)
    [entry] = catalog["schemas"]
    assert set(entry) == {"name", "description", "fileMatch", "url"}
    assert all(isinstance(entry[key], str) and entry[key] for key in ("name", "description"))
    globs = entry["fileMatch"]
    assert globs == ["policies/**/*.yaml", "policies/**/*.yml"]
    assert len(set(globs)) == len(globs)
    # The URL is this repository's copy of the generated schema.
    url = urlsplit(entry["url"])
    assert (url.scheme, url.netloc, url.query, url.fragment) == (
        "https",
        "raw.githubusercontent.com",
        "",
        "",
    )
    assert entry["url"].startswith(REPOSITORY_FILES)
    served = ROOT / entry["url"].removeprefix(REPOSITORY_FILES)
    assert served == GENERATED_DIR / EDITOR_SCHEMA
    # The globs match every file of the example tree (pathlib's ** matches zero or more
    # directories, as minimatch's does).
    matched = sorted({p for g in globs for p in ROOT.glob(g)})
    assert matched == _tree_files(ROOT)


@pytest.mark.slow
def test_the_path_printed_by_an_installed_wheel_validates_the_tree(
    installed: Installed,  # noqa: F811 - the fixture imported from test_wheel
    closed_port: int,
) -> None:
    # From a wheel (no checkout anywhere): the printed file is inside the venv's package.
    run = installed.run("schema", "--path")
    assert (run.returncode, run.stderr) == (0, "")
    path = Path(run.stdout.rstrip("\n"))
    assert path.is_relative_to(installed.venv) and path.name == EDITOR_SCHEMA
    files = _tree_files(installed.elsewhere)
    check = check_jsonschema(path, files, closed_port, installed.elsewhere)
    assert check.returncode == 0, check.stdout + check.stderr
