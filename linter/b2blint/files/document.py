"""Read one policy file into plain data plus an exact position index.

This is the only module that parses YAML on the lint path. It drives libyaml's event parser
(PyYAML's ``CSafeLoader``; the pure-Python parser when libyaml is missing) and builds plain
``dict``/``list``/scalars in one pass, recording for every key and value its 1-based line and
column. That is about 14x faster than ruamel.yaml's round-trip loader on a 1,000-partner file
(docs/performance.md), and it sees what a loader hides:

* every key, so duplicate keys are reported instead of silently overwritten (SYN001);
* every anchor, alias and explicit tag, which are refused before anything is built (SYN002):
  a billion-laughs file fails at its first anchor, in microseconds;
* the nesting depth, capped at `MAX_DEPTH` without recursion.

Scalars are resolved with the YAML 1.2 core schema (``yes``/``on`` stay strings, ``0777`` is
decimal), as ruamel.yaml and Microsoft's JSON both expect. ruamel.yaml's round-trip mode is
used only where files are rewritten (``--fix``, ``import``, ``export``).
"""

from __future__ import annotations

import dataclasses
import errno
import os
import re
import stat
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

from b2blint.diagnostics import Location, PathSegment, Position
from b2blint.files.utf8 import error_position

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 100
#: Most values (scalars, mappings and lists) read from one file. The 1,000-partner benchmark
#: file holds 43,000 in 1.15 MB; a 5 MB file of flow-style targets about 450,000. Without a
#: cap, the 5 MB size limit still let a flow list of 2.4 million one-digit items through
#: (3-5 s and 295 MB to read, attack F2): this keeps every file under the size limit well
#: under 2 s.
MAX_NODES = 500_000
#: Longest plain integer accepted: Graph's numbers are 32- or 64-bit (at most 20 digits), and
#: Python refuses to convert more than 4,300 decimal digits (CVE-2020-10735), which would
#: otherwise surface as an internal error.
MAX_INTEGER_CHARS = 100

_NULL = frozenset({"~", "null", "Null", "NULL", ""})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_INT_DEC = re.compile(r"[-+]?[0-9]+")
_INT_OCT = re.compile(r"0o[0-7]+")
_INT_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_INF = re.compile(r"[-+]?\.(?:inf|Inf|INF)")
_NAN = re.compile(r"\.(?:nan|NaN|NAN)")
# Characters that can start a non-string plain scalar; anything else is a string at once.
_NUMERIC_START = frozenset("0123456789-+.")
# Characters that can start a plain scalar that is not a string (number, bool, null): the
# builder resolves anything else (most keys' values: GUIDs aside, names, keywords) inline.
_NON_STRING_START = _NUMERIC_START | frozenset("tTfFnN~")

#: Plain scalars that YAML 1.1 tools (PyYAML, older parsers) read as booleans.
YAML11_BOOLEANS = frozenset(
    {
        "y",
        "Y",
        "yes",
        "Yes",
        "YES",
        "n",
        "N",
        "no",
        "No",
        "NO",
        "on",
        "On",
        "ON",
        "off",
        "Off",
        "OFF",
    }
)


#: The character class PyYAML's pure-Python reader compiles when ``yaml`` is imported
#: (yaml/reader.py, ``Reader.NON_PRINTABLE``): 5-10 ms, a twentieth of a pre-commit run, for a
#: regex that libyaml's reader (the one b2blint uses) never runs. `import_yaml` defers it.
PYYAML_NON_PRINTABLE = "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"


