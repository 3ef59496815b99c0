"""Inline suppressions: ``# b2blint: disable=...`` comments, matched to findings by line.

Syntax (one directive per comment; the first ``#`` after whitespace that follows ends it, so
another tool's comment may come after)::

    key: value  # b2blint: disable=XTA011[,XTA008] -- reason      this line
    # b2blint: disable-next-line=XTA011 -- reason                  the next line with YAML
    # b2blint: disable-file=XTA011 -- reason                       the whole file (header only)
    # b2blint: disable-file -- reason                              every rule, the whole file

Rules are named by ID or name, case-insensitively. ``disable-next-line`` skips blank and
comment-only lines, so several directives can stack above one line. ``disable-file`` must
sit in the comment block at the top of the file, where a reviewer sees it first.

**How comments are found.** One regex finds every ``#...b2blint:`` in the raw text (about
0.3 ms on the 1.15 MB benchmark file; a file without one costs nothing more). A candidate
``#`` is a comment only if it is preceded by whitespace or starts the line (YAML's own rule)
and is not inside a quoted or block scalar, the only scalars that can hold `` #`` (a plain
scalar cannot). The loader already sees every scalar's style and offsets while it parses, so
it records the spans of the quoted and block ones (`Document.string_spans`, a few hundred on
the benchmark file) and a bisect per candidate settles it: no second pass over the file.
For a `Document` without spans, the file is tokenized again with libyaml up to the last
candidate (about 80 ms for a directive at the end of the 1.15 MB file). Comments are matched
to findings by line number, not by where a YAML library attaches them (flake8/yamllint).

**Findings.** A directive that cannot be read, or that names no rule, is B2B002 (one
finding per problem, at its column): a typo like ``disabel=`` must not silently suppress
nothing. A rule a directive names that produced no finding where it points is B2B001, with
a fix that removes the rule from the comment (or the whole comment). B2B001 is reported
only when the run was complete (every file parsed and passed the structural schema checks,
otherwise the rules did not see everything) and only for rules that ran in this run
(``--select`` does not make every other suppression "unused"). B2B001 and B2B002
themselves are configured in the config file, never by comments. Files that do not parse
(SYN001/SYN002) have no trustworthy comments, so their findings cannot be suppressed inline.

**Never suppressed** (`UNLOADABLE`): a finding that makes a document unusable (it does not
parse, or its shape is wrong, so the model is built without it). A bare ``disable-file``
once hid ``isMfaAccepted: yes`` (SCH001): lint passed, and ``apply`` dropped the partner and
still said "Verified" (attack F32). A comment may silence an opinion, never the fact that
the file was not read.
"""

from __future__ import annotations

import bisect
import enum
import functools
import re
from collections.abc import Callable, Collection, Sequence
from typing import Any, NamedTuple

from b2blint.diagnostics import Diagnostic, Edit, Fix, Location, Position
from b2blint.files.document import Document
from b2blint.lint.config import Config

UNUSED = "B2B001"
UNKNOWN = "B2B002"
#: Findings that mean a document was not loaded into the model: it did not parse (SYN001,
#: SYN002) or its shape is wrong (SCH001 schema violation, SCH002 unknown property).
UNLOADABLE = frozenset({"SYN001", "SYN002", "SCH001", "SCH002"})
#: Findings about suppressions are configured, never suppressed by another comment; nor are
#: findings that mean a file was not read (a comment cannot make the model whole).
UNSUPPRESSIBLE = frozenset({UNUSED, UNKNOWN}) | UNLOADABLE

