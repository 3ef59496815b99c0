"""``b2blint apply``: make the live tenant match the YAML (lint, plan, confirm, write, verify).

Exit codes (docs/graph.md): 0 converged (or nothing to do); 1 failed or refused before any
write (lint errors, a token for another tenant, a missing permission, a stale or edited plan,
no confirmation); 3 partial: at least one write landed and another failed. ``--report FILE``
records every operation with its request ids, whatever the exit code.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from b2blint.commands._graph import (
    graph_options,
    lint_gate,
    open_session,
    progress_logger,
    reading_progress,
)
from b2blint.commands._options import common_options, config_option, detail
from b2blint.commands._progress import progress
from b2blint.errors import EXIT_FAILED, EXIT_INTERNAL, B2BLintError
from b2blint.redact import redact


@click.command("apply")
@click.argument("path", required=False, type=click.Path())
@click.option(
    "--plan",
    "plan_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Apply exactly this saved plan (from `plan --out`); refused if stale or edited.",
)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (CI).")
@click.option(
    "--prune", is_flag=True, help="Also delete live partners that the YAML does not declare."
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 32),
    default=4,
    show_default=True,
    help="Independent partners written at once.",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write a JSON apply report (operations, request ids, hashes), whatever the outcome.",
)
@graph_options
@config_option
@common_options
def apply_command(
    *,
    path: str | None,
    plan_file: Path | None,
    yes: bool,
    prune: bool,
    concurrency: int,
    report_path: Path | None,
    graph_url: str | None,
    auth: str | None,
    cloud: str | None,
    config_file: str | None,
) -> int:
    """Apply the policy YAML at PATH (default: policies/) to the live tenant."""
    from b2blint.tenant.apply import now_iso, report

    run = _Run(started=now_iso())
    try:
        code = _apply(
            run,
            path=path,
            plan_file=plan_file,
            yes=yes,
            prune=prune,
            concurrency=concurrency,
            graph_url=graph_url,
            auth=auth,
            cloud=cloud,
            config_file=config_file,
        )
    except B2BLintError as error:
        run.result = "refused" if not run.results else "failed"
        run.exit_code = error.exit_code
        run.message = redact(error.message)
        raise
    except BaseException as error:
        run.result = "error"
        run.exit_code = EXIT_INTERNAL
        run.message = redact(f"{type(error).__name__}: {error}")
        raise
    else:
        run.exit_code = code
        return code
    finally:
        if report_path is not None:
            from b2blint.files.fsutil import atomic_write_text

            data = report(
                tenant_id=run.tenant_id,
                cloud=run.cloud,
                started=run.started,
                result=run.result,
                exit_code=run.exit_code,
                message=run.message,
                plan=run.plan,
                plan_hash=run.plan_hash,
                results=run.results,
                verification=run.verification,
                hashes_before=run.before,
                hashes_after=run.after,
                requests=run.requests,
                writes=run.writes,
            )
            atomic_write_text(
                report_path, redact(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"
            )


class _Run:
    """What the report needs, filled in as the apply goes."""

    def __init__(self, started: str) -> None:
        self.started = started
        self.tenant_id: str | None = None
        self.cloud: str | None = None
        self.result = "refused"
        self.exit_code = EXIT_FAILED
        self.message: str | None = None
        self.plan: Any = None
        self.plan_hash: str | None = None
        self.results: list[Any] = []
        self.verification: list[Any] = []
        self.before: dict[str, str] = {}
        self.after: dict[str, str] = {}
        self.requests = 0
        self.writes = 0


def _load_plan(plan_file: Path) -> tuple[Any, str]:
    from b2blint.tenant.plan import PlanFileError, plan_from_dict

    try:
        data = json.loads(plan_file.read_text(encoding="utf-8"))
    except OSError as error:
        raise PlanFileError(f"{plan_file}: cannot read: {error.strerror or error}") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise PlanFileError(f"{plan_file}: not a JSON plan file ({error})") from None
    plan = plan_from_dict(data, str(plan_file))
    return plan, str(data["planHash"])


def _confirm(yes: bool) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        raise B2BLintError(
            "apply needs a confirmation and there is no terminal to ask: pass --yes "
            "(after reviewing the plan above)",
            exit_code=EXIT_FAILED,
        )
    if not click.confirm("Apply these changes to the live tenant?", default=False, err=True):
        raise B2BLintError("not applied: not confirmed", exit_code=EXIT_FAILED)


def _needed_permissions(plan: Any) -> list[str]:
    from b2blint.tenant.auth import permission_for

    return sorted({p for op in plan.operations if (p := permission_for(op.method, op.path))})


def _apply(
    run: _Run,
    *,
    config_file: str | None,
    path: str | None,
    plan_file: Path | None,
    yes: bool,
    prune: bool,
    concurrency: int,
    graph_url: str | None,
    auth: str | None,
    cloud: str | None,
) -> int:
    from b2blint.graph.kinds import ResourceKind
    from b2blint.tenant.apply import Executor, Verification, applied_objects, outcome, verify
    from b2blint.tenant.auth import check_permissions
    from b2blint.tenant.live import LiveTenant, read_live
    from b2blint.tenant.plan import (
        beta_kinds,
        build_plan,
        needed_kinds,
        plan_to_dict,
        stale_objects,
    )
    from b2blint.tenant.planformat import render_text

    saved = None
    if plan_file is not None:
        saved, run.plan_hash = _load_plan(plan_file)
        if prune and not saved.prune:
            raise B2BLintError(
                f"{plan_file} was made without --prune; run plan --prune", exit_code=EXIT_FAILED
            )
    sources: Sequence[str] = [path] if path else (list(saved.sources) if saved else ["policies"])
    lint = lint_gate(sources, config_file)
    policy = lint.policy
    data = policy.to_data()
    tenant_id: str = policy.tenant_id
    run.tenant_id = tenant_id
    if saved is not None:
        from b2blint.tenant.plan import yaml_hash

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
    cloud_name = cloud or (saved.cloud if saved else policy.tenant_cloud)
    run.cloud = cloud_name
    log = progress_logger()
    session = open_session(tenant_id, cloud_name, graph_url, auth)
    client = session.client
    try:
        kinds = {ResourceKind(k) for k in saved.read_kinds} if saved else needed_kinds(data)
        beta = {ResourceKind(k) for k in saved.beta_kinds} if saved else beta_kinds(data)
        live: LiveTenant | None = None
        if saved is None:
            with reading_progress(client):
                live = read_live(client, kinds, beta=beta)
            plan = build_plan(
                data,
                live,
                tenant_id=tenant_id,
                cloud=session.cloud,
                prune=prune,
                sources=list(sources),
            )
            run.plan_hash = str(plan_to_dict(plan)["planHash"])
        else:
            plan = saved
        run.plan = plan
        tenant_name = policy.section_value("tenant").get("name")
        click.echo(
            render_text(plan, tenant_name if isinstance(tenant_name, str) else None), nl=False
        )
        if not plan.has_changes:
            run.result = "no-changes"
            return 0
        _confirm(yes)
        check_permissions(session.token, _needed_permissions(plan), "apply this plan")
        # A saved plan, or one a person took time to read, is checked against the tenant again;
        # a plan made a moment ago in this run with --yes was read just now.
        if saved is None and yes and live is not None:
            current = live
        else:
            with reading_progress(client, "Re-reading the live tenant"):
                current = read_live(client, kinds, beta=beta)
        run.before = {key: current.hash_of(key) for key in plan.live_hashes}
        stale = stale_objects(plan, current)
        if stale:
            raise B2BLintError(
                "the live tenant changed since the plan was made ("
                + ", ".join(stale[:5])
                + (", ..." if len(stale) > 5 else "")
                + "); nothing was written; run b2blint plan again",
                exit_code=EXIT_FAILED,
            )
        writes_before = client.writes_sent
        with progress("Applying", total=len(plan.operations)) as bar:
            executor = Executor(
                client,
                plan,
                concurrency=concurrency,
                log=progress_logger(bar),
                on_operation=lambda result: bar.advance(item=result.op.method),
            )
            run.results = executor.run()
        results = {r.op.index: r for r in run.results}
        done = applied_objects(plan, results)

        def reread() -> tuple[Any, Any]:
            fresh = read_live(client, kinds, beta=beta)
            return fresh, build_plan(
                data,
                fresh,
                tenant_id=tenant_id,
                cloud=session.cloud,
                prune=plan.prune,
                sources=list(sources),
            )

        checks, after = verify(done, reread, log=log) if done else ([], None)
        failed_objects = [obj for obj in plan.objects if obj not in done]
        for obj in failed_objects:
            statuses = {results[op.index].status for op in obj.operations}
            checks.append(
                Verification(
                    obj.key, obj.label, "failed" if "failed" in statuses else "not-attempted"
                )
            )
        run.verification = checks
        if after is not None:
            run.after = {key: after.hash_of(key) for key in plan.live_hashes}
        run.result, code = outcome(run.results)
        run.writes = client.writes_sent - writes_before
        click.echo(_summary(run.results, checks), nl=False)
        return code
    finally:
        run.requests = client.requests_sent
        detail(f"{client.requests_sent} requests to Graph ({client.writes_sent} writes)")
        session.close()


def _summary(results: Sequence[Any], checks: Sequence[Any]) -> str:
    applied = [r for r in results if r.status == "applied"]
    failed = [r for r in results if r.status == "failed"]
    skipped = [r for r in results if r.status == "not-attempted"]
    unconfirmed = [v for v in checks if v.status == "unconfirmed"]
    lines = [
        "",
        f"Applied {len(applied)} of {len(results)} operations"
        + (f", {len(failed)} failed, {len(skipped)} not attempted" if failed or skipped else "")
        + ".",
    ]
    for r in failed:
        error = r.error or {}
        ids = ", ".join(
            f"{k} {v}"
            for k, v in (
                ("request-id", r.request_id),
                ("client-request-id", r.client_request_id),
                ("date", r.date),
            )
            if v
        )
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
    if not failed and not unconfirmed:
        lines.append("Verified: the live tenant matches the YAML.")
    return redact("\n".join(lines)) + "\n"
