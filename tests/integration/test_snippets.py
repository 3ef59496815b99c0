"""Every snippet in README.md and docs/ works as pasted, or says plainly what to substitute.

Each fenced block of README.md and docs/*.md (docs/security.md and docs/dev/ excepted) gets
exactly one class, and each class has a check:

* **run** — executed for real: policy YAML is linted, policy tests are run, config files are
  loaded by a real lint, console transcripts are re-run and compared byte for byte, emulator
  sessions run in bash against ``b2blint.fakegraph`` on 127.0.0.1, the quick start installs
  into a fresh virtualenv, and the pre-commit configs run under ``pre-commit`` with the
  ``<b2blint commit SHA>`` placeholder replaced by a real commit of this checkout (slow ones
  are marked ``slow``);
* **parsed** — what cannot run here is parsed by the real thing: workflows by the GitHub
  schema (check-jsonschema), every ``b2blint ...`` command line by the click command, hook
  overrides by ``pre-commit validate-config``, JSON by ``json``, Python by ``compile`` and the
  names it imports;
* **template** — needs a tenant or a git history: its commands are parsed and its
  placeholders must be the documented ones.

A block that fits no class fails `test_every_snippet_has_a_class`: a new snippet needs a
check (or a deliberate class) here. Releases: snippets pin only versions that CHANGELOG.md
dates (docs/releasing.md).
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import click
import pytest
import yaml

from b2blint import __version__
from tests.conftest import run_cli
from tests.integration._actions import simple_commands
from tests.integration._checkout import ROOT, clean_env, commit_all, copy_checkout, git
from tests.integration._cli import check_invocation
from tests.integration.test_precommit import BAD, BAD_FINDING, GOOD, TENANT

DOCUMENTS = [
    ROOT / "README.md",
    *sorted(p for p in (ROOT / "docs").glob("*.md") if p.name != "security.md"),
]
#: What a snippet writes where the reader must put their own pinned commit.
SHA_PLACEHOLDER = "<b2blint commit SHA>"
REPOSITORY = "https://github.com/b2blint/b2blint"
BIN = Path(sys.executable).parent
TENANT_ID = "6babcaad-604b-40ac-a9d7-9fd97c0b779f"


@dataclasses.dataclass(frozen=True)
class Snippet:
    path: Path
    line: int  # 1-based line of the opening fence
    lang: str
    text: str

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


_FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w-]*)[ \t]*$")


def extract(path: Path) -> list[Snippet]:
    """The fenced code blocks of one Markdown file, dedented."""
    lines = path.read_text("utf-8").splitlines()
    found: list[Snippet] = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        end = index + 1
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        assert end < len(lines), f"{path}:{index + 1}: unclosed code block"
        body = textwrap.dedent("\n".join(lines[index + 1 : end])) + "\n"
        found.append(Snippet(path, index + 1, opening.group("lang"), body))
        index = end + 1
    return found


SNIPPETS = [snippet for path in DOCUMENTS for snippet in extract(path)]
CONFIG_KEYS = {"api-version", "select", "ignore", "exclude", "rules"}


def classify(snippet: Snippet) -> str:
    """The one class of a snippet (``unclassified`` or ``broken`` fail the test below)."""
    text, lang = snippet.text, snippet.lang
    if lang == "sh":
        if re.search(r"-m b2blint\.fakegraph --", text) and "b2blint " in text:
            return "run: emulator session"
        if re.search(r"-m b2blint\.fakegraph --", text):
            return "run: emulator start"
        if "-m pytest" in text:
            return "parsed: the CI test command"
        if text.startswith("python3 -m venv .venv &&"):
            return "run: quick start"
        if "az rest " in text:
            return "template: needs a tenant"
        if "_B2BLINT_COMPLETE=" in text:
            return "run: shell completion"
    elif lang == "yaml":
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as error:
            return f"broken: not YAML ({error})"
        if isinstance(data, dict) and "repos" in data:
            return "run: pre-commit config"
        if isinstance(data, dict) and "b2blint-fleet" in data:
            return "parsed: fleet file"
        if isinstance(data, dict) and "b2blint" in data and "${" in text:
            return "parsed: fleet layer"
        if isinstance(data, dict) and "jobs" in data:
            return "parsed: GitHub workflow"
        if isinstance(data, dict) and "b2blint-tests" in data:
            return "run: policy tests"
        if isinstance(data, dict) and ("b2blint" in data or "partners" in data):
            if "{...}" in text:
                return "template: policy excerpt"
            return "run: policy"
        if isinstance(data, dict) and set(data) <= CONFIG_KEYS:
            return "run: config (.b2blint.yaml)"
        if isinstance(data, list) and all(isinstance(h, dict) and "id" in h for h in data):
            return "parsed: pre-commit hook override"
        if "# b2blint: disable" in text:
            return "parsed: suppression"
    elif lang == "toml" and "[tool.b2blint]" in text:
        return "run: config (pyproject.toml)"
    elif lang == "json":
        return "parsed: JSON"
    elif lang == "python":
        return "parsed: Python"
    elif lang == "markdown" and "not shown" in text:
        # The exact lines are asserted by tests/report/test_plan_markdown.py on a real plan.
        return "template: excerpt of a cut Markdown plan"
    elif lang == "console":
        if " --base " in text:
            return "template: console (git history)"
        return "run: console"
    elif lang == "":
        if text.startswith("b2blint: error: "):
            return "run: error message"
        if re.match(r"b2blint \w+ \[", text):
            return "parsed: synopsis"
    return f"unclassified: a ```{lang} snippet: give it a check in test_snippets.py"


def _of(kind: str) -> list[Snippet]:
    return [s for s in SNIPPETS if classify(s) == kind]


def _id(snippet: Snippet) -> str:
    return snippet.where


# ----------------------------------------------------------------------------- the classes


@pytest.mark.parametrize("snippet", SNIPPETS, ids=_id)
def test_every_snippet_has_a_class(snippet: Snippet) -> None:
    kind = classify(snippet)
    assert kind.split(":")[0] in {"run", "parsed", "template"}, f"{snippet.where}: {kind}"


def test_the_classes_are_all_used() -> None:
    """A class whose only snippet was deleted is dead code: its check would test nothing."""
    used = {classify(s) for s in SNIPPETS}
    source = Path(__file__).read_text("utf-8")
    declared = set(re.findall(r'return "((?:run|parsed|template): [^"]+)"', source))
    assert declared == used


# ------------------------------------------------------------------------- shell commands


def _fakegraph_args(args: list[str]) -> None:
    from b2blint.fakegraph.cli import _parser

    _parser().parse_args(args)


def check_command(words: list[str], snippet: Snippet) -> None:
    """One simple command of a shell snippet: parsed by what would run it, or a known tool."""
    program, args = words[0], words[1:]
    if program in ("b2blint", ".venv/bin/b2blint"):
        check_invocation(args)
    elif program in ("python", "python3", ".venv/bin/python") and args[:1] == ["-m"]:
        module, rest = args[1], args[2:]
        if module == "b2blint.fakegraph":
            _fakegraph_args(rest)
        elif module == "b2blint.fakegraph.tokens":
            from b2blint.fakegraph.tokens import main as tokens

            assert tokens([*rest, "--lifetime", "60"]) == 0
        else:
            assert module in ("venv", "pytest"), f"{snippet.where}: python -m {module}"
    elif program == ".venv/bin/pip":
        assert args[0] == "install", words
        requirement = [a for a in args[1:] if not a.startswith("-")]
        assert requirement in (["."], [".[test]"]), f"{snippet.where}: installs {requirement}"
    elif program == "az":
        assert args[:1] == ["rest"], words
        url = args[args.index("--url") + 1]
        assert url.startswith("https://graph.microsoft.com/v1.0/policies/"), url
    elif program == "curl":
        assert any(a.startswith("http://127.0.0.1:") for a in args), words  # loopback only
    elif program == "eval" and len(args) == 1 and re.fullmatch(r"\$\((.*)\)", args[0]):
        for inner in simple_commands(args[0][2:-1]):  # the command whose output is evaluated
            check_command(inner, snippet)
    elif program.startswith(f"{COMPLETE_VAR}="):
        assert program.partition("=")[2] in COMPLETE_SOURCES, f"{snippet.where}: {words}"
        assert args == ["b2blint"], f"{snippet.where}: {words}"
    elif program == "export" or re.fullmatch(r"[A-Z_]+=\S*", program):
        pass  # variables (their $(...) is a command of its own)
    elif program in ("echo", "$EDITOR"):
        pass
    else:
        raise AssertionError(f"{snippet.where}: unknown command {shlex.join(words)}")


SHELL = [s for s in SNIPPETS if s.lang == "sh"]
#: click's completion variable for the ``b2blint`` program, and the shells it writes for.
COMPLETE_VAR = "_B2BLINT_COMPLETE"
COMPLETE_SOURCES = ("bash_source", "zsh_source", "fish_source")


@pytest.mark.parametrize("snippet", SHELL, ids=_id)
def test_every_shell_command_parses(snippet: Snippet, capsys: pytest.CaptureFixture[str]) -> None:
    commands = simple_commands(_fill(snippet.text))
    assert commands, snippet.where
    for words in commands:
        check_command(words, snippet)


#: The placeholders a shell snippet may hold, and what the test puts in their place.
FAKE_SHA = "0123456789abcdef" * 2 + "01234567"  # all digits would be a YAML integer
PLACEHOLDERS = {"<your tenant id>": TENANT_ID, SHA_PLACEHOLDER: FAKE_SHA}


def _fill(text: str) -> str:
    for placeholder, value in PLACEHOLDERS.items():
        text = text.replace(placeholder, value)
    unknown = re.findall(r"<[a-z][\w ]*>", text)
    assert not unknown, f"placeholders this test does not know: {unknown}"
    return text


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.mark.parametrize("snippet", _of("run: emulator session"), ids=_id)
def test_emulator_session_runs(snippet: Snippet, tmp_path: Path) -> None:
    """Pasted into bash in a directory holding policies/, against the real emulator. Only the
    port (a free one), /tmp/ (this test's directory) and .venv/bin/ (this venv) change."""
    work = tmp_path / "work"
    shutil.copytree(ROOT / "policies", work / "policies")
    script = (
        snippet.text.replace("8765", str(_free_port()))
        .replace("/tmp/", f"{tmp_path}/")
        .replace(".venv/bin/", f"{BIN}/")
    )
    done = subprocess.run(
        ["bash", "-c", "set -eo pipefail\ntrap 'kill $(jobs -p) 2>/dev/null' EXIT\n" + script],
        cwd=work,
        env=clean_env(
            {"PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "EDITOR": "true", "NO_COLOR": "1"}
        ),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "the live tenant matches the YAML." in done.stdout, done.stdout


@pytest.mark.parametrize("snippet", _of("run: emulator start"), ids=_id)
def test_emulator_start_prints_what_the_snippet_shows(snippet: Snippet) -> None:
    """The command, run as shown (``--port 0``), prints the line of its comment, then stops
    cleanly on SIGTERM."""
    [command, shown] = snippet.text.splitlines()
    argv = shlex.split(command)
    assert argv[:3] == ["python", "-m", "b2blint.fakegraph"]
    expected = re.escape(shown.removeprefix("# ")).replace("41733", r"\d+")
    with subprocess.Popen(
        [sys.executable, *argv[1:]], stdout=subprocess.PIPE, text=True, env=clean_env()
    ) as server:
        try:
            assert server.stdout is not None
            line = server.stdout.readline()
        finally:
            server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
    assert re.fullmatch(expected, line.rstrip("\n")), line


@pytest.mark.slow
@pytest.mark.parametrize("snippet", _of("run: quick start"), ids=_id)
def test_quick_start_runs_in_a_clone(snippet: Snippet, tmp_path: Path) -> None:
    """``python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/b2blint lint policies/``
    in a fresh copy of the checkout: a new virtualenv, a real install, the lint passes."""
    clone = copy_checkout(tmp_path / "b2blint")
    done = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", snippet.text],
        cwd=clone,
        env=clean_env({"PIP_DISABLE_PIP_VERSION_CHECK": "1"}),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert done.stdout.splitlines()[-1] == "All checks passed (8 files).", done.stdout[-2000:]


@pytest.mark.parametrize("snippet", _of("parsed: the CI test command"), ids=_id)
def test_readme_test_command_is_what_ci_runs(snippet: Snippet) -> None:
    ci = (ROOT / ".ci" / "run").read_text("utf-8").splitlines()
    assert snippet.text.strip() in ci


# ---------------------------------------------------------------------- pre-commit configs


def _pre_commit(*args: str, cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=cwd,
        env=clean_env({"PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def _pinned(text: str, repo: str, sha: str) -> str:
    assert f"rev: {SHA_PLACEHOLDER}" in text, "pin a commit: rev: <b2blint commit SHA>"
    assert f"repo: {REPOSITORY}\n" in text
    return text.replace(SHA_PLACEHOLDER, sha).replace(f"repo: {REPOSITORY}\n", f"repo: {repo}\n")


@pytest.mark.parametrize("snippet", _of("run: pre-commit config"), ids=_id)
def test_pre_commit_config_is_valid_with_a_sha(snippet: Snippet, tmp_path: Path) -> None:
    config = tmp_path / ".pre-commit-config.yaml"
    config.write_text(_pinned(snippet.text, REPOSITORY, FAKE_SHA), "utf-8")
    done = _pre_commit("validate-config", str(config), cwd=tmp_path, home=tmp_path / "home")
    assert done.returncode == 0, done.stdout + done.stderr
    manifest = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    ids = {hook["id"] for hook in manifest}
    for repo in yaml.safe_load(config.read_text("utf-8"))["repos"]:
        assert {hook["id"] for hook in repo["hooks"]} <= ids


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    repo = copy_checkout(tmp_path_factory.mktemp("snippet-hook-repo") / "b2blint")
    return repo, commit_all(repo)


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.mark.slow
@pytest.mark.parametrize("snippet", _of("run: pre-commit config"), ids=_id)
def test_pre_commit_config_runs_with_a_real_sha(
    snippet: Snippet, tmp_path: Path, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    """The snippet as a user pastes it, with the placeholder replaced by a real commit (and
    the repository URL by a clone of it): ``pre-commit run`` installs b2blint at that commit
    and reports the finding in the committed file."""
    repo, sha = hook_repo
    policy_repo = tmp_path / "tenant-repo"
    for name, text in {
        "policies/tenant.yaml": TENANT,
        "policies/partners/good.yaml": GOOD,
        "policies/partners/bad.yaml": BAD,
        ".pre-commit-config.yaml": _pinned(snippet.text, str(repo), sha),
    }.items():
        (policy_repo / name).parent.mkdir(parents=True, exist_ok=True)
        (policy_repo / name).write_text(text, "utf-8")
    git("init", "-q", cwd=policy_repo)
    git("add", "-A", cwd=policy_repo)
    done = _pre_commit(
        "run", "--files", "policies/partners/bad.yaml", cwd=policy_repo, home=pre_commit_home
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert BAD_FINDING in done.stdout.splitlines(), done.stdout
    good = _pre_commit(
        "run", "--files", "policies/partners/good.yaml", cwd=policy_repo, home=pre_commit_home
    )
    assert good.returncode == 0, good.stdout + good.stderr


@pytest.mark.parametrize("snippet", _of("parsed: pre-commit hook override"), ids=_id)
def test_hook_override_is_valid_and_parses(snippet: Snippet, tmp_path: Path) -> None:
    hooks = yaml.safe_load(snippet.text)
    config = tmp_path / ".pre-commit-config.yaml"
    config.write_text(
        yaml.safe_dump({"repos": [{"repo": REPOSITORY, "rev": FAKE_SHA, "hooks": hooks}]}),
        "utf-8",
    )
    done = _pre_commit("validate-config", str(config), cwd=tmp_path, home=tmp_path / "home")
    assert done.returncode == 0, done.stdout + done.stderr
    manifest = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    for hook in hooks:
        entry = shlex.split(manifest[hook["id"]]["entry"])
        check_invocation([*entry[1:], *hook.get("args", []), "tenants/prod/x.yaml"])


# --------------------------------------------------------------------------- workflows


@pytest.mark.parametrize("snippet", _of("parsed: GitHub workflow"), ids=_id)
def test_workflow_is_valid_for_github_and_its_commands_parse(
    snippet: Snippet, tmp_path: Path
) -> None:
    workflow = tmp_path / "workflow.yml"
    workflow.write_text(snippet.text, "utf-8")
    schema = ["--builtin-schema", "vendor.github-workflows"]
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", *schema, str(workflow)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    data = yaml.safe_load(snippet.text)
    assert data["env"]["B2BLINT_COMMIT"] == SHA_PLACEHOLDER
    installs = 0
    for job in data["jobs"].values():
        for step in job["steps"]:
            for words in simple_commands(str(step.get("run", ""))):
                if words[0] == "b2blint":
                    check_invocation(words[1:])
                elif words[:2] == ["pip", "install"]:
                    installs += 1
                    assert words[2] == f"b2blint[azure] @ git+{REPOSITORY}@$B2BLINT_COMMIT"
    assert installs == 2


# ----------------------------------------------------------------- fleets (docs/fleets.md)
# The MSP example is also assembled and linted for real by tests/fleet/test_docs_example.py.


@pytest.mark.parametrize("snippet", _of("parsed: fleet file"), ids=_id)
def test_fleet_file_snippet_is_valid_for_its_schema(snippet: Snippet) -> None:
    import jsonschema

    schema = json.loads((ROOT / "schemas" / "b2blint-fleet.json").read_text("utf-8"))
    jsonschema.Draft202012Validator(schema).validate(yaml.safe_load(snippet.text))


@pytest.mark.parametrize("snippet", _of("parsed: fleet layer"), ids=_id)
def test_fleet_layer_snippet_uses_only_variables_its_fleet_file_defines(
    snippet: Snippet,
) -> None:
    fleets = [s for s in _of("parsed: fleet file") if s.path == snippet.path]
    [fleet] = [s for s in fleets if s.line < snippet.line][-1:]
    data = yaml.safe_load(fleet.text)
    defined = {
        name
        for entry in [*data.get("layers", []), *data["tenants"]]
        for name in entry.get("variables", {})
    }
    used = set(re.findall(r"\$\{(\w+)\}", snippet.text))
    assert used and used <= defined, used - defined


# ------------------------------------------------------------------------- policy files


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the bundled policies/ in a directory that is its own repository root."""
    (tmp_path / ".git").mkdir()  # the config search stops here
    shutil.copytree(ROOT / "policies", tmp_path / "policies")
    return tmp_path


@pytest.mark.parametrize("snippet", _of("run: policy"), ids=_id)
def test_policy_snippet_is_schema_valid(snippet: Snippet, tmp_path: Path) -> None:
    text = snippet.text if "b2blint: 1" in snippet.text else "b2blint: 1\n" + snippet.text
    path = tmp_path / "snippet.yaml"
    path.write_text(text, "utf-8")
    result = run_cli(["lint", "--select", "SYN,SCH", str(path)], cwd=tmp_path)
    assert (result.exit_code, result.stdout) == (0, "All checks passed (1 file).\n")


def _suppressions_resolve(text: str) -> None:
    from b2blint.lint.suppressions import scan

    found = scan(text)
    assert found.problems == (), found.problems
    assert found.suppressions, "no suppression in a suppression example"
    for suppression in found.suppressions:
        assert all(key.rule_id for key in suppression.keys), suppression


@pytest.mark.parametrize(
    "snippet", _of("template: policy excerpt") + _of("parsed: suppression"), ids=_id
)
def test_suppression_examples_parse(snippet: Snippet) -> None:
    yaml.safe_load(snippet.text)
    _suppressions_resolve(snippet.text)


@pytest.mark.parametrize("snippet", _of("run: policy tests"), ids=_id)
def test_policy_test_snippet_passes_on_the_bundled_tree(snippet: Snippet, tree: Path) -> None:
    (tree / "policies" / "tests" / "from-docs.yaml").write_text(snippet.text, "utf-8")
    result = run_cli(["test", "policies/tests/from-docs.yaml", "policies"], cwd=tree)
    assert result.exit_code == 0, result.stdout + result.stderr


_CONFIG_FILES = {
    "run: config (pyproject.toml)": "pyproject.toml",
    "run: config (.b2blint.yaml)": ".b2blint.yaml",
}


@pytest.mark.parametrize(
    "snippet", _of("run: config (pyproject.toml)") + _of("run: config (.b2blint.yaml)"), ids=_id
)
def test_config_snippet_is_loaded_by_a_real_lint(snippet: Snippet, tree: Path) -> None:
    name = _CONFIG_FILES[classify(snippet)]
    (tree / name).write_text(snippet.text, "utf-8")
    result = run_cli(["lint", "-v", "policies"], cwd=tree)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout.endswith("All checks passed (8 files).\n"), result.stdout
    from b2blint.lint.config import find_config_file

    assert find_config_file(tree) == tree / name


@pytest.mark.parametrize("snippet", _of("run: error message"), ids=_id)
def test_config_error_message_is_reproduced(snippet: Snippet, tree: Path) -> None:
    """The message is what the next pyproject.toml example of the page gives with the typo
    the text names (``limit`` misspelt ``limt``)."""
    [example] = [
        s
        for s in _of("run: config (pyproject.toml)")
        if s.path == snippet.path and s.line > snippet.line
    ][:1]
    assert "\nlimit = " in example.text
    (tree / "pyproject.toml").write_text(example.text.replace("\nlimit = ", "\nlimt = "), "utf-8")
    result = run_cli(["lint", "policies"], cwd=tree)
    assert (result.exit_code, result.stderr) == (2, snippet.text)


# ---------------------------------------------------------------------- console, synopsis


def _transcript(text: str) -> list[tuple[list[str], str]]:
    """``$ command`` lines (with continuations) and the output that follows each."""
    steps: list[tuple[list[str], str]] = []
    lines = text.splitlines(keepends=True)
    index = 0
    while index < len(lines):
        assert lines[index].startswith("$ "), lines[index]
        command = lines[index][2:]
        while command.rstrip("\n").endswith("\\"):
            index += 1
            command = command.rstrip("\n")[:-1] + lines[index]
        index += 1
        output = []
        while index < len(lines) and not lines[index].startswith("$ "):
            output.append(lines[index])
            index += 1
        steps.append((shlex.split(command, comments=True), "".join(output)))
    return steps


@pytest.mark.parametrize("snippet", _of("run: console"), ids=_id)
def test_console_transcript_is_what_b2blint_prints(snippet: Snippet) -> None:
    for argv, output in _transcript(snippet.text):
        assert argv[0] == "b2blint"
        result = run_cli(argv[1:], cwd=ROOT)
        assert result.stdout == output


@pytest.mark.parametrize("snippet", _of("template: console (git history)"), ids=_id)
def test_console_template_commands_parse(snippet: Snippet) -> None:
    for argv, _ in _transcript(snippet.text):
        assert argv[0] == "b2blint"
        check_invocation(argv[1:])


@pytest.mark.parametrize("snippet", _of("parsed: synopsis"), ids=_id)
def test_synopsis_names_only_real_options(snippet: Snippet) -> None:
    from b2blint.cli import cli

    for line in snippet.text.splitlines():
        words = line.split("#")[0].split()
        if words[:1] == ["b2blint"]:
            with click.Context(cli) as context:
                command = cli.get_command(context, words[1])
            assert command is not None, line
            options = {o for p in command.params for o in (*p.opts, *p.secondary_opts)}
        for option in re.findall(r"--[\w-]+", line.split("#")[0]):
            assert option in options, f"{snippet.where}: {option} is not an option"


# --------------------------------------------------------------------------- JSON, Python


def _json_template(text: str) -> str:
    """Placeholders a reader fills in (``{...}``, ``, ...]``, bare ``...``) made JSON."""
    text = text.replace("{...}", "{}")
    text = re.sub(r",\s*\.\.\.\s*([\]}])", r"\1", text)
    return re.sub(r"(?<![\"\w])\.\.\.(?![\"\w])", "null", text)


@pytest.mark.parametrize("snippet", _of("parsed: JSON"), ids=_id)
def test_json_snippet_parses(snippet: Snippet) -> None:
    json.loads(_json_template(snippet.text))


@pytest.mark.parametrize("snippet", _of("parsed: Python"), ids=_id)
def test_python_snippet_compiles_and_its_names_exist(snippet: Snippet) -> None:
    import importlib

    compile(snippet.text, snippet.where, "exec")
    for module, names in re.findall(r"^from ([\w.]+) import (.+)$", snippet.text, re.M):
        loaded = importlib.import_module(module)
        for name in names.split(","):
            assert hasattr(loaded, name.strip()), f"{module}.{name.strip()}"
    if "as fake:" in snippet.text:
        from b2blint.fakegraph.server import start

        with start(tenant_id=TENANT_ID, page_size=2) as fake:  # real, on 127.0.0.1
            for name in sorted(set(re.findall(r"\bfake\.(\w+)", snippet.text))):
                assert hasattr(fake, name), f"a running fake has no {name}"


# ------------------------------------------------------------------ versions and releases


def _changelog_versions() -> tuple[str, str, set[str]]:
    """(first version, its date or 'unreleased', every dated version)."""
    text = (ROOT / "CHANGELOG.md").read_text("utf-8")
    headings = re.findall(r"^## (\d+\.\d+\.\d+) — (unreleased|\d{4}-\d{2}-\d{2})$", text, re.M)
    assert headings, "CHANGELOG.md has no '## X.Y.Z — unreleased|YYYY-MM-DD' heading"
    assert text.index(f"## {headings[0][0]} ") == text.index("\n## ") + 1, "first ## heading"
    released = {version for version, date in headings if date != "unreleased"}
    return headings[0][0], headings[0][1], released


def test_changelog_names_the_package_version() -> None:
    version, _, _ = _changelog_versions()
    pyproject = re.search(r'^version = "([^"]+)"$', (ROOT / "pyproject.toml").read_text(), re.M)
    assert pyproject, "no version in pyproject.toml"
    assert version == __version__ == pyproject.group(1)


_PINS = re.compile(
    r"rev:\s*v?(\d+\.\d+\.\d+)|b2blint(?:\[\w+\])?==(\d+\.\d+\.\d+)"
    r"|b2blint/b2blint@v?(\d+\.\d+\.\d+)"
)


def _pins(text: str) -> list[str]:
    return [next(g for g in match.groups() if g) for match in _PINS.finditer(text)]


def test_version_pin_pattern_finds_the_old_fictional_pins() -> None:
    old = 'rev: v0.1.0\npip install "b2blint==0.1.0"\nuses: b2blint/b2blint@v0.1.0\n'
    assert _pins(old) == ["0.1.0", "0.1.0", "0.1.0"]


@pytest.mark.parametrize(
    "path", [*DOCUMENTS, ROOT / ".pre-commit-hooks.yaml"], ids=lambda p: p.name
)
def test_docs_pin_only_released_versions(path: Path) -> None:
    _, _, released = _changelog_versions()
    for version in _pins(path.read_text("utf-8")):
        assert version in released, (
            f"{path.relative_to(ROOT)} pins b2blint {version}, which CHANGELOG.md does not date "
            "as released: pin a commit SHA (docs/releasing.md)"
        )


def test_unreleased_means_snippets_pin_a_commit() -> None:
    _, date, _ = _changelog_versions()
    placeholders = [s.where for s in SNIPPETS if SHA_PLACEHOLDER in s.text]
    if date == "unreleased":
        assert len(placeholders) >= 3, placeholders  # README and ci.md hooks, graph.md workflow
    for path in {s.path for s in SNIPPETS if SHA_PLACEHOLDER in s.text}:
        text = path.read_text("utf-8")
        assert "substitute" in text or "replace" in text, f"{path.name}: say what to do"


def test_release_procedure_is_documented() -> None:
    text = (ROOT / "docs" / "releasing.md").read_text("utf-8")
    for step in ("git tag -a vX.Y.Z", "__version__", "CHANGELOG.md", "python -m build"):
        assert step in text
    assert any(d.name == "releasing.md" for d in DOCUMENTS)


# ------------------------------------------------------------ command lines in the prose

_INLINE = re.compile(r"`(b2blint [^`]+)`")
#: Synopsis notation in prose: optional parts, alternatives, ellipses, <...> and CAPITALS.
_NOTATION = re.compile(r"[\[\]|…<>]|\.\.\.|\b[A-Z][A-Z_]+\b")


def _inline_commands() -> list[tuple[str, str]]:
    found = []
    for path in DOCUMENTS:
        prose = re.sub(r"^```.*?^```", "", path.read_text("utf-8"), flags=re.S | re.M)
        for match in _INLINE.finditer(prose):
            command = match.group(1)
            if len(command.split()) > 2 and not _NOTATION.search(command):
                found.append((path.name, command))
    return sorted(set(found))


INLINE = _inline_commands()


def test_prose_has_complete_command_lines() -> None:
    assert len(INLINE) >= 9, INLINE  # the filter above must not swallow them all


@pytest.mark.parametrize(("document", "command"), INLINE, ids=[c for _, c in INLINE])
def test_every_command_line_in_the_prose_parses(document: str, command: str) -> None:
    """A complete ``b2blint ...`` in backquotes (no synopsis notation) parses with click."""
    argv = shlex.split(command)
    if argv[1:] == ["--version"]:
        return
    check_invocation(argv[1:])


def _completion_source(shell: str) -> str:
    env = {**clean_env(), "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env[COMPLETE_VAR] = f"{shell}_source"
    done = subprocess.run(
        ["b2blint"], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert (done.returncode, done.stderr) == (0, ""), done
    return done.stdout


@pytest.mark.parametrize("snippet", _of("run: shell completion"), ids=_id)
def test_shell_completion_snippet_completes_in_bash(snippet: Snippet) -> None:
    """The documented bash line, run by a real bash, completes commands, options and values;
    the zsh and fish lines print their shell's completion script for ``b2blint``."""
    shells = re.findall(rf"{COMPLETE_VAR}=(\w+)_source b2blint", snippet.text)
    assert sorted(shells) == ["bash", "fish", "zsh"], snippet.where
    assert _completion_source("zsh").startswith("#compdef b2blint\n")
    assert "complete --no-files --command b2blint" in _completion_source("fish")
    bash = shutil.which("bash")
    if bash is None:  # pragma: no cover - every CI image has bash
        pytest.skip("no bash")
    line = next(x for x in snippet.text.splitlines() if "bash_source" in x)
    asks = {
        ("b2blint", "pl"): ["plan"],
        ("b2blint", "lnt"): [],
        ("b2blint", "plan", "--form"): ["--format"],
        ("b2blint", "plan", "--format", ""): ["text", "json", "markdown"],
        ("b2blint", "apply", "--auth", "w"): ["workload-identity"],
    }
    script = [line]
    for words in asks:
        quoted = " ".join(shlex.quote(w) for w in words)
        script += [
            f"COMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}; COMPREPLY=()",
            "_b2blint_completion b2blint",
            'printf "%s|" "${COMPREPLY[@]}"; echo',
        ]
    env = {**clean_env(), "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(
        [bash, "--norc", "--noprofile", "-c", "\n".join(script)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, ""), done
    got = [[w for w in out.split("|") if w] for out in done.stdout.splitlines()]
    assert got == list(asks.values())


def test_fleet_guide_mto_sections_are_the_example_fleets() -> None:
    """The worked MTO example shows the example fleet's real MTO sections (comments aside)."""
    guide = ROOT / "docs" / "fleets.md"
    section = guide.read_text("utf-8").split("## Worked example: a multitenant organization")[1]
    [snippet] = [
        s
        for s in extract(guide)
        if s.text.startswith("# tenants/contoso/mto.yaml") and s.text in section
    ]
    tenants = ROOT / "examples" / "fleet" / "tenants"
    for member in ("contoso", "fabrikam"):
        real = (tenants / member / "mto.yaml").read_text("utf-8")
        assert yaml.safe_load(snippet.text) == yaml.safe_load(real), member
