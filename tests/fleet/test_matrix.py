"""``b2blint fleet matrix``: the tenants a git change touches, as a CI matrix."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.fleet.fleetfixture import FLEET, make_fleet


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Path]:
    make_fleet(tmp_path)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "fleet")
    previous = Path.cwd()
    os.chdir(tmp_path)
    yield tmp_path
    os.chdir(previous)


def matrix(root: Path, *args: str) -> dict[str, object]:
    result = run_cli(["fleet", "matrix", "--format", "json", *args], cwd=root)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("\n") == 1  # one line: a step output
    report = json.loads(result.stdout)
    assert isinstance(report, dict)
    return report


def test_without_a_revision_every_tenant(repo: Path) -> None:
    result = run_cli(["fleet", "matrix"], cwd=repo)
    assert result.stdout == (
        '{"include":[{"name":"alpha","tenants":"alpha"},{"name":"beta","tenants":"beta"}]}\n'
    )


def test_nothing_changed_touches_nothing(repo: Path) -> None:
    report = matrix(repo, "--changed-since", "HEAD")
    assert report["tenants"] == []
    assert report["github"] == {"include": []}


def test_a_tenant_file_touches_its_tenant(repo: Path) -> None:
    with (repo / "tenants" / "beta" / "tenant.yaml").open("a", encoding="utf-8") as f:
        f.write("# edited\n")
    report = matrix(repo, "--changed-since", "HEAD")
    assert report["tenants"] == ["beta"]
    assert report["reasons"] == {"beta": "files under tenants/beta/"}


def test_a_new_untracked_tenant_file_counts(repo: Path) -> None:
    (repo / "tenants" / "alpha" / "partners.yaml").write_text("b2blint: 1\n", encoding="utf-8")
    assert matrix(repo, "--changed-since", "HEAD")["tenants"] == ["alpha"]


def test_a_baseline_change_touches_every_tenant_using_it(repo: Path) -> None:
    with (repo / "baselines" / "base.yaml").open("a", encoding="utf-8") as f:
        f.write("# edited\n")
    report = matrix(repo, "--changed-since", "HEAD")
    assert report["tenants"] == ["alpha", "beta"]
    assert report["reasons"] == {"alpha": "layer 'base'", "beta": "layer 'base'"}


def test_a_fleet_entry_change_touches_that_tenant_only(repo: Path) -> None:
    text = FLEET.replace("tags: [customer]", "tags: [customer, gold]")
    (repo / "fleet.yaml").write_text(text, encoding="utf-8")
    report = matrix(repo, "--changed-since", "HEAD")
    assert report["tenants"] == ["alpha"]
    assert report["reasons"] == {"alpha": "its entry in fleet.yaml"}


def test_blast_radius_over_the_threshold_needs_approval(repo: Path) -> None:
    text = FLEET + "matrix:\n  approvalThreshold: 1\n"
    (repo / "fleet.yaml").write_text(text, encoding="utf-8")
    git(repo, "commit", "-qam", "threshold")
    with (repo / "baselines" / "base.yaml").open("a", encoding="utf-8") as f:
        f.write("# edited\n")
    report = matrix(repo, "--changed-since", "HEAD")
    assert report["approvalRequired"] is True
    assert report["approvalThreshold"] == 1


def test_more_tenants_than_jobs_are_sharded(repo: Path) -> None:
    result = run_cli(["fleet", "matrix", "--max-jobs", "1"], cwd=repo)
    assert result.stdout == '{"include":[{"name":"shard-1-of-1","tenants":"alpha beta"}]}\n'
    azure = run_cli(["fleet", "matrix", "--format", "azure"], cwd=repo)
    assert json.loads(azure.stdout) == {
        "alpha": {"name": "alpha", "tenants": "alpha"},
        "beta": {"name": "beta", "tenants": "beta"},
    }


def test_a_bad_revision_is_a_one_line_error(repo: Path) -> None:
    result = run_cli(["fleet", "matrix", "--changed-since", "no-such-rev"], cwd=repo)
    assert result.exit_code == 2
    assert result.stderr.startswith("b2blint: error: git diff: ")
    assert result.stderr.count("\n") == 1
