"""Would an invitation to this email address go out? The invitation half of the simulator.

Checked in this order, the first that blocks decides [S27][S31][S33][S34]:

1. ``authorizationPolicy.allowInvitesFrom: none``: "No one in the organization can invite
   guest users including admins". Other values only restrict *who* invites (a note).
2. The domain allow/block list (``invitationDomains``): "If a user's domain is on the
   blocklist, they can't be invited regardless of the cross-tenant access settings"; with an
   allow list "whatever domains aren't in the allowlist are on the blocklist". The inviter
   "sees a blocked-domain message": "the domain of the user is currently blocked by your
   invitation policy" (older copy of the allow/block list page). Domains compare as whole
   names, case-insensitively, as EXT003 does; an empty list restricts nothing.
3. Microsoft cloud settings, as for sign-ins (`b2blint.access.simulate.cloud_block`).
4. Inbound B2B collaboration, its ``usersAndGroups`` half only: "If a user's domain is on the
   allowlist, they can be invited, unless the domain is explicitly blocked in the cross-tenant
   access settings", and the admin center's users tab decides who may be invited: "Allow
   access: Allows the users and groups specified under Applies to to be invited for B2B
   collaboration. Block access: Blocks the users and groups specified under Applies to from
   being invited to B2B collaboration" (cross-tenant-access-settings-b2b-collaboration). The
   applications half says which apps guests may then use, not whether they can be invited.
   The inviter sees "This invitation is blocked by cross-tenant access settings. Admins in
   both your organization and the invited user's organization must configure cross-tenant
   access settings to allow the invitation." [S31]

The invitee's organization is the partner whose ``domains`` metadata lists the email's domain,
or the one named by ``partner``; with neither, the default applies.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

from b2blint.access.simulate import (
    ALLOWED,
    BLOCKED,
    DEPENDS,
    AccessKind,
    Decider,
    Verdict,
    cloud_block,
    find_partner,
    half_deciders,
    org_name,
    partner_label,
    possessive,
    setting_sentence,
    subject_text,
)
from b2blint.access.words import half_phrase
from b2blint.errors import B2BLintError
from b2blint.policy.effective import Resolved, Source, missing_half, resolve
from b2blint.policy.model import Partner, Policy, domain_index
from b2blint.policy.targets import (
    ANYONE,
    USERS,
    SettingResult,
    Subject,
    access_type,
    depends_on,
    users_pass,
)

EMAIL = re.compile(r"^[^@\s]+@([^@\s]+\.[^@\s.]+)$")

INVITE_XTAP_ERROR = "This invitation is blocked by cross-tenant access settings"
INVITE_DOMAIN_ERROR = "The domain of the user is currently blocked by your invitation policy"
SETTING = "b2bCollaborationInbound"


@dataclasses.dataclass(frozen=True)
class InviteQuestion:
    """One invitation: the invitee's email, optionally their organization and identity."""

    email: str
    partner: str | None = None  # None: find it by the email's domain
    subject: Subject = ANYONE


def email_domain(value: str, what: str = "--invite") -> str:
    """The invitee's domain, lower-cased; anything that is not an email is a usage error."""
    match = EMAIL.match(value.strip())
    if not match:
        raise B2BLintError(f"{what}: '{value}' is not an email address")
    return match.group(1).lower()


def partner_for_domain(policy: Policy, domain: str) -> Partner | None:
    """The first partner whose ``domains`` metadata lists ``domain`` (whole name, any case)."""
    for partner in policy.partners:
        if domain in (d.lower() for d in partner.domains):
            return partner
    return None


def _inviters(policy: Policy) -> tuple[Verdict | None, str | None]:
    """Blocked when nobody may invite; else a note on who may [S20][S34]."""
    section = policy.section("authorizationPolicy")
    value = policy.section_value("authorizationPolicy").get("allowInvitesFrom")
    if section is None:
        return None, None
    if value == "none":
        reason = (
            "authorizationPolicy.allowInvitesFrom is none: no one in the organization, admins "
            "included, can invite guests"
        )
        return Verdict(
            BLOCKED, None, reason, (Decider(section.ref.child("allowInvitesFrom")),)
        ), None
    who = (
        {
            "adminsAndGuestInviters": "admins and Guest Inviters",
            "adminsGuestInvitersAndAllMembers": "admins, Guest Inviters and members",
        }.get(value)
        if isinstance(value, str)
        else None
    )
    return None, (f"only {who} can send it (authorizationPolicy.allowInvitesFrom)" if who else None)


