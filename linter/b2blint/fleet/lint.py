"""Lint a whole fleet, or one fleet tenant, with the lint engine.

Each tenant's merged tree goes through the same schema pass, model and rule pass as a
single-tenant tree; because the merged document resolves every position to the real file,
each finding points at the baseline, tenant file or ``fleet.yaml`` line it came from. A
finding in a file several tenants share (a baseline, ``fleet.yaml``) is reported once, its
message prefixed with the tenants it concerns (``[alpha, beta] ...``). Suppression comments
work in every real file, once for the fleet: a suppression in a baseline is unused only if
no tenant needed it. ``--fix`` is not offered on a fleet (a fix in a baseline changes every
tenant that uses it; edit it by hand).

The two-sided rules (`b2blint.lint.pairs`, when present) run once over every pair of fleet
tenants, after the per-tenant pass: see `_pair_diagnostics`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from b2blint.diagnostics import Diagnostic, Location, RelatedLocation, sort_diagnostics
from b2blint.errors import B2BLintError
from b2blint.files.document import Document
from b2blint.fleet.assemble import FleetTrees, TenantTree, Unparsed, read_fleet
from b2blint.fleet.fleetfile import FLEET_FILE, Fleet, find_fleet_file, load_fleet
from b2blint.lint import suppressions
from b2blint.lint.config import Config
from b2blint.lint.engine import LintResult, lint_documents
from b2blint.lint.engine import _collector_paused as collector_paused
from b2blint.lint.tree import TreeReader
from b2blint.policy.model import Conflict, build_policy
from b2blint.rules import ALL_RULES, find_rule
from b2blint.rules._rule import Rule, Visit

#: Tenant names spelled out in a shared finding's prefix before "+N more".
NAMED_TENANTS = 3


def _rule_diagnostic(rule_id: str, config: Config, location: Location, message: str) -> Diagnostic:
    rule = find_rule(rule_id)
    assert rule is not None, rule_id
    return Diagnostic(
        rule.id, rule.name, config.severity(rule.id, rule.severity), location, message
    )


def _syntax(problems: Iterable[Unparsed], config: Config) -> list[Diagnostic]:
    return [
        _rule_diagnostic(p.rule_id, config, Location(unparsed.path, p.position), p.message)
        for unparsed in problems
        for p in unparsed.error.problems
    ]


def _conflicts(conflicts: Iterable[Conflict], config: Config) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for conflict in conflicts:
        first = conflict.first.location()
        found.append(
            _rule_diagnostic(
                "SCH005",
                config,
                conflict.ref.location(),
                f"{conflict.what} is already declared at {first.file}:{first.position.line}",
            )._replace(related=(RelatedLocation(first, "first declaration"),))
        )
    return found


def _tenant_diagnostics(
    tree: TenantTree, config: Config, rules: Sequence[Rule], unparsed: Sequence[Diagnostic]
) -> list[Diagnostic]:
    found, _policy, _fixes = lint_documents(
        [tree.document, *tree.tests], config, rules, unparsed=unparsed
    )
    found.extend(_conflicts(tree.conflicts, config))
    return [d._replace(fixable=False) for d in found]


def _pair_diagnostics(trees: FleetTrees, config: Config) -> list[Diagnostic]:
    """The two-sided findings (PAIR rules) over every pair of fleet tenants.

    `b2blint.lint.pairs.lint_pairs` gets every tenant's assembled Policy by name and returns
    diagnostics located in the real files, before suppression (``suppress=False``):
    `lint_trees` applies every file's comments once, to these and the tenants' findings.
    """
    try:
        from b2blint.lint import pairs  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return []
    policies = {tree.name: tree.policy for tree in trees.tenants}
    # Unsuppressed: lint_trees applies every file's comments once, to all findings together.
    found: list[Diagnostic] = list(pairs.lint_pairs(policies, config, suppress=False))
    return found


def _tag_shared(
    per_tenant: Sequence[tuple[str, list[Diagnostic]]], own_files: dict[str, set[str]]
) -> list[Diagnostic]:
    """One diagnostic per distinct finding; shared-file findings name their tenants."""
    merged: dict[tuple[object, ...], tuple[Diagnostic, list[str]]] = {}
    for name, diagnostics in per_tenant:
        mine = own_files[name]
        for diagnostic in diagnostics:
            key = (
                diagnostic.rule_id,
                diagnostic.file,
                diagnostic.location.position,
                diagnostic.message,
                diagnostic.related,
            )
            entry = merged.get(key)
            if entry is None:
                merged[key] = (diagnostic, [] if diagnostic.file in mine else [name])
            elif diagnostic.file not in mine and name not in entry[1]:
                entry[1].append(name)
    result: list[Diagnostic] = []
    for diagnostic, tenants in merged.values():
        if tenants:
            shown = ", ".join(tenants[:NAMED_TENANTS])
            more = len(tenants) - NAMED_TENANTS
            label = f"{shown} +{more} more" if more > 0 else shown
            result.append(diagnostic._replace(message=f"[{label}] {diagnostic.message}"))
        else:
            result.append(diagnostic)
    return result


def _unique(documents: Iterable[Document]) -> list[Document]:
    seen: set[int] = set()
    found: list[Document] = []
    for document in documents:
        if id(document) not in seen:
            seen.add(id(document))
            found.append(document)
    return found


def lint_trees(
    trees: FleetTrees, config: Config, rules: Sequence[Rule] = ALL_RULES, pairs: bool = True
) -> LintResult:
    """Lint assembled tenants: each tenant's merged tree, then the pairs, then suppressions."""
    unparsed = _syntax(trees.problems, config)
    per_tenant: list[tuple[str, list[Diagnostic]]] = []
    own_files: dict[str, set[str]] = {}
    for tree in trees.tenants:
        per_tenant.append((tree.name, _tenant_diagnostics(tree, config, rules, unparsed)))
        own_files[tree.name] = set(tree.files)
    diagnostics = [*unparsed, *_tag_shared(per_tenant, own_files)]
    if pairs:
        diagnostics.extend(_pair_diagnostics(trees, config))
    documents = _unique(
        [
            trees.fleet.document,
            *trees.layer_documents.values(),
            *(d for tree in trees.tenants for d in (*tree.own, *tree.tests)),
        ]
    )
    files = [
        trees.fleet.document.path,
        *(d.path for d in trees.layer_documents.values()),
        *(name for tree in trees.tenants for name in tree.files),
    ]
    files.extend(p.path for p in trees.problems if p.path not in files)
    complete = not trees.problems and not any(
        d.rule_id in ("SCH001", "SCH002") for d in diagnostics
    )
    diagnostics = [d for d in diagnostics if config.enabled(d.rule_id)]
    builtin = frozenset(rule.id for rule in ALL_RULES if rule.visits is Visit.BUILTIN)
    ran = {rule.id for rule in rules if pairs or rule.visits is not Visit.PAIR}  # fleet-pair
    active = frozenset(r for r in ran | builtin if config.enabled(r))
    kept, _fixes = suppressions.apply(
        diagnostics, documents, config, active=active, complete=complete
    )
    first = trees.tenants[0].policy if trees.tenants else build_policy(())
    return LintResult(
        tuple(dict.fromkeys(files)),
        tuple(sort_diagnostics([d._replace(fixable=False) for d in kept])),
        tuple(documents),
        first,
    )


