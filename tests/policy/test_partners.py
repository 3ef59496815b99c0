"""One partner lookup (`b2blint.policy.partners`) behind ``effective``, ``simulate`` and tests.

The simulator used its own lookup without suggestions; it now names the close matches too,
after its unchanged sentence (and says nothing more when nothing is close).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import POLICIES, run_cli

FABRIKAM = "Fabrikam (3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11)"
SIGN_IN = ["--kind", "b2b-collaboration", "--direction", "inbound"]
DEFAULT_HINT = "(use 'default' for an organization without a partner entry)"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copytree(POLICIES, tmp_path / "policies")
    return tmp_path


@pytest.mark.parametrize(
    ("key", "noun"), [("fabrikm", "name"), ("3d0f5dd2", "name"), ("FABRIKAM INC", "name")]
)
def test_simulate_names_close_matches(tree: Path, key: str, noun: str) -> None:
    result = run_cli(["simulate", "--partner", key, *SIGN_IN], cwd=tree)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"b2blint: error: --partner: no partner with {noun} '{key}' in the policy "
        f"{DEFAULT_HINT}; close matches: {FABRIKAM}\n"
    )


@pytest.mark.parametrize("key", ["fabrikm", "3d0f5dd2", "FABRIKAM INC"])
def test_effective_and_simulate_suggest_the_same_partners(tree: Path, key: str) -> None:
    effective = run_cli(["effective", "--partner", key], cwd=tree)
    assert (effective.exit_code, effective.stdout) == (2, "")
    assert effective.stderr == (
        f"b2blint: error: unknown partner '{key}'; close matches: {FABRIKAM}\n"
    )


def test_simulate_without_a_close_match_keeps_its_sentence(tree: Path) -> None:
    result = run_cli(["simulate", "--partner", "Wingtip", *SIGN_IN], cwd=tree)
    assert result.exit_code == 2
    assert result.stderr == (
        f"b2blint: error: --partner: no partner with name 'Wingtip' in the policy {DEFAULT_HINT}\n"
    )


def test_both_commands_refuse_an_ambiguous_name(tree: Path) -> None:
    adatum = tree / "policies" / "partners" / "adatum.yaml"
    text = adatum.read_text(encoding="utf-8")
    assert "name: Adatum" in text
    adatum.write_text(text.replace("name: Adatum", "name: Fabrikam"), encoding="utf-8")
    simulate = run_cli(["simulate", "--partner", "fabrikam", *SIGN_IN], cwd=tree)
    effective = run_cli(["effective", "--partner", "fabrikam"], cwd=tree)
    assert (simulate.exit_code, effective.exit_code) == (2, 2)
    assert simulate.stderr == (
        "b2blint: error: --partner: 'fabrikam' names several partners "
        "(cdb668e9-1967-4d2f-a91d-d53b5e5267d9, 3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11); "
        "use the tenant ID\n"
    )
    assert effective.stderr.splitlines()[-1] == (
        "b2blint: error: partner name 'fabrikam' is ambiguous (Fabrikam "
        "(cdb668e9-1967-4d2f-a91d-d53b5e5267d9), Fabrikam (3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11)); "
        "use the tenant ID"
    )
