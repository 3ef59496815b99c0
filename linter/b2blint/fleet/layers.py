"""Merge layers beneath a tenant's own files, remembering where every value came from.

The rules (docs/fleets.md, "Precedence"):

* Sources apply lowest first: the tenant's layers in the order `layer_order` gives (each
  layer's ``extends`` before it), then the tenant's own files on top.
* Mappings merge key by key, recursively. Scalars, ``null`` and lists are replaced whole by
  the higher source - except the top-level ``partners`` list, whose entries are matched by
  ``tenantId`` (case-insensitive) and merged like mappings; entries new in a higher source are
  appended in its order.
* A tenant's ``optOut`` entry removes one setting that its layers set (a dotted path;
  ``partners.<tenantId>...`` names a partner entry or a setting in it); it must match something.

A merged tree is data plus an `Origins` trie: asking for any path gives the document and
YAML path of the file it came from, so findings never point at generated text.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import Any

from b2blint.diagnostics import Location, PathSegment, Position
from b2blint.files.document import Document

Origin = tuple[Document, tuple[PathSegment, ...]]
Path_ = tuple[PathSegment, ...]


@dataclasses.dataclass(frozen=True)
class Origins:
    """A trie over paths of a tree: a node's ``origin`` says where that subtree came from.

    Nodes exist only where the source changes (a section from another file, a partner entry, a
    variable's value); below the deepest node, paths map one to one.
    """

    origin: Origin | None
    children: Mapping[PathSegment, Origins] = dataclasses.field(default_factory=dict)

    def resolve(self, path: Sequence[PathSegment]) -> Origin:
        node: Origins = self
        best = self.origin
        depth = 0
        for index, segment in enumerate(path):
            child = node.children.get(segment)
            if child is None:
                break
            node = child
            if child.origin is not None:
                best, depth = child.origin, index + 1
        assert best is not None, "the root of an Origins trie always has an origin"
        return best[0], (*best[1], *path[depth:])

    def at(self, path: Sequence[PathSegment]) -> Origins:
        """The trie below ``path``, rooted with its resolved origin (shared children)."""
        node: Origins | None = self
        for segment in path:
            node = node.children.get(segment) if node is not None else None
        origin = self.resolve(path)
        return Origins(origin, node.children if node is not None else {})


def plain(document: Document) -> Origins:
    """A document's own data: every path is itself."""
    return Origins((document, ()))


@dataclasses.dataclass(eq=False)
class LayeredDocument(Document):
    """A tenant's merged tree, posing as one document: positions resolve to the real files.

    Its ``path`` names the tenant (``fleet.yaml#contoso``); nothing is ever located there.
    """

    origins: Origins = dataclasses.field(default_factory=lambda: Origins(None))

    def locate(self, path: Sequence[PathSegment], *, key: bool = False) -> Location:
        document, source_path = self.origins.resolve(tuple(path))
        return document.locate(source_path, key=key)

    def position(self, path: Sequence[PathSegment], *, key: bool = False) -> Position:
        return self.locate(path, key=key).position

    def origin(self, path: Sequence[PathSegment]) -> Origin:
        return self.origins.resolve(tuple(path))


def partner_key(entry: Any) -> str | None:
    if isinstance(entry, dict):
        tenant_id = entry.get("tenantId")
        if isinstance(tenant_id, str):
            return tenant_id.lower()
    return None


class _Merge:
    """One merge of a higher source over a lower one, with opt-outs applied to the lower."""

    def __init__(self, opt_outs: Sequence[tuple[str, ...]]) -> None:
        self.opt_outs = {self._normal(path) for path in opt_outs}
        self.prefixes = {path[:k] for path in self.opt_outs for k in range(1, len(path))}
        self.used: set[tuple[str, ...]] = set()

    @staticmethod
    def _normal(path: Sequence[str]) -> tuple[str, ...]:
        if len(path) >= 2 and path[0] == "partners":
            return ("partners", path[1].lower(), *path[2:])
        return tuple(path)

    def merge(
        self,
        lower: Any,
        lower_origins: Origins,
        upper: Any,
        upper_origins: Origins | None,
        semantic: tuple[str, ...],
    ) -> tuple[Any, Origins]:
        """Merge ``upper`` (None: absent) over ``lower``; both origins tries are rooted here."""
        if upper_origins is None:
            if not isinstance(lower, dict) or (semantic not in self.prefixes and semantic != ()):
                return lower, lower_origins
        elif not isinstance(lower, dict) or not isinstance(upper, dict):
            return upper, upper_origins
        assert isinstance(lower, dict)
        owner = upper_origins if upper_origins is not None else lower_origins
        upper_map: dict[str, Any] = upper if isinstance(upper, dict) else {}
        merged: dict[str, Any] = {}
        children: dict[PathSegment, Origins] = {}
        for key, value in lower.items():
            path = (*semantic, key)
            if key in upper_map:
                continue  # placed below, in the lower source's order
            if path in self.opt_outs:
                self.used.add(path)
                continue
            if key == "partners" and not semantic:
                continue
            sub = lower_origins.at((key,))
            merged[key], children[key] = self.merge(value, sub, None, None, path)
        for key, value in upper_map.items():
            path = (*semantic, key)
            if key == "partners" and not semantic:
                continue
            assert upper_origins is not None
            if path in self.opt_outs:
                self.used.add(path)  # the tenant sets its own value instead
            if key in lower:
                merged[key], children[key] = self.merge(
                    lower[key], lower_origins.at((key,)), value, upper_origins.at((key,)), path
                )
            else:
                merged[key], children[key] = value, upper_origins.at((key,))
        if not semantic and ("partners" in lower or "partners" in upper_map):
            merged["partners"], children["partners"] = self._partners(
                lower.get("partners"),
                lower_origins.at(("partners",)),
                upper_map.get("partners") if "partners" in upper_map else None,
                upper_origins.at(("partners",))
                if upper_origins and "partners" in upper_map
                else None,
            )
        if not semantic:  # keep b2blint's keys first, as in a file
            merged = {k: merged[k] for k in sorted(merged, key=_top_order)}
        return merged, Origins(owner.resolve(()), children)

    def _partners(
        self, lower: Any, lower_origins: Origins, upper: Any, upper_origins: Origins | None
    ) -> tuple[Any, Origins]:
        if upper_origins is not None and not isinstance(upper, list):
            return upper, upper_origins
        if not isinstance(lower, list):
            if upper_origins is not None:
                return upper, upper_origins
            return lower, lower_origins
        upper_list: list[Any] = upper if isinstance(upper, list) else []
        upper_index: dict[str, int] = {}
        for index, entry in enumerate(upper_list):
            key = partner_key(entry)
            if key is not None:
                upper_index.setdefault(key, index)
        merged: list[Any] = []
        children: dict[PathSegment, Origins] = {}
        taken: set[int] = set()
        for index, entry in enumerate(lower):
            key = partner_key(entry)
            semantic = ("partners", key) if key is not None else ("partners", f"#{index}")
            if semantic in self.opt_outs:
                self.used.add(semantic)
                if key is None or key not in upper_index:
                    continue
            at = len(merged)
            if key is not None and key in upper_index:
                position = upper_index[key]
                taken.add(position)
                assert upper_origins is not None
                value, origins = self.merge(
                    entry,
                    lower_origins.at((index,)),
                    upper_list[position],
                    upper_origins.at((position,)),
                    semantic,
                )
            else:
                value, origins = self.merge(entry, lower_origins.at((index,)), None, None, semantic)
            merged.append(value)
            children[at] = origins
        for position, entry in enumerate(upper_list):
            if position in taken:
                continue
            assert upper_origins is not None
            children[len(merged)] = upper_origins.at((position,))
            merged.append(entry)
        owner = upper_origins if upper_origins is not None else lower_origins
        return merged, Origins(owner.resolve(()), children)


def _top_order(key: str) -> tuple[int, str]:
    order = {"b2blint": 0, "tenant": 1}
    return (order.get(key, 2 if key != "partners" else 3), "")


def merge_sources(
    sources: Sequence[tuple[Any, Origins]],
    opt_outs: Sequence[tuple[str, ...]] = (),
) -> tuple[dict[str, Any], Origins, set[tuple[str, ...]]]:
    """Fold ``sources`` (lowest first; the last is the tenant's own tree) into one tree.

    ``opt_outs`` apply to what the layers (every source but the last) set. Returns the tree, its
    origins and the opt-outs that matched nothing (normalized).
    """
    if not sources:
        raise ValueError("nothing to merge")
    data, origins = sources[0]
    nothing = _Merge(())
    for source, source_origins in sources[1:-1]:
        data, origins = nothing.merge(data, origins, source, source_origins, ())
    last = _Merge(opt_outs)
    if len(sources) > 1:
        data, origins = last.merge(data, origins, sources[-1][0], sources[-1][1], ())
    unused = last.opt_outs - last.used
    return data if isinstance(data, dict) else {}, origins, unused


# --- variables --------------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]{0,63})\}")
WHOLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]{0,63})\}\Z")


