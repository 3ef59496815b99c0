"""Files generated from the rule catalog: rule docs, shipped examples, the config schema.

    python -m b2blint.lint.ruledocs           write docs/rules/*.md,
                                              linter/b2blint/lint/rule_examples.json and
                                              schemas/b2blint-config.json
    python -m b2blint.lint.ruledocs --check   exit 1 (listing the files) if any of them is stale

A page has a header (ID, name, default severity, fixable, options with their defaults, the
AADSTS errors it prevents as links to Microsoft's error lookup), the rule's docstring, and
"Example" / "Use instead" sections that *are* the rule's `bad` and `good` fixtures, so the
documentation cannot drift from what the tests check (``# expect:`` markers are removed).

**Shipping the examples.** ``b2blint rules ID`` prints the same page from an installed wheel,
where ``tests/`` does not exist. The generator therefore also writes the fixtures' text to
``linter/b2blint/lint/rule_examples.json``, which ships as package data; the page is rendered
from the rule plus that file, by the same function as the docs. Copying fixtures at build time would
need a custom build step; reading docs/ would need docs/ inside the package. A test runs
``--check``, so the JSON, the pages and the fixtures never disagree.

**The config schema** lists every rule by ID and by name, each with its severity and its
options (typed from their defaults), so editors complete and check ``[tool.b2blint.rules]``
and an unknown option is a schema error. It follows the conventions of every schema in
``schemas/`` (draft-07-compatible keywords, strict objects, described properties).
"""

from __future__ import annotations

import dataclasses
import json
import pkgutil
import re
import sys
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import import_module, resources
from pathlib import Path
from typing import Any

from b2blint.rules._rule import Rule

ROOT = Path(__file__).resolve().parents[3]  # the checkout: linter/b2blint/lint/ruledocs.py
FIXTURES = ROOT / "tests" / "fixtures" / "rules"
DOCS = ROOT / "docs" / "rules"
EXAMPLES_FILE = Path(__file__).with_name("rule_examples.json")
CONFIG_SCHEMA_FILE = ROOT / "schemas" / "b2blint-config.json"
_MARKER = re.compile(r"[ \t]*#[ \t]*expect:[ \t]*[A-Za-z0-9, \t]+$")
_FENCE = "```"


@dataclasses.dataclass(frozen=True)
class Examples:
    """A rule's fixtures as shown in its docs: (file name, text) pairs and the optional config."""

    bad: tuple[tuple[str, str], ...]
    good: tuple[tuple[str, str], ...]
    config: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "bad": [list(f) for f in self.bad],
            "good": [list(f) for f in self.good],
            "config": self.config,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Examples:
        return cls(
            tuple((str(n), str(t)) for n, t in data["bad"]),
            tuple((str(n), str(t)) for n, t in data["good"]),
            data.get("config"),
        )


def strip_markers(text: str) -> str:
    """The fixture without its ``# expect: ...`` markers (and the spaces before them)."""
    return "\n".join(_MARKER.sub("", line) for line in text.split("\n"))


def _read_case(directory: Path, case: str) -> tuple[tuple[str, str], ...]:
    single = directory / f"{case}.yaml"
    if single.is_file():
        return ((f"{case}.yaml", strip_markers(single.read_text("utf-8"))),)
    folder = directory / case
    if folder.is_dir():
        return tuple(
            (
                f"{case}/{path.relative_to(folder).as_posix()}",
                strip_markers(path.read_text("utf-8")),
            )
            for path in sorted(folder.rglob("*.y*ml"))
        )
    return ()


def read_fixtures(rule_id: str, root: Path = FIXTURES) -> Examples | None:
    """The fixtures of one rule from a source checkout, or None if it has none."""
    directory = root / rule_id
    if not directory.is_dir():
        return None
    config = directory / "config.toml"
    return Examples(
        _read_case(directory, "bad"),
        _read_case(directory, "good"),
        config.read_text("utf-8") if config.is_file() else None,
    )


@cache
def shipped_examples() -> dict[str, Examples]:
    """The examples shipped with the package (written by the generator)."""
    try:
        text = resources.files("b2blint.lint").joinpath("rule_examples.json").read_text("utf-8")
    except FileNotFoundError:
        return {}
    data = json.loads(text)
    return {rule_id: Examples.from_json(item) for rule_id, item in data.items()}


