"""The lint pipeline: files -> documents -> schema pass -> model -> one rule pass -> findings.

Each stage is a plain function; `lint_paths` wires them. The rule pass walks the model once
and hands each object to every enabled rule that visits that kind of object (sqlfluff's
crawler idea), so adding a rule never adds a traversal.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from b2blint.diagnostics import (
    Diagnostic,
    Fix,
    Location,
    Position,
    RelatedLocation,
    Severity,
    sort_diagnostics,
)
from b2blint.errors import B2BLintError
from b2blint.files.discovery import discover, display_path
from b2blint.files.document import Document, DocumentError, parse_text, read_document
from b2blint.lint import suppressions
from b2blint.lint.config import Config
from b2blint.policy.model import (
    TESTS_KEY,
    Policy,
    build_policy,
    is_test_document,
    iter_b2b_settings,
)
from b2blint.rules import ALL_RULES, CATALOG, load_rule, rule_info
from b2blint.rules._rule import (
    NEEDS_CONTEXT,
    Context,
    Finding,
    Related,
    Rule,
    RuleInfo,
    SettingVisit,
    Visit,
)

#: Objects left alive by a lint run (the collector's young-generation count) above which they
#: are frozen out of the collector's sight at the end (`_collector_paused`); a lint of
#: policies/ leaves about 20,000, a 5 MB file over a million.
FREEZE_AFTER = 200_000

#: Schema findings that mean the document's shape cannot be trusted by the rules.
_STRUCTURAL = frozenset({"SCH001", "SCH002"})


class LintResult(NamedTuple):
    """Everything a reporter or `--fix` needs from one run."""

    files: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]
    documents: tuple[Document, ...]
    policy: Policy
    fixes: tuple[tuple[Diagnostic, Fix], ...] = ()

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity is severity)

    def exit_code(self, strict: bool = False) -> int:
        worst = {d.severity for d in self.diagnostics}
        if Severity.ERROR in worst or (strict and Severity.WARNING in worst):
            return 1
        return 0


def _diagnostic(rule_id: str, config: Config, location: Location, message: str) -> Diagnostic:
    rule = rule_info(rule_id)
    if rule is None:  # pragma: no cover - a programming error caught by test_registry
        raise KeyError(rule_id)
    return Diagnostic(
        rule.id, rule.name, config.severity(rule.id, rule.severity), location, message
    )


def _syntax_diagnostics(name: str, error: DocumentError, config: Config) -> list[Diagnostic]:
    """SYN001/SYN002 findings for a file that could not be turned into data."""
    return [
        _diagnostic(problem.rule_id, config, Location(name, problem.position), problem.message)
        for problem in error.problems
    ]


def load_documents(
    paths: Sequence[Path], config: Config
) -> tuple[list[Document], list[Diagnostic], list[str]]:
    """Read and parse every file; syntax problems become SYN diagnostics."""
    documents: list[Document] = []
    diagnostics: list[Diagnostic] = []
    names: list[str] = []
    for path in paths:
        name = display_path(path)
        names.append(name)
        try:
            documents.append(read_document(path, name))
        except DocumentError as error:
            diagnostics.extend(_syntax_diagnostics(name, error, config))
        except OSError as error:
            raise B2BLintError(f"{name}: cannot read: {error.strerror or error}") from None
    return documents, diagnostics, names


def schema_pass(
    documents: Sequence[Document], config: Config
) -> tuple[list[Document], list[Diagnostic]]:
    """Validate each document; return the ones the rules can trust, and the findings.

    Policy-test files (top-level ``b2blint-tests``) are validated by `b2blint.access.policytest`
    against their own schema, never as policy files.
    """
    from b2blint.schema import check as schema

    trusted: list[Document] = []
    diagnostics: list[Diagnostic] = []
    for document in documents:
        if document.data is None:
            diagnostics.append(
                _diagnostic(
                    "SCH001",
                    config,
                    Location(document.path, Position(1, 1)),
                    "empty file: a policy file is a mapping that starts with 'b2blint: 1'",
                )
            )
            continue
        if is_test_document(document):
            from b2blint.access import policytest  # only a tree with policy tests pays for it

            findings = policytest.validate(document.data)
        else:
            findings = schema.validate(document.data, config.api_version)
        for finding in findings:
            diagnostics.append(
                _diagnostic(
                    finding.rule_id,
                    config,
                    document.locate(finding.path, key=finding.at_key),
                    finding.message,
                )
            )
        if not any(f.rule_id in _STRUCTURAL for f in findings):
            trusted.append(document)
    return trusted, diagnostics


def _visits(policy: Policy, visit: Visit, tests: Sequence[Document]) -> Iterable[object]:
    if visit is Visit.TESTS:
        return tests
    if visit is Visit.POLICY:
        return (policy,)
    if visit is Visit.PARTNER:
        return policy.partners
    if visit is Visit.SETTING:
        return (SettingVisit(*item) for item in iter_b2b_settings(policy))
    return ()


def rule_pass(
    policy: Policy, rules: Sequence[Rule], config: Config, tests: Sequence[Document] = ()
) -> list[tuple[Rule, Finding]]:
    """Run every rule's check over the model in one walk per kind of object.

    ``tests``: the policy-test documents, for the rules that visit them (TST001).
    """
    by_visit: dict[Visit, list[tuple[Rule, Context]]] = {}
    for rule in rules:
        if rule.check is None or rule.visits is Visit.BUILTIN:
            continue
        context = Context(policy, config.rule_options(rule.id, rule.options))
        by_visit.setdefault(rule.visits, []).append((rule, context))
    results: list[tuple[Rule, Finding]] = []
    append = results.append
    for visit, checks in by_visit.items():
        # (rule, check, context) once per visit kind: the inner loop runs partners x rules
        # times (up to ~100,000 partners in a 5 MB file), so it does no lookups of its own.
        calls = [(rule, rule.check, context) for rule, context in checks if rule.check]
        for node in _visits(policy, visit, tests):
            for rule, check, context in calls:
                for finding in check(node, context):
                    append((rule, finding))
    return results


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one lint run, then restore its state.

    A 5 MB file becomes hundreds of thousands of dicts, lists and tuples that stay alive for
    the whole run; every collection of the oldest generation walks all of them again, which
    was 15-40 % of the CPU time of the largest inputs (bench/bench_hostile_lint.py). The data
    is trees without cycles, so reference counting alone frees it all.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if gc.get_count()[0] > FREEZE_AFTER:
                # Else the first collections after the run (while the report is written)
                # walk every object it left alive, young and then older: ~0.6 s of CPU for
                # 52,000 partners. Frozen, they are still freed by reference counting.
                gc.freeze()
            gc.enable()


def _conflict_diagnostics(policy: Policy, config: Config) -> list[Diagnostic]:
    rule = rule_info("SCH005")
    assert rule is not None
    severity = config.severity(rule.id, rule.severity)
    firsts: dict[int, Location] = {}  # a partner copied 100,000 times is looked up once
    found: list[Diagnostic] = []
    for conflict in policy.conflicts:
        first = firsts.get(id(conflict.first.document))
        if first is None or first.path != conflict.first.path:
            first = firsts[id(conflict.first.document)] = conflict.first.location()
        found.append(
            Diagnostic(
                rule.id,
                rule.name,
                severity,
                conflict.ref.location(),
                f"{conflict.what} is already declared at {first.file}:{first.position.line}",
                (RelatedLocation(first, "first declaration"),),
            )
        )
    return found


def _finding_diagnostics(
    results: Iterable[tuple[Rule, Finding]], config: Config
) -> Iterator[tuple[Diagnostic, Finding]]:
    """A diagnostic for every finding, sharing what findings have in common.

    A 5 MB file can hold 52,000 findings of one rule that all point at the same default
    (issue 9 item 10): its severity and each related location are looked up once, and the
    same (immutable) tuple of related locations is shared by every finding.
    """
    severities: dict[tuple[str, Severity], Severity] = {}
    defaults: dict[str, Severity] = {}  # by rule ID: hashing a Severity calls Python code
    related_locations: dict[tuple[Related, ...], tuple[RelatedLocation, ...]] = {}
    for rule, finding in results:
        if finding.severity is None:
            severity = defaults.get(rule.id)
            if severity is None:
                severity = defaults[rule.id] = config.severity(rule.id, rule.severity)
        else:
            severity = severities.get((rule.id, finding.severity))
            if severity is None:
                severity = severities[rule.id, finding.severity] = config.severity(
                    rule.id, finding.severity
                )
        related = related_locations.get(finding.related)
        if related is None:
            related = related_locations[finding.related] = tuple(
                RelatedLocation(r.ref.location(), r.message) for r in finding.related
            )
        ref = finding.ref
        document = ref.document
        diagnostic = Diagnostic(
            rule.id,
            rule.name,
            severity,
            document.locate(ref.path, key=ref.key),
            finding.message,
            related,
            finding.fix is not None,
        )
        yield diagnostic, finding


#: For the two-sided pass (`b2blint.lint.pairs`): findings become diagnostics the same way.
finding_diagnostics = _finding_diagnostics


def _tests_not_run(
    tests: Sequence[Document], blockers: Sequence[Diagnostic], config: Config
) -> Diagnostic | None:
    """One TST001 finding instead of a failure per test when the policy did not load.

    A policy file that does not parse, or whose shape the schema rejects, is left out of the
    model, so every test asking about its partners (or its defaults) would fail for a reason
    that is not the test's: one typo gave one SCH002 and a TST001 per test. Instead the tests
    are not run, and this finding says so once, at the first problem that keeps the policy
    from loading (what the user must fix), with every other such problem and every test file
    as related locations: ``lint --tree`` (pre-commit) reports it for a commit touching any
    of those files, so the changed-files run and the whole-tree run agree.
    """
    from b2blint.access.policytest import cases

    count = sum(len(cases(document)) for document in tests)
    if not count or not blockers:
        return None
    first, *others = sort_diagnostics(blockers)
    reason = "does not parse" if first.rule_id.startswith("SYN") else f"has {first.rule_id} errors"
    files = len({d.file for d in blockers})
    also = f" (and {files - 1} more file{'s' if files > 2 else ''})" if files > 1 else ""
    test_word = "test" if count == 1 else "tests"
    message = (
        f"{count} policy {test_word} not run: the policy cannot be simulated while this file"
        f"{also} {reason}; fix {'it' if files == 1 else 'them'} and the tests run again"
    )
    seen = {first.file}
    related: list[RelatedLocation] = []
    for other in others:
        if other.file not in seen:
            seen.add(other.file)
            related.append(RelatedLocation(other.location, "also keeps the policy from loading"))
    for document in tests:
        start = Location(document.path, document.position((TESTS_KEY,), key=True), (TESTS_KEY,))
        related.append(RelatedLocation(start, "these policy tests were not run"))
    return _diagnostic("TST001", config, first.location, message)._replace(related=tuple(related))


def lint_documents(
    documents: Sequence[Document],
    config: Config,
    rules: Sequence[Rule] = ALL_RULES,
    unparsed: Sequence[Diagnostic] = (),
) -> tuple[list[Diagnostic], Policy, list[tuple[Diagnostic, Fix]]]:
    """Schema pass, model and rule pass over already-parsed documents.

    ``unparsed``: the SYN findings of the tree's files that did not parse (not in
    ``documents``); like a policy file the schema rejects, they keep the policy tests from
    running (`_tests_not_run`).
    """
    trusted, diagnostics = schema_pass(documents, config)
    tests = [document for document in trusted if is_test_document(document)]
    policy = build_policy([document for document in trusted if not is_test_document(document)])
    diagnostics.extend(_conflict_diagnostics(policy, config))
    enabled = _runnable(rules, config, policy, tests)
    test_files = {document.path for document in documents if is_test_document(document)}
    blockers = [
        *unparsed,
        *(d for d in diagnostics if d.rule_id in _STRUCTURAL and d.file not in test_files),
    ]
    if tests and blockers and "TST001" in _ids(rules) and config.enabled("TST001"):
        not_run = _tests_not_run(tests, blockers, config)
        tests = []
        if not_run is not None:
            diagnostics.append(not_run)
    if not tests:  # TST001 has nothing to visit: its module need not be imported
        enabled = [rule for rule in enabled if rule.visits is not Visit.TESTS]
    fixes: list[tuple[Diagnostic, Fix]] = []
    for diagnostic, finding in _finding_diagnostics(
        rule_pass(policy, enabled, config, tests), config
    ):
        diagnostics.append(diagnostic)
        if finding.fix is not None:
            fixes.append((diagnostic, finding.fix))
    return diagnostics, policy, fixes


def _builtin_ids() -> frozenset[str]:
    return frozenset(info.id for info in CATALOG if info.visits is Visit.BUILTIN)


def _ids(rules: Sequence[Rule]) -> frozenset[str]:
    """The IDs of ``rules``; for `ALL_RULES`, from the catalog (no rule module imported)."""
    if rules is ALL_RULES:
        return frozenset(info.id for info in CATALOG)
    return frozenset(rule.id for rule in rules)


def _can_apply(info: RuleInfo, policy: Policy) -> bool:
    """Whether the policy has what the rule reads (`RuleInfo.needs`): without it the check
    finds nothing, so its module is not even imported."""
    if not info.needs:
        return True
    if info.needs == NEEDS_CONTEXT:
        return policy.conditional_access is not None
    return policy.section(info.needs) is not None


def _runnable(
    rules: Sequence[Rule], config: Config, policy: Policy, tests: Sequence[Document]
) -> list[Rule]:
    """The enabled rules whose checks this run calls, in catalog order.

    For `ALL_RULES` the catalog decides without importing a module: built-in rules (no
    check), PAIR rules (they run in `b2blint.lint.pairs`), disabled rules (the profile rules
    without a profile), the policy-test rule without policy tests and the rules whose section
    or context the policy lacks are left out, and only the rest are imported. A caller's own
    list of rules is taken as it is (its disabled rules left out).
    """
    if rules is not ALL_RULES:
        return [rule for rule in rules if config.enabled(rule.id)]
    skip = (Visit.BUILTIN, Visit.PAIR)
    return [
        load_rule(info)
        for info in CATALOG
        if info.visits not in skip
        and config.enabled(info.id)
        and (info.visits is not Visit.TESTS or tests)
        and _can_apply(info, policy)
    ]


def lint_paths(
    paths: Sequence[str], config: Config, rules: Sequence[Rule] = ALL_RULES
) -> LintResult:
    """Lint every policy file under ``paths`` as one tenant."""
    with _collector_paused():
        files = discover(paths, config.exclude)
        documents, diagnostics, names = load_documents(files, config)
        return _finish(names, documents, diagnostics, config, rules)


def lint_sources(
    sources: Sequence[tuple[str, str]],
    config: Config,
    rules: Sequence[Rule] = ALL_RULES,
    unreadable: Sequence[str] = (),
) -> LintResult:
    """Lint in-memory texts as one tree (``--fix`` re-lints its edits before writing them).

    ``sources`` are (display path, text); ``unreadable`` names files of the tree that are not
    in ``sources`` because they could not be parsed (they make the run incomplete).
    """
    documents: list[Document] = []
    diagnostics: list[Diagnostic] = []
    with _collector_paused():
        for name, text in sources:
            try:
                documents.append(parse_text(text, name))
            except DocumentError as error:
                diagnostics.extend(_syntax_diagnostics(name, error, config))
        names = [name for name, _ in sources] + list(unreadable)
        return _finish(names, documents, diagnostics, config, rules)


def parse_buffer(raw: bytes, name: str, config: Config) -> tuple[Document | None, list[Diagnostic]]:
    """An editor's buffer as a document named ``name``, or its SYN findings (as for a file:
    the same size limit, encoding rules and parser, `b2blint.files.document.read_document`)."""
    from b2blint.files.document import MAX_FILE_BYTES, SyntaxProblem, decode

    try:
        if len(raw) > MAX_FILE_BYTES:
            raise DocumentError(
                [
                    SyntaxProblem(
                        "SYN002",
                        Position(1, 1),
                        f"file is over the {MAX_FILE_BYTES:,}-byte limit for a policy file",
                    )
                ]
            )
        return parse_text(decode(raw), name), []
    except DocumentError as error:
        return None, _syntax_diagnostics(name, error, config)


def lint_buffer(
    tree: Sequence[str],
    name: str,
    raw: bytes,
    config: Config,
    rules: Sequence[Rule] = ALL_RULES,
) -> LintResult:
    """Lint ``raw`` (an unsaved editor buffer) as the file ``name`` of the tree at ``tree``.

    The tree is the context for the cross-file rules: its copy of ``name`` on disk (if any) is
    replaced by the buffer, every other file is read as ``lint`` reads it. With no ``tree``
    the buffer is linted alone. Nothing is written.
    """
    with _collector_paused():
        from b2blint.files.discovery import same_file

        display = display_path(Path(name))
        files = discover(tree, config.exclude) if tree else []
        at = next((i for i, path in enumerate(files) if same_file(path, Path(name))), len(files))
        before = load_documents(files[:at], config)
        after = load_documents(files[at + 1 :], config)
        buffer, problems = parse_buffer(raw, display, config)
        return _finish(
            [*before[2], display, *after[2]],
            [*before[0], *([buffer] if buffer is not None else []), *after[0]],
            [*before[1], *problems, *after[1]],
            config,
            rules,
        )


def _finish(
    names: list[str],
    documents: list[Document],
    diagnostics: list[Diagnostic],
    config: Config,
    rules: Sequence[Rule],
) -> LintResult:
    found, policy, fixes = lint_documents(documents, config, rules, unparsed=list(diagnostics))
    diagnostics.extend(found)
    # Rules saw everything only if every file parsed and passed the structural checks.
    complete = len(documents) == len(names) and not any(
        d.rule_id in _STRUCTURAL for d in diagnostics
    )
    enabled = {rule_id: config.enabled(rule_id) for rule_id in {d.rule_id for d in diagnostics}}
    diagnostics = [d for d in diagnostics if enabled[d.rule_id]]
    # PAIR rules need two tenants: they run in b2blint.lint.pairs, which judges their
    # suppressions; here they did not run.
    if rules is ALL_RULES:  # from the catalog: rules that could not apply did not need to run
        ran = {info.id for info in CATALOG if info.visits is not Visit.PAIR}  # built-ins too
    else:
        ran = {rule.id for rule in rules if rule.visits is not Visit.PAIR} | _builtin_ids()
    active = frozenset(rule_id for rule_id in ran if config.enabled(rule_id))
    diagnostics, suppression_fixes = suppressions.apply(
        diagnostics, documents, config, active=active, complete=complete
    )
    kept = set(map(id, diagnostics))
    fixes.extend(suppression_fixes)
    return LintResult(
        tuple(names),
        tuple(sort_diagnostics(diagnostics)),
        tuple(documents),
        policy,
        tuple((d, f) for d, f in fixes if id(d) in kept),
    )
