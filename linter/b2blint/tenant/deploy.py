"""The apply use case: lint gate, plan, confirm, re-read, stale check, execute, verify.

It lives here, not in the click command, so that it can be driven and tested without a
terminal (octodns' ``Manager.sync`` is the model): the command parses options, supplies the
callbacks (confirmation, logging, progress display, how to show lint findings and the plan)
and prints. Nothing here imports click.

Exit codes (docs/graph.md): 0 converged (or nothing to do); 1 failed or refused before any
write; 3 partial: at least one write landed and another failed. `ApplyRecord` is filled in as
the run goes, so the report (`write_report`) says what really happened whatever the ending.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import NoReturn

from b2blint.errors import EXIT_FAILED, B2BLintError
from b2blint.lint.engine import LintResult
from b2blint.lint.tree import default_path
from b2blint.printable import printable
from b2blint.redact import redact
from b2blint.tenant.apply import OpResult, Verification, now_iso, partner_precheck
from b2blint.tenant.auth import TokenInfo, TokenSource
from b2blint.tenant.client import GraphClient, request_ids
from b2blint.tenant.live import LiveTenant
from b2blint.tenant.plan import ObjectPlan, Plan


class LintGateError(B2BLintError):
    """The tree has error-level findings: nothing may be read from or written to Graph."""

    def __init__(self, message: str, result: LintResult) -> None:
        super().__init__(message, exit_code=EXIT_FAILED)
        self.result = result


@dataclasses.dataclass(frozen=True)
class GatePassed:
    """A tree that passed the lint gate, and the tenant it is for."""

    result: LintResult
    tenant_id: str


def lint_gate(paths: Sequence[str], config_file: str | None = None) -> GatePassed:
    """Lint the tree; refuse (exit 1) on any error-level finding (`LintGateError` carries them).

    Then, whatever the config and the comments say, refuse a tree in which a policy file did
    not fully load (`unloaded`): the model would be built without it, and apply would write a
    tenant that silently lacks what the file declares (attack F32).
    """
    from b2blint.lint.config import load_config
    from b2blint.lint.tree import lint_tree

    try:
        config = load_config(config_file)
    except B2BLintError as error:
        raise B2BLintError(error.message, exit_code=EXIT_FAILED) from None
    result = lint_tree(paths, config)
    if result.exit_code() != 0:
        raise LintGateError(
            f"{', '.join(paths)} has lint errors (above); fix them before talking to Graph",
            result,
        )
    problem = unloaded(result, config.api_version)
    if problem is not None:
        raise B2BLintError(
            f"{problem}; apply needs every policy file fully loaded (a suppression or the "
            "config cannot waive this)",
            exit_code=EXIT_FAILED,
        )
    tenant_id = result.policy.tenant_id
    if tenant_id is None:
        raise B2BLintError(
            f"{', '.join(paths)}: no tenant.id; the tree must say which tenant it is for",
            exit_code=EXIT_FAILED,
        )
    return GatePassed(result, tenant_id)


def unloaded(result: LintResult, api_version: str = "v1.0") -> str | None:
    """``file:line:col: RULE message`` of the first file that did not fully load, or None.

    Checked apart from the findings (which a config may turn off or down to a warning): every
    discovered file must have parsed, and every policy document must pass the structural
    schema checks that decide whether the model includes it.
    """
    from b2blint.lint.config import Config
    from b2blint.lint.engine import schema_pass
    from b2blint.lint.suppressions import UNLOADABLE
    from b2blint.policy.model import is_test_document

    parsed = {document.path for document in result.documents}
    for name in result.files:
        if name not in parsed:
            return f"{name}: does not parse as YAML (run b2blint lint)"
    policy_documents = [d for d in result.documents if not is_test_document(d)]
    _, found = schema_pass(policy_documents, Config(api_version=api_version))
    for diagnostic in found:
        if diagnostic.rule_id in UNLOADABLE:
            where = f"{diagnostic.file}:{diagnostic.line}:{diagnostic.column}"
            return f"{where}: {diagnostic.rule_id} {diagnostic.message}"
    return None


@dataclasses.dataclass
class Session:
    """An authenticated Graph client for one tenant."""

    client: GraphClient
    tenant_id: str
    cloud: str
    token: TokenInfo
    source: TokenSource

    def close(self) -> None:
        self.client.close()


def connect(
    tenant_id: str,
    cloud_name: str,
    graph_url: str | None,
    auth: str | None,
    log: Callable[[str], None] | None = None,
) -> Session:
    """Get a token, check it is for ``tenant_id``, and connect (nothing is sent to Graph yet)."""
    from b2blint.tenant.auth import check_tenant, token_info, token_source
    from b2blint.tenant.clouds import get_cloud, graph_root

    cloud = get_cloud(cloud_name)
    root = graph_root(cloud, graph_url)
    source = token_source(auth, tenant_id, cloud)
    info = token_info(source)
    check_tenant(info, tenant_id, source)
    client = GraphClient(root, source, log=log)
    return Session(client, tenant_id, cloud.name, info, source)


@dataclasses.dataclass(frozen=True)
class OperationProgress:
    """What the executor reports to while it writes: log lines, and each finished operation."""

    log: Callable[[str], None]
    on_operation: Callable[[OpResult], None]


def _no_reading(_client: GraphClient, _label: str) -> AbstractContextManager[None]:
    return contextlib.nullcontext()


@contextlib.contextmanager
def _no_applying(_total: int) -> Iterator[OperationProgress]:
    yield OperationProgress(lambda _line: None, lambda _result: None)


@dataclasses.dataclass(frozen=True)
class Hooks:
    """How the use case talks to whoever runs it (a terminal, a test)."""

    #: Refuse (raise B2BLintError) unless the person or ``--yes`` agreed to write.
    confirm: Callable[[], None]
    #: Show the plan before confirming (tenant name from the YAML, if any).
    show_plan: Callable[[Plan, str | None], None] = lambda _plan, _name: None
    #: Show the findings of a tree that failed the lint gate.
    lint_errors: Callable[[LintResult], None] = lambda _result: None
    #: Progress lines (verification, failures).
    log: Callable[[str], None] = lambda _line: None
    #: A progress display around a read of the tenant.
    reading: Callable[[GraphClient, str], AbstractContextManager[None]] = _no_reading
    #: A progress display around the writes (total operations); yields where to report.
    applying: Callable[[int], AbstractContextManager[OperationProgress]] = _no_applying


@dataclasses.dataclass(frozen=True)
class ApplyRequest:
    """The options of one apply."""

    path: str | None = None
    plan_file: Path | None = None
    prune: bool = False
    concurrency: int = 4
    graph_url: str | None = None
    auth: str | None = None
    cloud: str | None = None
    config_file: str | None = None
    #: True when no person reviewed the plan (``--yes``): a plan made a moment ago is current.
    unattended: bool = False
    #: Log for the Graph client (``-v``).
    request_log: Callable[[str], None] | None = None
    #: The report file: checked writable before the first write.
    report_path: Path | None = None
    #: Set (by a signal handler) to stop launching writes; in-flight requests finish.
    stop: threading.Event | None = None
    #: Which signal set ``stop`` (for the message), e.g. "SIGINT".
    signal_name: Callable[[], str] = lambda: "a signal"


@dataclasses.dataclass
class ApplyRecord:
    """What the report needs, filled in as the apply goes (whatever its ending)."""

    started: str = dataclasses.field(default_factory=now_iso)
    tenant_id: str | None = None
    cloud: str | None = None
    result: str = "refused"
    exit_code: int = EXIT_FAILED
    message: str | None = None
    plan: Plan | None = None
    plan_hash: str | None = None
    results: list[OpResult] = dataclasses.field(default_factory=list)
    verification: list[Verification] = dataclasses.field(default_factory=list)
    before: dict[str, str] = dataclasses.field(default_factory=dict)
    after: dict[str, str] = dataclasses.field(default_factory=dict)
    #: True only when every managed object was read back after the writes and matched the YAML.
    verified: bool = False
    #: True once a Graph session was opened (requests and writes are then counted).
    connected: bool = False
    requests: int = 0
    writes: int = 0


def load_plan(plan_file: Path) -> tuple[Plan, str]:
    """A saved plan (``plan --out``) and its hash; `PlanFileError` (exit 1) if unusable."""
    from b2blint.tenant.plan import PlanFileError, plan_from_dict

    try:
        data = json.loads(plan_file.read_text(encoding="utf-8"))
    except OSError as error:
        raise PlanFileError(f"{plan_file}: cannot read: {error.strerror or error}") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise PlanFileError(f"{plan_file}: not a JSON plan file ({error})") from None
    plan = plan_from_dict(data, str(plan_file))
    return plan, str(data["planHash"])


def needed_permissions(plan: Plan) -> list[str]:
    """The permissions the plan's writes need (checked against the token before writing)."""
    from b2blint.tenant.auth import permission_for

    return sorted({p for op in plan.operations if (p := permission_for(op.method, op.path))})


