"""Hostile fleet files: refused in one line (exit 2), and data never becomes text unescaped."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from b2blint.files.document import parse_text
from tests.conftest import run_cli
from tests.fleet.fleetfixture import FLEET, make_fleet


@pytest.fixture
def in_tmp(tmp_path: Path) -> Iterator[Path]:
    previous = Path.cwd()
    os.chdir(tmp_path)
    yield tmp_path
    os.chdir(previous)


@pytest.mark.parametrize(
    ("fleet", "expected"),
    [
        (FLEET.replace("name: alpha", "name: ../alpha"), "fleet.yaml:6:11: a name is 1-64"),
        (FLEET.replace("path: baselines/base.yaml", "path: /etc/passwd"),
         "fleet.yaml:4:11: path '/etc/passwd' must be relative to the fleet root"),
        ("- just a list\n", "fleet.yaml:1:1: fleet.yaml must be a mapping"),
        ("b2blint-fleet: 1\ntenants: [\n", "fleet.yaml:3:1: "),
        ("tenants: []\n", "fleet.yaml:1:1: a fleet file starts with 'b2blint-fleet: 1'"),
        ("b2blint-fleet: 1\ntenants: []\n", "fleet.yaml:2:10: 'tenants' must be a non-empty list"),
        (FLEET.replace("name: beta", "name: alpha"),
         "fleet.yaml:12:11: tenant 'alpha' is declared twice"),
        (FLEET.replace("path: tenants/beta", "path: tenants/alpha"),
         "fleet.yaml:13:11: tenant 'alpha' already uses this path"),
        (FLEET + "matrix:\n  maxJobs: 1000\n",
         "fleet.yaml:21:12: 'maxJobs' must be an integer from 1 to 256"),
    ],
)  # fmt: skip
def test_refused_in_one_line(in_tmp: Path, fleet: str, expected: str) -> None:
    make_fleet(in_tmp, fleet=fleet)
    result = run_cli(["lint"], cwd=in_tmp)
    assert result.exit_code == 2, result.stdout
    assert result.stderr.startswith(f"b2blint: error: {expected}"), result.stderr
    assert result.stderr.count("\n") == 1


def test_a_hostile_variable_value_stays_data_in_the_rendered_file(in_tmp: Path) -> None:
    evil = "Evil\\n# b2blint: disable=all\\nauthorizationPolicy: {allowInvitesFrom: everyone}"
    fleet = FLEET.replace(
        "      tid: 11111111-1111-4111-8111-111111111111\n",
        f'      tid: 11111111-1111-4111-8111-111111111111\n      name: "{evil}"\n',
    )
    base = (
        "b2blint: 1\ntenant:\n  id: ${tid}\n  domains:\n    - ${name}\n"
        "default:\n  inboundTrust:\n    isMfaAccepted: true\n"
    )
    make_fleet(in_tmp, fleet=fleet, base=base)
    result = run_cli(["fleet", "render", "alpha", "--out", "out"], cwd=in_tmp)
    assert result.exit_code == 2  # beta does not define 'name'
    fleet = fleet.replace(
        "      tid: 22222222-2222-4222-8222-222222222222\n",
        "      tid: 22222222-2222-4222-8222-222222222222\n      name: Beta\n",
    )
    make_fleet(in_tmp, fleet=fleet, base=base)
    result = run_cli(["fleet", "render", "alpha", "--out", "out"], cwd=in_tmp)
    assert result.exit_code == 0, result.stderr
    text = (in_tmp / "out" / "alpha.yaml").read_text("utf-8")
    data = parse_text(text, "alpha.yaml").data
    assert data["tenant"]["domains"] == [evil.replace("\\n", "\n")]
    assert "authorizationPolicy" not in data