# The one scan over the raw text: the literal '#' first keeps it at memchr speed.
_CANDIDATE = re.compile(r"#[ \t]*(?i:b2blint)[ \t]*:")
_BODY = re.compile(
    r"[ \t]*(?P<kind>[A-Za-z][A-Za-z-]*)"
    r"(?:[ \t]*(?P<eq>=)[ \t]*(?P<keys>[^ \t,]+(?:[ \t]*,[ \t]*[^ \t,]+)*)?)?"
    r"(?:[ \t]+--(?:[ \t]+(?P<reason>.*?))?)?[ \t]*$"
)
_KEY = re.compile(r"[^ \t,]+")
_END_OF_DIRECTIVE = re.compile(r"[ \t]#")


class SuppressionScope(str, enum.Enum):
    """Which lines a directive covers: its own, the next one, or the whole file."""

    LINE = "disable"
    NEXT_LINE = "disable-next-line"
    FILE = "disable-file"


class RuleKey(NamedTuple):
    """One rule named in a directive, as written, and the rule ID it resolves to."""

    text: str
    column: int  # 1-based
    rule_id: str | None


class Suppression(NamedTuple):
    """One readable directive."""

    kind: SuppressionScope
    line: int  # 1-based line of the comment
    column: int  # 1-based column of its '#'
    end: int  # 0-based index in the line just past the directive (before any next comment)
    target: int | None  # the line it covers; None for the whole file
    keys: tuple[RuleKey, ...]  # empty for a bare disable-file: every rule
    reason: str
    text: str  # the whole line (without its line break), for the fix


class Problem(NamedTuple):
    """A directive that cannot be used (B2B002), with the position to fix."""

    line: int
    column: int
    message: str


class FileSuppressions(NamedTuple):
    suppressions: tuple[Suppression, ...] = ()
    problems: tuple[Problem, ...] = ()


def scan(text: str, string_spans: Sequence[tuple[int, int]] | None = None) -> FileSuppressions:
    """Every suppression directive of one file, and every problem with one.

    ``string_spans`` are the offsets of the file's quoted and block scalars, which the loader
    records for free (`Document.string_spans`); without them the file is tokenized again.
    """
    candidates = [
        match
        for match in _CANDIDATE.finditer(text)
        if match.start() == 0 or text[match.start() - 1] in " \t\r\n"
    ]
    if not candidates:
        return FileSuppressions()
    spans = (
        list(string_spans)
        if string_spans is not None
        else _scalar_spans(text, candidates[-1].start())
    )
    starts = [start for start, _ in spans]
    lines = _Lines(text)
    suppressions: list[Suppression] = []
    problems: list[Problem] = []
    for match in candidates:
        index = match.start()
        at = bisect.bisect_right(starts, index) - 1
        if at >= 0 and spans[at][0] <= index < spans[at][1]:
            continue  # inside a quoted or block scalar: text, not a comment
        start, end = lines.bounds(index)
        suppression, found = _parse(
            lines,
            lines.number(index),
            text[start:end],
            offset=index,
            hash_column=index - start,
            body_start=match.end() - start,
            in_header=start < lines.header_end,
        )
        if suppression is not None:
            suppressions.append(suppression)
        problems.extend(found)
    return FileSuppressions(tuple(suppressions), tuple(problems))


def _scalar_spans(text: str, last: int) -> list[tuple[int, int]]:
    """(start, end) character indexes of every scalar token that starts before ``last``."""
    from b2blint.files.document import import_yaml

    yaml: Any = import_yaml()

    loader_class: Any = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
    loader = loader_class(text)
    scalar_token = yaml.ScalarToken
    spans: list[tuple[int, int]] = []
    try:
        while True:
            token = loader.get_token()
            if token is None or token.start_mark.index > last:
                break
            if type(token) is scalar_token:
                spans.append((token.start_mark.index, token.end_mark.index))
    except yaml.YAMLError:  # pragma: no cover - the file parsed before we got here
        pass
    finally:
        dispose = getattr(loader, "dispose", None)
        if dispose is not None:
            dispose()
    return spans