def deploy(record: ApplyRecord, request: ApplyRequest, hooks: Hooks) -> int:
    """Make the live tenant match the YAML; the exit code (errors raise `B2BLintError`)."""
    from b2blint.graph.kinds import ResourceKind
    from b2blint.tenant.apply import Executor, applied_objects, outcome, verify
    from b2blint.tenant.auth import check_permissions
    from b2blint.tenant.live import read_live
    from b2blint.tenant.plan import (
        beta_kinds,
        build_plan,
        needed_kinds,
        plan_to_dict,
        stale_objects,
        yaml_hash,
    )

    saved: Plan | None = None
    plan_file = request.plan_file
    if plan_file is not None:
        saved, record.plan_hash = load_plan(plan_file)
        if request.prune and not saved.prune:
            raise B2BLintError(
                f"{plan_file} was made without --prune; run plan --prune", exit_code=EXIT_FAILED
            )
    sources: list[str] = (
        [request.path] if request.path else (list(saved.sources) if saved else [default_path()])
    )
    try:
        gate = lint_gate(sources, request.config_file)
    except LintGateError as error:
        hooks.lint_errors(error.result)
        raise
    policy = gate.result.policy
    data = policy.to_data()
    tenant_id = gate.tenant_id
    record.tenant_id = tenant_id
    if saved is not None:
        if saved.tenant_id.lower() != tenant_id.lower():
            raise B2BLintError(
                f"{plan_file} is for tenant {saved.tenant_id}, the YAML for {tenant_id}",
                exit_code=EXIT_FAILED,
            )
        if saved.yaml_hash != yaml_hash(data):
            raise B2BLintError(
                f"the YAML in {', '.join(sources)} changed since {plan_file} was made; "
                "run b2blint plan again",
                exit_code=EXIT_FAILED,
            )
    cloud_name = request.cloud or (saved.cloud if saved else policy.tenant_cloud)
    record.cloud = cloud_name
    session = connect(tenant_id, cloud_name, request.graph_url, request.auth, request.request_log)
    client = session.client
    record.connected = True
    try:
        kinds = {ResourceKind(k) for k in saved.read_kinds} if saved else needed_kinds(data)
        beta = {ResourceKind(k) for k in saved.beta_kinds} if saved else beta_kinds(data)
        prune = saved.prune if saved else request.prune

        def plan_of(fresh: LiveTenant) -> Plan:
            """The plan for ``fresh``: this run's, and the read-back's (what still differs)."""
            return build_plan(
                data, fresh, tenant_id=tenant_id, cloud=session.cloud, prune=prune, sources=sources
            )

        live: LiveTenant | None = None
        if saved is None:
            with hooks.reading(client, "Reading the live tenant"):
                live = read_live(client, kinds, beta=beta)
            plan = plan_of(live)
            record.plan_hash = str(plan_to_dict(plan)["planHash"])
        else:
            plan = saved
        record.plan = plan
        tenant_name = policy.section_value("tenant").get("name")
        hooks.show_plan(plan, tenant_name if isinstance(tenant_name, str) else None)
        if not plan.has_changes:
            record.result = "no-changes"
            return 0
        hooks.confirm()
        check_permissions(session.token, needed_permissions(plan), "apply this plan")
        # A saved plan, or one a person took time to read, is checked against the tenant again;
        # a plan made a moment ago in this run with --yes was read just now.
        if saved is None and request.unattended and live is not None:
            current = live
        else:
            with hooks.reading(client, "Re-reading the live tenant"):
                current = read_live(client, kinds, beta=beta)
        record.before = {key: current.hash_of(key) for key in plan.live_hashes}
        stale = stale_objects(plan, current)
        if stale:
            raise B2BLintError(
                "the live tenant changed since the plan was made ("
                + ", ".join(stale[:5])
                + (", ..." if len(stale) > 5 else "")
                + "); nothing was written; run b2blint plan again",
                exit_code=EXIT_FAILED,
            )
        if request.report_path is not None:
            check_report_target(request.report_path)
        stop = request.stop or threading.Event()
        with hooks.applying(len(plan.operations)) as where:
            executor = Executor(
                client,
                plan,
                concurrency=request.concurrency,
                log=where.log,
                on_operation=where.on_operation,
                stop=stop,
                precheck=partner_precheck(client, plan),
            )
            # The record holds the executor's own results: whatever ends the run, the report
            # shows every operation's real outcome (attack F25 saw `operations: []`).
            record.results = [executor.results[op.index] for op in plan.operations]
            executor.run()
        results = {r.op.index: r for r in record.results}
        done = applied_objects(plan, results)
        if stop.is_set():
            _interrupted(record, done, request.signal_name())
        if executor.stale is not None:
            record.message = redact(
                f"stopped: {executor.stale}; is another apply running on this tenant? "
                "Serialise applies (CI concurrency group) and run b2blint plan again"
            )
            hooks.log(record.message)

        def reread() -> tuple[LiveTenant, Plan]:
            fresh = read_live(client, kinds, beta=beta)
            return fresh, plan_of(fresh)

        def pause(seconds: float) -> None:
            stop.wait(seconds)  # a signal cuts the wait short

        checks, after = verify(done, reread, log=hooks.log, sleep=pause) if done else ([], None)
        if stop.is_set():  # a signal during the read-back: what landed is not confirmed
            _interrupted(record, done, request.signal_name())
        failed_objects = [obj for obj in plan.objects if obj not in done]
        for obj in failed_objects:
            statuses = {results[op.index].status for op in obj.operations}
            checks.append(
                Verification(
                    obj.key, obj.label, "failed" if "failed" in statuses else "not-attempted"
                )
            )
        if after is not None:
            record.after = {key: after.hash_of(key) for key in plan.live_hashes}
            # "Verified" covers every managed object, not only the ones written: anything the
            # last read-back still plans to change (someone else's edit, a dropped file) says so.
            planned = {check.object for check in checks}
            for obj in plan_of(after).objects:
                if obj.key not in planned:
                    changes = tuple(c.name for op in obj.operations for c in op.changes)
                    checks.append(
                        Verification(obj.key, obj.label, "differs", changes or (obj.action,))
                    )
        record.verification = checks
        record.verified = after is not None and all(c.status == "confirmed" for c in checks)
        record.result, code = outcome(record.results)
        return code
    finally:
        record.requests = client.requests_sent
        record.writes = client.writes_sent
        session.close()


