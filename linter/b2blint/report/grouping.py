"""Which partner a finding is about, for the reports that group findings (HTML, CSV).

A finding points into a policy file by YAML path; one under ``partners[i]`` of a file belongs
to the partner declared there (`b2blint.policy.model.build_policy` keeps that entry's ref). A
finding in a tenant-wide section belongs to the tenant; anything else (a file that does not
parse, a policy-test file, a duplicate partner left out of the model) to its file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from b2blint.diagnostics import Diagnostic, Location
from b2blint.policy.model import SINGLETON_SECTIONS, Partner, Policy

TENANT = "tenant"
PARTNER = "partner"
OTHER = "other"


class Group(NamedTuple):
    """What a finding is about: the tenant, one partner, or other (files, tests)."""

    kind: str  # TENANT, PARTNER or OTHER
    partner: Partner | None = None

    @property
    def key(self) -> str:
        return f"partner:{self.partner.tenant_id.lower()}" if self.partner else self.kind


class PartnerIndex:
    """Finds the partner of a location in O(1): (file, index under ``partners``) -> partner."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self._by_place: dict[tuple[str, int], Partner] = {}
        for partner in policy.partners:
            path = partner.ref.path
            if len(path) == 2 and isinstance(path[1], int):
                self._by_place[(partner.ref.document.path, path[1])] = partner

    def group(self, location: Location) -> Group:
        path = location.path
        if len(path) >= 2 and path[0] == "partners" and isinstance(path[1], int):
            partner = self._by_place.get((location.file, path[1]))
            if partner is not None:
                return Group(PARTNER, partner)
        if path and path[0] in SINGLETON_SECTIONS:
            return Group(TENANT)
        return Group(OTHER)


def grouped(
    policy: Policy, diagnostics: Iterable[Diagnostic]
) -> list[tuple[Group, list[tuple[int, Diagnostic]]]]:
    """(group, [(finding number, finding)]) in report order: tenant, partners, other.

    A finding's number is its index in ``diagnostics`` (the reports link to it by that).
    Partners come in policy order; only groups with findings are listed.
    """
    index = PartnerIndex(policy)
    buckets: dict[str, tuple[Group, list[tuple[int, Diagnostic]]]] = {}
    for number, diagnostic in enumerate(diagnostics):
        group = index.group(diagnostic.location)
        buckets.setdefault(group.key, (group, []))[1].append((number, diagnostic))
    order: list[str] = [TENANT]
    order += [Group(PARTNER, p).key for p in policy.partners]
    order.append(OTHER)
    return [buckets[key] for key in order if key in buckets]


def partner_labels(policy: Policy, diagnostics: Sequence[Diagnostic]) -> list[str]:
    """The partner label of each finding ("" for the tenant and files), for CSV's column."""
    index = PartnerIndex(policy)
    labels = []
    for diagnostic in diagnostics:
        group = index.group(diagnostic.location)
        labels.append(group.partner.label if group.partner is not None else "")
    return labels
