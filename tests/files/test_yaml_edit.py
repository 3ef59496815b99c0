"""Fix edits change only the edited lines: exact text before and after."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from b2blint.diagnostics import Edit, Fix
from b2blint.files.document import parse_text
from b2blint.files.yaml_edit import EditError, Style, YamlText, apply_splices, expected_data
from b2blint.lint.fixer import apply_fixes

# Mixed styles on purpose: top-level list at offset 0, nested lists at offset 2, 4-space
# mappings under `settings`, flow mappings, quoted strings, comments and blank lines.
TEXT = """\
# Partners managed by the collaboration team.
b2blint: 1
partners:
# Fabrikam: contract SEC-1001.
- tenantId: "3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11"  # key
  name: 'Fabrikam'
  domains: [fabrikam.com, mail.fabrikam.com]

  settings:
      inboundTrust: {isMfaAccepted: true, isCompliantDeviceAccepted: false}
      b2bCollaborationInbound:
          usersAndGroups:
              accessType: allowed   # groups only
              targets:
                - target: c23973f8-dcc3-4275-9070-7ad998fd1fb9
                  targetType: group
                - target: 7ba67bdd-48a1-4827-b4ef-2486c01e13e2
                  targetType: group
- tenantId: 8cf70e0d-4dbc-480e-ac48-56bb7335817b
  name: Northwind
