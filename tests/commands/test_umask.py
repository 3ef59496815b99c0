"""Files b2blint creates honour the umask, like any other tool's output (issue 12 item 9).

A report written by ``lint -o`` was 0600 whatever the umask (``tempfile.mkstemp``), so a CI
step running as another user could not read it. Each writer runs here as a real process with
its own umask: ``lint -o``, ``plan --out``, ``apply --report``, ``export``, ``import`` and the
emulator's ``--state``. New files are 0666 minus the umask, new directories 0777 minus it.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from b2blint.fakegraph.server import RunningFake
from tests.conftest import POLICIES
from tests.tenant.conftest import FABRIKAM, MFA_TRUST, TENANT, partner, write_tree

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")

UMASKS = [0o022, 0o077, 0o002]


def _b2blint(
    args: Sequence[str], umask: int, cwd: Path, fake: RunningFake | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("B2BLINT_")}
    if fake is not None:
        env |= {"B2BLINT_GRAPH_URL": fake.url, "B2BLINT_ACCESS_TOKEN": fake.token()}
    return subprocess.run(
        [sys.executable, "-m", "b2blint", *args],
        cwd=cwd,
        env=env,
        umask=umask,
        capture_output=True,
        text=True,
        timeout=300,  # a guard against a hang, not a timed assertion
        check=False,
    )


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _tree_modes(root: Path) -> set[tuple[str, int]]:
    """("file" | "dir", mode) of everything under ``root`` (and ``root`` itself)."""
    found = {("dir", _mode(root))}
    for path in root.rglob("*"):
        found.add(("dir" if path.is_dir() else "file", _mode(path)))
    return found


@pytest.mark.parametrize("umask", UMASKS, ids=oct)
def test_lint_output_file_honours_the_umask(tmp_path: Path, umask: int) -> None:
    run = _b2blint(["lint", str(POLICIES), "-o", "reports/lint.txt"], umask, tmp_path)
    assert run.returncode == 0, run.stderr
    assert _mode(tmp_path / "reports" / "lint.txt") == 0o666 & ~umask
    assert _mode(tmp_path / "reports") == 0o777 & ~umask
    assert [p.name for p in (tmp_path / "reports").iterdir()] == ["lint.txt"]  # no temp left


def test_an_existing_output_file_keeps_its_mode_whatever_the_umask(tmp_path: Path) -> None:
    report = tmp_path / "lint.txt"
    report.write_text("old\n", encoding="utf-8")
    report.chmod(0o640)
    run = _b2blint(["lint", str(POLICIES), "-o", str(report)], 0o000, tmp_path)
    assert run.returncode == 0, run.stderr
    assert _mode(report) == 0o640
    assert report.read_text(encoding="utf-8") != "old\n"


@pytest.mark.parametrize("umask", UMASKS, ids=oct)
def test_plan_out_and_apply_report_honour_the_umask(
    fake: RunningFake, tmp_path: Path, umask: int
) -> None:
    tree = write_tree(tmp_path / "p", [partner(FABRIKAM, "Fabrikam", {"inboundTrust": MFA_TRUST})])
    plan = _b2blint(["plan", str(tree), "--out", "plan.json"], umask, tmp_path, fake)
    assert plan.returncode == 0, plan.stderr
    assert _mode(tmp_path / "plan.json") == 0o666 & ~umask
    apply = _b2blint(
        ["apply", str(tree), "--plan", "plan.json", "--yes", "--report", "r.json"],
        umask,
        tmp_path,
        fake,
    )
    assert apply.returncode == 0, apply.stderr
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["result"] == "converged"
    assert _mode(tmp_path / "r.json") == 0o666 & ~umask


@pytest.mark.parametrize("umask", UMASKS, ids=oct)
def test_export_and_import_trees_honour_the_umask(
    fake: RunningFake, tmp_path: Path, umask: int
) -> None:
    fake.set_state(
        {"tenantId": TENANT, "partners": [{"tenantId": FABRIKAM, "inboundTrust": MFA_TRUST}]}
    )
    export = _b2blint(["export", "--tenant-id", TENANT, "--out", "live"], umask, tmp_path, fake)
    assert export.returncode == 0, export.stderr
    expected = {("file", 0o666 & ~umask), ("dir", 0o777 & ~umask)}
    assert _tree_modes(tmp_path / "live") == expected
    saved = tmp_path / "partner.json"
    saved.write_text(json.dumps({"tenantId": FABRIKAM, "inboundTrust": MFA_TRUST}), "utf-8")
    imported = _b2blint(
        ["import", "--tenant-id", TENANT, "--out", "imported", saved.name], umask, tmp_path
    )
    assert imported.returncode == 0, imported.stderr
    assert _tree_modes(tmp_path / "imported") == expected


@pytest.mark.parametrize("umask", [0o022, 0o077], ids=oct)
def test_fakegraph_state_file_honours_the_umask(tmp_path: Path, umask: int) -> None:
    state = tmp_path / "tenant.json"
    with subprocess.Popen(
        [sys.executable, "-m", "b2blint.fakegraph", "--port", "0", "--state", str(state)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        umask=umask,
    ) as process:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("fakegraph listening on http://127.0.0.1:"), line
        process.terminate()  # SIGTERM: the emulator saves its state and exits 0
        assert process.wait(timeout=60) == 0
    assert json.loads(state.read_text(encoding="utf-8"))["partners"] == []
    assert _mode(state) == 0o666 & ~umask