def _is_comment_or_blank(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


class _Lines:
    """Lines by offset, without splitting the whole file: most files have few directives."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._number = 1
        self._counted = 0
        offset = 0
        while offset < len(text):  # the header: the comment block at the top
            _, end = self.bounds(offset)
            if not _is_comment_or_blank(text[offset:end]):
                break
            offset = self.next_start(offset)
        self.header_end = offset

    def bounds(self, index: int) -> tuple[int, int]:
        """Start and end (before ``\r\n`` or ``\n``) of the line holding ``index``."""
        start = self.text.rfind("\n", 0, index) + 1
        end = self.text.find("\n", index)
        if end == -1:
            end = len(self.text)
        if end > start and self.text[end - 1] == "\r":
            end -= 1
        return start, end

    def next_start(self, index: int) -> int:
        end = self.text.find("\n", index)
        return len(self.text) if end == -1 else end + 1

    def number(self, index: int) -> int:
        """The 1-based line number of ``index`` (called with increasing offsets)."""
        self._number += self.text.count("\n", self._counted, index)
        self._counted = index
        return self._number

    def next_content_line(self, index: int, number: int) -> int:
        """The number of the first line after the one holding ``index`` that holds YAML."""
        offset = self.next_start(index)
        number += 1
        while offset < len(self.text):
            start, end = self.bounds(offset)
            if not _is_comment_or_blank(self.text[start:end]):
                break
            offset = self.next_start(offset)
            number += 1
        return number


def _parse(
    lines: _Lines,
    number: int,
    line: str,
    *,
    offset: int,
    hash_column: int,
    body_start: int,
    in_header: bool,
) -> tuple[Suppression | None, list[Problem]]:
    """One directive: the suppression it makes (None if unusable) and its problems."""
    from b2blint.rules import REMOVED_IDS, find_rule

    problems: list[Problem] = []

    body = line[body_start:]
    cut = _END_OF_DIRECTIVE.search(body)
    if cut is not None:
        body = body[: cut.start()]
    end = body_start + len(body.rstrip())
    match = _BODY.match(body)
    kinds = [kind.value for kind in SuppressionScope]
    if match is None:
        problems.append(
            Problem(
                number,
                hash_column + 1,
                "cannot read this suppression: write 'b2blint: disable=ID[,ID] -- reason', "
                "'disable-next-line=ID[,ID] -- reason' or 'disable-file[=ID,...] -- reason'",
            )
        )
        return None, problems
    word = match.group("kind")
    if word not in kinds:
        import difflib  # only when there is something to suggest

        close = difflib.get_close_matches(word.lower(), kinds, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else f"; use one of: {', '.join(kinds)}"
        problems.append(
            Problem(
                number, body_start + match.start("kind") + 1, f"unknown directive '{word}'{hint}"
            )
        )
        return None, problems
    kind = SuppressionScope(word)
    keys_text = match.group("keys")
    if keys_text is None and (match.group("eq") or kind is not SuppressionScope.FILE):
        problems.append(
            Problem(
                number,
                hash_column + 1,
                f"'{word}' must name the rules it disables: '{word}=ID[,ID]'",
            )
        )
        return None, problems
    comment_only = not line[:hash_column].strip()
    if kind is SuppressionScope.LINE and comment_only:
        problems.append(
            Problem(
                number,
                hash_column + 1,
                "'disable' covers its own line, which holds no YAML; "
                "use 'disable-next-line' on a line of its own",
            )
        )
        return None, problems
    if kind is SuppressionScope.FILE and not in_header:
        problems.append(
            Problem(
                number,
                hash_column + 1,
                "'disable-file' must be in the comment block at the top of the file",
            )
        )
        return None, problems
    keys: list[RuleKey] = []
    if keys_text is not None:
        keys_start = body_start + match.start("keys")
        for key_match in _KEY.finditer(keys_text):
            text = key_match.group()
            column = keys_start + key_match.start() + 1
            rule = find_rule(text)
            if rule is None:
                removed = REMOVED_IDS.get(text.upper())
                message = (
                    f"rule {text.upper()} was removed ({removed}); delete it from this comment"
                    if removed
                    else f"no rule named '{text}' (see 'b2blint rules')"
                )
                problems.append(Problem(number, column, message))
            elif rule.id in UNSUPPRESSIBLE:
                why = (
                    "it means the file was not read, and apply would drop what it says"
                    if rule.id in UNLOADABLE
                    else "set its severity in the config"
                )
                problems.append(
                    Problem(number, column, f"{rule.id} cannot be disabled by a comment; {why}")
                )
                rule = None
            keys.append(RuleKey(text, column, rule.id if rule is not None else None))
    target: int | None = None
    if kind is SuppressionScope.LINE:
        target = number
    elif kind is SuppressionScope.NEXT_LINE:
        target = lines.next_content_line(offset, number)
    reason = match.group("reason") or ""
    suppression = Suppression(kind, number, hash_column + 1, end, target, tuple(keys), reason, line)
    return suppression, problems


#: Per file, the (directive index, key index or -1 for "every rule") that suppressed something.
_Used = set[tuple[int, int]]


def apply(
    diagnostics: Sequence[Diagnostic],
    documents: Sequence[Document],
    config: Config,
    *,
    active: Collection[str] | None = None,
    complete: bool = True,
) -> tuple[list[Diagnostic], list[tuple[Diagnostic, Fix]]]:
    """Drop suppressed findings; add B2B001 (with fixes) and B2B002 findings.

    ``active`` is the set of rule IDs that ran (None: every enabled rule); ``complete`` says
    whether every file was parsed and checked, without which "unused" cannot be known.
    """
    from b2blint.rules import find_rule

    scanned: dict[str, FileSuppressions] = {}
    for document in documents:
        found = scan(document.text, document.string_spans)
        if found.suppressions or found.problems:
            scanned[document.path] = found
    if not scanned:
        return list(diagnostics), []
    by_target: dict[str, dict[int, list[int]]] = {}
    whole_file: dict[str, list[int]] = {}
    for path, found in scanned.items():
        targets = by_target.setdefault(path, {})
        for index, suppression in enumerate(found.suppressions):
            if suppression.target is None:
                whole_file.setdefault(path, []).append(index)
            else:
                targets.setdefault(suppression.target, []).append(index)
    usage: dict[str, _Used] = {path: set() for path in scanned}
    kept: list[Diagnostic] = []
    for diagnostic in diagnostics:
        in_file = scanned.get(diagnostic.file)
        if in_file is None or diagnostic.rule_id in UNSUPPRESSIBLE:
            kept.append(diagnostic)
            continue
        indexes = by_target[diagnostic.file].get(diagnostic.line, []) + whole_file.get(
            diagnostic.file, []
        )
        suppressed = False
        for index in indexes:
            suppression = in_file.suppressions[index]
            if not suppression.keys:
                usage[diagnostic.file].add((index, -1))
                suppressed = True
                continue
            for key_index, key in enumerate(suppression.keys):
                if key.rule_id == diagnostic.rule_id:
                    usage[diagnostic.file].add((index, key_index))
                    suppressed = True
        if not suppressed:
            kept.append(diagnostic)
    fixes: list[tuple[Diagnostic, Fix]] = []
    unused_rule = find_rule(UNUSED)
    unknown_rule = find_rule(UNKNOWN)
    # Depends only on the run, not the directive: derived once, and only if a bare directive
    # asks.
    all_ran = functools.cache(functools.partial(_all_ran, config, active))
    for path, found in scanned.items():
        if unknown_rule is not None and config.enabled(UNKNOWN):
            severity = config.severity(UNKNOWN, unknown_rule.severity)
            kept.extend(
                Diagnostic(
                    UNKNOWN,
                    unknown_rule.name,
                    severity,
                    Location(path, Position(problem.line, problem.column)),
                    problem.message,
                )
                for problem in found.problems
            )
        if not complete or unused_rule is None or not config.enabled(UNUSED):
            continue
        severity = config.severity(UNUSED, unused_rule.severity)
        for index, suppression in enumerate(found.suppressions):
            report = _unused(suppression, index, usage[path], config, active, all_ran=all_ran)
            if report is None:
                continue
            position, message, remaining = report
            diagnostic = Diagnostic(
                UNUSED,
                unused_rule.name,
                severity,
                Location(path, position),
                message,
                fixable=True,
            )
            kept.append(diagnostic)
            fixes.append((diagnostic, _fix(path, suppression, remaining)))
    return kept, fixes


def _ran(rule_id: str, config: Config, active: Collection[str] | None) -> bool:
    return rule_id in active if active is not None else config.enabled(rule_id)


def _all_ran(config: Config, active: Collection[str] | None) -> bool:
    """Whether every rule a bare directive could cover ran. Opt-in rules (baseline profiles,
    off unless a profile or config enables them) count only when this run enabled them: a
    bare directive that nothing on by default uses is unused, whatever a profile might add."""
    from b2blint.rules import CATALOG
    from b2blint.rules._rule import Visit

    # The catalog, not ALL_RULES: an ID and a kind are all this needs, no rule module.
    # The PAIR rules run in their own pass (b2blint.lint.pairs), never with the others.
    default = Config()
    return all(
        _ran(rule.id, config, active)
        for rule in CATALOG
        if rule.id not in UNSUPPRESSIBLE
        and rule.visits is not Visit.PAIR
        and (default.enabled(rule.id) or config.enabled(rule.id))
    )


def _unused(
    suppression: Suppression,
    index: int,
    used: _Used,
    config: Config,
    active: Collection[str] | None,
    *,
    all_ran: Callable[[], bool],
) -> tuple[Position, str, list[RuleKey]] | None:
    """Where and why a directive is (partly) unused, and the keys to keep; None if used.
    ``all_ran`` is `_all_ran` for this run."""
    where = "in this file" if suppression.target is None else f"on line {suppression.target}"
    if not suppression.keys:
        # A bare directive covers every rule: unused only if every rule it could cover ran.
        if (index, -1) in used or not all_ran():
            return None
        return (
            Position(suppression.line, suppression.column),
            f"unused suppression: no finding {where} to disable; remove the comment",
            [],
        )
    unused = [
        key
        for key_index, key in enumerate(suppression.keys)
        if key.rule_id is not None
        and (index, key_index) not in used
        and _ran(key.rule_id, config, active)
    ]
    if not unused:
        return None
    remaining = [key for key in suppression.keys if key not in unused]
    names = ", ".join(key.rule_id or key.text for key in unused)
    if not remaining:
        return (
            Position(suppression.line, suppression.column),
            f"unused suppression: no {names} finding {where}; remove the comment",
            [],
        )
    return (
        Position(suppression.line, unused[0].column),
        f"unused suppression of {names}: no such finding {where}; remove it from the comment",
        remaining,
    )


def _fix(path: str, suppression: Suppression, remaining: Sequence[RuleKey]) -> Fix:
    """Remove the unused rules from the directive, or the directive (its line if alone)."""
    line = suppression.text
    before = line[: suppression.column - 1]
    after = line[suppression.end :]
    if remaining:
        directive = f"# b2blint: {suppression.kind.value}=" + ",".join(
            key.text for key in remaining
        )
        if suppression.reason:
            directive += f" -- {suppression.reason}"
        new: str | None = before + directive + after
        description = "remove the unused rules from the suppression comment"
    else:
        kept = before.rstrip()
        rest = after.strip()
        if rest:
            kept = f"{kept}  {rest}" if kept else before + rest
        new = kept if kept else None
        description = "remove the unused suppression comment"
    return Fix(path, description, (Edit("line", (suppression.line,), new),))
