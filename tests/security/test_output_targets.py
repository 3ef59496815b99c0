"""Output files (``lint -o``, ``plan --out``) never replace a device, FIFO or symlink (F28).

Every test writes a real target of the kind under attack (a character device node made with
``mknod``, a FIFO, a symlink, a read-only file, a file owned by ``nobody``) and checks what
is on disk afterwards. The device node is a copy of /dev/full made in the test directory, so
a regression cannot damage the machine's /dev.
"""

from __future__ import annotations

import os
import pwd
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from b2blint.errors import B2BLintError
from b2blint.fakegraph.server import RunningFake, start
from b2blint.files.fsutil import atomic_write_bytes, check_output_target
from tests.conftest import run_cli
from tests.tenant.conftest import FABRIKAM, MFA_TRUST, TENANT, partner, write_tree

CLEAN = "b2blint: 1\ntenant:\n  id: 6babcaad-604b-40ac-a9d7-9fd97c0b779f\n"
root_only = pytest.mark.skipif(os.geteuid() != 0, reason="mknod and chown need root")


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningFake]:
    """The emulator on 127.0.0.1, with the CLI pointed at it (as tests/tenant does)."""
    with start(tenant_id=TENANT) as running:
        monkeypatch.setenv("B2BLINT_GRAPH_URL", running.url)
        monkeypatch.setenv("B2BLINT_ACCESS_TOKEN", running.token())
        yield running


def _tree(tmp_path: Path) -> Path:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "tenant.yaml").write_text(CLEAN, encoding="utf-8")
    return tmp_path / "p"


def _full_device(tmp_path: Path) -> Path:
    node = tmp_path / "full"
    os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 7))  # the numbers of /dev/full
    return node


@root_only
def test_lint_output_to_a_device_node_is_refused_and_the_node_kept(tmp_path: Path) -> None:
    node = _full_device(tmp_path)
    result = run_cli(["lint", str(_tree(tmp_path)), "-o", str(node)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"b2blint: error: {node}: cannot write: it is a character device, not a regular file\n"
    )
    assert stat.S_ISCHR(node.lstat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full", "p"]  # no temp file left


def test_lint_output_to_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    result = run_cli(["lint", str(_tree(tmp_path)), "-o", str(fifo)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"b2blint: error: {fifo}: cannot write: it is a FIFO, not a regular file\n"
    )
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_lint_output_through_a_symlink_writes_the_target_and_keeps_the_link(
    tmp_path: Path,
) -> None:
    (tmp_path / "reports").mkdir()
    real = tmp_path / "reports" / "lint.json"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "latest.json"
    link.symlink_to(real)
    result = run_cli(["lint", str(_tree(tmp_path)), "--format", "json", "-o", str(link)])
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink()
    assert link.readlink() == real
    assert real.read_text(encoding="utf-8").startswith("{")
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["lint.json"]


def test_lint_output_to_a_read_only_file_is_refused_even_as_root(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_text("keep me\n", encoding="utf-8")
    target.chmod(0o444)
    result = run_cli(["lint", str(_tree(tmp_path)), "-o", str(target)])
    assert result.exit_code == 2
    assert result.stderr == f"b2blint: error: {target}: cannot write: the file is read-only\n"
    assert target.read_text(encoding="utf-8") == "keep me\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o444


def test_lint_output_into_proc_is_refused_before_writing(tmp_path: Path) -> None:
    result = run_cli(["lint", str(_tree(tmp_path)), "-o", "/proc/r.json"])
    assert result.exit_code == 2
    assert result.stderr.startswith("b2blint: error: /proc/r.json: cannot write: ")
    assert result.stderr.count("\n") == 1


@root_only
def test_lint_output_keeps_owner_group_and_mode_of_an_existing_file(tmp_path: Path) -> None:
    nobody = pwd.getpwnam("nobody")
    target = tmp_path / "report.txt"
    target.write_text("old\n", encoding="utf-8")
    os.chown(target, nobody.pw_uid, nobody.pw_gid)
    target.chmod(0o640)
    result = run_cli(["lint", str(_tree(tmp_path)), "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    status = target.stat()
    assert (status.st_uid, status.st_gid) == (nobody.pw_uid, nobody.pw_gid)
    assert stat.S_IMODE(status.st_mode) == 0o640
    assert target.read_text(encoding="utf-8") == "All checks passed (1 file).\n"


@root_only
def test_plan_out_to_a_device_node_is_refused_before_any_graph_request(
    fake: RunningFake, tmp_path: Path
) -> None:
    node = _full_device(tmp_path)
    tree = write_tree(tmp_path / "policies", [partner(FABRIKAM, "F", {"inboundTrust": MFA_TRUST})])
    result = run_cli(["plan", str(tree), "--out", str(node)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"b2blint: error: {node}: cannot write: it is a character device, not a regular file\n"
    )
    assert fake.log() == []
    assert stat.S_ISCHR(node.lstat().st_mode)


def test_check_output_target_accepts_a_new_file_in_a_directory_still_to_be_made(
    tmp_path: Path,
) -> None:
    check_output_target(tmp_path / "a" / "b" / "report.json")
    assert list(tmp_path.iterdir()) == []  # the writability probe left nothing behind


def test_check_output_target_refuses_a_directory_and_a_symlink_loop(tmp_path: Path) -> None:
    with pytest.raises(B2BLintError, match=r": cannot write: it is a directory, not a regular"):
        check_output_target(tmp_path)
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    with pytest.raises(B2BLintError) as caught:
        check_output_target(loop)
    assert caught.value.message.startswith(f"{loop}: cannot write: ")


def test_atomic_write_refuses_a_fifo_even_without_the_early_check(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(B2BLintError, match="it is a FIFO, not a regular file"):
        atomic_write_bytes(fifo, b"data")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["fifo"]
