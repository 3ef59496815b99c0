"""``--format junit``: JUnit XML for the test tabs of Azure DevOps and GitLab.

With profiles (``lint --profile``, ``audit``), first a ``testsuite`` per profile with one
test case per control x tenant (``name`` ``MS.AAD.8.2 <title>``, ``classname`` the tenant): a
failed control fails with its findings (or its reason when it failed without one), a control
not checked is ``skipped`` with why; then the other rules per file as below.

Without profiles, one test case per rule x file: a ``testsuite`` per linted file (``name`` and
``package`` the file), a ``testcase`` per rule that ran (``name`` ``XTA003
direct-connect-without-mfa-trust``, ``classname`` the file). A test case fails when the rule
reported anything in that file; the ``failure`` carries every such finding (``type`` the worst
severity: warnings fail the case too, JUnit has no warning) as ``file:line:col: RULE [severity]
message`` lines. A file that did not parse, or whose shape the schema rejects, was not checked
by the rules: their cases are ``skipped`` with the reason, never passed.

The document is valid against the two schemas CI tools follow: the Apache Ant schema as
published by Windy Road (``testsuites`` without attributes; per suite ``id``, ``package``,
``timestamp`` without time zone, ``hostname``, ``properties``, ``system-out``, ``system-err``)
and Jenkins' xunit ``junit-10.xsd`` (tests/report/test_junit.py checks both). Times are 0: a
rule's time per file is not measured. ``hostname`` is ``localhost`` (the run's machine says
nothing about the tenant, and the bytes stay reproducible); the date is the context's, in UTC.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from b2blint.diagnostics import Diagnostic, Severity
from b2blint.report.context import ReportContext, default_context, tenant_of
from b2blint.report.xmltext import xml_text

if TYPE_CHECKING:
    from b2blint.lint.engine import LintResult
    from b2blint.rules._rule import Rule

#: Schema findings after which the rules did not see a document (as in the engine).
_STRUCTURAL = frozenset({"SCH001", "SCH002"})


class Case(NamedTuple):
    """One test case: its name, class, and a failure (findings) or a skip reason."""

    name: str
    classname: str
    findings: tuple[Diagnostic, ...] = ()
    skipped: str | None = None
    reason: str | None = None  # a failure without findings (a control failed by absence)

    @property
    def failed(self) -> bool:
        return bool(self.findings) or self.reason is not None


class Suite(NamedTuple):
    name: str
    cases: tuple[Case, ...]


def finding_line(d: Diagnostic) -> str:
    return f"{d.file}:{d.line}:{d.column}: {d.rule_id} [{d.severity.value}] {d.message}"


def _files(result: LintResult) -> list[str]:
    files = list(dict.fromkeys(result.files))
    seen = set(files)
    for d in result.diagnostics:
        if d.file not in seen:
            seen.add(d.file)
            files.append(d.file)
    return files


def rule_file_suites(
    result: LintResult, rules: Sequence[Rule], context: ReportContext
) -> list[Suite]:
    """A suite per file, a case per rule that ran (module docstring)."""
    from b2blint.rules._rule import Visit

    ran = [rule for rule in rules if context.ran(rule.id)]
    by_place: dict[tuple[str, str], list[Diagnostic]] = {}
    for d in result.diagnostics:
        by_place.setdefault((d.file, d.rule_id), []).append(d)
    loaded = {document.path for document in result.documents}
    rejected = {d.file for d in result.diagnostics if d.rule_id in _STRUCTURAL}
    suites = []
    for file in _files(result):
        unchecked = (
            "the file did not parse: the rules did not check it"
            if file not in loaded
            else "the schema rejected the file's shape: the rules did not check it"
            if file in rejected
            else None
        )
        cases = []
        for rule in ran:
            found = tuple(by_place.get((file, rule.id), ()))
            skip = None if found or rule.visits is Visit.BUILTIN else unchecked
            cases.append(Case(f"{rule.id} {rule.name}", file, found, skip))
        suites.append(Suite(file, tuple(cases)))
    return suites


def _case_xml(case: Case) -> list[str]:
    head = f'<testcase name="{xml_text(case.name)}" classname="{xml_text(case.classname)}" time="0"'
    if case.findings:
        worst = max(case.findings, key=lambda d: d.severity.rank).severity
        count = len(case.findings)
        message = (
            case.findings[0].message
            if count == 1
            else f"{count} findings; first: {case.findings[0].message}"
        )
        lines = []
        for d in case.findings:
            lines.append(xml_text(finding_line(d)))
            lines += [
                xml_text(f"  related: {r.location.file}:{r.location.position.line}: {r.message}")
                for r in d.related
            ]
        text = "\n".join(lines)
        return [
            f"{head}>",
            f'<failure message="{xml_text(message)}" type="{worst.value}">{text}</failure>',
            "</testcase>",
        ]
    if case.reason is not None:
        reason = xml_text(case.reason)
        return [
            f"{head}>",
            f'<failure message="{reason}" type="error">{reason}</failure>',
            "</testcase>",
        ]
    if case.skipped is not None:
        return [f"{head}>", f'<skipped message="{xml_text(case.skipped)}"/>', "</testcase>"]
    return [f"{head}/>"]


def control_suites(result: LintResult, context: ReportContext) -> list[Suite]:
    """A suite per profile, a case per control x tenant (``classname`` the tenant).

    A failed control carries its findings, or, when it failed without one (``audit``: a
    section the tenant does not have), its reason; a control not checked is skipped with why.
    """
    tenant_id, tenant_name = tenant_of(result, context)
    tenant = f"{tenant_name} ({tenant_id})" if tenant_name and tenant_id else tenant_id
    tenant = tenant or tenant_name or "tenant"
    suites: dict[str, list[Case]] = {}
    for verdict in context.controls:
        control = verdict.control
        case = Case(f"{control.id} {control.title}", tenant, verdict.findings)
        if verdict.status == "failed" and not verdict.findings:
            case = case._replace(reason=verdict.reason or "failed")
        elif verdict.status == "not-checked":
            case = case._replace(skipped=f"not checked: {verdict.reason}")
        suites.setdefault(control.profile, []).append(case)
    return [Suite(name, tuple(cases)) for name, cases in suites.items()]


def render(
    result: LintResult, rules: Sequence[Rule], *, context: ReportContext | None = None
) -> str:
    context = context or default_context()
    if not context.controls:
        return render_suites(result, rule_file_suites(result, rules, context), context)
    # Profiles ran: the controls first, then the other rules per file (the profile rules'
    # findings are already in their controls' cases).
    others = [rule for rule in rules if not rule.controls]
    suites = control_suites(result, context) + rule_file_suites(result, others, context)
    return render_suites(result, suites, context)


def render_suites(result: LintResult, suites: Sequence[Suite], context: ReportContext) -> str:
    """The XML document for ``suites`` (also used for profile suites: control x tenant)."""
    tenant_id, tenant_name = tenant_of(result, context)
    timestamp = context.generated.strftime("%Y-%m-%dT%H:%M:%S")
    properties = [
        ("b2blint.version", context.version),
        ("source", context.source),
        ("tenant.id", tenant_id or ""),
        ("tenant.name", tenant_name or ""),
        ("generated", context.generated.strftime("%Y-%m-%dT%H:%M:%SZ")),
        ("errors", str(result.count(Severity.ERROR))),
        ("warnings", str(result.count(Severity.WARNING))),
    ]
    props = [f'<property name="{k}" value="{xml_text(v)}"/>' for k, v in properties]
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<testsuites>"]
    for number, suite in enumerate(suites):
        failures = sum(1 for case in suite.cases if case.failed)
        skipped = sum(1 for case in suite.cases if not case.failed and case.skipped is not None)
        name = xml_text(suite.name)
        out.append(
            f'<testsuite name="{name}" package="{name}" id="{number}" tests="{len(suite.cases)}" '
            f'failures="{failures}" errors="0" skipped="{skipped}" time="0" '
            f'timestamp="{timestamp}" hostname="localhost">'
        )
        out += ["<properties>", *props, "</properties>"]
        for case in suite.cases:
            out += _case_xml(case)
        out += ["<system-out/>", "<system-err/>", "</testsuite>"]
    out.append("</testsuites>")
    return "\n".join(out) + "\n"
