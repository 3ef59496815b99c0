"""`export` (and `plan`/`apply`) against hostile Graph data, over real HTTP on 127.0.0.1.

Two servers: the honest emulator (whose identitySynchronization displayName can hold anything,
as Graph's can: F15 through export), and a hostile proxy in front of it that rewrites the
partner list (F24: a tenantId such as ``../../../EXPORT_ESCAPE``).
"""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from b2blint.fakegraph.server import RunningFake, start
from b2blint.files.document import read_document
from tests.conftest import run_cli

TENANT = "6babcaad-604b-40ac-a9d7-9fd97c0b779f"
FABRIKAM = "3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11"
ADATUM = "cdb668e9-1967-4d2f-a91d-d53b5e5267d9"
PARTNERS = "/v1.0/policies/crossTenantAccessPolicy/partners"
# Synchronization needs inbound consent on the partner (lint XTA013 refuses the tree otherwise).
CONSENT = {"inboundAllowed": True, "outboundAllowed": False}
INJECTION = "Fabrikam\ndefault:\n  inboundTrust: {isMfaAccepted: true}\n#"
HOSTILE = [
    INJECTION,
    "x\u2028default: {inboundTrust: {isMfaAccepted: true}}",
    "x\x85y\rz\x00\x1b[31m\x07",
    "---\n...\n%YAML 1.1",
    "a: b # c",
    "'single' \"double\" \\backslash \\n",
    "\ufeff\u202eevil\u202c",
    "yes",
    "~",
    "0777",
    " padded ",
]
_ENV = ("B2BLINT_GRAPH_URL", "B2BLINT_ACCESS_TOKEN", "B2BLINT_AUTH", "B2BLINT_CLOUD")


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningFake]:
    """The emulator, with the CLI pointed at it through the documented variables."""
    for name in _ENV:
        monkeypatch.delenv(name, raising=False)
    with start(tenant_id=TENANT, retry_after="0.1") as running:
        monkeypatch.setenv("B2BLINT_GRAPH_URL", running.url)
        monkeypatch.setenv("B2BLINT_ACCESS_TOKEN", running.token())
        yield running


class _Proxy:
    """A hostile Graph on 127.0.0.1: forwards to the emulator, rewrites the lists under
    ``prefix`` (partner lists unless told otherwise)."""

    def __init__(
        self, upstream: str, rewrite: Callable[[dict[str, Any]], None], prefix: str = PARTNERS
    ) -> None:
        target = urlsplit(upstream)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._forward()

            def do_POST(self) -> None:
                self._forward()

            def do_PATCH(self) -> None:
                self._forward()

            def do_PUT(self) -> None:
                self._forward()

            def do_DELETE(self) -> None:
                self._forward()

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                conn = http.client.HTTPConnection(target.hostname or "", target.port, timeout=30)
                conn.request(self.command, self.path, body=body, headers=headers)
                reply = conn.getresponse()
                data = reply.read()
                if self.command == "GET" and self.path.startswith(prefix) and data:
                    parsed = json.loads(data)
                    proxy.rewrite(parsed)
                    data = json.dumps(parsed).encode("utf-8")
                data = data.replace(upstream.encode(), proxy.url.encode())
                self.send_response(reply.status)
                for key, value in reply.getheaders():
                    if key.lower() not in {"content-length", "transfer-encoding", "connection"}:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                conn.close()

        self.rewrite = rewrite
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hostile_partner_id(fake: RunningFake, monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningFake]:
    """The emulator holds Fabrikam; the proxy renames it ``../../../EXPORT_ESCAPE``."""
    fake.set_state({"tenantId": TENANT, "partners": [{"tenantId": FABRIKAM}]})

    def rewrite(body: dict[str, Any]) -> None:
        for item in body.get("value", []):
            item["tenantId"] = "../../../EXPORT_ESCAPE"

    proxy = _Proxy(fake.url, rewrite)
    monkeypatch.setenv("B2BLINT_GRAPH_URL", proxy.url)
    try:
        yield fake
    finally:
        proxy.close()


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


MALFORMED = (
    "GET /policies/crossTenantAccessPolicy/partners: partner 1 of the list has tenantId "
    "'../../../EXPORT_ESCAPE', not a GUID (malformed response)"
)


