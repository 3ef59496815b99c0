"""## What it does
Compares each partner that is a tenant of this tenant's multitenant organization (MTO) with the
MTO partner-configuration template (`multiTenantOrganizationPartnerConfiguration`). For every
property the template sets (a non-null value: `inboundTrust`, `automaticUserConsentSettings`,
the four `b2bCollaboration…`/`b2bDirectConnect…` settings), it reports the partner whose
effective value differs: its own value, or the default's it inherits.

It checks only partners the template applies to: `templateApplicationLevel` must include
`existingPartners` (a partner entry in these files is a partner that already has settings);
absent, it is Graph's default `newPartners,existingPartners`. A template with level `none`, and
null template values, apply to nothing. It needs `tenant.id` to tell this tenant from the
others in the MTO's list.

## Why is this bad?
The template's values are applied "at the time of your tenant joins a multitenant
organization to all external multitenant organization partner tenants as well as at the time
of any partner tenant joins your existing multitenant organization", and a defined template
value overwrites the partner's: "any template property value of `null` has no effect ...
while a defined template property value causes the corresponding property value in the
targeted cross-tenant access settings to be amended". When the partner's tenant joins, its
settings here stop being what this file says, silently, until the next `b2blint apply` writes
them back (and undoes the template). Which of the two you meant is not in the files.

Microsoft does not say whether a template object (`inboundTrust`) replaces the partner's whole
object or only its set members: b2blint compares the members the template sets.

## How to fix
Make the two agree: set the partner's value to the template's, or set the template property to
`null` (it then leaves partners alone), or narrow `templateApplicationLevel` to `newPartners`
if the template is meant for partners without settings only. To keep the difference on
purpose, suppress the finding with the reason.

## References
- Multitenant organization templates (when templates apply, the overwrite table,
  templateApplicationLevel): https://learn.microsoft.com/entra/identity/multi-tenant-organizations/multi-tenant-organization-templates
- multiTenantOrganizationPartnerConfigurationTemplate ("only applied to partner
  configuration properties where the corresponding template property has a non-null value"):
  https://learn.microsoft.com/graph/api/resources/multitenantorganizationpartnerconfigurationtemplate
- List tenants of a multitenant organization:
  https://learn.microsoft.com/graph/api/multitenantorganization-list-tenants
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from b2blint.diagnostics import Severity
from b2blint.policy.effective import Source, resolve
from b2blint.policy.model import Policy, Ref
from b2blint.rules._mto import DEFAULT_LEVEL, PARTNER_TEMPLATE_KEY, other_tenants
from b2blint.rules._rule import Context, Finding, Related, Rule, Visit

#: The partner properties the template can set [S93].
TEMPLATE_SETTINGS = (
    "inboundTrust",
    "automaticUserConsentSettings",
    "b2bCollaborationInbound",
    "b2bCollaborationOutbound",
    "b2bDirectConnectInbound",
    "b2bDirectConnectOutbound",
)


def _leaves(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """The non-null values a template property sets, by their path inside it.

    An object's members are leaves one by one (a null member sets nothing [S93]); a list (the
    targets of a B2B setting) is one value.
    """
    if isinstance(value, Mapping):
        for name, item in value.items():
            yield from _leaves(item, (*path, name))
    elif value is not None:
        yield path, value


def _at(value: Any, path: tuple[str, ...]) -> Any:
    for name in path:
        value = value.get(name) if isinstance(value, Mapping) else None
    return value


def _applies(template: Mapping[str, Any]) -> bool:
    level = template.get("templateApplicationLevel", DEFAULT_LEVEL)
    return isinstance(level, str) and "existingpartners" in level.lower().split(",")


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "unset"
    return repr(value) if isinstance(value, str) else "a different value"


def check(policy: Policy, ctx: Context) -> Iterator[Finding]:
    section = policy.section(PARTNER_TEMPLATE_KEY)
    if section is None or not isinstance(section.value, Mapping) or not _applies(section.value):
        return
    template = section.value
    for tenant in other_tenants(policy):
        partner = tenant.partner
        if partner is None:
            continue  # MTO002 reports a member without a partner entry
        for name in TEMPLATE_SETTINGS:
            differing = []
            resolved = resolve(policy, partner, name)
            for path, wanted in _leaves(template.get(name)):
                have = _at(resolved.value, path)
                if have != wanted:
                    differing.append((".".join((name, *path)), wanted, have))
            if not differing:
                continue
            where = partner.settings_ref.child(name)
            at: Ref = where if where.exists() else partner.ref.child("tenantId", key=True)
            related = [Related(section.ref.child(name), "the MTO template sets it here")]
            if resolved.source is Source.DEFAULT and resolved.ref is not None:
                related.append(Related(resolved.ref, "inherited from the default here"))
            detail = ", ".join(
                f"{path} {_shown(wanted)} (the partner: {_shown(have)})"
                for path, wanted, have in differing
            )
            yield Finding(
                at,
                f"partner {partner.label} is a tenant of the multitenant organization, and the "
                f"MTO partner-configuration template sets {detail}: when a tenant joins, the "
                "template overwrites this partner's value; make the partner and the template "
                "agree, or set the template property to null.",
                related=tuple(related),
            )


RULE = Rule(
    id="MTO001",
    name="mto-template-overrides-partner",
    severity=Severity.WARNING,
    summary="An MTO partner's settings differ from the template that overwrites them at join.",
    doc=__doc__ or "",
    visits=Visit.POLICY,
    check=check,
)
