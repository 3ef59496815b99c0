"""What the workflow tests share: the offline linters a workflow must pass, and a Node harness
that runs a ``github-script`` step against a local stand-in for GitHub's REST API.

github-script runs ``script`` as the body of an async function with ``github`` (an Octokit),
``context`` and ``core``. `harness` gives it the REST calls a test names, over real HTTP
(Node's fetch) to a `GitHubStub` on 127.0.0.1, so the script's own logic runs unchanged.
"""

from __future__ import annotations

import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.integration._checkout import clean_env


def check_jsonschema(path: Path, schema: str = "vendor.github-workflows") -> None:
    """``path`` validates against GitHub's schema (check-jsonschema's vendored copy)."""
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def zizmor(*paths: Path) -> subprocess.CompletedProcess[str]:
    """zizmor's offline audit of ``paths`` (skip the test when zizmor is not installed)."""
    found = shutil.which("zizmor", path=str(Path(sys.executable).parent)) or shutil.which("zizmor")
    if found is None:
        pytest.skip("zizmor is not installed (pip install zizmor; it is in the test extra)")
    return subprocess.run(
        [found, "--offline", "--no-progress", "--format", "plain", *map(str, paths)],
        capture_output=True, text=True, timeout=120, check=False, env=clean_env(),
    )  # fmt: skip


def assert_zizmor_clean(workflow: Path) -> None:
    """zizmor finds nothing in ``workflow``, and it silences nothing either."""
    done = zizmor(workflow)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings to report" in done.stdout + done.stderr
    assert "zizmor: ignore" not in workflow.read_text("utf-8")


def actionlint(workflow: Path, skip_reason: str) -> None:
    """actionlint accepts ``workflow`` (skip with ``skip_reason`` when it is not installed)."""
    beside = Path(sys.executable).with_name("actionlint")  # the test extra's wheel
    found = str(beside) if beside.is_file() else shutil.which("actionlint")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"actionlint is missing in CI (the test extra installs it): {skip_reason}")
        pytest.skip(skip_reason)
    done = subprocess.run(
        [found, "-no-color", str(workflow)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


_HEAD = """
const api = process.env.API;
async function call(method, path, body) {
  const response = await fetch(api + path, {
    method, headers: {"content-type": "application/json"},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(method + " " + path + ": " + response.status);
  return {data: await response.json(), link: response.headers.get("link") || ""};
}
const base = (p) => "/repos/" + p.owner + "/" + p.repo + "/issues";
const github = {
  rest: {issues: {
"""

_TAIL = """\
  }},
  paginate: async (method, params) => {
    const all = [];
    for (let page = 1; ; page++) {
      const {data, link} = await method({...params, page});
      all.push(...data);
      if (!link.includes('rel="next"')) return all;
    }
  },
};
const context = CONTEXT;
const core = {setFailed: (m) => { console.error(m); process.exitCode = 1; }};
(async () => {
SCRIPT
})().catch((e) => { console.error(e); process.exitCode = 2; });
"""


def harness(issues_methods: str, context: str) -> str:
    """A Node program: ``github.rest.issues`` with ``issues_methods`` (JS object members),
    ``github.paginate``, ``context`` (a JS literal) and ``core``; SCRIPT stands for the step."""
    return _HEAD + issues_methods + _TAIL.replace("CONTEXT", context)


class GitHubStub(http.server.BaseHTTPRequestHandler):
    """A JSON endpoint that records every request; subclasses answer GET, POST and PATCH."""

    requests: list[tuple[str, str, Any]]

    def _reply(self, status: int, data: Any, link: str = "") -> None:
        raw = json.dumps(data).encode("utf-8")
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(raw)))
        if link:
            self.send_header("link", link)
        self.end_headers()
        self.wfile.write(raw)

    def _body(self) -> Any:
        return json.loads(self.rfile.read(int(self.headers["content-length"])))

    def log_message(self, format: str, *args: Any) -> None:
        pass


def run_github_script(
    tmp_path: Path,
    program: str,
    handler: type[GitHubStub],
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``program`` (a `harness` with the step's script in) in Node from ``tmp_path``,
    against ``handler`` served on 127.0.0.1 (skip the test when Node is not installed)."""
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("node is missing in CI (the github-script steps run in Node)")
        pytest.skip("node is not installed (github-script runs in Node)")
    (tmp_path / "run.js").write_text(program, "utf-8")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        return subprocess.run(
            [node, "run.js"], cwd=tmp_path, capture_output=True, text=True, timeout=60,
            check=False,
            env={**clean_env(), "API": f"http://127.0.0.1:{server.server_port}", **(env or {})},
        )  # fmt: skip
    finally:
        server.shutdown()
        server.server_close()