class _LazyPattern:
    """A regex compiled when first used (by PyYAML's pure-Python reader, without libyaml)."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern)
        return getattr(self._compiled, name)


def import_yaml() -> ModuleType:
    """PyYAML, imported with `PYYAML_NON_PRINTABLE` compiled on first use, not at import.

    ``re.compile`` is wrapped for the duration of the import only (a single-threaded CLI
    start). If PyYAML changes that pattern, nothing is deferred and nothing else changes.
    """
    module = sys.modules.get("yaml")
    if module is not None:
        return module
    real_compile = re.compile

    def compile_lazily(pattern: Any, flags: Any = 0) -> Any:
        if flags == 0 and pattern == PYYAML_NON_PRINTABLE:
            return _LazyPattern(pattern)
        return real_compile(pattern, flags)

    setattr(re, "compile", compile_lazily)  # noqa: B010 - assigning re.compile, on purpose
    try:
        import yaml
    finally:
        setattr(re, "compile", real_compile)  # noqa: B010
    return yaml


class SyntaxProblem(NamedTuple):
    """A problem found while reading: SYN001 (not valid YAML) or SYN002 (refused as unsafe)."""

    rule_id: str
    position: Position
    message: str


class DocumentError(Exception):
    """The file could not be turned into data; ``problems`` say where and why."""

    def __init__(self, problems: Sequence[SyntaxProblem]) -> None:
        super().__init__(problems[0].message if problems else "unreadable")
        self.problems = tuple(problems)


# Per container: for a mapping, key -> (key line, key col, value line, value col, the value's
# marks); for a sequence, one (line, col, the item's marks) per item; a scalar's marks are None.
# 0-based internally, 1-based when asked. Each container's marks sit beside its position in
# its parent's, so a position is found by walking the marks alone.
MappingMarks = dict[str, tuple[int, int, int, int, Any]]
SequenceMarks = list[tuple[int, int, Any]]


@dataclasses.dataclass(eq=False)  # identity: two reads of one file are two documents
class Document:
    """One parsed policy file: its data, its text and where every key and value stands."""

    path: str
    text: str
    data: Any
    marks: MappingMarks | SequenceMarks  # the root container's ({} for a scalar document)
    root_mark: tuple[int, int] = (0, 0)
    duplicate_problems: tuple[SyntaxProblem, ...] = ()
    #: (start, end) character offsets of every quoted or block scalar, in document order: the
    #: only places where a '#' after whitespace is text, not a comment (b2blint.lint.suppressions).
    #: None when unknown (a Document built by hand).
    string_spans: list[tuple[int, int]] | None = None

    def position(self, path: Sequence[PathSegment], *, key: bool = False) -> Position:
        """The 1-based position of the value at ``path`` (of its key with ``key=True``).

        A path that leaves the data (a missing property) resolves to the deepest container
        that exists, which is where a "missing" finding belongs. Looked up on demand, only for
        what is reported; a location many findings share (the default 52,000 partners repeat)
        is looked up once by the engine (`b2blint.lint.engine._finding_diagnostics`).
        """
        return self._position(path, key)

    def locate(self, path: Sequence[PathSegment], *, key: bool = False) -> Location:
        """The file, position and YAML path of the value at ``path`` (what a finding shows).

        A layered document (b2blint.fleet) answers with the file the value came from.
        """
        return Location(self.path, self.position(path, key=key), tuple(path))

    def _position(self, path: Sequence[PathSegment], key: bool) -> Position:
        # One dict lookup per segment, in the marks only: a 5 MB file can have 52,000
        # findings to place, and a walk over its data (and an index by id()) cost ~3 us each.
        marks: Any = self.marks
        line, column = self.root_mark
        last = len(path) - 1
        for index, segment in enumerate(path):
            if isinstance(marks, dict):
                found = marks.get(segment) if type(segment) is str else None
                if found is None:
                    break
                if key and index == last:
                    return Position(found[0] + 1, found[1] + 1)
                line, column, marks = found[2], found[3], found[4]
            elif isinstance(marks, list) and type(segment) is int and 0 <= segment < len(marks):
                line, column, marks = marks[segment]
            else:
                break
        return Position(line + 1, column + 1)

    def lines(self) -> list[str]:
        return self.text.splitlines()


def decode(raw: bytes) -> str:
    """Strict UTF-8 (an optional BOM is accepted); raise `DocumentError` with the position."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DocumentError(
            [SyntaxProblem("SYN002", Position(1, 1), "file is UTF-16; save it as UTF-8")]
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = error_position(raw, error.start)
        byte = raw[error.start]
        raise DocumentError(
            [
                SyntaxProblem(
                    "SYN002",
                    Position(line, column),
                    f"file is not valid UTF-8 (byte 0x{byte:02x}); save it as UTF-8",
                )
            ]
        ) from None


