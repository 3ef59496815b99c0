"""`export` names partners from findTenantInformationByTenantId [S70], over real HTTP.

Issue 12 item 6: an export used to write ``partners/<guid>.yaml`` with no name, so policy tests
that name partners failed after export. Everything the lookup returns is hostile: names are
escaped and slugged by the writer, a default domain that is not a domain is dropped.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from b2blint.fakegraph import tokens
from b2blint.fakegraph.server import RunningFake
from tests.conftest import run_cli
from tests.tenant.conftest import ADATUM, FABRIKAM, MFA_TRUST, NORTHWIND, TENANT, live_partner

FIND = "/v1.0/tenantRelationships/findTenantInformationByTenantId(tenantId='{}')"
DIRECTORY = [
    {
        "tenantId": FABRIKAM,
        "displayName": "Fabrikam, Inc.",
        "defaultDomainName": "FABRIKAM.onmicrosoft.com",
        "federationBrandName": None,
    },
    {
        "tenantId": ADATUM,
        "displayName": "Adatum\ndefault:\n  inboundTrust: {isMfaAccepted: true}\n#",
        "defaultDomainName": "../../etc/passwd",
    },
]
POLICY_TEST = """\
b2blint-tests: 1
tests:
  - name: Fabrikam users with MFA get in
    partner: Fabrikam, Inc.
    kind: b2b-collaboration
    direction: inbound
    app: Office365
    expect: allowed
"""


def _tenant(fake: RunningFake) -> None:
    fake.set_state(
        {
            "partners": [
                live_partner(FABRIKAM, inboundTrust=MFA_TRUST),
                live_partner(ADATUM),
                live_partner(NORTHWIND),
            ],
            "tenantInformation": DIRECTORY,
        }
    )


def _lookups(fake: RunningFake) -> list[tuple[str, int]]:
    return [
        (entry["path"], entry["status"])
        for entry in fake.log()
        if "findTenantInformation" in entry["path"]
    ]


def test_export_names_partners_and_plan_shows_no_changes(
    fake: RunningFake, tmp_path: Path
) -> None:
    _tenant(fake)
    out = tmp_path / "live"
    run = run_cli(["export", "--tenant-id", TENANT, "--out", str(out)])
    assert run.exit_code == 0, run.stderr
    assert sorted(p.name for p in (out / "partners").iterdir()) == [
        f"{NORTHWIND}.yaml",
        "adatum-default-inboundtrust-ismfaaccepted-true.yaml",
        "fabrikam-inc.yaml",
    ]
    fabrikam = (out / "partners" / "fabrikam-inc.yaml").read_text()
    assert f"  - tenantId: {FABRIKAM}\n    name: 'Fabrikam, Inc.'\n" in fabrikam
    assert "    domains:\n      - fabrikam.onmicrosoft.com\n" in fabrikam
    adatum = (out / "partners" / "adatum-default-inboundtrust-ismfaaccepted-true.yaml").read_text()
    assert (
        '    name: "Adatum\\ndefault:\\n  inboundTrust: {isMfaAccepted: true}\\n#"\n' in adatum
    )
    assert "    domains:" not in adatum
    assert (
        f"b2blint: warning: partner {ADATUM}: defaultDomainName '../../etc/passwd' is a URL "
        "or path; write only the host name; left out\n" in run.stderr
    )
    assert f"b2blint: warning: partner {NORTHWIND}: Graph does not know this tenant (404)\n" in (
        run.stderr
    )
    # One lookup per partner, no more.
    assert sorted(_lookups(fake)) == sorted(
        [(FIND.format(FABRIKAM), 200), (FIND.format(ADATUM), 200), (FIND.format(NORTHWIND), 404)]
    )
    assert "(3 partner files) in 10 requests" in run.stderr
    plan = run_cli(["plan", str(out)])
    assert plan.exit_code == 0, plan.stdout + plan.stderr
    assert "No changes" in plan.stdout
    (out / "tests.yaml").write_text(POLICY_TEST)
    tested = run_cli(["test", str(out)])
    assert tested.exit_code == 0, tested.stdout + tested.stderr


def test_no_resolve_names_sends_no_lookup(fake: RunningFake, tmp_path: Path) -> None:
    _tenant(fake)
    out = tmp_path / "live"
    run = run_cli(["export", "--no-resolve-names", "--tenant-id", TENANT, "--out", str(out)])
    assert run.exit_code == 0, run.stderr
    assert _lookups(fake) == []
    assert (out / "partners" / f"{FABRIKAM}.yaml").is_file()


def test_missing_permission_warns_once_and_exports_unnamed(
    fake: RunningFake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tenant(fake)
    monkeypatch.setenv("B2BLINT_ACCESS_TOKEN", fake.token(roles=tokens.READ_ONLY_ROLES))
    out = tmp_path / "live"
    run = run_cli(["export", "--tenant-id", TENANT, "--out", str(out)])
    assert run.exit_code == 0, run.stderr
    assert run.stderr.count("warning:") == 1
    assert (
        "b2blint: warning: partner names not resolved: the token lacks "
        "CrossTenantInformation.ReadBasic.All (403); grant it or pass --no-resolve-names\n"
        in run.stderr
    )
    assert {status for _, status in _lookups(fake)} == {403}
    assert len(_lookups(fake)) <= 3
    assert (out / "partners" / f"{FABRIKAM}.yaml").is_file()


def test_names_are_not_looked_up_outside_the_global_cloud(
    fake: RunningFake, tmp_path: Path
) -> None:
    """findTenantInformationByTenantId is a global-service API [S70]: in usgov no request."""
    _tenant(fake)
    out = tmp_path / "live"
    run = run_cli(["export", "--cloud", "usgov", "--tenant-id", TENANT, "--out", str(out)])
    assert run.exit_code == 0, run.stderr
    assert _lookups(fake) == []
    assert (
        "b2blint: partner names not resolved: findTenantInformationByTenantId exists only in "
        "the global cloud, not in usgov\n" in run.stderr
    )
