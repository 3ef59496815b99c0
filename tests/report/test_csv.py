"""``lint --format csv``: one RFC 4180 row per finding, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from b2blint.report.csv_ import HEADER, cell
from tests.conftest import POLICIES, run_cli
from tests.report import hostile

XTA003 = (
    "inbound B2B direct connect is allowed but inboundTrust.isMfaAccepted is false (service "
    "default); whether these users get in depends on your Conditional Access, which b2blint "
    "cannot see: if it requires MFA for them they are blocked with AADSTS90071, if not they "
    "get in; set isMfaAccepted: true, or suppress this finding saying no policy requires MFA"
)
XTA007 = (
    "b2bCollaborationInbound contradicts itself: usersAndGroups is blocked for AllUsers but "
    "applications is allowed for AllApplications; blocking all users blocks every application, "
    "so block AllApplications too, or allow the users who need access"
)
XTA002 = (
    "the default: outbound B2B collaboration allows only other applications, so your users "
    "can't read mail encrypted with Microsoft Rights Management (OME) by external "
    "organizations; allow application 00000012-0000-0000-c000-000000000000"
)
FILE = '"partners/""><img src=x onerror=alert(1)>.yaml"'
FABRIKAM = f"</title><script>alert('name')</script> ({hostile.FABRIKAM})"
NORTHWIND = f'=HYPERLINK(""http://127.0.0.1/x"",""click"") ({hostile.NORTHWIND})'
EXPECTED = (
    "severity,rule,name,file,line,column,partner,path,message,controls\r\n"
    f"error,XTA003,direct-connect-without-mfa-trust,{FILE},6,7,{FABRIKAM},"
    f'$.partners[0].settings.b2bDirectConnectInbound,"partner {FABRIKAM}: {XTA003}",\r\n'
    f'error,XTA007,users-apps-conflict,{FILE},13,7,"\'{NORTHWIND}",'
    f'$.partners[1].settings.b2bCollaborationInbound,"partner {NORTHWIND}: {XTA007}",\r\n'
    "warning,XTA002,encrypted-mail-app-blocked,tenant.yaml,6,5,,"
    f'$.default.b2bCollaborationOutbound.applications,"{XTA002}",\r\n'
)


def test_exact_bytes(tmp_path: Path) -> None:
    tree = hostile.write(tmp_path / "tree")
    result = run_cli(["lint", ".", "--format", "csv", "-o", "../out.csv"], cwd=tree)
    assert result.exit_code == 1
    data = (tmp_path / "out.csv").read_bytes()
    assert data == EXPECTED.encode("utf-8")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert rows[0] == list(HEADER)
    assert [(r[3], int(r[4]), int(r[5]), r[1], r[0]) for r in rows[1:]] == list(hostile.FINDINGS)
    # The formula in a partner name is text in the partner column; the file name is intact.
    assert rows[2][6] == f"'{hostile.FORMULA_NAME} ({hostile.NORTHWIND})"
    assert rows[1][3] == hostile.PARTNER_FILE


def test_clean_tree_is_the_header_alone(tmp_path: Path) -> None:
    result = run_cli(["lint", str(POLICIES), "--format", "csv", "-o", "out.csv"], cwd=tmp_path)
    assert result.exit_code == 0
    assert (tmp_path / "out.csv").read_bytes() == (",".join(HEADER) + "\r\n").encode()


def test_profile_findings_name_their_controls(tmp_path: Path) -> None:
    args = ["lint", str(POLICIES), "--profile", "zta", "--format", "csv", "-o", "out.csv"]
    assert run_cli(args, cwd=tmp_path).exit_code == 1
    rows = list(csv.reader(io.StringIO((tmp_path / "out.csv").read_text("utf-8"), newline="")))
    assert [(r[1], r[-1]) for r in rows[1:]] == [("BSL008", "ZTA.21790")]
    assert rows[1][8].endswith("[ZTA.21790]")


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\\t=1"),
        ("\r=1", "'\\r=1"),
        ("a=1", "a=1"),
        ("line\nbreak\x1b[2J", "line\\nbreak\\x1b[2J"),
        ("\udcff.yaml", "\\xff.yaml"),
    ],
)
def test_cell_neutralizes_formulas_and_controls(raw: str, shown: str) -> None:
    assert cell(raw) == shown
