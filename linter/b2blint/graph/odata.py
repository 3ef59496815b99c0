"""The OData wrapping of Graph's JSON that is not part of an object's settings.

Graph adds instance annotations (``@odata.context``, ``@odata.type``, ``prop@odata.type``; any
key containing ``@``) to what it returns ("OData instance annotations",
https://learn.microsoft.com/graph/api/overview#odata-namespace, and the OData JSON format,
https://docs.oasis-open.org/odata/odata-json-format/v4.01/odata-json-format-v4.01.html#sec_InstanceAnnotations).
They change without the object changing, so export, the live read and the plan drop them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def strip_annotations(value: Any, *, drop_nulls: bool = False) -> Any:
    """A plain copy of ``value`` without annotations (keys that contain ``@``).

    With ``drop_nulls``, properties that are ``null`` go too: Graph prints unset properties as
    null [S17], so for comparing, a nested null is the same as absent (items of a list stay).
    """
    if isinstance(value, Mapping):
        return {
            key: strip_annotations(item, drop_nulls=drop_nulls)
            for key, item in value.items()
            if "@" not in key and not (drop_nulls and item is None)
        }
    if isinstance(value, (list, tuple)):
        return [strip_annotations(item, drop_nulls=drop_nulls) for item in value]
    return value
