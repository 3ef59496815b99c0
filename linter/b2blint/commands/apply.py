"""``b2blint apply``: make the live tenant match the YAML (lint, plan, confirm, write, verify).

Exit codes (README "Exit codes", docs/graph.md): 0 converged (or nothing to do); 1 failed or
refused before any write (lint errors, Graph unreachable, 401/403, a token for another tenant,
a missing permission, a stale or edited plan, no confirmation, an unwritable report path,
SIGINT/SIGTERM before the writes, stdout closed while the plan was shown, a bad --config);
2 bad usage (a bad option or value, a missing path: nothing was sent to Graph); 3 partial: at
least one write landed and then another failed, an object was stale, or a signal stopped the
writes. A stdout closed after the writes (``| head``) changes no code: the outcome stands.
``--report FILE`` records every operation with its request ids, whatever the exit code. The
use case itself is `b2blint.tenant.deploy`; this command parses, prints, and turns signals
into a stop request.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

import click

from b2blint.commands._graph import (
    graph_options,
    progress_logger,
    reading_progress,
    show_lint_errors,
    stderr_logger,
)
from b2blint.commands._options import common_options, config_option, detail, tenant_option
from b2blint.errors import EXIT_FAILED, EXIT_INTERNAL, EXIT_PARTIAL, B2BLintError
from b2blint.printable import printable
from b2blint.redact import redact

if TYPE_CHECKING:
    from b2blint.tenant.deploy import ApplyRecord, OperationProgress
    from b2blint.tenant.plan import Plan


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
@tenant_option
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
    from b2blint.tenant.deploy import ApplyRecord, ApplyRequest, Hooks, deploy, summary_text

    record = ApplyRecord()
    signals = _Signals()
    request = ApplyRequest(
        path=path,
        plan_file=plan_file,
        prune=prune,
        concurrency=concurrency,
        graph_url=graph_url,
        auth=auth,
        cloud=cloud,
        config_file=config_file,
        unattended=yes,
        request_log=stderr_logger(),
        report_path=report_path,
        stop=signals.stop,
        signal_name=lambda: signals.name or "a signal",
    )
    hooks = Hooks(
        confirm=lambda: _confirm(yes),
        show_plan=_show_plan,
        lint_errors=show_lint_errors,
        log=progress_logger(),
        reading=reading_progress,
        applying=lambda total: _applying(total, signals),
    )
    code: int | None = None
    try:
        with signals:
            code = deploy(record, request, hooks)
    except BrokenPipeError:
        # stdout's reader went away (`| head`) while the plan was shown: stdout carries
        # nothing during the writes, so this is before them, but the code says what happened.
        _stdout_closed()
        wrote = record.writes > 0
        record.result = "failed" if wrote else "refused"
        record.exit_code = EXIT_PARTIAL if wrote else EXIT_FAILED
        record.message = "stdout was closed while the plan was shown; " + (
            "some writes were sent (see --report)" if wrote else "nothing was written"
        )
        raise B2BLintError(record.message, record.exit_code) from None
    except B2BLintError as error:
        if record.result != "interrupted":
            attempted = any(r.status != "not-attempted" for r in record.results)
            record.result = "failed" if attempted else "refused"
        record.exit_code = error.exit_code
        record.message = redact(error.message)
        raise
    except BaseException as error:
        record.result = "error"
        record.exit_code = EXIT_INTERNAL
        record.message = redact(f"{type(error).__name__}: {error}")
        raise
    else:
        record.exit_code = code
        if record.plan is not None and record.plan.has_changes:
            summary = summary_text(record.results, record.verification, record.verified)
            try:
                click.echo(printable(summary, keep_newlines=True), nl=False)  # YAML/Graph names
            except BrokenPipeError:
                # The writes are done: the exit code (0 or 3) and --report still tell the
                # truth; exiting 1 would claim that nothing was written.
                _stdout_closed()
                click.echo(
                    "b2blint: stdout was closed before the summary; the exit code and "
                    "--report give the outcome",
                    err=True,
                )
        return code
    finally:
        if record.connected:
            detail(f"{record.requests} requests to Graph ({record.writes} writes)")
        if report_path is not None:
            _write_report(record, report_path, code)


def _write_report(record: ApplyRecord, path: Path, code: int | None) -> None:
    """Write the report; if that fails after a successful run, say so and fail (exit 1 or 3)."""
    from b2blint.tenant.deploy import write_report

    try:
        write_report(record, path)
    except (OSError, B2BLintError) as error:
        why = error.message if isinstance(error, B2BLintError) else error.strerror or str(error)
        message = f"cannot write the report to {path}: {why}"
        if code is None:  # the run already ends with its own error (maybe this very path)
            if not record.message or not record.message.startswith("--report "):
                click.echo(f"b2blint: error: {redact(message)}", err=True)
            return
        wrote = record.writes > 0
        raise B2BLintError(
            message + ("; the writes above landed" if wrote else ""),
            exit_code=EXIT_PARTIAL if wrote else EXIT_FAILED,
        ) from None


def _stdout_closed() -> None:
    """Point stdout at /dev/null, so that the interpreter's last flush cannot fail again
    (Python would then print "Exception ignored" and exit 120, whatever the outcome)."""
    import os

    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (tests capture it)
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, fd)
    finally:
        os.close(null)


class _Interrupted(B2BLintError):
    def __init__(self, name: str) -> None:
        message = f"interrupted by {name} before any write; nothing was written"
        super().__init__(message, EXIT_FAILED)


class _Signals:
    """SIGINT and SIGTERM during an apply (a CI job cancelled, a Ctrl-C).

    Before the writes begin, a signal ends the run at once: nothing was written (exit 1).
    Once they begin, it only sets ``stop``: no new operation is launched, the requests in
    flight finish (each bounded by the client's timeout and retry budget), and the run ends
    with every operation's real outcome in the report (exit 3 if anything was written).
    Attacks F25 (SIGINT: "nothing written" and an empty report after 48 writes) and F26
    (SIGTERM: no report, no message).
    """

    SIGNALS = ("SIGINT", "SIGTERM")

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.name: str | None = None
        self.writing = False
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> _Signals:
        if threading.current_thread() is threading.main_thread():
            for name in self.SIGNALS:
                number = getattr(signal, name)
                self._previous[number] = signal.signal(number, self._handle)
        return self

    def __exit__(self, *_exc: object) -> None:
        for number, previous in self._previous.items():
            signal.signal(number, previous)
        self._previous.clear()

    def _handle(self, number: int, _frame: FrameType | None) -> None:
        name = signal.Signals(number).name
        if self.name is None:
            self.name = name
        if self.writing:
            self.stop.set()  # the executor stops launching; the run ends by itself
            return
        raise _Interrupted(name)


def _show_plan(plan: Plan, tenant_name: str | None) -> None:
    from b2blint.tenant.planformat import render_text

    # Partner and tenant names come from the YAML and from Graph: never a raw control
    # character on the terminal (attacks F18/F20, as `plan` does).
    click.echo(printable(render_text(plan, tenant_name), keep_newlines=True), nl=False)


@contextlib.contextmanager
def _applying(total: int, signals: _Signals) -> Iterator[OperationProgress]:
    from b2blint.commands._progress import progress
    from b2blint.tenant.deploy import OperationProgress

    signals.writing = True  # from here on a signal stops launching, never abandons a write
    with progress("Applying", total=total) as bar:
        yield OperationProgress(
            progress_logger(bar), lambda result: bar.advance(item=result.op.method)
        )


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
