"""Errors that end a command with a one-line message and a documented exit code.

Commands raise these; `cli.main` prints them as ``b2blint: error: <message>`` on stderr and
exits with ``exit_code``. Anything else that escapes is a bug (exit 101, with the traceback
only under ``B2BLINT_DEBUG=1``), never a silent failure.
"""

from __future__ import annotations

# The documented exit codes (README "Exit codes"), the only place they are written as numbers.
EXIT_OK = 0
EXIT_FINDINGS = 1  # lint, test: findings at the failing severity
EXIT_FAILED = 1  # export, plan, apply: the operation failed, and nothing was written
EXIT_USAGE = 2  # bad usage, unreadable input, bad config
EXIT_CHANGES = 2  # plan --detailed-exitcode: the tenant differs from the YAML
EXIT_PARTIAL = 3  # apply: some writes were done before it stopped (the report lists them)
EXIT_INTERNAL = 101  # a bug: please report it


class B2BLintError(Exception):
    """A failure the user can act on: bad usage, unreadable input, refused operation."""

    exit_code: int = EXIT_USAGE

    def __init__(self, message: str, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message
