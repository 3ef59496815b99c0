"""The effective-settings resolver: partner, else default, else service default (B2B per half)."""

from __future__ import annotations

from b2blint.files.document import parse_text
from b2blint.policy.effective import SERVICE_DEFAULTS, Source, effective_settings, resolve
from b2blint.policy.model import PARTNER_SETTINGS, Policy, Ref, build_policy
from tests.policies import TENANT_HEAD

TENANT = (
    TENANT_HEAD
    + """\
default:
  inboundTrust: {isMfaAccepted: true}
  b2bCollaborationInbound:
    applications:
      accessType: allowed
      targets: [{target: Office365, targetType: application}]
  b2bDirectConnectOutbound:
    usersAndGroups: {accessType: allowed, targets: [{target: AllUsers, targetType: user}]}
"""
)

PARTNERS = """\
b2blint: 1
partners:
  - tenantId: 3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11
    name: Fabrikam
    settings:
      automaticUserConsentSettings: {inboundAllowed: true, outboundAllowed: true}
      inboundTrust: null
      b2bCollaborationInbound:
        usersAndGroups:
          accessType: allowed
          targets: [{target: c23973f8-dcc3-4275-9070-7ad998fd1fb9, targetType: group}]
  - tenantId: 8cf70e0d-4dbc-480e-ac48-56bb7335817b
    name: Northwind
"""

USERS_GROUP = {
    "accessType": "allowed",
    "targets": [{"target": "c23973f8-dcc3-4275-9070-7ad998fd1fb9", "targetType": "group"}],
}
APPS_OFFICE = {
    "accessType": "allowed",
    "targets": [{"target": "Office365", "targetType": "application"}],
}


def _policy(*texts: tuple[str, str]) -> Policy:
    return build_policy([parse_text(text, name) for name, text in texts])


def _tree() -> Policy:
    return _policy(("tenant.yaml", TENANT), ("partners.yaml", PARTNERS))


def _where(ref: Ref | None) -> tuple[str, int] | None:
    """File and line of the value a resolved setting comes from."""
    if ref is None:
        return None
    location = ref.location()
    return location.file, location.position.line


def test_explicit_partner_value_wins() -> None:
    policy = _tree()
    fabrikam = policy.partners[0]
    resolved = resolve(policy, fabrikam, "automaticUserConsentSettings")
    assert resolved.source is Source.EXPLICIT
    assert resolved.value == {"inboundAllowed": True, "outboundAllowed": True}
    assert resolved.ref is not None
    assert resolved.ref.path == ("partners", 0, "settings", "automaticUserConsentSettings")
    assert _where(resolved.ref) == ("partners.yaml", 6)


def test_null_on_the_partner_inherits_the_default() -> None:
    policy = _tree()
    resolved = resolve(policy, policy.partners[0], "inboundTrust")
    assert resolved.source is Source.DEFAULT
    assert resolved.value == {"isMfaAccepted": True}
    assert _where(resolved.ref) == ("tenant.yaml", 4)


def test_unset_everywhere_is_the_service_default_and_a_copy() -> None:
    policy = _tree()
    northwind = policy.partners[1]
    resolved = resolve(policy, northwind, "automaticUserConsentSettings")
    assert resolved.source is Source.SERVICE
    assert resolved.ref is None
    assert resolved.value == {"inboundAllowed": False, "outboundAllowed": False}
    resolved.value["inboundAllowed"] = True
    assert SERVICE_DEFAULTS["automaticUserConsentSettings"]["inboundAllowed"] is False


def test_b2b_halves_resolve_independently() -> None:
    policy = _tree()
    resolved = resolve(policy, policy.partners[0], "b2bCollaborationInbound")
    users, apps = resolved.parts["usersAndGroups"], resolved.parts["applications"]
    assert (users.source, users.value) == (Source.EXPLICIT, USERS_GROUP)
    assert _where(users.ref) == ("partners.yaml", 10)
    assert (apps.source, apps.value) == (Source.DEFAULT, APPS_OFFICE)
    assert _where(apps.ref) == ("tenant.yaml", 7)
    # the whole setting is explicit as soon as one half is, and its value joins both halves
    assert resolved.source is Source.EXPLICIT
    assert resolved.value == {"usersAndGroups": USERS_GROUP, "applications": APPS_OFFICE}


def test_b2b_half_missing_from_the_default_is_the_service_default() -> None:
    policy = _tree()
    resolved = resolve(policy, policy.partners[1], "b2bDirectConnectOutbound")
    users, apps = resolved.parts["usersAndGroups"], resolved.parts["applications"]
    assert users.source is Source.DEFAULT
    assert users.value["accessType"] == "allowed"
    assert apps.source is Source.SERVICE
    assert apps.ref is None
    assert apps.value == SERVICE_DEFAULTS["b2bDirectConnectOutbound"]["applications"]
    assert resolved.source is Source.DEFAULT


def test_b2b_setting_nobody_sets_is_the_service_default() -> None:
    policy = _tree()
    resolved = resolve(policy, policy.partners[1], "tenantRestrictions")
    assert resolved.source is Source.SERVICE
    assert {part.source for part in resolved.parts.values()} == {Source.SERVICE}
    assert resolved.value == SERVICE_DEFAULTS["tenantRestrictions"]


def test_the_default_itself_is_explicit_or_service() -> None:
    policy = _tree()
    trust = resolve(policy, None, "inboundTrust")
    assert (trust.source, _where(trust.ref)) == (Source.EXPLICIT, ("tenant.yaml", 4))
    inbound = resolve(policy, None, "b2bCollaborationInbound")
    assert inbound.parts["applications"].source is Source.EXPLICIT
    assert inbound.parts["usersAndGroups"].source is Source.SERVICE
    consent = resolve(policy, None, "automaticUserConsentSettings")
    assert consent.source is Source.SERVICE


def test_without_a_default_section_partners_get_service_defaults() -> None:
    policy = _policy(("partners.yaml", PARTNERS))
    resolved = resolve(policy, policy.partners[0], "b2bCollaborationInbound")
    assert resolved.parts["usersAndGroups"].source is Source.EXPLICIT
    assert resolved.parts["applications"].source is Source.SERVICE
    assert resolve(policy, policy.partners[0], "inboundTrust").source is Source.SERVICE


def test_effective_settings_covers_every_partner_setting_in_graph_order() -> None:
    policy = _tree()
    settings = effective_settings(policy, policy.partners[1])
    assert tuple(settings) == PARTNER_SETTINGS
    assert settings["inboundTrust"].source is Source.DEFAULT
    # a setting with no documented service default resolves to None, marked as such
    assert settings["m365CollaborationInbound"].value is None
    assert settings["m365CollaborationInbound"].source is Source.SERVICE
