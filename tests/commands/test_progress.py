"""The progress line: drawn on a terminal's stderr only, erased afterwards, silent otherwise."""

from __future__ import annotations

import io
import os
import pty
import threading
from collections.abc import Iterator

import click
import pytest

from b2blint.commands._options import common_options
from b2blint.commands._progress import Progress, progress


@pytest.fixture
def terminal() -> Iterator[tuple[io.TextIOWrapper, int]]:
    """A real pseudo-terminal: (a text stream writing to it, the fd to read what it got)."""
    controller, device = pty.openpty()
    stream = os.fdopen(device, "w", encoding="utf-8")
    try:
        yield stream, controller
    finally:
        stream.close()
        os.close(controller)


def _read_all(stream: io.TextIOWrapper, controller: int) -> str:
    """Close the terminal's writing end, then read everything it received."""
    stream.close()
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: no writer left
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode("utf-8")


def test_draws_count_and_item_then_erases_its_line(terminal: tuple[io.TextIOWrapper, int]) -> None:
    stream, controller = terminal
    # interval=0: draw every step (the default throttles redraws to 10 a second)
    with progress("Reading partners", total=2, stream=stream, interval=0) as bar:
        assert bar.enabled
        bar.advance(item="fabrikam")
        bar.advance(item="contoso")
    assert _read_all(stream, controller) == (
        "\r\x1b[2KReading partners 0/2"
        "\r\x1b[2KReading partners 1/2 fabrikam"
        "\r\x1b[2KReading partners 2/2 contoso"
        "\r\x1b[2K"
    )


def test_echo_prints_above_the_progress_line(terminal: tuple[io.TextIOWrapper, int]) -> None:
    stream, controller = terminal
    with progress("Applying", total=3, stream=stream, interval=0) as bar:
        bar.advance(item="contoso")
        bar.echo("created: partner Contoso")
    assert _read_all(stream, controller).replace("\r\n", "\n") == (
        "\r\x1b[2KApplying 0/3"
        "\r\x1b[2KApplying 1/3 contoso"
        "\r\x1b[2Kcreated: partner Contoso\n"
        "\r\x1b[2KApplying 1/3 contoso"
        "\r\x1b[2K"
    )


def test_echo_without_a_terminal_just_prints() -> None:
    stream = io.StringIO()
    with progress("Applying", stream=stream) as bar:
        bar.echo("created: partner Contoso")
    assert stream.getvalue() == "created: partner Contoso\n"


def test_silent_when_not_a_terminal() -> None:
    stream = io.StringIO()
    with progress("Applying", total=3, stream=stream) as bar:
        bar.advance(3)
    assert not bar.enabled
    assert bar.done == 3
    assert stream.getvalue() == ""


def test_silent_with_quiet_and_with_dumb_terminal(
    terminal: tuple[io.TextIOWrapper, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    stream, _ = terminal
    seen: list[bool] = []

    @click.command()
    @common_options
    def command() -> None:
        seen.append(Progress("x", stream=stream).enabled)

    command.main(["-q"], standalone_mode=False)
    command.main([], standalone_mode=False)
    monkeypatch.setenv("TERM", "dumb")
    command.main([], standalone_mode=False)
    assert seen == [False, True, False]


def test_unknown_total_and_a_long_item_fit_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "30")
    bar = Progress("Exporting", stream=io.StringIO(), enabled=False)
    bar.advance(item="x" * 100)
    assert bar.line() == "Exporting 1"
    line = bar.line("x" * 100)
    assert len(line) == 29
    assert line.endswith("…")


def test_counts_from_many_threads() -> None:
    stream = io.StringIO()
    bar = Progress("Writing", total=800, stream=stream, enabled=True, interval=0)

    def work() -> None:
        for _ in range(100):
            bar.advance()

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert bar.done == 800
    draws = stream.getvalue().split("\r\x1b[2K")[1:]
    assert len(draws) == 800
    assert sorted(int(d.split()[1].split("/")[0]) for d in draws) == list(range(1, 801))
