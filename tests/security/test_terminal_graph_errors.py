"""Attack F20: ESC, CR and LF in Graph's error code, message, reason phrase and headers.

The hostile proxy answers with escape sequences everywhere the server chooses text; the user
must see one error line, with the message escaped, the code and reason replaced by ours, and
only headers that pass validation (a GUID request ID, a parseable date).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import run_cli
from tests.security.hostile import HostileProxy, response

PARTNERS = "/v1.0/policies/crossTenantAccessPolicy/partners"
CRID = re.compile(r"client-request-id [0-9a-f-]{36}")
CONTROLS = {chr(c) for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))} - {"\n"}
GUID = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"


def _hostile(status: int) -> bytes:
    body = {
        "error": {
            "code": "Bad\x1b[2JCode",
            "message": "nope\r\nb2blint: error: forged\x1b]0;pwned\x07\u202e",
            "innerError": {"request-id": "\x1b[31m", "date": "\x1b[2J"},
        }
    }
    headers = [
        ("Content-Type", "application/json"),
        ("request-id", GUID),
        ("client-request-id", "\x1b[31mred"),
        ("date", "Tue, 01 Dec 2026 10:00:00 GMT\x1b[2J"),
        ("x-ms-throttle-scope", "Tenant\x1b]0;t\x07"),
        ("retry-after", "\x1b[2J"),
    ]
    return response(status, json.dumps(body).encode(), headers, reason=b"Bad \x1b[2J")


def test_f20_graph_error_text_cannot_drive_the_terminal(proxy: HostileProxy, tree: Path) -> None:
    proxy.reset(lambda _r, _u: [_hostile(400)])
    run = run_cli(["plan", "-v", str(tree)])
    assert run.exit_code == 1
    assert not {c for c in run.stdout + run.stderr if c in CONTROLS}
    assert CRID.sub("client-request-id X", run.stderr.splitlines()[-1]) == (
        f"b2blint: error: GET {PARTNERS}: 400 Bad Request: "
        "nope\\r\\nb2blint: error: forged\\x1b]0;pwned\\x07\\u202e "
        f"(request-id {GUID}, client-request-id X)"
    )
    assert [line for line in run.stderr.splitlines() if "b2blint: error:" in line] == [
        run.stderr.splitlines()[-1]
    ]
    request_log = [line for line in run.stderr.splitlines() if "-> 400" in line]
    assert len(request_log) == 1
    assert CRID.sub("client-request-id X", request_log[0]).endswith(
        f"-> 400 (request-id {GUID}, client-request-id (invalid, not shown), "
        "retry-after (invalid, not shown), x-ms-throttle-scope (invalid, not shown), "
        "date (invalid, not shown); " + request_log[0].rsplit("; ", 1)[1]
    )


def test_f20_a_valid_date_header_is_shown_as_we_render_it(
    proxy: HostileProxy, tree: Path
) -> None:
    headers = [("Content-Type", "application/json"), ("date", "Tue, 01 Dec 2026 10:00:00 +0000")]
    body = json.dumps({"error": {"code": "Request_BadRequest", "message": "no"}}).encode()
    proxy.reset(lambda _r, _u: [response(400, body, headers)])
    run = run_cli(["plan", str(tree)])
    assert CRID.sub("client-request-id X", run.stderr) == (
        f"b2blint: error: GET {PARTNERS}: 400 Request_BadRequest: no "
        "(client-request-id X, date Tue, 01 Dec 2026 10:00:00 GMT)\n"
    )
