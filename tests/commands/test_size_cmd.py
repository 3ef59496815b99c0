"""`b2blint size`: bytes used, limit, headroom, biggest partners; config, errors and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli
from tests.policies import DEFAULT_TRUSTS_MFA, FABRIKAM, GROUP, NORTHWIND, TENANT_HEAD

TENANT = TENANT_HEAD + DEFAULT_TRUSTS_MFA

CONTEXT = "https://graph.microsoft.com/beta/$metadata#policies/crossTenantAccessPolicy/$entity"

PARTNERS = f"""\
b2blint: 1
partners:
  - tenantId: {NORTHWIND}
    name: Northwind
  - tenantId: {FABRIKAM}
    name: Fabrikam  # metadata: not counted
    domains: [fabrikam.com]
    settings:
      b2bCollaborationInbound:
        usersAndGroups:
          accessType: allowed
          targets: [{{target: {GROUP}, targetType: group}}]
        applications:
          accessType: allowed
          targets: [{{target: Office365, targetType: application}}]
"""

# What Graph's GET /beta/policies/crossTenantAccessPolicy holds for this tree, compact [S31].
NORTHWIND_JSON = f'{{"tenantId":"{NORTHWIND}"}}'
FABRIKAM_JSON = (
    f'{{"tenantId":"{FABRIKAM}","b2bCollaborationInbound":{{'
    f'"usersAndGroups":{{"accessType":"allowed","targets":[{{"target":"{GROUP}","targetType":"group"}}]}},'
    '"applications":{"accessType":"allowed","targets":[{"target":"Office365","targetType":"application"}]}}}'
)
POLICY_JSON = (
    f'{{"@odata.context":"{CONTEXT}","default":{{"inboundTrust":{{"isMfaAccepted":true}}}},'
    f'"partners":[{NORTHWIND_JSON},{FABRIKAM_JSON}]}}'
)
TOTAL = len(POLICY_JSON.encode("utf-8"))
FABRIKAM_BYTES = len(FABRIKAM_JSON) + 1  # with the comma before it
NORTHWIND_BYTES = len(NORTHWIND_JSON)


def _tree(tmp_path: Path, partners: str = PARTNERS) -> Path:
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "tenant.yaml").write_text(TENANT, "utf-8")
    (tmp_path / "policies" / "partners.yaml").write_text(partners, "utf-8")
    return tmp_path


def test_the_measured_json_is_the_documented_one() -> None:
    assert (TOTAL, FABRIKAM_BYTES, NORTHWIND_BYTES) == (526, 307, 51)


def test_text_report(tmp_path: Path) -> None:
    result = run_cli(["size"], cwd=_tree(tmp_path))
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "size            526 bytes\n"
        "limit        25,600 bytes\n"
        "headroom     25,074 bytes\n"
        "used            2.1 %\n"
        "\n"
        "biggest partners (2 of 2):\n"
        f"      307 bytes  Fabrikam ({FABRIKAM})   policies/partners.yaml:5\n"
        f"       51 bytes  Northwind ({NORTHWIND})  policies/partners.yaml:3\n"
    )


def test_json_report(tmp_path: Path) -> None:
    result = run_cli(["size", "policies", "--format", "json"], cwd=_tree(tmp_path))
    assert (result.exit_code, result.stderr) == (0, "")
    assert json.loads(result.stdout) == {
        "version": 1,
        "bytes": TOTAL,
        "limit": 25600,
        "headroom": 25600 - TOTAL,
        "percent": 2.1,
        "partnerCount": 2,
        "biggestPartners": [
            {
                "tenantId": FABRIKAM,
                "name": "Fabrikam",
                "bytes": FABRIKAM_BYTES,
                "file": "policies/partners.yaml",
                "line": 5,
            },
            {
                "tenantId": NORTHWIND,
                "name": "Northwind",
                "bytes": NORTHWIND_BYTES,
                "file": "policies/partners.yaml",
                "line": 3,
            },
        ],
    }


def test_limit_comes_from_the_xta001_option(tmp_path: Path) -> None:
    _tree(tmp_path)
    (tmp_path / ".b2blint.yaml").write_text("rules:\n  XTA001: {limit: 1000}\n", "utf-8")
    result = run_cli(["size", "--format", "json"], cwd=tmp_path)
    report = json.loads(result.stdout)
    assert (result.exit_code, report["limit"], report["headroom"], report["percent"]) == (
        0,
        1000,
        1000 - TOTAL,
        52.6,
    )


def test_over_the_limit_shows_negative_headroom_and_still_exits_0(tmp_path: Path) -> None:
    _tree(tmp_path)
    (tmp_path / "small.toml").write_text("[rules.policy-size-limit]\nlimit = 500\n", "utf-8")
    result = run_cli(["size", "--config", "small.toml"], cwd=tmp_path)
    assert (result.exit_code, result.stderr) == (0, "")  # XTA001 itself is not "a lint error"
    assert result.stdout.splitlines()[:4] == [
        "size            526 bytes",
        "limit           500 bytes",
        "headroom        -26 bytes  (over the limit)",
        "used          105.2 %",
    ]


def test_only_the_ten_biggest_partners_biggest_first(tmp_path: Path) -> None:
    entries = ["b2blint: 1", "partners:"]
    for index in range(12):
        tenant = f"00000000-0000-4000-8000-{index:012d}"
        entries.append(f"  - tenantId: {tenant}")
        if index % 2:
            entries.append(f"    settings: {{inboundTrust: {{isMfaAccepted: true}}}}  # {index}")
    result = run_cli(["size", "--format", "json"], cwd=_tree(tmp_path, "\n".join(entries) + "\n"))
    report = json.loads(result.stdout)
    assert report["partnerCount"] == 12
    biggest = [(p["tenantId"][-2:], p["bytes"]) for p in report["biggestPartners"]]
    # the six with settings (ties keep file order), then the plain ones with their comma: the
    # first partner (51 bytes, no comma before it) is the eleventh
    assert biggest == [
        ("01", 90), ("03", 90), ("05", 90), ("07", 90), ("09", 90), ("11", 90),
        ("02", 52), ("04", 52), ("06", 52), ("08", 52),
    ]  # fmt: skip


def test_lint_errors_warn_on_stderr(tmp_path: Path) -> None:
    broken = PARTNERS.replace("accessType: allowed", "accessType: allow", 1)
    result = run_cli(["size"], cwd=_tree(tmp_path, broken))
    assert result.exit_code == 0
    assert result.stderr == (
        "b2blint: warning: the policy files have 1 lint error (run 'b2blint lint'); "
        "showing them as written\n"
    )
    assert result.stdout.startswith("size            524 bytes\n")  # "allow" as written


def test_missing_path_exits_2(tmp_path: Path) -> None:
    result = run_cli(["size", "missing"], cwd=tmp_path)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "b2blint: error: missing: no such file or directory\n"
