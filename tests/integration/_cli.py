"""Check a ``b2blint ...`` command line against the real click commands, without running it.

Hooks, the GitHub Action and the sample workflow run b2blint from YAML that no type checker
reads; this parses each such command line with the command's own click parser, so a renamed
option or a removed command fails a test instead of a user's pipeline.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import click

from b2blint.cli import LAZY_COMMANDS, cli
from tests.integration._checkout import ROOT


@contextlib.contextmanager
def _cwd(path: Path) -> Iterator[None]:
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def check_invocation(argv: Sequence[str], cwd: Path = ROOT) -> click.Command:
    """Parse ``argv`` (without the leading ``b2blint``) as the CLI would; raise on misuse.

    Raises `AssertionError` naming the command line when the command does not exist, and
    click's `UsageError` (unknown option, bad choice, missing value) when it does not parse.
    """
    assert argv, "empty b2blint command line"
    name, *args = argv
    assert name in LAZY_COMMANDS, f"'b2blint {name}': no such command in b2blint.cli"
    with _cwd(cwd), click.Context(cli, info_name="b2blint") as parent:
        command = cli.get_command(parent, name)
        assert command is not None, f"'b2blint {name}': its module is missing"
        with command.make_context(name, list(args), parent=parent):
            pass
    return command
