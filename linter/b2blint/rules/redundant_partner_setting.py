"""## What it does
Reports a partner setting (`inboundTrust`, `b2bCollaborationInbound`, `tenantRestrictions`,
...) whose effective value is identical to what the partner would inherit without it: the
tenant default, or the service default where the default is not set. The fix deletes that
setting from the partner.

Values are compared by meaning, not by text:

- the order of `targets` does not matter (Graph evaluates a target list as a set), nor does
  a repeated target, nor the case of an object-ID GUID; keywords stay case-sensitive;
- every other list keeps its order (`primaryIdentityProviderPrecedenceOrder` *is* an order);
- a property set to `null` counts as absent, and an absent property is *not* taken to equal
  `false` (Graph does not document that it fills partial objects from the default);
- a partner's `invitationRedemptionIdentityProviderConfiguration` is compared only with a
  default that sets it: Microsoft documents the service default order two ways (the default
  GET example lists `externalFederation` first, the redemption flow and the reset body
  `azureActiveDirectory` first), so it is never called a repeat of the service default;
- a B2B-shaped setting is compared after inheritance of each half (`usersAndGroups`,
  `applications`), the way `b2blint effective` resolves it, plus any other property it has
  (`devices` of `tenantRestrictions`).

## Why is this bad?
A partner property that is `null` inherits the default ("Any properties ... that are null
inherit settings from the default configuration"), so the repeated copy changes nothing
today. It does cost bytes toward the cross-tenant access policy size limit (XTA001), and it
hides intent: a reader cannot tell "this partner deliberately pins this value" from "someone
copied the default". It also silently stops following the default when the default changes.

## How to fix
Delete the setting from the partner (`b2blint lint --fix` does it). If the partner really
must keep this value when the default changes, keep it and suppress this finding with a
comment saying so.

## References
- crossTenantAccessPolicyConfigurationPartner (null properties inherit the default):
  https://learn.microsoft.com/graph/api/resources/crosstenantaccesspolicyconfigurationpartner
- Cross-tenant access overview (partner settings override the defaults):
  https://learn.microsoft.com/entra/external-id/cross-tenant-access-overview
- B2B collaboration invitation redemption (the default redemption order):
  https://learn.microsoft.com/entra/external-id/redemption-experience#invitation-redemption-flow
- Troubleshooting B2B collaboration (policy object size):
  https://learn.microsoft.com/entra/external-id/troubleshoot
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from b2blint.diagnostics import Edit, Fix, Severity
from b2blint.identifiers import is_guid
from b2blint.policy.effective import B2B_PARTS, Resolved, Source, resolve
from b2blint.policy.model import B2B_SETTINGS, PARTNER_SETTINGS, Partner, Policy, Ref
from b2blint.rules._rule import Context, Finding, Related, Rule, Visit

#: Settings whose service default Microsoft's pages disagree on, so a partner value can't be
#: called a repeat of it. The redemption order: the default GET example lists
#: externalFederation first, while the redemption flow ("B2B collaboration invitation
#: redemption": Entra ID, then SAML/WS-Fed, then Google), the Graph overview's "Prioritize
#: using an external federation over Entra ID" and the Entra reset body put
#: azureActiveDirectory first. Pinning externalFederation first on a partner is the documented
#: way to prefer its federation; deleting it (the fix) could silently undo that.
UNSURE_SERVICE_DEFAULTS = frozenset({"invitationRedemptionIdentityProviderConfiguration"})


def canonical(value: Any, key: str | None = None) -> Any:
    """A hashable form of a Graph value in which equal meanings compare equal."""
    if isinstance(value, dict):  # plain data from the loader; dict is far cheaper than Mapping
        return (
            "map",
            frozenset((k, canonical(v, k)) for k, v in value.items() if v is not None),
        )
    if isinstance(value, list):
        items = [canonical(item) for item in value]
        if key == "targets":
            return ("set", frozenset(items))
        return ("list", tuple(items))
    if key == "target" and isinstance(value, str) and is_guid(value):
        return value.lower()
    if isinstance(value, bool):
        return ("bool", value)  # keep True apart from 1
    return value


def _extras(value: Any) -> Any:
    """The properties of a B2B-shaped value besides its two halves (e.g. ``devices``)."""
    if not isinstance(value, Mapping):
        return canonical({})
    return canonical({k: v for k, v in value.items() if k not in B2B_PARTS})


class Inherited(NamedTuple):
    """What every partner inherits for one setting, resolved and canonicalized once."""

    resolved: Resolved
    canonical: Any
    extras: Any
    flat: dict[str, str | bool] | None  # `_flat` of the resolved value


def _flat(value: Any) -> dict[str, str | bool] | None:
    """A mapping of only strings and booleans, without its null members; else None.

    For such a mapping (``inboundTrust``, ``automaticUserConsentSettings`` ...) `canonical`
    equality is plain equality of this form: a string or a boolean is its own canonical form
    (a ``target`` key can hold a GUID, so it is left to `canonical`), and a string never
    equals a boolean. A 5 MB file can repeat the default in 52,000 partners (issue 9 item
    10): this costs one pass over the partner's few members instead of building the
    canonical form.
    """
    if type(value) is not dict or "target" in value:
        return None
    flat: dict[str, str | bool] = {}
    for key, item in value.items():
        kind = type(item)
        if kind is str or kind is bool:
            flat[key] = item
        elif item is not None:
            return None
    return flat


def same_as_default(partner_value: Any, mine: Resolved, inherited: Inherited) -> bool:
    """True if the partner's setting means exactly what it would inherit."""
    if canonical(mine.value) != inherited.canonical:
        return False
    if mine.name in B2B_SETTINGS:
        return bool(_extras(partner_value) == inherited.extras)
    return True


