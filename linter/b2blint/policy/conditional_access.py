"""THE reading of the Conditional Access context for external users (rules and simulator both ask).

For a partner (or an organization without a partner entry), a kind of external user and an
application, `evaluate` says which enabled Conditional Access policies of the context apply,
which report-only ones would, what they require, and whether that requirement can be met by
such a user given the inbound trust that applies (`b2blint.policy.effective`). Three-valued:
``allowed``, ``blocked`` or ``depends`` - a condition b2blint does not model (a group, a role,
a location, a platform, a device filter, a risk level, a client app type other than ``all``, a
condition it does not know) makes the answer ``depends`` and names it, never a guess.

Microsoft's documentation, keys in docs/sources.md:

* Which users [S131][S134]: ``includeUsers`` "All" is every user including B2B guests;
  ``GuestsOrExternalUsers`` (legacy) and ``includeGuestsOrExternalUsers`` (user types as a
  comma-separated flags string, ``externalTenants`` all or enumerated) name external users;
  "The exclude action overrides the include action".
* What each control means for an external user [S130] ("Conditional Access for external
  users", the support table): MFA is satisfied in the home tenant when MFA is trusted, else in
  the resource tenant for B2B collaboration, and "Access is blocked for B2B direct connect
  users" (AADSTS90071 [S31]); "If device compliance is required but can't be evaluated, access
  is blocked for both B2B collaboration and B2B direct connect users" (device claims are
  trusted by ``isCompliantDeviceAccepted`` / ``isHybridAzureADJoinedDeviceAccepted``; no error
  code is documented); "Custom Controls with Conditional Access are not support for
  cross-tenant trusts"; approved client app, app protection and password change are "Not
  supported"; terms of use are not supported for B2B direct connect.
* Authentication strengths [S132][S133]: with MFA trust only the methods of the table's "Home
  tenant" column are accepted (SMS, voice, Authenticator push, OATH software and hardware
  tokens, phone sign-in, FIDO2, Windows Hello for Business, certificate-based authentication);
  in the resource tenant a guest can register only SMS, voice, Authenticator push and OATH
  software tokens; MFA trust "is *required* for B2B direct connect".
* Report-only policies are "evaluated but not enforced" [S135].
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from b2blint.policy.effective import resolve
from b2blint.policy.model import ConditionalAccessPolicy, Partner, Policy

ALLOWED, BLOCKED, DEPENDS = "allowed", "blocked", "depends"

#: The kinds of external user (conditionalAccessGuestOrExternalUserTypes [S134]), in Graph's order.
USER_TYPES = (
    "internalGuest",
    "b2bCollaborationGuest",
    "b2bCollaborationMember",
    "b2bDirectConnectUser",
    "otherExternalUser",
    "serviceProvider",
)
DIRECT_CONNECT = "b2bDirectConnectUser"
GUEST = "b2bCollaborationGuest"
#: Users who sign in with another Microsoft Entra tenant: the inbound trust applies to them.
CROSS_TENANT = frozenset({GUEST, "b2bCollaborationMember", DIRECT_CONNECT, "serviceProvider"})

ENABLED = "enabled"
REPORT_ONLY = "enabledForReportingButNotEnforced"

#: The application groups a question may name (besides an app ID).
OFFICE_365 = "Office365"
ALL_APPLICATIONS = "AllApplications"

MFA_ERROR = "AADSTS90071"  # direct connect without MFA trust [S31]
BLOCK_ERROR = "AADSTS53003"  # BlockedByConditionalAccess [S136]

#: Conditions b2blint does not evaluate: they depend on the sign-in [S134].
UNMODELLED_CONDITIONS = {
    "platforms": "device platforms",
    "locations": "locations",
    "devices": "a device filter",
    "signInRiskLevels": "sign-in risk",
    "userRiskLevels": "user risk",
    "servicePrincipalRiskLevels": "service principal risk",
    "insiderRiskLevels": "insider risk",
    "authenticationFlows": "authentication flows",
    "clientApplications": "client applications (workload identities)",
}
MODELLED_CONDITIONS = frozenset({"users", "applications", "clientAppTypes"})

#: Built-in authentication strengths [S133] -> the method combinations they allow.
BUILT_IN_STRENGTHS: Mapping[str, tuple[str, str]] = {
    "00000000-0000-0000-0000-000000000002": ("Multifactor authentication", "mfa"),
    "00000000-0000-0000-0000-000000000003": ("Passwordless MFA", "passwordless"),
    "00000000-0000-0000-0000-000000000004": ("Phishing-resistant MFA", "phishingResistant"),
}
#: Methods honoured from the home tenant with MFA trust [S132] ("Home tenant" column).
HOME_METHODS = frozenset(
    {
        "sms",
        "voice",
        "microsoftAuthenticatorPush",
        "softwareOath",
        "hardwareOath",
        "deviceBasedPush",
        "fido2",
        "windowsHelloForBusiness",
        "x509CertificateMultiFactor",
        "x509CertificateSingleFactor",
    }
)
#: Methods an external user can register and use in the resource tenant [S132].
RESOURCE_METHODS = frozenset({"sms", "voice", "microsoftAuthenticatorPush", "softwareOath"})
#: Factors that are not a method of the table (the password, federated sign-in).
NEUTRAL = frozenset({"password"})


class Requirement(NamedTuple):
    """What one policy's grant controls mean for this user: a verdict, an error and why."""

    verdict: str
    error: str | None
    reason: str


