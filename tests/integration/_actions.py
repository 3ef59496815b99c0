"""Just enough of a GitHub Actions runner to execute a composite action's ``run:`` steps.

The scripts run in real bash, started the way the runner starts ``shell: bash`` steps, with
the runner's files (``GITHUB_OUTPUT``, ``GITHUB_PATH``) and directories (``RUNNER_TEMP``). Only
the expressions our YAML uses are evaluated, in ``env:`` blocks; an expression inside a script
is refused, because pasting inputs into scripts is how workflows get script injection.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shlex
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
#: The runner's command line for ``shell: bash``.
BASH = ("bash", "--noprofile", "--norc", "-eo", "pipefail")


@dataclasses.dataclass(frozen=True)
class StepResult:
    returncode: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    paths: list[str]


def evaluate(text: str, context: Mapping[str, str]) -> str:
    """Replace ``${{ name }}`` by ``context[name]``; unknown expressions are an error."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in context:
            raise KeyError(f"expression not supported by the test runner: {match.group(0)}")
        return context[name]

    return EXPRESSION.sub(value, text)


def action_context(
    action: Mapping[str, Any], inputs: Mapping[str, str], path: Path
) -> dict[str, str]:
    """``inputs.*`` (given, else the declared default) and ``github.action_path``."""
    context = {"github.action_path": str(path)}
    for name, spec in action.get("inputs", {}).items():
        context[f"inputs.{name}"] = str(inputs.get(name, spec.get("default", "")))
    unknown = set(inputs) - set(action.get("inputs", {}))
    assert not unknown, f"inputs the action does not declare: {sorted(unknown)}"
    return context


def _read_outputs(path: Path) -> dict[str, str]:
    outputs: dict[str, str] = {}
    for line in path.read_text("utf-8").splitlines():
        if line:
            key, _, value = line.partition("=")
            outputs[key] = value
    return outputs


def run_step(
    step: Mapping[str, Any],
    context: Mapping[str, str],
    *,
    cwd: Path,
    runner_temp: Path,
    env: Mapping[str, str],
    extra_path: Sequence[str] = (),
) -> StepResult:
    """Run one ``run:`` step: its exit code, output, ``GITHUB_OUTPUT`` and ``GITHUB_PATH``."""
    assert step.get("shell") == "bash", step
    script = str(step["run"])
    assert "${{" not in script, f"expression pasted into a script: {step.get('name')}"
    runner_temp.mkdir(parents=True, exist_ok=True)
    files = {name: runner_temp / f"{name}-{os.getpid()}-{id(step)}" for name in ("output", "path")}
    for file in files.values():
        file.write_text("", "utf-8")
    script_file = runner_temp / f"step-{id(step)}.sh"
    script_file.write_text(script, "utf-8")
    environment = dict(env)
    environment.update({k: evaluate(str(v), context) for k, v in step.get("env", {}).items()})
    environment.update(
        GITHUB_ACTIONS="true",
        RUNNER_TEMP=str(runner_temp),
        GITHUB_OUTPUT=str(files["output"]),
        GITHUB_PATH=str(files["path"]),
        PATH=os.pathsep.join([*extra_path, env.get("PATH", os.defpath)]),
    )
    done = subprocess.run(
        [*BASH, str(script_file)],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    return StepResult(
        done.returncode,
        done.stdout,
        done.stderr,
        _read_outputs(files["output"]),
        [line for line in files["path"].read_text("utf-8").splitlines() if line],
    )


_SEPARATORS = {";", "&&", "||", "|", "&", "(", ")", "!", "then", "do", "else", "elif", "if"}


def simple_commands(script: str) -> list[list[str]]:
    """Every simple command in ``script`` (words as the shell would split them; redirections
    dropped; ``$(...)`` contents are commands of their own). Continuation lines are joined."""
    found: list[list[str]] = []
    for line in script.replace("\\\n", " ").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|()<>")
        lexer.whitespace_split = True
        lexer.commenters = "#"
        words: list[str] = []
        tokens = [*lexer, ";"]
        skip_next = False
        for token in tokens:
            if skip_next:
                skip_next = False
                continue
            if token in _SEPARATORS:
                if words:
                    found.append(words)
                words = []
            elif set(token) <= set("<>&") and token:
                skip_next = True  # a redirection and its target
            else:
                words.append(token)
    return found


def commands_named(script: str, program: str) -> list[list[str]]:
    """Every simple command in ``script`` whose first word is ``program``."""
    return [words for words in simple_commands(script) if words[0] == program]
