"""Errors that end a command with a one-line message and a documented exit code.

Commands raise these; `cli.main` prints them as ``b2blint: error: <message>`` on stderr and
exits with ``exit_code``. Anything else that escapes is a bug (exit 101, with the traceback
only under ``B2BLINT_DEBUG=1``), never a silent failure.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3
EXIT_INTERNAL = 101


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
