"""The contract every rule satisfies.

A rule is a module with a docstring in ruff's headings (What it does / Why is this bad? /
How to fix / References) and one `Rule` constant. A rule never parses YAML, reads files or
config, prints, or touches the network: it declares which model objects it visits and the
engine calls its `check` once per object during the single pass over the model, then stamps
ID, severity and position on what it yields.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from b2blint.diagnostics import Fix, Severity
from b2blint.policy.model import Partner, Policy, Ref

_EMPTY: Mapping[str, Any] = MappingProxyType({})


class Visit(str, enum.Enum):
    """What the engine hands a rule's `check`."""

    POLICY = "policy"  # the whole Policy, once
    PARTNER = "partner"  # each Partner
    SETTING = "setting"  # each B2B-shaped setting (default and partners): a `SettingVisit`
    TESTS = "tests"  # each policy-test file (top-level `b2blint-tests`): a `Document`
    BUILTIN = "builtin"  # produced by the loader or schema pass, not by a check
    PAIR = "pair"  # two tenants of a fleet that are each other's partners: a policy.pairs.Pair


class SettingVisit(NamedTuple):
    """One B2B-shaped setting (usersAndGroups + applications) in the default or a partner."""

    partner: Partner | None  # None: the tenant default
    name: str  # e.g. "b2bCollaborationInbound", "tenantRestrictions"
    value: Mapping[str, Any]
    ref: Ref

    @property
    def owner_label(self) -> str:
        return f"partner {self.partner.label}" if self.partner else "the default"


class Related(NamedTuple):
    ref: Ref
    message: str


class Finding(NamedTuple):
    """What a check yields: where, what is wrong in this instance, and optionally a fix."""

    ref: Ref
    message: str
    related: tuple[Related, ...] = ()
    fix: Fix | None = None
    severity: Severity | None = None  # this finding only (XTA001: warning, then error); config wins


class Context(NamedTuple):
    """What a check may read besides the object it visits."""

    policy: Policy
    options: Mapping[str, Any]


Check = Callable[[Any, Context], Iterator[Finding]]


#: `RuleInfo.needs`: the Conditional Access context (`Policy.conditional_access` is not None).
NEEDS_CONTEXT = "conditionalAccess"


class RuleInfo(NamedTuple):
    """A rule's catalog entry: what a lint needs to know before it imports the rule's module.

    The catalog (`b2blint.rules.CATALOG`) lists one per rule, so a lint imports only the
    modules of the rules that can run on its tree (tests/rules/test_registry.py checks that
    each entry agrees with its module's `Rule`).
    """

    id: str
    name: str  # the module is `b2blint.rules.<name with "_" for "-">`
    severity: Severity
    visits: Visit
    #: What the policy must have for the check to find anything ("": nothing): `NEEDS_CONTEXT`,
    #: or a section key (the rule reads only that section and what it names).
    needs: str = ""

    @property
    def module(self) -> str:
        return "b2blint.rules." + self.name.replace("-", "_")


class Rule(NamedTuple):
    """A rule's identity and documentation, and its check."""

    id: str  # stable forever, never reused: "XTA003"
    name: str  # kebab-case, accepted wherever an ID is: "direct-connect-without-mfa-trust"
    severity: Severity  # default; config may override
    summary: str  # one line: `b2blint rules`, SARIF shortDescription
    doc: str  # the module docstring (ruff headings), rendered into docs/rules/<ID>.md
    visits: Visit = Visit.BUILTIN
    check: Check | None = None
    prevents: tuple[str, ...] = ()  # Microsoft error codes, e.g. ("AADSTS90071",)
    options: Mapping[str, Any] = _EMPTY  # name -> default
    fixable: bool = False
    #: Published baseline controls this rule checks (IDs of `b2blint.rules._controls.Control`,
    #: e.g. ("MS.AAD.8.2",)); a rule with controls runs only when a profile enables it.
    controls: tuple[str, ...] = ()

    @property
    def error_links(self) -> tuple[str, ...]:
        """Microsoft's error lookup for every AADSTS code the rule prevents."""
        return tuple(
            f"https://login.microsoftonline.com/error?code={code.removeprefix('AADSTS')}"
            for code in self.prevents
            if code.startswith("AADSTS")
        )
