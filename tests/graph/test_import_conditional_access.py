"""`b2blint import` of Conditional Access responses: Graph's documented examples in, the
read-only context file (`context/conditional-access.yaml`) out, and hostile bodies refused.

The two documented examples are, in tests/fixtures/graph-docs/,
v1.0-conditionalaccessroot-list-policies.json
(https://learn.microsoft.com/graph/api/conditionalaccessroot-list-policies) and
v1.0-conditionalaccesspolicy-get.json
(https://learn.microsoft.com/graph/api/conditionalaccesspolicy-get); sources in SOURCES.md.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from b2blint.files.document import parse_text
from tests.conftest import FIXTURES, run_cli

TENANT = "6babcaad-604b-40ac-a9d7-9fd97c0b779f"
DOCS = FIXTURES / "graph-docs"
LIST = "v1.0-conditionalaccessroot-list-policies.json"
GET = "v1.0-conditionalaccesspolicy-get.json"
CONTEXT = "context/conditional-access.yaml"
V1 = "https://graph.microsoft.com/v1.0/$metadata#"

HEADER = (
    "# Imported by `b2blint import` from saved Microsoft Graph responses:\n"
    "#   {names}\n"
    "# Conditional Access policies: read-only context for lint, simulate and plan.\n"
    "# b2blint never writes them to Graph; re-export to refresh (plan warns when stale).\n"
    "# Graph: GET /identity/conditionalAccess/policies (property names are Graph's own, "
    "docs/format.md).\n"
    "b2blint: 1\n"
    "conditionalAccessPolicies:\n"
)


def _doc(name: str) -> Any:
    return json.loads((DOCS / name).read_text(encoding="utf-8"))


def _import(cwd: Path, *args: str) -> Any:
    return run_cli(["import", "--tenant-id", TENANT, "--out", "out", *args], cwd=cwd)


def _context(root: Path) -> Any:
    return parse_text((root / CONTEXT).read_text(encoding="utf-8"), CONTEXT).data


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def _save(directory: Path, name: str, body: Any) -> str:
    (directory / name).write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
    return name


def test_documented_list_and_get_examples_become_the_context_file(tmp_path: Path) -> None:
    run = run_cli(
        ["import", "--tenant-id", TENANT, "--out", str(tmp_path / "out"), LIST, GET], cwd=DOCS
    )
    out = tmp_path / "out"
    assert (run.exit_code, run.stderr) == (0, "")
    assert run.stdout == (
        f"wrote {out}/tenant.yaml: tenant metadata only\n"
        f"wrote {out}/{CONTEXT}: 3 Conditional Access policies (imported, context)\n"
        f"imported 2 files into {out}: tenant.yaml, 0 partner files and the Conditional "
        f"Access context; next: b2blint lint {out}\n"
    )
    assert _files(out) == [CONTEXT, "tenant.yaml"]
    text = (out / CONTEXT).read_text(encoding="utf-8")
    assert text.startswith(HEADER.format(names=f"{LIST}\n#   {GET}"))
    assert text.count("\n  - id: ") == 3
    # Graph's bodies exactly: every property and value, in order; only @odata.context goes.
    listed = _doc(LIST)["value"]
    single = {k: v for k, v in _doc(GET).items() if k != "@odata.context"}
    assert _context(out) == {"b2blint": 1, "conditionalAccessPolicies": [*listed, single]}
    assert list(_context(out)["conditionalAccessPolicies"][2]) == list(single)


def test_pages_of_one_list_import_in_order_with_a_note(tmp_path: Path) -> None:
    listed = _doc(LIST)
    first = {
        "@odata.context": listed["@odata.context"],
        "@odata.nextLink": "https://graph.microsoft.com/v1.0/identity/conditionalAccess/"
        "policies?$skiptoken=abc",
        "value": listed["value"][:1],
    }
    second = {"@odata.context": listed["@odata.context"], "value": listed["value"][1:]}
    names = [_save(tmp_path, "page1.json", first), _save(tmp_path, "page2.json", second)]
    run = _import(tmp_path, *names)
    assert run.exit_code == 0, run.stderr
    assert (
        "note: page1.json is one page of a longer list (@odata.nextLink): pass every page, "
        "or Conditional Access policies will be missing\n"
    ) in run.stdout
    policies = _context(tmp_path / "out")["conditionalAccessPolicies"]
    assert [p["id"] for p in policies] == [p["id"] for p in listed["value"]]


def test_the_service_context_and_a_bare_array_are_recognised(tmp_path: Path) -> None:
    listed = _doc(LIST)
    service = {**listed, "@odata.context": V1 + "identity/conditionalAccess/policies"}
    array = [_doc(GET)]
    names = [_save(tmp_path, "a.json", service), _save(tmp_path, "b.json", array)]
    run = _import(tmp_path, *names)
    assert run.exit_code == 0, run.stderr
    policies = _context(tmp_path / "out")["conditionalAccessPolicies"]
    assert [p["displayName"] for p in policies] == [
        "SimplePolicy1",
        "SimplePolicy2",
        "Demo app for documentation",
    ]


def test_with_managed_responses_the_tree_gets_both(tmp_path: Path) -> None:
    names = [
        "v1.0-crosstenantaccesspolicyconfigurationdefault-get.json",
        "v1.0-crosstenantaccesspolicy-list-partners.json",
        LIST,
    ]
    run = run_cli(
        ["import", "--tenant-id", TENANT, "--out", str(tmp_path / "out"), *names], cwd=DOCS
    )
    assert run.exit_code == 0, run.stderr
    files = _files(tmp_path / "out")
    assert CONTEXT in files and "tenant.yaml" in files
    assert any(f.startswith("partners/") for f in files)
    tenant = (tmp_path / "out" / "tenant.yaml").read_text(encoding="utf-8")
    assert "conditionalAccess" not in tenant
    assert run.stdout.endswith(
        ", 1 partner file and the Conditional Access context; next: b2blint lint "
        f"{tmp_path / 'out'}\n"
    )


def test_annotations_dropped_except_nested_odata_type(tmp_path: Path) -> None:
    """externalTenants is abstract: @odata.type alone tells "all" from "enumerated" apart
    (https://learn.microsoft.com/graph/api/resources/conditionalaccessexternaltenants)."""
    policy = copy.deepcopy(_doc(GET))
    policy["@odata.etag"] = 'W/"x"'
    policy["@odata.type"] = "#microsoft.graph.conditionalAccessPolicy"
    users = policy["conditions"]["users"]
    users["includeGuestsOrExternalUsers"] = {
        "guestOrExternalUserTypes": "b2bCollaborationGuest,b2bDirectConnectUser",
        "externalTenants": {
            "@odata.type": "#microsoft.graph.conditionalAccessEnumeratedExternalTenants",
            "membershipKind": "enumerated",
            "members": ["3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11"],
        },
    }
    users["includeRoles@odata.count"] = 3
    run = _import(tmp_path, _save(tmp_path, "one.json", policy))
    assert run.exit_code == 0, run.stderr
    (kept,) = _context(tmp_path / "out")["conditionalAccessPolicies"]
    assert not [k for k in kept if k.startswith("@")]
    assert "includeRoles@odata.count" not in kept["conditions"]["users"]
    assert kept["conditions"]["users"]["includeGuestsOrExternalUsers"]["externalTenants"] == {
        "@odata.type": "#microsoft.graph.conditionalAccessEnumeratedExternalTenants",
        "membershipKind": "enumerated",
        "members": ["3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11"],
    }


def _refused(tmp_path: Path, run: Any, message: str) -> None:
    assert (run.exit_code, run.stdout) == (2, "")
    assert run.stderr == f"b2blint: error: {message}\n"
    assert not (tmp_path / "out").exists()


def test_same_policy_twice_is_refused_at_both_places(tmp_path: Path) -> None:
    names = [_save(tmp_path, "a.json", _doc(LIST)), _save(tmp_path, "b.json", _doc(LIST))]
    run = _import(tmp_path, *names)
    _refused(
        tmp_path,
        run,
        "b.json:5:13: Conditional Access policy ad8d2b4a-8d30-413f-88b8-144c6c8d98d9 appears "
        "twice (first at a.json:5:13); pass each page once",
    )


def test_hostile_ids_are_refused_with_their_position(tmp_path: Path) -> None:
    listed = _doc(LIST)
    listed["value"][1]["id"] = "../../etc\nb2blint: 1"
    run = _import(tmp_path, _save(tmp_path, "bad.json", listed))
    _refused(
        tmp_path,
        run,
        "bad.json:46:13: conditionalAccessPolicy id '../../etc\\nb2blint: 1' is not a GUID "
        "(Graph gives every policy a GUID id; context is matched by it)",
    )
    listed["value"][1].pop("id")
    run = _import(tmp_path, _save(tmp_path, "noid.json", listed))
    _refused(
        tmp_path,
        run,
        "noid.json:45:5: conditionalAccessPolicy id null is not a GUID (Graph gives every "
        "policy a GUID id; context is matched by it)",
    )


def test_wrong_type_in_a_policy_list_is_refused(tmp_path: Path) -> None:
    listed = _doc(LIST)
    listed["value"][0]["@odata.type"] = "#microsoft.graph.user"
    run = _import(tmp_path, _save(tmp_path, "typed.json", listed))
    _refused(
        tmp_path,
        run,
        "typed.json:4:5: @odata.type '#microsoft.graph.user' is not a conditionalAccessPolicy",
    )
    listed["value"][0] = ["not", "an", "object"]
    run = _import(tmp_path, _save(tmp_path, "list.json", listed))
    _refused(
        tmp_path, run, "list.json:4:5: list item is not a JSON object (a conditionalAccessPolicy)"
    )


def test_hostile_names_stay_values(tmp_path: Path) -> None:
    """A display name that tries to end its line, open a key or a document, or carry terminal
    escapes is written as one escaped YAML value: the file reads back to exactly Graph's data,
    with no key and no file the data did not have."""
    listed = _doc(LIST)
    hostile = [
        "x\nb2blint: 2\npartners: []",
        "---\n# comment\n...",
        "\x1b]8;;https://evil.example\x07click\x1b]8;;\x07 \u202eevil",
        "key: value # not a comment",
        "*alias &anchor !!python/object:os.system",
    ]
    listed["value"] = [
        {
            **copy.deepcopy(listed["value"][0]),
            "id": f"00000000-0000-0000-0000-00000000000{i}",
            "displayName": name,
        }
        for i, name in enumerate(hostile)
    ]
    run = _import(tmp_path, _save(tmp_path, "hostile.json", listed))
    assert run.exit_code == 0, run.stderr
    assert _files(tmp_path / "out") == [CONTEXT, "tenant.yaml"]
    data = _context(tmp_path / "out")
    assert list(data) == ["b2blint", "conditionalAccessPolicies"]
    assert [p["displayName"] for p in data["conditionalAccessPolicies"]] == hostile
    assert "\x1b" not in run.stdout and "\u202e" not in run.stdout
