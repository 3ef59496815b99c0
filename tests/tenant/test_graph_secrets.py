"""G13: no token or secret in any output, log line, plan file, report or error message.

Every Graph command runs, with ``-v`` and on its failure paths, with a sentinel token (a JWT whose
signature is a recognisable string) and sentinel secrets in the environment; neither the token
nor any of its parts nor the secrets may appear in stdout, stderr or any file written.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from b2blint.fakegraph.server import RunningFake
from b2blint.fakegraph.tokens import mint
from tests.conftest import run_cli
from tests.tenant.conftest import (
    ADATUM,
    FABRIKAM,
    MFA_TRUST,
    OTHER_TENANT,
    TENANT,
    partner,
    write_tree,
)

SIGNATURE = "SENTINELxJWTxSIGNATURExVALUE"
SECRET = "SENTINEL-CLIENT-SECRET-7f3a"
OIDC = "SENTINEL-OIDC-REQUEST-TOKEN-91c2"


def _token(tenant: str = TENANT, **claims: object) -> str:
    return mint(tenant, **claims) + SIGNATURE


def _assert_clean(token: str, *texts: str) -> None:
    _header, payload, _ = token.split(".")
    for text in texts:
        for secret in (token, payload, SIGNATURE, SECRET, OIDC):
            assert secret not in text


def _files(root: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in root.rglob("*") if p.is_file()]


@pytest.fixture
def sentinel(fake: RunningFake, monkeypatch: pytest.MonkeyPatch) -> str:
    token = _token()
    monkeypatch.setenv("B2BLINT_ACCESS_TOKEN", token)
    monkeypatch.setenv("AZURE_CLIENT_SECRET", SECRET)
    monkeypatch.setenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", OIDC)
    return token


def test_g13_no_secret_in_any_command_output_or_file(
    fake: RunningFake, sentinel: str, tmp_path: Path
) -> None:
    fake.set_state(
        {"tenantId": TENANT, "partners": [{"tenantId": ADATUM, "displayName": "Adatum"}]}
    )
    out = tmp_path / "out"
    runs = [run_cli(["export", "-v", "--tenant-id", TENANT, "--out", str(out / "live")])]
    tree = write_tree(out / "p", [partner(FABRIKAM, "Fabrikam", {"inboundTrust": MFA_TRUST})])
    for fmt in ("text", "json", "markdown"):
        runs.append(
            run_cli(["plan", "-v", str(tree), "--format", fmt, "--out", str(out / f"{fmt}.json")])
        )
    fake.script_faults(
        {"kind": "throttle", "method": "POST", "path": "*/partners", "retryAfter": "0.1"},
        {"kind": "commitThenDrop", "method": "POST", "path": "*/partners"},
    )
    runs.append(
        run_cli(
            [
                "apply",
                "-v",
                "--plan",
                str(out / "text.json"),
                "--yes",
                "--prune",
                "--report",
                str(out / "refused.json"),
            ]
        )
    )
    runs.append(run_cli(["apply", "-v", str(tree), "--yes", "--report", str(out / "report.json")]))
    assert [r.exit_code for r in runs] == [0, 0, 0, 0, 1, 0]
    assert (
        "GET /v1.0/policies/crossTenantAccessPolicy/partners"
        "?%24expand=identitySynchronization -> 200" in runs[1].stderr
    )  # -v really logs the requests
    _assert_clean(sentinel, *(r.stdout + r.stderr for r in runs), *_files(out))


def test_g13_no_secret_on_failure_paths(
    fake: RunningFake, sentinel: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = write_tree(tmp_path / "p", [partner(FABRIKAM, "Fabrikam", {"inboundTrust": MFA_TRUST})])
    report = tmp_path / "report.json"
    fake.script_faults(
        {
            "kind": "respond",
            "method": "POST",
            "path": "*/partners",
            "status": 400,
            "body": {
                "error": {"code": "Request_BadRequest", "message": f"echoing Bearer {sentinel}"}
            },
        }
    )
    runs = [run_cli(["apply", "-v", str(tree), "--yes", "--report", str(report)])]
    cases = {
        "read-only": _token(roles=["Policy.Read.All"]),
        "403": _token(roles=["Policy.ReadWrite.Authorization"]),
        "401": _token(aud="api://elsewhere"),
        "wrong tenant": _token(OTHER_TENANT),
    }
    for token in cases.values():
        monkeypatch.setenv("B2BLINT_ACCESS_TOKEN", token)
        runs.append(run_cli(["apply", "-v", str(tree), "--yes", "--report", str(report)]))
        _assert_clean(token, runs[-1].stdout, runs[-1].stderr, report.read_text())
    monkeypatch.setenv("B2BLINT_ACCESS_TOKEN", sentinel)
    monkeypatch.setenv("B2BLINT_GRAPH_URL", "http://127.0.0.1:9")  # nothing listens there
    runs.append(run_cli(["plan", "-v", str(tree)]))
    monkeypatch.setenv("AZURE_CLIENT_ID", "00000000-0000-4000-8000-000000000001")
    runs.append(run_cli(["plan", "-v", str(tree), "--auth", "secret"]))
    assert [r.exit_code for r in runs] == [1, 1, 1, 1, 1, 1, 1]
    assert "echoing Bearer ***" in runs[0].stdout  # Graph's own echo of a token is scrubbed
    _assert_clean(sentinel, *(r.stdout + r.stderr for r in runs), report.read_text())
