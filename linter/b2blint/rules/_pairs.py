"""What the PAIR rules share: where a side's setting is, how to name it, one-side-blocks checks.

Every value comes from the one resolver (`b2blint.policy.effective.resolve`: partner, else
default, else service default, per half) and the one users x applications reading
(`b2blint.policy.targets`); this module only words and places the findings. A finding sits on
one tenant's file and names the other tenant's file:line in its message (the text report
shows no related locations) and as a related location.
"""

from __future__ import annotations

from collections.abc import Iterator

from b2blint.policy.effective import Resolved, Source, resolve
from b2blint.policy.model import Ref
from b2blint.policy.pairs import Direction, Pair, Side
from b2blint.policy.targets import APPS, USERS, allows_any, blocking_part
from b2blint.rules._rule import Finding, Related

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


def explicit_on_partner(resolved: Resolved) -> bool:
    """Whether the partner entry itself writes (a half of) this setting: a sign of intent."""
    return any(part.source is Source.EXPLICIT for part in resolved.parts.values())


def lets_anyone(resolved: Resolved) -> bool | None:
    users, apps = resolved.parts[USERS].value, resolved.parts[APPS].value
    return allows_any(users, apps)


def _blocked_words(resolved: Resolved) -> tuple[str, Ref | None]:
    part = blocking_part(resolved)
    if part is None:  # nobody gets through, though no half alone names nobody: both halves
        return "blocks everyone", resolved.ref
    what = "users" if part.name == USERS else "applications"
    return f"blocks all {what}", part.ref


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


def _direction(
    direction: Direction, *, inbound: str, outbound: str, noun: str
) -> Iterator[Finding]:
    home, resource = direction
    out = resolve(home.policy, home.partner, outbound)
    into = resolve(resource.policy, resource.partner, inbound)
    out_ok, in_ok = lets_anyone(out), lets_anyone(into)
    if out_ok is True and in_ok is False and explicit_on_partner(out):
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
    if out_ok is False and in_ok is True and explicit_on_partner(into):
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


def _origin(resolved: Resolved, ref: Ref | None) -> str:
    words = origin_words(resolved)
    return words if ref is None else f"{words}, {where(ref)}"


def _related(side: Side, ref: Ref | None, message: str) -> tuple[Related, ...]:
    if ref is not None:
        return (Related(ref, message),)
    return (Related(entry_ref(side), message + " (by the service default)"),)
