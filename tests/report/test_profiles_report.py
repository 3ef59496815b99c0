"""The HTML and JUnit reports with profiles: per-profile summary, controls, control x tenant.

For ``lint --profile`` on the bundled policies and for ``audit`` of a live tenant on the Graph
emulator (only GETs reach it; the report says the values are the live tenant's).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema

from b2blint.fakegraph.server import RunningFake
from tests.conftest import POLICIES, run_cli
from tests.report.test_html import EPOCH, Page
from tests.report.test_junit import SCHEMAS
from tests.tenant.conftest import TENANT
from tests.tenant.test_audit import _compliant, _non_compliant

PROFILES = ("--profile", "cisa-scuba", "--profile", "zta")


def _controls(page: Page) -> dict[str, str]:
    rows = [a for a in page.all("tr") if "data-control" in a]
    return {a["data-control"] or "": a["data-status"] or "" for a in rows}


def test_lint_profiles_html(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out = tmp_path / "report.html"
    result = run_cli(["lint", str(POLICIES), *PROFILES, "--format", "html", "-o", str(out)])
    assert result.exit_code == 1  # ZTA.21790 fails (BSL008, an error)
    text = out.read_text("utf-8")
    page = Page(text)
    summary = text.split('<table class="profiles">', 1)[1].split("</table>", 1)[0]
    rows = [Page(row).plain.strip() for row in summary.split("<tr>")[2:]]
    assert rows == [
        "cisa-scubaCISA SCuBA Microsoft Entra ID baseline, section 8 (Guest User Access)300",
        "ztaMicrosoft Zero Trust Assessment, external collaboration and cross-tenant tests411",
    ]
    assert _controls(page) == {
        "MS.AAD.8.1": "passed",
        "MS.AAD.8.2": "passed",
        "MS.AAD.8.3": "passed",
        "ZTA.21790": "failed",
        "ZTA.21791": "passed",
        "ZTA.21792": "passed",
        "ZTA.21793": "not-checked",
        "ZTA.21822": "passed",
        "ZTA.21874": "passed",
    }
    row = text.split('<tr data-control="ZTA.21790"', 1)[1].split("</tr>", 1)[0]
    assert '<a href="#f-0"><code>' in row and "tenant.yaml:55:3</code></a>" in row
    assert "<strong>Conflict:</strong> Conflicts with XTA002" in row
    assert 'data-rule="BSL008"' in text and '<span class="tag">ZTA.21790</span>' in text
    row = text.split('<tr data-control="ZTA.21793"', 1)[1].split("</tr>", 1)[0]
    assert "why: default.tenantRestrictions is not set, so its value is unknown" in row
    assert page.all("a", href="#controls")


def test_lint_profiles_junit_control_x_tenant(tmp_path: Path) -> None:
    out = tmp_path / "report.xml"
    result = run_cli(["lint", str(POLICIES), *PROFILES, "--format", "junit", "-o", str(out)])
    assert result.exit_code == 1
    document = out.read_bytes()
    for schema in SCHEMAS:
        xmlschema.XMLSchema(str(schema)).validate(document.decode("utf-8"))
    suites = ET.fromstring(document).findall("testsuite")
    assert [s.get("name") for s in suites[:2]] == ["cisa-scuba", "zta"]
    assert len(suites) == 2 + 8  # the profiles, then every file for the other rules
    zta = {(c.get("name") or "").split()[0]: c for c in suites[1].findall("testcase")}
    assert list(zta) == [
        "ZTA.21790", "ZTA.21791", "ZTA.21792", "ZTA.21793", "ZTA.21822", "ZTA.21874",
    ]  # fmt: skip
    assert {c.get("classname") for c in zta.values()} == {f"Contoso ({TENANT})"}
    failure = zta["ZTA.21790"].find("failure")
    assert failure is not None and (failure.text or "").endswith("[ZTA.21790]")
    skipped = zta["ZTA.21793"].find("skipped")
    assert skipped is not None and skipped.get("message") == (
        "not checked: default.tenantRestrictions is not set, so its value is unknown"
    )
    assert (suites[1].get("tests"), suites[1].get("failures"), suites[1].get("skipped")) == (
        "6", "1", "1",
    )  # fmt: skip
    file_cases = [c.get("name", "").split()[0] for s in suites[2:] for c in s.findall("testcase")]
    assert file_cases and not [name for name in file_cases if name.startswith("BSL")]


def test_audit_html_shows_the_live_tenant(fake: RunningFake, tmp_path: Path) -> None:
    fake.set_state(_non_compliant(fake))
    out = tmp_path / "audit.html"
    result = run_cli(
        ["audit", "--tenant-id", TENANT, *PROFILES, "--format", "html", "-o", str(out)],
        cwd=tmp_path,
    )
    assert result.exit_code == 1, result.stderr
    page = Page(out.read_text("utf-8"))
    assert "Sourcelive tenant (values as exported)" in page.plain
    assert f"Tenant{TENANT}" in page.plain
    assert "Live value (as exported), " in page.plain
    statuses = _controls(page)
    assert statuses["MS.AAD.8.2"] == "failed" and statuses["ZTA.21790"] == "failed"
    assert set(statuses.values()) == {"failed"}
    # The access matrix from the live values: the partner and everyone else.
    assert page.plain.count("Everyone else") == 1
    assert {entry["method"] for entry in fake.log()} == {"GET"} and fake.writes() == []
    assert [p.name for p in tmp_path.iterdir()] == ["audit.html"]


def test_audit_html_and_junit_say_what_was_not_read(
    fake: RunningFake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.set_state(_compliant(fake))
    monkeypatch.setenv("B2BLINT_ACCESS_TOKEN", fake.token(roles=["Policy.Read.All"]))
    args = ["audit", "--tenant-id", TENANT, *PROFILES]
    html_run = run_cli([*args, "--format", "html", "-o", "a.html"], cwd=tmp_path)
    assert html_run.exit_code == 0, html_run.stderr
    page = Page((tmp_path / "a.html").read_text("utf-8"))
    assert "Not read from the tenant" in page.plain
    assert "invitationDomains: permission missing (HTTP 403 on GET" in page.plain
    assert _controls(page)["MS.AAD.8.3"] == "not-checked"
    junit_run = run_cli([*args, "--format", "junit", "-o", "a.xml"], cwd=tmp_path)
    assert junit_run.exit_code == 0
    root = ET.fromstring((tmp_path / "a.xml").read_bytes())
    case = next(c for c in root.iter("testcase") if (c.get("name") or "").startswith("MS.AAD.8.3 "))
    skipped = case.find("skipped")
    assert skipped is not None
    assert (skipped.get("message") or "").startswith(
        "not checked: invitationDomains could not be read: permission missing (HTTP 403"
    )
    assert case.get("classname") == TENANT
    assert {entry["method"] for entry in fake.log()} == {"GET"}
