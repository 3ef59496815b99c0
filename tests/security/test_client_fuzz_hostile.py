"""Fuzz: ``plan`` and ``export`` against a Graph server that mutates status, headers and bodies.

Hypothesis drives the hostile proxy (a real HTTP server on 127.0.0.1 in front of the emulator)
to change one request's answer, or every answer: any status, hostile header values (control
characters, pieces of the token, garbage dates and Retry-After), any body (truncated, random
bytes, an error envelope echoing the token, deep nesting, huge numbers, names with escape
sequences). Whatever it does, the CLI must end with a documented exit code, print no traceback,
no raw control character and no 8-character piece of the sentinel token, and write none to
disk. The command deadline is lowered so no example can wait long.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from b2blint.errors import EXIT_FAILED, EXIT_OK
from tests.conftest import run_cli
from tests.security.conftest import SIGNATURE, TOKEN, leaked
from tests.security.hostile import HostileProxy, Request, Upstream, response
from tests.tenant.conftest import TENANT

CONTROLS = {chr(c) for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))} - {"\n"}
NASTY = ["\x1b[2J", "\x1b]0;pwned\x07", "\r", "\n", "\x9b31m", "\u202e", "\x00", "%0A", "::"]
PIECES = [TOKEN[:20], TOKEN[20:60], SIGNATURE, TOKEN[-12:], TOKEN]

nasty_text = st.lists(
    st.one_of(st.sampled_from(NASTY + PIECES), st.text(max_size=12)), max_size=5
).map("".join)

header_names = st.sampled_from(
    ["request-id", "client-request-id", "date", "retry-after", "x-ms-throttle-scope",
     "x-ms-throttle-information", "www-authenticate", "content-type"]
)
content_types = st.sampled_from(
    ["application/json", "application/json; charset=utf-8", "text/plain", "text/html",
     "application/json;odata.metadata=minimal", ""]
)


@st.composite
def bodies(draw: st.DrawFn) -> tuple[str, Any]:
    """A body recipe, drawn up front: the proxy's threads only apply it to Graph's answer."""
    kind = draw(st.sampled_from(
        ["same", "truncated", "random", "error", "deep", "number", "names", "empty", "nonobj"]
    ))
    if kind == "truncated":
        return kind, draw(st.floats(0, 0.99))
    if kind == "random":
        return kind, draw(st.binary(max_size=64))
    if kind == "error":
        error: dict[str, Any] = {
            "code": draw(nasty_text),
            "message": draw(nasty_text),
            "innerError": {"request-id": draw(nasty_text), "date": draw(nasty_text)},
        }
        return kind, json.dumps({"error": error}).encode()
    if kind == "deep":
        depth = draw(st.sampled_from([65, 1000, 100_000]))
        return kind, b"[" * depth + b"]" * depth
    if kind == "number":
        return kind, b'{"value": [], "n": ' + b"7" * draw(st.sampled_from([101, 5000])) + b"}"
    if kind == "names":
        name = draw(nasty_text)
        tenant = draw(st.sampled_from([TENANT, name]))
        value = {"tenantId": tenant, "displayName": name}
        return kind, json.dumps({"value": [value], "displayName": name, "id": name}).encode()
    if kind == "nonobj":
        return kind, draw(st.sampled_from([b"[]", b"null", b"42", b'"x"', b'{"value": 3}']))
    return kind, b""


def _body(recipe: tuple[str, Any], upstream: bytes) -> bytes:
    kind, value = recipe
    if kind == "same":
        return upstream
    if kind == "truncated":
        return upstream[: int(len(upstream) * value)]
    assert isinstance(value, bytes)
    return value


@st.composite
def mutations(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "which": draw(st.sampled_from(["first", "second", "last-ish", "every"])),
        "status": draw(st.sampled_from(
            [200, 200, 201, 204, 302, 400, 401, 403, 404, 409, 429, 500, 503, 504, 599]
        )),
        "headers": draw(st.lists(st.tuples(header_names, nasty_text), max_size=4)),
        "content_type": draw(content_types),
        "body": draw(bodies()),
        "command": draw(st.sampled_from(["plan", "export"])),
    }


def _mutator(mutation: dict[str, Any]) -> Any:
    seen = {"n": 0}

    def mutate(_request: Request, upstream: Upstream) -> list[bytes | float] | None:
        seen["n"] += 1
        which, n = mutation["which"], seen["n"]
        hit = (
            which == "every"
            or (which == "first" and n == 1)
            or (which == "second" and n == 2)
            or (which == "last-ish" and n == 5)
        )
        if not hit:
            return None
        body = _body(mutation["body"], upstream.body)
        headers = [
            (k, v.replace("\r", "").replace("\n", "")) for k, v in mutation["headers"]
        ]
        if mutation["content_type"]:
            headers.append(("Content-Type", mutation["content_type"]))
        return [response(mutation["status"], body, headers)]

    return mutate


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(mutation=mutations())
def test_fuzz_plan_and_export_against_a_hostile_server(
    proxy: HostileProxy, tree: Path, monkeypatch: pytest.MonkeyPatch, mutation: dict[str, Any]
) -> None:
    monkeypatch.setenv("B2BLINT_COMMAND_TIMEOUT", "2")
    monkeypatch.setenv("B2BLINT_REQUEST_TIMEOUT", "1")
    proxy.reset(_mutator(mutation))
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "out"
        if mutation["command"] == "plan":
            run = run_cli(["plan", "-v", str(tree), "--out", str(Path(scratch) / "plan.json")])
        else:
            run = run_cli(["export", "-v", "--tenant-id", TENANT, "--out", str(out)])
        written = "".join(
            p.read_text(encoding="utf-8", errors="replace")
            for p in Path(scratch).rglob("*")
            if p.is_file()
        )
    shown = run.stdout + run.stderr
    assert run.exit_code in (EXIT_OK, EXIT_FAILED), shown
    assert "Traceback" not in shown and "internal error" not in shown, shown
    assert not {c for c in shown if c in CONTROLS}, shown
    assert leaked(shown + written) == [], shown
    if run.exit_code == EXIT_FAILED:
        assert run.stderr.splitlines()[-1].startswith("b2blint: error: "), shown