class Effect(NamedTuple):
    """One policy that applies (or might) to the question, and what it does."""

    ca: ConditionalAccessPolicy
    report_only: bool
    applies: bool | None  # None: a condition b2blint does not model decides
    condition: str  # why it might not apply ("" when it applies)
    requirement: Requirement
    note: str = ""  # e.g. "except 1 excluded user"

    def words(self) -> str:
        head = f"{self.ca.label} {self.requirement.reason}"
        if self.applies is None:
            head += f" (if it applies: {self.condition})"
        return head


class Answer(NamedTuple):
    """The context's answer for one (partner, user type, application)."""

    verdict: str
    error: str | None
    reason: str
    effects: tuple[Effect, ...]  # enforced policies that apply or might apply
    report_only: tuple[Effect, ...]  # report-only policies that apply or might apply

    @property
    def deciding(self) -> tuple[Effect, ...]:
        """The enforced policies that make the verdict what it is."""
        if self.verdict == ALLOWED:
            return tuple(e for e in self.effects if e.applies)
        return tuple(e for e in self.effects if e.requirement.verdict != ALLOWED)


class Trust(NamedTuple):
    mfa: bool
    compliant: bool
    hybrid: bool


def trust_for(policy: Policy, partner: Partner | None) -> Trust:
    """The inbound trust that applies to ``partner`` (None: the default)."""
    value = resolve(policy, partner, "inboundTrust").value
    value = value if isinstance(value, Mapping) else {}
    return Trust(
        value.get("isMfaAccepted") is True,
        value.get("isCompliantDeviceAccepted") is True,
        value.get("isHybridAzureADJoinedDeviceAccepted") is True,
    )


def strings(value: Any) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def user_types(value: Any) -> tuple[frozenset[str], list[str]]:
    """The flags of ``guestOrExternalUserTypes`` and the members b2blint does not know."""
    if not isinstance(value, str):
        return frozenset(), []
    flags = [part.strip() for part in value.split(",") if part.strip()]
    unknown = [flag for flag in flags if flag not in USER_TYPES and flag != "none"]
    return frozenset(flags), unknown


def external_tenant_ids(clause: Any) -> list[str] | None:
    """The enumerated tenants of a guestsOrExternalUsers clause; None when it means all."""
    if not isinstance(clause, Mapping):
        return None
    tenants = clause.get("externalTenants")
    if not isinstance(tenants, Mapping):
        return None
    kind = tenants.get("membershipKind")
    odata = tenants.get("@odata.type")
    if kind == "enumerated" or (kind is None and str(odata).endswith("EnumeratedExternalTenants")):
        return [m.lower() for m in strings(tenants.get("members"))]
    return None


