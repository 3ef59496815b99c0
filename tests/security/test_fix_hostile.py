"""``lint --fix`` against hostile files and interruptions (attacks F9-F13 of 2026-12)."""

from __future__ import annotations

import os
import pwd
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from b2blint.files.fsutil import ChangedOnDisk, atomic_write_bytes
from tests.conftest import run_cli

root_only = pytest.mark.skipif(os.geteuid() != 0, reason="chown to nobody needs root")

HEAD = """\
b2blint: 1
tenant: {id: 6babcaad-604b-40ac-a9d7-9fd97c0b779f, name: Contoso}
default:
  inboundTrust: {isMfaAccepted: true}
partners:
"""
# inboundTrust repeats the default: one XTA011 fix, which empties `settings`.
PARTNER = """\
  - tenantId: 3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11
    name: Fabrikam
    settings:
      inboundTrust: {isMfaAccepted: true}
"""
TEXT = HEAD + PARTNER
FIXED = HEAD + (
    "  - tenantId: 3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11\n    name: Fabrikam\n    settings: {}\n"
)


def _run(folder: Path, *args: str) -> tuple[int, str]:
    (folder / ".git").mkdir(exist_ok=True)
    result = run_cli(["lint", "--no-color", *args], cwd=folder)
    return result.exit_code, result.stderr


def _partner(index: int) -> str:
    """A partner whose three settings all repeat what it would inherit (three XTA011 fixes)."""
    return (
        f"  - tenantId: 3d0f5dd2-6c2d-4f0e-9a43-{index:012d}\n"
        f"    name: Partner {index}\n"
        "    settings:\n"
        "      inboundTrust: {isMfaAccepted: true}\n"
        "      automaticUserConsentSettings: {inboundAllowed: false, outboundAllowed: false}\n"
        "      b2bDirectConnectOutbound:\n"
        "        usersAndGroups:\n"
        "          accessType: blocked\n"
        "          targets: [{target: AllUsers, targetType: user}]\n"
        "        applications:\n"
        "          accessType: blocked\n"
        "          targets: [{target: AllApplications, targetType: application}]\n"
    )


def test_f9_fixes_that_empty_every_partners_settings_all_apply(tmp_path: Path) -> None:
    """300 fixes emptying 100 mappings: once one re-parse per fix, now one per round."""
    policy = tmp_path / "p.yaml"
    policy.write_text(HEAD + "".join(_partner(i) for i in range(100)), encoding="utf-8")
    code, stderr = _run(tmp_path, "p.yaml", "--fix")
    assert (code, stderr) == (0, "b2blint: fixed 300 findings in 1 file\n")
    assert policy.read_text(encoding="utf-8") == HEAD + "".join(
        f"  - tenantId: 3d0f5dd2-6c2d-4f0e-9a43-{i:012d}\n"
        f"    name: Partner {i}\n"
        "    settings: {}\n"
        for i in range(100)
    )