def rule_module(rule: Rule) -> str:
    """The dotted name of the module that defines ``rule``."""
    from b2blint import rules as package

    for info in pkgutil.iter_modules(package.__path__):
        module = import_module(f"{package.__name__}.{info.name}")
        if getattr(module, "RULE", None) is rule:
            return module.__name__
    raise LookupError(f"no module defines {rule.id}")  # pragma: no cover - test_registry


def _value(value: Any) -> str:
    """An option value as TOML (JSON's scalars read the same)."""
    return json.dumps(value)


def _code(text: str, language: str) -> list[str]:
    return [f"{_FENCE}{language}", text.rstrip("\n"), _FENCE]


def _files(files: Sequence[tuple[str, str]]) -> list[str]:
    lines: list[str] = []
    for name, text in files:
        if len(files) > 1:
            lines += [f"`{name}`:", ""]
        lines += [*_code(text, "yaml"), ""]
    return lines


def render_page(rule: Rule, examples: Examples | None) -> str:
    """The Markdown page of one rule (also what ``b2blint rules ID`` prints)."""
    module = rule_module(rule)
    source = "linter/" + module.replace(".", "/") + ".py"
    options = (
        ", ".join(f"`{name}` = `{_value(default)}`" for name, default in rule.options.items())
        or "none"
    )
    aadsts = [code for code in rule.prevents if code.startswith("AADSTS")]
    links = dict(zip(aadsts, rule.error_links, strict=True))
    prevents = (
        ", ".join(f"[{code}]({links[code]})" if code in links else code for code in rule.prevents)
        or "—"
    )
    lines = [
        f"# {rule.id}: {rule.name}",
        "",
        f"<!-- Generated by `python -m b2blint.lint.ruledocs` from {source} and "
        f"tests/fixtures/rules/{rule.id}/. Do not edit. -->",
        "",
        "| | |",
        "|---|---|",
        f"| ID | `{rule.id}` |",
        f"| Name | `{rule.name}` |",
        f"| Default severity | {rule.severity.value} |",
        f"| Fixable | {'yes (`b2blint lint --fix`)' if rule.fixable else 'no'} |",
        f"| Options | {options} |",
        f"| Prevents | {prevents} |",
        "",
        f"*{rule.summary}*",
        "",
    ]
    doc = rule.doc.strip("\n")
    body, heading, references = doc.partition("## References")
    lines += [body.rstrip("\n"), ""]
    if rule.controls:
        lines += _controls_section(rule)
    if rule.options:
        lines += [
            "## Options",
            "",
            f"Set in `[tool.b2blint.rules.{rule.id}]` (pyproject.toml) or under "
            f"`rules: {{{rule.id}: {{...}}}}` (.b2blint.yaml):",
            "",
            *_code(
                f"[tool.b2blint.rules.{rule.id}]\n"
                + "\n".join(
                    f"{name} = {_value(default)}" for name, default in rule.options.items()
                ),
                "toml",
            ),
            "",
        ]
    if examples is not None and examples.bad:
        lines += ["## Example", ""]
        if examples.config:
            lines += ["With this configuration:", "", *_code(examples.config, "toml"), ""]
        lines += _files(examples.bad)
    if examples is not None and examples.good:
        lines += ["## Use instead", ""]
        lines += _files(examples.good)
    if heading:
        lines += [(heading + references).rstrip("\n"), ""]
    lines += [
        f"[View source](../../{source}) · [Fixtures](../../tests/fixtures/rules/{rule.id}/)",
        "",
    ]
    return "\n".join(lines)


def _controls_section(rule: Rule) -> list[str]:
    """The controls a profile rule checks: profile, document and version, quoted requirement."""
    from b2blint.lint.profiles import CONTROLS

    lines = ["## Controls", ""]
    for control_id in rule.controls:
        control = CONTROLS[control_id]
        lines += [
            f"- `{control.id}` (profile `{control.profile}`): {control.title}. "
            f"[{control.document}]({control.url}), {control.version}. "
            f'Requirement: "{control.requirement}" Graph property: `{control.graph_property}`.',
        ]
    lines.append("")
    for control_id in rule.controls:
        if CONTROLS[control_id].conflict:
            lines += [f"**Conflict ({control_id}):** {CONTROLS[control_id].conflict}", ""]
    return lines


