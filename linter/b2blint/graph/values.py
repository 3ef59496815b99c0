"""Small pure helpers on Graph JSON values, shared by the mapping and the size rule.

Kept apart from `fromgraph` so that the lint path (XTA001 measures the policy size) imports
no more than these few functions.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from b2blint.graph.kinds import NULLABLE_SETTINGS


def without_unset(policy: Mapping[str, Any]) -> dict[str, Any]:
    """``policy`` without the default's and partners' settings that are null or all-null.

    Graph prints every unset partner property as ``null``, and automaticUserConsentSettings as
    ``{"inboundAllowed": null, "outboundAllowed": null}`` [S17]; for a partner both mean
    "inherit the default" [S2], exactly as an absent key does. Only Graph's own setting names
    (`model.NULLABLE_SETTINGS`) are dropped; any other key stays, for lint to report.
    """
    out: dict[str, Any] = plain(policy)
    if isinstance(out.get("default"), dict):
        out["default"] = drop_unset(out["default"])
    for entry in out.get("partners") or ():
        if isinstance(entry, dict) and isinstance(entry.get("settings"), dict):
            entry["settings"] = drop_unset(entry["settings"])
    return out


# One encoder for every call: json.dumps with non-default options builds a new encoder each
# time, which was a third of the size rule's cost on a 1,000-partner tenant.
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def compact_json(value: Any) -> str:
    """JSON as Graph puts it on the wire: no whitespace, non-ASCII left as UTF-8 text."""
    return _COMPACT.encode(value)


def _tree_encoder() -> Callable[[Any, int], Sequence[str]] | None:
    """`_COMPACT`'s C encoder, built once, without the check for circular references.

    ``JSONEncoder.encode`` builds this encoder (and its dict of visited containers) on every
    call, two thirds of the time of encoding a small partner; the size rule encodes each of
    up to 100,000 partners (issue 9 item 10). Only for trees: the loader's data and parsed
    JSON cannot hold a cycle. None where the interpreter has no C accelerator.
    """
    import json.encoder

    c_make_encoder = getattr(json.encoder, "c_make_encoder", None)  # private, may be absent
    if c_make_encoder is None:
        return None
    encoder: Callable[[Any, int], Sequence[str]] = c_make_encoder(
        None,  # no circular-reference markers
        _COMPACT.default,
        json.encoder.encode_basestring,  # ensure_ascii=False, as _COMPACT
        None,
        _COMPACT.key_separator,
        _COMPACT.item_separator,
        _COMPACT.sort_keys,
        _COMPACT.skipkeys,
        _COMPACT.allow_nan,
    )
    return encoder


_TREE_ENCODER = _tree_encoder()


def compact_json_bytes(value: Any) -> int:
    """``len(compact_json(value).encode("utf-8"))`` for a tree of plain JSON data."""
    text = "".join(_TREE_ENCODER(value, 0)) if _TREE_ENCODER else _COMPACT.encode(value)
    return len(text) if text.isascii() else len(text.encode("utf-8"))


def plain(value: Any) -> Any:
    """A deep plain dict/list copy (policy data may arrive as read-only mappings or tuples)."""
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def drop_unset(settings: dict[str, Any]) -> dict[str, Any]:
    """``settings`` without Graph's own setting names whose value is null or all-null.

    A miscased or unknown name stays, for lint to report.
    """
    return {
        key: value
        for key, value in settings.items()
        if key not in NULLABLE_SETTINGS or not is_unset(value)
    }


def is_unset(value: Any) -> bool:
    """Null, or a non-empty object whose members are all unset (Graph's "nothing here")."""
    if value is None:
        return True
    # map, not a generator expression: this runs for every partner setting of a 5 MB file
    return isinstance(value, dict) and bool(value) and all(map(is_unset, value.values()))