def read_document(path: Path, display: str | None = None) -> Document:
    """Read, size-check, decode and parse one file. Raises `DocumentError` or `OSError`.

    The file is opened without blocking and its type checked on the open descriptor: a file
    swapped for a FIFO (or a device) after discovery would otherwise hang or stream forever.
    At most `MAX_FILE_BYTES` + 1 bytes are read, so a file growing meanwhile is still capped.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        raw = _read_capped(fd, MAX_FILE_BYTES + 1)
    finally:
        os.close(fd)
    size = max(status.st_size, len(raw))
    if size > MAX_FILE_BYTES:
        raise DocumentError(
            [
                SyntaxProblem(
                    "SYN002",
                    Position(1, 1),
                    f"file is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit "
                    "for a policy file",
                )
            ]
        )
    return parse_text(decode(raw), display or str(path))


def _read_capped(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    remaining = limit
    while remaining > 0:
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


_BARE_CR = re.compile(r"\r(?!\n)")


def parse_text(text: str, display: str) -> Document:
    """Parse YAML text into a `Document` (raises `DocumentError` for SYN001/SYN002)."""
    if "\r" in text:
        bare = _BARE_CR.search(text)
        if bare is not None:
            # libyaml counts a lone CR as a line break, editors and the suppression scanner do
            # not: positions and fixes would disagree, so such a file is refused up front.
            raise DocumentError(
                [
                    SyntaxProblem(
                        "SYN001",
                        _line_col(text, bare.start()),
                        "line break is a bare CR (classic Mac); save the file with LF or CRLF",
                    )
                ]
            )
    return _Builder(text, display).build()


def resolve_plain(value: str) -> Any:
    """YAML 1.2 core-schema resolution of a plain (unquoted) scalar."""
    if value in _NULL:
        return None
    first = value[0]
    if first in "tTfF":
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        return value
    if first not in _NUMERIC_START:
        return value
    if _INT_DEC.fullmatch(value):
        try:
            return int(value)
        except ValueError:  # over Python's int-string limit; the builder refuses it first
            return value
    if _FLOAT.fullmatch(value):
        return float(value)
    if _INF.fullmatch(value):
        return float("-inf") if value.startswith("-") else float("inf")
    if _NAN.fullmatch(value):
        return float("nan")
    if _INT_OCT.fullmatch(value):
        return int(value[2:], 8)
    if _INT_HEX.fullmatch(value):
        return int(value[2:], 16)
    return value


def _is_integer(value: str) -> bool:
    return any(p.fullmatch(value) for p in (_INT_DEC, _INT_OCT, _INT_HEX))


def _line_col(text: str, index: int) -> Position:
    before = text[:index]
    line = before.count("\n") + 1
    return Position(line, index - (before.rfind("\n") + 1) + 1)


class _Builder:
    """Turns libyaml events into plain data and marks, refusing unsafe constructs."""

    def __init__(self, text: str, display: str) -> None:
        self.text = text
        self.display = display
        self.marks: MappingMarks | SequenceMarks = {}
        self.duplicates: list[SyntaxProblem] = []
        self.string_spans: list[tuple[int, int]] = []
        self._line_feeds: list[int] | None = None

    def build(self) -> Document:
        yaml: Any = import_yaml()
        loader_class: Any = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
        parser = loader_class(self.text)
        try:
            data, root_mark = self._run(parser, yaml)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            if mark is not None and self._needs_editor_marks():
                mark = self._editor_mark(mark)
            position = Position(mark.line + 1, mark.column + 1) if mark else Position(1, 1)
            message = error.problem or error.context or "invalid YAML"
            if error.context and error.problem:
                message = f"{error.problem} ({error.context})"
            raise DocumentError(
                [SyntaxProblem("SYN001", position, _clean_message(message))]
            ) from None
        except yaml.reader.ReaderError as error:
            offset = max(error.position, 0)
            if loader_class is not yaml.SafeLoader:  # libyaml reports a UTF-8 byte offset
                offset = len(self.text.encode("utf-8")[:offset].decode("utf-8", "ignore"))
            raise DocumentError(
                [
                    SyntaxProblem(
                        "SYN002",
                        _line_col(self.text, offset),
                        f"control character {_char_name(error.character)} is not allowed in YAML",
                    )
                ]
            ) from None
        except yaml.YAMLError as error:  # e.g. libyaml's memory or reader errors
            raise DocumentError(
                [SyntaxProblem("SYN001", Position(1, 1), _clean_message(str(error)))]
            ) from None
        finally:
            dispose = getattr(parser, "dispose", None)
            if dispose is not None:
                dispose()
        if self.duplicates:
            raise DocumentError(self.duplicates)
        return Document(
            path=self.display,
            text=self.text,
            data=data,
            marks=self.marks,
            root_mark=root_mark,
            string_spans=self.string_spans,
        )

    def _needs_editor_marks(self) -> bool:
        """Whether the text holds a character YAML 1.1 (libyaml) breaks lines at but editors
        do not (NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR): then marks are recomputed from
        their character index, so positions count lines by '\\n' as editors and suppressions do.
        """
        return "\x85" in self.text or "\u2028" in self.text or "\u2029" in self.text

    def _editor_mark(self, mark: Any) -> Any:
        import bisect

        import yaml

        if self._line_feeds is None:
            self._line_feeds = [match.start() for match in re.finditer("\n", self.text)]
        line = bisect.bisect_left(self._line_feeds, mark.index)
        start = self._line_feeds[line - 1] + 1 if line else 0
        return yaml.Mark(mark.name, mark.index, line, mark.index - start, None, 0)

    def _refuse(self, mark: Any, message: str) -> DocumentError:
        return DocumentError(
            [SyntaxProblem("SYN002", Position(mark.line + 1, mark.column + 1), message)]
        )

    def _run(self, parser: Any, yaml: Any) -> tuple[Any, tuple[int, int]]:
        get_event: Any = parser.get_event
        if self._needs_editor_marks() or not isinstance(parser, _libyaml_parser(yaml)):
            return self._loop(self._tuple_events(get_event, yaml), yaml)
        module = yaml._yaml
        saved = {name: getattr(module, name) for name in _AS_TUPLES}
        for name, make in _AS_TUPLES.items():
            setattr(module, name, make)
        try:
            return self._loop(get_event, yaml)
        finally:
            for name, original in saved.items():
                setattr(module, name, original)

    def _tuple_events(self, get_event: Any, yaml: Any) -> Any:
        """``get_event`` with the events `_AS_TUPLES` makes as those tuples (the pure-Python
        parser, or marks recomputed for editors), the others with editor marks if needed."""
        scalar_event = yaml.ScalarEvent
        starts = {yaml.MappingStartEvent: _MAPPING, yaml.SequenceStartEvent: _SEQUENCE}
        ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
        mark: Any = self._editor_mark if self._needs_editor_marks() else (lambda mark: mark)

        def next_event() -> Any:
            event = get_event()
            cls = type(event)
            if cls is scalar_event:
                start, end = mark(event.start_mark), mark(event.end_mark)
                return (_SCALAR, event.anchor, event.tag, event.value, start, end, event.style)
            if cls in starts:
                start, end = mark(event.start_mark), mark(event.end_mark)
                return (starts[cls], event.anchor, event.tag, None, start, end, None)
            if cls in ends:
                return _END_EVENT
            event.start_mark = mark(event.start_mark)
            event.end_mark = mark(event.end_mark)
            return event

        return next_event

    def _loop(self, get_event: Any, yaml: Any) -> tuple[Any, tuple[int, int]]:
        """Build the data and marks from the events (values, containers and ends as the tuples
        of `_AS_TUPLES`, the rest as PyYAML's event objects)."""
        alias_event = yaml.AliasEvent
        document_start = yaml.DocumentStartEvent
        stream_end = yaml.StreamEndEvent

        # The open containers above the current one: (container, its marks, is a list).
        # The current one lives in locals: this loop runs once per event (600,000 in a 5 MB
        # file), and locals are what it can afford.
        stack: list[tuple[Any, Any, bool]] = []
        container: Any = None  # None: the document's top level
        container_marks: Any = None
        in_list = False
        key: Any = _NO_KEY  # the pending key of a mapping, `_NO_KEY` or `_DUPLICATE`
        key_line = key_column = 0
        root: Any = None
        root_mark = (0, 0)
        documents = 0
        nodes = 0
        no_key = _NO_KEY
        duplicate = _DUPLICATE
        add_span = self.string_spans.append
        non_string_start = _NON_STRING_START
        tuple_type = tuple
        scalar, mapping, end = _SCALAR, _MAPPING, _END

        while True:
            event = get_event()
            if type(event) is not tuple_type:
                cls = type(event)
                if cls is alias_event:
                    raise self._refuse(
                        event.start_mark,
                        f"alias '*{event.anchor}' is not allowed: write each value where it "
                        "is used",
                    )
                if cls is document_start:
                    documents += 1
                    if documents > 1:
                        mark = event.start_mark
                        raise DocumentError(
                            [
                                SyntaxProblem(
                                    "SYN001",
                                    Position(mark.line + 1, mark.column + 1),
                                    "a policy file holds one YAML document; split this one "
                                    "into files",
                                )
                            ]
                        )
                elif cls is stream_end:
                    return root, root_mark
                continue
            kind, anchor, tag, text, mark, end_mark, style = event
            if kind is end:
                container, container_marks, in_list = stack.pop()
                continue
            nodes += 1
            if nodes > MAX_NODES:
                raise self._refuse(
                    mark,
                    f"more than {MAX_NODES:,} values in one file; split it into several files",
                )
            if anchor is not None:
                raise self._refuse(
                    mark, f"anchor '&{anchor}' is not allowed: write each value where it is used"
                )
            if tag is not None:
                raise self._refuse(mark, f"explicit tag '{tag}' is not allowed in policy files")
            if kind is scalar:
                if style:
                    value: Any = text
                    add_span((mark.index, end_mark.index))
                elif text and text[0] not in non_string_start:
                    value = text  # what resolve_plain returns, without the call
                elif len(text) > MAX_INTEGER_CHARS and _is_integer(text):
                    raise self._refuse(
                        mark,
                        f"integer with {len(text):,} characters is too long "
                        f"(at most {MAX_INTEGER_CHARS})",
                    )
                else:
                    value = resolve_plain(text)
                if in_list:
                    container.append(value)
                    container_marks.append((mark.line, mark.column, None))
                elif key is no_key:
                    if container is None:
                        root = value
                        root_mark = (mark.line, mark.column)
                    elif text in container:
                        first = container_marks[text]
                        self.duplicates.append(
                            SyntaxProblem(
                                "SYN001",
                                Position(mark.line + 1, mark.column + 1),
                                f"duplicate key '{text}' (first defined at line {first[0] + 1})",
                            )
                        )
                        key = duplicate
                        key_line, key_column = mark.line, mark.column
                    else:
                        key = text
                        key_line, key_column = mark.line, mark.column
                else:
                    if key is not duplicate:
                        container[key] = value
                        container_marks[key] = (key_line, key_column, mark.line, mark.column, None)
                    key = no_key
                continue
            # the start of a mapping or a list
            value = {} if kind is mapping else []
            child_marks: Any = {} if kind is mapping else []
            if len(stack) >= MAX_DEPTH:
                raise self._refuse(mark, f"nesting deeper than {MAX_DEPTH} levels is not allowed")
            if in_list:
                container.append(value)
                container_marks.append((mark.line, mark.column, child_marks))
            elif key is no_key:
                if container is not None:
                    raise DocumentError(
                        [
                            SyntaxProblem(
                                "SYN001",
                                Position(mark.line + 1, mark.column + 1),
                                "a mapping key must be a plain value, not a mapping or list",
                            )
                        ]
                    )
                root = value
                root_mark = (mark.line, mark.column)
                self.marks = child_marks
            else:
                if key is not duplicate:
                    container[key] = value
                    container_marks[key] = (
                        key_line,
                        key_column,
                        mark.line,
                        mark.column,
                        child_marks,
                    )
                key = no_key
            stack.append((container, container_marks, in_list))
            container = value
            container_marks = child_marks
            in_list = kind is not mapping


# Values, containers and ends are read as tuples (kind, anchor, tag, value, start mark, end
# mark, style): PyYAML's libyaml binding builds each event by calling a Python class (~0.15 us
# of its ~0.6 us; 624,000 events in a 5 MB file) and the builder then reads its attributes.
# `_Builder._run` has libyaml call these instead for the time of one parse, and puts PyYAML's
# classes back after it; the events b2blint refuses or counts (aliases, documents) stay objects.
_SCALAR, _MAPPING, _SEQUENCE, _END = 0, 1, 2, 3
_END_EVENT = (_END, None, None, None, None, None, None)


def _scalar(  # noqa: PLR0917 - called as PyYAML calls ScalarEvent
    anchor: Any, tag: Any, implicit: Any, value: Any, start: Any, end: Any, style: Any
) -> tuple[Any, ...]:
    return (_SCALAR, anchor, tag, value, start, end, style)


def _mapping(  # noqa: PLR0917 - called as PyYAML calls MappingStartEvent
    anchor: Any, tag: Any, implicit: Any, start: Any, end: Any, flow: Any
) -> tuple[Any, ...]:
    return (_MAPPING, anchor, tag, None, start, end, None)


def _sequence(  # noqa: PLR0917 - called as PyYAML calls SequenceStartEvent
    anchor: Any, tag: Any, implicit: Any, start: Any, end: Any, flow: Any
) -> tuple[Any, ...]:
    return (_SEQUENCE, anchor, tag, None, start, end, None)


def _end(start: Any, end: Any) -> tuple[Any, ...]:
    return _END_EVENT


#: The names PyYAML's libyaml binding (``yaml._yaml``) calls to build these events.
_AS_TUPLES: dict[str, Any] = {
    "ScalarEvent": _scalar,
    "MappingStartEvent": _mapping,
    "SequenceStartEvent": _sequence,
    "MappingEndEvent": _end,
    "SequenceEndEvent": _end,
}


def _libyaml_parser(yaml: Any) -> type:
    """libyaml's parser class if its module builds events by these names, else `_NoParser`."""
    module = getattr(yaml, "_yaml", None)
    parser = getattr(module, "CParser", None)
    if parser is None or not all(hasattr(module, name) for name in _AS_TUPLES):
        return _NoParser
    return parser  # type: ignore[no-any-return]


class _NoParser:
    """No parser is an instance of it."""


class _Sentinel:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


_NO_KEY: Any = _Sentinel("<no key>")
_DUPLICATE: Any = _Sentinel("<duplicate>")


def _clean_message(message: str) -> str:
    message = " ".join(message.split())
    if "cannot start any token" in message:
        message += "; YAML indentation must use spaces, not tabs"
    return message


def _char_name(character: int | str) -> str:
    code = character if isinstance(character, int) else ord(character)
    return f"U+{code:04X}"