_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_ROW = re.compile(r"^\|\s*(.*?)\s*\|\s*(.*?)\s*\|$")
_SOURCE_LINE = re.compile(r"^\[View source\]\(\.\./\.\./(\S+)\) · \[Fixtures\]\(\.\./\.\./(\S+)\)$")


def render_terminal(rule: Rule, examples: Examples | None) -> str:
    """The page of `render_page` for a terminal: what ``b2blint rules ID`` prints.

    The Markdown page is for GitHub; on a terminal its generator comment, table pipes, fences
    and relative links are noise. Same content, plain text: headings underlined, the header
    table as aligned ``Name: value`` lines, code indented by four spaces, a link as
    ``text (URL)``, and the source and fixture paths as paths of the repository.
    """
    page = _COMMENT.sub("", render_page(rule, examples))
    out: list[str] = []
    in_code = False
    rows: list[tuple[str, str]] = []

    def flush_rows() -> None:
        width = max((len(name) for name, _ in rows), default=0)
        out.extend(f"{name + ':':<{width + 1}} {value}" for name, value in rows)
        rows.clear()

    for line in page.split("\n"):
        if line.startswith(_FENCE):
            in_code = not in_code
            continue
        if in_code:
            out.append(f"    {line}" if line else "")
            continue
        row = _ROW.match(line)
        if row is not None:
            name, value = row.groups()
            if name and not set(value) <= {"-"}:
                rows.append((name, _LINK.sub(r"\1 (\2)", value).replace("`", "")))
            continue
        if rows:
            flush_rows()
        source = _SOURCE_LINE.match(line)
        if source is not None:
            out.append(f"Source: {source.group(1)}; fixtures: {source.group(2)}")
            continue
        heading = re.match(r"^(#+) (.*)$", line)
        if heading is not None:
            underline = "=" if len(heading.group(1)) == 1 else "-"
            out += [heading.group(2), underline * len(heading.group(2))]
            continue
        emphasis = len(line) > 2 and line[0] == line[-1] == "*" and "**" not in line
        out.append(_LINK.sub(r"\1 (\2)", line[1:-1] if emphasis else line))
    flush_rows()
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n")
    return text + "\n"


def render_index(rules: Sequence[Rule]) -> str:
    """docs/rules/README.md: the catalog."""
    lines = [
        "# Rules",
        "",
        "<!-- Generated by `python -m b2blint.lint.ruledocs`. Do not edit. -->",
        "",
        "Every rule has a stable ID (never reused) and a name; both are accepted by `--select`, "
        "`--ignore`, the config file and suppression comments. `error` fails `b2blint lint`; "
        "`warning` fails it under `--strict`. Severities and options are set in the config "
        "file, and single findings are suppressed with a comment: see "
        "[configuration](../configuration.md). `b2blint rules ID` prints a page in the terminal.",
        "",
        "| ID | Name | Severity | Fixable | Summary |",
        "|---|---|---|---|---|",
    ]
    for rule in rules:
        summary = rule.summary.replace("|", "\\|")
        lines.append(
            f"| [{rule.id}]({rule.id}.md) | `{rule.name}` | {rule.severity.value} | "
            f"{'yes' if rule.fixable else ''} | {summary} |"
        )
    lines.append("")
    return "\n".join(lines)


