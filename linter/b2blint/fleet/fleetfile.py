"""Read ``fleet.yaml``: the tenants of a fleet, their layers and their variables.

Everything in the file is checked here, before any tenant is assembled: a bad fleet file is a
one-line error with ``file:line:col`` and exit 2 (`B2BLintError`), never a half-rendered
fleet. The format is documented in docs/fleets.md and schemas/b2blint-fleet.json.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from b2blint.diagnostics import PathSegment
from b2blint.errors import EXIT_USAGE, B2BLintError
from b2blint.files.discovery import display_path
from b2blint.files.document import Document, DocumentError, read_document

FLEET_FILE = "fleet.yaml"
FLEET_KEY = "b2blint-fleet"
#: A tenant or layer name: it becomes a directory name (`fleet render --out`), a matrix value
#: and an Actions environment name, so it is a plain slug.
NAME = re.compile(r"[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?\Z")
VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}\Z")
MAX_TENANTS = 5000
MAX_LAYERS = 200
MAX_TAGS = 50
MAX_OPT_OUTS = 200

_TOP_KEYS = frozenset({FLEET_KEY, "layers", "tenants", "matrix"})
_LAYER_KEYS = frozenset({"name", "path", "extends", "variables", "description"})
_TENANT_KEYS = frozenset({"name", "path", "tags", "layers", "variables", "optOut", "description"})
_OPT_OUT_KEYS = frozenset({"setting", "reason"})
_MATRIX_KEYS = frozenset({"maxJobs", "approvalThreshold"})


class OptOut(NamedTuple):
    """A tenant leaving out one baseline setting (``setting`` is a dotted policy path)."""

    setting: tuple[str, ...]
    reason: str
    slot: int  # position in the tenant's optOut list (for error locations)


class Layer(NamedTuple):
    """A baseline: a policy fragment applied beneath tenants' own files."""

    name: str
    path: Path
    extends: tuple[str, ...]
    variables: Mapping[str, Any]
    slot: int  # position in fleet.yaml's layers list


class FleetTenant(NamedTuple):
    """One tenant of the fleet: a normal policy tree plus the layers beneath it."""

    name: str
    path: Path
    tags: tuple[str, ...]
    layers: tuple[str, ...]
    variables: Mapping[str, Any]
    opt_outs: tuple[OptOut, ...]
    slot: int  # position in fleet.yaml's tenants list


class MatrixSettings(NamedTuple):
    """CI fan-out settings: jobs per matrix, and the blast radius that needs extra approval."""

    max_jobs: int = 256
    approval_threshold: int = 10


class Fleet(NamedTuple):
    """The parsed fleet file: the root directory, its document, layers and tenants."""

    root: Path
    document: Document
    layers: Mapping[str, Layer]
    tenants: tuple[FleetTenant, ...]
    matrix: MatrixSettings = MatrixSettings()

    def error(
        self, path: Sequence[PathSegment], message: str, *, key: bool = False
    ) -> B2BLintError:
        """A one-line ``fleet.yaml:line:col: message`` error (exit 2)."""
        return error_at(self.document, path, message, key=key)

    def tenant(self, name: str) -> FleetTenant:
        """The tenant called ``name``; a usage error naming the fleet's tenants otherwise."""
        for tenant in self.tenants:
            if tenant.name == name:
                return tenant
        from b2blint.printable import printable

        names = ", ".join(t.name for t in self.tenants[:20])
        more = " ..." if len(self.tenants) > 20 else ""
        raise B2BLintError(
            f"{self.document.path}: no tenant '{printable(name)}' in the fleet "
            f"(tenants: {names}{more})"
        )


def error_at(
    document: Document, path: Sequence[PathSegment], message: str, *, key: bool = False
) -> B2BLintError:
    position = document.position(tuple(path), key=key)
    return B2BLintError(f"{document.path}:{position.line}:{position.column}: {message}", EXIT_USAGE)