def lint_fleet(fleet: Fleet, config: Config, rules: Sequence[Rule] = ALL_RULES) -> LintResult:
    """Lint every tenant of ``fleet`` and every pair of them (``lint`` on a fleet root).

    The cyclic collector is paused as for one tree (`b2blint.lint.engine`): 300 tenants are a
    few hundred thousand live containers, and its full collections walked them again and again
    (5.5 s instead of 2 s for 300 tenants in bench/bench_fleet.py).
    """
    with collector_paused():
        return lint_trees(read_fleet(fleet), config, rules)


def lint_one(
    fleet: Fleet, name: str, config: Config, rules: Sequence[Rule] = ALL_RULES
) -> LintResult:
    """``lint --tenant NAME``: one tenant (its files, its layers and fleet.yaml), no pairs."""
    with collector_paused():
        return lint_trees(read_fleet(fleet, only=[name]), config, rules, pairs=False)


def lint_tenant(
    fleet: Fleet, name: str, config: Config, rules: Sequence[Rule] = ALL_RULES
) -> LintResult:
    """Lint one fleet tenant, as the commands that take ``--tenant`` read it.

    The result's ``documents`` are the tenant's merged tree and its policy-test files (what
    the commands build their model from); ``files`` name every file that went into it, so a
    file that did not parse is one that is not among the documents.
    """
    with collector_paused():
        trees = read_fleet(fleet, only=[name])
        result = lint_trees(trees, config, rules, pairs=False)
    tree = trees.tenants[0]
    parsed = (tree.document.path, *(d.path for d in tree.tests))
    failed = tuple(p.path for p in trees.problems)
    return result._replace(
        files=(*parsed, *failed), documents=(tree.document, *tree.tests), policy=tree.policy
    )


def fleet_root(paths: Sequence[str]) -> Path:
    """The fleet file of a command's paths (one fleet root, default the current directory)."""
    if len(paths) > 1:
        raise B2BLintError("--tenant: give one path, the fleet root (or run in it)")
    root = paths[0] if paths else "."
    found = find_fleet_file(root)
    if found is None:
        raise B2BLintError(f"--tenant: {root}: no {FLEET_FILE} here (docs/fleets.md)")
    return found


def tenant_reader(name: str) -> TreeReader:
    """The tree reader ``--tenant NAME`` installs (`b2blint.lint.tree.use_reader`)."""

    def read(paths: Sequence[str], config: Config) -> LintResult:
        return lint_tenant(load_fleet(fleet_root(paths)), name, config)

    return read