def generate(
    rules: Sequence[Rule], fixtures: Path = FIXTURES, docs: Path = DOCS
) -> dict[Path, str]:
    """Every generated file and its content."""
    examples: dict[str, Examples] = {}
    for rule in rules:
        found = read_fixtures(rule.id, fixtures)
        if found is not None:
            examples[rule.id] = found
    files = {docs / f"{rule.id}.md": render_page(rule, examples.get(rule.id)) for rule in rules}
    files[docs / "README.md"] = render_index(rules)
    payload = {rule_id: item.to_json() for rule_id, item in examples.items()}
    files[EXAMPLES_FILE] = json.dumps(payload, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    files[CONFIG_SCHEMA_FILE] = json.dumps(config_schema(rules), indent=2) + "\n"
    return files


_JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array"}


def config_schema(rules: Sequence[Rule]) -> dict[str, Any]:
    """The JSON Schema of the config file, with every rule and option of the catalog."""

    def severity(what: str) -> dict[str, Any]:
        return {
            "description": f"{what}: error fails the run, warning fails it under --strict, "
            "off disables the rule.",
            "type": "string",
            "enum": ["error", "warning", "off"],
        }

    def selectors(what: str) -> dict[str, Any]:
        return {
            "description": what,
            "type": "array",
            "items": {
                "description": "A rule ID (XTA003), name (direct-connect-without-mfa-trust) or "
                "ID prefix (XTA, XTA00).",
                "type": "string",
                "minLength": 1,
            },
        }

    rule_entries: dict[str, Any] = {}
    for rule in rules:
        options: dict[str, Any] = {"severity": severity(f"Severity of {rule.id}")}
        for name, default in rule.options.items():
            option: dict[str, Any] = {"description": f"Default: {json.dumps(default)}."}
            json_type = _JSON_TYPES.get(type(default))
            if json_type is not None:
                option["type"] = json_type
            options[name] = option
        entry = {
            "description": f"{rule.id} {rule.name}: {rule.summary}",
            "anyOf": [
                severity(f"Severity of {rule.id}"),
                {
                    "description": f"Severity and options of {rule.id}.",
                    "type": "object",
                    "additionalProperties": False,
                    "properties": options,
                },
            ],
        }
        rule_entries[rule.id] = entry
        rule_entries[rule.name] = entry
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://b2blint.dev/schemas/b2blint-config.json",
        "title": "b2blint configuration",
        "description": "The [tool.b2blint] table of pyproject.toml, or the whole of .b2blint.yaml "
        "(docs/configuration.md). Generated from the rule catalog by "
        "python -m b2blint.lint.ruledocs.",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "api-version": {
                "description": "The Microsoft Graph API version the policies target; beta allows "
                "beta-only properties (SCH004). The command line's --api-version wins.",
                "type": "string",
                "enum": ["v1.0", "beta"],
            },
            "select": selectors(
                "Run only these rules. The command line's --select replaces this list."
            ),
            "ignore": selectors("Never run these rules (applied after select)."),
            "exclude": {
                "description": "Glob patterns of policy files to skip, relative to the directory "
                "of this file ('*' also matches '/').",
                "type": "array",
                "items": {"description": "A glob pattern.", "type": "string", "minLength": 1},
            },
            "profiles": {
                "description": "Baseline profiles whose control rules (BSL) run "
                "(docs/profiles.md); the command line's --profile adds to this list.",
                "type": "array",
                "items": {"description": "A profile name.", "type": "string", "minLength": 1},
            },
            "rules": {
                "description": "Per rule, by ID or name: a severity, or a table with an optional "
                "severity and the rule's options.",
                "type": "object",
                "additionalProperties": False,
                "properties": rule_entries,
            },
        },
    }


def stale(files: Mapping[Path, str], docs: Path = DOCS) -> list[Path]:
    """Generated files that differ from what is on disk, and pages of rules that are gone."""
    out = [
        path
        for path, text in files.items()
        if not path.is_file() or path.read_text("utf-8") != text
    ]
    if docs.is_dir():
        out += [path for path in sorted(docs.glob("*.md")) if path not in files]
    return out


def main(argv: Sequence[str] | None = None) -> int:
    from b2blint.rules import ALL_RULES

    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    files = generate(ALL_RULES)
    outdated = stale(files)
    if check:
        for path in outdated:
            print(f"stale: {path.relative_to(ROOT)}", file=sys.stderr)
        if outdated:
            print("run: python -m b2blint.lint.ruledocs", file=sys.stderr)
        return 1 if outdated else 0
    from b2blint.files.fsutil import atomic_write_text

    for path in outdated:
        if path in files:
            atomic_write_text(path, files[path])
            print(f"wrote {path.relative_to(ROOT)}")
        else:
            path.unlink()
            print(f"removed {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
