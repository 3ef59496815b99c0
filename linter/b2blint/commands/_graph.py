"""What `export`, `plan` and `apply` share: Graph options, the session, the lint gate.

Every Graph command exits 1 on an error it can explain (unreachable Graph, 401/403, a token
for another tenant, malformed responses, lint errors in the YAML), so that ``plan
--detailed-exitcode`` keeps 2 for "changes" (Terraform's convention, DESIGN.md §5).
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import click

from b2blint.commands._options import VERBOSE, verbosity
from b2blint.printable import printable
from b2blint.redact import redact

F = TypeVar("F", bound=Callable[..., Any])

CLOUD_CHOICES = ("global", "usgov", "usgov-dod", "china")
AUTH_CHOICES = ("secret", "certificate", "workload-identity", "managed-identity", "azure-cli")

if TYPE_CHECKING:
    from b2blint.commands._progress import Progress
    from b2blint.lint.engine import LintResult
    from b2blint.tenant.client import GraphClient
    from b2blint.tenant.deploy import GatePassed, Session


def graph_options(function: F) -> F:
    """``--graph-url``, ``--auth`` and ``--cloud``, each also settable from the environment."""
    options = (
        click.option(
            "--graph-url",
            envvar="B2BLINT_GRAPH_URL",
            metavar="URL",
            help="Graph root to use instead of the cloud's (https; http only on loopback). "
            "Env: B2BLINT_GRAPH_URL.",
        ),
        click.option(
            "--auth",
            type=click.Choice(AUTH_CHOICES),
            envvar="B2BLINT_AUTH",
            help="How to get a token with azure-identity (needs b2blint[azure]); without it, "
            "the token in B2BLINT_ACCESS_TOKEN is used. Env: B2BLINT_AUTH.",
        ),
        click.option(
            "--cloud",
            type=click.Choice(CLOUD_CHOICES),
            envvar="B2BLINT_CLOUD",
            help="Microsoft cloud of the tenant (default: tenant.cloud in the YAML, else global); "
            "usgov-dod is US Government L5. Env: B2BLINT_CLOUD.",
        ),
    )
    for option in reversed(options):
        function = option(function)
    return function


def stderr_logger() -> Callable[[str], None] | None:
    """A thread-safe ``-v`` request log on stderr (None without ``-v``).

    Worker threads have no click context, so the level is read here, once, on the main thread.
    """
    if verbosity() < VERBOSE:
        return None
    lock = threading.Lock()

    def log(line: str) -> None:
        with lock:
            click.echo(f"b2blint: {printable(redact(line))}", err=True)

    return log


def progress_logger(bar: Progress | None = None) -> Callable[[str], None]:
    """Progress lines on stderr (suppressed by ``-q``), thread-safe.

    With an active progress display (``bar``), lines are printed above it, not through it.
    """
    quiet = verbosity() < 0
    lock = threading.Lock()

    def log(line: str) -> None:
        if quiet:
            return
        if bar is not None and bar.enabled:
            bar.echo(f"b2blint: {redact(line)}")  # echo escapes
            return
        with lock:
            click.echo(f"b2blint: {printable(redact(line))}", err=True)

    return log


@contextlib.contextmanager
def reading_progress(client: GraphClient, label: str = "Reading the live tenant") -> Iterator[None]:
    """Count Graph responses on a TTY while ``client`` reads (requests, not objects)."""
    from b2blint.commands._progress import progress

    with progress(label) as bar:
        client.on_response = lambda _method, _status: bar.advance(item="requests")
        try:
            yield
        finally:
            client.on_response = None


def open_session(
    tenant_id: str, cloud_name: str, graph_url: str | None, auth: str | None
) -> Session:
    """Get a token, check it is for ``tenant_id``, and connect (nothing is sent to Graph yet)."""
    from b2blint.tenant.deploy import connect

    return connect(tenant_id, cloud_name, graph_url, auth, stderr_logger())


def show_lint_errors(result: LintResult) -> None:
    """The findings of a tree that failed the lint gate, as ``b2blint lint`` shows them."""
    from b2blint.report import get_reporter
    from b2blint.rules import ALL_RULES

    sys.stderr.write(get_reporter("text")(result, ALL_RULES))


def lint_gate(paths: Sequence[str], config_file: str | None = None) -> GatePassed:
    """Lint the tree; refuse (exit 1) on any error-level finding, showing the findings."""
    from b2blint.tenant.deploy import LintGateError
    from b2blint.tenant.deploy import lint_gate as gate

    try:
        return gate(paths, config_file)
    except LintGateError as error:
        show_lint_errors(error.result)
        raise
