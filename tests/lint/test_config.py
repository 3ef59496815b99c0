"""The config file: discovery, validation with positions, precedence over the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from b2blint.diagnostics import Position, Severity
from b2blint.errors import B2BLintError
from b2blint.files.tomlpos import TomlPositions
from b2blint.lint.config import Config, config_schema, find_config_file, load_config
from b2blint.schema.minischema import ANNOTATIONS, SUPPORTED, keywords, validate
from tests.conftest import FIXTURES, Run, run_cli
from tests.policies import DEFAULT_TRUSTS_MFA, FABRIKAM_PARTNERS, TENANT_HEAD

CLEAN = FIXTURES / "rules" / "XTA001" / "good.yaml"
# Fabrikam's inbound trust repeats the default (XTA011, a warning) and the policy is over a
# 100-byte XTA001 limit once configured.
POLICY = TENANT_HEAD + DEFAULT_TRUSTS_MFA + FABRIKAM_PARTNERS


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository root (config discovery stops here) with one policy file."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "tenant.yaml").write_text(POLICY)
    return tmp_path


def lint(repo: Path, *args: str, cwd: Path | None = None) -> Run:
    return run_cli(["lint", "--no-color", *args], cwd=cwd or repo)


def rule_ids(run: Run) -> list[str]:
    return [
        line.split(": ")[1].split(" ")[0]
        for line in run.stdout.splitlines()
        if ": " in line and "[" in line
    ]


# -- discovery ----------------------------------------------------------------------------------


def test_pyproject_table_is_found_from_a_subdirectory(repo: Path) -> None:
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.b2blint]\nignore = ["XTA011"]\n'
    )
    run = lint(repo, "tenant.yaml", cwd=repo / "policies")
    assert run.exit_code == 0
    assert rule_ids(run) == []


def test_pyproject_without_the_table_is_skipped(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[project]\nname = "b2blint-policies"\n')
    assert find_config_file(repo) is None


def test_yaml_config_wins_over_pyproject_in_the_same_directory(repo: Path) -> None:
    (repo / "pyproject.toml").write_text("[tool.b2blint]\nignore = []\n")
    (repo / ".b2blint.yaml").write_text("ignore: [XTA011]\n")
    assert find_config_file(repo / "policies") == (repo / ".b2blint.yaml").resolve()


def test_search_stops_at_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / ".b2blint.yaml").write_text("ignore: [XTA011]\n")
    inner = tmp_path / "checkout"
    (inner / ".git").mkdir(parents=True)
    assert find_config_file(inner) is None
    (tmp_path / "plain").mkdir()
    assert find_config_file(tmp_path / "plain") == (tmp_path / ".b2blint.yaml").resolve()


def test_explicit_config_file_and_plain_toml(repo: Path) -> None:
    (repo / "ci.toml").write_text('[rules]\nXTA011 = "error"\n')
    run = lint(repo, "--config", "ci.toml", "policies")
    assert run.exit_code == 1
    assert "policies/tenant.yaml:9:7: XTA011 [error]" in run.stdout


def test_missing_explicit_config_is_a_usage_error(repo: Path) -> None:
    run = lint(repo, "--config", "nope.toml", "policies")
    assert (run.exit_code, run.stderr) == (2, "b2blint: error: --config: nope.toml: no such file\n")


# -- what the settings do ------------------------------------------------------------------------


def test_severity_by_name_and_options_apply(repo: Path) -> None:
    (repo / ".b2blint.yaml").write_text(
        "rules:\n  redundant-partner-setting: error\n  XTA001: {limit: 100, severity: warning}\n"
    )
    run = lint(repo, "policies")
    lines = run.stdout.splitlines()
    assert lines[0].startswith("policies/tenant.yaml:5:1: XTA001 [warning]")
    assert lines[1].startswith("policies/tenant.yaml:9:7: XTA011 [error]")
    assert run.exit_code == 1


def test_off_select_prefix_and_api_version(repo: Path) -> None:
    (repo / "policies" / "tenant.yaml").write_text(
        POLICY + "      blockServiceProviderOutboundAccess: true\n"
    )
    (repo / ".b2blint.yaml").write_text("select: [SCH, XTA01]\nrules: {XTA011: off}\n")
    assert rule_ids(lint(repo, "policies")) == ["SCH004"]
    (repo / ".b2blint.yaml").write_text(
        "select: [SCH, XTA01]\napi-version: beta\nrules: {XTA011: off}\n"
    )
    assert rule_ids(lint(repo, "policies")) == []
    assert rule_ids(lint(repo, "policies", "--api-version", "v1.0")) == ["SCH004"]


def test_exclude_is_relative_to_the_config_file(repo: Path) -> None:
    sandbox = repo / "policies" / "sandbox"
    sandbox.mkdir()
    (sandbox / "broken.yaml").write_text("b2blint: 1\nnot-a-key: 1\n")
    assert "SCH002" in rule_ids(lint(repo, "policies", "--ignore", "XTA011"))
    (repo / ".b2blint.yaml").write_text("exclude: ['policies/sandbox/*']\n")
    run = lint(repo, "tenant.yaml", ".", "--ignore", "XTA011", cwd=repo / "policies")
    assert (run.exit_code, rule_ids(run)) == (0, [])


@pytest.mark.parametrize(
    ("file_config", "args", "expected"),
    [
        ("ignore: [XTA011]", [], []),
        ("ignore: [XTA011]", ["--select", "XTA"], []),  # a prefix does not undo the file
        ("ignore: [XTA011]", ["--select", "XTA011"], ["XTA011"]),  # an exact name does
        ("rules: {XTA011: off}", ["--select", "redundant-partner-setting"], ["XTA011"]),
        ("select: [SCH]", [], []),
        ("select: [SCH]", ["--select", "XTA"], ["XTA011"]),  # --select replaces select
        ("select: [XTA]", ["--select", "XTA011", "--ignore", "XTA011"], []),  # --ignore wins
    ],
)
def test_command_line_precedence(
    repo: Path, file_config: str, args: list[str], expected: list[str]
) -> None:
    (repo / ".b2blint.yaml").write_text(file_config + "\n")
    assert rule_ids(lint(repo, "policies", *args)) == expected


def test_unknown_rule_on_the_command_line_is_a_usage_error(repo: Path) -> None:
    run = lint(repo, "policies", "--select", "XTA999")
    assert (run.exit_code, run.stderr) == (
        2,
        "b2blint: error: --select: unknown rule 'XTA999' (see 'b2blint rules')\n",
    )


# -- errors, with positions ----------------------------------------------------------------------

PYPROJECT_ERRORS = [
    (
        '[tool.b2blint]\napi-version = "v2"\n',
        "pyproject.toml:2:15: 'v2' is not one of: v1.0, beta",
    ),
    (
        "[tool.b2blint]\nselekt = []\n",
        "pyproject.toml:2:1: unknown key 'selekt' (known keys: api-version, exclude, ignore, "
        "profiles, rules, select)",
    ),
    (
        '[tool.b2blint]\nselect = ["SCH", "XTB"]\n',
        "pyproject.toml:2:18: no rule or rule prefix 'XTB' (see 'b2blint rules')",
    ),
    (
        '[tool.b2blint.rules]\nXTA011 = "warning"\nXTA999 = "off"\n',
        "pyproject.toml:3:1: no rule named 'XTA999' (see 'b2blint rules')",
    ),
    (
        '[tool.b2blint.rules]\nXTA011 = "warn"\n',
        "pyproject.toml:2:10: 'warn' is not one of: error, warning, off",
    ),
    (
        '[tool.b2blint.rules.XTA001]\nseverity = "error"\nlimt = 1000\n',
        "pyproject.toml:3:1: XTA001 (policy-size-limit) has no option 'limt' "
        "(options: limit, warn-ratio)",
    ),
    (
        '[tool.b2blint.rules]\nXTA001 = {limit = "25k"}\n',
        "pyproject.toml:2:19: option 'limit' of XTA001 expects an integer like 25600, got a string",
    ),
    (
        '[tool.b2blint.rules]\nXTA011 = "off"\nredundant-partner-setting = "error"\n',
        "pyproject.toml:3:1: XTA011 is configured twice (also as 'XTA011')",
    ),
    (
        "[tool.b2blint.rules]\nXTA011 = 3\n",
        "pyproject.toml:2:10: expected a string or a table, got an integer",
    ),
    (
        "[tool.b2blint]\nexclude = [\n  'ok/*',\n  '',\n]\n",
        "pyproject.toml:4:3: must not be empty",
    ),
    (
        "[tool.b2blint]\nignore = [XTA011]\n",
        "pyproject.toml:2:11: invalid TOML: invalid value",
    ),
]


@pytest.mark.parametrize(("text", "message"), PYPROJECT_ERRORS)
def test_bad_pyproject_is_one_line_with_its_position(repo: Path, text: str, message: str) -> None:
    (repo / "pyproject.toml").write_text(text)
    run = lint(repo, "policies")
    assert (run.exit_code, run.stdout, run.stderr) == (2, "", f"b2blint: error: {message}\n")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "rules:\n  XTA001:\n    limit: 1000\n    warn: 0.5\n",
            ".b2blint.yaml:4:5: XTA001 "
            "(policy-size-limit) has no option 'warn' (options: limit, warn-ratio)",
        ),
        (
            "rules:\n  XTA011: warn\n",
            ".b2blint.yaml:2:11: 'warn' is not one of: error, warning, off",
        ),
        ("select: SCH\n", ".b2blint.yaml:1:9: expected a list, got a string"),
        (
            "rules: {XTA011: off\n",
            ".b2blint.yaml:2:1: did not find expected ',' or '}' (while parsing a flow mapping)",
        ),
    ],
)
def test_bad_yaml_config_is_one_line_with_its_position(repo: Path, text: str, message: str) -> None:
    (repo / ".b2blint.yaml").write_text(text)
    run = lint(repo, "policies")
    assert (run.exit_code, run.stderr) == (2, f"b2blint: error: {message}\n")


def test_empty_yaml_config_means_defaults(repo: Path) -> None:
    (repo / ".b2blint.yaml").write_text("# nothing configured yet\n")
    config = load_config(start=repo)
    assert (config.select, config.ignore, config.severities, config.options) == (
        None,
        set(),
        {},
        {},
    )
    assert config.source is not None and config.source.endswith(".b2blint.yaml")


def test_loaded_config_values(repo: Path) -> None:
    (repo / "pyproject.toml").write_text(
        "[tool.b2blint]\nselect = ['XTA00', 'SCH001']\nexclude = ['x/*']\n"
        "[tool.b2blint.rules]\nguest-role-member = 'off'\nXTA001 = {limit = 1000, warn-ratio = 1}\n"
    )
    config = load_config(start=repo)
    assert config.select == frozenset({f"XTA00{i}" for i in range(1, 10)} | {"SCH001"})
    assert config.severities == {"EXT006": "off"}
    assert config.options == {"XTA001": {"limit": 1000, "warn-ratio": 1}}
    assert config.exclude == ((repo.resolve() / "x/*").as_posix(),)
    assert not config.enabled("EXT006")
    assert config.severity("XTA001", Severity.ERROR) is Severity.ERROR


def test_fixture_config_files_load() -> None:
    for path in sorted((FIXTURES / "rules").glob("*/config.toml")):
        assert isinstance(load_config(path), Config)


# -- the schema and its small validator ------------------------------------------------------------


def test_config_schema_is_valid_and_uses_only_supported_keywords() -> None:
    from jsonschema import Draft202012Validator

    schema = config_schema()
    Draft202012Validator.check_schema(schema)
    assert keywords(schema) - SUPPORTED - ANNOTATIONS == set()


SAMPLES: list[Any] = [
    {},
    {"api-version": "beta", "select": ["XTA", "SCH001"], "ignore": ["redundant-partner-setting"]},
    {
        "exclude": ["a/*", "b"],
        "rules": {"XTA001": {"limit": 5, "severity": "off"}, "XTA011": "warning"},
    },
    {"rules": {"XTA001": {"anything": [1, 2]}}},
    {"api-version": "v2"},
    {"select": "XTA"},
    {"select": [3]},
    {"ignore": ["no spaces allowed"]},
    {"exclude": [""]},
    {"rules": {"XTA011": "warn"}},
    {"rules": {"XTA011": 1}},
    {"rules": {"XTA011": {"severity": "fatal"}}},
    {"rules": {"Not A Rule": "off"}},
    {"rules": []},
    {"unknown": True},
    [],
    "text",
]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: json.dumps(s)[:40])
def test_minischema_agrees_with_jsonschema(sample: Any) -> None:
    from jsonschema import Draft202012Validator

    expected = {
        tuple(error.absolute_path)
        for error in Draft202012Validator(config_schema()).iter_errors(sample)
    }
    found = validate(sample, config_schema())
    assert bool(found) == bool(expected)
    # Ours may point deeper (inside the anyOf branch that fits), never elsewhere.
    for error in found:
        assert any(error.path[: len(path)] == path for path in expected | {()})


# -- TOML positions -----------------------------------------------------------------------------


def test_toml_positions() -> None:
    text = (
        "# c\n"
        "[tool.b2blint]\n"
        "select = [\n  'SCH', # the schema\n  \"XTA\",\n]\n"
        "'quoted.key' = 1\n"
        "[tool.b2blint.rules]\n"
        "XTA001 = {limit = 1, severity = 'error'}\n"
        'desc = """a\n"multi" line"""\n'
        "after = true\n"
    )
    positions = TomlPositions(text)
    assert positions.position(("tool", "b2blint", "select", 1)) == Position(5, 3)
    assert positions.position(("tool", "b2blint", "select"), key=True) == Position(3, 1)
    assert positions.position(("tool", "b2blint", "quoted.key"), key=True) == Position(7, 1)
    assert positions.position(("tool", "b2blint", "rules", "XTA001", "severity")) == Position(9, 33)
    assert positions.position(("tool", "b2blint", "rules", "after")) == Position(12, 9)
    assert positions.position(("tool", "b2blint", "rules", "missing", "x")) == Position(8, 15)
    assert positions.position(("nowhere",)) == Position(1, 1)


def test_error_type_is_usage() -> None:
    with pytest.raises(B2BLintError) as caught:
        Config().with_command_line(["nope"])
    assert caught.value.exit_code == 2


def test_name_bytes_written_out_are_the_encoded_name() -> None:
    """`_has_table` looks for these bytes before parsing a pyproject.toml (written out so that
    no UTF-16 codec is loaded at import)."""
    from b2blint.lint.config import _NAME_ENCODINGS

    assert (
        tuple("b2blint".encode(encoding) for encoding in ("utf-8", "utf-16-le", "utf-16-be"))
        == _NAME_ENCODINGS
    )
