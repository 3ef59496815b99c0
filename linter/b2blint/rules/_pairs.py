"""What the PAIR rules share: where a side's setting is, how to name it, one-side-blocks checks.

Every value comes from the one resolver (`b2blint.policy.effective.resolve`: partner, else
default, else service default, per half) and the one users x applications reading
(`b2blint.policy.targets`); this module only words and places the findings. A finding sits on
one tenant's file and names the other tenant's file:line in its message (the text report
shows no related locations) and as a related location.
"""

from __future__ import annotations

from collections.abc import Iterator

from b2blint.diagnostics import Severity
from b2blint.policy.effective import Resolved, Source, resolve
from b2blint.policy.model import Ref
from b2blint.policy.pairs import Direction, Pair, Side
from b2blint.policy.targets import (
    APP_KEYWORDS,
    APPS,
    USER_KEYWORDS,
    access_type,
    blocking_part,
    lets_anyone,
    target_key,
    targets,
)
from b2blint.rules._rule import Context, Finding, Related, Rule, Visit
from b2blint.rules._targets import half_noun

#: The error a user meets when the home tenant's outbound setting blocks (reference-error-codes,
#: [S42]): "NotAllowedByOutboundPolicyTenant - The user's administrator has set an outbound
#: access policy that doesn't allow access to the resource tenant."
OUTBOUND_ERROR = "AADSTS500212"
#: ... and when the resource tenant's inbound setting blocks: "NotAllowedByInboundPolicyTenant -
#: The resource tenant's cross-tenant access policy doesn't allow this user to access this
#: tenant." [S42]
INBOUND_ERROR = "AADSTS500213"


def possessive(name: str) -> str:
    return name + ("'" if name.endswith("s") else "'s")


def where(ref: Ref | None) -> str:
    """``file:line`` of a value, for messages."""
    if ref is None:
        return "service default"
    location = ref.location()
    return f"{location.file}:{location.position.line}"


def entry_ref(side: Side) -> Ref:
    """The partner entry of ``side`` for the other tenant (its ``tenantId`` key)."""
    return side.partner.ref.child("tenantId", key=True)


def setting_anchor(side: Side, resolved: Resolved) -> Ref:
    """Where a finding about ``side``'s effective setting goes: the setting on its partner
    entry when it writes it, else the partner entry (the setting is inherited)."""
    if resolved.source is Source.EXPLICIT and resolved.ref is not None:
        return resolved.ref.at_key()
    return entry_ref(side)


def origin_words(resolved: Resolved) -> str:
    sources = {part.source for part in resolved.parts.values()} or {resolved.source}
    if sources == {Source.SERVICE}:
        return "the service default"
    if Source.EXPLICIT in sources:
        return "set on the partner entry"
    return "inherited from the default"


def _blocked_words(resolved: Resolved) -> tuple[str, Ref | None]:
    part = blocking_part(resolved)
    if part is None:  # nobody gets through, though no half alone names nobody: both halves
        return "blocks everyone", resolved.ref
    return f"blocks all {half_noun(part)}", part.ref


def one_side_blocks(
    pair: Pair, *, inbound: str, outbound: str, noun: str, cross_cloud: bool = True
) -> Iterator[Finding]:
    """For each direction: one side's explicit setting lets someone through, the other
    side's effective setting lets nobody through, so the allowed access never works.

    The finding goes on the side that allows (what its author expects is dead), at that
    setting; the blocking value is the related location and the message names its file:line
    and the error the users see. A side that allows only by inheritance (its default or the
    service default) is no sign of intent, and is not reported.
    """
    for direction in pair.directions():
        if not cross_cloud and (
            direction.home.policy.tenant_cloud != direction.resource.policy.tenant_cloud
        ):
            continue
        yield from _direction(direction, inbound=inbound, outbound=outbound, noun=noun)


def one_side_blocks_rule(
    *,
    id: str,
    name: str,
    summary: str,
    doc: str,
    inbound: str,
    outbound: str,
    noun: str,
    cross_cloud: bool = True,
) -> Rule:
    """A PAIR rule that runs `one_side_blocks` on one pair of settings (PAIR001, PAIR002)."""

    def check(pair: Pair, ctx: Context) -> Iterator[Finding]:
        yield from one_side_blocks(
            pair, inbound=inbound, outbound=outbound, noun=noun, cross_cloud=cross_cloud
        )

    return Rule(
        id=id,
        name=name,
        severity=Severity.ERROR,
        summary=summary,
        doc=doc,
        visits=Visit.PAIR,
        check=check,
        prevents=(OUTBOUND_ERROR, INBOUND_ERROR),
    )


