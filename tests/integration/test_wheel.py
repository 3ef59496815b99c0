"""The distribution: ``python -m build`` makes an sdist and a wheel that work once installed.

The wheel goes into a fresh virtualenv *with* its dependencies from the package index (not
``--no-deps``, not the test environment's site-packages): a dependency missing from
pyproject.toml, or a data file left out of the wheel, fails here instead of on a user's
machine. Then the installed console script runs from a directory outside the checkout.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.integration._checkout import ROOT, clean_env, copy_checkout
from tests.policies import CASE_TYPO_TREE

pytestmark = pytest.mark.slow

VERSION_SCRIPT = "import importlib.metadata as m; print(m.version('b2blint'))"

BAD = CASE_TYPO_TREE


@dataclasses.dataclass(frozen=True)
class Installed:
    source: Path  # the copy of the checkout that was built
    wheel: Path
    sdist: Path
    python: Path
    b2blint: Path
    venv: Path
    elsewhere: Path  # a working directory outside the checkout, with a copy of policies/

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.b2blint), *args],
            cwd=self.elsewhere,
            env=clean_env({"NO_COLOR": "1"}),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )


def _project_version() -> str:
    text = (ROOT / "pyproject.toml").read_text("utf-8")
    found = re.search(r'^version = "([^"]+)"$', text, re.M)
    assert found, "no version in pyproject.toml"
    return found.group(1)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("wheel")
    source = copy_checkout(base / "source")
    dist = base / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(dist), str(source)],
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert built.returncode == 0, built.stdout[-4000:] + built.stderr[-4000:]
    [wheel] = dist.glob("*.whl")
    [sdist] = dist.glob("*.tar.gz")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    pip = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel)],
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert pip.returncode == 0, pip.stdout + pip.stderr
    elsewhere = base / "elsewhere"
    shutil.copytree(ROOT / "policies", elsewhere / "policies")
    return Installed(source, wheel, sdist, python, venv / "bin" / "b2blint", venv, elsewhere)


def _source_files(source: Path, directory: str, suffix: str = "") -> set[str]:
    root = source / directory
    return {
        path.relative_to(root).as_posix()
        for path in root.rglob(f"*{suffix}")
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_wheel_holds_every_file_of_the_package_and_schemas(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
        [entry_points] = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        assert "b2blint = b2blint.cli:main" in wheel.read(entry_points).decode()
    # Every module and data file (py.typed, rule_examples.json, ...) of the package.
    package = {f"b2blint/{name}" for name in _source_files(installed.source, "linter/b2blint")}
    schemas = {f"b2blint/schemas/{n}" for n in _source_files(installed.source, "schemas", ".json")}
    assert package - names == set(), "missing from the wheel (pyproject packages, package-data?)"
    assert schemas - names == set(), "schemas missing from the wheel (package-data?)"
    assert "b2blint/py.typed" in names
    assert any(n.startswith("b2blint/schemas/graph/") for n in names)
    assert not any(n.startswith(("tests/", "linter/")) for n in names)


def test_sdist_rebuilds_the_same_package(installed: Installed) -> None:
    # `python -m build` builds the wheel from the sdist, so the wheel above already proves the
    # sdist is complete; this names what a downstream packager looks for.
    with tarfile.open(installed.sdist) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    expected = {"pyproject.toml", "README.md", "linter/b2blint/py.typed", "linter/b2blint/cli.py"}
    assert expected <= names
    assert {f"schemas/{n}" for n in _source_files(installed.source, "schemas", ".json")} <= names


def test_version_is_the_package_version(installed: Installed) -> None:
    version = _project_version()
    done = installed.run("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"b2blint, version {version}\n"
    metadata = subprocess.run(
        [str(installed.python), "-c", VERSION_SCRIPT],
        capture_output=True,
        text=True,
        check=True,
    )
    assert metadata.stdout.strip() == version


def test_installed_package_is_the_wheel_not_the_checkout(installed: Installed) -> None:
    done = subprocess.run(
        [str(installed.python), "-c", "import b2blint, sys; print(b2blint.__file__)"],
        cwd=installed.elsewhere,
        capture_output=True,
        text=True,
        check=True,
    )
    location = Path(done.stdout.strip()).resolve()
    assert location.is_relative_to(installed.venv.resolve()), location


def test_lints_the_bundled_policies_from_another_directory(installed: Installed) -> None:
    done = installed.run("lint", "policies/")
    assert (done.returncode, done.stderr) == (0, ""), done.stdout
    assert done.stdout.startswith("All checks passed (")


def test_installed_schemas_and_sarif_work(installed: Installed) -> None:
    (installed.elsewhere / "bad").mkdir(exist_ok=True)
    (installed.elsewhere / "bad" / "tenant.yaml").write_text(BAD, "utf-8")
    done = installed.run("lint", "--format", "sarif", "bad")
    assert done.returncode == 1, done.stderr
    import jsonschema

    log = json.loads(done.stdout)
    jsonschema.Draft4Validator(
        json.loads((FIXTURES / "sarif-schema-2.1.0.json").read_text("utf-8"))
    ).validate(log)
    [result] = log["runs"][0]["results"]
    assert (result["ruleId"], result["locations"][0]["physicalLocation"]["region"]) == (
        "SCH002",
        {"startLine": 6, "startColumn": 7},
    )


def _in_tree(installed: Installed, *python_args: str) -> subprocess.CompletedProcess[str]:
    """The same source, run from its checkout (``linter/`` on the path, as the src layout has it).

    With the wheel's interpreter: its dependencies, and no editable finder that could quietly
    supply a module from the developer's tree."""
    return subprocess.run(
        [str(installed.python), *python_args],
        cwd=installed.elsewhere,
        env=clean_env({"NO_COLOR": "1", "PYTHONPATH": str(installed.source / "linter")}),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_rules_command_prints_the_same_pages_installed(installed: Installed) -> None:
    """``b2blint rules ID`` from the wheel (no tests/ or docs/ there) prints what the same
    source prints from its checkout, examples (the rule's fixtures) included."""
    where = _in_tree(installed, "-c", "import b2blint.lint.ruledocs as m; print(m.__file__)")
    assert where.stdout.startswith(str(installed.source / "linter")), where
    catalog = installed.run("rules")
    assert catalog.returncode == 0, catalog.stderr
    assert catalog.stdout == _in_tree(installed, "-m", "b2blint", "rules").stdout
    ids = [line.split()[0] for line in catalog.stdout.splitlines()[1:]]
    assert len(ids) > 10
    with_examples = 0
    for rule_id in ids:
        done = installed.run("rules", rule_id)
        assert done.returncode == 0, done.stderr
        in_tree = _in_tree(installed, "-m", "b2blint", "rules", rule_id)
        assert in_tree.returncode == 0, in_tree.stderr
        assert done.stdout == in_tree.stdout, f"`b2blint rules {rule_id}` differs once installed"
        with_examples += "\nExample\n-------\n\n    " in done.stdout  # a fixture, indented
    assert with_examples > len(ids) // 2  # the fixtures reached the installed package
