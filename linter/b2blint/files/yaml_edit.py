"""Apply fix `Edit`s to YAML text by splicing, so every byte outside the edited nodes is kept.

**Why not a ruamel.yaml round trip.** A round trip re-emits the whole file, and ruamel can only
emit one indentation style per file: on the benchmark corpus (top-level ``partners`` items at
offset 0, nested ``targets`` at offset 2, flow mappings, quoted IDs) a load and dump with the
detected indentation changes 1,000-1,600 hunks, whichever style is chosen. Fixes must leave
everything but the edited lines byte-identical, so this module instead

1. composes the text with libyaml (the parser the linter already uses), which gives exact
   start/end offsets for every scalar and flow collection (a block collection ends where its
   last descendant ends);
2. turns each edit into splices ``(start, end, replacement)`` of the original text: replacing
   a value replaces only its span (a scalar keeps its quote style); deleting a key or list
   item removes its lines (or its ``key: value,`` in a flow collection); appending or adding a
   key inserts lines after the last entry at the siblings' indentation;
3. renders new block content with the file's own indentation (mapping indent and sequence
   offset, detected by majority vote over the file), and new lines with the file's line
   ending (CRLF files stay CRLF; a UTF-8 BOM is kept by the caller);
4. lets the caller re-parse the result and compare it with the expected data
   (`expected_data`); a fix whose result differs is not written.

Edit paths refer to the document as the rules saw it (all edits of a round resolve against
the original text), so two deletions in one list never shift each other.
"""

from __future__ import annotations

import collections
import copy
import dataclasses
import functools
import json
import math
import re
from collections.abc import Sequence
from typing import Any

import yaml

from b2blint.diagnostics import Edit
from b2blint.files.document import YAML11_BOOLEANS, resolve_plain

_SAFE_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.@/+-]*")


class EditError(Exception):
    """An edit that cannot be applied to this text (its path is gone, or the shape differs)."""


@dataclasses.dataclass(frozen=True)
class Splice:
    start: int
    end: int
    text: str


@dataclasses.dataclass(frozen=True)
class Style:
    """How the file indents: a nested mapping by ``mapping`` columns, a block sequence's dash by
    ``offset`` columns from its key."""

    mapping: int = 2
    offset: int = 2


_Node = Any  # yaml.Node; libyaml's node classes are untyped


_STR_TAG = "tag:yaml.org,2002:str"
_PLAIN_TAG = "tag:b2blint,2026:plain"  # resolved by `node_data`, as the linter resolves it
_COLLECTION_TAGS = {
    yaml.SequenceNode: "tag:yaml.org,2002:seq",
    yaml.MappingNode: "tag:yaml.org,2002:map",
}


def _fast_loader() -> Any:
    """A composing loader that skips PyYAML's regex tag resolution of every plain scalar.

    Splicing needs node positions and values, and `node_data` resolves plain scalars with the
    YAML 1.2 rules anyway; PyYAML's resolver (YAML 1.1 regexes per scalar) was 60 % of
    composing a 1,000-partner file.
    """
    base: Any = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader

    class Loader(base):  # type: ignore[misc]
        def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
            if kind is yaml.ScalarNode:
                return _PLAIN_TAG if implicit[0] else _STR_TAG
            return _COLLECTION_TAGS[kind]

    return Loader


_LOADER = _fast_loader()


