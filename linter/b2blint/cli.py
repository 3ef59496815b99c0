"""The ``b2blint`` command line.

Commands live in ``b2blint.commands.<name>`` and are imported only when invoked, so that
``b2blint lint`` never pays for the Graph client or jsonschema unless it needs
them (see docs/performance.md). Each command raises `B2BLintError` for anything the user can
fix; `main` turns it into one line on stderr and the documented exit code.

click itself is imported only when a command line needs it: ``lint`` with paths and common
options runs without it (`b2blint.commands._lintrun`), which is a fifth of a pre-commit run.
The click group, `cli`, is built on first use.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from b2blint.errors import EXIT_CHANGES, EXIT_FAILED, EXIT_INTERNAL, B2BLintError
from b2blint.printable import printable

if TYPE_CHECKING:
    import click

# name -> "module:attribute"; the order is the order of `b2blint --help`.
LAZY_COMMANDS: dict[str, str] = {
    "lint": "b2blint.commands.lint:lint_command",
    "rules": "b2blint.commands.rules:rules_command",
    "schema": "b2blint.commands.schema:schema_command",
    "size": "b2blint.commands.size:size_command",
    "effective": "b2blint.commands.effective:effective_command",
    "simulate": "b2blint.commands.simulate:simulate_command",
    "test": "b2blint.commands.policytest:test_command",
    "diff": "b2blint.commands.diff:diff_command",
    "import": "b2blint.commands.import_:import_command",
    "export": "b2blint.commands.export:export_command",
    "plan": "b2blint.commands.plan:plan_command",
    "apply": "b2blint.commands.apply:apply_command",
    "audit": "b2blint.commands.audit:audit_command",
    "fleet": "b2blint.commands.fleet:fleet_command",
}

SHORT_HELP: dict[str, str] = {
    "lint": "Validate policy YAML against the Graph schemas and the rule catalog.",
    "rules": "List the rules, or show one rule's documentation.",
    "schema": "Print the JSON Schema for editors (or its path with --path).",
    "size": "Show the serialized policy size against Graph's limit.",
    "effective": "Show the settings that really apply to one partner.",
    "simulate": "Predict whether a cross-tenant access attempt is allowed.",
    "test": "Run the policy tests (expected access verdicts).",
    "diff": "Show the effective access changes between two policy trees.",
    "import": "Convert saved Graph JSON responses to policy YAML (offline).",
    "export": "Read the live tenant and write it as policy YAML.",
    "plan": "Compare the live tenant with the YAML and show the changes.",
    "apply": "Apply the YAML to the live tenant (plan, confirm, write, verify).",
    "audit": "Check the live tenant against the rules and baseline profiles (read-only).",
    "fleet": "Fleets: render tenants over their baselines; the CI matrix of a change.",
}


def _available() -> dict[str, str]:
    """Commands whose module is present (a partial checkout lists only what it can run)."""
    from importlib.util import find_spec

    found: dict[str, str] = {}
    for name, target in LAZY_COMMANDS.items():
        module = target.partition(":")[0]
        if find_spec(module) is not None:
            found[name] = target
    return found


@cache
def _click_cli() -> click.Group:
    """The click group with its lazy command table (built once, on first use)."""
    from importlib import import_module

    import click

    from b2blint import __version__

    class LazyGroup(click.Group):
        """A click group that imports a command's module only when that command runs."""

        def list_commands(self, ctx: click.Context) -> list[str]:
            return list(_available())

        def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
            target = _available().get(cmd_name)
            if target is None:
                return None
            module_name, _, attribute = target.partition(":")
            command = getattr(import_module(module_name), attribute)
            if not isinstance(command, click.Command):  # pragma: no cover - programming error
                raise TypeError(f"{target} is not a click command")
            return command

        def resolve_command(
            self, ctx: click.Context, args: list[str]
        ) -> tuple[str | None, click.Command | None, list[str]]:
            """As click's, but a mistyped command gets the closest name (``lnt`` -> ``lint``)."""
            name = args[0] if args else ""
            if (
                name
                and not name.startswith("-")
                and not ctx.resilient_parsing
                and self.get_command(ctx, name) is None
            ):
                from difflib import get_close_matches

                close = get_close_matches(name, self.list_commands(ctx), n=1, cutoff=0.6)
                hint = f" Did you mean '{close[0]}'?" if close else ""
                ctx.fail(f"No such command '{name}'.{hint}")
            return super().resolve_command(ctx, args)

        def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
            rows = [(name, SHORT_HELP.get(name, "")) for name in self.list_commands(ctx)]
            if rows:
                with formatter.section("Commands"):
                    formatter.write_dl(rows)

    @click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
    @click.version_option(__version__, "--version", prog_name="b2blint")
    def cli() -> None:
        """b2blint: policy-as-code for Entra cross-tenant access and B2B collaboration settings."""

    return cli


