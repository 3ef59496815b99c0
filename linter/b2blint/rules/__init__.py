"""The rule catalog: every rule module, listed explicitly (a test checks none is missing).

IDs are stable forever. A retired ID goes into `REMOVED_IDS` with the reason and is never
reused; a renamed rule keeps its old name in `REDIRECTS`.
"""

from __future__ import annotations

from b2blint.rules import (
    beta_only_property,
    ca_custom_control_external,
    ca_dead_external_tenant,
    ca_device_not_trusted,
    ca_guest_double_mfa,
    ca_strength_unsatisfiable,
    cloud_endpoint_missing,
    cloud_endpoint_unused,
    cross_cloud_direct_connect,
    default_inbound_scoped,
    default_outbound_blocked,
    direct_connect_without_mfa_trust,
    domain_lists_both,
    domain_policy_size,
    duplicate_partner,
    email_verified_join_disabled,
    encrypted_mail_app_blocked,
    guest_access_limited,
    guest_access_restricted,
    guest_invites_admins_only,
    guest_invites_restricted,
    guest_otp_disabled,
    guest_role_member,
    guests_cannot_invite,
    invalid_domain,
    invitation_allow_list,
    invitations_disabled,
    mixed_all_target,
    msa_tenant_restriction_scoped,
    mto_member_without_auto_redemption,
    mto_template_overrides_partner,
    own_tenant_partner,
    pair_cloud_one_sided,
    pair_collaboration_blocked,
    pair_direct_connect_blocked,
    pair_sync_not_allowed_by_target,
    pair_sync_without_outbound_redemption,
    partner_domain_not_invitable,
    policy_size_limit,
    policy_test_failed,
    read_only_property,
    redemption_fallback_contradiction,
    redundant_partner_setting,
    schema_violation,
    sync_without_collaboration,
    target_type_mismatch,
    tenant_restrictions_default_blocked,
    unknown_property,
    unknown_rule_in_suppression,
    unsafe_yaml,
    unused_suppression,
    users_apps_conflict,
    yaml_syntax,
)
from b2blint.rules._rule import Rule

ALL_RULES: tuple[Rule, ...] = (
    yaml_syntax.RULE,
    unsafe_yaml.RULE,
    schema_violation.RULE,
    unknown_property.RULE,
    read_only_property.RULE,
    beta_only_property.RULE,
    duplicate_partner.RULE,
    policy_size_limit.RULE,
    encrypted_mail_app_blocked.RULE,
    direct_connect_without_mfa_trust.RULE,
    cloud_endpoint_missing.RULE,
    cloud_endpoint_unused.RULE,
    cross_cloud_direct_connect.RULE,
    users_apps_conflict.RULE,
    mixed_all_target.RULE,
    target_type_mismatch.RULE,
    default_inbound_scoped.RULE,
    redundant_partner_setting.RULE,
    own_tenant_partner.RULE,
    sync_without_collaboration.RULE,
    redemption_fallback_contradiction.RULE,
    msa_tenant_restriction_scoped.RULE,
    invitations_disabled.RULE,
    domain_lists_both.RULE,
    partner_domain_not_invitable.RULE,
    domain_policy_size.RULE,
    invalid_domain.RULE,
    guest_role_member.RULE,
    guest_otp_disabled.RULE,
    ca_device_not_trusted.RULE,
    ca_strength_unsatisfiable.RULE,
    ca_guest_double_mfa.RULE,
    ca_custom_control_external.RULE,
    ca_dead_external_tenant.RULE,
    mto_template_overrides_partner.RULE,
    mto_member_without_auto_redemption.RULE,
    policy_test_failed.RULE,
    unused_suppression.RULE,
    unknown_rule_in_suppression.RULE,
    guest_access_limited.RULE,
    guest_access_restricted.RULE,
    guest_invites_admins_only.RULE,
    guest_invites_restricted.RULE,
    guests_cannot_invite.RULE,
    email_verified_join_disabled.RULE,
    invitation_allow_list.RULE,
    default_outbound_blocked.RULE,
    tenant_restrictions_default_blocked.RULE,
    pair_collaboration_blocked.RULE,
    pair_direct_connect_blocked.RULE,
    pair_cloud_one_sided.RULE,
    pair_sync_without_outbound_redemption.RULE,
    pair_sync_not_allowed_by_target.RULE,
)

#: Retired IDs -> why. Never reuse one.
REMOVED_IDS: dict[str, str] = {}

#: Old rule names -> current ID.
REDIRECTS: dict[str, str] = {}

_BY_KEY: dict[str, Rule] = {}
for _rule in ALL_RULES:
    _BY_KEY[_rule.id.upper()] = _rule
    _BY_KEY[_rule.name.lower()] = _rule


def find_rule(key: str) -> Rule | None:
    """A rule by ID or name (case-insensitive), following `REDIRECTS`."""
    key = REDIRECTS.get(key, key)
    return _BY_KEY.get(key.upper()) or _BY_KEY.get(key.lower())