def _clause_matches(
    clause: Any, tenant: str | None, user_type: str, partners: frozenset[str] = frozenset()
) -> tuple[bool | None, str]:
    """Whether an include/excludeGuestsOrExternalUsers clause names this user.

    ``tenant`` None: an organization without a partner entry, so none of ``partners``.
    """
    if not isinstance(clause, Mapping):
        return False, ""
    flags, unknown = user_types(clause.get("guestOrExternalUserTypes"))
    if user_type not in flags:
        if unknown:
            names = ", ".join(unknown)
            return None, f"guestOrExternalUserTypes member {names}, which b2blint does not know"
        return False, ""
    members = external_tenant_ids(clause)
    if members is None:
        return True, ""
    if tenant is None:
        if all(member in partners for member in members):
            return False, ""
        return None, "externalTenants lists tenants, and the organization is not named"
    return tenant.lower() in members, ""


def users_scope(
    users: Any,
    tenant: str | None,
    user_type: str,
    user: str | None = None,
    partners: frozenset[str] = frozenset(),
) -> tuple[bool | None, str, str]:
    """(in scope, the condition it depends on, a note) for this kind of user of ``tenant``."""
    if not isinstance(users, Mapping):
        return None, "conditions.users is missing", ""
    direct = user_type == DIRECT_CONNECT
    include_users = strings(users.get("includeUsers"))
    exclude_users = [u.lower() for u in strings(users.get("excludeUsers"))]
    # Exclusion first: it overrides inclusion [S131].
    if "GuestsOrExternalUsers" in strings(users.get("excludeUsers")):
        return False, "", ""  # the legacy value: every guest and external user type [S136]
    excluded, why = _clause_matches(
        users.get("excludeGuestsOrExternalUsers"), tenant, user_type, partners
    )
    if excluded is True:
        return False, "", ""
    if user is not None and user.lower() in exclude_users:
        return False, "", ""
    depends: list[str] = [why] if excluded is None else []
    # Direct connect users have no presence in the directory [S130]: no group, role or object.
    if not direct:
        for key, what in (("excludeGroups", "group"), ("excludeRoles", "directory role")):
            if strings(users.get(key)):
                depends.append(f"membership of an excluded {what} (users.{key})")
    included: bool | None = False
    if "All" in include_users or "GuestsOrExternalUsers" in include_users:
        included = True
    else:
        matched, clause_why = _clause_matches(
            users.get("includeGuestsOrExternalUsers"), tenant, user_type, partners
        )
        if matched:
            included = True
        else:
            if matched is None:
                depends.append(clause_why)
            named = [u for u in include_users if u not in ("None", "All", "GuestsOrExternalUsers")]
            if not direct:
                if user is not None and user.lower() in (u.lower() for u in named):
                    included = True
                elif named and user is None:
                    depends.append("whether the user is one of users.includeUsers")
                for key, what in (("includeGroups", "group"), ("includeRoles", "directory role")):
                    if strings(users.get(key)):
                        depends.append(f"membership of an included {what} (users.{key})")
            if included is not True and not depends:
                return False, "", ""
    if included is not True and depends:
        return None, "; ".join(depends), ""
    note = ""
    others = [u for u in exclude_users if u != "guestsorexternalusers"]
    if others and not direct and user is None:
        note = f"except {len(others)} excluded user account{'s' if len(others) > 1 else ''}"
    if depends:
        return None, "; ".join(depends), note
    return True, "", note


def apps_scope(applications: Any, app: str | None) -> tuple[bool | None, str]:
    """Whether the policy covers ``app`` (an app ID, Office365, AllApplications or None: any)."""
    if not isinstance(applications, Mapping):
        return None, "conditions.applications is missing"
    include = strings(applications.get("includeApplications"))
    exclude = strings(applications.get("excludeApplications"))
    if applications.get("applicationFilter"):
        return None, "an application filter (applications.applicationFilter)"
    if strings(applications.get("includeAuthenticationContextClassReferences")):
        return None, "an authentication context the application asks for"
    if not include and strings(applications.get("includeUserActions")):
        return False, ""  # a user action (security info / device registration), not a sign-in
    wanted = app or ALL_APPLICATIONS
    lowered_ex = {e.lower() for e in exclude}
    if wanted.lower() in lowered_ex:
        return False, ""
    if wanted == OFFICE_365 and "office365" not in lowered_ex and exclude:
        return None, "which Office 365 apps applications.excludeApplications leaves out"
    if wanted == ALL_APPLICATIONS and exclude:
        return None, "whether the application is one of applications.excludeApplications"
    if wanted not in (OFFICE_365, ALL_APPLICATIONS) and "office365" in lowered_ex:
        return None, "whether the app belongs to the Office 365 group it excludes"
    if "All" in include or wanted.lower() in (i.lower() for i in include):
        return True, ""
    if wanted == ALL_APPLICATIONS and [i for i in include if i != "None"]:
        return None, "which application is used (the policy covers only some; give an app)"
    if wanted == OFFICE_365 and [i for i in include if i not in ("None", "MicrosoftAdminPortals")]:
        return None, "whether the apps it names are the Office 365 apps used"
    if wanted not in (OFFICE_365, ALL_APPLICATIONS) and OFFICE_365 in include:
        return None, "whether the app belongs to the Office 365 group"
    return False, ""


