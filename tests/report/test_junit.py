"""``lint --format junit``: one test case per rule x file, valid for Azure DevOps and GitLab.

Exact bytes for a small tree (a finding, a pass, a file that does not parse: its rule cases
are skipped, never passed), and every document validated against the two schemas CI tools
follow: Windy Road's Apache Ant JUnit schema (tests/fixtures/junit/windyroad-JUnit.xsd,
Apache License 2.0, from github.com/windyroad/JUnit-Schema at cfa434d) and Jenkins' xunit
junit-10.xsd (tests/fixtures/junit/jenkins-junit-10.xsd, MIT, from
github.com/jenkinsci/xunit-plugin at 8c515de).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema

from b2blint import __version__
from b2blint.report.xmltext import xml_text
from b2blint.rules import ALL_RULES
from tests.conftest import FIXTURES, POLICIES, run_cli
from tests.report import hostile

SCHEMAS = [FIXTURES / "junit" / "windyroad-JUnit.xsd", FIXTURES / "junit" / "jenkins-junit-10.xsd"]
EPOCH = "1796558400"  # 2026-12-06 12:00:00 UTC

PROPERTIES = f"""\
<properties>
<property name="b2blint.version" value="{__version__}"/>
<property name="source" value="policy files"/>
<property name="tenant.id" value="6babcaad-604b-40ac-a9d7-9fd97c0b779f"/>
<property name="tenant.name" value="Contoso &lt;b&gt;&amp;amp;&lt;/b&gt;"/>
<property name="generated" value="2026-12-06T12:00:00Z"/>
<property name="errors" value="1"/>
<property name="warnings" value="1"/>
</properties>
"""
XTA002 = (
    "the default: outbound B2B collaboration allows only other applications, so your users "
    "can't read mail encrypted with Microsoft Rights Management (OME) by external "
    "organizations; allow application 00000012-0000-0000-c000-000000000000"
)
EXPECTED = f"""\
<?xml version="1.0" encoding="UTF-8"?>
<testsuites>
<testsuite name="broken.yaml" package="broken.yaml" id="0" tests="2" failures="1" errors="0" \
skipped="1" time="0" timestamp="2026-12-06T12:00:00" hostname="localhost">
{PROPERTIES}\
<testcase name="SYN001 yaml-syntax" classname="broken.yaml" time="0">
<failure message="did not find expected node content (while parsing a flow node)" type="error">\
broken.yaml:3:1: SYN001 [error] did not find expected node content (while parsing a flow node)\
</failure>
</testcase>
<testcase name="XTA002 encrypted-mail-app-blocked" classname="broken.yaml" time="0">
<skipped message="the file did not parse: the rules did not check it"/>
</testcase>
<system-out/>
<system-err/>
</testsuite>
<testsuite name="tenant.yaml" package="tenant.yaml" id="1" tests="2" failures="1" errors="0" \
skipped="0" time="0" timestamp="2026-12-06T12:00:00" hostname="localhost">
{PROPERTIES}\
<testcase name="SYN001 yaml-syntax" classname="tenant.yaml" time="0"/>
<testcase name="XTA002 encrypted-mail-app-blocked" classname="tenant.yaml" time="0">
<failure message="{XTA002}" type="warning">tenant.yaml:6:5: XTA002 [warning] {XTA002}</failure>
</testcase>
<system-out/>
<system-err/>
</testsuite>
</testsuites>
"""


def _junit(cwd: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, bytes]:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out = cwd.parent / f"{cwd.name}.xml"
    result = run_cli(["lint", *args, "--format", "junit", "-o", str(out)], cwd=cwd)
    return result.exit_code, out.read_bytes()


def _validate(document: bytes) -> None:
    for schema in SCHEMAS:
        xmlschema.XMLSchema(str(schema)).validate(document.decode("utf-8"))


def test_exact_bytes_with_a_failure_a_pass_and_a_skip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "tenant.yaml").write_text(hostile.TENANT, "utf-8")
    (tree / "broken.yaml").write_text("b2blint: 1\npartners: [\n", "utf-8")
    code, document = _junit(tree, monkeypatch, ".", "--select", "XTA002,SYN001")
    assert code == 1
    assert document.decode("utf-8") == EXPECTED
    _validate(document)


def test_hostile_tree_one_case_per_rule_and_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, document = _junit(hostile.write(tmp_path / "tree"), monkeypatch, ".")
    assert code == 1
    _validate(document)
    root = ET.fromstring(document)
    suites = root.findall("testsuite")
    assert sorted(s.get("name") or "" for s in suites) == sorted(
        ["tenant.yaml", hostile.PARTNER_FILE]
    )
    # Every rule that ran: the profile rules (BSL) run only with a profile.
    rule_ids = [rule.id for rule in ALL_RULES if not rule.controls]
    assert len(rule_ids) < len(ALL_RULES)
    for suite in suites:
        cases = suite.findall("testcase")
        assert [c.get("name", "").split()[0] for c in cases] == rule_ids
        assert {c.get("classname") for c in cases} == {suite.get("name")}
        assert suite.get("tests") == str(len(rule_ids))
    failed = {
        (s.get("name"), c.get("name", "").split()[0]): c.find("failure")
        for s in suites
        for c in s.findall("testcase")
        if c.find("failure") is not None
    }
    assert set(failed) == {(file, rule) for file, _, _, rule, _ in hostile.FINDINGS}
    failure = failed[(hostile.PARTNER_FILE, "XTA003")]
    assert failure is not None and failure.get("type") == "error"
    assert (failure.text or "").startswith(f"{hostile.PARTNER_FILE}:6:7: XTA003 [error] partner ")
    assert hostile.SCRIPT_NAME in (failure.get("message") or "")


def test_bundled_policies_all_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, document = _junit(tmp_path, monkeypatch, str(POLICIES))
    assert code == 0
    _validate(document)
    root = ET.fromstring(document)
    assert len(root.findall("testsuite")) == 8
    assert not root.findall(".//failure") and not root.findall(".//skipped")


def test_xml_text_escapes_what_xml_cannot_hold() -> None:
    raw = 'a<b>&"c"\x01\x1b[31m\ufffe\uffff\udcff\u202e'
    assert xml_text(raw) == ("a&lt;b&gt;&amp;&quot;c&quot;\\x01\\x1b[31m\\ufffe\\uffff\\xff\\u202e")
    document = f'<?xml version="1.0"?><r a="{xml_text(raw)}">{xml_text(raw)}</r>'
    assert ET.fromstring(document.encode("utf-8")).get("a") == (
        'a<b>&"c"\\x01\\x1b[31m\\ufffe\\uffff\\xff\\u202e'
    )