def test_f10_read_only_file_is_refused_and_kept(tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(TEXT, encoding="utf-8")
    policy.chmod(0o444)
    code, stderr = _run(tmp_path, "p.yaml", "--fix")
    assert (code, stderr) == (
        2,
        "b2blint: error: p.yaml: the file is read-only; nothing was fixed "
        "(--force fixes it anyway, keeping its mode)\n",
    )
    assert policy.read_text(encoding="utf-8") == TEXT
    assert stat.S_IMODE(policy.stat().st_mode) == 0o444


def test_f10_read_only_file_is_fixed_with_force_and_stays_read_only(tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(TEXT, encoding="utf-8")
    policy.chmod(0o444)
    code, stderr = _run(tmp_path, "p.yaml", "--fix", "--force")
    assert (code, stderr) == (0, "b2blint: fixed 1 finding in 1 file\n")
    assert policy.read_text(encoding="utf-8") == FIXED
    assert stat.S_IMODE(policy.stat().st_mode) == 0o444


def test_f10_a_read_only_file_stops_the_fix_before_any_other_file_is_written(
    tmp_path: Path,
) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text(TEXT, encoding="utf-8")
    other = "b2blint: 1\npartners:\n" + PARTNER.replace("Fabrikam", "Northwind")
    second.write_text(other.replace("2a11", "2a12"), encoding="utf-8")
    second.chmod(0o444)
    code, stderr = _run(tmp_path, "a.yaml", "b.yaml", "--fix")
    assert (code, stderr) == (
        2,
        "b2blint: error: b.yaml: the file is read-only; nothing was fixed "
        "(--force fixes it anyway, keeping its mode)\n",
    )
    assert first.read_text(encoding="utf-8") == TEXT


@root_only
def test_f11_root_fix_keeps_owner_group_and_mode(tmp_path: Path) -> None:
    nobody = pwd.getpwnam("nobody")
    policy = tmp_path / "p.yaml"
    policy.write_text(TEXT, encoding="utf-8")
    os.chown(policy, nobody.pw_uid, nobody.pw_gid)
    policy.chmod(0o640)
    code, stderr = _run(tmp_path, "p.yaml", "--fix")
    assert (code, stderr) == (0, "b2blint: fixed 1 finding in 1 file\n")
    status = policy.stat()
    assert (status.st_uid, status.st_gid) == (nobody.pw_uid, nobody.pw_gid)
    assert stat.S_IMODE(status.st_mode) == 0o640
    assert policy.read_text(encoding="utf-8") == FIXED


def test_f11_hard_linked_file_is_refused_without_force(tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(TEXT, encoding="utf-8")
    other = tmp_path / "backup" / "p.yaml.keep"
    other.parent.mkdir()
    os.link(policy, other)
    code, stderr = _run(tmp_path, "p.yaml", "--fix")
    assert (code, stderr) == (
        2,
        "b2blint: error: p.yaml: the file has 1 other hard link(s), which a fix would not "
        "update; nothing was fixed (--force fixes this name only)\n",
    )
    assert policy.stat().st_ino == other.stat().st_ino
    assert policy.read_text(encoding="utf-8") == TEXT


def test_f11_hard_linked_file_with_force_gets_its_own_copy_and_a_note(tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(TEXT, encoding="utf-8")
    other = tmp_path / "p.yaml.keep"
    os.link(policy, other)
    code, stderr = _run(tmp_path, "p.yaml", "--fix", "--force")
    assert (code, stderr) == (
        0,
        "b2blint: fixed 1 finding in 1 file\n"
        "b2blint: p.yaml: fixed this name only; its 1 other hard link(s) keep the old text\n",
    )
    assert policy.read_text(encoding="utf-8") == FIXED
    assert other.read_text(encoding="utf-8") == TEXT


def test_f12_sigterm_during_the_write_phase_leaves_no_temporary_file(tmp_path: Path) -> None:
    """A real ``b2blint lint --fix`` over 30 files of 2 MB, sent SIGTERM the moment one of its
    temporary files is seen (the files are big so that the write takes a while)."""
    tree = tmp_path / "policies"
    tree.mkdir()
    (tmp_path / ".git").mkdir()
    padding = ("# " + "x" * 98 + "\n") * 20_000  # 2 MB of comment lines
    names = [f"p{index:04d}.yaml" for index in range(30)]
    originals = [TEXT.replace("2a11", f"{index:04d}") + padding for index in range(30)]
    for name, text in zip(names, originals, strict=True):
        (tree / name).write_text(text, encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "b2blint", "lint", "--fix", "policies"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    try:
        while process.poll() is None:
            if any(entry.name.endswith(".tmp") for entry in os.scandir(tree)):
                process.send_signal(signal.SIGTERM)  # a temporary file exists right now
                break
        returncode = process.wait(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert returncode == -signal.SIGTERM  # killed mid-way, not finished
    assert sorted(p.name for p in tree.iterdir()) == names  # no temporary file left
    texts = [(tree / name).read_text(encoding="utf-8") for name in names]
    fixed = [
        text == FIXED.replace("2a11", f"{index:04d}") + padding for index, text in enumerate(texts)
    ]
    assert fixed[0]
    assert not fixed[-1]  # the kill landed before the end: this test did interrupt writing
    for index, text in enumerate(texts):  # each file is old or new, never half-written
        assert fixed[index] or text == originals[index]


def test_f13_an_edit_after_the_check_is_not_overwritten(tmp_path: Path) -> None:
    """The write re-checks the file just before the rename (the race is narrowed to that)."""
    policy = tmp_path / "p.yaml"
    policy.write_text(TEXT, encoding="utf-8")
    checked = policy.stat()
    time.sleep(0.01)  # a distinct modification time, as an editor's save has
    policy.write_text(TEXT + "# saved by an editor\n", encoding="utf-8")
    with pytest.raises(ChangedOnDisk):
        atomic_write_bytes(policy, FIXED.encode(), unchanged_since=checked)
    assert policy.read_text(encoding="utf-8") == TEXT + "# saved by an editor\n"
    assert [p.name for p in tmp_path.iterdir()] == ["p.yaml"]
