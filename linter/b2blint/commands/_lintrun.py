"""What ``b2blint lint`` does (`run_lint`), and its common command lines without click.

``commands/lint.py`` defines the command's options with click and calls `run_lint`. click
and what it imports (inspect, uuid, datetime, platform) are about 20 ms of a 0.1 s run over
a policy tree (docs/performance.md), so `lint_without_click` runs the command lines
pre-commit and CI use - paths and the options in `FLAGS` and `VALUED` - without it. Those
tables name click's options as ``commands/lint.py`` declares them (the choices come from the
same constants) and `tests/commands/test_lint_fast.py` checks each against that declaration.
Anything else - ``--help``, ``--fix``, ``-`` (stdin), ``--opt=value``, ``-qv``, an unknown or
abbreviated option, a bad choice, a path it cannot read - returns None, and click parses the
line and reports exactly what it always did.
"""

from __future__ import annotations

import os
from typing import Any

from b2blint.files.discovery import STDIN
from b2blint.report import REPORTERS

#: ``--format`` choices (``auto``: github under GitHub Actions, else text).
FORMAT_CHOICES = (*sorted(REPORTERS), "auto")
#: ``--api-version`` choices.
API_VERSION_CHOICES = ("v1.0", "beta")

#: Flags handled without click: option -> parameter (``verbose`` counts).
FLAGS: dict[str, str] = {
    "-q": "quiet",
    "--quiet": "quiet",
    "-v": "verbose",
    "--verbose": "verbose",
    "--no-color": "no_color",
    "--strict": "strict",
}
#: Options with a value handled without click: option -> (parameter, choices or None).
#: ``--select``, ``--ignore`` and ``--profile`` may repeat.
VALUED: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "--format": ("output_format", FORMAT_CHOICES),
    "--select": ("select", None),
    "--ignore": ("ignore", None),
    "--api-version": ("api_version", API_VERSION_CHOICES),
    "--profile": ("profiles", None),
}
_REPEATED = frozenset({"select", "ignore", "profiles"})


def split_values(values: tuple[str, ...]) -> list[str]:
    """A repeatable option's values, each split at commas (``--select A,B --select C``)."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def run_lint(
    *,
    paths: tuple[str, ...],
    output_format: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    strict: bool,
    api_version: str | None,
    output: str | None = None,
    tree: str | None = None,
    config_file: str | None = None,
    fix: bool = False,
    diff: bool = False,
    force: bool = False,
    stdin_filename: str | None = None,
    profiles: tuple[str, ...] = (),
) -> int:
    """The ``lint`` command (its options: ``commands/lint.py``); returns the exit code."""
    from b2blint.commands._options import keep_until_exit
    from b2blint.lint.config import load_config
    from b2blint.lint.engine import lint_paths
    from b2blint.lint.tree import tree_paths
    from b2blint.rules import ALL_RULES

    config = load_config(config_file).with_command_line(
        split_values(select) if select else None,
        split_values(ignore),
        api_version,
        split_values(profiles),
    )
    if stdin_filename is not None or STDIN in paths:
        from b2blint.commands._stdin import check_usage, lint_stdin

        check_usage(paths, force)
        return lint_stdin(
            name=stdin_filename,
            tree=tree,
            config=config,
            output_format=output_format,
            output=output,
            fix=fix,
            diff=diff,
            strict=strict,
        )
    from b2blint.commands._fleet import fleet_file_of

    fleet_file = fleet_file_of(paths)
    if fleet_file is not None:
        from b2blint.commands._fleet import lint_fleet_root
        from b2blint.errors import B2BLintError

        if fix or diff or tree:
            raise B2BLintError("--fix, --diff and --tree are not available on a fleet")
        return lint_fleet_root(fleet_file, config, output_format, output, strict)
    targets = [tree, *paths] if tree else tree_paths(paths)
    result = lint_paths(targets, config)
    if fix or diff:
        from b2blint.commands._fix import run_fixes

        changed = run_fixes(
            result, config, write=not diff, only=paths if tree else None, force=force
        )
        if diff:
            return 1 if changed else 0
        result = lint_paths(targets, config)  # report what remains, as written to disk
    if tree and paths:
        from b2blint.lint.changed import only_involving

        result = only_involving(result, paths)
    if config.profiles:  # the findings, then each control's verdict
        from b2blint.commands._controls import exit_code, write_with_controls
        from b2blint.lint.profiles import control_results

        controls = control_results(result, config.profiles, config)
        write_with_controls(result, ALL_RULES, output_format, output, controls, config=config)
        return exit_code(result, controls, strict)
    from b2blint.commands._emit import write_report

    write_report(result, ALL_RULES, output_format, output, config=config)
    keep_until_exit(result)
    return result.exit_code(strict)


def parse_without_click(args: list[str]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(`run_lint` keywords, output levels) for a command line `FLAGS` and `VALUED` cover, as
    click would parse it; None for any other (click then parses it)."""
    params: dict[str, Any] = {"output_format": "text", "strict": False, "api_version": None}
    levels: dict[str, Any] = {"quiet": False, "verbose": 0, "no_color": False}
    paths: list[str] = []
    repeated: dict[str, list[str]] = {name: [] for name in _REPEATED}
    index = 0
    while index < len(args):
        arg = args[index]
        index += 1
        if not arg.startswith("-"):
            # click.Path() (readable by default) refuses a path that exists but cannot be read
            if os.path.lexists(arg) and not os.access(arg, os.R_OK):
                return None
            paths.append(arg)
        elif arg in FLAGS:
            name = FLAGS[arg]
            if name == "verbose":
                levels["verbose"] += 1
            elif name == "strict":
                params["strict"] = True
            else:
                levels[name] = True
        elif arg in VALUED and index < len(args) and not args[index].startswith("-"):
            name, choices = VALUED[arg]
            value = args[index]
            index += 1
            if choices is not None and value not in choices:
                return None
            if name in _REPEATED:
                repeated[name].append(value)
            else:
                params[name] = value
        else:
            return None
    if levels["quiet"] and levels["verbose"]:
        return None  # click's usage error
    params["paths"] = tuple(paths)
    params.update((name, tuple(values)) for name, values in repeated.items())
    return params, levels


def lint_without_click(args: list[str]) -> int | None:
    """Run ``b2blint lint ARGS`` without click if `parse_without_click` covers ARGS; else None."""
    parsed = parse_without_click(args)
    if parsed is None:
        return None
    params, levels = parsed
    from b2blint.commands._options import outside_click

    with outside_click(**levels):
        return run_lint(**params)
