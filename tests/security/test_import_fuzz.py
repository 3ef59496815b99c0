"""Fuzz target: random Graph-shaped JSON with hostile strings through the real `import` command.

Properties, for every input: the command exits 0 or 2 (never a traceback, never 101); a refusal
is exactly one ``b2blint: error:`` line without terminal controls; nothing is written outside
``--out`` (a sibling canary directory and the inputs stay byte for byte); every written path is
a safe tree name; and re-reading the written tree with lint's reader gives exactly the imported
data - no key added, none lost, every string unchanged - and lint finds no syntax problem in it.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from b2blint.files.document import read_document
from b2blint.graph.mapping import build_policy, recognize, without_unset
from tests.conftest import run_cli

TENANT = "6babcaad-604b-40ac-a9d7-9fd97c0b779f"
GUIDS = [
    "3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11",
    "cdb668e9-1967-4d2f-a91d-d53b5e5267d9",
    "0C3A1F2E-5B6D-4E7F-8A9B-1C2D3E4F5A6B",
]
V1 = "https://graph.microsoft.com/v1.0/$metadata#"
HOSTILE = [
    "../../victimdir/PRECIOUS",
    "/tmp/b2blint-fuzz-escape",
    "",
    ".",
    "..",
    "Fabrikam\ndefault:\n  inboundTrust: {isMfaAccepted: true}\n#",
    "x\u2028default: 1",
    "x\x85y",
    "\x1b[31mred\x1b]0;title\x07",
    "---",
    "...",
    "a: b",
    "# comment",
    "'\"\\",
    "\\n\\u0041",
    "\ud800",
    "\udfff tail",
    "\x00",
    "\ufeff\u202e",
    "yes",
    "~",
    "null",
    "0o17",
    "1_000",
    "2001-12-14",
    "CON",
    "&a *a !!str %YAML",
    GUIDS[0] + "\n",
]
SAFE_NAME = re.compile(r"[a-z0-9][a-z0-9-]*(?:\.yaml)?")

text = st.sampled_from(HOSTILE) | st.text(max_size=12) | st.sampled_from(GUIDS)


def mostly(valid: st.SearchStrategy[Any], hostile: st.SearchStrategy[Any], one_in: int) -> Any:
    """``hostile`` once in ``one_in`` draws: most inputs get far enough to be written."""
    # A middle value: Hypothesis favours the bounds of a range.
    return st.tuples(st.integers(1, one_in), valid, hostile).map(
        lambda drawn: drawn[2] if drawn[0] == one_in // 2 else drawn[1]
    )


tenant_ids = mostly(st.sampled_from(GUIDS), text, 6)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63) | st.floats(allow_nan=False) | text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=8,
)
settings_names = st.sampled_from(
    ["inboundTrust", "b2bCollaborationInbound", "tenantRestrictions", "isServiceProvider"]
)
partner = st.fixed_dictionaries(
    {"tenantId": tenant_ids},
    optional={
        "displayName": text,
        "inboundTrust": st.none()
        | st.fixed_dictionaries({}, optional={"isMfaAccepted": st.booleans() | text}),
        "identitySynchronization": st.none()
        | st.fixed_dictionaries(
            {},
            optional={
                "tenantId": tenant_ids,
                "displayName": text,
                "userSyncInbound": st.fixed_dictionaries({"isSyncAllowed": st.booleans()}),
            },
        ),
    },
).flatmap(
    lambda base: st.dictionaries(settings_names | text, json_values, max_size=2).map(
        lambda extra: {**extra, **base}
    )
)
partners_body = st.builds(
    lambda items, context: {"@odata.context": context, "value": items},
    st.lists(partner, max_size=4, unique_by=lambda item: str(item["tenantId"]).lower()),
    mostly(st.just(V1 + "policies/crossTenantAccessPolicy/partners"), text, 10),
)
authz_body = st.builds(
    lambda values: {"@odata.context": V1 + "policies/authorizationPolicy/$entity", **values},
    st.dictionaries(st.sampled_from(["allowInvitesFrom", "guestUserRoleId"]) | text, json_values),
)
bodies = st.tuples(partners_body, st.none() | authz_body).map(
    lambda pair: [body for body in pair if body is not None]
)


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _merge(tree: Path) -> dict[str, Any]:
    """The policy data lint reads from the tree (partners from every file, in file order)."""
    merged: dict[str, Any] = {}
    partners: list[Any] = []
    for path in sorted(tree.rglob("*.yaml")):
        data = read_document(path).data
        if path.parent.name == "partners":
            assert sorted(data) == ["b2blint", "partners"], data  # no injected key
            assert len(data["partners"]) == 1
        partners.extend(data.pop("partners", []))
        merged.update(data)
    if partners:
        merged["partners"] = partners
    return merged


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(bodies=bodies, ascii_json=st.booleans())
def test_import_fuzz_hostile_graph_json(bodies: list[dict[str, Any]], ascii_json: bool) -> None:
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        work = root / "a" / "b"
        work.mkdir(parents=True)
        canary = root / "a" / "victimdir"
        canary.mkdir()
        (canary / "precious.yaml").write_bytes(b"b2blint: 1\n")
        names = []
        for index, body in enumerate(bodies):
            dumped = json.dumps(body, ensure_ascii=ascii_json, indent=1)
            try:
                raw = dumped.encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate: only the escaped form is a file
                raw = json.dumps(body, ensure_ascii=True, indent=1).encode("utf-8")
            (work / f"{index}.json").write_bytes(raw)
            names.append(f"{index}.json")
        before = _files(root)

        run = run_cli(["import", "--tenant-id", TENANT, "--out", "out", *names], cwd=work)

        assert run.exit_code in (0, 2), run
        after = _files(root)
        outside = {name: data for name, data in after.items() if not name.startswith("a/b/out/")}
        assert outside == before  # nothing written or changed outside --out
        written = sorted(name.removeprefix("a/b/out/") for name in after if name not in outside)
        assert all(all(SAFE_NAME.fullmatch(p) for p in name.split("/")) for name in written)
        if run.exit_code == 2:
            assert (run.stdout, written) == ("", [])
            assert run.stderr.startswith("b2blint: error: ")
            assert run.stderr.count("\n") == 1 and run.stderr.endswith("\n")
            assert "\x1b" not in run.stderr and "\r" not in run.stderr
            return
        assert run.stderr == ""
        assert "\x1b" not in run.stdout
        found = [obj for body in bodies for obj in recognize(body)]
        expected = without_unset(build_policy(found).policy)
        merged = _merge(work / "out")
        assert merged.pop("b2blint") == 1
        assert merged.pop("tenant") == {"id": TENANT, "cloud": "global"}
        for tree in (merged, expected):  # files are read by name, not in policy order
            tree.get("partners", []).sort(key=lambda entry: entry["tenantId"].lower())
        assert merged == expected
        for entry in merged.get("partners", ()):
            assert entry["tenantId"] in GUIDS
        lint = run_cli(["lint", "--format", "json", "out"], cwd=work)
        findings = json.loads(lint.stdout)["findings"]
        assert [f for f in findings if f["rule"].startswith("SYN")] == []
