"""Options every command shares, so ``-q``, ``-v`` and ``--no-color`` mean the same everywhere.

Convention for command authors: put ``@common_options`` last, directly above the ``def``
(so the shared options close every ``--help``). It adds the options and records them on the
click context; the command function receives no extra parameters. Then:

- **stdout carries only the command's product** (the report, the plan, the JSON). Options
  here never change machine-readable output (json, sarif, the Markdown plan): CI parses it.
- **stderr carries everything else**, through `note` and `detail`, and progress
  (`b2blint.commands._progress`), which also reads the level set here.
- ``-q/--quiet``: errors only on stderr; no notes, no progress. Human formats drop their
  summary line, so a clean run prints nothing (pre-commit and cron stay silent).
- default: short notes on stderr (``b2blint: wrote plan to plan.json``); progress on a TTY.
- ``-v/--verbose`` (repeatable): also `detail` lines: files read, counts, timings, requests.
- ``--quiet`` with ``--verbose`` is a usage error (exit 2).
- Colour only when `use_color` says so: the stream is a terminal, ``--no-color`` was not
  given, ``NO_COLOR`` is unset or empty (https://no-color.org) and ``TERM`` is not ``dumb``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TextIO, TypeVar

import click

from b2blint.printable import printable

F = TypeVar("F", bound=Callable[..., Any])

QUIET = -1
NORMAL = 0
VERBOSE = 1

_QUIET_KEY = "b2blint.quiet"
_VERBOSE_KEY = "b2blint.verbose"
_NO_COLOR_KEY = "b2blint.no_color"


def _store(key: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        ctx.meta[key] = value
        if ctx.meta.get(_QUIET_KEY) and ctx.meta.get(_VERBOSE_KEY):
            raise click.UsageError("--quiet and --verbose cannot be used together", ctx)

    return callback


def format_option(*choices: str) -> Callable[[F], F]:
    """``--format`` (parameter ``output_format``) with ``choices``; the first is the default."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(list(choices)),
        default=choices[0],
        show_default=True,
        help="Output format.",
    )


def config_option(function: F) -> F:
    """``--config FILE`` (parameter ``config_file``), the same on every command that lints."""
    option = click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False),
        metavar="FILE",
        help="Lint config (default: .b2blint.yaml, or pyproject.toml [tool.b2blint], searched "
        "upwards).",
    )
    return option(function)


def common_options(function: F) -> F:
    """Add ``-q/--quiet``, ``-v/--verbose`` and ``--no-color`` to a click command."""
    options = (
        click.option(
            "-q",
            "--quiet",
            is_flag=True,
            expose_value=False,
            callback=_store(_QUIET_KEY),
            help="Print only the result and errors (no summary, notes or progress).",
        ),
        click.option(
            "-v",
            "--verbose",
            count=True,
            expose_value=False,
            callback=_store(_VERBOSE_KEY),
            help="Explain more on stderr (repeat for more detail).",
        ),
        click.option(
            "--no-color",
            is_flag=True,
            expose_value=False,
            callback=_store(_NO_COLOR_KEY),
            help="Never colour the output (also: the NO_COLOR environment variable).",
        ),
    )
    for option in reversed(options):
        function = option(function)
    return function


def _meta() -> dict[str, Any]:
    ctx = click.get_current_context(silent=True)
    return ctx.meta if ctx is not None else {}


def verbosity() -> int:
    """`QUIET` (-1), `NORMAL` (0) or the number of ``-v`` given; `NORMAL` outside a command."""
    meta = _meta()
    if meta.get(_QUIET_KEY):
        return QUIET
    return int(meta.get(_VERBOSE_KEY) or NORMAL)


def is_quiet() -> bool:
    return verbosity() == QUIET


def note(message: str) -> None:
    """A short message for people on stderr (suppressed by ``--quiet``)."""
    if verbosity() >= NORMAL:
        click.echo(f"b2blint: {printable(message)}", err=True)


def detail(message: str, level: int = VERBOSE) -> None:
    """A detail on stderr, shown with at least ``level`` times ``-v``."""
    if verbosity() >= level:
        click.echo(f"b2blint: {printable(message)}", err=True)


def use_color(stream: TextIO) -> bool:
    """Whether to style text written to ``stream`` (see the module docstring)."""
    if _meta().get(_NO_COLOR_KEY) or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def tenant_option(function: F) -> F:
    """``--tenant NAME``: read fleet tenant NAME (its layers and its own files) instead of a
    policy tree; the path argument is then the fleet root (default: the current directory).
    """

    def install(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
        from b2blint.lint.tree import use_reader

        ctx.call_on_close(lambda: use_reader(None))
        if value is None:
            use_reader(None)
            return
        from b2blint.fleet.lint import tenant_reader

        use_reader(tenant_reader(value))
        ctx.meta["b2blint.tenant"] = value

    option = click.option(
        "--tenant",
        metavar="NAME",
        expose_value=False,
        callback=install,
        help="Fleet tenant to read (fleet.yaml at PATH, default the current directory; "
        "docs/fleets.md).",
    )
    return option(function)


def fleet_tenant() -> str | None:
    """The ``--tenant`` of the running command, if any."""
    value = _meta().get("b2blint.tenant")
    return value if isinstance(value, str) else None
