"""Baseline profiles: off by default, enabled by ``--profile`` or the config, per-control verdicts.

Each control's good/bad fixture lives with its rule (tests/fixtures/rules/BSL00n/); here: the
fixtures under the profile that enables the rule, the registry's citations, the verdicts
(passed / failed / not checked, never passed without data), the config key, the SARIF tags and
the documented conflict between ZTA 21790 and XTA002.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from b2blint.lint.config import Config, load_config
from b2blint.lint.engine import lint_paths
from b2blint.lint.profiles import (
    CONTROLS,
    FAILED,
    NOT_CHECKED,
    PASSED,
    PROFILE_NAMES,
    PROFILE_RULE_PREFIX,
    PROFILES,
    control_results,
    profile_rules,
    rule_for,
)
from b2blint.rules import ALL_RULES
from tests.conftest import FIXTURES, run_cli

RULE_FIXTURES = FIXTURES / "rules"
TENANT_LINE = "tenant: {id: 6babcaad-604b-40ac-a9d7-9fd97c0b779f, name: Contoso}\n"


def _config(*profiles: str) -> Config:
    return Config().with_command_line(profiles=list(profiles))


def _write(tmp_path: Path, body: str, name: str = "tenant.yaml") -> Path:
    path = tmp_path / name
    path.write_text("b2blint: 1\n" + TENANT_LINE + body, encoding="utf-8")
    return path


def test_profile_names_are_the_documented_five() -> None:
    assert PROFILE_NAMES == ("cisa-scuba", "cis-m365", "cis-azure", "eidsca", "zta")
    assert {name: [c.id for c in p.controls] for name, p in PROFILES.items()} == {
        "cisa-scuba": ["MS.AAD.8.1", "MS.AAD.8.2", "MS.AAD.8.3"],
        "cis-m365": ["CIS.M365.5.1.6.1", "CIS.M365.5.1.6.2", "CIS.M365.5.1.6.3"],
        "cis-azure": ["CIS.AZURE.6.15", "CIS.AZURE.6.16"],
        "eidsca": ["EIDSCA.AP04", "EIDSCA.AP06", "EIDSCA.AP07"],
        "zta": ["ZTA.21790", "ZTA.21791", "ZTA.21792", "ZTA.21793", "ZTA.21822", "ZTA.21874"],
    }


def test_every_control_is_cited_and_checked_by_one_profile_rule() -> None:
    for control in CONTROLS.values():
        assert control.requirement and control.document and control.version, control.id
        assert control.url.startswith("https://"), control.id
        assert control.needs and control.graph_property, control.id
        rule = rule_for(control.id)
        assert control.id in rule.controls
        # the rule's page (docstring) names the control and quotes its document's wording
        assert control.id in rule.doc, (control.id, rule.id)
    by_rule = {c for rule in profile_rules() for c in rule.controls}
    assert by_rule == set(CONTROLS)
    for rule in ALL_RULES:
        assert bool(rule.controls) == rule.id.startswith(PROFILE_RULE_PREFIX), rule.id


@pytest.mark.parametrize("rule", profile_rules(), ids=lambda rule: rule.id)
def test_profile_rules_are_off_by_default(rule: object) -> None:
    bad = RULE_FIXTURES / rule.id / "bad.yaml"  # type: ignore[attr-defined]
    result = lint_paths([str(bad)], Config())
    assert [d.rule_id for d in result.diagnostics if d.rule_id.startswith("BSL")] == []


@pytest.mark.parametrize("rule", profile_rules(), ids=lambda rule: rule.id)
def test_each_profile_judges_the_rules_fixtures(rule: object) -> None:
    rule_id: str = rule.id  # type: ignore[attr-defined]
    controls: tuple[str, ...] = rule.controls  # type: ignore[attr-defined]
    for control_id in controls:
        profile = CONTROLS[control_id].profile
        config = _config(profile)
        bad = lint_paths([str(RULE_FIXTURES / rule_id / "bad.yaml")], config)
        verdicts = {r.control.id: r for r in control_results(bad, [profile], config)}
        assert verdicts[control_id].status == FAILED
        assert [d.rule_id for d in verdicts[control_id].findings] == [rule_id]
        assert f"{control_id}" in verdicts[control_id].findings[0].message
        good = lint_paths([str(RULE_FIXTURES / rule_id / "good.yaml")], config)
        verdict = {r.control.id: r for r in control_results(good, [profile], config)}
        assert verdict[control_id].status == PASSED, verdict[control_id]


def test_cli_profile_turns_the_rule_on_and_prints_each_control(tmp_path: Path) -> None:
    path = _write(tmp_path, "authorizationPolicy:\n  allowInvitesFrom: everyone\n")
    assert run_cli(["lint", str(path)]).exit_code == 0
    result = run_cli(["lint", str(path), "--profile", "cis-azure"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{path}:4:21: BSL003 [error] allowInvitesFrom is 'everyone'; these baselines want "
        "'adminsAndGuestInviters' (only admins and users with the Guest Inviter role can invite "
        "guests) [MS.AAD.8.2, CIS.M365.5.1.6.3, CIS.AZURE.6.16]",
        "Found 1 error and 0 warnings in 1 file.",
        "",
        "Profile cis-azure: CIS Microsoft Azure Foundations Benchmark v4.0.0, 6.15-6.16",
        "  CIS.AZURE.6.15     not checked Guest users access restrictions set to restricted to "
        "their own directory objects (BSL002)",
        "      why: authorizationPolicy.guestUserRoleId is not set, so its value is unknown",
        "  CIS.AZURE.6.16     FAILED      Guest invite restrictions set to specific admin roles "
        "(BSL003)",
        f"      at {path}:4:21",
        "",
        "Controls: 0 passed, 1 failed, 1 not checked.",
    ]


def test_missing_section_is_not_checked_never_passed(tmp_path: Path) -> None:
    path = _write(tmp_path, "emailOtp: {allowExternalIdToUseEmailOtp: enabled}\n")
    config = _config("zta")
    verdicts = control_results(lint_paths([str(path)], config), ["zta"], config)
    assert {v.control.id: (v.status, v.reason) for v in verdicts} == {
        "ZTA.21790": (
            NOT_CHECKED,
            "section default is not present, so default.b2bCollaborationOutbound is unknown",
        ),
        "ZTA.21791": (
            NOT_CHECKED,
            "section authorizationPolicy is not present, so authorizationPolicy."
            "allowInvitesFrom is unknown",
        ),
        "ZTA.21792": (
            NOT_CHECKED,
            "section authorizationPolicy is not present, so authorizationPolicy."
            "guestUserRoleId is unknown",
        ),
        "ZTA.21793": (
            NOT_CHECKED,
            "section default is not present, so default.tenantRestrictions is unknown",
        ),
        "ZTA.21822": (NOT_CHECKED, "section invitationDomains is not present"),
        "ZTA.21874": (NOT_CHECKED, "section invitationDomains is not present"),
    }
    # --strict: a control that could not be checked fails the run
    assert run_cli(["lint", str(path), "--profile", "zta"]).exit_code == 0
    assert run_cli(["lint", str(path), "--profile", "zta", "--strict"]).exit_code == 1


def test_unread_section_and_disabled_rule_are_not_checked(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "authorizationPolicy:\n  allowInvitesFrom: adminsAndGuestInviters\n"
        "  guestUserRoleId: 2af84b1e-32c8-42b7-82bc-daa82404023b\n",
    )
    config = _config("cisa-scuba").with_command_line(ignore=["BSL001"])
    result = lint_paths([str(path)], config)
    verdicts = control_results(result, ["cisa-scuba"], config, unread={"invitationDomains": "403"})
    assert [(v.control.id, v.status, v.reason) for v in verdicts] == [
        ("MS.AAD.8.1", NOT_CHECKED, "rule BSL001 is disabled by the config"),
        ("MS.AAD.8.2", PASSED, ""),
        ("MS.AAD.8.3", NOT_CHECKED, "invitationDomains could not be read: 403"),
    ]


def test_unknown_profile_lists_the_available_ones(tmp_path: Path) -> None:
    path = _write(tmp_path, "authorizationPolicy:\n  allowInvitesFrom: everyone\n")
    result = run_cli(["lint", str(path), "--profile", "cisa"])
    assert result.exit_code == 2
    assert result.stderr == (
        "b2blint: error: unknown profile 'cisa'; available profiles: cisa-scuba, cis-m365, "
        "cis-azure, eidsca, zta\n"
    )
    assert result.stdout == ""


def test_config_file_profiles_and_command_line_add_up(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".b2blint.yaml").write_text("profiles: [eidsca]\n", encoding="utf-8")
    path = _write(tmp_path, "authorizationPolicy:\n  allowInvitesFrom: everyone\n")
    config = load_config(start=tmp_path)
    assert config.profiles == ("eidsca",)
    assert config.with_command_line(profiles=["zta", "eidsca"]).profiles == ("eidsca", "zta")
    result = run_cli(["lint", "tenant.yaml", "--format", "json"], cwd=tmp_path)
    assert [f["rule"] for f in json.loads(result.stdout)["findings"]] == ["BSL004"]
    assert [c["id"] for c in json.loads(result.stdout)["controls"]] == [
        "EIDSCA.AP04",
        "EIDSCA.AP06",
        "EIDSCA.AP07",
    ]
    assert path.is_file()


def test_unknown_profile_in_config_is_an_error_at_its_position(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".b2blint.yaml").write_text("profiles:\n  - zta\n  - cis\n", encoding="utf-8")
    result = run_cli(["lint", "."], cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (
        "b2blint: error: .b2blint.yaml:3:5: unknown profile 'cis'; available profiles: "
        "cisa-scuba, cis-m365, cis-azure, eidsca, zta\n"
    )


def test_sarif_carries_the_control_ids_as_tags(tmp_path: Path) -> None:
    bad = RULE_FIXTURES / "BSL007" / "bad.yaml"
    result = run_cli(["lint", str(bad), "--profile", "zta", "--format", "sarif"])
    run = json.loads(result.stdout)["runs"][0]
    [finding] = [r for r in run["results"] if r["ruleId"] == "BSL007"]
    assert finding["properties"] == {
        "tags": ["MS.AAD.8.3", "CIS.M365.5.1.6.1", "ZTA.21822", "ZTA.21874"]
    }
    descriptor = run["tool"]["driver"]["rules"][finding["ruleIndex"]]
    assert descriptor["properties"]["tags"] == [
        "b2blint",
        "security",
        "external-collaboration",
        "baseline",
        "MS.AAD.8.3",
        "CIS.M365.5.1.6.1",
        "ZTA.21822",
        "ZTA.21874",
    ]


ALLOWED = "{accessType: allowed, targets: [{target: AllUsers, targetType: user}]}"
BLOCKED_USERS = "{accessType: blocked, targets: [{target: AllUsers, targetType: user}]}"
BLOCKED_APPS = (
    "{accessType: blocked, targets: [{target: AllApplications, targetType: application}]}"
)


def test_zta_21790_and_xta002_conflict_is_reported_not_resolved(tmp_path: Path) -> None:
    """Blocking everything outbound passes ZTA 21790 and fails XTA002 (encrypted mail);
    allowing the Rights Management app does the opposite. Both rules stay on under the
    profile, so whichever way the default goes, the trade-off is in the report."""
    blocked = _write(
        tmp_path,
        "default:\n"
        f"  b2bCollaborationOutbound:\n    usersAndGroups: {BLOCKED_USERS}\n"
        f"    applications: {BLOCKED_APPS}\n"
        f"  b2bDirectConnectOutbound:\n    usersAndGroups: {BLOCKED_USERS}\n"
        f"    applications: {BLOCKED_APPS}\n",
        "blocked.yaml",
    )
    result = lint_paths([str(blocked)], _config("zta"))
    assert [d.rule_id for d in result.diagnostics] == ["XTA002"]
    rms = "00000012-0000-0000-c000-000000000000"
    allowing = _write(
        tmp_path,
        "default:\n"
        f"  b2bCollaborationOutbound:\n    usersAndGroups: {ALLOWED}\n"
        f"    applications: {{accessType: allowed, targets: [{{target: {rms}, "
        "targetType: application}]}\n"
        f"  b2bDirectConnectOutbound:\n    usersAndGroups: {BLOCKED_USERS}\n"
        f"    applications: {BLOCKED_APPS}\n",
        "allowing.yaml",
    )
    result = lint_paths([str(allowing)], _config("zta"))
    assert [(d.rule_id, d.line) for d in result.diagnostics] == [("BSL008", 4)]
    assert "conflicts with XTA002" in result.diagnostics[0].message
    page = run_cli(["rules", "BSL008"]).stdout
    assert "Conflict with XTA002 (encrypted mail)" in page
    assert "BSL008" in run_cli(["rules", "XTA002"]).stdout


def test_docs_profiles_md_has_the_controls_table_of_the_code() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "profiles.md").read_text("utf-8")
    from b2blint.lint.profiles import controls_table

    assert controls_table() in text