def test_export_hostile_tenant_id_writes_nothing_anywhere(
    hostile_partner_id: RunningFake, tmp_path: Path
) -> None:
    """F24: the server's tenantId '../../../EXPORT_ESCAPE' wrote outside --out."""
    out = tmp_path / "a" / "b" / "out"
    out.parent.mkdir(parents=True)
    run = run_cli(["export", "--tenant-id", TENANT, "--out", str(out)])
    assert run.exit_code == 1
    assert run.stdout == ""
    assert run.stderr.startswith(f"b2blint: error: {MALFORMED}")
    assert run.stderr.count("\n") == 1
    assert _files(tmp_path) == ["a", "a/b"]


def test_plan_and_apply_never_put_a_hostile_tenant_id_in_a_url(
    hostile_partner_id: RunningFake, tmp_path: Path
) -> None:
    """The same id would become DELETE .../partners/../../../EXPORT_ESCAPE in apply."""
    tree = tmp_path / "p"
    (tree / "partners").mkdir(parents=True)
    (tree / "tenant.yaml").write_text(f"b2blint: 1\ntenant: {{id: {TENANT}}}\n", encoding="utf-8")
    (tree / "partners" / "p.yaml").write_text("b2blint: 1\npartners: []\n", encoding="utf-8")
    for command in (["plan", str(tree)], ["apply", str(tree), "--yes"]):
        run = run_cli(command)
        assert run.exit_code == 1, run
        assert run.stderr.startswith(f"b2blint: error: {MALFORMED}"), run.stderr
    assert hostile_partner_id.writes() == []
    assert all(entry["method"] == "GET" for entry in hostile_partner_id.log())


def test_export_sync_display_name_cannot_inject_a_default(
    fake: RunningFake, tmp_path: Path
) -> None:
    """F15 through the honest emulator: a sync policy's displayName, then `export`."""
    fake.set_state(
        {
            "tenantId": TENANT,
            "partners": [
                {
                    "tenantId": FABRIKAM,
                    "automaticUserConsentSettings": CONSENT,
                    "identitySynchronization": {
                        "displayName": INJECTION,
                        "userSyncInbound": {"isSyncAllowed": True},
                    },
                }
            ],
        }
    )
    out = tmp_path / "out"
    run = run_cli(["export", "--tenant-id", TENANT, "--out", str(out), "--section", "partners"])
    assert run.exit_code == 0, run.stderr
    assert _files(out) == [
        "partners",
        "partners/fabrikam-default-inboundtrust-ismfaaccepted-true.yaml",
        "tenant.yaml",
    ]
    partner = read_document(out / "partners" / _files(out)[1].split("/")[1]).data
    assert partner == {
        "b2blint": 1,
        "partners": [
            {
                "tenantId": FABRIKAM,
                "name": INJECTION,
                "settings": {"automaticUserConsentSettings": CONSENT},
                "identitySynchronization": {
                    "displayName": INJECTION,
                    "userSyncInbound": {"isSyncAllowed": True},
                },
            }
        ],
    }
    assert read_document(out / "tenant.yaml").data == {
        "b2blint": 1,
        "tenant": {"id": TENANT, "cloud": "global"},
    }
    plan = run_cli(["plan", str(out), "--detailed-exitcode"])
    assert plan.exit_code == 0, plan.stdout + plan.stderr


