"""A one-line progress display for long commands (plan, apply, export), on stderr only.

It draws only when stderr is a terminal and the command is not ``--quiet``; otherwise every
call is a cheap no-op, so callers never branch on it. It never writes to stdout, so JSON,
SARIF and the Markdown plan stay clean, and it erases its line when done, so the terminal
keeps only the command's own messages. `advance` and `update` are safe from worker threads
(apply's concurrent partner writes); create the `Progress` on the command's thread, where
``--quiet`` can be read from the click context.

Usage::

    from b2blint.commands._progress import progress

    with progress("Reading partners", total=len(ids)) as bar:
        for tenant_id in ids:
            fetch(tenant_id)
            bar.advance(item=tenant_id)
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from typing import TextIO

from b2blint.printable import printable

_CLEAR = "\r\x1b[2K"


def enabled_for(stream: TextIO) -> bool:
    """Draw only on a terminal, never with ``--quiet`` or ``TERM=dumb``."""
    from b2blint.commands._options import is_quiet

    if is_quiet() or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Progress:
    """``label done/total item`` on one line, redrawn at most every ``interval`` seconds."""

    def __init__(
        self,
        label: str,
        total: int | None = None,
        *,
        stream: TextIO | None = None,
        enabled: bool | None = None,
        interval: float = 0.1,
    ) -> None:
        self.label = label
        self.total = total
        self.done = 0
        self.stream: TextIO = stream if stream is not None else sys.stderr
        self.enabled = enabled_for(self.stream) if enabled is None else enabled
        self._interval = interval
        self._last_draw: float | None = None
        self._drawn = False
        self._last_line = ""
        self._lock = threading.Lock()

    def advance(self, step: int = 1, item: str = "") -> None:
        """Count ``step`` more units done; ``item`` names what was just done or is next."""
        with self._lock:
            self.done += step
            self._draw(item)

    def update(self, item: str = "", total: int | None = None) -> None:
        """Show ``item`` (and a newly known ``total``) without counting anything done."""
        with self._lock:
            if total is not None:
                self.total = total
            self._draw(item)

    def echo(self, message: str) -> None:
        """Print ``message`` as a line of its own on the stream, above the progress line.

        Use it instead of ``click.echo(err=True)`` while the display is active: the progress
        line is erased first and drawn again below the message, so neither is garbled.
        """
        with self._lock:
            message = printable(message)
            self._write((_CLEAR if self._drawn else "") + message + "\n")
            if self._drawn:
                self._write(self._last_line)

    def line(self, item: str = "") -> str:
        """The text drawn for the current state (without terminal control codes).

        ``item`` may come from Graph (a tenant ID, a name): it is escaped by `printable`, so
        it can neither move the cursor nor end the line.
        """
        count = f"{self.done}/{self.total}" if self.total is not None else str(self.done)
        text = printable(f"{self.label} {count}")
        if item:
            text += f" {printable(item)}"
        width = shutil.get_terminal_size((80, 24)).columns - 1
        return text if len(text) <= width else text[: max(width - 1, 0)] + "…"

    def _draw(self, item: str) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        finished = self.total is not None and self.done >= self.total
        if (
            self._last_draw is not None
            and not finished
            and now - self._last_draw < self._interval
        ):
            return
        self._last_draw = now
        self._last_line = _CLEAR + self.line(item)
        self._write(self._last_line)
        self._drawn = True

    def close(self) -> None:
        """Erase the line (the command prints its own result next)."""
        with self._lock:
            if self.enabled and self._drawn:
                self._write(_CLEAR)
                self._drawn = False

    def _write(self, text: str) -> None:
        with contextlib.suppress(OSError, ValueError):  # a closed terminal must not fail a run
            self.stream.write(text)
            self.stream.flush()


@contextlib.contextmanager
def progress(
    label: str,
    total: int | None = None,
    *,
    stream: TextIO | None = None,
    enabled: bool | None = None,
    interval: float = 0.1,
) -> Iterator[Progress]:
    """A `Progress` that is erased when the block ends, however it ends."""
    bar = Progress(label, total, stream=stream, enabled=enabled, interval=interval)
    bar.update()
    try:
        yield bar
    finally:
        bar.close()
