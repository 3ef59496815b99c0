"""What a policy change does to access, per partner x kind x direction, in reviewers' words.

``Fabrikam · inbound B2B collaboration · users: all → only group 5e3a1b2c…; apps: all``.

Each line compares the *effective* access (partner, else default, else service default, per
half, `b2blint.policy.effective.resolve`) before and after, so a change to the default shows up for
the default ("Other organizations") and, folded into that line, for the partners that inherit
it; a partner whose own entry keeps its access unchanged is not listed. Microsoft cloud
settings, MFA trust for inbound direct connect, the invitation domain list and who may invite
are compared too, because they change verdicts (`b2blint.access.simulate`); so is, for inbound
B2B collaboration and direct connect, what the Conditional Access context says for guests and
direct connect users (`b2blint.policy.conditional_access`), when the tree holds context.
`access_diff_section` is the entry point for ``b2blint plan``; ``b2blint diff`` adds the policy
tests whose verdict changed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from b2blint.access.simulate import (
    KINDS_IN_ORDER,
    SETTINGS,
    AccessKind,
    Direction,
    cloud_block,
    kind_label,
)
from b2blint.access.words import EVERYONE_BLOCKED, facets
from b2blint.files.document import Document
from b2blint.policy import conditional_access as ca
from b2blint.policy.clouds import LABELS
from b2blint.policy.effective import Source, resolve
from b2blint.policy.model import Partner, Policy, build_policy

DEFAULT_LABEL = "Other organizations (default)"
INVITATIONS = "invitations"
Facets = dict[str, str]


@dataclasses.dataclass(frozen=True)
class Change:
    """One line of the diff: who, what, the facets before and after, and a remark."""

    who: str
    what: str
    before: Facets
    after: Facets
    remark: str = ""  # "new partner entry", "also N partners that inherit it: ..."

    def words(self) -> str:
        """``users: all → only group 5e3a…; apps: all`` (or ``A → B`` when the shapes differ)."""
        if list(self.before) == list(self.after):
            return "; ".join(
                f"{name}: {self.before[name]} → {value}"
                if self.before[name] != value
                else f"{name}: {value}"
                for name, value in self.after.items()
            )
        return f"{_phrase(self.before)} → {_phrase(self.after)}"


def _phrase(found: Mapping[str, str]) -> str:
    if set(found) == {"access"}:
        return found["access"]
    return "; ".join(f"{name}: {value}" for name, value in found.items())


# ---------------------------------------------------------------------------------------------
# Effective access of one tree
# ---------------------------------------------------------------------------------------------


def _mfa(policy: Policy, partner: Partner | None) -> str:
    trust = resolve(policy, partner, "inboundTrust").value
    return "yes" if isinstance(trust, Mapping) and trust.get("isMfaAccepted") is True else "no"


def access_facets(
    policy: Policy, partner: Partner | None, kind: AccessKind, direction: Direction | None
) -> Facets:
    """What (kind, direction) allows for ``partner`` (None: the default) in ``policy``."""
    blocked = cloud_block(policy, partner, kind)
    if blocked is not None:
        return {"access": f"blocked: {blocked.short}"}
    found = facets(resolve(policy, partner, SETTINGS[(kind, direction)]).value)
    inbound_direct = kind is AccessKind.B2B_DIRECT_CONNECT and direction is Direction.INBOUND
    if inbound_direct and found.get("access") != EVERYONE_BLOCKED:
        found["MFA trust"] = _mfa(policy, partner)
    if (
        direction is Direction.INBOUND
        and policy.conditional_access is not None
        and found.get("access") != EVERYONE_BLOCKED
    ):
        verdict = _conditional_access(policy, partner, inbound_direct)
        if verdict != ca.ALLOWED:  # shown when it stands in the way (or may)
            found["Conditional Access"] = verdict
    return found


def _conditional_access(policy: Policy, partner: Partner | None, direct: bool) -> str:
    """What the context says for guests (or direct connect users, in Office 365) [S130]."""
    user_type, app = (ca.DIRECT_CONNECT, ca.OFFICE_365) if direct else (ca.GUEST, None)
    answer = ca.evaluate(policy, partner, user_type, app)
    if answer is None:
        return "none"
    if answer.verdict == ca.ALLOWED:
        return "allowed"
    names = ", ".join(f"'{e.ca.display_name}'" for e in answer.deciding[:2])
    return f"{answer.verdict} by {names}" if names else answer.verdict


def _without_entry(
    policy: Policy, cloud: str, kind: AccessKind, direction: Direction | None
) -> Facets:
    """Access of an organization that has no partner entry in ``policy`` (it gets the default).

    An organization in another Microsoft cloud needs a partner entry: without one, B2B
    collaboration with it is blocked [S29].
    """
    if cloud != policy.tenant_cloud and kind is not AccessKind.TENANT_RESTRICTIONS:
        return {
            "access": f"blocked: no partner entry for an organization in {LABELS.get(cloud, cloud)}"
        }
    return access_facets(policy, None, kind, direction)


def _context(policy: Policy, kind: AccessKind, direction: Direction | None) -> tuple[Any, ...]:
    """Everything besides a partner's own entry that its access for (kind, direction) reads."""
    default = policy.section_value("default")
    trust = default.get("inboundTrust") if kind is AccessKind.B2B_DIRECT_CONNECT else None
    endpoints = policy.section_value("crossTenantAccessPolicy").get("allowedCloudEndpoints")
    if direction is Direction.INBOUND:
        trust = default.get("inboundTrust")  # device and MFA claims decide CA verdicts
    context = policy.context_data() if direction is Direction.INBOUND else None
    return (
        default.get(SETTINGS[(kind, direction)]),
        trust,
        policy.tenant_cloud,
        endpoints,
        context,
    )