def test_hostile_strings_round_trip_import_lint_apply_export(
    fake: RunningFake, tmp_path: Path
) -> None:
    """Hostile strings: import -> lint -> apply -> export give the same data, no new key."""
    partners = [
        {
            "tenantId": f"{index:08x}-6c2d-4f0e-9a43-8d7b6f1c2a11",
            "inboundTrust": {"isMfaAccepted": True},
            "automaticUserConsentSettings": CONSENT,
            "identitySynchronization": {
                "displayName": hostile,
                "userSyncInbound": {"isSyncAllowed": index % 2 == 0},
            },
        }
        for index, hostile in enumerate(HOSTILE)
    ]
    policy = {
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#policies/"
        "crossTenantAccessPolicy/$entity",
        "displayName": INJECTION,
    }
    (tmp_path / "partners.json").write_text(json.dumps({"value": partners}), encoding="utf-8")
    (tmp_path / "policy.json").write_text(json.dumps(policy), encoding="utf-8")
    imported = run_cli(
        ["import", "--tenant-id", TENANT, "--out", "in", "policy.json", "partners.json"],
        cwd=tmp_path,
    )
    assert imported.exit_code == 0, imported.stderr
    lint = run_cli(["lint", "--format", "json", "in"], cwd=tmp_path)
    assert lint.exit_code == 0, lint.stdout
    applied = run_cli(["apply", str(tmp_path / "in"), "--yes"])
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    exported = run_cli(["export", "--tenant-id", TENANT, "--out", str(tmp_path / "out")])
    assert exported.exit_code == 0, exported.stderr

    def tree(root: Path) -> dict[str, Any]:
        data: dict[str, Any] = {}
        entries: list[dict[str, Any]] = []
        for path in sorted(root.rglob("*.yaml")):
            document = read_document(path).data
            if path.parent.name == "partners":
                assert sorted(document) == ["b2blint", "partners"]
                entries.extend(document["partners"])
            else:
                data = document
        data["partners"] = sorted(
            ({k: v for k, v in e.items() if k != "name"} for e in entries),
            key=lambda e: e["tenantId"],
        )
        return data

    before, after = tree(tmp_path / "in"), tree(tmp_path / "out")
    assert after["crossTenantAccessPolicy"]["displayName"] == INJECTION
    # Graph (and the emulator) list an empty allowedCloudEndpoints the import did not set.
    assert after["crossTenantAccessPolicy"] == {
        **before["crossTenantAccessPolicy"],
        "allowedCloudEndpoints": [],
    }
    assert before["partners"] == after["partners"]
    assert [p["identitySynchronization"]["displayName"] for p in after["partners"]] == HOSTILE
    assert "default" not in before
    assert sorted(before) == ["b2blint", "crossTenantAccessPolicy", "partners", "tenant"]


def test_export_symlinked_out_is_refused(fake: RunningFake, tmp_path: Path) -> None:
    """export writes only into a real directory: a symlinked --out is refused, not followed."""
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "out"
    link.symlink_to(real)
    run = run_cli(["export", "--tenant-id", TENANT, "--out", str(link)])
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.stderr == (
        f"b2blint: error: --out {link}: is a symbolic link (to {real}); export writes only "
        "into a real directory: pass the directory itself\n"
    )
    assert list(real.iterdir()) == []
    assert fake.log() == []  # refused before the first request


@pytest.fixture
def hostile_b2b_policy_id(
    fake: RunningFake, monkeypatch: pytest.MonkeyPatch
) -> Iterator[RunningFake]:
    """The proxy renames the tenant's b2bManagementPolicy ``../authorizationPolicy``."""
    definition = '{"B2BManagementPolicy":{"InvitationsAllowedAndBlockedDomainsPolicy":{}}}'
    fake.set_state(
        {
            "tenantId": TENANT,
            "b2bManagementPolicies": [
                {
                    "id": "f596ef0d-42f9-0359-1aaa-12d02b38802a",
                    "definition": [definition],
                    "isOrganizationDefault": True,
                }
            ],
        }
    )

    def rewrite(body: dict[str, Any]) -> None:
        for item in body.get("value", []):
            if isinstance(item, dict) and "definition" in item:
                item["id"] = "../authorizationPolicy"

    proxy = _Proxy(fake.url, rewrite, prefix="/beta/policies/b2bManagementPolicies")
    monkeypatch.setenv("B2BLINT_GRAPH_URL", proxy.url)
    try:
        yield fake
    finally:
        proxy.close()


def test_apply_never_puts_a_hostile_b2b_policy_id_in_a_url(
    hostile_b2b_policy_id: RunningFake, tmp_path: Path
) -> None:
    """The b2bManagementPolicy id is a URL segment of apply's PATCH: ``../authorizationPolicy``
    would have PATCHed /policies/authorizationPolicy (HTTP clients collapse ``..``)."""
    tree = tmp_path / "p"
    tree.mkdir()
    (tree / "tenant.yaml").write_text(
        f"b2blint: 1\ntenant: {{id: {TENANT}}}\n"
        "invitationDomains:\n  allowedDomains: [fabrikam.com]\n",
        encoding="utf-8",
    )
    for command in (["plan", str(tree)], ["apply", str(tree), "--yes"]):
        run = run_cli(command)
        assert run.exit_code == 1, run
        assert run.stderr.startswith(
            "b2blint: error: GET /policies/b2bManagementPolicies: the b2bManagementPolicy has id "
            "'../authorizationPolicy', not a GUID (malformed response)"
        ), run.stderr
    assert hostile_b2b_policy_id.writes() == []
    assert all(entry["method"] == "GET" for entry in hostile_b2b_policy_id.log())