def inherited_settings(policy: Policy) -> dict[str, Inherited]:
    default_section = policy.section("default")
    default_value = default_section.value if default_section is not None else None
    found: dict[str, Inherited] = {}
    for name in PARTNER_SETTINGS:
        resolved = resolve(policy, None, name)
        raw = default_value.get(name) if isinstance(default_value, Mapping) else None
        found[name] = Inherited(
            resolved, canonical(resolved.value), _extras(raw), _flat(resolved.value)
        )
    return found


def _clearly_differs(name: str, value: Any, inherited: Inherited) -> bool:
    """A cheap look that proves most partner values differ, before the full comparison.

    Only ever answers True for a real difference (a scalar that differs, or a half with
    another accessType), so skipping the exact comparison never hides a finding.
    """
    target = inherited.resolved.value
    if not isinstance(value, dict) or not isinstance(target, dict):
        return False
    if name in B2B_SETTINGS:
        for part in B2B_PARTS:
            half, other = value.get(part), target.get(part)
            if (
                isinstance(half, dict)
                and isinstance(other, dict)
                and half.get("accessType") != other.get("accessType")
            ):
                return True
        return False
    return any(
        item is not None and not isinstance(item, (dict, list)) and target.get(key) != item
        for key, item in value.items()
    )


def _source_text(inherited: Resolved) -> str:
    return "the service default" if inherited.source is Source.SERVICE else "the default"


#: Position of each setting in Graph's order: a partner's settings are visited in that order.
_ORDER = {name: index for index, name in enumerate(PARTNER_SETTINGS)}


class _Shared(NamedTuple):
    """What every finding on one setting has in common, built once per lint run.

    A 5 MB file can repeat the default in 52,000 partners (issue 9 item 10): the words and
    the related location of the default are the same for each of them.
    """

    inherited: Inherited
    source: str  # "the default" / "the service default"
    related: tuple[Related, ...]


def _shared(inherited: Mapping[str, Inherited]) -> dict[str, _Shared]:
    shared: dict[str, _Shared] = {}
    for name, item in inherited.items():
        default_ref = item.resolved.ref
        related = (Related(default_ref.at_key(), "the default it repeats"),) if default_ref else ()
        shared[name] = _Shared(item, _source_text(item.resolved), related)
    return shared


def _repeats(policy: Policy, partner: Partner, name: str, value: Any, inherited: Inherited) -> bool:
    """Whether the partner's (non-null) ``value`` of setting ``name`` repeats what it inherits."""
    if name in UNSURE_SERVICE_DEFAULTS and inherited.resolved.source is Source.SERVICE:
        return False  # can't tell it repeats a service default Microsoft documents two ways
    if name not in B2B_SETTINGS and inherited.flat is not None:
        mine = _flat(value)
        if mine is not None:  # exact, and cheaper than even `_clearly_differs`
            return mine == inherited.flat
    if _clearly_differs(name, value, inherited):
        return False
    if name in B2B_SETTINGS:
        return same_as_default(value, resolve(policy, partner, name), inherited)
    # What `same_as_default` compares for a plain setting, without `resolve`: a partner's own
    # non-null value is its effective value.
    return bool(canonical(value) == inherited.canonical)


def _finding(partner: Partner, name: str, common: _Shared) -> Finding:
    settings_ref = partner.settings_ref
    path = (*settings_ref.path, name)
    source = common.source
    label = partner.label
    return Finding(  # positional arguments: up to 100,000 findings in a 5 MB file
        Ref(settings_ref.document, path, True),
        f"partner {label}: {name} is identical to {source} it would inherit; "
        "delete it (same effect, fewer bytes toward the policy size limit).",
        common.related,
        Fix(
            partner.ref.document.path,
            f"Delete {name} from partner {label} (it repeats {source})",
            (Edit("delete", path),),
        ),
    )


def check(policy: Policy, ctx: Context) -> Iterator[Finding]:
    # What a partner inherits is the same for every partner: resolve it once.
    shared = _shared(inherited_settings(policy))
    order = _ORDER
    # One generator for the whole policy, not one per partner: a 5 MB file has up to 100,000
    # partners (issue 9 item 10).
    for partner in policy.partners:
        settings = partner.settings
        if not settings:
            continue
        # Only the settings the partner has, in Graph's order: most partners set one or two
        # of the twelve. The work per partner is the size of its own settings; what it
        # inherits was resolved once.
        names = [name for name in settings if name in order]
        if len(names) > 1:
            names.sort(key=order.__getitem__)
        for name in names:
            value = settings[name]
            if value is None:
                continue
            common = shared[name]
            if _repeats(policy, partner, name, value, common.inherited):
                yield _finding(partner, name, common)


RULE = Rule(
    id="XTA011",
    name="redundant-partner-setting",
    severity=Severity.WARNING,
    summary="A partner setting is identical to the default it would inherit anyway.",
    doc=__doc__ or "",
    visits=Visit.POLICY,
    check=check,
    fixable=True,
)
