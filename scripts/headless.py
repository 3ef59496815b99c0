"""Drive a headless Chromium over the DevTools protocol on a pipe: load a page, read it, shoot it.

Used by the HTML report's browser test (tests/report/test_html_browser.py) and by the README
screenshot script (scripts/report_screenshot.py). Standard library only.

The browser talks to us on file descriptors 3 (our commands) and 4 (its answers and events),
``--remote-debugging-pipe``: no debugging port is opened. It gets no network either: every
HTTP(S) request would go to a proxy on a closed loopback port, and background services
(updates, sync, translation, safe browsing) are turned off. Pages are loaded from ``file://``.

What a page did is collected while it loads: console messages (``Runtime.consoleAPICalled``),
uncaught exceptions (``Runtime.exceptionThrown``), browser log entries (``Log.entryAdded``: a
Content-Security-Policy violation is reported there) and every network request the page made
(``Network.requestWillBeSent``).
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

#: Names the Debian, Ubuntu and upstream packages install the browser under.
CANDIDATES = (
    "/usr/lib/chromium/chromium",  # Debian's binary, without its shell wrapper
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
)

#: Bound on one protocol round trip or page load: a hung browser fails the run, never hangs it.
TIMEOUT = 90.0

FLAGS = (
    "--headless",
    "--remote-debugging-pipe",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-features=Translate,OptimizationHints,MediaRouter,InterestFeedContentSuggestions",
    "--no-pings",
    "--mute-audio",
    "--hide-scrollbars",
    "--font-render-hinting=none",
    # Anything that still tries the network meets a closed port on loopback.
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
)


def find_chromium() -> str | None:
    """The browser's path, or None when none is installed (``CHROMIUM`` overrides)."""
    override = os.environ.get("CHROMIUM")
    if override:
        return shutil.which(override) or (override if os.access(override, os.X_OK) else None)
    for name in CANDIDATES:
        if "/" in name:
            if os.access(name, os.X_OK):
                return name
        elif found := shutil.which(name):
            return found
    return None


class PageRun(NamedTuple):
    """What one page load showed."""

    facts: Any  # the value of the expression given to `Chromium.load`
    console: list[dict[str, Any]]  # console calls, exceptions and log entries, as sent
    requests: list[str]  # URLs of every request the page made (its own file included)
    screenshot: bytes  # PNG


class ProtocolError(RuntimeError):
    pass


class Chromium:
    """One browser process; use as a context manager."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self._profile = tempfile.mkdtemp(prefix="b2blint-chromium-")
        commands_read, self._commands = os.pipe()
        self._answers, answers_write = os.pipe()

        def child_fds() -> None:
            # Moved out of the way first: a pipe end may itself be 3 or 4.
            high_read = fcntl.fcntl(commands_read, fcntl.F_DUPFD, 100)
            high_write = fcntl.fcntl(answers_write, fcntl.F_DUPFD, 100)
            os.dup2(high_read, 3)
            os.dup2(high_write, 4)

        flags = list(FLAGS)
        if os.geteuid() == 0:
            flags.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox
        self.process = subprocess.Popen(
            [binary, *flags, f"--user-data-dir={self._profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            pass_fds=(3, 4),
            # Only fcntl and dup2 run in the child: nothing that takes a lock another thread holds.
            preexec_fn=child_fds,  # noqa: PLW1509
        )
        os.close(commands_read)
        os.close(answers_write)
        self._inbox: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._stderr: list[bytes] = []
        self._stderr_reader = threading.Thread(target=self._drain_stderr, daemon=True)
        self._stderr_reader.start()
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def stderr(self) -> str:
        return b"".join(self._stderr).decode("utf-8", "replace")

    def _drain_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self._stderr.append(line)

    def _read(self) -> None:
        pending = b""
        while True:
            chunk = os.read(self._answers, 1 << 16)
            if not chunk:
                self._inbox.put(None)
                return
            pending += chunk
            *messages, pending = pending.split(b"\0")
            for message in messages:
                self._inbox.put(json.loads(message))

    def send(
        self, method: str, params: Mapping[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        """One command; returns its result. Events that arrive meanwhile go to `events`."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        while True:
            answer = self._receive()
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise ProtocolError(f"{method}: {answer['error']}")
                result: dict[str, Any] = answer.get("result", {})
                return result
            self.events.append(answer)

    def _receive(self) -> dict[str, Any]:
        try:
            answer = self._inbox.get(timeout=TIMEOUT)
        except queue.Empty:
            raise ProtocolError(f"no answer from the browser in {TIMEOUT:.0f} s") from None
        if answer is None:
            raise ProtocolError(f"the browser closed the pipe; its stderr:\n{self.stderr}")
        return answer

    def wait_for(self, method: str, session: str) -> dict[str, Any]:
        for event in self.events:
            if event.get("method") == method and event.get("sessionId") == session:
                return event
        while True:
            event = self._receive()
            self.events.append(event)
            if event.get("method") == method and event.get("sessionId") == session:
                return event

    def load(
        self,
        path: Path,
        expression: str,
        width: int = 1280,
        height: int = 900,
        full_page: bool = True,
    ) -> PageRun:
        """Open ``path``, wait for its load event, evaluate ``expression``, take a PNG."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Runtime", "Log", "Network", "Page"):
            self.send(f"{domain}.enable", session=session)
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session,
        )
        start = len(self.events)
        self.send("Page.navigate", {"url": path.resolve().as_uri()}, session)
        self.wait_for("Page.loadEventFired", session)
        facts = self.send(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True}, session
        )
        if "exceptionDetails" in facts:
            raise ProtocolError(f"the expression failed: {facts['exceptionDetails']}")
        shot: dict[str, Any] = {"format": "png"}
        if full_page:
            size = self.send("Page.getLayoutMetrics", session=session)["cssContentSize"]
            shot["captureBeyondViewport"] = True
            shot["clip"] = {
                "x": 0,
                "y": 0,
                "width": size["width"],
                "height": size["height"],
                "scale": 1,
            }
        png = base64.b64decode(self.send("Page.captureScreenshot", shot, session)["data"])
        # One more round trip, so that messages logged while the page settled have arrived.
        self.send("Runtime.evaluate", {"expression": "0"}, session)
        mine = [e for e in self.events[start:] if e.get("sessionId") == session]
        console = [
            e["params"]
            for e in mine
            if e.get("method")
            in ("Runtime.consoleAPICalled", "Runtime.exceptionThrown", "Log.entryAdded")
        ]
        requests = [
            e["params"]["request"]["url"]
            for e in mine
            if e.get("method") == "Network.requestWillBeSent"
        ]
        self.send("Target.closeTarget", {"targetId": target})
        return PageRun(facts["result"].get("value"), console, requests, png)

    def close(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProtocolError, OSError):
                self.send("Browser.close")
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for fd in (self._commands, self._answers):
            with contextlib.suppress(OSError):
                os.close(fd)
        shutil.rmtree(self._profile, ignore_errors=True)