def _interrupted(record: ApplyRecord, done: Sequence[ObjectPlan], signal_name: str) -> NoReturn:
    """Stopped by a signal after the writes began: say exactly what landed; no read-back."""
    from b2blint.errors import EXIT_PARTIAL

    wrote = any(r.status == "applied" or r.maybe_committed for r in record.results)
    applied = sum(1 for r in record.results if r.status == "applied")
    skipped = sum(1 for r in record.results if r.status == "not-attempted")
    record.verification = [
        Verification(obj.key, obj.label, "unconfirmed", unread="interrupted") for obj in done
    ]
    record.result = "interrupted"
    record.exit_code = EXIT_PARTIAL if wrote else EXIT_FAILED
    record.message = (
        f"interrupted by {signal_name}: {applied} of {len(record.results)} operations applied, "
        f"{skipped} not attempted"
        + ("; run b2blint plan to see what is left" if wrote else "; nothing was written")
    )
    raise B2BLintError(record.message, exit_code=record.exit_code)


def check_report_target(path: Path) -> None:
    """Refuse (exit 1, before any write) a report path that cannot take the report.

    Attack F28: ``--report /proc/r.json`` failed only after the writes landed, with no report;
    a FIFO or a device node was replaced. `check_output_target` checks the target (through
    symlinks, which are kept) is absent or a writable regular file, and that its directory
    accepts a new file.
    """
    from b2blint.files.fsutil import check_output_target

    try:
        check_output_target(path)
    except B2BLintError as error:
        raise B2BLintError(
            f"--report {error.message}; nothing was written", exit_code=EXIT_FAILED
        ) from None


