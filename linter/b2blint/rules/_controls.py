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
from b2blint.policy.targets import HALVES, access_type, names_every


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


Needs = tuple[tuple[str, ...], ...]

SCUBA_URL = "https://github.com/cisagov/ScubaGear/blob/main/PowerShell/ScubaGear/baselines/aad.md"
ZTA_TESTS = "https://github.com/microsoft/zerotrustassessment/blob/main/src/powershell/tests/"


def scuba(
    number: str, *, title: str, requirement: str, graph_property: str, needs: Needs
) -> Control:
    """CISA SCuBA control ``MS.AAD.<number>`` (the Entra ID baseline, v1 of June 2023)."""
    return Control(
        id=f"MS.AAD.{number}",
        profile="cisa-scuba",
        title=title,
        document="CISA SCuBA Secure Configuration Baseline for Microsoft Entra ID",
        version=f"MS.AAD.{number}v1 (last modified June 2023)",
        requirement=requirement,
        url=SCUBA_URL,
        graph_property=graph_property,
        needs=needs,
    )


def cis_m365(
    number: str, level: str, *, title: str, requirement: str, graph_property: str, needs: Needs
) -> Control:
    """CIS Microsoft 365 Foundations Benchmark v5.0.0 recommendation ``number`` (``level``)."""
    return Control(
        id=f"CIS.M365.{number}",
        profile="cis-m365",
        title=title,
        document="CIS Microsoft 365 Foundations Benchmark",
        version=f"v5.0.0, recommendation {number} ({level})",
        requirement=requirement,
        url="https://www.cisecurity.org/benchmark/microsoft_365",
        graph_property=graph_property,
        needs=needs,
    )


def cis_azure(
    number: str, *, title: str, requirement: str, graph_property: str, needs: Needs
) -> Control:
    """CIS Microsoft Azure Foundations Benchmark v4.0.0 recommendation ``number``."""
    return Control(
        id=f"CIS.AZURE.{number}",
        profile="cis-azure",
        title=title,
        document="CIS Microsoft Azure Foundations Benchmark",
        version=f"v4.0.0, recommendation {number}",
        requirement=requirement,
        url="https://www.cisecurity.org/benchmark/azure",
        graph_property=graph_property,
        needs=needs,
    )


def eidsca(
    code: str, *, title: str, requirement: str, graph_property: str, needs: Needs
) -> Control:
    """Maester EIDSCA test ``EIDSCA.<code>``."""
    return Control(
        id=f"EIDSCA.{code}",
        profile="eidsca",
        title=title,
        document="Maester EIDSCA (Entra ID Security Config Analyzer) tests",
        version=f"EIDSCA.{code} as published in maester365/maester (website/docs/tests/eidsca)",
        requirement=requirement,
        url=f"https://maester.dev/docs/tests/EIDSCA.{code}",
        graph_property=graph_property,
        needs=needs,
    )


def zta(test: int, *, title: str, graph_property: str, needs: Needs, conflict: str = "") -> Control:
    """Microsoft Zero Trust Assessment test ``test``; its title is its requirement."""
    return Control(
        id=f"ZTA.{test}",
        profile="zta",
        title=title,
        document="Microsoft Zero Trust Assessment",
        version=f"test {test} (microsoft/zerotrustassessment, Test-Assessment.{test}.ps1)",
        requirement=title,
        url=f"{ZTA_TESTS}Test-Assessment.{test}.ps1",
        graph_property=graph_property,
        needs=needs,
        conflict=conflict,
    )


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
    return all(
        access_type(setting.get(half)) == "blocked" and names_every(setting.get(half), half)
        for half in HALVES
    )
