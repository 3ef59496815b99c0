"""`b2blint import` fed hostile Graph JSON (attack report 2026-12, F14-F18): each attack for real.

Every refusal is one ``b2blint: error:`` line with FILE:LINE:COL and the JSON path, exit 2, and
nothing written anywhere (not in --out, not outside it).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from b2blint.errors import B2BLintError
from b2blint.files.document import MAX_FILE_BYTES, read_document
from b2blint.graph.treewriter import TreeFile, write_tree
from tests.conftest import run_cli

TENANT = "6babcaad-604b-40ac-a9d7-9fd97c0b779f"
FABRIKAM = "3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11"
ADATUM = "cdb668e9-1967-4d2f-a91d-d53b5e5267d9"
PARTNERS_CONTEXT = (
    "https://graph.microsoft.com/v1.0/$metadata#policies/crossTenantAccessPolicy/partners"
)
# The line and column of value[0].tenantId in a `_partners` file (json.dumps indent=2).
TENANT_ID_AT = "5:19"


def _partners(directory: Path, *items: dict[str, Any], name: str = "partners.json") -> str:
    body = {"@odata.context": PARTNERS_CONTEXT, "value": list(items)}
    (directory / name).write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
    return name


def _import(cwd: Path, *args: str) -> Any:
    return run_cli(["import", "--tenant-id", TENANT, "--out", "out", *args], cwd=cwd)


def _files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _refused(run: Any, cwd: Path, message: str, before: dict[str, bytes]) -> None:
    assert (run.exit_code, run.stdout) == (2, "")
    assert run.stderr == f"b2blint: error: {message}\n"
    assert not (cwd / "out").exists()
    assert _files(cwd) == before  # nothing written or changed anywhere under cwd


# --------------------------------------------------------------------------- F14, F17, F16 tenantId


def test_import_tenant_id_path_traversal_is_refused(tmp_path: Path) -> None:
    """F14: '../../victimdir/PRECIOUS' overwrote a file outside --out with exit 0."""
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    victim = tmp_path / "a" / "victimdir"
    victim.mkdir()
    (victim / "precious.yaml").write_bytes(b"b2blint: 1\n# keep me\n")
    (victim / "PRECIOUS.yaml").write_bytes(b"b2blint: 1\n# keep me too\n")
    name = _partners(work, {"tenantId": "../../victimdir/PRECIOUS", "inboundTrust": None})
    before = _files(tmp_path)
    run = _import(work, name)
    _refused(
        run,
        tmp_path,
        f"{name}:{TENANT_ID_AT}: partner tenantId '../../victimdir/PRECIOUS' is not a GUID "
        "(Graph's tenant IDs are) at $.value[0].tenantId",
        before,
    )


def test_import_absolute_tenant_id_is_refused(tmp_path: Path) -> None:
    """F14: an absolute tenantId wrote anywhere (mkdir -p included)."""
    target = tmp_path / "elsewhere" / "deep" / "x"
    name = _partners(tmp_path, {"tenantId": str(target), "inboundTrust": None})
    before = _files(tmp_path)
    run = _import(tmp_path, name)
    cut = str(target)[:60] + ("'..." if len(str(target)) > 60 else "'")
    _refused(
        run,
        tmp_path,
        f"{name}:{TENANT_ID_AT}: partner tenantId '{cut} is not a GUID "
        "(Graph's tenant IDs are) at $.value[0].tenantId",
        before,
    )
    assert not (tmp_path / "elsewhere").exists()


@pytest.mark.parametrize(
    ("tenant_id", "shown"),
    [
        ("", "''"),  # F17: partners/.yaml, a hidden file lint skipped
        (".", "'.'"),
        ("..", "'..'"),
        (f"{FABRIKAM}\n", "'" + FABRIKAM + "\\n'"),  # a GUID and a newline: matched with $
        ("a\nb", "'a\\nb'"),  # F17: a file name with a newline
        (f"{FABRIKAM}\x00", "'" + FABRIKAM + "\\0'"),  # F16: NUL was exit 101
        ("\x1b]0;pwned\x07", "'\\e]0;pwned\\a'"),  # a terminal title escape in the message
        ("x" * 5000, "'" + "x" * 60 + "'..."),
        (5, "a number"),
        (None, "null"),
    ],
)
def test_import_tenant_id_that_is_not_a_guid_is_refused(
    tmp_path: Path, tenant_id: Any, shown: str
) -> None:
    name = _partners(tmp_path, {"tenantId": tenant_id, "inboundTrust": None})
    before = _files(tmp_path)
    run = _import(tmp_path, name)
    message = (
        f"{name}:{TENANT_ID_AT}: partner tenantId {shown} is not a GUID "
        "(Graph's tenant IDs are) at $.value[0].tenantId"
    )
    if tenant_id is None:
        message = f"{name}:4:5: partner without a tenantId"
    _refused(run, tmp_path, message, before)


def test_import_sync_tenant_id_must_be_its_partners(tmp_path: Path) -> None:
    """An identitySynchronization whose own tenantId differs would become a second partner."""
    name = _partners(
        tmp_path,
        {
            "tenantId": FABRIKAM,
            "identitySynchronization": {
                "tenantId": "../../../escape",
                "userSyncInbound": {"isSyncAllowed": True},
            },
        },
    )
    before = _files(tmp_path)
    run = _import(tmp_path, name)
    _refused(
        run,
        tmp_path,
        f"{name}:7:21: identitySynchronization tenantId '../../../escape' is not its partner's "
        f"({FABRIKAM}) at $.value[0].identitySynchronization.tenantId",
        before,
    )


def test_import_sync_tenant_id_from_odata_context_is_checked(tmp_path: Path) -> None:
    """A single identitySynchronization GET names its partner only in @odata.context."""
    body = {
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#policies/"
        "crossTenantAccessPolicy/partners('..%2F..%2Fx')/identitySynchronization/$entity",
        "displayName": "Fabrikam",
        "userSyncInbound": {"isSyncAllowed": True},
    }
    (tmp_path / "sync.json").write_text(json.dumps(body, indent=2), encoding="utf-8")
    before = _files(tmp_path)
    run = _import(tmp_path, "sync.json")
    _refused(
        run,
        tmp_path,
        "sync.json:2:21: identitySynchronization tenantId '..%2F..%2Fx' is not a GUID "
        '(Graph\'s tenant IDs are) at $["@odata.context"]',
        before,
    )


# --------------------------------------------------------------------------- F16 values


def test_import_5000_digit_number_is_a_positioned_error(tmp_path: Path) -> None:
    """F16: int('9' * 5000) raised ValueError (exit 101)."""
    (tmp_path / "big.json").write_text(
        '{"value": [\n  {"tenantId": "'
        + FABRIKAM
        + '",\n   "inboundTrust": {"isMfaAccepted": '
        + "9" * 5000
        + "}}\n]}\n",
        encoding="utf-8",
    )
    before = _files(tmp_path)
    run = _import(tmp_path, "big.json")
    _refused(
        run, tmp_path, "big.json:3:38: number of 5,000 characters is too long (at most 100)", before
    )


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("NaN", "invalid JSON: NaN is not a JSON value"),
        ("-Infinity", "invalid JSON: -Infinity is not a JSON value"),
        ("1e400", "number 1e400 is out of range (over a double's maximum)"),
    ],
)
def test_import_non_finite_numbers_are_refused(tmp_path: Path, token: str, message: str) -> None:
    (tmp_path / "n.json").write_text(
        '{"value": [\n  {"tenantId": "' + FABRIKAM + '", "x": ' + token + "}\n]}\n",
        encoding="utf-8",
    )
    before = _files(tmp_path)
    run = _import(tmp_path, "n.json")
    _refused(run, tmp_path, f"n.json:2:61: {message}", before)


def test_import_lone_surrogate_is_a_positioned_error(tmp_path: Path) -> None:
    """F16: a lone surrogate (valid JSON escape, not Unicode) crashed the UTF-8 writer."""
    (tmp_path / "s.json").write_text(
        '{"value": [\n  {"tenantId": "'
        + FABRIKAM
        + '",\n   "displayName": "Fab\\ud800rikam"}\n]}\n',
        encoding="utf-8",
    )
    before = _files(tmp_path)
    run = _import(tmp_path, "s.json")
    _refused(
        run,
        tmp_path,
        "s.json:3:19: string at $.value[0].displayName holds a lone surrogate (U+D800), "
        "which is not Unicode text and cannot be written to YAML",
        before,
    )


def test_import_lone_surrogate_in_a_setting_key_is_refused(tmp_path: Path) -> None:
    (tmp_path / "k.json").write_text(
        '{"value": [\n  {"tenantId": "'
        + FABRIKAM
        + '",\n   "inboundTrust": {"\\udfff": true}}\n]}\n',
        encoding="utf-8",
    )
    run = _import(tmp_path, "k.json")
    assert run.exit_code == 2
    assert run.stderr == (
        "b2blint: error: k.json:3:20: a key in $.value[0].inboundTrust holds a lone surrogate, "
        "which is not Unicode text and cannot be written to YAML\n"
    )


# --------------------------------------------------------------------------- F15 injection


INJECTION = "Fabrikam\ndefault:\n  inboundTrust: {isMfaAccepted: true}\n#"


def test_import_display_name_cannot_inject_a_default_section(tmp_path: Path) -> None:
    """F15: a newline in displayName ended the header comment and wrote a live `default:`."""
    name = _partners(tmp_path, {"tenantId": FABRIKAM, "displayName": INJECTION})
    run = _import(tmp_path, name)
    assert (run.exit_code, run.stderr) == (0, "")
    partner_file = tmp_path / "out/partners/fabrikam-default-inboundtrust-ismfaaccepted-true.yaml"
    text = partner_file.read_text(encoding="utf-8")
    assert text.splitlines()[0] == (
        "# Partner Fabrikam\\ndefault:\\n  inboundTrust: {isMfaAccepted: true}\\n#, "
        "imported by `b2blint import`."
    )
    assert '    name: "Fabrikam\\ndefault:\\n  inboundTrust: {isMfaAccepted: true}\\n#"\n' in text
    data = read_document(partner_file).data
    assert data == {
        "b2blint": 1,
        "partners": [{"tenantId": FABRIKAM, "name": INJECTION, "settings": {}}],
    }
    lint = run_cli(["lint", "--format", "json", "out"], cwd=tmp_path)
    assert lint.exit_code == 0, lint.stdout
    effective = run_cli(
        ["effective", "--format", "json", "--partner", FABRIKAM, "out"], cwd=tmp_path
    )
    assert effective.exit_code == 0, effective.stderr
    trust = json.loads(effective.stdout)["settings"]["inboundTrust"]
    assert (trust["source"], trust["value"]["isMfaAccepted"]) == ("service default", False)


@pytest.mark.parametrize(
    "hostile",
    [
        "x\u2028default: {inboundTrust: {isMfaAccepted: true}}",  # a line break to libyaml only
        "x\x85default: 1",  # NEL, the same
        "x\rdefault: 1",
        "---\ndefault: 1",
        "...\n---\nb2blint: 2",
        "a: b",
        "# b2blint: disable-file",
        "'quoted' \"both\" \\ backslash \\n not a newline",
        "\ufeffBOM \u202eRTL override\u202c",
        "yes",
        "~",
        "0777",
        "2001-12-14",
        "- item",
        "{x: 1}",
        "&anchor *alias !tag %directive @at `tick`",
        " leading and trailing ",
        "",
    ],
)
def test_import_hostile_names_read_back_exactly(tmp_path: Path, hostile: str) -> None:
    """Every hostile string is written so that reading the file back gives it unchanged."""
    body = {
        "tenantId": FABRIKAM,
        "displayName": "Fabrikam",
        "inboundTrust": None,
        "identitySynchronization": {"tenantId": FABRIKAM, "displayName": hostile},
    }
    name = _partners(tmp_path, body)
    run = _import(tmp_path, name)
    assert (run.exit_code, run.stderr) == (0, "")
    data = read_document(tmp_path / "out/partners/fabrikam.yaml").data
    assert data == {
        "b2blint": 1,
        "partners": [
            {
                "tenantId": FABRIKAM,
                "name": "Fabrikam",
                "settings": {},
                "identitySynchronization": {"displayName": hostile},
            }
        ],
    }
    assert read_document(tmp_path / "out/tenant.yaml").data == {
        "b2blint": 1,
        "tenant": {"id": TENANT, "cloud": "global"},
    }
    lint = run_cli(["lint", "--format", "json", "out"], cwd=tmp_path)
    findings = json.loads(lint.stdout)["findings"]
    assert [f["rule"] for f in findings if f["rule"].startswith(("SYN", "SCH"))] == []


# --------------------------------------------------------------------------- F18 terminal, size


def test_import_summary_escapes_terminal_controls(tmp_path: Path) -> None:
    """F18: ESC codes in displayName were echoed raw in the `wrote ...` line."""
    name = _partners(tmp_path, {"tenantId": FABRIKAM, "displayName": "\x1b[2J\x1b]0;owned\x07Fab"})
    run = _import(tmp_path, name)
    assert (run.exit_code, run.stderr) == (0, "")
    assert "\x1b" not in run.stdout and "\x07" not in run.stdout
    assert (
        f"wrote out/partners/2j-0-owned-fab.yaml: partner {FABRIKAM} (\\e[2J\\e]0;owned\\aFab)\n"
        in run.stdout
    )


def test_import_unrecognised_context_message_is_one_escaped_line(tmp_path: Path) -> None:
    (tmp_path / "c.json").write_text(
        json.dumps({"@odata.context": "x\nb2blint: error: forged\x1b[31m", "value": []}),
        encoding="utf-8",
    )
    run = _import(tmp_path, "c.json")
    assert run.exit_code == 2
    assert run.stderr.startswith(
        "b2blint: error: c.json:1:1: @odata.context 'x\\nb2blint: error: forged\\e[31m' "
        "is not a response b2blint imports"
    )
    assert run.stderr.count("\n") == 1 and "\x1b" not in run.stderr


def test_import_refuses_a_file_lint_would_refuse(tmp_path: Path) -> None:
    """F18: 200k targets made a 10.2 MB partner file that lint then refused (SYN002)."""
    targets = [
        {"target": f"{n:08x}-48a1-4827-b4ef-2486c01e13e2", "targetType": "user"}
        for n in range(80_000)
    ]
    name = _partners(
        tmp_path,
        {
            "tenantId": FABRIKAM,
            "displayName": "Fabrikam",
            "b2bCollaborationInbound": {
                "usersAndGroups": {"accessType": "allowed", "targets": targets},
            },
        },
    )
    before = _files(tmp_path)
    run = _import(tmp_path, name)
    assert (run.exit_code, run.stdout) == (2, "")
    match = re.fullmatch(
        r"b2blint: error: partners/fabrikam\.yaml would be ([0-9,]+) bytes, over the "
        r"5,242,880-byte limit lint reads a policy file up to "
        rf"\(partner {FABRIKAM} \(Fabrikam\)\); nothing written\n",
        run.stderr,
    )
    assert match is not None, run.stderr
    assert int(match.group(1).replace(",", "")) > MAX_FILE_BYTES
    assert not (tmp_path / "out").exists()
    assert _files(tmp_path) == before


# --------------------------------------------------------------------------- file names


def test_import_partner_file_names_are_safe_on_every_system(tmp_path: Path) -> None:
    """A name that is a Windows device (CON) or too long for a file name gets a safe slug."""
    name = _partners(
        tmp_path,
        {"tenantId": FABRIKAM, "displayName": "CON", "inboundTrust": None},
        {"tenantId": ADATUM, "displayName": "Ab" * 300, "inboundTrust": None},
    )
    run = _import(tmp_path, name)
    assert (run.exit_code, run.stderr) == (0, "")
    assert sorted(_files(tmp_path / "out")) == [
        f"partners/{'ab' * 32}.yaml",
        "partners/con-3d0f5dd2.yaml",
        "tenant.yaml",
    ]


# --------------------------------------------------------------------------- symlinks


def test_import_symlinked_out_is_refused(tmp_path: Path) -> None:
    """A symlink as --out (even to an empty directory) is refused, not followed."""
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "out").symlink_to(real)
    name = _partners(tmp_path, {"tenantId": FABRIKAM, "displayName": "Fabrikam"})
    run = _import(tmp_path, name)
    assert (run.exit_code, run.stdout) == (2, "")
    assert run.stderr == (
        f"b2blint: error: --out out: is a symbolic link (to {real}); import writes only into "
        "a real directory: pass the directory itself\n"
    )
    assert list(real.iterdir()) == []


def test_write_tree_does_not_follow_a_symlink_swapped_in_after_the_check(tmp_path: Path) -> None:
    """The writer itself opens --out with O_NOFOLLOW: a link planted after the check fails."""
    real = tmp_path / "victim"
    real.mkdir()
    link = tmp_path / "out"
    link.symlink_to(real)
    files = [
        TreeFile(Path("tenant.yaml"), "b2blint: 1\n", "x"),
        TreeFile(Path("partners") / "fabrikam.yaml", "b2blint: 1\n", "y"),
    ]
    with pytest.raises(B2BLintError) as raised:
        write_tree(link, files)
    assert str(raised.value) == (
        f"{link}: cannot write: is a symbolic link or not a directory (not followed)"
    )
    assert list(real.iterdir()) == []


def test_write_tree_does_not_follow_a_symlinked_partners_directory(tmp_path: Path) -> None:
    """A `partners` link inside the output directory is refused and the tree removed again."""
    out = tmp_path / "out"
    victim = tmp_path / "victim"
    victim.mkdir()
    files = [
        TreeFile(Path("tenant.yaml"), "b2blint: 1\n", "x"),
        TreeFile(Path("partners") / "fabrikam.yaml", "b2blint: 1\n", "y"),
    ]
    # Plant the link between the emptiness check and the mkdir: from a real second process,
    # racing the writer is not deterministic, so the link is made through the mkdir hook here.
    real_mkdir = os.mkdir

    def planting_mkdir(path: Any, mode: int = 0o777, *, dir_fd: int | None = None) -> None:
        if path == "partners" and dir_fd is not None:
            os.symlink(victim, "partners", dir_fd=dir_fd)
            raise FileExistsError(17, "File exists", path)
        real_mkdir(path, mode, dir_fd=dir_fd)

    mp = pytest.MonkeyPatch()
    mp.setattr(os, "mkdir", planting_mkdir)
    try:
        with pytest.raises(B2BLintError) as raised:
            write_tree(out, files)
    finally:
        mp.undo()
    assert str(raised.value) == (
        f"{out}/partners: cannot write: is a symbolic link or not a directory (not followed)"
    )
    assert list(victim.iterdir()) == []
    assert not (out / "tenant.yaml").exists()


@pytest.mark.parametrize("relative", ["../x.yaml", "/abs.yaml", "partners/../../x.yaml", ".yaml"])
def test_write_tree_refuses_paths_that_leave_the_tree(tmp_path: Path, relative: str) -> None:
    with pytest.raises(ValueError, match="not a tree file name"):
        write_tree(tmp_path / "out", [TreeFile(Path(relative), "b2blint: 1\n", "x")])
    assert list(tmp_path.iterdir()) == []
