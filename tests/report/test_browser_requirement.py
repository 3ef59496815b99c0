"""The browser test skips without Chromium on a developer's machine, and fails under CI.

Run for real: pytest in a subprocess on tests/report/test_html_browser.py, with ``CHROMIUM``
pointing at a browser that does not exist (scripts/headless.find_chromium then finds none).
"""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT

TEST = "tests/report/test_html_browser.py"


def _pytest(ci: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS")}
    env["CHROMIUM"] = "/nonexistent/chromium"
    if ci:
        env["CI"] = "true"
    command = [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", TEST]
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_without_chromium_the_browser_tests_skip_saying_why() -> None:
    done = _pytest(ci=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 skipped" in done.stdout
    assert "Chromium is not installed (apt-get install -y chromium); CI requires it" in done.stdout


def test_under_ci_a_missing_chromium_fails() -> None:
    done = _pytest(ci=True)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "CI is set but Chromium is missing: .ci/run installs it (apt-get)" in done.stdout
    assert "3 errors" in done.stdout
