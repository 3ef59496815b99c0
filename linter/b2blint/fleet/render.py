"""``b2blint fleet render``: each tenant's effective tree as one policy file, with origins.

The text is the merged tree in the house style (`b2blint.files.yamlio.dump_yaml`); every line
that holds a value ends with a comment naming the file and line that value came from
(``# baselines/msp.yaml:12``), so a reviewer sees at once what the baseline decides and what
the tenant overrides. It is a view: lint the fleet, not the rendered files (findings point
at the sources, never at this text).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from b2blint.diagnostics import PathSegment
from b2blint.files.document import parse_text
from b2blint.files.yamlio import dump_yaml, escaped
from b2blint.fleet.assemble import TenantTree


def _paths(node: Any, path: tuple[PathSegment, ...]) -> Iterator[tuple[PathSegment, ...]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*path, key)
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield (*path, index)
            yield from _paths(value, (*path, index))


def render_tenant(tree: TenantTree) -> str:
    """The tenant's merged policy as YAML text, each value line commented with its origin."""
    layers = ", ".join(layer.name for layer in tree.layers) or "none"
    text = dump_yaml(
        tree.document.data,
        header=(
            f"Effective policy of fleet tenant '{tree.name}' (b2blint fleet render).",
            f"Layers beneath its own files, lowest first: {layers}.",
            "Generated: edit the files named in the comments, not this one.",
        ),
    )
    rendered = parse_text(text, f"{tree.name}.yaml")
    by_line: dict[int, list[str]] = {}
    for path in _paths(tree.document.data, ()):
        at_key = isinstance(path[-1], str)
        line = rendered.position(path, key=at_key).line
        origin = tree.document.locate(path, key=at_key)
        label = f"{origin.file}:{origin.position.line}"
        labels = by_line.setdefault(line, [])
        if label not in labels:
            labels.append(label)
    lines = text.splitlines()
    for number, labels in by_line.items():
        index = number - 1
        if 0 <= index < len(lines):
            shown = ", ".join(labels[:3]) + (" ..." if len(labels) > 3 else "")
            lines[index] = f"{lines[index]}  # {escaped(shown)}"
    return "\n".join(lines) + "\n"


def render_all(trees: Sequence[TenantTree]) -> dict[str, str]:
    """Every tenant's text by name (all rendered before any is written or printed)."""
    return {tree.name: render_tenant(tree) for tree in trees}


def write_rendered(texts: dict[str, str], out: Path) -> list[Path]:
    """Write ``out/<tenant>.yaml`` for each tenant through files/fsutil (names are checked
    slugs, so every file lands inside ``out``). Every target is checked before the first write."""
    from b2blint.files.fsutil import atomic_write_text, check_output_target

    targets = [(out / f"{name}.yaml", text) for name, text in texts.items()]
    for target, _ in targets:
        check_output_target(target)
    for target, text in targets:
        atomic_write_text(target, text)
    return [target for target, _ in targets]
