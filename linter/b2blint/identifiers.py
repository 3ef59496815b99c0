"""Graph identifiers, checked before they become file names, URLs, paths or messages.

Tenant, object and application IDs are GUIDs: Graph types them ``Edm.Guid`` or documents them
as "The tenant identifier" in GUID form
(https://learn.microsoft.com/graph/api/resources/crosstenantaccesspolicyconfigurationpartner).
Everything that comes from outside (Graph JSON, policy files, the command line) is matched
whole with `is_guid` — never with ``re.match`` and ``$``, which accepts a trailing newline.
"""

from __future__ import annotations

import re

GUID_PATTERN = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_GUID = re.compile(GUID_PATTERN)


def is_guid(value: object) -> bool:
    """True for a string that is exactly one GUID (any letter case), nothing before or after."""
    return isinstance(value, str) and _GUID.fullmatch(value) is not None
