"""The loader: exact positions, YAML 1.2 scalars, and refusal of unsafe constructs."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from b2blint.diagnostics import Position
from b2blint.files.document import (
    MAX_DEPTH,
    DocumentError,
    parse_text,
    read_document,
    resolve_plain,
)

POLICY = """\
b2blint: 1
partners:
  - tenantId: 3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11
    name: "Fabrikam"
    settings: {inboundTrust: {isMfaAccepted: true}}
"""


def test_positions_of_values_keys_and_items() -> None:
    doc = parse_text(POLICY, "p.yaml")
    assert doc.position(("partners", 0, "tenantId")) == Position(3, 15)
    assert doc.position(("partners", 0, "tenantId"), key=True) == Position(3, 5)
    assert doc.position(("partners", 0, "name")) == Position(4, 11)
    assert doc.position(("partners", 0)) == Position(3, 5)
    flow = ("partners", 0, "settings", "inboundTrust", "isMfaAccepted")
    assert doc.position(flow) == Position(5, 46)
    assert doc.position(flow, key=True) == Position(5, 31)


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_unicode_line_separators_do_not_shift_lines(separator: str) -> None:
    # libyaml breaks lines at them; editors (and suppression comments) count only '\n'.
    doc = parse_text(f'a: "x{separator}y"\nb: [1, 2]\n', "p.yaml")
    assert doc.position(("b", 1)) == Position(2, 8)
    assert doc.position(("b",), key=True) == Position(2, 1)
    assert _problems(f'a: "x{separator}y"\nb: [1, 2\n')[0][:3] == ("SYN001", 3, 1)


def test_missing_path_resolves_to_deepest_existing_container() -> None:
    doc = parse_text(POLICY, "p.yaml")
    assert doc.position(("partners", 0, "settings", "nothing", "deeper")) == Position(5, 15)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True),
        ("False", False),
        ("yes", "yes"),  # YAML 1.2: not a boolean
        ("on", "on"),
        ("~", None),
        ("null", None),
        ("", None),
        ("0777", 777),  # YAML 1.2: decimal, not octal
        ("0o17", 15),
        ("0x1F", 31),
        ("-12", -12),
        ("1e3", 1000.0),
        (".5", 0.5),
        (".inf", math.inf),
        ("-.Inf", -math.inf),
        ("00000012-0000-0000-c000-000000000000", "00000012-0000-0000-c000-000000000000"),
        ("3d0f5dd2", "3d0f5dd2"),
        ("AllUsers", "AllUsers"),
    ],
)
def test_yaml_1_2_core_schema(text: str, expected: object) -> None:
    assert resolve_plain(text) == expected


def test_nan_resolves() -> None:
    assert math.isnan(resolve_plain(".nan"))


def test_quoted_scalars_stay_strings() -> None:
    doc = parse_text("a: 'true'\nb: \"1\"\nc: |\n  x\n", "q.yaml")
    assert doc.data == {"a": "true", "b": "1", "c": "x\n"}


def _problems(text: str) -> list[tuple[str, int, int, str]]:
    with pytest.raises(DocumentError) as caught:
        parse_text(text, "bad.yaml")
    return [
        (p.rule_id, p.position.line, p.position.column, p.message) for p in caught.value.problems
    ]


def test_every_duplicate_key_is_reported_at_the_duplicate() -> None:
    problems = _problems("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n")
    assert [(r, line, col) for r, line, col, _ in problems] == [("SYN001", 4, 3), ("SYN001", 5, 1)]
    assert problems[0][3] == "duplicate key 'c' (first defined at line 3)"


def test_tab_indentation_is_a_syntax_error_with_a_hint() -> None:
    [(rule, line, column, message)] = _problems("a:\n\tb: 1\n")
    assert (rule, line, column) == ("SYN001", 2, 1)
    assert "spaces, not tabs" in message


def test_anchor_and_alias_are_refused() -> None:
    [(rule, line, column, message)] = _problems("a: &x 1\nb: *x\n")
    assert (rule, line, column) == ("SYN002", 1, 4)
    assert "anchor '&x'" in message


def test_merge_key_alias_is_refused() -> None:
    assert _problems("base: {a: 1}\nchild:\n  <<: *base\n")[0][:3] == ("SYN002", 3, 7)


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system ['echo']", "!Ref foo", "!!str 1"])
def test_explicit_tags_are_refused(tag: str) -> None:
    [(rule, line, column, message)] = _problems(f"a: {tag}\n")
    assert (rule, line, column) == ("SYN002", 1, 4)
    assert "explicit tag" in message


def test_billion_laughs_fails_at_the_first_anchor() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    [(rule, line, column, _)] = _problems("\n".join(lines) + "\n")
    assert (rule, line, column) == ("SYN002", 1, 4)


def test_nesting_is_capped() -> None:
    depth = MAX_DEPTH + 5
    [(rule, line, column, message)] = _problems("[" * depth + "]" * depth)
    assert (rule, line, column) == ("SYN002", 1, MAX_DEPTH + 1)
    assert "nesting deeper than 100" in message


def test_second_document_is_refused() -> None:
    assert _problems("a: 1\n---\nb: 2\n")[0][:3] == ("SYN001", 2, 1)


def test_control_character_is_refused_with_position() -> None:
    assert _problems("a: 1\nb: x\x07y\n")[0][:3] == ("SYN002", 2, 5)


def test_control_character_column_counts_characters_after_non_ascii() -> None:
    # libyaml reports a byte offset; editors count characters.
    assert _problems('a: 1\nname: "é€😀\x01"\n')[0][:3] == ("SYN002", 2, 11)


def test_non_utf8_bytes_are_reported_with_position(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"b2blint: 1\nname: caf" + b"\xe9\n")
    with pytest.raises(DocumentError) as caught:
        read_document(path)
    problem = caught.value.problems[0]
    assert (problem.rule_id, problem.position) == ("SYN002", Position(2, 10))
    assert "0xe9" in problem.message


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfb2blint: 1\n")
    assert read_document(path).data == {"b2blint": 1}


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(5 * 1024 * 1024 + 1)
    with pytest.raises(DocumentError) as caught:
        read_document(path)
    assert caught.value.problems[0].rule_id == "SYN002"
    assert "limit" in caught.value.problems[0].message


def test_empty_file_is_none() -> None:
    assert parse_text("", "e.yaml").data is None
    assert parse_text("# only a comment\n", "e.yaml").data is None


def test_bare_cr_line_breaks_are_refused_with_position() -> None:
    [(rule, line, column, message)] = _problems("b2blint: 1\r\nname: a\rtenant: x\n")
    assert (rule, line, column) == ("SYN001", 2, 8)
    assert "bare CR" in message


def test_crlf_is_accepted() -> None:
    assert parse_text("b2blint: 1\r\nname: a\r\n", "crlf.yaml").data == {
        "b2blint": 1,
        "name": "a",
    }


def test_pyyaml_is_imported_without_compiling_the_unused_reader_regex() -> None:
    """`import_yaml` defers PyYAML's pure-Python reader regex (5-10 ms of every run), and that
    reader still refuses a control character when it is used (no libyaml)."""
    import subprocess
    import sys

    probe = (
        "import re, sys; real = re.compile\n"
        "from b2blint.files.document import import_yaml\n"
        "yaml = import_yaml()\n"
        "from yaml.reader import Reader\n"
        "print(type(Reader.NON_PRINTABLE).__name__, re.compile is real)\n"
        "try:\n"
        "    yaml.load('a: 1\\nb: x\\x07', Loader=yaml.SafeLoader)\n"
        "except yaml.reader.ReaderError as error:\n"
        "    print(error.position, hex(error.character))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    assert done.stdout.splitlines() == ["_LazyPattern True", "9 0x7"], done.stderr


READER_CASES = [
    "b2blint: 1\npartners:\n- tenantId: 'x'\n  settings: {inboundTrust: {isMfaAccepted: true}}\n"
    '  list: [1, -2.5, null, ~, yes, "q", 0x1F]\n',
    "a: 1\na: 2\nb: {c: [x, {d: e}], c: 3}\n",
    "a: &x 1\n",
    "a: !!str 1\n",
    "a: [*x]\n",
    "[a, b]\n",
    "? [a]\n: b\n",
    "---\na: 1\n---\nb: 2\n",
    "a: b\u0085c: d\n",
    "a:\n  - 'x\u2028y'\n  - z\n",
]


def _outcome(text: str) -> object:
    try:
        document = parse_text(text, "t.yaml")
    except DocumentError as error:
        return error.problems
    return [document.data, document.marks, document.root_mark, document.string_spans]


@pytest.mark.parametrize("text", READER_CASES)
def test_libyaml_events_as_tuples_read_as_the_pure_python_parser_does(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader has libyaml build its events as tuples; without libyaml (PyYAML's own
    parser, events converted) the data, marks and problems are the same, and PyYAML's event
    classes are back in place after every parse, failed or not."""
    import yaml
    import yaml._yaml

    fast = _outcome(text)
    assert yaml._yaml.ScalarEvent is yaml.ScalarEvent
    assert yaml._yaml.MappingEndEvent is yaml.MappingEndEvent
    monkeypatch.delattr(yaml, "CSafeLoader")
    slow = _outcome(text)
    assert fast == slow
