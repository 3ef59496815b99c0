"""``b2blint lint - --stdin-filename NAME``: an editor's unsaved buffer, linted in its tree.

Every test runs the real command in a process with the buffer on its stdin, in a copy of the
example tree, and checks the files on disk are left byte for byte as they were.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import POLICIES

FABRIKAM = "policies/partners/fabrikam.yaml"
TYPO_FINDING = (
    f"{FABRIKAM}:13:7: SCH002 [error] unknown property 'inboundTrusts'; "
    "did you mean 'inboundTrust'?"
)

FIXABLE = """\
b2blint: 1
partners:
  - tenantId: 7f3e2d1c-0b9a-4c8d-9e7f-6a5b4c3d2e1f
    name: Adventure Works
    settings:
      b2bCollaborationInbound:
        usersAndGroups:
          accessType: allowed
          targets:
            - {target: c23973f8-dcc3-4275-9070-7ad998fd1fb9, targetType: group}
            - {target: C23973F8-DCC3-4275-9070-7AD998FD1FB9, targetType: group}
        applications:
          accessType: allowed
          targets: [{target: AllApplications, targetType: application}]
"""
DUPLICATE = "            - {target: C23973F8-DCC3-4275-9070-7AD998FD1FB9, targetType: group}\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    shutil.copytree(POLICIES, tmp_path / "policies")
    return tmp_path


def _snapshot(repo: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(repo)): p.read_bytes() for p in sorted(repo.rglob("*")) if p.is_file()
    }


def lint(repo: Path, buffer: bytes | str, *args: str) -> subprocess.CompletedProcess[bytes]:
    before = _snapshot(repo)
    data = buffer.encode("utf-8") if isinstance(buffer, str) else buffer
    run = subprocess.run(
        [sys.executable, "-m", "b2blint", "lint", *args],
        cwd=repo,
        input=data,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert _snapshot(repo) == before, "lint - wrote to the tree"
    return run


def _typo(text: str) -> str:
    return text.replace("      inboundTrust:\n", "      inboundTrusts:\n", 1)


def test_findings_are_at_the_stdin_filename_and_the_disk_copy_is_replaced(repo: Path) -> None:
    saved = (repo / FABRIKAM).read_text("utf-8")
    run = lint(repo, _typo(saved), "-", "--stdin-filename", FABRIKAM)
    assert run.returncode == 1, run.stderr
    assert run.stdout.decode().splitlines() == [
        TYPO_FINDING,
        f"{FABRIKAM}:13:7: TST001 [error] 16 policy tests not run: the policy cannot be "
        "simulated while this file has SCH002 errors; fix it and the tests run again",
        "Found 2 errors and 0 warnings in 8 files.",
    ]
    assert run.stderr == b""


def test_a_clean_buffer_passes_although_the_saved_file_is_broken(repo: Path) -> None:
    saved = (repo / FABRIKAM).read_text("utf-8")
    (repo / FABRIKAM).write_text(_typo(saved), "utf-8")
    run = lint(repo, saved, "-", "--stdin-filename", FABRIKAM)
    assert (run.returncode, run.stdout) == (0, b"All checks passed (8 files).\n"), run.stderr


def test_stdin_filename_alone_reads_stdin_too(repo: Path) -> None:
    saved = (repo / FABRIKAM).read_text("utf-8")
    run = lint(repo, _typo(saved), "--stdin-filename", FABRIKAM)
    assert run.returncode == 1
    assert run.stdout.decode().splitlines()[0] == TYPO_FINDING


def test_cross_file_rules_see_the_tree_and_only_the_buffer_is_reported(repo: Path) -> None:
    # A new, unsaved file repeating Fabrikam's partner; an untouched file with a typo of its
    # own is context, not reported (that is CI's job, as with --tree).
    adatum = repo / "policies/partners/adatum.yaml"
    adatum.write_text(adatum.read_text("utf-8").replace("b2blint: 1\n", "b2blint: 1\nextra: 1\n"))
    buffer = (repo / FABRIKAM).read_text("utf-8")
    run = lint(repo, buffer, "-", "--stdin-filename", "policies/partners/copy.yaml")
    assert run.returncode == 1
    lines = run.stdout.decode().splitlines()
    assert lines[0] == (
        "policies/partners/copy.yaml:6:15: SCH005 [error] partner "
        f"3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11 is already declared at {FABRIKAM}:6"
    )
    assert all("adatum.yaml" not in line for line in lines[:-1]), lines


def test_syntax_error_in_the_buffer(repo: Path) -> None:
    run = lint(repo, "b2blint: 1\npartners: [\n", "-", "--stdin-filename", FABRIKAM)
    assert run.returncode == 1
    assert run.stdout.decode().splitlines()[0].startswith(f"{FABRIKAM}:3:1: SYN001 [error] ")


def test_a_buffer_that_is_not_utf8(repo: Path) -> None:
    run = lint(repo, b"b2blint: 1\n# caf\xe9\n", "-", "--stdin-filename", FABRIKAM)
    assert run.returncode == 1
    assert run.stdout.decode().splitlines()[0] == (
        f"{FABRIKAM}:2:6: SYN002 [error] file is not valid UTF-8 (byte 0xe9); save it as UTF-8"
    )


def test_without_a_name_the_buffer_is_linted_alone_as_dash(repo: Path) -> None:
    saved = (repo / FABRIKAM).read_text("utf-8")
    run = lint(repo, _typo(saved), "-")
    assert run.returncode == 1
    assert run.stdout.decode().splitlines() == [
        TYPO_FINDING.replace(FABRIKAM, "-"),
        "Found 1 error and 0 warnings in 1 file.",
    ]


def test_a_name_outside_policies_needs_tree_for_context(repo: Path) -> None:
    (repo / "other").mkdir()
    shutil.move(repo / "policies", repo / "other/policies")
    buffer = (repo / "other/policies/partners/fabrikam.yaml").read_text("utf-8")
    name = "other/policies/partners/copy.yaml"
    alone = lint(repo, buffer, "-", "--stdin-filename", name)
    assert (alone.returncode, alone.stdout) == (0, b"All checks passed (1 file).\n")
    tree = lint(repo, buffer, "-", "--stdin-filename", name, "--tree", "other/policies")
    assert tree.returncode == 1
    assert tree.stdout.decode().splitlines()[0].startswith(f"{name}:6:15: SCH005 [error] ")


def test_fix_prints_the_fixed_buffer_and_reports_on_stderr(repo: Path) -> None:
    name = "policies/partners/adventure.yaml"
    run = lint(repo, FIXABLE, "-", "--stdin-filename", name, "--fix")
    assert run.returncode == 0, run.stderr
    assert run.stdout == FIXABLE.replace(DUPLICATE, "").encode()
    assert run.stderr.decode().splitlines() == ["All checks passed (9 files)."]


def test_fix_with_nothing_to_fix_echoes_the_buffer_unchanged(repo: Path) -> None:
    buffer = b"\xef\xbb\xbf" + (repo / FABRIKAM).read_bytes().replace(b"\n", b"\r\n")
    run = lint(repo, buffer, "-", "--stdin-filename", FABRIKAM, "--fix")
    assert (run.returncode, run.stdout) == (0, buffer), run.stderr


def test_diff_prints_the_buffer_fixes(repo: Path) -> None:
    name = "policies/partners/adventure.yaml"
    run = lint(repo, FIXABLE, "-", "--stdin-filename", name, "--diff")
    assert run.returncode == 1
    out = run.stdout.decode()
    assert out.startswith(f"--- a/{name}\n+++ b/{name}\n")
    assert f"-{DUPLICATE}" in out.splitlines(keepends=True)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["-", "policies"],
            "lint -: read the buffer from stdin alone; give the tree as --tree DIR, not as a path",
        ),
        (
            ["--stdin-filename", FABRIKAM, "policies/partners/adatum.yaml"],
            "lint -: read the buffer from stdin alone; give the tree as --tree DIR, not as a path",
        ),
        (
            ["-", "--stdin-filename", FABRIKAM, "--fix", "--force"],
            "--force: lint - writes no file (--fix prints the fixed buffer)",
        ),
    ],
)
def test_usage_errors_are_one_line_exit_2(repo: Path, args: list[str], message: str) -> None:
    run = lint(repo, "b2blint: 1\n", *args)
    assert (run.returncode, run.stdout) == (2, b"")
    assert run.stderr.decode() == f"b2blint: error: {message}\n"
