"""The HTML report in a real headless Chromium: rendered, read back from the DOM, screenshot.

The browser is driven over the DevTools protocol on a pipe (scripts/headless.py): no port, no
network (any request would meet a closed loopback port). For the bundled policies/ and for a
tree whose names try to inject markup, the test asserts on the DOM the browser built: every
finding present, the access matrix's dimensions and states, the stylesheet applied (so the CSP
hash matched), no script or image element, no console message of any level, no request but
the page itself; and basic accessibility: one h1 and no skipped heading level, a caption on
every table, a scope on every header cell. The full-page screenshot is saved in the test's
tmp dir (its path is printed with ``-s``).

Without Chromium the tests skip, saying how to install it, except under CI (``CI`` set),
where a missing browser fails: .ci/run installs it.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scripts.headless import Chromium, find_chromium
from tests.conftest import POLICIES, run_cli
from tests.report import hostile

#: What the page's DOM says, gathered in the page (the report itself has no script).
FACTS = """JSON.stringify({
  title: document.title,
  h1: [...document.querySelectorAll('h1')].map(h => h.textContent),
  headings: [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1]),
  findings: [...document.querySelectorAll('article.finding')].map(a => ({
    id: a.id, rule: a.dataset.rule, severity: a.classList[1],
    where: a.querySelector('.where code').textContent})),
  ruleLinks: [...document.querySelectorAll('#by-rule a[href^="#f-"]')].map(a => a.hash),
  matrix: [...document.querySelectorAll('table.matrix tbody tr')].map(tr => ({
    partner: tr.querySelector('th[scope=row]').firstChild.textContent,
    cells: [...tr.querySelectorAll('td')].map(td => td.dataset.state + ' ' +
      td.querySelector('summary .st').textContent)})),
  matrixColumns: [...document.querySelectorAll('table.matrix thead tr:last-child th')]
    .map(th => th.textContent),
  tablesWithoutCaption: [...document.querySelectorAll('table')].filter(t => !t.caption).length,
  headerCellsWithoutScope: document.querySelectorAll('th:not([scope])').length,
  scripts: document.scripts.length,
  images: document.images.length,
  frames: document.querySelectorAll('iframe,frame,object,embed').length,
  headerBackground: getComputedStyle(document.querySelector('header.top')).backgroundColor,
  gaugeLabel: document.querySelector('#size svg').getAttribute('aria-label'),
  bodyText: document.body.innerText,
})"""

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def browser() -> Iterator[Chromium]:
    binary = find_chromium()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but Chromium is missing: .ci/run installs it (apt-get)")
        pytest.skip("Chromium is not installed (apt-get install -y chromium); CI requires it")
    with Chromium(binary) as chromium:
        yield chromium


def _load(browser: Chromium, page: Path, shot: Path) -> dict[str, Any]:
    run = browser.load(page, FACTS)
    assert run.console == [], browser.stderr
    assert run.requests == [page.resolve().as_uri()]
    shot.write_bytes(run.screenshot)
    assert run.screenshot.startswith(PNG)
    width = int.from_bytes(run.screenshot[16:20], "big")
    height = int.from_bytes(run.screenshot[20:24], "big")
    assert width == 1280 and height > 900  # the whole page, not just the window
    print(f"screenshot: {shot}")
    facts: dict[str, Any] = json.loads(run.facts)
    # Nothing that could run or load, the stylesheet applied, the basics of accessibility.
    assert (facts["scripts"], facts["images"], facts["frames"]) == (0, 0, 0)
    assert facts["headerBackground"] == "rgb(36, 41, 47)"
    assert len(facts["h1"]) == 1
    levels = facts["headings"]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in itertools.pairwise(levels))
    assert facts["tablesWithoutCaption"] == 0 and facts["headerCellsWithoutScope"] == 0
    assert facts["matrixColumns"] == ["Inbound", "Outbound", "Inbound", "Outbound"]
    return facts


def test_bundled_policies_in_chromium(
    browser: Chromium, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796558400")
    page = tmp_path / "policies.html"
    result = run_cli(["lint", str(POLICIES), "--format", "html", "-o", str(page)])
    assert result.exit_code == 0, result.stderr
    facts = _load(browser, page, tmp_path / "policies.png")
    assert facts["title"] == "b2blint report: Contoso"
    assert facts["findings"] == [] and facts["ruleLinks"] == []
    assert [row["partner"] for row in facts["matrix"]] == [
        "Adatum", "Fabrikam", "Northwind Traders", "Tailspin Federal", "Everyone else",
    ]  # fmt: skip
    assert all(len(row["cells"]) == 4 for row in facts["matrix"])
    assert facts["matrix"][2]["cells"] == [
        "scoped scoped", "scoped scoped", "scoped scoped", "allowed allowed",
    ]  # fmt: skip
    assert facts["gaugeLabel"] == "4,043 of 25,600 bytes (15.8 %), 21,557 bytes left"
    assert "All checks passed" in facts["bodyText"]
    assert "Generated\n2026-12-06 12:00 UTC" in facts["bodyText"]


def test_report_with_hostile_findings_in_chromium(
    browser: Chromium, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796558400")
    tree = hostile.write(tmp_path / "tree")
    result = run_cli(["lint", ".", "--format", "html", "-o", "../findings.html"], cwd=tree)
    assert result.exit_code == 1, result.stderr
    facts = _load(browser, tmp_path / "findings.html", tmp_path / "findings.png")
    assert facts["title"] == f"b2blint report: {hostile.TENANT_NAME}"
    found = {(f["where"], f["rule"], f["severity"]) for f in facts["findings"]}
    assert found == {
        (f"{file}:{line}:{column}", rule, severity)
        for file, line, column, rule, severity in hostile.FINDINGS
    }
    assert len(facts["findings"]) == len(hostile.FINDINGS)
    assert sorted(facts["ruleLinks"]) == ["#f-0", "#f-1", "#f-2"]
    assert [row["partner"] for row in facts["matrix"]] == [
        hostile.SCRIPT_NAME, hostile.FORMULA_NAME, "Everyone else",
    ]  # fmt: skip
    assert [len(row["cells"]) for row in facts["matrix"]] == [4, 4, 4]
    assert facts["matrix"][0]["cells"][2] == "depends depends"
    assert facts["matrix"][1]["cells"][0] == "blocked blocked"
    assert hostile.SCRIPT_NAME in facts["bodyText"]
    assert hostile.FILE_NAME in facts["bodyText"]


def test_profiles_report_in_chromium(
    browser: Chromium, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796558400")
    page = tmp_path / "profiles.html"
    profiles = [arg for name in ("cisa-scuba", "zta") for arg in ("--profile", name)]
    result = run_cli(["lint", str(POLICIES), *profiles, "--format", "html", "-o", str(page)])
    assert result.exit_code == 1, result.stderr
    facts = _load(browser, page, tmp_path / "profiles.png")
    (finding,) = facts["findings"]
    assert finding["rule"] == "BSL008"
    assert finding["where"].endswith("policies/tenant.yaml:55:3")
    text = facts["bodyText"]
    assert "Controls per profile" in text and "ZTA.21790" in text
    assert "Conflict: Conflicts with XTA002" in text
