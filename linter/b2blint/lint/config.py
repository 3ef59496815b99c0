"""Lint configuration: which rules run, at what severity, with which options.

`Config` is frozen: the CLI builds one from the config file and the command line and passes
it down; nothing mutates it afterwards.

**Where it comes from** (docs/configuration.md). `--config FILE`, or else the first of
``.b2blint.yaml``, ``.b2blint.yml`` and a ``pyproject.toml`` with a ``[tool.b2blint]`` table,
searched from the current directory upwards; the search stops at the directory that holds
``.git`` (a config above the repository is not the repository's). A ``.toml`` file other than
``pyproject.toml`` (as the rule fixtures' ``config.toml``) holds the table's keys at the top.

**Precedence**, lowest first: rule defaults, the config file, the command line. ``--select``
replaces the file's ``select``; a rule the file disables (``ignore``, or severity ``off``)
stays disabled unless ``--select`` names it exactly (ID or name, not a prefix); ``--ignore``
always wins. ``--api-version`` replaces ``api-version``.

**Validation.** Rule keys and options are checked against the rule catalog (an unknown rule
or option, or an option of the wrong type, is an error), then the whole file against
``schemas/b2blint-config.json`` (by `b2blint.schema.minischema`; the schema is generated from the
catalog, so editors can check the same), then the selectors. Every error names the
file, line and column (``b2blint: error: pyproject.toml:14:11: ...``, exit 2).
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from b2blint.diagnostics import PathSegment, Position, Severity
from b2blint.errors import EXIT_USAGE, B2BLintError

OFF = "off"
YAML_NAMES = (".b2blint.yaml", ".b2blint.yml")
PYPROJECT = "pyproject.toml"
_SEVERITIES = {"error": Severity.ERROR, "warning": Severity.WARNING, OFF: OFF}
_PREFIX = re.compile(r"[A-Za-z0-9]{3,4}[0-9]{0,2}")  # XTA, XTA00, PAIR, PAIR00
#: Rules with this prefix check baseline controls and run only when a profile enables them
#: (`b2blint.lint.profiles.PROFILE_RULE_PREFIX`, repeated here to keep this module cheap).
PROFILE_RULE_PREFIX = "BSL"


@dataclasses.dataclass(frozen=True)
class Config:
    """Resolved settings for one lint run (rule keys are canonical IDs)."""

    select: frozenset[str] | None = None  # None: every rule
    ignore: frozenset[str] = frozenset()
    severities: Mapping[str, Severity | str] = dataclasses.field(default_factory=dict)  # or OFF
    options: Mapping[str, Mapping[str, Any]] = dataclasses.field(default_factory=dict)
    exclude: tuple[str, ...] = ()  # glob patterns of files to skip (absolute when from a file)
    api_version: str = "v1.0"
    source: str | None = None  # the config file this came from, for messages
    #: Baseline profiles (`b2blint.lint.profiles`) and the profile rules they turn on.
    profiles: tuple[str, ...] = ()
    profile_rules: frozenset[str] = frozenset()

    def enabled(self, rule_id: str) -> bool:
        if rule_id.startswith(PROFILE_RULE_PREFIX):  # off unless a profile or select names it
            if rule_id not in self.profile_rules and (
                self.select is None or rule_id not in self.select
            ):
                return False
        elif self.select is not None and rule_id not in self.select:
            return False
        if rule_id in self.ignore:
            return False
        return self.severities.get(rule_id) != OFF

    def severity(self, rule_id: str, default: Severity) -> Severity:
        value = self.severities.get(rule_id)
        return value if isinstance(value, Severity) else default

    def rule_options(self, rule_id: str, defaults: Mapping[str, Any]) -> Mapping[str, Any]:
        merged = dict(defaults)
        merged.update(self.options.get(rule_id, {}))
        return merged

    def with_command_line(
        self,
        select: Sequence[str] | None = None,
        ignore: Sequence[str] = (),
        api_version: str | None = None,
        profiles: Sequence[str] = (),
    ) -> Config:
        """This config with the command line's ``--select``/``--ignore``/``--api-version``
        and ``--profile`` (added to the file's ``profiles``).

        Unknown rules or profiles on the command line are a usage error (exit 2).
        """
        ignored = set(self.ignore)
        severities = dict(self.severities)
        selected = self.select
        if select is not None:
            chosen: set[str] = set()
            for key in select:
                ids = resolve_selector(key)
                if ids is None:
                    raise B2BLintError(f"--select: unknown rule '{key}' (see 'b2blint rules')")
                chosen |= ids
                exact = _exact(key)
                if exact is not None:  # named exactly: overrides the file's ignore / off
                    ignored.discard(exact)
                    if severities.get(exact) == OFF:
                        del severities[exact]
            selected = frozenset(chosen)
        for key in ignore:
            ids = resolve_selector(key)
            if ids is None:
                raise B2BLintError(f"--ignore: unknown rule '{key}' (see 'b2blint rules')")
            ignored |= ids
        chosen_profiles = self.profiles
        if profiles:
            from b2blint.lint.profiles import check_profile_names

            chosen_profiles = check_profile_names([*self.profiles, *profiles])
        return dataclasses.replace(
            self,
            select=selected,
            ignore=frozenset(ignored),
            severities=severities,
            api_version=api_version or self.api_version,
            profiles=chosen_profiles,
            profile_rules=_profile_rules(chosen_profiles),
        )


def _profile_rules(names: Sequence[str]) -> frozenset[str]:
    if not names:
        return frozenset()
    from b2blint.lint.profiles import profile_rule_ids

    return profile_rule_ids(names)


def _exact(key: str) -> str | None:
    from b2blint.rules import rule_info  # the catalog's table: no rule module is imported

    rule = rule_info(key)
    return rule.id if rule is not None else None


def resolve_selector(key: str) -> frozenset[str] | None:
    """The rule IDs a selector means: an ID, a name, or an ID prefix (``XTA``, ``XTA00``)."""
    from b2blint.rules import CATALOG

    exact = _exact(key)
    if exact is not None:
        return frozenset({exact})
    if _PREFIX.fullmatch(key):
        prefix = key.upper()
        ids = frozenset(rule.id for rule in CATALOG if rule.id.startswith(prefix))
        if ids:
            return ids
    return None


# -- finding and reading the file ------------------------------------------------------------


def find_config_file(start: Path | None = None) -> Path | None:
    """The config file that applies in ``start`` (default: the current directory), if any."""
    directory = (start or Path.cwd()).resolve()
    for folder in (directory, *directory.parents):
        for name in YAML_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
        pyproject = folder / PYPROJECT
        if pyproject.is_file() and _has_table(pyproject):
            return pyproject
        if (folder / ".git").exists():
            return None
    return None


#: "b2blint" in UTF-8, UTF-16-LE and UTF-16-BE, written out: encoding it at import loaded the
#: two UTF-16 codecs on every run (0.5 ms); tests/lint/test_config.py checks the bytes.
_NAME_ENCODINGS = (
    b"b2blint",
    b"b\x002\x00b\x00l\x00i\x00n\x00t\x00",
    b"\x00b\x002\x00b\x00l\x00i\x00n\x00t",
)


def _has_table(pyproject: Path) -> bool:
    """Whether ``pyproject`` has a ``[tool.b2blint]`` table, or may have one and is broken.

    A file that mentions b2blint but is not valid UTF-8 TOML (a stray Latin-1 byte, a UTF-16
    save) counts as having one, so that `_Source` reports it: skipping it ignored the whole
    table silently and linted with defaults (F29).
    """
    try:
        raw = pyproject.read_bytes()
    except OSError:
        return False
    if not any(name in raw for name in _NAME_ENCODINGS):  # cheap: most never mention us
        return False
    try:
        data = _toml_loads(raw.decode("utf-8-sig"))
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return True  # broken: let the loader report where
    tool = data.get("tool")
    return isinstance(tool, dict) and "b2blint" in tool


def _toml_loads(text: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    data: dict[str, Any] = tomllib.loads(text)
    return data


class _Source:
    """One config file's text and data, and how to place an error in it."""

    def __init__(self, path: Path) -> None:
        from b2blint.files.discovery import display_path

        self.path = path
        self.display = display_path(path)
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise B2BLintError(
                f"{self.display}: cannot read config: {error.strerror or error}"
            ) from None
        try:
            self.text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            from b2blint.files.utf8 import error_position

            line, column = error_position(raw, error.start)
            what = "UTF-16" if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else "UTF-8"
            detail = (
                "; save it as UTF-8"
                if what == "UTF-16"
                else f" (byte 0x{raw[error.start]:02x}); save it as UTF-8"
            )
            raise B2BLintError(
                f"{self.display}:{line}:{column}: config is not UTF-8"
                + ("" if what == "UTF-8" else " (it is UTF-16)")
                + detail
            ) from None
        self.prefix: tuple[PathSegment, ...] = ()
        self.is_toml = path.suffix == ".toml"
        self.data: Any = self._load()

    def _load(self) -> Any:
        if self.is_toml:
            too_deep = _too_deep(self.text)
            if too_deep is not None:
                raise self.error_at(
                    too_deep, f"invalid TOML: nested deeper than {MAX_TOML_DEPTH} levels"
                )
            try:
                data: Any = _toml_loads(self.text)
            except ValueError as error:
                huge = re.search(_HUGE_INTEGER, self.text)
                if "digits" in str(error) and huge is not None:  # Python's int-string limit
                    raise self.error_at(
                        _position_of(self.text, huge.start()),
                        f"invalid TOML: integer with {len(huge.group()):,} digits is too long",
                    ) from None
                line, column, message = _toml_error(str(error))
                raise self.error_at(Position(line, column), message) from None
            if self.path.name == PYPROJECT:
                self.prefix = ("tool", "b2blint")
                tool = data.get("tool", {})
                data = tool.get("b2blint", {}) if isinstance(tool, dict) else {}
            return data
        from b2blint.files.document import DocumentError, parse_text

        try:
            document = parse_text(self.text, self.display)
        except DocumentError as error:
            problem = error.problems[0]
            raise self.error_at(problem.position, problem.message) from None
        self._document = document
        return {} if document.data is None else document.data

    def error_at(self, position: Position, message: str) -> B2BLintError:
        return B2BLintError(
            f"{self.display}:{position.line}:{position.column}: {message}", EXIT_USAGE
        )

    def error(
        self, path: Sequence[PathSegment], message: str, *, key: bool = False
    ) -> B2BLintError:
        if self.is_toml:
            from b2blint.files.tomlpos import TomlPositions

            position = TomlPositions(self.text).position((*self.prefix, *path), key=key)
        else:
            position = self._document.position(tuple(path), key=key)
        return self.error_at(position, message)


#: Deepest bracket nesting accepted in a TOML config (the config itself needs 3 levels):
#: tomllib recurses per level and fails with RecursionError near 1,000 (F30).
MAX_TOML_DEPTH = 100
_HUGE_INTEGER = r"[0-9][0-9_]{4299,}"  # patterns of error paths: compiled when first used


def _position_of(text: str, index: int) -> Position:
    line_start = text.rfind("\n", 0, index) + 1
    return Position(text.count("\n", 0, index) + 1, index - line_start + 1)


def _too_deep(text: str) -> Position | None:
    """Where bracket nesting in ``text`` first exceeds `MAX_TOML_DEPTH` (None if never).

    A lexical scan (strings and comments skipped) that is linear and cannot recurse; table
    headers such as ``[tool.b2blint]`` open and close on their line and count as one level.
    """
    if text.count("[") + text.count("{") <= MAX_TOML_DEPTH:
        return None
    depth = 0
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char in "[{":
            depth += 1
            if depth > MAX_TOML_DEPTH:
                return _position_of(text, index)
        elif char in "]}":
            depth = max(depth - 1, 0)
        elif char == "#":
            end = text.find("\n", index)
            index = length if end < 0 else end
            continue
        elif char in "\"'":
            delimiter = char * 3 if text.startswith(char * 3, index) else char
            index += len(delimiter)
            while index < length and not text.startswith(delimiter, index):
                if char == '"' and text[index] == "\\":
                    index += 1
                elif len(delimiter) == 1 and text[index] == "\n":
                    break
                index += 1
            index += len(delimiter)
            continue
        index += 1
    return None


_TOML_POSITION = r"^(?P<message>.*?) \(at line (?P<line>\d+), column (?P<column>\d+)\)$"


def _toml_error(text: str) -> tuple[int, int, str]:
    match = re.match(_TOML_POSITION, text)
    if match is None:
        return 1, 1, f"invalid TOML: {text}"
    message = match.group("message")
    return (
        int(match.group("line")),
        int(match.group("column")),
        f"invalid TOML: {message[:1].lower()}{message[1:]}",
    )


@cache
def config_schema() -> dict[str, Any]:
    """The config file's JSON Schema (shipped in b2blint.schemas)."""
    from importlib import resources  # costs ~7 ms (tempfile, shutil): only with a config

    text = resources.files("b2blint.schemas").joinpath("b2blint-config.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def load_config(path: str | Path | None = None, *, start: Path | None = None) -> Config:
    """The config from ``path`` (``--config``), or from the file found upwards of ``start``.

    No file: the defaults. A bad file raises `B2BLintError` with ``FILE:LINE:COL``.
    """
    if path is not None:
        file = Path(path)
        if not file.is_file():
            raise B2BLintError(f"--config: {path}: no such file")
    else:
        found = find_config_file(start)
        if found is None:
            return Config()
        file = found
    return _build(_Source(file))


def _build(source: _Source) -> Config:
    from b2blint.schema.minischema import validate

    data = source.data
    table = data.get("rules") if isinstance(data, dict) else None
    if isinstance(table, dict):  # first: the catalog says it better than the schema
        _check_rules(source, table)
    errors = validate(data, config_schema())
    if errors:
        first = errors[0]
        raise source.error(first.path, first.message, key=first.at_key)
    assert isinstance(data, dict)
    severities: dict[str, Severity | str] = {}
    options: dict[str, dict[str, Any]] = {}
    for key, value in data.get("rules", {}).items():
        rule_id = _rule_id(key)
        settings = {"severity": value} if isinstance(value, str) else dict(value)
        if "severity" in settings:
            severities[rule_id] = _SEVERITIES[settings.pop("severity")]
        if settings:
            options[rule_id] = settings
    select = frozenset(_selectors(source, "select", data["select"])) if "select" in data else None
    ignore = frozenset(_selectors(source, "ignore", data.get("ignore", [])))
    # Discovery compares normalized absolute paths without resolving links; so does this.
    base = Path(os.path.abspath(source.path)).parent  # noqa: PTH100
    exclude = tuple((base / pattern).as_posix() for pattern in data.get("exclude", []))
    profiles = _profiles(source, data.get("profiles", []))
    return Config(
        select=select,
        ignore=ignore,
        severities=severities,
        options=options,
        exclude=exclude,
        api_version=data.get("api-version", "v1.0"),
        source=source.display,
        profiles=profiles,
        profile_rules=_profile_rules(profiles),
    )


def _profiles(source: _Source, names: Iterable[str]) -> tuple[str, ...]:
    """The file's ``profiles``, each a known profile (else an error at its position)."""
    from b2blint.lint.profiles import PROFILE_NAMES

    chosen: list[str] = []
    for index, name in enumerate(names):
        if name not in PROFILE_NAMES:
            raise source.error(
                ("profiles", index),
                f"unknown profile '{name}'; available profiles: {', '.join(PROFILE_NAMES)}",
            )
        if name not in chosen:
            chosen.append(name)
    return tuple(chosen)


def _rule_id(key: str) -> str:
    rule_id = _exact(key)
    assert rule_id is not None  # checked by _check_rules
    return rule_id


def _selectors(source: _Source, name: str, keys: Iterable[str]) -> set[str]:
    ids: set[str] = set()
    for index, key in enumerate(keys):
        found = resolve_selector(key)
        if found is None:
            raise source.error(
                (name, index), f"no rule or rule prefix '{key}' (see 'b2blint rules')"
            )
        ids |= found
    return ids


def _check_rules(source: _Source, table: Mapping[str, Any]) -> None:
    """Rule keys name rules (once each); options are the rule's own, of the right type."""
    from b2blint.rules import REMOVED_IDS, find_rule

    seen: dict[str, str] = {}
    for key, value in table.items():
        rule = find_rule(str(key))
        if rule is None:
            removed = REMOVED_IDS.get(str(key).upper())
            message = (
                f"rule {str(key).upper()} was removed ({removed})"
                if removed
                else f"no rule named '{key}' (see 'b2blint rules')"
            )
            raise source.error(("rules", key), message, key=True)
        if rule.id in seen:
            raise source.error(
                ("rules", key),
                f"{rule.id} is configured twice (also as '{seen[rule.id]}')",
                key=True,
            )
        seen[rule.id] = key
        if not isinstance(value, dict):
            continue
        for name, option in value.items():
            if name == "severity":
                continue
            if name not in rule.options:
                known = ", ".join(sorted(rule.options)) or "none"
                raise source.error(
                    ("rules", key, name),
                    f"{rule.id} ({rule.name}) has no option '{name}' (options: {known})",
                    key=True,
                )
            problem = _option_type_problem(option, rule.options[name]) or _option_range_problem(
                rule.id, name, option
            )
            if problem is not None:
                raise source.error(("rules", key, name), f"option '{name}' of {rule.id} {problem}")


def _option_type_problem(value: Any, default: Any) -> str | None:
    """Why ``value`` cannot replace an option whose default is ``default`` (None if it can)."""
    from b2blint.schema.minischema import describe

    if default is None:
        return None
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(default, float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    else:
        ok = isinstance(value, type(default))
    if ok:
        return None
    return f"expects {describe(default)} like {default!r}, got {describe(value)}"


#: Ranges of numeric options, by rule ID and option name: (lowest, lowest allowed?, highest).
#: XTA001: a limit of 0 or less, or a warn-ratio above 1, would silently disable the rule or
#: make it warn only above the limit; a limit past 2**31 is no byte count Graph accepts.
OPTION_RANGES: dict[tuple[str, str], tuple[float, bool, float]] = {
    ("XTA001", "limit"): (0, False, 2**31 - 1),
    ("XTA001", "warn-ratio"): (0, False, 1),
}


def _option_range_problem(rule_id: str, name: str, value: Any) -> str | None:
    bounds = OPTION_RANGES.get((rule_id, name))
    if bounds is None or not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    low, low_allowed, high = bounds
    if (low <= value if low_allowed else low < value) and value <= high:
        return None
    lowest = f"at least {low}" if low_allowed else f"greater than {low}"
    shown = f"{value!r}" if len(str(value)) <= 40 else f"a {len(str(value)):,}-digit number"
    return f"must be {lowest} and at most {high:,}, got {shown}"
