"""Baseline profiles: published controls grouped for ``--profile``, and per-control verdicts.

A profile (``cisa-scuba``, ``cis-m365``, ``cis-azure``, ``eidsca``, ``zta``) is a set of
published controls (`b2blint.rules._controls.Control`); each control is checked by exactly one
BSL rule, whose `Rule.controls` names it. Profile rules are off by default: a profile turns on
the rules of its controls (`Config.profiles`), nothing else.

Stable API (used by the reporters and by ``audit``):

- `PROFILES`: profile name -> `Profile` (name, title, its `Control` tuples in document order).
- `PROFILE_NAMES`: the names, in the order above.
- `CONTROLS`: control ID -> `Control`; `rule_for(control_id)` -> the `Rule` that checks it.
- `profile_rule_ids(names)` -> the rule IDs the profiles enable;
  `check_profile_names(names)` raises `B2BLintError` (exit 2) for an unknown name, listing
  the available ones.
- `control_results(result, names, config, unread, absent)` -> one `ControlResult` per control
  of the profiles, in profile then document order. ``status`` is ``passed``, ``failed``
  (``findings``: the diagnostics of its rule; or, for a live read, ``reason``: a section the
  tenant does not have, see ``absent``) or ``not-checked`` (``reason``: why). A control is
  never "passed" unless its rule ran and every value it needs was read: a section missing from
  the files (or from the live read), a section the live read could not get (``unread``: section
  key -> why, e.g. a 403 for a missing permission) or a rule disabled by the configuration all
  make it "not checked". ``conflict`` repeats the control's documented conflict with another
  baseline or rule, so a report can show it.

Suppressed findings are gone from the result, so a control whose only findings were suppressed
with a ``# b2blint: disable`` comment counts as passed: the suppression is the recorded
exception (docs/profiles.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

from b2blint.diagnostics import Diagnostic
from b2blint.errors import EXIT_USAGE, B2BLintError
from b2blint.rules import (
    ALL_RULES,
    default_outbound_blocked,
    email_verified_join_disabled,
    guest_access_limited,
    guest_access_restricted,
    guest_invites_admins_only,
    guest_invites_restricted,
    guests_cannot_invite,
    invitation_allow_list,
    tenant_restrictions_default_blocked,
)
from b2blint.rules._controls import Control, value_at
from b2blint.rules._rule import Rule

if TYPE_CHECKING:
    from b2blint.lint.config import Config
    from b2blint.lint.engine import LintResult

PASSED = "passed"
FAILED = "failed"
NOT_CHECKED = "not-checked"

#: The rule prefix of profile rules (a test checks: a rule has controls iff it has this prefix).
PROFILE_RULE_PREFIX = "BSL"


class Profile(NamedTuple):
    name: str
    title: str
    controls: tuple[Control, ...]


class ControlResult(NamedTuple):
    """One control's verdict for one lint (or audit) run."""

    control: Control
    rule_id: str
    status: str  # PASSED, FAILED or NOT_CHECKED
    findings: tuple[Diagnostic, ...] = ()
    reason: str = ""  # why NOT_CHECKED
    conflict: str = ""  # the control's documented conflict, if any


_MODULES = (
    guest_access_limited,
    guest_access_restricted,
    guest_invites_admins_only,
    guest_invites_restricted,
    guests_cannot_invite,
    email_verified_join_disabled,
    invitation_allow_list,
    default_outbound_blocked,
    tenant_restrictions_default_blocked,
)

_TITLES = {
    "cisa-scuba": "CISA SCuBA Microsoft Entra ID baseline, section 8 (Guest User Access)",
    "cis-m365": "CIS Microsoft 365 Foundations Benchmark v5.0.0, 5.1.6 (external identities)",
    "cis-azure": "CIS Microsoft Azure Foundations Benchmark v4.0.0, 6.15-6.16",
    "eidsca": "Maester EIDSCA checks on authorization policy settings",
    "zta": "Microsoft Zero Trust Assessment, external collaboration and cross-tenant tests",
}
PROFILE_NAMES: tuple[str, ...] = tuple(_TITLES)

CONTROLS: dict[str, Control] = {}
_RULE_OF: dict[str, Rule] = {}
for _module in _MODULES:
    for _control in _module.CONTROLS:
        CONTROLS[_control.id] = _control
        _RULE_OF[_control.id] = _module.RULE


