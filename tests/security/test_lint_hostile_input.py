"""``b2blint lint`` on hostile repository content (attacks F1, F7, F8 of 2026-12)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import run_cli

TENANT = "b2blint: 1\ntenant:\n  id: 6babcaad-604b-40ac-a9d7-9fd97c0b779f\n"
# A partner whose MFA trust is YAML-1.1 'yes' (a string in YAML 1.2): a schema error at 5:38.
BAD_PARTNER = """\
b2blint: 1
partners:
  - tenantId: 3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11
    name: Fabrikam
    settings: {inboundTrust: {isMfaAccepted: yes}}
"""


def _finding_lines(stdout: str) -> list[str]:
    return [line.split(" [")[0] for line in stdout.splitlines() if ": " in line and "[" in line]


def test_f1_integer_over_pythons_digit_limit_is_a_finding_not_an_internal_error(
    tmp_path: Path,
) -> None:
    policy = tmp_path / "tenant.yaml"
    policy.write_text(TENANT + "extra: " + "1" * 4301 + "\n", encoding="utf-8")
    result = run_cli(["lint", "tenant.yaml"], cwd=tmp_path)
    assert result.exit_code == 1, result.stderr
    assert result.stdout.splitlines()[0] == (
        "tenant.yaml:4:8: SYN002 [error] integer with 4,301 characters is too long (at most 100)"
    )
    assert result.stderr == ""


def test_f1_huge_hex_integer_is_refused_too(tmp_path: Path) -> None:
    (tmp_path / "tenant.yaml").write_text(TENANT + "x: 0x" + "f" * 5000 + "\n", encoding="utf-8")
    result = run_cli(["lint", "tenant.yaml"], cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stdout.startswith("tenant.yaml:4:4: SYN002 [error] integer with 5,002 characters")


def test_f8_policy_file_in_a_symlinked_subfolder_is_linted(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "fabrikam.yaml").write_text(BAD_PARTNER, encoding="utf-8")
    tree = tmp_path / "policies"
    tree.mkdir()
    (tree / "tenant.yaml").write_text(TENANT, encoding="utf-8")
    (tree / "partners").symlink_to(shared, target_is_directory=True)
    result = run_cli(["lint", "policies"], cwd=tmp_path)
    assert result.exit_code == 1, result.stdout
    assert "policies/partners/fabrikam.yaml:5:46: SCH" in result.stdout
    assert "All checks passed" not in result.stdout


def test_f8_symlink_loops_and_a_folder_linked_twice_are_read_once(tmp_path: Path) -> None:
    tree = tmp_path / "policies"
    (tree / "partners").mkdir(parents=True)
    (tree / "tenant.yaml").write_text(TENANT, encoding="utf-8")
    (tree / "partners" / "fabrikam.yaml").write_text(BAD_PARTNER, encoding="utf-8")
    (tree / "partners" / "loop").symlink_to("..", target_is_directory=True)
    (tree / "again").symlink_to("partners", target_is_directory=True)
    result = run_cli(["lint", "policies", "--format", "json"], cwd=tmp_path)
    assert result.exit_code == 1, result.stderr
    files = {line for line in result.stdout.split('"') if line.endswith(".yaml")}
    assert files == {"policies/partners/fabrikam.yaml"}


def test_f7_file_swapped_for_a_fifo_after_discovery_is_refused_without_hanging(
    tmp_path: Path,
) -> None:
    """Discovery sees a regular file; it becomes a FIFO with no writer before it is read."""
    (tmp_path / "tenant.yaml").write_text(TENANT, encoding="utf-8")
    script = textwrap.dedent(
        """
        import os, sys
        from pathlib import Path
        from b2blint.cli import main
        from b2blint.files import discovery

        real = discovery.discover
        def discover_then_swap(paths, exclude=()):
            found = real(paths, exclude)
            Path("tenant.yaml").unlink()
            os.mkfifo("tenant.yaml")
            return found
        discovery.discover = discover_then_swap
        sys.exit(main(["lint", "."]))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr == "b2blint: error: tenant.yaml: cannot read: not a regular file\n"
