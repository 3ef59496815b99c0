"""Import and export of what Graph returns but b2blint never writes (issue 11 items 11, 13).

[S60] is the v1.0 metadata, [S61] the beta type mappings: the partner's
``serviceProviderConstraints`` is a navigation property in both; crossCloudMeetingConfiguration,
protectedContentSharing and invitationRedemptionIdentityProviderConfiguration are in neither,
though some beta responses carry them [S39].
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from b2blint.fakegraph.server import RunningFake, start
from tests.conftest import run_cli

TENANT = "6babcaad-604b-40ac-a9d7-9fd97c0b779f"
PARTNER = "3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11"
RESPONSE_ONLY = {
    "crossCloudMeetingConfiguration": {"inboundAllowed": True, "outboundAllowed": False},
    "protectedContentSharing": {"inboundAllowed": True, "outboundAllowed": None},
    "invitationRedemptionIdentityProviderConfiguration": {
        "primaryIdentityProviderPrecedenceOrder": ["azureActiveDirectory"],
        "fallbackIdentityProvider": "emailOneTimePasscode",
    },
}
LEFT_OUT = "left out (read-only or not managed): partner.serviceProviderConstraints"
# The response-only members end the partner's file as a comment, never as YAML data.
KEPT_COMMENT = (
    "#\n"
    "# Also {verb} from Graph, in neither the v1.0 nor the beta metadata, so b2blint\n"
    "# never writes them (docs/format.md):\n"
    '# {{"crossCloudMeetingConfiguration":{{"inboundAllowed":true,"outboundAllowed":false}},'
    '"protectedContentSharing":{{"inboundAllowed":true,"outboundAllowed":null}},'
    '"invitationRedemptionIdentityProviderConfiguration":{{"primaryIdentityProviderPrecedenceOrder":'
    '["azureActiveDirectory"],"fallbackIdentityProvider":"emailOneTimePasscode"}}}}\n'
)


def _data_part(text: str) -> str:
    """The YAML of a partner file without its comment lines."""
    return "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#"))


def _partner_response() -> dict[str, Any]:
    return {
        "@odata.context": "https://graph.microsoft.com/beta/$metadata#policies/"
        "crossTenantAccessPolicy/partners/$entity",
        "tenantId": PARTNER,
        "displayName": "Fabrikam",
        "inboundTrust": {"isMfaAccepted": True},
        **RESPONSE_ONLY,
        "serviceProviderConstraints": {"id": "c6e1e7a0-0d1f-4a53-9d2e-2f3b4c5d6e7f"},
    }


def test_import_leaves_response_only_members_and_navigations_out(tmp_path: Path) -> None:
    """The file b2blint writes holds no member Graph's model lacks as data, so it lints clean;
    the response-only members are kept as a closing comment (issue 11 leftover), the
    navigation is named as left out, and the undocumented displayName seeds the name."""
    (tmp_path / "partner.json").write_text(json.dumps(_partner_response()), encoding="utf-8")
    run = run_cli(["import", "--tenant-id", TENANT, "--out", "out", "partner.json"], cwd=tmp_path)
    assert (run.exit_code, run.stderr) == (0, "")
    assert LEFT_OUT in run.stdout.splitlines()
    text = (tmp_path / "out" / "partners" / "fabrikam.yaml").read_text(encoding="utf-8")
    assert "name: Fabrikam" in text
    assert text.endswith(KEPT_COMMENT.format(verb="imported"))
    for name in (*RESPONSE_ONLY, "serviceProviderConstraints", "displayName"):
        assert name not in _data_part(text)
    lint = run_cli(["lint", "--api-version", "beta", str(tmp_path / "out")])
    assert (lint.exit_code, lint.stdout) == (0, "All checks passed (2 files).\n")


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Any:
    for name in ("B2BLINT_GRAPH_URL", "B2BLINT_ACCESS_TOKEN", "B2BLINT_AUTH", "B2BLINT_CLOUD"):
        monkeypatch.delenv(name, raising=False)
    with start(tenant_id=TENANT) as running:
        monkeypatch.setenv("B2BLINT_GRAPH_URL", running.url)
        monkeypatch.setenv("B2BLINT_ACCESS_TOKEN", running.token())
        yield running


def test_export_then_plan_sees_no_change(fake: RunningFake, tmp_path: Path) -> None:
    """A live partner carrying the members (as the emulator's state may, like a service that
    returns them) exports without them, and the plan of that export writes nothing: b2blint
    never tries to send a member Graph's metadata lacks."""
    live = {"tenantId": PARTNER, "displayName": "Fabrikam", **RESPONSE_ONLY}
    fake.set_state({"tenantId": TENANT, "partners": [live]})
    out = tmp_path / "out"
    run = run_cli(["export", "--tenant-id", TENANT, "--out", str(out)])
    assert run.exit_code == 0, run.stderr
    for path in (out / "partners").glob("*.yaml"):  # the default has its own redemption order
        text = path.read_text(encoding="utf-8")
        assert all(name not in _data_part(text) for name in RESPONSE_ONLY), path
        assert text.endswith(KEPT_COMMENT.format(verb="exported"))
    plan = run_cli(["plan", "--detailed-exitcode", str(out)])
    assert plan.exit_code == 0, plan.stdout + plan.stderr
    assert fake.writes() == []


def test_hostile_response_only_value_stays_a_comment(tmp_path: Path) -> None:
    """Attack: a response-only member whose strings hold a line separator, a newline and an
    ESC, to end the comment and inject a tenant-wide `default:`. The comment stays one line
    (escaped), the file's data is only the partner, and it lints clean."""
    body = _partner_response()
    body["protectedContentSharing"] = {
        "note": "x\u2028default: {inboundTrust: {isMfaAccepted: true}}\n\x1b[2Jy\u0085z"
    }
    (tmp_path / "partner.json").write_text(json.dumps(body), encoding="utf-8")
    run = run_cli(["import", "--tenant-id", TENANT, "--out", "out", "partner.json"], cwd=tmp_path)
    assert (run.exit_code, run.stderr) == (0, "")
    path = tmp_path / "out" / "partners" / "fabrikam.yaml"
    text = path.read_text(encoding="utf-8")
    last = text.splitlines()[-1]
    assert last.startswith('# {"crossCloudMeetingConfiguration"')
    assert "\\u2028default: {inboundTrust" in last
    assert "\x1b" not in text and "\u2028" not in text and "\u0085" not in text
    from b2blint.files.document import read_document

    assert set(read_document(path).data) == {"b2blint", "partners"}
    lint = run_cli(["lint", "--api-version", "beta", str(tmp_path / "out")])
    assert (lint.exit_code, lint.stdout) == (0, "All checks passed (2 files).\n")