def find_fleet_file(path: str | Path) -> Path | None:
    """``path`` itself when it is a fleet file, ``path/fleet.yaml`` when that exists, else None."""
    candidate = Path(path)
    if candidate.name == FLEET_FILE and candidate.is_file():
        return candidate
    inside = candidate / FLEET_FILE
    return inside if candidate.is_dir() and inside.is_file() else None


def _inside(root: Path, raw: str, document: Document, where: tuple[PathSegment, ...]) -> Path:
    """A relative path that stays inside the fleet's root (no absolute paths, no '..')."""
    from b2blint.printable import printable

    if not raw or raw.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", raw) or "\x00" in raw:
        raise error_at(
            document, where, f"path '{printable(raw)}' must be relative to the fleet root"
        )
    parts = re.split(r"[/\\]", raw)
    if ".." in parts:
        raise error_at(document, where, f"path '{printable(raw)}' must stay inside the fleet root")
    return root.joinpath(*[part for part in parts if part not in ("", ".")])


def _mapping(
    document: Document, value: Any, where: tuple[PathSegment, ...], what: str
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise error_at(document, where, f"{what} must be a mapping")
    return value


def _names(
    document: Document, value: Any, where: tuple[PathSegment, ...], what: str, limit: int
) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise error_at(document, where, f"{what} must be a list of names")
    if len(value) > limit:
        raise error_at(document, where, f"{what}: more than {limit} entries")
    names: list[str] = []
    for index, item in enumerate(value):
        if not isinstance(item, str) or not NAME.match(item):
            raise error_at(
                document,
                (*where, index),
                f"{what}: expected a name of lower-case letters, digits, '.', '_' or '-'",
            )
        if item in names:
            raise error_at(document, (*where, index), f"{what}: '{item}' is listed twice")
        names.append(item)
    return tuple(names)


def _unknown_keys(
    document: Document,
    value: Mapping[str, Any],
    allowed: frozenset[str],
    where: tuple[PathSegment, ...],
) -> None:
    from b2blint.printable import printable

    for name in value:
        if name not in allowed:
            known = ", ".join(sorted(allowed))
            raise error_at(
                document,
                (*where, name),
                f"unknown key '{printable(str(name))}' (expected one of: {known})",
                key=True,
            )


def _variables(document: Document, value: Any, where: tuple[PathSegment, ...]) -> dict[str, Any]:
    if value is None:
        return {}
    variables = _mapping(document, value, where, "variables")
    for name in variables:
        if not isinstance(name, str) or not VARIABLE.match(name):
            raise error_at(
                document,
                (*where, name),
                "a variable name is letters, digits and '_' (not starting with a digit)",
                key=True,
            )
    return variables


def _name(document: Document, entry: Mapping[str, Any], where: tuple[PathSegment, ...]) -> str:
    name = entry.get("name")
    if "name" not in entry:
        raise error_at(document, where, "missing 'name'")
    if not isinstance(name, str) or not NAME.match(name):
        raise error_at(
            document,
            (*where, "name"),
            "a name is 1-64 lower-case letters, digits, '.', '_' or '-' (it becomes a directory "
            "and a CI job name)",
        )
    return name


def _path(
    root: Path, document: Document, entry: Mapping[str, Any], where: tuple[PathSegment, ...]
) -> Path:
    raw = entry.get("path")
    if "path" not in entry:
        raise error_at(document, where, "missing 'path'")
    if not isinstance(raw, str):
        raise error_at(document, (*where, "path"), "'path' must be a string")
    return _inside(root, raw, document, (*where, "path"))


_LIMITS = {"layer": MAX_LAYERS, "tenant": MAX_TENANTS}


def _named_entries(
    document: Document,
    value: list[Any],
    noun: str,
    keys: frozenset[str],
    seen: Mapping[str, object],
) -> Iterator[tuple[int, tuple[PathSegment, ...], Mapping[str, Any], str]]:
    """Each entry of the ``{noun}s`` list with its index, place and name, checked: at most
    the limit of entries, each a mapping with only ``keys`` and a name not in ``seen``
    (the caller adds each name to ``seen`` before taking the next entry)."""
    key, limit = f"{noun}s", _LIMITS[noun]
    if len(value) > limit:
        raise error_at(document, (key,), f"more than {limit} {key}")
    for index, raw in enumerate(value):
        where: tuple[PathSegment, ...] = (key, index)
        entry = _mapping(document, raw, where, f"a {noun}")
        _unknown_keys(document, entry, keys, where)
        name = _name(document, entry, where)
        if name in seen:
            raise error_at(document, (*where, "name"), f"{noun} '{name}' is declared twice")
        yield index, where, entry, name


def _layers(root: Path, document: Document, value: Any) -> dict[str, Layer]:
    layers: dict[str, Layer] = {}
    if value is None:
        return layers
    if not isinstance(value, list):
        raise error_at(document, ("layers",), "'layers' must be a list")
    for index, where, entry, name in _named_entries(document, value, "layer", _LAYER_KEYS, layers):
        path = _path(root, document, entry, where)
        if not path.is_file():
            raise error_at(
                document, (*where, "path"), f"layer file {display_path(path)} does not exist"
            )
        layers[name] = Layer(
            name,
            path,
            _names(document, entry.get("extends"), (*where, "extends"), "extends", MAX_LAYERS),
            _variables(document, entry.get("variables"), (*where, "variables")),
            index,
        )
    for layer in layers.values():
        for position, parent in enumerate(layer.extends):
            if parent not in layers:
                raise error_at(
                    document,
                    ("layers", layer.slot, "extends", position),
                    f"layer '{parent}' is not declared in 'layers'",
                )
    return layers


def _opt_outs(document: Document, value: Any, where: tuple[PathSegment, ...]) -> tuple[OptOut, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise error_at(document, where, "'optOut' must be a list")
    if len(value) > MAX_OPT_OUTS:
        raise error_at(document, where, f"more than {MAX_OPT_OUTS} opt-outs")
    found: list[OptOut] = []
    for index, raw in enumerate(value):
        at = (*where, index)
        entry = _mapping(document, raw, at, "an opt-out")
        _unknown_keys(document, entry, _OPT_OUT_KEYS, at)
        setting = entry.get("setting")
        if not isinstance(setting, str) or not setting.strip():
            raise error_at(
                document,
                at,
                "an opt-out needs 'setting' (a dotted path such as default.inboundTrust)",
            )
        segments = tuple(setting.split("."))
        if any(not segment for segment in segments) or len(segments) > 20:
            raise error_at(
                document,
                (*at, "setting"),
                "'setting' is a dotted path such as default.inboundTrust",
            )
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise error_at(
                document, at, "an opt-out needs a 'reason' (why this tenant leaves the baseline)"
            )
        found.append(OptOut(segments, reason.strip(), index))
    return tuple(found)


def _tenants(
    root: Path, document: Document, value: Any, layers: Mapping[str, Layer]
) -> tuple[FleetTenant, ...]:
    if not isinstance(value, list) or not value:
        raise error_at(
            document,
            ("tenants",) if value is not None else (),
            "'tenants' must be a non-empty list",
        )
    tenants: dict[str, FleetTenant] = {}
    paths: dict[str, str] = {}
    for index, where, entry, name in _named_entries(
        document, value, "tenant", _TENANT_KEYS, tenants
    ):
        path = _path(root, document, entry, where)
        if not path.is_dir():
            raise error_at(
                document, (*where, "path"), f"tenant directory {display_path(path)} does not exist"
            )
        key = os.path.normcase(os.path.abspath(path))  # noqa: PTH100 - no symlink resolution
        if key in paths:
            raise error_at(
                document, (*where, "path"), f"tenant '{paths[key]}' already uses this path"
            )
        paths[key] = name
        tenant_layers = _names(
            document, entry.get("layers"), (*where, "layers"), "layers", MAX_LAYERS
        )
        for position, layer in enumerate(tenant_layers):
            if layer not in layers:
                raise error_at(
                    document,
                    (*where, "layers", position),
                    f"layer '{layer}' is not declared in 'layers'",
                )
        tenants[name] = FleetTenant(
            name,
            path,
            _names(document, entry.get("tags"), (*where, "tags"), "tags", MAX_TAGS),
            tenant_layers,
            _variables(document, entry.get("variables"), (*where, "variables")),
            _opt_outs(document, entry.get("optOut"), (*where, "optOut")),
            index,
        )
    return tuple(tenants.values())


def _matrix(document: Document, value: Any) -> MatrixSettings:
    if value is None:
        return MatrixSettings()
    settings = _mapping(document, value, ("matrix",), "'matrix'")
    _unknown_keys(document, settings, _MATRIX_KEYS, ("matrix",))
    found: dict[str, int] = {}
    for key, low, high in (("maxJobs", 1, 256), ("approvalThreshold", 1, MAX_TENANTS)):
        if key in settings:
            number = settings[key]
            if isinstance(number, bool) or not isinstance(number, int) or not low <= number <= high:
                raise error_at(
                    document, ("matrix", key), f"'{key}' must be an integer from {low} to {high}"
                )
            found[key] = number
    return MatrixSettings(found.get("maxJobs", 256), found.get("approvalThreshold", 10))


def load_fleet(path: str | Path) -> Fleet:
    """Read and check a fleet file (``path`` is the file or the directory holding it).

    Raises `B2BLintError` (exit 2) with ``file:line:col`` for anything wrong in it, including a
    layer file or tenant directory that does not exist and a layer that extends an undeclared one.
    """
    fleet_file = find_fleet_file(path)
    if fleet_file is None:
        raise B2BLintError(f"{path}: no {FLEET_FILE} found")
    display = display_path(fleet_file)
    try:
        document = read_document(fleet_file, display)
    except DocumentError as error:
        problem = error.problems[0]
        raise B2BLintError(
            f"{display}:{problem.position.line}:{problem.position.column}: {problem.message}"
        ) from None
    except OSError as error:
        raise B2BLintError(f"{display}: cannot read: {error.strerror or error}") from None
    data = _mapping(document, document.data, (), f"{FLEET_FILE}")
    if FLEET_KEY not in data:
        raise error_at(document, (), f"a fleet file starts with '{FLEET_KEY}: 1'")
    if data[FLEET_KEY] != 1 or isinstance(data[FLEET_KEY], bool):
        raise error_at(document, (FLEET_KEY,), f"unsupported {FLEET_KEY} version (expected 1)")
    _unknown_keys(document, data, _TOP_KEYS, ())
    root = fleet_file.parent
    layers = _layers(root, document, data.get("layers"))
    tenants = _tenants(root, document, data.get("tenants"), layers)
    fleet = Fleet(root, document, layers, tenants, _matrix(document, data.get("matrix")))
    for layer in layers.values():
        layer_order(fleet, (layer.name,), ("layers", layer.slot, "name"))  # cycles, once
    return fleet


def layer_order(
    fleet: Fleet, names: Sequence[str], where: tuple[PathSegment, ...]
) -> tuple[Layer, ...]:
    """The layers to apply, lowest first: each layer's ``extends`` before it, each layer once.

    A cycle (``a`` extends ``b`` extends ``a``) is an error at the ``extends`` entry that
    closes it.
    """
    order: list[Layer] = []
    placed: set[str] = set()

    def visit(name: str, chain: tuple[str, ...], at: tuple[PathSegment, ...]) -> None:
        if name in chain:
            cycle = " -> ".join((*chain[chain.index(name) :], name))
            raise fleet.error(at, f"layers form a cycle: {cycle}")
        if name in placed:
            return
        layer = fleet.layers[name]
        for position, parent in enumerate(layer.extends):
            visit(parent, (*chain, name), ("layers", layer.slot, "extends", position))
        placed.add(name)
        order.append(layer)

    for name in names:
        visit(name, (), where)
    return tuple(order)
