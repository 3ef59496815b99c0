"""Emit NEW policy YAML files (import, export): plain data -> text in the house style.

House style: 2-space mappings, sequences indented ``  - ``, each access target as a flow
mapping (``{target: AllUsers, targetType: user}``), small all-scalar mappings such as
``inboundTrust`` on one line, a header comment, and optional end-of-line and trailing comments.
Only text is returned; callers write it with `b2blint.files.fsutil.atomic_write_text`.

ruamel.yaml is imported here and only here among the writers (never on the lint path:
`b2blint.files.document` reads YAML with libyaml). It emits YAML 1.2, which is what the reader uses.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from b2blint.files.document import YAML11_BOOLEANS

#: A mapping whose values are all scalars goes on one line if the line stays this short.
FLOW_WIDTH = 88
FLOW_MAX_KEYS = 3


def dump_yaml(
    data: Mapping[str, Any],
    *,
    header: Sequence[str] = (),
    key_comments: Mapping[str, str] | None = None,
    footer: Sequence[str] = (),
) -> str:
    """Render ``data`` as a policy YAML document and return the text.

    ``header`` and ``footer`` are comment lines (without ``#``); ``key_comments`` puts an
    end-of-line comment after top-level keys.
    """
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never fold long values; flow decisions are made below
    yaml.default_flow_style = False
    yaml.representer.add_representer(type(None), _represent_null)
    root = _convert(data, 0, "")
    for key, comment in (key_comments or {}).items():
        if key in root:
            if hasattr(root[key], "fa"):
                root[key].fa.set_block_style()  # a comment after a flow mapping goes astray
            root.yaml_add_eol_comment(comment, key, column=len(str(key)) + 3)
    stream = io.StringIO()
    yaml.dump(root, stream)
    text = stream.getvalue()
    head = "".join(_comment(line) for line in header)
    tail = "".join(_comment(line) for line in footer)
    return head + text + tail


def _represent_null(representer: Any, _value: None) -> Any:
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


def _comment(line: str) -> str:
    return f"# {line}\n" if line else "#\n"


def _convert(value: Any, indent: int, key: str) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, Mapping):
        mapping = CommentedMap()
        for child_key, child in value.items():
            mapping[child_key] = _convert(child, indent + 2, str(child_key))
        if _one_line(value, indent, key):
            mapping.fa.set_flow_style()
        else:
            mapping.fa.set_block_style()
        return mapping
    if isinstance(value, (list, tuple)):
        sequence = CommentedSeq()
        for item in value:
            sequence.append(_convert(item, indent + 4, ""))
        if not value:
            sequence.fa.set_flow_style()
        return sequence
    if isinstance(value, str) and value in YAML11_BOOLEANS:
        from ruamel.yaml.scalarstring import SingleQuotedScalarString

        # A string in YAML 1.2, but a boolean to YAML 1.1 tools: quote it for every reader.
        return SingleQuotedScalarString(value)
    return value


def _one_line(value: Mapping[str, Any], indent: int, key: str) -> bool:
    """Access targets always; other small all-scalar mappings when they fit."""
    if not value:
        return True
    if any(isinstance(child, (Mapping, list, tuple)) for child in value.values()):
        return False
    if set(value) <= {"target", "targetType"}:
        return True
    if len(value) > FLOW_MAX_KEYS:
        return False
    rendered = ", ".join(f"{k}: {_scalar(v)}" for k, v in value.items())
    return indent + len(key) + len(rendered) + 4 <= FLOW_WIDTH


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