"""
P0 = ("partners", 0)
SETTINGS = (*P0, "settings")
USERS = (*SETTINGS, "b2bCollaborationInbound", "usersAndGroups")


def edit(text: str, *edits: Edit) -> str:
    """Apply edits as one fix; the result must verify (parse to the expected data)."""
    new_text, applied, notes = apply_fixes(text, [Fix("p.yaml", "test", edits)])
    assert notes == [] and len(applied) == 1, notes
    return new_text


def changed_lines(before: str, after: str) -> list[str]:
    import difflib

    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_detects_the_files_indentation() -> None:
    assert YamlText(TEXT).style == Style(mapping=4, offset=2)
    assert YamlText("a:\n  b:\n  - 1\n  c: 2\n").style == Style(mapping=2, offset=0)


@pytest.mark.parametrize(
    ("edits", "diff"),
    [
        (
            [Edit("set", (*USERS, "accessType"), "blocked")],
            [
                "-              accessType: allowed   # groups only",
                "+              accessType: blocked   # groups only",
            ],
        ),
        (
            [Edit("set", (*P0, "name"), "Fabrikam Ltd")],
            ["-  name: 'Fabrikam'", "+  name: 'Fabrikam Ltd'"],
        ),
        (
            [Edit("set", (*P0, "tenantId"), "3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a12")],
            [
                '-- tenantId: "3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11"  # key',
                '+- tenantId: "3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a12"  # key',
            ],
        ),
        (
            [Edit("set", (*SETTINGS, "inboundTrust", "isMfaAccepted"), False)],
            [
                "-      inboundTrust: {isMfaAccepted: true, isCompliantDeviceAccepted: false}",
                "+      inboundTrust: {isMfaAccepted: false, isCompliantDeviceAccepted: false}",
            ],
        ),
        (
            [Edit("set", (*SETTINGS, "inboundTrust", "isHybridAzureADJoinedDeviceAccepted"), True)],
            [
                "-      inboundTrust: {isMfaAccepted: true, isCompliantDeviceAccepted: false}",
                "+      inboundTrust: {isMfaAccepted: true, isCompliantDeviceAccepted: false, "
                "isHybridAzureADJoinedDeviceAccepted: true}",
            ],
        ),
        (
            [Edit("delete", (*SETTINGS, "inboundTrust", "isMfaAccepted"))],
            [
                "-      inboundTrust: {isMfaAccepted: true, isCompliantDeviceAccepted: false}",
                "+      inboundTrust: {isCompliantDeviceAccepted: false}",
            ],
        ),
        (
            [Edit("delete", (*SETTINGS, "inboundTrust", "isCompliantDeviceAccepted"))],
            [
                "-      inboundTrust: {isMfaAccepted: true, isCompliantDeviceAccepted: false}",
                "+      inboundTrust: {isMfaAccepted: true}",
            ],
        ),
        (
            [Edit("append", (*P0, "domains"), "fabrikam.de")],
            [
                "-  domains: [fabrikam.com, mail.fabrikam.com]",
                "+  domains: [fabrikam.com, mail.fabrikam.com, fabrikam.de]",
            ],
        ),
        (
            [Edit("delete", (*P0, "domains", 0))],
            ["-  domains: [fabrikam.com, mail.fabrikam.com]", "+  domains: [mail.fabrikam.com]"],
        ),
        (
            [Edit("delete", (*USERS, "targets", 0))],
            [
                "-                - target: c23973f8-dcc3-4275-9070-7ad998fd1fb9",
                "-                  targetType: group",
            ],
        ),
        (
            [Edit("append", (*USERS, "targets"), {"target": "AllUsers", "targetType": "user"})],
            ["+                - target: AllUsers", "+                  targetType: user"],
        ),
        (
            [Edit("delete", (*SETTINGS, "inboundTrust"))],
            ["-      inboundTrust: {isMfaAccepted: true, isCompliantDeviceAccepted: false}"],
        ),
        (
            [Edit("delete", ("partners", 1, "tenantId"))],
            [
                "-- tenantId: 8cf70e0d-4dbc-480e-ac48-56bb7335817b",
                "-  name: Northwind",
                "+- name: Northwind",
            ],
        ),
        (
            [Edit("delete", ("partners", 1))],
            ["-- tenantId: 8cf70e0d-4dbc-480e-ac48-56bb7335817b", "-  name: Northwind"],
        ),
        (
            [
                Edit(
                    "set",
                    (*SETTINGS, "tenantRestrictions", "usersAndGroups"),
                    {
                        "accessType": "blocked",
                        "targets": [{"target": "AllUsers", "targetType": "user"}],
                    },
                )
            ],
            [
                "+      tenantRestrictions:",
                "+          usersAndGroups:",
                "+              accessType: blocked",
                "+              targets:",
                "+                - target: AllUsers",
                "+                  targetType: user",
            ],
        ),
        (
            [Edit("set", ("partners", 1, "settings"), {"isServiceProvider": True})],
            ["+  settings:", "+      isServiceProvider: true"],
        ),
        (
            [Edit("set", (*USERS, "targets"), [{"target": "AllUsers", "targetType": "user"}])],
            [
                "-                - target: c23973f8-dcc3-4275-9070-7ad998fd1fb9",
                "-                  targetType: group",
                "-                - target: 7ba67bdd-48a1-4827-b4ef-2486c01e13e2",
                "-                  targetType: group",
                "+                - target: AllUsers",
                "+                  targetType: user",
            ],
        ),
        (
            [Edit("set", (*P0, "name"), "yes"), Edit("set", ("partners", 1, "name"), "12")],
            ["-  name: 'Fabrikam'", "+  name: 'yes'", "-  name: Northwind", '+  name: "12"'],
        ),
    ],
    ids=[
        "scalar-keeps-comment",
        "keeps-single-quotes",
        "keeps-double-quotes",
        "flow-value",
        "flow-add-key",
        "flow-delete-first",
        "flow-delete-last",
        "flow-append",
        "flow-delete-item",
        "block-delete-item",
        "block-append-item",
        "delete-key-line",
        "delete-first-key-of-item",
        "delete-list-item",
        "add-nested-key",
        "add-missing-section",
        "replace-block-list",
        "quote-ambiguous-strings",
    ],
)
def test_only_the_edited_lines_change(edits: list[Edit], diff: list[str]) -> None:
    assert changed_lines(TEXT, edit(TEXT, *edits)) == diff


def test_emptying_a_collection_writes_empty_flow() -> None:
    text = "b2blint: 1\ndefault:\n  inboundTrust:\n    isMfaAccepted: true\nx:\n  - 1\n"
    assert edit(text, Edit("delete", ("default", "inboundTrust", "isMfaAccepted"))) == (
        "b2blint: 1\ndefault:\n  inboundTrust: {}\nx:\n  - 1\n"
    )
    assert edit(text, Edit("delete", ("x", 0))) == (
        "b2blint: 1\ndefault:\n  inboundTrust:\n    isMfaAccepted: true\nx: []\n"
    )


def test_null_value_becomes_a_block_after_its_key() -> None:
    text = "b2blint: 1\ndefault:  # nothing yet\nafter: 1\n"
    assert edit(text, Edit("set", ("default", "inboundTrust"), {"isMfaAccepted": True})) == (
        "b2blint: 1\ndefault:  # nothing yet\n  inboundTrust:\n    isMfaAccepted: true\nafter: 1\n"
    )
    text = "b2blint: 1\ndefault: null\n"
    assert edit(text, Edit("set", ("default",), {"a": [1, 2]})) == (
        "b2blint: 1\ndefault:\n  a:\n    - 1\n    - 2\n"
    )


def test_crlf_and_missing_final_newline_are_kept() -> None:
    text = "b2blint: 1\r\nlist:\r\n  - a\r\n  - b\r\nlast: x"
    assert edit(text, Edit("append", ("list",), "c")) == (
        "b2blint: 1\r\nlist:\r\n  - a\r\n  - b\r\n  - c\r\nlast: x"
    )
    assert (
        edit(text, Edit("set", ("last",), "z"))
        == "b2blint: 1\r\nlist:\r\n  - a\r\n  - b\r\nlast: z"
    )
    assert edit(text, Edit("delete", ("list", 0))) == "b2blint: 1\r\nlist:\r\n  - b\r\nlast: x"


def test_line_edits_change_comments_only() -> None:
    text = "a: 1  # b2blint: disable=X\n# b2blint: disable-next-line=Y\nb: 2\n"
    assert edit(text, Edit("line", (1,), "a: 1"), Edit("line", (2,), None)) == "a: 1\nb: 2\n"
    new_text, applied, notes = apply_fixes(
        text, [Fix("p.yaml", "bad", (Edit("line", (3,), "b: 3"),))]
    )
    assert (new_text, applied) == (text, [])
    assert notes == [
        "p.yaml: fix 'bad' was not applied: its result did not verify (please report this)"
    ]


def test_conflicting_fixes_are_deferred_not_mixed() -> None:
    first = Fix("p.yaml", "delete the setting", (Edit("delete", (*SETTINGS, "inboundTrust")),))
    second = Fix(
        "p.yaml",
        "change inside it",
        (Edit("set", (*SETTINGS, "inboundTrust", "isMfaAccepted"), False),),
    )
    third = Fix("p.yaml", "elsewhere", (Edit("set", (*P0, "name"), "F"),))
    new_text, applied, notes = apply_fixes(TEXT, [first, second, third])
    assert applied == [first, third] and notes == []
    assert "inboundTrust" not in new_text and "name: 'F'" in new_text


def test_deletions_resolve_against_the_original_document() -> None:
    text = "l: [a, b, c, d]\n"
    fixes = [
        Fix("p.yaml", "x", (Edit("delete", ("l", 1)),)),
        Fix("p.yaml", "y", (Edit("delete", ("l", 2)),)),
    ]
    assert apply_fixes(text, fixes)[0] == "l: [a, d]\n"
    assert expected_data(
        {"l": ["a", "b", "c"]}, [Edit("delete", ("l", 0)), Edit("delete", ("l", 2))]
    ) == {"l": ["b"]}


def test_impossible_edits_are_reported() -> None:
    with pytest.raises(EditError):
        YamlText("a: 1\n").splices(Edit("delete", ("b",)))
    with pytest.raises(EditError):
        YamlText("a: 1\n").splices(Edit("append", ("a",), 2))
    with pytest.raises(EditError):
        YamlText("a: 1\n").splices(Edit("rename", ("a",), "b"))
    with pytest.raises(EditError):
        apply_splices("abc", [*YamlText("a: 1\n").splices(Edit("set", ("a",), 2))] * 2)


# -- property: any single edit on a mixed-style document verifies ----------------------------------


def _paths(
    data: Any, prefix: tuple[str | int, ...] = ()
) -> list[tuple[tuple[str | int, ...], Any]]:
    found: list[tuple[tuple[str | int, ...], Any]] = []
    items = (
        data.items()
        if isinstance(data, dict)
        else enumerate(data)
        if isinstance(data, list)
        else []
    )
    for key, value in items:
        found.append(((*prefix, key), value))
        found.extend(_paths(value, (*prefix, key)))
    return found


VALUES = st.one_of(
    st.sampled_from(["AllUsers", "yes", "12", "a b", "x: y", "", "it's"]),
    st.booleans(),
    st.none(),
    st.integers(-5, 5),
    st.lists(st.sampled_from(["a", "b"]), max_size=2),
    st.dictionaries(
        st.sampled_from(["k", "accessType"]), st.sampled_from(["v", "allowed"]), max_size=2
    ),
)


@settings(max_examples=150, deadline=None)
@given(
    data=st.data(),
    text=st.sampled_from(
        [
            TEXT,
            TEXT.replace("\n", "\r\n"),
            yaml.safe_dump(parse_text(TEXT, "t").data, sort_keys=False, indent=4),
        ]
    ),
)
def test_any_single_edit_verifies(data: st.DataObject, text: str) -> None:
    document = parse_text(text, "t")
    path, value = data.draw(st.sampled_from(_paths(document.data)))
    op = data.draw(
        st.sampled_from(
            ["set", "delete", "append"] if isinstance(value, list) else ["set", "delete"]
        )
    )
    new_value = data.draw(VALUES) if op != "delete" else None
    new_text = edit(text, Edit(op, path, new_value))
    assert parse_text(new_text, "t").data == expected_data(
        document.data, [Edit(op, path, new_value)]
    )
    if "\r\n" in text:
        assert "\n" not in new_text.replace("\r\n", "")


def test_text_overlap_defers_even_without_a_common_path() -> None:
    text = "a: 1  # b2blint: disable=X\nb: [x, y]\n"
    comment = Fix("p.yaml", "drop the comment", (Edit("line", (1,), "a: 1"),))
    value = Fix("p.yaml", "change a", (Edit("set", ("a",), 2),))
    append = Fix("p.yaml", "append", (Edit("append", ("b",), "z"),))
    again = Fix("p.yaml", "append again", (Edit("append", ("b",), "w"),))
    new_text, applied, notes = apply_fixes(text, [comment, value, append, again])
    assert (applied, notes) == ([comment, append, again], [])
    assert new_text == "a: 1\nb: [x, y, z, w]\n"


def test_deleting_the_last_flow_item_removes_only_its_own_text_and_comment() -> None:
    head = "x: [\n  a, # keep a\n  b,  # keep b\n"
    assert edit(head + "  c, # c\n]\n", Edit("delete", ("x", 2))) == head + "]\n"
    assert edit(head + "  c  # c\n]\n", Edit("delete", ("x", 2))) == (
        "x: [\n  a, # keep a\n  b  # keep b\n]\n"
    )
    assert edit("x: [a, b]  # keep\n", Edit("delete", ("x", 1))) == "x: [a]  # keep\n"
