"""The layer table of docs/dev/ARCHITECTURE.md, enforced: no module of b2blint imports upward.

Every module under linter/b2blint belongs to one room (a subpackage, or the top-level
vocabulary modules); each room has a rank. A room may import itself and rooms of a LOWER
rank only: rooms of equal rank are siblings (access/ and graph/) and may not import each
other, and a room that stands apart (fakegraph/, the Graph emulator) may be imported by no
other room, so the client under test never shares code with the server that tests it.

Why a custom AST walk rather than import-linter (PyPI): the check reads every import form
the package uses - module-level and function-level (the lint path imports lazily inside
functions), ``import x`` and ``from x import y``, relative imports, and the lazy command and
reporter tables that name modules as "b2blint.x.y:attr" strings for `importlib` - names the
file:line and both rooms, and fails on a room the table doesn't know, with no compiled
dependency (grimp) in the test extra and no second config file to keep in step with this one.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = ROOT / "linter" / "b2blint"


class Room(NamedTuple):
    """One row of the layer table."""

    rank: int
    #: The names directly under b2blint/ that belong to the room (a subpackage or a module;
    #: ``__init__`` is the package's own ``__init__.py``).
    members: tuple[str, ...]
    #: No other room may import it (it still imports only rooms of lower rank).
    apart: bool = False


#: THE layer table (docs/dev/ARCHITECTURE.md shows the same one): lowest rank first.
LAYERS: Mapping[str, Room] = {
    "vocabulary": Room(
        0, ("__init__", "errors", "diagnostics", "redact", "identifiers", "printable")
    ),
    "files": Room(1, ("files",)),
    "fakegraph": Room(2, ("fakegraph",), apart=True),
    "schema": Room(2, ("schema",)),
    "policy": Room(3, ("policy",)),
    "access": Room(4, ("access",)),
    "graph": Room(4, ("graph",)),
    "rules": Room(5, ("rules",)),
    "lint": Room(6, ("lint",)),
    "tenant": Room(7, ("tenant",)),
    "fleet": Room(7, ("fleet",)),
    "report": Room(8, ("report",)),
    "commands": Room(9, ("commands",)),
    "cli": Room(10, ("cli", "__main__")),
}

# A string constant that names a module, optionally with ":attribute" (lazy import tables).
_MODULE_STRING = re.compile(r"[A-Za-z_][\w.]*(?::\w+)?")


class Import(NamedTuple):
    line: int
    target: str  # the imported module, absolute and dotted


def module_names(package_dir: Path) -> dict[str, Path]:
    """Dotted name -> file, for every module and package of the package at ``package_dir``."""
    package = package_dir.name
    names: dict[str, Path] = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = [package, *path.relative_to(package_dir).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _imports(module: str, path: Path, known: Mapping[str, Path]) -> Iterator[Import]:
    """Every import of a module of the package that ``module`` makes, at any depth."""
    package = module.split(".", maxsplit=1)[0]
    is_package = path.name == "__init__.py"
    here = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(node.lineno, alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                yield Import(node.lineno, submodule if submodule in known else source)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and _MODULE_STRING.fullmatch(node.value)
        ):
            name = node.value.split(":", maxsplit=1)[0]
            if name in known and name.startswith(package + "."):
                yield Import(node.lineno, name)


def _room_of(module: str, rooms: Mapping[str, Room]) -> str | None:
    parts = module.split(".")
    member = parts[1] if len(parts) > 1 else "__init__"
    for name, room in rooms.items():
        if member in room.members:
            return name
    return None


def check_layers(package_dir: Path, rooms: Mapping[str, Room] = LAYERS) -> list[str]:
    """One line per broken rule of ``rooms``: paths relative to ``package_dir``'s parent."""
    package = package_dir.name
    base = package_dir.parent
    known = module_names(package_dir)
    problems: list[str] = []
    members = {member for room in rooms.values() for member in room.members}
    present = {name.split(".")[1] if "." in name else "__init__" for name in known}
    for missing in sorted(members - present):
        problems.append(f"{package}: the layer table names {missing!r}, which does not exist")
    for module, path in known.items():
        where = path.relative_to(base).as_posix()
        room = _room_of(module, rooms)
        if room is None:
            problems.append(f"{where}: {module} is in no room of the layer table")
            continue
        mine = rooms[room]
        for line, target in _imports(module, path, known):
            if target.split(".", maxsplit=1)[0] != package:
                continue
            other = _room_of(target, rooms)
            if other is None:
                problems.append(f"{where}:{line}: {room} imports {target}, in no room of the table")
            elif other == room:
                continue
            elif rooms[other].apart:
                problems.append(
                    f"{where}:{line}: {room} imports {target} from {other}, which stands apart"
                )
            elif rooms[other].rank == mine.rank:
                problems.append(
                    f"{where}:{line}: {room} imports {target} from its sibling {other} "
                    f"(both rank {mine.rank})"
                )
            elif rooms[other].rank > mine.rank:
                problems.append(
                    f"{where}:{line}: {room} (rank {mine.rank}) imports {target} "
                    f"from {other} (rank {rooms[other].rank}), above it"
                )
    return problems


def test_b2blint_imports_only_downward() -> None:
    assert check_layers(PACKAGE_DIR) == []


def test_the_check_reads_every_module_of_the_package() -> None:
    # The walk must see the whole tree, or an empty problem list proves nothing.
    modules = module_names(PACKAGE_DIR)
    assert "b2blint.tenant.client" in modules
    assert "b2blint.fakegraph.server" in modules
    assert "b2blint.schema._generated.validator_v1_0" in modules
    # The lazy command table is read as imports of cli: it names every command module.
    cli_imports = {i.target for i in _imports("b2blint.cli", modules["b2blint.cli"], modules)}
    assert {"b2blint.commands.lint", "b2blint.commands.apply"} <= cli_imports