def unmodelled(conditions: Mapping[str, Any]) -> list[str]:
    """The conditions that are set and that b2blint does not evaluate."""
    found = []
    for key, value in conditions.items():
        if key in MODELLED_CONDITIONS or value in (None, [], {}):
            continue
        found.append(f"{UNMODELLED_CONDITIONS.get(key, 'an unknown condition')} (conditions.{key})")
    types = strings(conditions.get("clientAppTypes"))
    if types and "all" not in types:
        found.append(f"the client app type (conditions.clientAppTypes: {', '.join(types)})")
    return found


# ---------------------------------------------------------------------------------------------
# Grant controls
# ---------------------------------------------------------------------------------------------


def _mfa(user_type: str, trust: Trust) -> Requirement:
    if user_type == DIRECT_CONNECT:
        if trust.mfa:
            return Requirement(ALLOWED, None, "requires MFA, done in the home tenant (MFA trusted)")
        return Requirement(
            BLOCKED,
            MFA_ERROR,
            "requires MFA, which B2B direct connect users can only do in their home tenant, and "
            "inboundTrust.isMfaAccepted is not true",
        )
    if user_type == "serviceProvider":
        return Requirement(ALLOWED, None, "requires MFA, always done and trusted at home (GDAP)")
    if user_type in CROSS_TENANT and trust.mfa:
        return Requirement(ALLOWED, None, "requires MFA, done in the home tenant (MFA trusted)")
    return Requirement(
        ALLOWED, None, "requires MFA, which the user registers and does in this tenant"
    )


def _device(control: str, user_type: str, trust: Trust) -> Requirement:
    compliant = control == "compliantDevice"
    what = "a compliant device" if compliant else "a Microsoft Entra hybrid joined device"
    flag = "isCompliantDeviceAccepted" if compliant else "isHybridAzureADJoinedDeviceAccepted"
    if user_type not in CROSS_TENANT:
        return Requirement(DEPENDS, None, f"requires {what}: depends on the user's device")
    if trust.compliant if compliant else trust.hybrid:
        return Requirement(
            ALLOWED, None, f"requires {what}, claimed by the home tenant ({flag} trusted)"
        )
    return Requirement(
        BLOCKED,
        None,
        f"requires {what}, and inboundTrust.{flag} is not true: the claim can't be evaluated, "
        "so access is blocked (no error code is documented)",
    )


def strength_of(value: Any) -> tuple[str, list[list[str]] | None]:
    """(name, allowed combinations as factor lists, or None when the context lacks them)."""
    if not isinstance(value, Mapping):
        return "an authentication strength", None
    strength_id = str(value.get("id") or "").lower()
    name = value.get("displayName")
    built_in = BUILT_IN_STRENGTHS.get(strength_id)
    label = name if isinstance(name, str) and name else (built_in[0] if built_in else strength_id)
    combinations = strings(value.get("allowedCombinations"))
    if combinations:
        return label, [[f.strip() for f in c.split(",") if f.strip()] for c in combinations]
    if built_in is not None:
        return label, [list(c) for c in _BUILT_IN_COMBINATIONS[built_in[1]]]
    return label, None