def _order(control: Control) -> tuple[int, ...]:
    return tuple(int(part) for part in control.id.split(".") if part.isdigit())


PROFILES: dict[str, Profile] = {
    name: Profile(
        name,
        title,
        tuple(
            sorted(
                (c for c in CONTROLS.values() if c.profile == name),
                key=lambda c: (_order(c), c.id),
            )
        ),
    )
    for name, title in _TITLES.items()
}


def rule_for(control_id: str) -> Rule:
    return _RULE_OF[control_id]


def check_profile_names(names: Iterable[str]) -> tuple[str, ...]:
    """The names, each checked; an unknown one is a usage error naming the available ones."""
    checked: list[str] = []
    for name in names:
        if name not in PROFILES:
            raise B2BLintError(
                f"unknown profile '{name}'; available profiles: {', '.join(PROFILE_NAMES)}",
                exit_code=EXIT_USAGE,
            )
        if name not in checked:
            checked.append(name)
    return tuple(checked)


def profile_rule_ids(names: Iterable[str]) -> frozenset[str]:
    """The IDs of the rules that check the controls of these profiles."""
    return frozenset(
        _RULE_OF[control.id].id for name in names for control in PROFILES[name].controls
    )


def profile_rules() -> tuple[Rule, ...]:
    """Every profile rule, in catalog order."""
    return tuple(rule for rule in ALL_RULES if rule.controls)


def _missing(result: LintResult, control: Control, unread: Mapping[str, str]) -> str | None:
    for path in control.needs:
        if path[0] in unread:
            return f"{path[0]} could not be read: {unread[path[0]]}"
        present, _ = value_at(result.policy, path)
        if not present:
            dotted = ".".join(path)
            if result.policy.section(path[0]) is None:
                what = "" if len(path) == 1 else f", so {dotted} is unknown"
                return f"section {path[0]} is not present{what}"
            return f"{dotted} is not set, so its value is unknown"
    return None


def control_results(
    result: LintResult,
    names: Sequence[str],
    config: Config | None = None,
    unread: Mapping[str, str] | None = None,
    absent: Mapping[str, str] | None = None,
) -> tuple[ControlResult, ...]:
    """The verdict of every control of the profiles ``names`` for ``result``.

    ``absent`` (``audit``): section key -> what its absence means in a complete live read
    (e.g. no invitation domain list: invitations go to any domain). A control that needs a
    section listed there, and finds it absent, fails with that reason and no finding.
    """
    unread = unread or {}
    absent = absent or {}
    by_rule: dict[str, list[Diagnostic]] = {}
    for diagnostic in result.diagnostics:
        if diagnostic.rule_id.startswith(PROFILE_RULE_PREFIX):
            by_rule.setdefault(diagnostic.rule_id, []).append(diagnostic)
    verdicts: list[ControlResult] = []
    for name in check_profile_names(names):
        for control in PROFILES[name].controls:
            rule = _RULE_OF[control.id]
            base = ControlResult(control, rule.id, NOT_CHECKED, conflict=control.conflict)
            if config is not None and not config.enabled(rule.id):
                verdicts.append(base._replace(reason=f"rule {rule.id} is disabled by the config"))
                continue
            findings = tuple(by_rule.get(rule.id, ()))
            if findings:
                verdicts.append(base._replace(status=FAILED, findings=findings))
                continue
            gone = next(
                (
                    absent[path[0]]
                    for path in control.needs
                    if path[0] in absent and result.policy.section(path[0]) is None
                ),
                None,
            )
            if gone is not None:
                verdicts.append(base._replace(status=FAILED, reason=gone))
                continue
            missing = _missing(result, control, unread)
            if missing is not None:
                verdicts.append(base._replace(reason=missing))
                continue
            verdicts.append(base._replace(status=PASSED))
    return tuple(verdicts)


def controls_table() -> str:
    """The Markdown table of every control (docs/profiles.md embeds it; a test compares)."""
    lines = [
        "| Control | Profile | Rule | Document, version | Requirement (quoted) | Graph property |",
        "|---|---|---|---|---|---|",
    ]
    for profile in PROFILES.values():
        for control in profile.controls:
            rule = _RULE_OF[control.id]
            cells = (
                f"`{control.id}`",
                f"`{profile.name}`",
                f"[{rule.id}](rules/{rule.id}.md)",
                f"[{control.document}]({control.url}), {control.version}",
                f'"{control.requirement}"',
                f"`{control.graph_property}`",
            )
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"
