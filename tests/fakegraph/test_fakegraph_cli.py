"""``python -m b2blint.fakegraph`` as a real process: start, serve, stop on a signal, save state."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from fakegraph_support import PARTNER, PARTNERS, TENANT, XTAP

from b2blint.fakegraph import tokens

START_TIMEOUT = 30.0
STOP_TIMEOUT = 30.0


@contextmanager
def serving(*args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """Run the emulator, yield (process, url); always stop it (SIGTERM, then kill)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "b2blint.fakegraph", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # bounded: the process prints or exits
        assert line.startswith("fakegraph listening on http://127.0.0.1:"), line
        yield process, line.split(" on ", 1)[1].strip()
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=STOP_TIMEOUT)


def test_cli_serves_and_stops_on_sigterm() -> None:
    with serving("--tenant-id", TENANT, "--page-size", "1") as (process, url):
        token = tokens.mint(TENANT)
        response = httpx.get(
            url + "/v1.0" + XTAP, headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
        assert response.status_code == 200
        assert response.json()["displayName"] == "CrossTenantAccessPolicy"
        process.terminate()
        assert process.wait(timeout=STOP_TIMEOUT) == 0
        assert process.stdout is not None and process.stdout.read() == ""


def test_cli_loads_and_saves_state(tmp_path: Path) -> None:
    state = tmp_path / "tenant.json"
    state.write_text(
        json.dumps({"tenantId": TENANT, "partners": [{"tenantId": PARTNER}]}), encoding="utf-8"
    )
    log = tmp_path / "requests.jsonl"
    with serving("--state", str(state), "--log", str(log)) as (process, url):
        client = httpx.Client(
            base_url=url + "/v1.0",
            timeout=10,
            headers={"Authorization": f"Bearer {tokens.mint(TENANT)}"},
        )
        assert client.get(f"{PARTNERS}/{PARTNER}").status_code == 200  # the state's tenant id
        assert (
            client.patch(
                f"{PARTNERS}/{PARTNER}", json={"inboundTrust": {"isMfaAccepted": True}}
            ).status_code
            == 204
        )
        client.close()
        process.terminate()
        assert process.wait(timeout=STOP_TIMEOUT) == 0
    saved = json.loads(state.read_text(encoding="utf-8"))
    assert saved["tenantId"] == TENANT
    assert saved["partners"][0]["inboundTrust"] == {"isMfaAccepted": True}
    assert [
        json.loads(line)["method"] for line in log.read_text(encoding="utf-8").splitlines()
    ] == ["GET", "PATCH"]
    assert not list(tmp_path.glob(".tenant.json.*"))  # the atomic write left no temp file


def test_cli_refuses_a_non_loopback_host() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "b2blint.fakegraph", "--port", "0", "--host", "0.0.0.0"],
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert "127.0.0.1" in result.stderr


def test_cli_refuses_a_bad_state_file(tmp_path: Path) -> None:
    state = tmp_path / "bad.json"
    state.write_text(json.dumps({"partners": [{"tenantId": "x"}]}), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "b2blint.fakegraph", "--port", "0", "--state", str(state)],
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT,
        check=False,
    )
    assert result.returncode == 2
    assert "not a GUID" in result.stderr


def test_cli_fidelity_options() -> None:
    """``--read-only-writes refuse`` and ``--nested-patch merge`` (OData §11.4.3 [S62]) reach a
    real process: the read-only property is refused, half a setting is merged."""
    args = ("--tenant-id", TENANT, "--read-only-writes", "refuse", "--nested-patch", "merge")
    with serving(*args) as (_, url):
        assert httpx.get(url + "/_fake/config", timeout=10).json()["nestedPatch"] == "merge"
        headers = {"Authorization": f"Bearer {tokens.mint(TENANT)}"}
        api = url + "/v1.0" + PARTNERS
        trust = {"isMfaAccepted": True, "isCompliantDeviceAccepted": True}
        body = {"tenantId": PARTNER, "inboundTrust": trust}
        assert httpx.post(api, json=body, headers=headers, timeout=10).status_code == 201
        refused = httpx.patch(
            f"{api}/{PARTNER}", json={"isServiceProvider": True}, headers=headers, timeout=10
        )
        assert refused.status_code == 400
        half = {"inboundTrust": {"isMfaAccepted": False}}
        assert (
            httpx.patch(f"{api}/{PARTNER}", json=half, headers=headers, timeout=10).status_code
            == 204
        )
        got = httpx.get(f"{api}/{PARTNER}", headers=headers, timeout=10).json()["inboundTrust"]
        assert got == {"isMfaAccepted": False, "isCompliantDeviceAccepted": True}


def test_cli_refuses_an_unknown_fidelity_mode() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "b2blint.fakegraph", "--port", "0", "--nested-patch", "deep"],
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT,
        check=False,
    )
    assert result.returncode == 2
    assert "invalid choice: 'deep'" in result.stderr
