"""The two-sided pass: PAIR rules over every pair of fleet tenants that are each other's partners.

Each tenant is linted on its own (`b2blint.lint.engine`); the PAIR rules need two policies at
once, so they run here, after the tenants' own passes, over the pairs
`b2blint.policy.pairs.find_pairs` finds (matched by tenant ID). Findings become diagnostics
exactly as the engine makes them (severity from the config, positions from the documents), and
the tenants' ``# b2blint: disable=PAIR00x -- reason`` comments apply to them: a finding sits
in one tenant's file, and a comment there suppresses it.

Suppressions are split between the two passes so that each is judged once: a tenant's own pass
never runs the PAIR rules and so never calls a PAIR suppression unused (see
`b2blint.lint.engine`), and this pass reports unused PAIR suppressions (B2B001) only, never
the unreadable directives (B2B002) the tenant pass already reported.

`lint_pairs` is what the fleet lint (`b2blint.fleet.lint`) calls with the assembled policy of
each tenant, with ``suppress=False``: it applies every file's comments once itself, to the
tenants' findings and the pairs' together. `lint_plain_trees` lints plain policy trees (one
directory per tenant) and then their pairs, for callers that have no fleet file (the rule
fixtures, tests).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from b2blint.diagnostics import Diagnostic, Fix, sort_diagnostics
from b2blint.lint import suppressions
from b2blint.lint.config import Config
from b2blint.lint.engine import LintResult, finding_diagnostics, lint_paths
from b2blint.policy.model import Policy
from b2blint.policy.pairs import find_pairs
from b2blint.rules import ALL_RULES
from b2blint.rules._rule import Context, Finding, Rule, Visit

#: Schema findings after which a tenant's rules did not see everything (as in the engine).
STRUCTURAL = frozenset({"SCH001", "SCH002"})


def pair_rules(rules: Sequence[Rule], config: Config) -> list[Rule]:
    """The enabled rules that visit pairs."""
    return [r for r in rules if r.visits is Visit.PAIR and r.check and config.enabled(r.id)]


def _diagnostics(
    policies: Mapping[str, Policy], config: Config, enabled: Sequence[Rule]
) -> list[Diagnostic]:
    """Every enabled PAIR rule over every pair, as diagnostics (no suppression applied)."""
    results: list[tuple[Rule, Finding]] = []
    options = {rule.id: config.rule_options(rule.id, rule.options) for rule in enabled}
    for pair in find_pairs(policies):
        for rule in enabled:
            assert rule.check is not None
            context = Context(pair.first.policy, options[rule.id])
            results.extend((rule, finding) for finding in rule.check(pair, context))
    return [diagnostic for diagnostic, _ in finding_diagnostics(results, config)]


def lint_pairs_with_fixes(
    policies: Mapping[str, Policy],
    config: Config,
    rules: Sequence[Rule] = ALL_RULES,
    *,
    complete: bool = True,
) -> tuple[list[Diagnostic], list[tuple[Diagnostic, Fix]]]:
    """`lint_pairs`, and the fixes of its B2B001 findings (for ``--fix``)."""
    enabled = pair_rules(rules, config)
    if not enabled:
        return [], []
    diagnostics = _diagnostics(policies, config, enabled)
    documents = {
        id(document): document for policy in policies.values() for document in policy.documents
    }
    kept, fixes = suppressions.apply(
        diagnostics,
        list(documents.values()),
        config,
        active=frozenset(rule.id for rule in enabled),
        complete=complete,
    )
    kept = [d for d in kept if d.rule_id != suppressions.UNKNOWN]  # the tenant pass's
    ids = set(map(id, kept))
    return sort_diagnostics(kept), [(d, f) for d, f in fixes if id(d) in ids]


def lint_pairs(
    policies: Mapping[str, Policy],
    config: Config,
    rules: Sequence[Rule] = ALL_RULES,
    *,
    complete: bool = True,
    suppress: bool = True,
) -> list[Diagnostic]:
    """The PAIR findings for every pair of ``policies`` (fleet name -> the tenant's policy).

    ``complete``: whether every tenant's files were read and passed the structural schema
    checks; otherwise unused PAIR suppressions cannot be known and are not reported.
    ``suppress=False``: the findings before any suppression comment applies, for a caller
    that applies the comments of every file once itself (the fleet lint,
    `b2blint.fleet.lint`, together with the tenants' own findings).
    """
    if not suppress:
        return sort_diagnostics(_diagnostics(policies, config, pair_rules(rules, config)))
    return lint_pairs_with_fixes(policies, config, rules, complete=complete)[0]


def lint_plain_trees(
    trees: Mapping[str, Sequence[str]], config: Config, rules: Sequence[Rule] = ALL_RULES
) -> LintResult:
    """Lint each tenant tree (name -> its paths) on its own, then every pair between them.

    One result for all of them: the files and findings of every tenant and of the pairs. Its
    ``policy`` is the first tenant's (a fleet has no single policy).
    """
    results = {name: lint_paths(list(paths), config, rules) for name, paths in trees.items()}
    complete = all(_complete(result) for result in results.values())
    found, fixes = lint_pairs_with_fixes(
        {name: result.policy for name, result in results.items()},
        config,
        rules,
        complete=complete,
    )
    every = [d for result in results.values() for d in result.diagnostics] + found
    first = next(iter(results.values()))
    return LintResult(
        tuple(f for result in results.values() for f in result.files),
        tuple(sort_diagnostics(every)),
        tuple(d for result in results.values() for d in result.documents),
        first.policy,
        tuple(f for result in results.values() for f in result.fixes) + tuple(fixes),
    )


def _complete(result: LintResult) -> bool:
    parsed = {document.path for document in result.documents}
    return all(name in parsed for name in result.files) and not any(
        d.rule_id in STRUCTURAL for d in result.diagnostics
    )
