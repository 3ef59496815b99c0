"""The access simulator: would this cross-tenant sign-in get through our policy, and why not?

It answers from the policy files alone, with Microsoft's documented semantics, and names the
setting (file:line) that decided. [Sn] keys are listed in docs/sources.md;
the user-facing summary is docs/simulate.md. Invitations: `b2blint.access.invite`.

Order of the checks for a sign-in (the first that blocks decides):

1. Microsoft cloud settings (B2B collaboration and direct connect). A partner in another
   Microsoft cloud is blocked unless ``allowedCloudEndpoints`` enables its cloud; Azure
   Government <-> 21Vianet is not supported at all; and "B2B direct connect is not supported
   for collaboration with Microsoft Entra tenants in a different Microsoft cloud" [S29]. No
   error code is documented for these, so ``error`` is null.
2. The effective B2B setting (partner, else default, else service default, per half:
   `b2blint.policy.effective.resolve`), read with the documented users x applications table
   (`b2blint.policy.targets`). Blocked inbound: AADSTS500213 NotAllowedByInboundPolicyTenant;
   blocked outbound: AADSTS500212 NotAllowedByOutboundPolicyTenant [S42].
3. Inbound B2B direct connect only: MFA trust. Direct-connect users cannot do MFA in the
   resource tenant, so when Conditional Access requires MFA the effective
   ``inboundTrust.isMfaAccepted`` must be true, or they get AADSTS90071 [S26][S30][S31]:
   "If you want to allow B2B direct connect with an external organization and your
   Conditional Access policies require MFA, you must configure your trust settings to accept
   MFA claims from the external organization" (cross-tenant-access-overview). b2blint cannot
   see Conditional Access, so without MFA trust the verdict is ``depends`` unless the question
   says whether MFA is required (``mfa_required``, ``--mfa-required``/``--no-mfa-required``).

4. Inbound B2B collaboration and direct connect, when the tree holds Conditional Access
   context (docs/conditional-access.md): the context's answer for the kind of external user
   (``user_type``, default: B2B collaboration guest, or B2B direct connect user) and the
   application, from `b2blint.policy.conditional_access` (the one reading the rules use too)
   [S130][S131][S132]. It replaces step 3's ``depends``: a policy that requires MFA of direct
   connect users without MFA trust blocks them with AADSTS90071; a device requirement the
   inbound trust does not accept blocks (no error code is documented); a block control gives
   AADSTS53003 [S136]. The policy (file:line and displayName) is in ``decidedBy``; report-only
   policies [S135] are listed in the notes, never enforced. Outbound questions are not about
   this tenant's Conditional Access (the partner's applies): the context is not used.

Where Microsoft documents no reading, the verdict is ``depends`` and names the assumption:

* a B2B setting that sets one half (``usersAndGroups`` or ``applications``) and leaves out the
  other, as Microsoft's own "Create crossTenantAccessPolicyConfigurationPartner" example does
  (``b2bDirectConnectInbound`` with only ``applications``; its 201 response, "shortened for
  readability", shows the same single half): b2blint fills the missing half from the default
  (`b2blint.policy.effective`), and answers only when leaving that half unrestricted would
  give the same verdict;
* ``AllMicrosoftApps`` and an app ID b2blint does not know as a Microsoft app
  (`b2blint.policy.targets.MICROSOFT_APPS`).

Tenant restrictions v2 are separate from inbound/outbound settings: they govern *external*
accounts (issued by the partner) used on our devices and networks to reach the partner's
apps, and apply only where the TRv2 signal is sent [S35]. Blocked: AADSTS5000211.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from typing import Any, NamedTuple

from b2blint.access.words import EVERYONE_BLOCKED, setting_phrase
from b2blint.errors import B2BLintError
from b2blint.identifiers import is_guid
from b2blint.policy import conditional_access as ca
from b2blint.policy import partners
from b2blint.policy.clouds import ENDPOINTS, LABELS, allowed_endpoints, supported
from b2blint.policy.effective import Resolved, Source, missing_half, resolve
from b2blint.policy.model import MICROSOFT_ACCOUNTS_TENANT, Partner, Policy, Ref
from b2blint.policy.targets import (
    ALL_APPLICATIONS,
    ALL_USERS,
    ANYONE,
    APPS,
    OFFICE_365,
    USERS,
    SettingResult,
    Subject,
    depends_on,
    evaluate,
)

#: How ``--partner`` names "an organization without a partner entry" (the default applies).
DEFAULT_PARTNER = "default"

ALLOWED, BLOCKED, DEPENDS = "allowed", "blocked", "depends"

#: Error codes [S42][S31][S35] and Microsoft's text for them.
INBOUND_ERROR = "AADSTS500213"
OUTBOUND_ERROR = "AADSTS500212"
MFA_ERROR = "AADSTS90071"
TENANT_RESTRICTIONS_ERROR = "AADSTS5000211"
ERROR_TEXT: Mapping[str, str] = {
    INBOUND_ERROR: "NotAllowedByInboundPolicyTenant - The resource tenant's cross-tenant access "
    "policy doesn't allow this user to access this tenant.",
    OUTBOUND_ERROR: "NotAllowedByOutboundPolicyTenant - The user's administrator has set an "
    "outbound access policy that doesn't allow access to the resource tenant.",
    MFA_ERROR: "An admin from <organization> must update their access settings to accept "
    "inbound multifactor authentication.",
    TENANT_RESTRICTIONS_ERROR: "A tenant restrictions policy added to this request by a device "
    "or network administrator does not allow access to '<tenant>'.",
    ca.BLOCK_ERROR: "BlockedByConditionalAccess - Access has been blocked by Conditional Access "
    "policies.",
}


class AccessKind(str, enum.Enum):
    """The kind of cross-tenant access a question is about (``simulate --kind``)."""

    B2B_COLLABORATION = "b2b-collaboration"
    B2B_DIRECT_CONNECT = "b2b-direct-connect"
    TENANT_RESTRICTIONS = "tenant-restrictions"


class Direction(str, enum.Enum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


#: (kind, direction) -> the partner/default property that governs it.
SETTINGS: Mapping[tuple[AccessKind, Direction | None], str] = {
    (AccessKind.B2B_COLLABORATION, Direction.INBOUND): "b2bCollaborationInbound",
    (AccessKind.B2B_COLLABORATION, Direction.OUTBOUND): "b2bCollaborationOutbound",
    (AccessKind.B2B_DIRECT_CONNECT, Direction.INBOUND): "b2bDirectConnectInbound",
    (AccessKind.B2B_DIRECT_CONNECT, Direction.OUTBOUND): "b2bDirectConnectOutbound",
    (AccessKind.TENANT_RESTRICTIONS, None): "tenantRestrictions",
}

#: Every (kind, direction), in the order reports list them.
KINDS_IN_ORDER: tuple[tuple[AccessKind, Direction | None], ...] = tuple(SETTINGS)


def kind_label(kind: AccessKind, direction: Direction | None) -> str:
    """``inbound B2B collaboration``, ``tenant restrictions``."""
    noun = {
        AccessKind.B2B_COLLABORATION: "B2B collaboration",
        AccessKind.B2B_DIRECT_CONNECT: "B2B direct connect",
        AccessKind.TENANT_RESTRICTIONS: "tenant restrictions",
    }[kind]
    return f"{direction.value} {noun}" if direction is not None else noun


# ---------------------------------------------------------------------------------------------
# Questions and answers
# ---------------------------------------------------------------------------------------------


class Question(NamedTuple):
    """One sign-in: whose users, which kind and direction, who, which application."""

    partner: str  # name, tenant ID or DEFAULT_PARTNER
    kind: AccessKind
    direction: Direction | None  # None only for tenant restrictions
    subject: Subject = ANYONE
    app: str | None = None  # lower-case app ID, Office365 or AllApplications; None: not given
    mfa_required: bool | None = None  # does Conditional Access require MFA? None: unknown
    user_type: str | None = None  # a conditional_access.USER_TYPES member; None: the kind's own


class Decider(NamedTuple):
    """A setting that decided a verdict: where it is written, or which service default."""

    ref: Ref | None
    service_default: str = ""  # e.g. "b2bDirectConnectInbound.usersAndGroups"
    display_name: str | None = None  # a Conditional Access policy's displayName

    def to_json(self) -> dict[str, Any]:
        if self.ref is None:
            return {"file": None, "line": None, "path": f"service default: {self.service_default}"}
        location = self.ref.location()
        found: dict[str, Any] = {
            "file": location.file,
            "line": location.position.line,
            "path": location.json_path,
        }
        if self.display_name is not None:
            found["displayName"] = self.display_name
        return found

    def text(self) -> str:
        if self.ref is None:
            return f"(service default) {self.service_default}"
        location = self.ref.location()
        shown = f"{location.file}:{location.position.line}  {location.json_path}"
        return shown + (f"  '{self.display_name}'" if self.display_name is not None else "")


@dataclasses.dataclass(frozen=True)
class Verdict:
    """The answer: allowed, blocked or depends; the error met; why; what decided; caveats.

    ``error`` is what a user meets when blocked; for ``depends`` it is what they meet if the
    unknown turns out against them.
    """

    verdict: str
    error: str | None
    reason: str
    decided_by: tuple[Decider, ...]
    question: str = ""  # the question in one line, for reports
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "error": self.error,
            "reason": self.reason,
            "decidedBy": [d.to_json() for d in self.decided_by],
            "question": self.question,
            "notes": list(self.notes),
        }


# ---------------------------------------------------------------------------------------------
# What people type (CLI options, policy-test fields)
# ---------------------------------------------------------------------------------------------


def parse_guid(value: str, what: str) -> str:
    """A user or group object ID, lower-cased; anything else is a usage error."""
    if not is_guid(value):
        raise B2BLintError(f"{what}: '{value}' is not an object ID (a GUID)")
    return value.lower()


def parse_app(value: str, what: str = "--app") -> str:
    """An app ID (GUID) or the keyword Office365 / AllApplications (any letter case)."""
    for keyword in (OFFICE_365, ALL_APPLICATIONS):
        if value.lower() == keyword.lower():
            return keyword
    if is_guid(value):
        return value.lower()
    raise B2BLintError(
        f"{what}: '{value}' is not an application ID (a GUID), Office365 or AllApplications"
    )


def find_partner(policy: Policy, key: str, what: str = "--partner") -> Partner | None:
    """The partner named ``key`` (tenant ID or name); None for `DEFAULT_PARTNER`.

    The lookup is `b2blint.policy.partners.find_partner` (shared with ``effective``), worded
    for the simulator. Raises `B2BLintError` (exit 2) when there is no such partner (naming
    close matches, if any) or the name is ambiguous.
    """
    if key.lower() == DEFAULT_PARTNER:
        return None
    try:
        return partners.find_partner(policy, key)
    except partners.PartnerNotFound as missing:
        if missing.ambiguous:
            ids = ", ".join(p.tenant_id for p in missing.ambiguous)
            raise B2BLintError(
                f"{what}: '{key}' names several partners ({ids}); use the tenant ID"
            ) from None
        noun = "tenant ID" if is_guid(key) else "name"
        close = f"; close matches: {'; '.join(missing.close)}" if missing.close else ""
        raise B2BLintError(
            f"{what}: no partner with {noun} '{key}' in the policy (use '{DEFAULT_PARTNER}' "
            f"for an organization without a partner entry){close}"
        ) from None


# ---------------------------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------------------------


def partner_label(partner: Partner | None) -> str:
    return partner.label if partner is not None else "organizations without a partner entry"


def org_name(partner: Partner | None) -> str:
    return (partner.name or partner.tenant_id) if partner is not None else "the other organization"


def possessive(name: str) -> str:
    return name + ("'" if name.endswith("s") else "'s")


def subject_text(subject: Subject) -> str:
    parts = []
    if subject.user:
        parts.append(f"user {subject.user}")
    if subject.groups:
        parts.append("in group " + ", ".join(sorted(subject.groups)))
    return " ".join(parts) if parts else "any user"


def app_text(app: str | None) -> str:
    if app is None:
        return "any application"
    return app if app in (OFFICE_365, ALL_APPLICATIONS) else f"app {app}"


def source_words(resolved: Resolved, partner: Partner | None) -> str:
    """Where an effective B2B setting comes from: the partner entry, the default, ..."""
    sources = {part.source for part in resolved.parts.values()}
    if sources == {Source.SERVICE}:
        return "the service default"
    if partner is None:
        return "the default"
    entry = f"{possessive(org_name(partner))} entry"
    if sources == {Source.EXPLICIT}:
        return entry
    if Source.EXPLICIT in sources:
        return f"{entry}, the rest inherited"
    return "inherited from the default" if Source.DEFAULT in sources else "the service default"


def setting_sentence(setting: str, resolved: Resolved, partner: Partner | None) -> str:
    """``b2bCollaborationInbound (Fabrikam's entry) allows users: ...; apps: ...``."""
    phrase = setting_phrase(resolved.value)
    where = source_words(resolved, partner)
    if phrase == EVERYONE_BLOCKED:
        return f"{setting} ({where}) blocks everyone"
    return f"{setting} ({where}) allows {phrase}"


# ---------------------------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------------------------


def half_deciders(resolved: Resolved, result: SettingResult) -> tuple[Decider, ...]:
    """The lines of the halves that decided: the matching target, else the whole half."""
    matches = {USERS: result.users.target_index, APPS: result.apps.target_index}
    found = []
    for half in result.deciding:
        part = resolved.parts[half]
        index = matches[half]
        if part.ref is None:
            found.append(Decider(None, f"{resolved.name}.{half}"))
        elif index is not None:
            found.append(Decider(part.ref.child("targets", index)))
        else:
            found.append(Decider(part.ref))
    return tuple(found)


class CloudBlock(NamedTuple):
    """Microsoft cloud settings block the partner: why (long and short) and what decided."""

    reason: str
    short: str
    deciders: tuple[Decider, ...]


def cloud_block(policy: Policy, partner: Partner | None, kind: AccessKind) -> CloudBlock | None:
    """Why Microsoft cloud settings block this partner [S29]; None if they don't."""
    if partner is None or kind is AccessKind.TENANT_RESTRICTIONS:
        return None
    ours, theirs = policy.tenant_cloud, partner.cloud
    if ours == theirs or theirs not in ENDPOINTS or ours not in ENDPOINTS:
        return None
    cloud = Decider(partner.ref.child("cloud"))
    where = f"{partner.label} is in {LABELS[theirs]}, this tenant in {LABELS[ours]}"
    if kind is AccessKind.B2B_DIRECT_CONNECT:
        short = "not supported across Microsoft clouds"
        return CloudBlock(f"{where}; B2B direct connect is {short}", short, (cloud,))
    if not supported(ours, theirs):
        short = f"not supported between {LABELS[ours]} and {LABELS[theirs]}"
        return CloudBlock(f"{where}; B2B collaboration is {short}", short, (cloud,))
    endpoint = ENDPOINTS[theirs]
    if endpoint in allowed_endpoints(policy):
        return None
    section = policy.section("crossTenantAccessPolicy")
    if section is None:
        deciders: tuple[Decider, ...] = (cloud,)
    elif isinstance(section.value, Mapping) and "allowedCloudEndpoints" in section.value:
        deciders = (Decider(section.ref.child("allowedCloudEndpoints").at_key()), cloud)
    else:
        deciders = (Decider(section.ref.at_key()), cloud)
    short = f"{endpoint} not in allowedCloudEndpoints"
    return CloudBlock(
        f"{where}, and allowedCloudEndpoints does not enable {endpoint}", short, deciders
    )


def _notes(
    policy: Policy, partner: Partner | None, kind: AccessKind, direction: Direction | None
) -> tuple[str, ...]:
    if kind is AccessKind.TENANT_RESTRICTIONS:
        notes = [
            "tenant restrictions apply only on devices and networks that send the tenant "
            "restrictions v2 signal (Global Secure Access, a proxy header or Windows policy)"
        ]
        if partner is not None and partner.tenant_id.lower() == MICROSOFT_ACCOUNTS_TENANT:
            notes.append("per-user tenant restrictions are not supported for Microsoft accounts")
        return tuple(notes)
    other = "outbound" if direction is Direction.INBOUND else "inbound"
    notes = [
        f"{possessive(org_name(partner))} own {other} {kind_label(kind, None)} settings must "
        "allow it too (they are not in these files)"
    ]
    if partner is not None and partner.cloud != policy.tenant_cloud:
        notes.append(
            f"{org_name(partner)} must also enable this tenant's cloud in its Microsoft cloud "
            "settings"
        )
    return tuple(notes)


#: What an undocumented missing half could also mean: no restriction on that half.
UNRESTRICTED: dict[str, dict[str, Any]] = {
    USERS: {"accessType": "allowed", "targets": [{"target": ALL_USERS, "targetType": "user"}]},
    APPS: {
        "accessType": "allowed",
        "targets": [{"target": ALL_APPLICATIONS, "targetType": "application"}],
    },
}


def half_unsettled(
    resolved: Resolved, result: SettingResult, subject: Subject, app: str | None
) -> str | None:
    """Why the verdict is not settled when the setting leaves one half out; None if it is.

    Graph documents no reading for a missing half (see the module docstring): b2blint fills it
    from the default, and also asks what an unrestricted half would give. Only when the two
    readings disagree is the verdict ``depends``, naming both.
    """
    half = missing_half(resolved)
    if half is None or result.passes is None:
        return None
    values = {part: resolved.parts[part].value for part in (USERS, APPS)}
    values[half] = UNRESTRICTED[half]
    other = evaluate(values[USERS], values[APPS], subject, app)
    if other.passes is None or other.passes == result.passes:
        return None
    filled = resolved.parts[half].source.value
    words = {True: "allowed", False: "blocked"}
    return (
        f"the verdict depends on what Graph does with the {half} this setting leaves out, "
        f"which Microsoft does not document: filled from the default ({filled}, as b2blint "
        f"assumes) it is {words[result.passes]}; left unrestricted it is "
        f"{words[other.passes]}. Set {resolved.name}.{half} explicitly"
    )


def simulate(policy: Policy, question: Question, other: Policy | None = None) -> Verdict:
    """The verdict for one sign-in (see the module docstring for the order of the checks).

    ``other``: the partner tenant's own policy, when it is known (both tenants in a fleet):
    then both sides are evaluated and the verdict is theirs together (`two_sided`).
    """
    if other is not None and question.kind is not AccessKind.TENANT_RESTRICTIONS:
        partner = find_partner(policy, question.partner)
        if partner is not None:
            return two_sided(policy, partner, question, other)
    return _one_sided(policy, question)


def _one_sided(policy: Policy, question: Question) -> Verdict:
    partner = find_partner(policy, question.partner)
    kind = question.kind
    direction = None if kind is AccessKind.TENANT_RESTRICTIONS else question.direction
    if kind is not AccessKind.TENANT_RESTRICTIONS and direction is None:
        raise B2BLintError(f"--direction is required for {kind.value}")
    setting = SETTINGS[(kind, direction)]
    line = (
        f"{partner_label(partner)} · {kind_label(kind, direction)} · "
        f"{subject_text(question.subject)} · {app_text(question.app)}"
    )
    notes = _notes(policy, partner, kind, direction)
    if question.user_type is not None and (
        direction is not Direction.INBOUND or policy.conditional_access is None
    ):
        notes += (
            "the user type is used only for inbound sign-ins with Conditional Access context",
        )
    by_cloud = cloud_block(policy, partner, kind)
    if by_cloud is not None:
        reason = by_cloud.reason + " (no error code is documented)"
        return Verdict(BLOCKED, None, reason, by_cloud.deciders, line, notes)
    resolved = resolve(policy, partner, setting)
    result = evaluate(
        resolved.parts[USERS].value, resolved.parts[APPS].value, question.subject, question.app
    )
    deciders = half_deciders(resolved, result)
    sentence = setting_sentence(setting, resolved, partner)
    error = (
        TENANT_RESTRICTIONS_ERROR
        if direction is None
        else (INBOUND_ERROR if direction is Direction.INBOUND else OUTBOUND_ERROR)
    )
    if result.problem is not None:
        return Verdict(DEPENDS, error, f"{setting}: {result.problem}", deciders, line, notes)
    unsettled = half_unsettled(resolved, result, question.subject, question.app)
    if unsettled is not None:
        reason = f"{sentence}; {unsettled}"
        return Verdict(DEPENDS, error, reason, deciders, line, notes)
    if result.passes is False:
        if result.basis is not None:
            sentence += f"; {result.basis}"
        elif not sentence.endswith("blocks everyone"):
            sentence += f"; not {subject_text(question.subject)} with {app_text(question.app)}"
        return Verdict(BLOCKED, error, sentence, deciders, line, notes)
    user_type = question_user_type(question)
    if direction is Direction.INBOUND and policy.conditional_access is not None:
        return _with_context(
            policy,
            partner,
            question,
            user_type,
            Verdict(
                DEPENDS if result.passes is None else ALLOWED,
                error if result.passes is None else None,
                f"{sentence}; the verdict depends on {depends_on(result)}"
                if result.passes is None
                else sentence,
                deciders,
                line,
                notes,
            ),
        )
    if kind is AccessKind.B2B_DIRECT_CONNECT and direction is Direction.INBOUND:
        untrusted = _mfa_trust(
            policy, partner, question=question, result=result, deciders=deciders, sentence=sentence
        )
        if untrusted is not None:
            return dataclasses.replace(untrusted, question=line, notes=notes)
    if result.passes is None:
        reason = f"{sentence}; the verdict depends on {depends_on(result)}"
        return Verdict(DEPENDS, error, reason, deciders, line, notes)
    return Verdict(ALLOWED, None, sentence, deciders, line, notes)


def _mfa_trust(
    policy: Policy,
    partner: Partner | None,
    *,
    question: Question,
    result: SettingResult,
    deciders: tuple[Decider, ...],
    sentence: str,
) -> Verdict | None:
    """Inbound direct connect got through the setting: is the partner's MFA trusted? [S26][S31]"""
    trust = resolve(policy, partner, "inboundTrust")
    accepted = trust.value.get("isMfaAccepted") if isinstance(trust.value, Mapping) else None
    if accepted is True:
        return None
    if trust.ref is None:
        trust_decider = Decider(None, "inboundTrust.isMfaAccepted")
    elif isinstance(trust.value, Mapping) and "isMfaAccepted" in trust.value:
        trust_decider = Decider(trust.ref.child("isMfaAccepted"))
    else:
        trust_decider = Decider(trust.ref)
    org = org_name(partner)
    if question.mfa_required is False:
        if result.passes is None:
            return None
        reason = (
            f"{sentence}; MFA from {org} is not trusted, which matters only when Conditional "
            "Access requires MFA (the question says it does not)"
        )
        return Verdict(ALLOWED, None, reason, (*deciders, trust_decider))
    shown = "not set" if accepted is None else str(accepted).lower()
    if question.mfa_required is None:
        reason = (
            f"{sentence}, but inboundTrust.isMfaAccepted is {shown} for {org}; the verdict "
            "depends on whether your Conditional Access requires MFA for these users, which "
            "b2blint cannot see: if it does, they are blocked with "
            f'{MFA_ERROR} ("If you want to allow B2B direct connect with an external '
            "organization and your Conditional Access policies require MFA, you must configure "
            'your trust settings to accept MFA claims"); if not, they get in '
            "(say which with --mfa-required or --no-mfa-required)"
        )
        return Verdict(DEPENDS, MFA_ERROR, reason, (trust_decider, *deciders))
    reason = (
        f"{sentence}, but inboundTrust.isMfaAccepted is {shown} for {org}: B2B direct connect "
        "users cannot do MFA in this tenant, so they are blocked when Conditional Access "
        "requires MFA (as the question says it does)"
    )
    if result.passes is None:
        reason += f"; users the setting does not let through meet {INBOUND_ERROR} instead"
    return Verdict(BLOCKED, MFA_ERROR, reason, (trust_decider, *deciders))


#: The external user kinds each kind of access may be asked about (``--user-type``).
USER_TYPES_FOR: Mapping[AccessKind, tuple[str, ...]] = {
    AccessKind.B2B_COLLABORATION: (ca.GUEST, "b2bCollaborationMember", "serviceProvider"),
    AccessKind.B2B_DIRECT_CONNECT: (ca.DIRECT_CONNECT,),
    AccessKind.TENANT_RESTRICTIONS: (),
}


def question_user_type(question: Question) -> str | None:
    """The kind of external user asked about; a kind that can't make this sign-in is an error."""
    allowed = USER_TYPES_FOR[question.kind]
    if question.user_type is None:
        return allowed[0] if allowed else None
    if question.user_type not in allowed:
        if question.user_type not in ca.USER_TYPES:
            raise B2BLintError(
                f"--user-type: '{question.user_type}' is not one of {', '.join(ca.USER_TYPES)}"
            )
        choices = ", ".join(allowed) if allowed else "none"
        raise B2BLintError(
            f"--user-type {question.user_type} does not make a {question.kind.value} sign-in "
            f"across tenants (for {question.kind.value}: {choices})"
        )
    return question.user_type


def _ca_deciders(effects: tuple[ca.Effect, ...]) -> tuple[Decider, ...]:
    return tuple(Decider(e.ca.ref, display_name=e.ca.display_name) for e in effects)


def _with_context(
    policy: Policy,
    partner: Partner | None,
    question: Question,
    user_type: str | None,
    base: Verdict,
) -> Verdict:
    """The sign-in got through the cross-tenant setting (or depends on it): what does the
    Conditional Access context say for this kind of user? [S130]"""
    assert user_type is not None
    app = question.app
    notes = list(base.notes)
    if app is None and user_type == ca.DIRECT_CONNECT:
        app = OFFICE_365  # Teams shared channels, the one B2B direct connect app [S30]
        notes.append("B2B direct connect is asked about as Office 365 (Teams shared channels)")
    answer = ca.evaluate(policy, partner, user_type, app, user=question.subject.user)
    assert answer is not None
    if question.mfa_required is not None:
        notes.append("the MFA assumption of the question is not used: the context decides")
    for effect in answer.report_only:
        words = (
            f"report-only Conditional Access policy {effect.ca.label} {effect.requirement.reason}"
        )
        if effect.requirement.verdict != ALLOWED:
            words += f" (when enabled: {effect.requirement.verdict})"
        notes.append(words)
    words = {
        ca.GUEST: "B2B collaboration guests",
        "b2bCollaborationMember": "B2B collaboration members",
        "serviceProvider": "service provider users",
        ca.DIRECT_CONNECT: "B2B direct connect users",
    }[user_type]
    ca_reason = f"Conditional Access for {words}: {answer.reason}"
    deciding = _ca_deciders(answer.deciding)
    if answer.verdict == ca.BLOCKED:
        return Verdict(
            BLOCKED,
            answer.error,
            f"{base.reason}; but {ca_reason}",
            (*deciding, *base.decided_by),
            base.question,
            tuple(notes),
        )
    if answer.verdict == ca.DEPENDS:
        return Verdict(
            DEPENDS,
            answer.error or base.error,
            f"{base.reason}; {ca_reason}",
            (*deciding, *base.decided_by),
            base.question,
            tuple(notes),
        )
    return Verdict(
        base.verdict,
        base.error,
        f"{base.reason}; {ca_reason}",
        (*base.decided_by, *deciding),
        base.question,
        tuple(notes),
    )
# ---------------------------------------------------------------------------------------------
# Both tenants known (a fleet)
# ---------------------------------------------------------------------------------------------

#: Why a sign-in both tenants block has no single documented error.
BOTH_BLOCK = (
    "Microsoft documents that the home tenant's outbound and the resource tenant's inbound "
    "settings are both evaluated, not which check fails first, so the user sees "
    f"{OUTBOUND_ERROR} or {INBOUND_ERROR}"
)


def tenant_name(policy: Policy) -> str:
    """How a verdict names a tenant of the fleet: its ``tenant.name``, else its ID."""
    name = policy.section_value("tenant").get("name")
    return name if isinstance(name, str) and name else (policy.tenant_id or "this tenant")


def two_sided(policy: Policy, partner: Partner, question: Question, other: Policy) -> Verdict:
    """One verdict from both tenants: the home tenant's outbound and the resource tenant's
    inbound setting (each with its own Microsoft cloud settings, and the resource's MFA trust
    for direct connect), as Microsoft evaluates a sign-in: "Fabrikam's outbound settings and
    Contoso's inbound settings" (Authentication and Conditional Access for External ID, step 2
    [S36]; "evaluated against cross-tenant access settings in both the user's home tenant and
    the resource tenant", B2B direct connect overview [S30]).

    ``other`` is the policy of the tenant ``partner`` names; its entry for this tenant (or,
    without one, its default) is read for the other half. The error is the blocking side's:
    AADSTS500212 when the home tenant's outbound setting blocks, AADSTS500213 when the
    resource tenant's inbound setting does [S42]; with both blocking, `BOTH_BLOCK`.
    """
    own_id = policy.tenant_id
    if own_id is None:
        raise B2BLintError("a two-sided simulation needs this tenant's tenant.id")
    if (other.tenant_id or "").lower() != partner.tenant_id.lower():
        raise B2BLintError(
            f"the other tenant's policy is for {other.tenant_id}, not for {partner.label}"
        )
    direction = question.direction
    if direction is None:
        raise B2BLintError(f"--direction is required for {question.kind.value}")
    back = Direction.OUTBOUND if direction is Direction.INBOUND else Direction.INBOUND
    mirrored = question._replace(
        partner=own_id if other.partner(own_id) is not None else DEFAULT_PARTNER, direction=back
    )
    mine, theirs = _one_sided(policy, question), _one_sided(other, mirrored)
    ours, their_name = tenant_name(policy), tenant_name(other)
    kind = question.kind
    if direction is Direction.INBOUND:
        (home, home_name), (resource, resource_name) = (theirs, their_name), (mine, ours)
        resource_policy, resource_partner = policy, find_partner(policy, question.partner)
    else:
        (home, home_name), (resource, resource_name) = (mine, ours), (theirs, their_name)
        resource_policy, resource_partner = other, find_partner(other, mirrored.partner)
    # The resource side's own notes (its Conditional Access context: report-only policies, the
    # MFA assumption not used), without the one-sided caveats both sides now answer.
    caveats = _notes(resource_policy, resource_partner, kind, Direction.INBOUND)
    notes = tuple(note for note in resource.notes if note not in caveats)
    line = (
        f"{home_name} -> {resource_name} · {kind_label(kind, None)} (both tenants) · "
        f"{subject_text(question.subject)} · {app_text(question.app)}"
    )
    sides = (
        (home, f"{possessive(home_name)} {kind_label(kind, Direction.OUTBOUND)}"),
        (resource, f"{possessive(resource_name)} {kind_label(kind, Direction.INBOUND)}"),
    )
    blocked = [(verdict, label) for verdict, label in sides if verdict.verdict == BLOCKED]
    unknown = [(verdict, label) for verdict, label in sides if verdict.verdict == DEPENDS]
    deciders = (*home.decided_by, *resource.decided_by)
    words = "; ".join(f"{label} ({verdict.verdict}): {verdict.reason}" for verdict, label in sides)
    if len(blocked) == 2:
        reason = f"both tenants block it. {words}; {BOTH_BLOCK}"
        return Verdict(BLOCKED, None, reason, deciders, line, notes)
    if blocked:
        verdict, label = blocked[0]
        reason = f"{label} blocks it. {words}"
        return Verdict(BLOCKED, verdict.error, reason, deciders, line, notes)
    if unknown:
        verdict, label = unknown[0]
        reason = f"{label} depends on what the files cannot say. {words}"
        return Verdict(DEPENDS, verdict.error, reason, deciders, line, notes)
    return Verdict(ALLOWED, None, f"both tenants allow it. {words}", deciders, line, notes)
