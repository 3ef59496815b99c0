"""Hostile config files (attacks F29, F30 and the XTA001 options of 2026-12).

Each test writes the config into a real repository folder (``.git`` marks where the upward
search stops) and runs ``b2blint lint`` there, as a pre-commit hook would.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli

TENANT = "b2blint: 1\ntenant:\n  id: 6babcaad-604b-40ac-a9d7-9fd97c0b779f\n"


def _repo(tmp_path: Path, pyproject: bytes) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "tenant.yaml").write_text(TENANT, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_bytes(pyproject)
    return tmp_path


def _lint(repo: Path) -> tuple[int, str, str]:
    result = run_cli(["lint", "policies"], cwd=repo)
    return result.exit_code, result.stdout, result.stderr


def test_f29_latin1_byte_in_pyproject_is_an_error_not_a_silently_ignored_table(
    tmp_path: Path,
) -> None:
    repo = _repo(tmp_path, b'[tool.b2blint]\nselect = ["XTA"]\n# caf\xe9\n')
    code, stdout, stderr = _lint(repo)
    assert (code, stdout) == (2, "")
    assert stderr == (
        "b2blint: error: pyproject.toml:3:6: config is not UTF-8 (byte 0xe9); save it as UTF-8\n"
    )


def test_f29_utf16_pyproject_is_an_error(tmp_path: Path) -> None:
    repo = _repo(tmp_path, '[tool.b2blint]\nselect = ["XTA"]\n'.encode("utf-16"))
    code, _, stderr = _lint(repo)
    assert code == 2
    assert stderr == (
        "b2blint: error: pyproject.toml:1:1: config is not UTF-8 (it is UTF-16); save it as UTF-8\n"
    )


def test_f29_pyproject_without_our_table_is_still_ignored_even_if_not_utf8(
    tmp_path: Path,
) -> None:
    repo = _repo(tmp_path, b'[project]\nname = "caf\xe9"\n')
    code, stdout, stderr = _lint(repo)
    assert (code, stderr) == (0, "")
    assert stdout == "All checks passed (1 file).\n"


@pytest.mark.parametrize(
    ("value", "where"), [("[" * 5000 + "]" * 5000, "2:105"), ("{a=" * 5000 + "}" * 5000, "2:305")]
)
def test_f30_deeply_nested_toml_is_one_line_error(tmp_path: Path, value: str, where: str) -> None:
    repo = _repo(tmp_path, f"[tool.b2blint]\nx = {value}\n".encode())
    code, stdout, stderr = _lint(repo)
    assert (code, stdout) == (2, "")
    assert stderr == (
        f"b2blint: error: pyproject.toml:{where}: invalid TOML: nested deeper than 100 levels\n"
    )


def test_f30_five_thousand_digit_number_is_one_line_error(tmp_path: Path) -> None:
    repo = _repo(tmp_path, b"[tool.b2blint.rules.XTA001]\nlimit = " + b"1" * 5000 + b"\n")
    code, _, stderr = _lint(repo)
    assert code == 2
    assert stderr == (
        "b2blint: error: pyproject.toml:2:9: invalid TOML: integer with 5,000 digits is too long\n"
    )


def test_f30_four_thousand_digit_limit_is_out_of_range_not_an_overflow(tmp_path: Path) -> None:
    repo = _repo(tmp_path, b"[tool.b2blint.rules.XTA001]\nlimit = " + b"9" * 4000 + b"\n")
    code, _, stderr = _lint(repo)
    assert code == 2
    assert stderr == (
        "b2blint: error: pyproject.toml:2:9: option 'limit' of XTA001 must be greater than 0 "
        "and at most 2,147,483,647, got a 4,000-digit number\n"
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("limit = -1", "2:9: option 'limit' of XTA001 must be greater than 0 and at most "
         "2,147,483,647, got -1"),
        ("limit = 0", "2:9: option 'limit' of XTA001 must be greater than 0 and at most "
         "2,147,483,647, got 0"),
        ("warn-ratio = 5.0", "2:14: option 'warn-ratio' of XTA001 must be greater than 0 and "
         "at most 1, got 5.0"),
        ("warn-ratio = 0", "2:14: option 'warn-ratio' of XTA001 must be greater than 0 and "
         "at most 1, got 0"),
    ],
)
def test_xta001_limit_and_warn_ratio_out_of_range_are_config_errors(
    tmp_path: Path, line: str, message: str
) -> None:
    repo = _repo(tmp_path, f"[tool.b2blint.rules.XTA001]\n{line}\n".encode())
    code, _, stderr = _lint(repo)
    assert code == 2
    assert stderr == f"b2blint: error: pyproject.toml:{message}\n"


def test_xta001_edge_values_are_accepted(tmp_path: Path) -> None:
    repo = _repo(tmp_path, b"[tool.b2blint.rules.XTA001]\nlimit = 1\nwarn-ratio = 1\n")
    code, _, stderr = _lint(repo)
    assert (code, stderr) == (0, "")