def _domain_list(policy: Policy, domain: str) -> tuple[Verdict | None, tuple[Decider, ...]]:
    """Blocked by the invitation domain list, or the allow-list entry that lets it through."""
    section = policy.section("invitationDomains")
    if section is None or not isinstance(section.value, Mapping):
        return None, ()
    blocked = domain_index(section.value.get("blockedDomains"))
    allowed = domain_index(section.value.get("allowedDomains"))
    if domain in blocked:
        reason = (
            f"{domain} is on the invitation block list; a blocked domain can't be invited "
            "whatever the cross-tenant access settings say"
        )
        where = Decider(section.ref.child("blockedDomains", blocked[domain]))
        return Verdict(BLOCKED, INVITE_DOMAIN_ERROR, reason, (where,)), ()
    if allowed and domain not in allowed:
        reason = (
            f"{domain} is not on the invitation allow list, and invitations go only to the "
            "domains on it"
        )
        where = Decider(section.ref.child("allowedDomains").at_key())
        return Verdict(BLOCKED, INVITE_DOMAIN_ERROR, reason, (where,)), ()
    if domain in allowed:
        return None, (Decider(section.ref.child("allowedDomains", allowed[domain])),)
    return None, ()


def source_of(part: Resolved, partner: Partner | None) -> str:
    """Where one half comes from: ``Fabrikam's entry``, ``the default``, ``service default``."""
    if part.source is Source.EXPLICIT:
        return f"{possessive(org_name(partner))} entry" if partner is not None else "the default"
    return str(part.source.value)


def simulate_invite(policy: Policy, question: InviteQuestion) -> Verdict:
    """The verdict for one invitation (see the module docstring for the order of checks)."""
    domain = email_domain(question.email)
    if question.partner is not None:
        partner = find_partner(policy, question.partner)
    else:
        partner = partner_for_domain(policy, domain)
    who = subject_text(question.subject)
    line = f"invitation to {question.email} ({who}) · {partner_label(partner)}"
    notes = [
        f"{possessive(org_name(partner))} own outbound B2B collaboration settings must allow "
        "it too (they are not in these files)"
    ]
    if partner is None and question.partner is None:
        notes.append(
            f"no partner lists {domain} in its domains, so the default applies if its "
            "organization has no partner entry; invitees without a Microsoft Entra "
            "organization (email one-time passcode, Microsoft or Google accounts) meet only "
            "the domain list"
        )
    if partner is not None and partner.cloud != policy.tenant_cloud:
        notes.append("users from another Microsoft cloud must be invited by user principal name")
    refused, who_invites = _inviters(policy)
    if who_invites:
        notes.append(who_invites)
    if refused is not None:
        return dataclasses.replace(refused, question=line, notes=tuple(notes))
    refused, on_allow_list = _domain_list(policy, domain)
    if refused is not None:
        return dataclasses.replace(refused, question=line, notes=tuple(notes))
    by_cloud = cloud_block(policy, partner, AccessKind.B2B_COLLABORATION)
    if by_cloud is not None:
        deciders = (*by_cloud.deciders, *on_allow_list)
        return Verdict(BLOCKED, INVITE_XTAP_ERROR, by_cloud.reason, deciders, line, tuple(notes))
    resolved = resolve(policy, partner, SETTING)
    users = resolved.parts[USERS]
    found = users_pass(users.value, question.subject)
    result = SettingResult(found.value, found, found, (USERS,))
    deciders = (*on_allow_list, *half_deciders(resolved, result))
    phrase = (
        f"{SETTING}.usersAndGroups ({source_of(users, partner)}: "
        f"{half_phrase(users.value, USERS)})"
    )
    if access_type(users.value) is None:
        reason = f"{phrase} has no accessType 'allowed' or 'blocked'"
        return Verdict(DEPENDS, INVITE_XTAP_ERROR, reason, deciders, line, tuple(notes))
    if missing_half(resolved) == USERS and found.value is False:
        reason = (
            f"{phrase} blocks {who}, but this setting leaves usersAndGroups out and Microsoft "
            "does not document what Graph does with a missing half: filled from the default "
            "(as b2blint assumes) the invitation is blocked; left unrestricted it goes out. "
            f"Set {SETTING}.usersAndGroups explicitly"
        )
        return Verdict(DEPENDS, INVITE_XTAP_ERROR, reason, deciders, line, tuple(notes))
    if found.value is False:
        reason = (
            f'{phrase} blocks {who} from being invited ("Block access: Blocks the users and '
            'groups specified under Applies to from being invited to B2B collaboration")'
        )
        return Verdict(BLOCKED, INVITE_XTAP_ERROR, reason, deciders, line, tuple(notes))
    if found.value is None:
        reason = f"{phrase}; the verdict depends on {depends_on(result)}"
        return Verdict(DEPENDS, INVITE_XTAP_ERROR, reason, deciders, line, tuple(notes))
    sentence = setting_sentence(SETTING, resolved, partner)
    prefix = f"{domain} is on the invitation allow list; " if on_allow_list else ""
    return Verdict(ALLOWED, None, prefix + sentence, deciders, line, tuple(notes))