#: The method combinations of the built-in strengths [S133] (the ones the external-user table
#: names; temporary access pass and federated methods are left out: not from the home tenant).
_PHISHING_RESISTANT = (("windowsHelloForBusiness",), ("fido2",), ("x509CertificateMultiFactor",))
_PASSWORDLESS = (*_PHISHING_RESISTANT, ("deviceBasedPush",))
_MFA = (
    *_PASSWORDLESS,
    ("password", "microsoftAuthenticatorPush"),
    ("password", "softwareOath"),
    ("password", "hardwareOath"),
    ("password", "sms"),
    ("password", "voice"),
)
_BUILT_IN_COMBINATIONS = {
    "phishingResistant": _PHISHING_RESISTANT,
    "passwordless": _PASSWORDLESS,
    "mfa": _MFA,
}


def _met_by(combinations: Sequence[Sequence[str]], methods: frozenset[str]) -> bool:
    return any(
        all(f in methods or f in NEUTRAL for f in combo) and any(f in methods for f in combo)
        for combo in combinations
    )


def _every_home_method_meets(combinations: Sequence[Sequence[str]]) -> bool:
    """Whether the strength is met whatever MFA method the user does at home (the MFA one)."""
    return all(
        _met_by(combinations, frozenset({method})) for method in RESOURCE_METHODS | {"fido2"}
    )


def _strength(value: Any, user_type: str, trust: Trust) -> Requirement:
    name, combinations = strength_of(value)
    head = f"requires the authentication strength '{name}'"
    if user_type not in CROSS_TENANT:
        return Requirement(
            DEPENDS,
            None,
            f"{head}: depends on how the user authenticates (strengths apply only "
            "to external users who authenticate with Microsoft Entra ID)",
        )
    if combinations is None:
        return Requirement(
            DEPENDS, None, f"{head}, whose allowedCombinations the context does not hold"
        )
    home = trust.mfa or user_type == "serviceProvider"
    if user_type == DIRECT_CONNECT and not home:
        return Requirement(
            BLOCKED,
            None,
            f"{head}; MFA trust is required for B2B direct connect and "
            "inboundTrust.isMfaAccepted is not true",
        )
    if home:
        if _met_by(combinations, HOME_METHODS):
            if _every_home_method_meets(combinations):
                return Requirement(ALLOWED, None, f"{head}, met by home-tenant MFA (MFA trusted)")
            return Requirement(
                DEPENDS,
                None,
                f"{head}: met only if the user has one of its methods in the home tenant",
            )
        return Requirement(
            BLOCKED, None, f"{head}, which no method accepted from the home tenant meets"
        )
    if _met_by(combinations, RESOURCE_METHODS):
        return Requirement(
            ALLOWED, None, f"{head}, met by a method the user registers in this tenant"
        )
    return Requirement(
        BLOCKED,
        None,
        f"{head}; without MFA trust the user can only register SMS, voice, Authenticator push "
        "or an OATH software token in this tenant, and none of them meets it",
    )


_RANK = {ALLOWED: 0, DEPENDS: 1, BLOCKED: 2}

#: Controls Microsoft lists as not supported for external users [S130].
_UNSUPPORTED = {
    "approvedApplication": "an approved client app",
    "compliantApplication": "an app protection policy",
    "passwordChange": "a password change",
    "riskRemediation": "risk remediation",
}


def requirement(grant: Any, user_type: str, trust: Trust) -> Requirement:
    """What a policy's grantControls mean for this user (operator AND: all; OR: one of them)."""
    if not isinstance(grant, Mapping):
        return Requirement(ALLOWED, None, "grants access (no grant controls)")
    parts: list[Requirement] = []
    for control in strings(grant.get("builtInControls")):
        if control == "block":
            parts.append(Requirement(BLOCKED, BLOCK_ERROR, "blocks access"))
        elif control == "mfa":
            parts.append(_mfa(user_type, trust))
        elif control in ("compliantDevice", "domainJoinedDevice"):
            parts.append(_device(control, user_type, trust))
        elif control in _UNSUPPORTED:
            parts.append(
                Requirement(
                    DEPENDS,
                    None,
                    f"requires {_UNSUPPORTED[control]}, which Microsoft lists as not supported "
                    "for external users",
                )
            )
        else:
            parts.append(Requirement(DEPENDS, None, f"requires '{control}', unknown to b2blint"))
    if isinstance(grant.get("authenticationStrength"), Mapping):
        parts.append(_strength(grant["authenticationStrength"], user_type, trust))
    if strings(grant.get("customAuthenticationFactors")):
        parts.append(
            Requirement(
                DEPENDS,
                None,
                'requires a custom control ("not supported for cross-tenant trusts")',
            )
        )
    if strings(grant.get("termsOfUse")):
        if user_type == DIRECT_CONNECT:
            parts.append(
                Requirement(
                    DEPENDS,
                    None,
                    "requires accepting terms of use, not supported for B2B direct connect",
                )
            )
        else:
            parts.append(Requirement(ALLOWED, None, "requires accepting terms of use"))
    if not parts:
        return Requirement(ALLOWED, None, "grants access (no grant control)")
    if len(parts) == 1:
        return parts[0]
    operator = grant.get("operator")
    if operator == "OR":
        best = min(parts, key=lambda r: _RANK[r.verdict])
        joined = " or ".join(p.reason for p in parts)
        return Requirement(best.verdict, best.error, f"({joined}; one is enough)")
    worst = max(parts, key=lambda r: _RANK[r.verdict])
    return Requirement(worst.verdict, worst.error, " and ".join(p.reason for p in parts))


