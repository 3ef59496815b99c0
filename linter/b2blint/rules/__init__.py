"""The rule catalog: every rule's ID, name, default severity and what it visits, in one table.

A rule's module (its check and documentation) is imported only when it is needed: a lint
imports the modules of the rules that can run on its tree (not the profile rules without a
profile, not the PAIR rules outside a fleet, not the CAX rules without a Conditional Access
context, not the built-in ones that only name the loader's and schema pass's findings);
`find_rule` imports one; iterating `ALL_RULES` imports them all (`b2blint rules`, the docs,
SARIF rule descriptors). A test checks that every module is listed and that each entry agrees
with its module's `RULE` (docs/dev/RULES.md).

IDs are stable forever. A retired ID goes into `REMOVED_IDS` with the reason and is never
reused; a renamed rule keeps its old name in `REDIRECTS`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import overload

from b2blint.diagnostics import Severity
from b2blint.rules._rule import NEEDS_CONTEXT, Rule, RuleInfo, Visit

E = Severity.ERROR
W = Severity.WARNING
#: The MTO rules read the multitenant organization section (`b2blint.rules._mto.MTO_KEY`).
MTO = "multiTenantOrganization"

CATALOG: tuple[RuleInfo, ...] = (
    RuleInfo("SYN001", "yaml-syntax", E, Visit.BUILTIN),
    RuleInfo("SYN002", "unsafe-yaml", E, Visit.BUILTIN),
    RuleInfo("SCH001", "schema-violation", E, Visit.BUILTIN),
    RuleInfo("SCH002", "unknown-property", E, Visit.BUILTIN),
    RuleInfo("SCH003", "read-only-property", W, Visit.BUILTIN),
    RuleInfo("SCH004", "beta-only-property", W, Visit.BUILTIN),
    RuleInfo("SCH005", "duplicate-partner", E, Visit.BUILTIN),
    RuleInfo("XTA001", "policy-size-limit", E, Visit.POLICY),
    RuleInfo("XTA002", "encrypted-mail-app-blocked", W, Visit.SETTING),
    RuleInfo("XTA003", "direct-connect-without-mfa-trust", E, Visit.POLICY),
    RuleInfo("XTA004", "cloud-endpoint-missing", E, Visit.PARTNER),
    RuleInfo("XTA005", "cloud-endpoint-unused", W, Visit.POLICY),
    RuleInfo("XTA006", "cross-cloud-direct-connect", W, Visit.PARTNER),
    RuleInfo("XTA007", "users-apps-conflict", E, Visit.SETTING),
    RuleInfo("XTA008", "mixed-all-target", W, Visit.SETTING),
    RuleInfo("XTA009", "target-type-mismatch", W, Visit.POLICY),
    RuleInfo("XTA010", "default-inbound-scoped", E, Visit.SETTING),
    RuleInfo("XTA011", "redundant-partner-setting", W, Visit.POLICY),
    RuleInfo("XTA012", "own-tenant-partner", E, Visit.PARTNER),
    RuleInfo("XTA013", "sync-without-collaboration", E, Visit.POLICY),
    RuleInfo("XTA014", "redemption-fallback-contradiction", E, Visit.POLICY),
    RuleInfo("XTA015", "msa-tenant-restriction-scoped", E, Visit.SETTING),
    RuleInfo("EXT001", "invitations-disabled", W, Visit.POLICY),
    RuleInfo("EXT002", "domain-lists-both", E, Visit.POLICY),
    RuleInfo("EXT003", "partner-domain-not-invitable", E, Visit.POLICY),
    RuleInfo("EXT004", "domain-policy-size", E, Visit.POLICY),
    RuleInfo("EXT005", "invalid-domain", E, Visit.POLICY),
    RuleInfo("EXT006", "guest-role-member", E, Visit.POLICY),
    RuleInfo("EXT007", "guest-otp-disabled", W, Visit.POLICY),
    RuleInfo("CAX001", "ca-device-not-trusted", E, Visit.POLICY, NEEDS_CONTEXT),
    RuleInfo("CAX002", "ca-strength-unsatisfiable", E, Visit.POLICY, NEEDS_CONTEXT),
    RuleInfo("CAX003", "ca-guest-double-mfa", W, Visit.POLICY, NEEDS_CONTEXT),
    RuleInfo("CAX004", "ca-custom-control-external", W, Visit.POLICY, NEEDS_CONTEXT),
    RuleInfo("CAX005", "ca-dead-external-tenant", W, Visit.POLICY, NEEDS_CONTEXT),
    RuleInfo("MTO001", "mto-template-overrides-partner", W, Visit.POLICY, MTO),
    RuleInfo("MTO002", "mto-member-without-auto-redemption", W, Visit.POLICY, MTO),
    RuleInfo("TST001", "policy-test-failed", E, Visit.TESTS),
    RuleInfo("B2B001", "unused-suppression", W, Visit.BUILTIN),
    RuleInfo("B2B002", "unknown-rule-in-suppression", E, Visit.BUILTIN),
    RuleInfo("BSL001", "guest-access-limited", E, Visit.POLICY),
    RuleInfo("BSL002", "guest-access-restricted", E, Visit.POLICY),
    RuleInfo("BSL003", "guest-invites-admins-only", E, Visit.POLICY),
    RuleInfo("BSL004", "guest-invites-restricted", E, Visit.POLICY),
    RuleInfo("BSL005", "guests-cannot-invite", E, Visit.POLICY),
    RuleInfo("BSL006", "email-verified-join-disabled", E, Visit.POLICY),
    RuleInfo("BSL007", "invitation-allow-list", E, Visit.POLICY),
    RuleInfo("BSL008", "default-outbound-blocked", E, Visit.POLICY),
    RuleInfo("BSL009", "tenant-restrictions-default-blocked", E, Visit.POLICY),
    RuleInfo("PAIR001", "pair-collaboration-blocked", E, Visit.PAIR),
    RuleInfo("PAIR002", "pair-direct-connect-blocked", E, Visit.PAIR),
    RuleInfo("PAIR003", "pair-cloud-one-sided", E, Visit.PAIR),
    RuleInfo("PAIR004", "pair-sync-without-outbound-redemption", E, Visit.PAIR),
    RuleInfo("PAIR005", "pair-sync-not-allowed-by-target", E, Visit.PAIR),
)

#: Retired IDs -> why. Never reuse one.
REMOVED_IDS: dict[str, str] = {}

#: Old rule names -> current ID.
REDIRECTS: dict[str, str] = {}

_INFO_BY_KEY: dict[str, RuleInfo] = {}
for _info in CATALOG:
    _INFO_BY_KEY[_info.id.upper()] = _info
    _INFO_BY_KEY[_info.name.lower()] = _info

_LOADED: dict[str, Rule] = {}


def load_rule(info: RuleInfo) -> Rule:
    """The `Rule` of a catalog entry (its module imported on first use)."""
    rule = _LOADED.get(info.id)
    if rule is None:
        # __import__ (not importlib.import_module): `python -X importtime` then lists it.
        rule = _LOADED[info.id] = __import__(info.module, fromlist=("RULE",)).RULE
    return rule


class _Catalog(Sequence[Rule]):
    """Every rule, in catalog order; the modules are imported when a rule is first read.

    Its length comes from the table: a reporter that only counts the rules imports none.
    """

    def __len__(self) -> int:
        return len(CATALOG)

    @overload
    def __getitem__(self, index: int) -> Rule: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Rule]: ...

    def __getitem__(self, index: int | slice) -> Rule | Sequence[Rule]:
        if isinstance(index, slice):
            return tuple(load_rule(info) for info in CATALOG[index])
        return load_rule(CATALOG[index])

    def __iter__(self) -> Iterator[Rule]:
        return (load_rule(info) for info in CATALOG)

    def __repr__(self) -> str:
        return f"<the {len(CATALOG)} rules of the catalog>"


#: Every rule (a `Sequence`; pass it where rules are expected: the lint engine then imports
#: only what can run).
ALL_RULES: Sequence[Rule] = _Catalog()


def rule_info(key: str) -> RuleInfo | None:
    """A rule's catalog entry by ID or name (case-insensitive), following `REDIRECTS`; imports
    nothing."""
    key = REDIRECTS.get(key, key)
    return _INFO_BY_KEY.get(key.upper()) or _INFO_BY_KEY.get(key.lower())


def find_rule(key: str) -> Rule | None:
    """A rule by ID or name (case-insensitive), following `REDIRECTS`."""
    info = rule_info(key)
    return load_rule(info) if info is not None else None