class YamlText:
    """One YAML text, composed once, that turns edits into splices."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.newline = "\r\n" if "\r\n" in text else "\n"
        loader: Any = _LOADER
        try:
            self.root: _Node = yaml.compose(text, Loader=loader)
        except yaml.YAMLError as error:
            raise EditError(f"the file does not parse: {error}") from None
        if self.root is None:
            raise EditError("the file is empty")
        self.style = detect_style(self.root)

    # -- positions ----------------------------------------------------------------------------
    @functools.cached_property
    def line_starts(self) -> list[int]:
        """Offset of the start of every line (built on the first line edit)."""
        starts = [0]
        find = self.text.find
        index = find("\n")
        while index != -1:
            starts.append(index + 1)
            index = find("\n", index + 1)
        if starts[-1] == len(self.text) and len(starts) > 1:
            starts.pop()  # the text ends with a line break: no line after it
        return starts

    def line_start(self, index: int) -> int:
        return self.text.rfind("\n", 0, index) + 1

    def line_end(self, index: int) -> int:
        """Index of the end of the line holding ``index`` (before ``\\r\\n`` or ``\\n``)."""
        end = self.text.find("\n", index)
        if end == -1:
            return len(self.text)
        return end - 1 if end > 0 and self.text[end - 1] == "\r" else end

    def next_line_start(self, index: int) -> int:
        end = self.text.find("\n", index)
        return len(self.text) if end == -1 else end + 1

    def only_spaces_before(self, index: int) -> bool:
        return not self.text[self.line_start(index) : index].strip(" ")

    def column(self, index: int) -> int:
        return index - self.line_start(index)

    def content_end(self, node: _Node) -> int:
        """Where the node's own text ends (a block collection ends with its last descendant)."""
        if isinstance(node, yaml.ScalarNode):
            end: int = node.end_mark.index
            if node.style in ("|", ">"):
                while end > node.start_mark.index and self.text[end - 1] in " \t\r\n":
                    end -= 1
            return end
        if node.flow_style or not node.value:
            return int(node.end_mark.index)
        last = node.value[-1]
        return self.content_end(last[1] if isinstance(node, yaml.MappingNode) else last)

    def after_colon(self, key: _Node) -> int:
        index = self.text.find(":", key.end_mark.index)
        if index == -1:  # pragma: no cover - a key always has its colon
            raise EditError("cannot find the ':' after a key")
        return index + 1

    def dash(self, item: _Node) -> int:
        """Index of the ``-`` that starts a block sequence item."""
        index: int = item.start_mark.index - 1
        while index >= 0 and self.text[index] in " \t":
            index -= 1
        if index < 0 or self.text[index] != "-":
            raise EditError("cannot find the '-' of a list item")
        return index

    # -- paths --------------------------------------------------------------------------------
    def resolve(self, path: Sequence[str | int]) -> list[tuple[_Node, _Node | None, _Node]]:
        """The chain (parent, key node or None for a list item, node) down ``path``.

        Stops early when the path leaves the document; the caller compares lengths.
        """
        chain: list[tuple[_Node, _Node | None, _Node]] = []
        node = self.root
        for segment in path:
            if isinstance(node, yaml.MappingNode) and isinstance(segment, str):
                for key, value in node.value:
                    if isinstance(key, yaml.ScalarNode) and key.value == segment:
                        chain.append((node, key, value))
                        node = value
                        break
                else:
                    return chain
            elif isinstance(node, yaml.SequenceNode) and isinstance(segment, int):
                if not 0 <= segment < len(node.value):
                    return chain
                chain.append((node, None, node.value[segment]))
                node = node.value[segment]
            else:
                return chain
        return chain

    # -- edits --------------------------------------------------------------------------------
    def splices(self, edit: Edit) -> list[Splice]:
        if edit.op == "line":
            return [self._line(edit)]
        if not edit.path:
            raise EditError("an edit needs a path")
        if edit.op == "set":
            return self._set(edit.path, edit.value)
        if edit.op == "delete":
            return self._delete(edit.path)
        if edit.op == "append":
            return self._append(edit.path, edit.value)
        raise EditError(f"unknown edit operation '{edit.op}'")

    def _line(self, edit: Edit) -> Splice:
        number = edit.path[0] if edit.path else None
        if not isinstance(number, int) or number < 1:
            raise EditError("a line edit needs a line number")
        if number > len(self.line_starts):
            raise EditError(f"line {number} is past the end of the file")
        start = self.line_starts[number - 1]
        if edit.value is not None:
            return Splice(start, self.line_end(start), str(edit.value))
        end = self.next_line_start(start)
        if end == len(self.text) and not self.text.endswith("\n") and start > 0:
            return Splice(start - len(self.newline), end, "")  # the last line has no newline
        return Splice(start, end, "")

    def _set(self, path: Sequence[str | int], value: Any) -> list[Splice]:
        chain = self.resolve(path)
        if len(chain) == len(path):
            parent, key, node = chain[-1]
            return self._replace(parent, key, node, value)
        # Missing: add the first missing key to the deepest existing mapping.
        depth = len(chain)
        if not all(isinstance(segment, str) for segment in path[depth:]):
            raise EditError(f"cannot create list item {list(path[depth:])}")
        nested: Any = value
        for segment in reversed(path[depth + 1 :]):
            nested = {segment: nested}
        name = str(path[depth])
        if depth == 0:
            owner: _Node = self.root
            owner_key: _Node | None = None
            owner_parent: _Node | None = None
        else:
            owner_parent, owner_key, owner = chain[-1]
        if isinstance(owner, yaml.ScalarNode) and owner.value in ("", "~", "null", "Null", "NULL"):
            return self._replace(owner_parent, owner_key, owner, {name: nested})
        if not isinstance(owner, yaml.MappingNode):
            raise EditError(f"'{path[depth - 1] if depth else '(root)'}' is not a mapping")
        return [self._insert_entry(owner, name, nested)]

    def _replace(self, parent: _Node, key: _Node | None, node: _Node, value: Any) -> list[Splice]:
        if isinstance(node, yaml.MappingNode) and isinstance(value, dict):
            merged = self._merge(node, value)
            if merged is not None:
                return merged
        start = node.start_mark.index
        end = self.content_end(node)
        is_collection = isinstance(value, (dict, list)) and bool(value)
        in_flow = bool(parent is not None and parent.flow_style)
        if (
            not is_collection
            or in_flow
            or (not isinstance(node, yaml.ScalarNode) and node.flow_style)
        ):
            if isinstance(node, yaml.ScalarNode):
                if isinstance(value, (dict, list)):
                    text = render_flow(value)
                else:
                    text = render_scalar(value, node.style)
                if start == end and key is not None:  # `key:` with no value
                    return [Splice(start, end, " " + text)]
                return [Splice(start, end, text)]
            if isinstance(node, yaml.CollectionNode) and not node.flow_style and key is not None:
                # A block collection becomes a one-line value after its key.
                flat = (
                    render_flow(value) if isinstance(value, (dict, list)) else render_scalar(value)
                )
                return [Splice(self.after_colon(key), end, " " + flat)]
            text = render_flow(value) if isinstance(value, (dict, list)) else render_scalar(value)
            return [Splice(start, end, text)]
        # A non-empty collection in block context.
        if isinstance(node, yaml.ScalarNode):
            if key is None:  # a scalar list item becomes a collection: keep it on its line
                return [Splice(start, end, render_flow(value))]
            indent = self.column(key.start_mark.index) + (
                self.style.mapping if isinstance(value, dict) else self.style.offset
            )
            lines = render_block(value, indent, self.style)
            colon = self.after_colon(key)
            splices = [Splice(colon, end, "")] if end > colon else []
            insert_at = self.line_end(max(end, colon))
            splices.append(Splice(insert_at, insert_at, self.newline + self.newline.join(lines)))
            return splices
        same_kind = isinstance(value, dict) == isinstance(node, yaml.MappingNode)
        column = self.column(start)
        if same_kind or isinstance(value, list):
            lines = render_block(value, column, self.style)
            lines[0] = lines[0][column:]
            return [Splice(start, end, self.newline.join(lines))]
        if key is not None and self.only_spaces_before(start):
            indent = self.column(key.start_mark.index) + self.style.mapping
            lines = render_block(value, indent, self.style)
            return [Splice(self.line_start(start), end, self.newline.join(lines))]
        return [Splice(start, end, render_flow(value))]

    def _merge(self, node: _Node, value: dict[str, Any]) -> list[Splice] | None:
        """Set a mapping to ``value`` key by key, so unchanged keys keep their text.

        None when that is not simple (keys both removed and added, several removed, none kept).
        """
        old = {k.value: (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}
        if len(old) != len(node.value):
            return None
        removed = [name for name in old if name not in value]
        added = [name for name in value if name not in old]
        if (removed and added) or len(removed) > 1 or len(removed) == len(old):
            return None
        splices: list[Splice] = []
        for name, item in value.items():
            if name in old:
                key, child = old[name]
                if node_data(child) != item:
                    splices.extend(self._replace(node, key, child, item))
        for name in removed:
            splices.extend(self._delete_entry(node, old[name][0]))
        for name in added:
            splices.append(self._insert_entry(node, name, value[name]))
        return splices

    def _insert_entry(self, mapping: _Node, name: str, value: Any) -> Splice:
        if mapping.flow_style:
            if not mapping.value:
                open_brace = self.text.index("{", mapping.start_mark.index)
                return Splice(
                    open_brace + 1, open_brace + 1, f"{render_key(name)}: {render_flow(value)}"
                )
            at = self.content_end(mapping.value[-1][1])
            return Splice(at, at, f", {render_key(name)}: {render_flow(value)}")
        if not mapping.value:  # pragma: no cover - an empty block mapping does not exist
            raise EditError("cannot add to an empty block mapping")
        column = self.column(mapping.value[0][0].start_mark.index)
        lines = render_block({name: value}, column, self.style)
        at = self.line_end(self.content_end(mapping))
        return Splice(at, at, self.newline + self.newline.join(lines))

    def _empty_collection(
        self, chain: list[tuple[_Node, _Node | None, _Node]], first: int, end: int, empty: str
    ) -> Splice:
        """Replace a collection's only entry (``first``..``end``) by ``{}`` or ``[]``."""
        if len(chain) >= 2:
            _, owner_key, _ = chain[-2]
            if owner_key is not None:
                colon = self.after_colon(owner_key)
                if not self.text[colon:first].strip():
                    return Splice(colon, end, " " + empty)
        return Splice(first, end, empty)

    def _delete(self, path: Sequence[str | int]) -> list[Splice]:
        chain = self.resolve(path)
        if len(chain) != len(path):
            raise EditError(f"nothing to delete at {list(path)}")
        parent, key, node = chain[-1]
        end = self.content_end(node)
        if isinstance(parent, yaml.MappingNode):
            assert key is not None
            if len(parent.value) == 1 and not parent.flow_style:
                return [self._empty_collection(chain, key.start_mark.index, end, "{}")]
            return self._delete_entry(parent, key)
        items = parent.value
        index = next(i for i, item in enumerate(items) if item is node)
        if parent.flow_style:
            return [
                self._flow_remove(
                    items, index, node.start_mark.index, end, first=lambda e: e, last=lambda e: e
                )
            ]
        dash = self.dash(node)
        if len(items) == 1:
            return [self._empty_collection(chain, dash, end, "[]")]
        if not self.only_spaces_before(dash):
            raise EditError("cannot delete an item of a nested inline list")
        return [Splice(self.line_start(dash), self.next_line_start(end), "")]

    def _delete_entry(self, mapping: _Node, key: _Node) -> list[Splice]:
        """Remove one entry of a mapping that keeps at least one other entry."""
        entries = mapping.value
        index = next(i for i, (k, _) in enumerate(entries) if k is key)
        start = key.start_mark.index
        end = self.content_end(entries[index][1])
        if mapping.flow_style:
            return [
                self._flow_remove(
                    entries, index, start, end, first=lambda e: e[0], last=lambda e: e[1]
                )
            ]
        if not self.only_spaces_before(start):  # first key of a `- key: value` item
            return [Splice(start, entries[index + 1][0].start_mark.index, "")]
        return [Splice(self.line_start(start), self.next_line_start(end), "")]

    def _flow_remove(
        self, entries: list[Any], index: int, start: int, end: int, *, first: Any, last: Any
    ) -> Splice:
        if len(entries) == 1:
            return Splice(start, end, "")
        if index < len(entries) - 1:
            return Splice(start, first(entries[index + 1]).start_mark.index, "")
        previous_end = self.content_end(last(entries[index - 1]))
        comma = _flow_comma(self.text, previous_end, start)
        if comma is None:  # nothing but the comma and spaces between: remove it all
            return Splice(previous_end, end, "")
        # A comment after the previous entry is its own: keep it, drop only the comma and
        # this entry (with its line, and the line's comment, when it stands alone on it).
        rest = self.text[end : self.line_end(end)]
        own_comma = rest.lstrip(" \t").startswith(",")
        if own_comma:  # a trailing comma after this entry: the one before takes its place
            end += rest.index(",") + 1
        rest = self.text[end : self.line_end(end)].strip()
        if self.only_spaces_before(start) and (not rest or rest.startswith("#")):
            start, end = self.line_start(start), self.next_line_start(end)
        if own_comma:
            return Splice(start, end, "")
        return Splice(comma, end, self.text[comma + 1 : start])

    def _append(self, path: Sequence[str | int], value: Any) -> list[Splice]:
        chain = self.resolve(path)
        if len(chain) != len(path):
            return self._set(path, [value])
        parent, key, node = chain[-1]
        if isinstance(node, yaml.ScalarNode) and node.value in ("", "~", "null", "Null", "NULL"):
            return self._replace(parent, key, node, [value])
        if not isinstance(node, yaml.SequenceNode):
            raise EditError(f"{list(path)} is not a list")
        if node.flow_style:
            if not node.value:
                bracket = self.text.index("[", node.start_mark.index)
                return [Splice(bracket + 1, bracket + 1, render_flow(value))]
            at = self.content_end(node.value[-1])
            return [Splice(at, at, ", " + render_flow(value))]
        column = self.column(self.dash(node.value[0]))
        last = node.value[-1]
        if isinstance(last, yaml.CollectionNode) and last.flow_style:  # like its siblings
            lines = [" " * column + "- " + render_flow(value)]
        else:
            lines = render_block([value], column, self.style)
        at = self.line_end(self.content_end(node))
        return [Splice(at, at, self.newline + self.newline.join(lines))]


def _flow_comma(text: str, start: int, end: int) -> int | None:
    """The index of the ',' between two flow entries when a comment stands between them."""
    gap = text[start:end]
    if "#" not in gap:
        return None
    in_comment = False
    for offset, char in enumerate(gap):
        if char == "#":
            in_comment = True
        elif char == "\n":
            in_comment = False
        elif char == "," and not in_comment:
            return start + offset
    return None


def node_data(node: _Node) -> Any:
    """The plain value of a node, resolved as `b2blint.files.document` resolves it."""
    if isinstance(node, yaml.ScalarNode):
        return (
            resolve_plain(node.value)
            if node.style is None and node.tag != _STR_TAG
            else node.value
        )
    if isinstance(node, yaml.SequenceNode):
        return [node_data(item) for item in node.value]
    return {key.value: node_data(value) for key, value in node.value}


def detect_style(root: _Node) -> Style:
    """The file's usual mapping indent and sequence offset (majority vote; 2 and 2 if none)."""
    mapping: collections.Counter[int] = collections.Counter()
    offset: collections.Counter[int] = collections.Counter()
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append(value)
                if isinstance(value, yaml.CollectionNode) and not value.flow_style and value.value:
                    if value.start_mark.line == key.start_mark.line:
                        continue
                    step = value.start_mark.column - key.start_mark.column
                    (mapping if isinstance(value, yaml.MappingNode) else offset)[step] += 1
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return Style(
        mapping=_most_common(mapping, 2, minimum=1), offset=_most_common(offset, 2, minimum=0)
    )


def _most_common(counter: collections.Counter[int], default: int, minimum: int) -> int:
    """The most frequent value (at least ``minimum``); ties go to ``default``, then the smaller."""
    votes = [
        (count, value == default, -value) for value, count in counter.items() if value >= minimum
    ]
    return -max(votes)[2] if votes else default


def render_key(name: str) -> str:
    return render_scalar(name)


def render_scalar(value: Any, style: str | None = None) -> str:
    """One scalar as YAML; a string keeps ``style`` (``'``, ``"`` or plain) when it can."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else (".inf" if value > 0 else "-.inf")
    if isinstance(value, (int, float)):
        return json.dumps(value)
    text = str(value)
    if style == "'" and text.isprintable():
        return "'" + text.replace("'", "''") + "'"
    if style == '"' or not _plain_ok(text):
        return json.dumps(text, ensure_ascii=False)
    return text


def _plain_ok(text: str) -> bool:
    """Whether a string can be written unquoted and read back as the same string everywhere."""
    return (
        _SAFE_PLAIN.fullmatch(text) is not None
        and resolve_plain(text) == text
        and text not in YAML11_BOOLEANS
    )


def render_flow(value: Any) -> str:
    if isinstance(value, dict):
        inner = ", ".join(f"{render_key(str(k))}: {render_flow(v)}" for k, v in value.items())
        return "{" + inner + "}"
    if isinstance(value, list):
        return "[" + ", ".join(render_flow(item) for item in value) + "]"
    return render_scalar(value)


def render_block(value: Any, indent: int, style: Style) -> list[str]:
    """Lines (with their indentation) of a collection in block style."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            name = render_key(str(key))
            if isinstance(item, dict) and item:
                lines.append(f"{pad}{name}:")
                lines.extend(render_block(item, indent + style.mapping, style))
            elif isinstance(item, list) and item:
                lines.append(f"{pad}{name}:")
                lines.extend(render_block(item, indent + style.offset, style))
            else:
                lines.append(f"{pad}{name}: {render_flow(item)}")
        return lines
    for item in value:
        if isinstance(item, dict) and item:
            inner = render_block(item, indent + 2, style)
            inner[0] = f"{pad}- {inner[0][indent + 2 :]}"
            lines.extend(inner)
        else:
            lines.append(f"{pad}- {render_flow(item)}")
    return lines


def apply_splices(text: str, splices: Sequence[Splice]) -> str:
    """The text with non-overlapping splices applied (insertions at one point keep their order)."""
    ordered = sorted(enumerate(splices), key=lambda item: (item[1].start, item[1].end, item[0]))
    parts: list[str] = []
    cursor = 0
    for _, splice in ordered:
        if splice.start < cursor:
            raise EditError("overlapping edits")
        parts.append(text[cursor : splice.start])
        parts.append(splice.text)
        cursor = splice.end
    parts.append(text[cursor:])
    return "".join(parts)


def expected_data(data: Any, edits: Sequence[Edit]) -> Any:
    """What the data must be after ``edits`` (all paths against the original ``data``)."""
    result = copy.deepcopy(data)

    def locate(path: Sequence[str | int]) -> tuple[Any, str | int] | None:
        node = result
        for segment in path[:-1]:
            if isinstance(node, dict):
                if segment not in node:
                    return None
                node = node[segment]
            elif isinstance(node, list) and isinstance(segment, int) and 0 <= segment < len(node):
                node = node[segment]
            else:
                return None
        return node, path[-1]

    deletions = [(locate(edit.path), edit) for edit in edits if edit.op == "delete"]
    for edit in edits:
        if edit.op == "set":
            _set_plain(result, edit.path, copy.deepcopy(edit.value))
        elif edit.op == "append":
            found = locate(edit.path)
            container = found[0] if found else None
            current = (
                container.get(edit.path[-1]) if isinstance(container, dict)
                else container[edit.path[-1]] if isinstance(container, list)
                and isinstance(edit.path[-1], int) else None
            )  # fmt: skip
            if isinstance(current, list):
                current.append(copy.deepcopy(edit.value))
            else:
                _set_plain(result, edit.path, [copy.deepcopy(edit.value)])
    by_container: dict[int, tuple[Any, list[str | int]]] = {}
    for found, edit in deletions:
        if found is None:
            raise EditError(f"nothing to delete at {list(edit.path)}")
        container, key = found
        by_container.setdefault(id(container), (container, []))[1].append(key)
    for container, keys in by_container.values():
        for key in sorted(set(keys), key=lambda k: (isinstance(k, int), k), reverse=True):
            del container[key]
    return result


def _set_plain(data: Any, path: Sequence[str | int], value: Any) -> None:
    node = data
    for index, segment in enumerate(path[:-1]):
        if isinstance(node, dict):
            child = node.get(segment)
            if not isinstance(child, (dict, list)):
                child = {}
                node[segment] = child
            node = child
        elif isinstance(node, list) and isinstance(segment, int):
            node = node[segment]
        else:  # pragma: no cover - guarded by the text edit failing first
            raise EditError(f"cannot set {list(path[: index + 1])}")
    if not (isinstance(node, dict) or (isinstance(node, list) and isinstance(path[-1], int))):
        raise EditError(f"cannot set {list(path)}")  # pragma: no cover
    container: Any = node
    container[path[-1]] = value