def _direction(
    direction: Direction, *, inbound: str, outbound: str, noun: str
) -> Iterator[Finding]:
    home, resource = direction
    out = resolve(home.policy, home.partner, outbound)
    into = resolve(resource.policy, resource.partner, inbound)
    out_ok, in_ok = lets_anyone(out), lets_anyone(into)
    if out_ok is True and in_ok is False and out.explicit:
        blocked, blocked_ref = _blocked_words(into)
        yield Finding(
            setting_anchor(home, out),
            f"{possessive(home.label)} outbound {noun} lets its users reach {resource.label}, "
            f"but {possessive(resource.label)} inbound {noun} for {home.label} "
            f"({_origin(into, blocked_ref)}) {blocked}: no {home.label} user "
            f"gets in, they see {INBOUND_ERROR} (NotAllowedByInboundPolicyTenant); allow them "
            f"in {possessive(resource.label)} inbound settings, or block {outbound} here too.",
            _related(
                resource,
                blocked_ref,
                f"{possessive(resource.label)} inbound {noun} blocks {home.label} here",
            ),
        )
    if out_ok is False and in_ok is True and into.explicit:
        blocked, blocked_ref = _blocked_words(out)
        yield Finding(
            setting_anchor(resource, into),
            f"{possessive(resource.label)} inbound {noun} lets {possessive(home.label)} users "
            f"in, but {possessive(home.label)} outbound {noun} for {resource.label} "
            f"({_origin(out, blocked_ref)}) {blocked}: none of them gets "
            f"here, they see {OUTBOUND_ERROR} (NotAllowedByOutboundPolicyTenant); allow them "
            f"in {possessive(home.label)} outbound settings, or block {inbound} here too.",
            _related(
                home,
                blocked_ref,
                f"{possessive(home.label)} outbound {noun} blocks {resource.label} here",
            ),
        )
    if out_ok is True and in_ok is True:
        yield from _no_common_app(direction, out, into, noun)


#: How many application IDs a message lists before "+N more".
SHOWN_APPS = 3


def app_allow_list(resolved: Resolved) -> frozenset[str] | None:
    """The application IDs an effective setting's ``applications`` half allows, when it is an
    allow list of specific application IDs; None otherwise (a block list, or a keyword such as
    ``Office365`` or ``AllMicrosoftApps`` whose overlap with an ID is not known). A target that
    is not an application names nobody, as `b2blint.policy.targets` reads it."""
    config = resolved.parts[APPS].value
    if access_type(config) != "allowed":
        return None
    found: set[str] = set()
    for _, item in targets(config):
        key = target_key(item)
        if key is None or key in USER_KEYWORDS:
            continue
        if key in APP_KEYWORDS:
            return None
        found.add(key)
    return frozenset(found)


def _apps_words(apps: frozenset[str]) -> str:
    listed = sorted(apps)
    shown = ", ".join(listed[:SHOWN_APPS])
    more = f" (+{len(listed) - SHOWN_APPS} more)" if len(listed) > SHOWN_APPS else ""
    return f"app {shown}{more}" if len(listed) == 1 else f"apps {shown}{more}"


def _no_common_app(
    direction: Direction, out: Resolved, into: Resolved, noun: str
) -> Iterator[Finding]:
    """Both sides let someone through, but only to applications the other side does not allow.

    Where the ``applications`` half is an allow list, a user gets through only to an
    application in it (rows allowed/allowed and blocked/allowed of Graph's table, [S2]), so two
    allow lists of specific application IDs with none in common let nobody reach anything.
    The finding goes on the resource tenant's inbound list when its partner entry writes it
    (the resource owns the applications), else on the home tenant's outbound list.
    """
    home, resource = direction
    outbound_apps, inbound_apps = app_allow_list(out), app_allow_list(into)
    if outbound_apps is None or inbound_apps is None or outbound_apps & inbound_apps:
        return
    out_apps, in_apps = out.parts[APPS], into.parts[APPS]
    if in_apps.explicit and in_apps.ref is not None:
        at, other, other_side = in_apps.ref.at_key(), out_apps.ref, home
    elif out_apps.explicit and out_apps.ref is not None:
        at, other, other_side = out_apps.ref.at_key(), in_apps.ref, resource
    else:
        return  # both inherited from the defaults: no sign of intent for this partner
    yield Finding(
        at,
        f"{possessive(home.label)} outbound {noun} lets its users reach only "
        f"{_apps_words(outbound_apps)} in {resource.label}, and {possessive(resource.label)} "
        f"inbound {noun} lets {possessive(home.label)} users reach only "
        f"{_apps_words(inbound_apps)}: no application is allowed by both, so no "
        f"{home.label} user reaches anything in {resource.label} (an app only "
        f"{resource.label} allows: {OUTBOUND_ERROR}; an app only {home.label} allows: "
        f"{INBOUND_ERROR}) ({possessive(other_side.label)} side: {where(other)}); allow the "
        "same applications on both sides.",
        _related(other_side, other, f"{possessive(other_side.label)} application list here"),
    )


def _origin(resolved: Resolved, ref: Ref | None) -> str:
    words = origin_words(resolved)
    return words if ref is None else f"{words}, {where(ref)}"


def _related(side: Side, ref: Ref | None, message: str) -> tuple[Related, ...]:
    if ref is not None:
        return (Related(ref, message),)
    return (Related(entry_ref(side), message + " (by the service default)"),)
