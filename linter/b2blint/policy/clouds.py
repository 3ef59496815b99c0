"""Microsoft clouds as cross-tenant access sees them, for XTA004-XTA006.

``allowedCloudEndpoints`` names a cloud by its sign-in endpoint: ``microsoftonline.com``
(commercial), ``microsoftonline.us`` (Azure Government, including GCC High and DoD) and
``partner.microsoftonline.cn`` (Azure operated by 21Vianet) (crossTenantAccessPolicy resource,
[S1]). B2B collaboration across clouds is supported only between the commercial cloud and each
national cloud (Entra "Enable B2B collaboration across Microsoft clouds" [S29]): Azure
Government <-> 21Vianet is not listed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from b2blint.policy.model import Policy

#: b2blint's cloud names (docs/format.md) -> the allowedCloudEndpoints value [S1].
ENDPOINTS: Mapping[str, str] = {
    "global": "microsoftonline.com",
    "usgov": "microsoftonline.us",
    "china": "partner.microsoftonline.cn",
}
CLOUD_OF_ENDPOINT: Mapping[str, str] = {endpoint: cloud for cloud, endpoint in ENDPOINTS.items()}

LABELS: Mapping[str, str] = {
    "global": "the commercial cloud",
    "usgov": "Azure Government",
    "china": "Azure operated by 21Vianet",
}

#: Cloud pairs with no B2B collaboration between them [S29].
UNSUPPORTED_PAIRS = frozenset({frozenset({"usgov", "china"})})


def supported(one: str, other: str) -> bool:
    return frozenset({one, other}) not in UNSUPPORTED_PAIRS


def allowed_endpoints(policy: Policy) -> list[Any]:
    """``crossTenantAccessPolicy.allowedCloudEndpoints`` as written (empty when unset)."""
    value = policy.section_value("crossTenantAccessPolicy").get("allowedCloudEndpoints")
    return value if isinstance(value, list) else []