class Variable(Exception):
    """A placeholder whose variable is not defined (raised by `substitute`)."""

    def __init__(self, name: str, path: Path_) -> None:
        super().__init__(name)
        self.name = name
        self.path = path


def substitute(
    data: Any,
    document: Document,
    values: Mapping[str, tuple[Any, Origin]],
    used: set[str],
) -> tuple[Any, Origins]:
    """``data`` with every ``${name}`` replaced; origins point at each variable's definition.

    A scalar that is exactly ``${name}`` takes the variable's value (any type: a GUID, a list
    of partners); ``${name}`` inside a longer string takes its text (the value must be a
    string or a number). Untouched subtrees are shared, not copied.
    """
    children: dict[PathSegment, Origins] = {}

    def walk(node: Any, path: Path_, trie: dict[PathSegment, Origins]) -> Any:
        if isinstance(node, str):
            if "${" not in node:
                return node
            whole = WHOLE.match(node)
            if whole is not None:
                name = whole.group(1)
                if name not in values:
                    raise Variable(name, path)
                used.add(name)
                value, origin = values[name]
                _graft(trie, path, Origins(origin))
                return value

            def text(match: re.Match[str]) -> str:
                name = match.group(1)
                if name not in values:
                    raise Variable(name, path)
                used.add(name)
                value = values[name][0]
                if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                    raise Variable(name, path)
                return str(value)

            return PLACEHOLDER.sub(text, node)
        if isinstance(node, dict):
            changed = False
            out: dict[str, Any] = {}
            for key, value in node.items():
                new = walk(value, (*path, key), trie)
                changed = changed or new is not value
                out[key] = new
            return out if changed else node
        if isinstance(node, list):
            changed = False
            items: list[Any] = []
            for index, value in enumerate(node):
                new = walk(value, (*path, index), trie)
                changed = changed or new is not value
                items.append(new)
            return items if changed else node
        return node

    result = walk(data, (), children)
    return result, Origins((document, ()), children)


def _graft(trie: dict[PathSegment, Origins], path: Path_, leaf: Origins) -> None:
    """Insert ``leaf`` at ``path`` in a mutable trie under construction (``substitute`` only)."""
    node_children = trie
    for segment in path[:-1]:
        child = node_children.get(segment)
        if child is None:
            child = Origins(None, {})
            node_children[segment] = child
        assert isinstance(child.children, dict)
        node_children = child.children
    existing = node_children.get(path[-1]) if path else None
    if existing is not None:
        node_children[path[-1]] = Origins(leaf.origin, existing.children)
    elif path:
        node_children[path[-1]] = leaf