def _inherits(
    policy: Policy, partner: Partner, kind: AccessKind, direction: Direction | None
) -> bool:
    names = [SETTINGS[(kind, direction)]]
    if kind is AccessKind.B2B_DIRECT_CONNECT and direction is Direction.INBOUND:
        names.append("inboundTrust")
    for name in names:
        resolved = resolve(policy, partner, name)
        parts = resolved.parts.values() if resolved.parts else (resolved,)
        if any(part.source is Source.EXPLICIT for part in parts):
            return False
    return partner.cloud == policy.tenant_cloud


def _domain_status(policy: Policy, domain: str) -> str:
    """Whether the invitation settings let invitations to ``domain`` go out [S27][S33]."""
    if policy.section_value("authorizationPolicy").get("allowInvitesFrom") == "none":
        return "blocked: no one may invite (allowInvitesFrom: none)"
    lists = policy.section_value("invitationDomains")
    blocked = {d.lower() for d in lists.get("blockedDomains") or () if isinstance(d, str)}
    allowed = {d.lower() for d in lists.get("allowedDomains") or () if isinstance(d, str)}
    if domain in blocked:
        return "blocked by the domain block list"
    if allowed and domain not in allowed:
        return "blocked: not on the domain allow list"
    return "allowed by the domain list" if domain in allowed else "allowed (no domain list)"


def _domains(policy: Policy) -> tuple[str, list[str]]:
    lists = policy.section_value("invitationDomains")
    for key, label in (("allowedDomains", "allow list"), ("blockedDomains", "block list")):
        values = lists.get(key)
        if isinstance(values, list) and values:
            return label, sorted({d.lower() for d in values if isinstance(d, str)})
    return "none", []


# ---------------------------------------------------------------------------------------------
# The diff
# ---------------------------------------------------------------------------------------------


def _label(partner: Partner) -> str:
    return partner.name or partner.tenant_id


def _tenant_changes(before: Policy, after: Policy) -> list[Change]:
    changes: list[Change] = []
    old_who = before.section_value("authorizationPolicy").get("allowInvitesFrom")
    new_who = after.section_value("authorizationPolicy").get("allowInvitesFrom")
    if old_who != new_who:
        changes.append(
            Change(
                "All organizations",
                INVITATIONS,
                {"who may invite": str(old_who or "everyone (service default)")},
                {"who may invite": str(new_who or "everyone (service default)")},
            )
        )
    (old_kind, old_list), (new_kind, new_list) = _domains(before), _domains(after)
    if (old_kind, old_list) != (new_kind, new_list):
        if old_kind == new_kind:
            added = [d for d in new_list if d not in old_list]
            removed = [d for d in old_list if d not in new_list]
            words = "; ".join(
                part
                for part in (
                    "added " + ", ".join(added) if added else "",
                    "removed " + ", ".join(removed) if removed else "",
                )
                if part
            )
            changes.append(
                Change("All organizations", f"invitation domain {new_kind}", {}, {}, words)
            )
        else:
            changes.append(
                Change(
                    "All organizations",
                    "invitation domain list",
                    {"list": _list_words(old_kind, old_list)},
                    {"list": _list_words(new_kind, new_list)},
                )
            )
    return changes


def _list_words(kind: str, domains: Sequence[str]) -> str:
    if kind == "none":
        return "none"
    shown = ", ".join(domains[:5]) + (f" (+{len(domains) - 5})" if len(domains) > 5 else "")
    return f"{kind}: {shown}"


def _partner_index(policy: Policy) -> dict[str, Partner]:
    return {partner.tenant_id.lower(): partner for partner in policy.partners}