def __getattr__(name: str) -> Any:
    """``cli`` (the click group) and ``LazyGroup``, built when first asked for."""
    if name == "cli":
        return _click_cli()
    if name == "LazyGroup":
        return type(_click_cli())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


DETAILED_EXITCODE = "--detailed-exitcode"


def _detailed_exitcode(args: Sequence[str]) -> bool:
    """Whether the command line asks for ``--detailed-exitcode`` (before any ``--``).

    Read from the raw arguments, not from click's parse: the parse may be what failed.
    """
    for arg in args:
        if arg == "--":
            return False
        if arg == DETAILED_EXITCODE or arg.startswith(DETAILED_EXITCODE + "="):
            return True
    return False


def _error_code(code: int, detailed: bool) -> int:
    """With ``--detailed-exitcode``, an error never exits 2: that code means "changes".

    click's usage errors and b2blint's own (a missing path, a bad config) exit 2 otherwise;
    a CI script reading 2 as "the tenant differs" would then go on with an empty plan
    (issue 12 item 1). Terraform's convention: 1 for every error.
    """
    if detailed and code == EXIT_CHANGES:
        return EXIT_FAILED
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code (never raises, never prints a traceback).

    Called without ``argv`` (the console script, ``python -m b2blint``) it is the process:
    after a command that kept its result alive (`b2blint.commands._options.keep_until_exit`)
    it flushes the output and ends the process with the exit code, without freeing that
    result one object at a time (~0.15 s for a 5 MB file).
    """
    args = list(sys.argv[1:] if argv is None else argv)
    detailed = _detailed_exitcode(args)
    if argv is None:
        from b2blint.commands._options import ends_process

        ends_process()
    code = _run(args, detailed)
    if argv is None:
        _end_process(code)
    return code


def _end_process(code: int) -> None:
    from b2blint.commands._options import kept_anything

    if not kept_anything():
        return
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        return  # the interpreter's own exit reports it, as without this shortcut
    os._exit(code)


def _echo_error(message: str) -> None:
    stream = sys.stderr
    if stream is not None:
        stream.write(message + "\n")
        stream.flush()


def _dispatch(args: list[str]) -> Any:
    """The command's result: ``lint`` with common options without click, else through click."""
    if args and args[0] == "lint":
        from b2blint.commands._lintrun import lint_without_click

        code = lint_without_click(args[1:])
        if code is not None:
            return code
    return _click_cli().main(args=args, prog_name="b2blint", standalone_mode=False)


def _run(args: list[str], detailed: bool) -> int:
    try:
        result = _dispatch(args)
    except B2BLintError as error:
        # One line, whatever a file name, key or Graph message holds (attack F6), and no
        # piece of a token, whatever path or name quotes it (F19).
        from b2blint.redact import redact

        _echo_error(f"b2blint: error: {printable(redact(error.message))}")
        return _error_code(error.exit_code, detailed)
    except KeyboardInterrupt:
        _echo_error("b2blint: interrupted")
        return 130
    except BrokenPipeError:
        return 1
    except Exception as error:  # the last line of defence: no traceback for users
        click = sys.modules.get("click")  # click's own errors, if click ran
        if click is not None and isinstance(error, click.exceptions.Abort):
            _echo_error("b2blint: aborted")
            return 1
        if click is not None and isinstance(error, click.ClickException):
            import io

            shown = io.StringIO()  # click quotes the bad value as given: escape it (attack F31)
            error.show(file=shown)
            _echo_error(printable(shown.getvalue().rstrip("\n"), keep_newlines=True))
            return _error_code(error.exit_code, detailed)
        if os.environ.get("B2BLINT_DEBUG"):
            raise
        from b2blint.redact import redact

        _echo_error(
            f"b2blint: internal error: {type(error).__name__}: {printable(redact(str(error)))} "
            "(set B2BLINT_DEBUG=1 for the traceback; please report it)"
        )
        return EXIT_INTERNAL
    if isinstance(result, int):
        return result
    return 0
