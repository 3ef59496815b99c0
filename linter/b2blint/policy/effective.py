"""Effective settings: what really applies to a partner, and where each value comes from.

Graph's rule: a partner property that is ``null`` (or absent) inherits the tenant default
("Any properties ... that are null inherit settings from the default configuration",
crossTenantAccessPolicyConfigurationPartner); a default property that is ``null`` means the
service default, which `SERVICE_DEFAULTS` spells out from the documented GET response of an
unmodified default ([S17] in ../shared/reference/graph-facts.md §2.2).

For the B2B-shaped settings (``usersAndGroups`` + ``applications``) b2blint resolves each half
on its own. What Graph does with a half the partner leaves out is not documented: Microsoft's
"Create crossTenantAccessPolicyConfigurationPartner" example POSTs ``b2bDirectConnectOutbound``
with only ``usersAndGroups`` and ``b2bDirectConnectInbound`` with only ``applications``, and the
201 response it shows (marked "shortened for readability") repeats the single halves; the
overview only says "any property on the partner object that is ``null`` inherits settings from
the default policy", about whole properties. Filling the missing half from the default is
b2blint's assumption; `missing_half` names the half it applies to, so the simulator can say
``depends`` and XTA007 can warn where the reading matters, and `effective` shows the source of
each half so a reviewer can see it.

This is the one resolver: rules, `b2blint effective` and the simulator all use it.
"""

from __future__ import annotations

import copy
import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from b2blint.policy.model import B2B_SETTINGS, PARTNER_SETTINGS, Partner, Policy, Ref

B2B_PARTS = ("usersAndGroups", "applications")

_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _target_config(access: str, target: str, target_type: str) -> dict[str, Any]:
    return {"accessType": access, "targets": [{"target": target, "targetType": target_type}]}


def _b2b(access: str) -> dict[str, Any]:
    return {
        "usersAndGroups": _target_config(access, "AllUsers", "user"),
        "applications": _target_config(access, "AllApplications", "application"),
    }


#: The service defaults of crossTenantAccessPolicyConfigurationDefault (isServiceDefault: true).
#: Source: GET /policies/crossTenantAccessPolicy/default example response,
#: https://learn.microsoft.com/graph/api/crosstenantaccesspolicyconfigurationdefault-get
SERVICE_DEFAULTS: Mapping[str, Any] = {
    "inboundTrust": {
        "isMfaAccepted": False,
        "isCompliantDeviceAccepted": False,
        "isHybridAzureADJoinedDeviceAccepted": False,
    },
    "automaticUserConsentSettings": {"inboundAllowed": False, "outboundAllowed": False},
    "b2bCollaborationInbound": _b2b("allowed"),
    "b2bCollaborationOutbound": _b2b("allowed"),
    "b2bDirectConnectInbound": _b2b("blocked"),
    "b2bDirectConnectOutbound": _b2b("blocked"),
    "tenantRestrictions": _b2b("blocked"),
    # Microsoft documents the service default order two ways: the default GET example puts
    # externalFederation first; the B2B redemption-experience page ("Invitation redemption
    # flow"), the Graph overview's "Prioritize using an external federation" scenario and the
    # Entra reset-to-default body put Microsoft Entra ID first. Three to one, and the one is
    # an example response: b2blint shows Entra ID first, and no rule compares against it.
    "invitationRedemptionIdentityProviderConfiguration": {
        "primaryIdentityProviderPrecedenceOrder": [
            "azureActiveDirectory",
            "externalFederation",
            "socialIdentityProviders",
        ],
        "fallbackIdentityProvider": "defaultConfiguredIdp",
    },
    "blockServiceProviderOutboundAccess": False,
}


class Source(str, enum.Enum):
    """Where an effective value comes from."""

    EXPLICIT = "explicit"
    DEFAULT = "inherited from default"
    SERVICE = "service default"


class Resolved(NamedTuple):
    """One effective setting (or one half of a B2B setting) and its origin."""

    name: str
    value: Any
    source: Source
    ref: Ref | None  # None for a service default
    parts: Mapping[str, Resolved] = _EMPTY

    @property
    def explicit(self) -> bool:
        return self.source is Source.EXPLICIT


def _lookup(container: Mapping[str, Any] | None, name: str) -> Any:
    return container.get(name) if isinstance(container, Mapping) else None


def _resolve_plain(
    name: str,
    *,
    partner_value: Any,
    partner_ref: Ref | None,
    default_value: Any,
    default_ref: Ref | None,
    service_value: Any,
) -> Resolved:
    if partner_value is not None and partner_ref is not None:
        return Resolved(name, partner_value, Source.EXPLICIT, partner_ref)
    if default_value is not None and default_ref is not None:
        source = Source.DEFAULT if partner_ref is not None else Source.EXPLICIT
        return Resolved(name, default_value, source, default_ref)
    return Resolved(name, copy.deepcopy(service_value), Source.SERVICE, None)


def resolve(policy: Policy, partner: Partner | None, name: str) -> Resolved:
    """The effective value of setting ``name`` for ``partner`` (None: the default itself)."""
    default_section = policy.section("default")
    default_value = _lookup(default_section.value if default_section else None, name)
    default_ref = default_section.ref.child(name) if default_section else None
    partner_value = partner.settings.get(name) if partner is not None else None
    partner_ref = partner.settings_ref.child(name) if partner is not None else None
    service = SERVICE_DEFAULTS.get(name)
    if name not in B2B_SETTINGS:
        return _resolve_plain(
            name,
            partner_value=partner_value,
            partner_ref=partner_ref,
            default_value=default_value,
            default_ref=default_ref,
            service_value=service,
        )
    parts: dict[str, Resolved] = {}
    for part in B2B_PARTS:
        parts[part] = _resolve_plain(
            part,
            partner_value=_lookup(partner_value, part),
            partner_ref=partner_ref.child(part) if partner_ref is not None else None,
            default_value=_lookup(default_value, part),
            default_ref=default_ref.child(part) if default_ref is not None else None,
            service_value=_lookup(service, part),
        )
    value = {part: resolved.value for part, resolved in parts.items()}
    sources = [resolved.source for resolved in parts.values()]
    if Source.EXPLICIT in sources:
        source, ref = Source.EXPLICIT, (partner_ref if partner is not None else default_ref)
    elif Source.DEFAULT in sources:
        source, ref = Source.DEFAULT, default_ref
    else:
        source, ref = Source.SERVICE, None
    return Resolved(name, value, source, ref, parts)


def effective_settings(policy: Policy, partner: Partner | None) -> dict[str, Resolved]:
    """Every cross-tenant setting that applies to ``partner`` (or to the default)."""
    return {name: resolve(policy, partner, name) for name in PARTNER_SETTINGS}


def missing_half(resolved: Resolved) -> str | None:
    """The half of a B2B setting whose owner sets the other half but not this one, if any.

    The halves then come from different places (one explicit, one from the default or the
    service default; or one from the default and one from the service default): b2blint's
    per-half inheritance, which Microsoft does not document (module docstring).
    """
    if not resolved.parts:
        return None
    rank = {Source.EXPLICIT: 0, Source.DEFAULT: 1, Source.SERVICE: 2}
    users, apps = (resolved.parts[part] for part in B2B_PARTS)
    if users.source is apps.source:
        return None
    return B2B_PARTS[0] if rank[users.source] > rank[apps.source] else B2B_PARTS[1]