def diff_policies(before: Policy, after: Policy) -> list[Change]:
    """Every effective access change from ``before`` to ``after``.

    Order: tenant-wide invitation settings, the default (with the partners that inherit the
    same change folded in), then each partner (head order, then removed ones) kind by kind.
    """
    old_index, new_index = _partner_index(before), _partner_index(after)
    order = list(new_index) + [key for key in old_index if key not in new_index]
    defaults: list[Change] = []
    by_partner: dict[str, list[Change]] = {key: [] for key in order}
    for kind, direction in KINDS_IN_ORDER:
        what = kind_label(kind, direction)
        default_change = (
            access_facets(before, None, kind, direction),
            access_facets(after, None, kind, direction),
        )
        same_context = _context(before, kind, direction) == _context(after, kind, direction)
        inheriting: list[str] = []
        for key in order:
            old, new = old_index.get(key), new_index.get(key)
            if same_context and old is not None and new is not None and old.entry == new.entry:
                continue  # same entry, same default and cloud settings: same access
            ghost = new or old
            assert ghost is not None
            was = (
                access_facets(before, old, kind, direction)
                if old
                else _without_entry(before, ghost.cloud, kind, direction)
            )
            now = (
                access_facets(after, new, kind, direction)
                if new
                else _without_entry(after, ghost.cloud, kind, direction)
            )
            if was == now:
                continue
            if (
                old is not None
                and new is not None
                and (was, now) == default_change
                and _inherits(before, old, kind, direction)
                and _inherits(after, new, kind, direction)
            ):
                inheriting.append(_label(new))
                continue
            remark = (
                "new partner entry"
                if old is None
                else "partner entry removed"
                if new is None
                else ""
            )
            by_partner[key].append(Change(_label(ghost), what, was, now, remark))
        if default_change[0] != default_change[1]:
            defaults.append(
                Change(DEFAULT_LABEL, what, *default_change, remark=_inherit_remark(inheriting))
            )
    for key, change in _invitation_changes(before, after, old_index, new_index, order):
        by_partner[key].append(change)
    return [
        *_tenant_changes(before, after),
        *defaults,
        *(c for key in order for c in by_partner[key]),
    ]


def _inherit_remark(names: Sequence[str]) -> str:
    if not names:
        return ""
    shown = ", ".join(names[:3]) + (f", … (+{len(names) - 3})" if len(names) > 3 else "")
    noun = "partner inherits" if len(names) == 1 else "partners inherit"
    return f"{len(names)} {noun} it: {shown}"


def _invitation_changes(
    before: Policy,
    after: Policy,
    old_index: Mapping[str, Partner],
    new_index: Mapping[str, Partner],
    order: Iterable[str],
) -> Iterable[tuple[str, Change]]:
    """Per partner, whether invitations to each of its domains go out, when that changes."""
    for key in order:
        old, new = old_index.get(key), new_index.get(key)
        ghost = new or old
        assert ghost is not None
        domains = sorted({d.lower() for p in (old, new) if p is not None for d in p.domains})
        was = {d: _domain_status(before, d) for d in domains}
        now = {d: _domain_status(after, d) for d in domains}
        if was != now:
            yield key, Change(_label(ghost), INVITATIONS, was, now)


# ---------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------

_MARKDOWN_SPECIAL = "\\`*_[]<>|#"


def escape_markdown(text: str) -> str:
    return "".join("\\" + c if c in _MARKDOWN_SPECIAL else c for c in text)


def change_line(change: Change, fmt: str) -> str:
    """One change as a text line or a Markdown list item."""
    words = change.words()
    parts = [change.who, change.what] + ([words] if words else [])
    if fmt == "markdown":
        head, *rest = parts
        text = f"**{escape_markdown(head)}** · " + " · ".join(escape_markdown(p) for p in rest)
        return f"- {text}" + (f" ({escape_markdown(change.remark)})" if change.remark else "")
    return " · ".join(parts) + (f" ({change.remark})" if change.remark else "")


def render_changes(changes: Sequence[Change], fmt: str, title: str = "Access changes") -> str:
    """The changes under a heading; empty string when there are none."""
    if not changes:
        return ""
    if fmt == "markdown":
        return f"#### {title}\n\n" + "\n".join(change_line(c, fmt) for c in changes) + "\n"
    return f"{title}:\n" + "".join(f"  {change_line(c, fmt)}\n" for c in changes)


def access_diff_section(before: Policy, after: Policy, fmt: str) -> str:
    """The access changes from ``before`` (e.g. the live tenant) to ``after`` (the YAML).

    ``fmt`` is ``text`` or ``markdown``. Returns "" when effective access does not change, so a
    caller can print it unconditionally. For ``b2blint plan``.
    """
    if fmt not in ("text", "markdown"):
        raise ValueError(f"unknown format {fmt!r} (text or markdown)")
    return render_changes(diff_policies(before, after), fmt)


def policy_from_data(data: Mapping[str, Any], label: str) -> Policy:
    """A `Policy` from merged file-format data (``Policy.to_data()`` shape), e.g. a live tenant.

    Positions point at line 1 of ``label``: use it only where no file:line is shown.
    """
    document = Document(label, "", dict(data), {})
    return build_policy([document])
