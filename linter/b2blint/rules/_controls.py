"""Published baseline controls (CISA SCuBA, CIS, EIDSCA, Zero Trust Assessment) as data.

A `Control` is one requirement of one published baseline, quoted with the document and version
it comes from, and the policy values b2blint needs to judge it (`needs`). The BSL rules carry
the IDs of the controls they check (`Rule.controls`); `b2blint.lint.profiles` groups controls
into the profiles of ``--profile`` and turns a lint result into per-control verdicts.

Control IDs are stable, dotted and prefixed by their baseline, so that one ID never means two
things across baselines: ``MS.AAD.8.2`` (CISA SCuBA), ``CIS.M365.5.1.6.3``, ``CIS.AZURE.6.16``,
``EIDSCA.AP04``, ``ZTA.21791``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from b2blint.policy.model import Policy, Ref


class Control(NamedTuple):
    """One published control, quoted exactly, with where b2blint reads its value."""

    id: str  # "MS.AAD.8.2"
    profile: str  # the --profile that contains it: "cisa-scuba"
    title: str  # short title, as the baseline names the control
    document: str  # the baseline document
    version: str  # the document's (or the control's) version
    requirement: str  # the requirement, quoted from the document
    url: str  # where the document (or the test) is published
    graph_property: str  # the Graph property judged, e.g. "authorizationPolicy.allowInvitesFrom"
    #: Policy paths (section key first) that must have a value for the control to be judged;
    #: a missing one makes the control "not checked", never "passed".
    needs: tuple[tuple[str, ...], ...]
    #: Where this control conflicts with another baseline or a b2blint rule (empty: none).
    conflict: str = ""


def tagged(message: str, controls: tuple[str, ...]) -> str:
    """``message`` with the control IDs, so text, JSON and SARIF all name them."""
    return f"{message} [{', '.join(controls)}]"


def value_at(policy: Policy, path: tuple[str, ...]) -> tuple[bool, Any]:
    """(present, value) of ``path`` (section key first) in the policy files."""
    section = policy.section(path[0])
    if section is None:
        return False, None
    value: Any = section.value
    for segment in path[1:]:
        if not isinstance(value, Mapping) or segment not in value:
            return False, None
        value = value[segment]
    return True, value


def ref_at(policy: Policy, path: tuple[str, ...]) -> Ref | None:
    """Where ``path`` is written (None: not in the policy files)."""
    section = policy.section(path[0])
    if section is None:
        return None
    return section.ref.child(*path[1:])


def blocks_everything(setting: Any) -> bool:
    """Whether a B2B-shaped setting blocks AllUsers and AllApplications, as the Zero Trust
    Assessment tests 21790 and 21793 read it (accessType blocked, targets AllUsers and
    AllApplications)."""
    if not isinstance(setting, Mapping):
        return False
    for half, everything in (("usersAndGroups", "AllUsers"), ("applications", "AllApplications")):
        part = setting.get(half)
        if not isinstance(part, Mapping) or part.get("accessType") != "blocked":
            return False
        targets = part.get("targets")
        if not isinstance(targets, list) or not any(
            isinstance(t, Mapping) and t.get("target") == everything for t in targets
        ):
            return False
    return True
