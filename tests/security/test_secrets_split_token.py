"""Attack F19: a server that reflects the bearer token, whole or in pieces, must not leak it.

The hostile proxy answers with the sentinel token split between ``error.message`` and the
``request-id`` header, or only its signature, or cut into 10-character pieces; stderr, stdout
and the apply report must hold no 8-character piece of it, and the request ID is printed only
when it is a GUID.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from b2blint.fakegraph.server import RunningFake
from b2blint.fakegraph.tokens import mint
from b2blint.redact import redact, register_secret
from tests.conftest import run_cli
from tests.security.conftest import SIGNATURE, TOKEN, leaked
from tests.security.hostile import HostileProxy, Request, Upstream, response
from tests.tenant.conftest import ADATUM, TENANT

PARTNERS = "/v1.0/policies/crossTenantAccessPolicy/partners"
CRID = re.compile(r"client-request-id [0-9a-f-]{36}")
HALF = len(TOKEN) // 2
GUID = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"


def _error(status: int, message: str, request_id: str) -> bytes:
    body = json.dumps({"error": {"code": "Authorization_RequestDenied", "message": message}})
    headers = [("Content-Type", "application/json"), ("request-id", request_id)]
    return response(status, body.encode(), headers)


def test_f19_token_split_across_message_and_request_id_is_not_printed(
    proxy: HostileProxy, tree: Path
) -> None:
    proxy.reset(lambda _r, _u: [_error(403, f"you sent {TOKEN[:HALF]}", TOKEN[HALF:])])
    run = run_cli(["plan", "-v", str(tree)])
    assert run.exit_code == 1
    assert leaked(run.stdout + run.stderr) == []
    assert CRID.sub("client-request-id X", run.stderr.splitlines()[-1]) == (
        f"b2blint: error: GET {PARTNERS}: 403 Authorization_RequestDenied: you sent *** "
        "(client-request-id X); the app needs the Graph permission Policy.Read.All (or the "
        "higher Policy.ReadWrite.CrossTenantAccess), admin-consented "
        "(https://learn.microsoft.com/graph/api/crosstenantaccesspolicy-list-partners)"
    )
    assert "request-id (invalid, not shown)" in run.stderr  # the -v request log


@pytest.mark.parametrize(
    "message",
    [
        f"signature {SIGNATURE}",
        " ".join(TOKEN[i : i + 10] for i in range(0, len(TOKEN), 10)),
        "\n".join(TOKEN[i : i + 8] for i in range(0, len(TOKEN), 8)),
        f"Bearer {TOKEN}",
        f"\x1b[8m{TOKEN[:40]}\x1b[0m",
    ],
    ids=["signature", "10-char pieces", "8-char lines", "bearer", "hidden by ESC"],
)
def test_f19_echoes_of_the_token_or_its_pieces_are_redacted(
    proxy: HostileProxy, tree: Path, message: str
) -> None:
    proxy.reset(lambda _r, _u: [_error(400, message, GUID)])
    run = run_cli(["plan", str(tree)])
    assert run.exit_code == 1
    assert leaked(run.stdout + run.stderr) == []
    assert f"(request-id {GUID}, client-request-id " in run.stderr  # a GUID is shown


def test_f19_the_apply_report_holds_no_piece_of_the_token(
    proxy: HostileProxy, tree: Path, tmp_path: Path
) -> None:
    def refuse_write(request: Request, _upstream: Upstream) -> list[bytes | float] | None:
        if request.method == "GET":
            return None
        return [_error(400, f"echo {TOKEN[:HALF]}", TOKEN[HALF:])]

    proxy.reset(refuse_write)
    report = tmp_path / "report.json"
    run = run_cli(["apply", str(tree), "--yes", "--report", str(report)])
    assert run.exit_code == 1
    text = report.read_text(encoding="utf-8")
    assert leaked(run.stdout + run.stderr + text) == []
    failed = [op for op in json.loads(text)["operations"] if op["status"] == "failed"]
    assert len(failed) == 1
    assert failed[0]["requestId"] is None  # the header was not a GUID
    assert failed[0]["error"]["message"] == "echo ***"
    assert [m for m, _ in ((r.method, r.path) for r in proxy.received) if m == "POST"] == ["POST"]


def test_redact_removes_every_piece_of_eight_and_keeps_shorter_ones() -> None:
    secret = "Zq9-Xw8_Vu7.Ts6~Rq5+Po4"
    register_secret(secret)
    assert redact(f"a {secret} b") == "a *** b"
    assert redact(f"x{secret[3:11]}y") == "x***y"  # 8 characters
    assert redact(f"x {secret[3:10]} y") == f"x {secret[3:10]} y"  # 7 characters stay
    assert redact(f"{secret[:6]}\x1b{secret[6:12]}") == "***"  # joined across a control
    assert redact(f"file {secret.lower()}.yaml") == f"file {secret.lower()}.yaml"
    register_secret("PASSWORD-for-the-REQUEST-cert")  # human-chosen: exact case only
    assert redact("client-request-id") == "client-request-id"
    assert redact(f"file {TOKEN.lower()}.yaml") == "file ***.yaml"  # a JWT: any case
    assert redact("plain words 6babcaad-604b-40ac-a9d7-9fd97c0b779f") == (
        "plain words 6babcaad-604b-40ac-a9d7-9fd97c0b779f"
    )


def test_f19_an_error_quoting_a_path_made_from_a_hostile_name_is_redacted(
    fake: RunningFake, proxy: HostileProxy, tmp_path: Path
) -> None:
    """Export names partner files after ``displayName``: a name echoing the token must reach
    neither the terminal nor the tree (file names and contents): what the network sends is
    scrubbed of the token before anything of it is stored."""

    def echo_name(request: Request, upstream: Upstream) -> list[bytes | float] | None:
        if "/partners" not in request.path:
            return None
        data = json.loads(upstream.body)
        for item in data["value"]:
            item["displayName"] = f"x {TOKEN}"
        return [response(200, json.dumps(data).encode())]

    fake.set_state({"tenantId": TENANT, "partners": [{"tenantId": ADATUM, "displayName": "A"}]})
    proxy.reset(echo_name)
    run = run_cli(["export", "--tenant-id", TENANT, "--out", str(tmp_path / "out")])
    assert run.exit_code == 0, run.stderr
    assert leaked(run.stdout.lower() + run.stderr.lower(), TOKEN.lower()) == []
    written = sorted((tmp_path / "out").rglob("*"))
    assert any(path.suffix == ".yaml" for path in written)
    stored = "".join(
        str(path) + (path.read_text("utf-8") if path.is_file() else "") for path in written
    )
    assert leaked(stored.lower(), TOKEN.lower()) == []


def test_two_tokens_sharing_claims_are_both_removed_whole() -> None:
    """A refreshed token shares its header and most claims with the old one: removing one's
    pieces first must not leave bits of the other (both are looked for in the original)."""
    old = mint(TENANT, lifetime=3600) + "OLDxSIGNATUREx0123456789"
    new = mint(TENANT, lifetime=7200) + "NEWxSIGNATUREx9876543210"
    register_secret(old)
    register_secret(new)
    assert redact(f"a {new} b {old} c") == "a *** b *** c"