def write_report(record: ApplyRecord, path: Path) -> None:
    """The JSON apply report (docs/apply-report.schema.json), written atomically and redacted."""
    from b2blint.files.fsutil import atomic_write_text
    from b2blint.tenant.apply import report

    data = report(
        tenant_id=record.tenant_id,
        cloud=record.cloud,
        started=record.started,
        result=record.result,
        exit_code=record.exit_code,
        message=record.message,
        plan=record.plan,
        plan_hash=record.plan_hash,
        results=record.results,
        verification=record.verification,
        hashes_before=record.before,
        hashes_after=record.after,
        requests=record.requests,
        writes=record.writes,
    )
    atomic_write_text(path, redact(json.dumps(data, indent=2, ensure_ascii=False)) + "\n")


def summary_text(
    results: Sequence[OpResult], checks: Sequence[Verification], verified: bool
) -> str:
    """The closing lines: what was applied, what failed or was skipped, what is unconfirmed.

    "Verified" is said only when ``verified``: every managed object was read back and matched.
    """
    applied = [r for r in results if r.status == "applied"]
    failed = [r for r in results if r.status == "failed"]
    skipped = [r for r in results if r.status == "not-attempted"]
    stale = [r for r in results if r.status == "stale"]
    unconfirmed = [v for v in checks if v.status == "unconfirmed"]
    lines = [
        "",
        f"Applied {len(applied)} of {len(results)} operations"
        + (f", {len(failed)} failed" if failed or skipped or stale else "")
        + (f", {len(stale)} stale" if stale else "")
        + (f", {len(skipped)} not attempted" if failed or skipped or stale else "")
        + ".",
    ]
    for r in stale:
        lines.append(
            f"  stale: {r.op.index}. {r.op.method} /{r.op.api_version}{r.op.path}: {r.note}"
        )
    for r in failed:
        error = r.error or {}
        ids = request_ids(r.request_id, r.client_request_id, r.date)
        lines.append(
            f"  failed: {r.op.index}. {r.op.method} /{r.op.api_version}{r.op.path}: "
            f"{error.get('status') or ''} {error.get('code') or ''}: {error.get('message') or ''}"
            + (f" ({ids})" if ids else "")
            + (f"; {error['hint']}" if error.get("hint") else "")
        )
    for r in skipped:
        lines.append(f"  not attempted: {r.op.index}. {r.op.method} /{r.op.api_version}{r.op.path}")
    for v in unconfirmed:
        if v.unread:
            lines.append(
                f"  unconfirmed: {v.label}: written, but the tenant could not be read back "
                f"to check ({v.unread}); run b2blint plan later"
            )
            continue
        lines.append(
            f"  unconfirmed: {v.label}: the read-back still differs ({', '.join(v.remaining)}); "
            "Graph may not show the write yet (replication lag); run b2blint plan later"
        )
    for v in checks:
        if v.status == "differs":
            lines.append(
                f"  differs: {v.label}: the read-back differs from the YAML "
                f"({', '.join(v.remaining)}); run b2blint plan"
            )
    if verified:
        lines.append("Verified: the live tenant matches the YAML.")
    elif not failed and not unconfirmed and not stale:
        lines.append("Not verified: the live tenant does not match the YAML (above).")
    # One line each, whatever a YAML name or a Graph message holds (F18/F20).
    return redact("\n".join(printable(line) for line in lines)) + "\n"
