"""Policy tests: admins write down the access they expect, and every lint run checks it.

A policy-test file is a YAML file whose top-level key is ``b2blint-tests`` (docs/policy-tests.md,
schema ``schemas/b2blint-tests.json``). It lives in the policy tree (``policies/tests/``) but is
not a policy file: the engine routes it here instead of to the policy schema, and the tests
run against the policy of the same lint run. ``b2blint test`` runs them on their own; inside
``b2blint lint`` a failing expectation is a TST001 finding at its ``expect:`` line.

Checks that need only the file (the schema, and which properties go together) are schema
findings (SCH001/SCH002). What needs the policy (an unknown partner name) is a test that
cannot run, reported like a failure.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from typing import Any

from b2blint.access.invite import InviteQuestion, email_domain, simulate_invite
from b2blint.access.simulate import (
    AccessKind,
    Direction,
    Question,
    Verdict,
    parse_app,
    simulate,
)
from b2blint.errors import B2BLintError
from b2blint.files.document import Document
from b2blint.policy.model import TESTS_KEY, Policy, Ref
from b2blint.policy.targets import Subject
from b2blint.schema.check import SchemaFinding, compiled_accepts, suggest_property

SCHEMA_NAME = "b2blint-tests.json"
SIGN_IN_ONLY = ("kind", "direction", "app", "mfaRequired", "userType")


def is_test_data(data: Any) -> bool:
    return isinstance(data, dict) and TESTS_KEY in data


# ---------------------------------------------------------------------------------------------
# Validation (the engine's schema pass for test files)
# ---------------------------------------------------------------------------------------------


@cache
def _schema() -> dict[str, Any]:
    from importlib import resources  # ~5 ms: only a file the compiled validator rejects

    text = resources.files("b2blint.schemas").joinpath(SCHEMA_NAME).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(_schema())


def _properties_at(path: Sequence[Any]) -> Mapping[str, Any]:
    schema = _schema()
    if len(path) == 0:
        return schema["properties"]  # type: ignore[no-any-return]
    return schema["properties"]["tests"]["items"]["properties"]  # type: ignore[no-any-return]


def _message(error: Any) -> str | None:
    """A one-line message for a jsonschema error; None for oneOf (see `_combinations`)."""
    where = error.path[-1] if error.path else None
    if error.validator == "oneOf":
        return None
    if error.validator == "required":
        return error.message.replace("is a required property", "is required")  # type: ignore[no-any-return]
    if error.validator == "enum":
        return f"{error.instance!r} is not one of: {', '.join(error.validator_value)}"
    if error.validator == "pattern":
        return f"{where}: {error.instance!r} is not an object ID (a GUID)"
    if error.validator == "anyOf" and where == "app":
        return (
            f"app: {error.instance!r} is not an application ID (a GUID), Office365 or "
            "AllApplications"
        )
    if error.validator == "const":
        return f"{TESTS_KEY} must be 1 (the format version)"
    if error.validator == "minItems":
        return "tests is empty: write at least one test"
    if error.validator == "type":
        return f"{where}: expected {error.validator_value}, got {type(error.instance).__name__}"
    return error.message  # type: ignore[no-any-return]


def _accepts(data: Any) -> bool:
    """The compiled validator's verdict (``b2blint.schema.codegen``): a tree with policy tests
    validates them on every lint, and this keeps jsonschema (about 55 ms to import) off a clean
    run. jsonschema explains only a file this rejects."""
    return compiled_accepts("validator_tests", data)


def validate(data: Any) -> list[SchemaFinding]:
    """Schema findings for a policy-test file (empty when every test can be built)."""
    findings: list[SchemaFinding] = []
    accepted = _accepts(data)
    errors = [] if accepted else _validator().iter_errors(data)
    for error in sorted(errors, key=lambda e: list(map(str, e.path))):
        path = tuple(error.path)
        if error.validator == "additionalProperties":
            known = _properties_at(path)
            for name in error.instance:
                if name not in known:
                    findings.append(
                        SchemaFinding(
                            "SCH002",
                            (*path, name),
                            f"unknown property '{name}' in a policy-test file "
                            f"(expected one of: {', '.join(known)})",
                            at_key=True,
                        )
                    )
            continue
        if error.validator == "required" and _misspelled(path, error.instance) & {
            name for name in error.validator_value if error.message.startswith(repr(name))
        }:
            continue  # its SCH002 names the misspelling: one error, one finding
        message = _message(error)
        if message is not None:
            findings.append(SchemaFinding("SCH001", path, message))
    tests = data.get("tests") if isinstance(data, dict) else None
    if isinstance(tests, list):
        for index, test in enumerate(tests):
            if isinstance(test, dict):
                # An accepted file has no unknown key to misspell (additionalProperties is
                # false): its schema is not even loaded (importlib.resources, ~5 ms per lint).
                misspelled = set() if accepted else _misspelled(("tests", index), test)
                findings.extend(
                    finding
                    for finding in _combinations(index, test)
                    if not any(f"'{name}'" in finding.message for name in misspelled)
                )
    return findings


def _misspelled(path: Sequence[Any], instance: Any) -> set[str]:
    """The known properties that unknown keys of ``instance`` (at ``path``) misspell."""
    if not isinstance(instance, dict):
        return set()
    known = list(_properties_at(path))
    found = (suggest_property(key, known) for key in instance if key not in known)
    return {name for _, name in filter(None, found)}


def _combinations(index: int, test: Mapping[str, Any]) -> Iterator[SchemaFinding]:
    """Which properties go together (what the schema's oneOf says, with a useful message)."""
    at: tuple[Any, ...] = ("tests", index)
    if "invite" in test:
        for name in SIGN_IN_ONLY:
            if name in test:
                yield SchemaFinding(
                    "SCH001", (*at, name), f"{name} does not apply to an invite test", at_key=True
                )
        invite = test["invite"]
        if isinstance(invite, str):
            try:
                email_domain(invite, "invite")
            except B2BLintError as error:
                yield SchemaFinding("SCH001", (*at, "invite"), error.message)
        return
    for name in ("partner", "kind"):
        if name not in test:
            yield SchemaFinding(
                "SCH001", at, f"a test needs '{name}' (or 'invite' for an invitation)"
            )
    kind, direction = test.get("kind"), test.get("direction")
    if kind == AccessKind.TENANT_RESTRICTIONS.value and direction is not None:
        yield SchemaFinding(
            "SCH001",
            (*at, "direction"),
            "tenant-restrictions has no direction; remove it",
            at_key=True,
        )
    if (
        kind in (AccessKind.B2B_COLLABORATION.value, AccessKind.B2B_DIRECT_CONNECT.value)
        and direction is None
    ):
        yield SchemaFinding("SCH001", at, f"a {kind} test needs 'direction' (inbound or outbound)")
    user_type = test.get("userType")
    if isinstance(user_type, str) and isinstance(kind, str):
        from b2blint.access.simulate import USER_TYPES_FOR

        allowed = next((v for k, v in USER_TYPES_FOR.items() if k.value == kind), ())
        if user_type not in allowed:
            yield SchemaFinding(
                "SCH001",
                (*at, "userType"),
                f"userType {user_type} does not make a {kind} sign-in across tenants "
                f"(for {kind}: {', '.join(allowed) or 'none'})",
            )


# ---------------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class TestCase:
    """One expectation as written: where it is, its name, and what it expects."""

    ref: Ref  # the test's mapping
    name: str
    spec: Mapping[str, Any]

    @property
    def expect(self) -> str:
        return str(self.spec.get("expect"))

    @property
    def expect_error(self) -> str | None:
        error = self.spec.get("error")
        return error if isinstance(error, str) else None

    @property
    def expect_ref(self) -> Ref:
        return self.ref.child("expect")


@dataclasses.dataclass(frozen=True)
class TestResult:
    """A case and what the simulator said (or why it could not run)."""

    case: TestCase
    verdict: Verdict | None
    problem: str | None = None  # the test cannot run (e.g. no such partner)
    problem_ref: Ref | None = None

    @property
    def passed(self) -> bool:
        if self.verdict is None:
            return False
        if self.verdict.verdict != self.case.expect:
            return False
        wanted = self.case.expect_error
        return wanted is None or wanted == self.verdict.error

    def detail(self) -> str:
        """What went wrong: ``failed: expected ..., got ...: <reason>`` or ``cannot run: ...``."""
        if self.passed:
            return ""
        if self.verdict is None:
            return f"cannot run: {self.problem}"
        got = self.verdict
        if got.verdict != self.case.expect:
            error = f" ({got.error})" if got.error else ""
            return f"failed: expected {self.case.expect}, got {got.verdict}{error}: {got.reason}"
        got_error = got.error or "none"
        return f"failed: expected error {self.case.expect_error}, got {got_error}: {got.reason}"

    def failure(self) -> str:
        """Why the test failed, in one sentence naming it (empty when it passed)."""
        return f"policy test '{self.case.name}' {self.detail()}" if not self.passed else ""


def cases(document: Document) -> list[TestCase]:
    """The test cases of a (valid) policy-test document, in file order."""
    data = document.data if isinstance(document.data, dict) else {}
    tests = data.get("tests")
    found: list[TestCase] = []
    if not isinstance(tests, list):
        return found
    root = Ref(document, ())
    for index, spec in enumerate(tests):
        if isinstance(spec, dict):
            name = spec.get("name")
            found.append(
                TestCase(
                    root.child("tests", index), str(name) if name else f"test {index + 1}", spec
                )
            )
    return found


def _subject(spec: Mapping[str, Any]) -> Subject:
    groups = [g for g in spec.get("groups") or () if isinstance(g, str)]
    if isinstance(spec.get("group"), str):
        groups.append(spec["group"])
    user = spec.get("user")
    return Subject(
        user.lower() if isinstance(user, str) else None, frozenset(g.lower() for g in groups)
    )


def question(spec: Mapping[str, Any]) -> Question | InviteQuestion:
    """The simulator question a test asks (the spec must be valid, see `validate`)."""
    partner = spec.get("partner")
    if isinstance(spec.get("invite"), str):
        return InviteQuestion(
            spec["invite"], partner if isinstance(partner, str) else None, _subject(spec)
        )
    kind = AccessKind(spec["kind"])
    direction = Direction(spec["direction"]) if isinstance(spec.get("direction"), str) else None
    app = spec.get("app")
    return Question(
        str(partner),
        kind,
        direction,
        _subject(spec),
        parse_app(app, "app") if isinstance(app, str) else None,
        spec["mfaRequired"] if isinstance(spec.get("mfaRequired"), bool) else None,
        spec["userType"] if isinstance(spec.get("userType"), str) else None,
    )


def ask(policy: Policy, asked: Question | InviteQuestion) -> Verdict:
    if isinstance(asked, InviteQuestion):
        return simulate_invite(policy, asked)
    return simulate(policy, asked)


def run_case(policy: Policy, case: TestCase) -> TestResult:
    """Ask the simulator; a question it refuses (unknown partner) is a test that cannot run."""
    try:
        return TestResult(case, ask(policy, question(case.spec)))
    except (B2BLintError, KeyError, ValueError) as error:
        message = error.message if isinstance(error, B2BLintError) else str(error)
        message = message.removeprefix("--partner: ").removeprefix("--direction ")
        where = case.ref.child("partner") if "partner" in case.spec else case.ref
        return TestResult(case, None, message, where)


def run_document(policy: Policy, document: Document) -> list[TestResult]:
    return [run_case(policy, case) for case in cases(document)]


@dataclasses.dataclass(frozen=True)
class VerdictChange:
    """A policy test whose answer differs between two policies."""

    case: TestCase
    before: TestResult
    after: TestResult


def _state(result: TestResult) -> tuple[str, str | None]:
    if result.verdict is None:
        return "cannot run", None
    return result.verdict.verdict, result.verdict.error


def verdict_changes(
    before: Policy, after: Policy, documents: Sequence[Document]
) -> list[VerdictChange]:
    """The tests of ``documents`` whose verdict (or error) differs from ``before`` to ``after``.

    A test that appears in several documents under the same name (the base and the head copy
    of one file) is asked once, from the first document that has it.
    """
    seen: set[str] = set()
    changes: list[VerdictChange] = []
    for document in documents:
        for case in cases(document):
            if case.name in seen:
                continue
            seen.add(case.name)
            was, now = run_case(before, case), run_case(after, case)
            if _state(was) != _state(now):
                changes.append(VerdictChange(case, was, now))
    return changes


def state_words(result: TestResult) -> str:
    verdict, error = _state(result)
    return f"{verdict} ({error})" if error and verdict != "allowed" else verdict