# --- the check can fail: a small package laid out in tmp_path, with the real table ---------


def _package(tmp_path: Path, files: Mapping[str, str]) -> Path:
    """A package named b2blint in ``tmp_path`` with every room of LAYERS, plus ``files``."""
    package_dir = tmp_path / "b2blint"
    for room in LAYERS.values():
        for member in room.members:
            if member == "__init__":
                (package_dir / "__init__.py").parent.mkdir(parents=True, exist_ok=True)
                (package_dir / "__init__.py").write_text('"""b2blint."""\n')
            elif member in {"errors", "diagnostics", "redact", "identifiers", "cli", "__main__"}:
                (package_dir / f"{member}.py").write_text("")
            else:
                (package_dir / member).mkdir(parents=True, exist_ok=True)
                (package_dir / member / "__init__.py").write_text("")
    for name, text in files.items():
        path = package_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return package_dir


def test_a_clean_synthetic_package_passes(tmp_path: Path) -> None:
    package_dir = _package(
        tmp_path,
        {
            "files/reader.py": "from b2blint.errors import B2BLintError\n",
            "lint/engine.py": "from ..files import reader\nfrom . import tree\n",
            "lint/tree.py": "",
            "fakegraph/server.py": "from b2blint.files.reader import B2BLintError\n",
            "cli.py": 'TABLE = {"lint": "b2blint.lint.engine:run"}\n',
        },
    )
    assert check_layers(package_dir) == []


def test_an_upward_function_level_relative_import_fails(tmp_path: Path) -> None:
    package_dir = _package(
        tmp_path,
        {
            "files/reader.py": (
                '"""Reads files."""\n\n\ndef read() -> None:\n    from ..lint import engine\n'
            ),
            "lint/engine.py": "",
        },
    )
    assert check_layers(package_dir) == [
        "b2blint/files/reader.py:5: files (rank 1) imports b2blint.lint.engine "
        "from lint (rank 6), above it"
    ]


def test_upward_import_forms_all_fail(tmp_path: Path) -> None:
    package_dir = _package(
        tmp_path,
        {
            "errors.py": "import b2blint.cli\n",
            "schema/check.py": "from b2blint.policy import model\n",
            "policy/model.py": "from b2blint import rules\n",
            "rules/__init__.py": 'LAZY = "b2blint.commands.lint:lint_command"\n',
            "commands/lint.py": "",
        },
    )
    assert check_layers(package_dir) == [
        "b2blint/errors.py:1: vocabulary (rank 0) imports b2blint.cli from cli (rank 10), above it",
        "b2blint/policy/model.py:1: policy (rank 3) imports b2blint.rules "
        "from rules (rank 5), above it",
        "b2blint/rules/__init__.py:1: rules (rank 5) imports b2blint.commands.lint "
        "from commands (rank 9), above it",
        "b2blint/schema/check.py:1: schema (rank 2) imports b2blint.policy.model "
        "from policy (rank 3), above it",
    ]


def test_siblings_and_the_emulator_may_not_be_imported(tmp_path: Path) -> None:
    package_dir = _package(
        tmp_path,
        {
            "access/simulate.py": "import b2blint.graph.kinds\n",
            "graph/kinds.py": "",
            "fakegraph/server.py": "from b2blint.schema import check\n",
            "schema/check.py": "",
            "tenant/client.py": "\n\nfrom b2blint.fakegraph.server import serve\n",
        },
    )
    assert check_layers(package_dir) == [
        "b2blint/access/simulate.py:1: access imports b2blint.graph.kinds "
        "from its sibling graph (both rank 4)",
        "b2blint/fakegraph/server.py:1: fakegraph imports b2blint.schema.check "
        "from its sibling schema (both rank 2)",
        "b2blint/tenant/client.py:3: tenant imports b2blint.fakegraph.server "
        "from fakegraph, which stands apart",
    ]


def test_a_room_or_module_the_table_does_not_know_fails(tmp_path: Path) -> None:
    package_dir = _package(
        tmp_path,
        {
            "deploy/__init__.py": "",
            "helpers.py": "",
            "lint/engine.py": "from b2blint.helpers import x\n",
        },
    )
    assert check_layers(package_dir) == [
        "b2blint/deploy/__init__.py: b2blint.deploy is in no room of the layer table",
        "b2blint/helpers.py: b2blint.helpers is in no room of the layer table",
        "b2blint/lint/engine.py:1: lint imports b2blint.helpers, in no room of the table",
    ]


def test_a_stale_row_of_the_table_fails(tmp_path: Path) -> None:
    package_dir = _package(tmp_path, {})
    (package_dir / "report" / "__init__.py").unlink()
    (package_dir / "report").rmdir()
    assert check_layers(package_dir) == [
        "b2blint: the layer table names 'report', which does not exist"
    ]


def test_the_documented_table_is_this_table() -> None:
    # docs/dev/ARCHITECTURE.md shows LAYERS to readers; a row that drifts misleads them.
    text = (ROOT / "docs" / "dev" / "ARCHITECTURE.md").read_text("utf-8")
    documented: set[tuple[int, str, bool]] = set()
    for match in re.finditer(r"^\| +(\d+) \| ([^|]+?) \| [^|]+ \|$", text, re.MULTILINE):
        cell = match.group(2)
        for name in cell.split(" (", 1)[0].split(", "):
            documented.add((int(match.group(1)), name, "stands apart" in cell))
    assert documented == {(room.rank, name, room.apart) for name, room in LAYERS.items()}
