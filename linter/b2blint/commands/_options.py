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

click is imported only by the decorators: `note`, `detail`, `echo` and the levels also serve
a ``lint`` run that never imports click (`b2blint.commands._lintrun`, docs/performance.md).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from b2blint.printable import printable

if TYPE_CHECKING:
    import click

F = TypeVar("F", bound=Callable[..., Any])

QUIET = -1
NORMAL = 0
VERBOSE = 1

_QUIET_KEY = "b2blint.quiet"
_VERBOSE_KEY = "b2blint.verbose"
_NO_COLOR_KEY = "b2blint.no_color"


def _store(key: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        import click

        ctx.meta[key] = value
        if ctx.meta.get(_QUIET_KEY) and ctx.meta.get(_VERBOSE_KEY):
            raise click.UsageError("--quiet and --verbose cannot be used together", ctx)

    return callback


def format_option(*choices: str) -> Callable[[F], F]:
    """``--format`` (parameter ``output_format``) with ``choices``; the first is the default."""
    import click

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
    import click

    option = click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False),
        metavar="FILE",
        help="Lint config (default: .b2blint.yaml, or pyproject.toml [tool.b2blint], searched "
        "upwards).",
    )
    return option(function)


def output_option(function: F) -> F:
    """``--output/-o FILE`` (parameter ``output``): the report goes to FILE, not stdout."""
    import click

    option = click.option(
        "--output",
        "-o",
        "output",
        type=click.Path(dir_okay=False),
        help="Write the report to this file (atomically) instead of stdout.",
    )
    return option(function)


def fleet_root_option(
    name: str = "--root",
    dest: str = "root",
    *,
    help: str = "The fleet root (the directory holding fleet.yaml).",
) -> Callable[[F], F]:
    """A fleet root directory option (default: the current directory)."""
    import click

    return click.option(name, dest, default=".", show_default=True, type=click.Path(), help=help)


def common_options(function: F) -> F:
    """Add ``-q/--quiet``, ``-v/--verbose`` and ``--no-color`` to a click command."""
    import click

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


#: The levels of a run without click (`outside_click`); empty otherwise.
_OUTSIDE_CLICK: dict[str, Any] = {}


def _meta() -> dict[str, Any]:
    click = sys.modules.get("click")  # not imported: no click command is running
    ctx = click.get_current_context(silent=True) if click is not None else None
    return ctx.meta if ctx is not None else _OUTSIDE_CLICK


@contextmanager
def outside_click(*, quiet: bool, verbose: int, no_color: bool) -> Iterator[None]:
    """The levels `common_options` records, for a command run without click."""
    _OUTSIDE_CLICK.update({_QUIET_KEY: quiet, _VERBOSE_KEY: verbose, _NO_COLOR_KEY: no_color})
    try:
        yield
    finally:
        _OUTSIDE_CLICK.clear()


#: What a command run keeps alive until the process ends (`keep_until_exit`), and whether
#: the process ends right after the command (set by `b2blint.cli.main` when it is the process).
_KEPT: list[object] = []
_ENDS_PROCESS: list[bool] = []


def ends_process() -> None:
    """Say the process ends right after this command (the console script, not a test)."""
    _ENDS_PROCESS.append(True)


def keep_until_exit(value: object) -> None:
    """Keep ``value`` alive until the process ends, so that it is never freed one object at a
    time: a 5 MB file's result is over a million objects, and freeing them costs ~0.15 s.
    Only when `ends_process` was called; the process then ends with `kept_anything` true."""
    if _ENDS_PROCESS:
        _KEPT.append(value)


def kept_anything() -> bool:
    return bool(_KEPT)


def echo(text: str, *, err: bool = False, nl: bool = True) -> None:
    """Write ``text`` to stdout (stderr with ``err``) and flush: click.echo for text, which
    needs no click. Text is written as given (colour, if any, was chosen by `use_color`)."""
    stream = sys.stderr if err else sys.stdout
    if stream is None:  # pragma: no cover - pythonw
        return
    stream.write(text + "\n" if nl else text)
    stream.flush()


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
        echo(f"b2blint: {printable(message)}", err=True)


def detail(message: str, level: int = VERBOSE) -> None:
    """A detail on stderr, shown with at least ``level`` times ``-v``."""
    if verbosity() >= level:
        echo(f"b2blint: {printable(message)}", err=True)


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
    import click

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