# ---------------------------------------------------------------------------------------------
# The answer
# ---------------------------------------------------------------------------------------------


def effect(
    ca: ConditionalAccessPolicy,
    tenant: str | None,
    user_type: str,
    app: str | None,
    trust: Trust,
    *,
    user: str | None = None,
    partners: frozenset[str] = frozenset(),
) -> Effect | None:
    """What one policy does to the question; None when it is off or cannot apply."""
    state = ca.state
    if state not in (ENABLED, REPORT_ONLY):
        return None
    body = ca.body
    conditions = body.get("conditions")
    if not isinstance(conditions, Mapping):
        conditions = {}
    in_users, users_why, note = users_scope(
        conditions.get("users"), tenant, user_type, user, partners
    )
    if in_users is False:
        return None
    in_apps, apps_why = apps_scope(conditions.get("applications"), app)
    if in_apps is False:
        return None
    reasons = [why for why in (users_why, apps_why) if why] + unmodelled(conditions)
    applies = None if reasons else True
    return Effect(
        ca,
        state == REPORT_ONLY,
        applies,
        "; ".join(reasons),
        requirement(body.get("grantControls"), user_type, trust),
        note,
    )


def evaluate(
    policy: Policy,
    partner: Partner | None,
    user_type: str,
    app: str | None,
    *,
    tenant: str | None = None,
    user: str | None = None,
    trust: Trust | None = None,
) -> Answer | None:
    """The context's answer for ``user_type`` users of ``partner`` signing in to ``app``.

    None when the policy has no context (b2blint knows nothing about Conditional Access).
    ``tenant`` overrides the partner's tenant ID (an organization without a partner entry).
    """
    if policy.conditional_access is None:
        return None
    trust = trust or trust_for(policy, partner)
    tenant = tenant or (partner.tenant_id if partner is not None else None)
    partners = frozenset(p.tenant_id.lower() for p in policy.partners) if tenant is None else None
    enforced: list[Effect] = []
    report: list[Effect] = []
    for ca in policy.conditional_access:
        found = effect(
            ca, tenant, user_type, app, trust, user=user, partners=partners or frozenset()
        )
        if found is not None:
            (report if found.report_only else enforced).append(found)
    return combine(enforced, report)


def combine(enforced: Iterable[Effect], report: Iterable[Effect]) -> Answer:
    """Every enforced policy that applies must be satisfied; report-only ones never block."""
    effects = tuple(enforced)
    blocking = [e for e in effects if e.applies and e.requirement.verdict == BLOCKED]
    if blocking:
        first = blocking[0]
        return Answer(BLOCKED, first.requirement.error, first.words(), effects, tuple(report))
    # A policy that might apply matters only if it would not let the user through.
    unsure = [e for e in effects if e.requirement.verdict != ALLOWED]
    if unsure:
        first = unsure[0]
        error = first.requirement.error
        return Answer(DEPENDS, error, first.words(), effects, tuple(report))
    applied = [e for e in effects if e.applies]
    if applied:
        reason = "; ".join(e.words() for e in applied)
    else:
        reason = "no enabled Conditional Access policy of the context applies"
    return Answer(ALLOWED, None, reason, effects, tuple(report))
