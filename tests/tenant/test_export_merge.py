"""`export --merge` (issue 12 item 6): re-export into a tree people have edited, over real HTTP.

Export, edit the tree (comments, suppressions, names, domains, a renamed file), change the
tenant in the emulator, export --merge: every byte the user wrote is kept, only the Graph values
that changed are spliced in, new partners get new files, plan then shows no changes and policy
tests that name partners pass.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from b2blint.fakegraph.server import RunningFake
from tests.conftest import run_cli
from tests.tenant.conftest import (
    ADATUM,
    FABRIKAM,
    MFA_TRUST,
    NORTHWIND,
    SYNC_ON,
    TENANT,
    live_partner,
)

CONTOSO = "6f1c2a11-3d0f-4dd2-8c2d-4f0e9a438d7b"
CONSENT = {"inboundAllowed": True, "outboundAllowed": False}
DIRECTORY = [
    {"tenantId": FABRIKAM, "displayName": "Fabrikam", "defaultDomainName": "fabrikam.com"},
    {"tenantId": ADATUM, "displayName": "Adatum", "defaultDomainName": "adatum.com"},
    {"tenantId": CONTOSO, "displayName": "Contoso", "defaultDomainName": "contoso.com"},
]
POLICY_TESTS = """\
b2blint-tests: 1
tests:
  - name: Fabrikam Inc users get in
    partner: Fabrikam Inc
    kind: b2b-collaboration
    direction: inbound
    app: Office365
    expect: allowed
  - name: Contoso users get in
    partner: Contoso
    kind: b2b-collaboration
    direction: inbound
    app: Office365
    expect: allowed
"""


def _export(*extra: str, out: Path) -> Any:
    return run_cli(["export", *extra, "--tenant-id", TENANT, "--out", str(out)])


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, (old, text)
    path.write_text(text.replace(old, new))


def _lookups(fake: RunningFake) -> list[str]:
    return [e["path"] for e in fake.log() if "findTenantInformation" in e["path"]]


@pytest.fixture
def tree(fake: RunningFake, tmp_path: Path) -> Path:
    """An exported tree, edited as people do."""
    fake.set_state(
        {
            "partners": [
                live_partner(FABRIKAM, inboundTrust=MFA_TRUST),
                live_partner(ADATUM, SYNC_ON, automaticUserConsentSettings=CONSENT),
            ],
            "tenantInformation": DIRECTORY,
        }
    )
    out = tmp_path / "policies"
    assert _export(out=out).exit_code == 0
    fabrikam = out / "partners" / "fabrikam.yaml"
    _replace(fabrikam, "    name: Fabrikam\n", "    name: Fabrikam Inc  # renamed by us\n")
    _replace(fabrikam, "      - fabrikam.com\n", "      - fabrikam.com\n      - fabrikam.net\n")
    _replace(
        fabrikam,
        "    settings:\n      inboundTrust: {isMfaAccepted: true}\n",
        "    # Owner: alice (SEC-1042)\n    settings:\n"
        "      inboundTrust: {isMfaAccepted: true}  # b2blint: disable=XTA010 -- contract\n",
    )
    (out / "partners" / "adatum.yaml").rename(out / "partners" / "sync-partners.yaml")
    _replace(
        out / "tenant.yaml",
        "  inboundTrust:\n    isMfaAccepted: false\n",
        "  # Keep MFA trust off until the audit (SEC-7)\n"
        "  inboundTrust:\n    isMfaAccepted: false  # b2blint: disable=XTA002 -- audit\n",
    )
    (out / "tests.yaml").write_text(POLICY_TESTS)
    return out


def test_merge_keeps_every_user_byte_and_changes_only_graph_values(
    fake: RunningFake, tree: Path
) -> None:
    before = {p.relative_to(tree).as_posix(): p.read_text() for p in tree.rglob("*.yaml")}
    state = fake.state()
    state["partners"][0]["inboundTrust"] = {**MFA_TRUST, "isCompliantDeviceAccepted": True}
    state["partners"][1]["identitySynchronization"]["userSyncInbound"]["isSyncAllowed"] = False
    state["partners"].append(live_partner(CONTOSO))
    trust = {**MFA_TRUST, "isCompliantDeviceAccepted": False}
    trust["isHybridAzureADJoinedDeviceAccepted"] = False
    fake.set_state({**state, "default": {"inboundTrust": trust}})
    fake.clear_log()

    run = _export("--merge", out=tree)

    assert run.exit_code == 0, run.stderr
    assert run.stderr.splitlines() == [
        f"b2blint: updated {tree}/tenant.yaml: 1 Graph value changed",
        f"b2blint: updated {tree}/partners/fabrikam.yaml: 1 Graph value changed",
        f"b2blint: updated {tree}/partners/sync-partners.yaml: 1 Graph value changed",
        f"b2blint: wrote {tree}/partners/contoso.yaml: partner {CONTOSO} (Contoso)",
        f"b2blint: merged tenant {TENANT} into {tree} in 8 requests",
    ]
    after = {p.relative_to(tree).as_posix(): p.read_text() for p in tree.rglob("*.yaml")}
    assert after["partners/fabrikam.yaml"] == before["partners/fabrikam.yaml"].replace(
        "{isMfaAccepted: true}  # b2blint",
        "{isMfaAccepted: true, isCompliantDeviceAccepted: true}  # b2blint",
    )
    assert after["partners/sync-partners.yaml"] == before["partners/sync-partners.yaml"].replace(
        "userSyncInbound: {isSyncAllowed: true}", "userSyncInbound: {isSyncAllowed: false}"
    )
    assert after["tenant.yaml"] == before["tenant.yaml"].replace(
        "isMfaAccepted: false  # b2blint", "isMfaAccepted: true  # b2blint"
    )
    assert after["tests.yaml"] == before["tests.yaml"]
    contoso = after["partners/contoso.yaml"]
    assert "    name: Contoso\n    domains:\n      - contoso.com\n" in contoso
    # Names are looked up only for the partner the tree did not have.
    assert _lookups(fake) == [
        f"/v1.0/tenantRelationships/findTenantInformationByTenantId(tenantId='{CONTOSO}')"
    ]
    plan = run_cli(["plan", str(tree)])
    assert plan.exit_code == 0, plan.stdout + plan.stderr
    assert "No changes: the live tenant matches the YAML." in plan.stdout
    tested = run_cli(["test", str(tree)])
    assert tested.exit_code == 0, tested.stdout + tested.stderr

    again = _export("--merge", out=tree)
    assert again.exit_code == 0, again.stderr
    assert "b2blint: the tree already matches the tenant: nothing changed\n" in again.stderr
    assert {p.relative_to(tree).as_posix(): p.read_text() for p in tree.rglob("*.yaml")} == after


def test_partner_gone_from_the_tenant_is_reported_and_kept(fake: RunningFake, tree: Path) -> None:
    state = fake.state()
    state["partners"] = [p for p in state["partners"] if p["tenantId"] != FABRIKAM]
    fake.set_state(state)
    before = (tree / "partners" / "fabrikam.yaml").read_bytes()
    run = _export("--merge", out=tree)
    assert run.exit_code == 0, run.stderr
    assert (
        f"b2blint: {tree}/partners/fabrikam.yaml:7:5: partner Fabrikam Inc ({FABRIKAM}) is no "
        "longer in the tenant; kept (plan would create it again: delete the entry to leave it "
        "out)\n" in run.stderr
    )
    assert (tree / "partners" / "fabrikam.yaml").read_bytes() == before


def test_merge_refuses_another_tenants_tree(fake: RunningFake, tree: Path) -> None:
    _replace(tree / "tenant.yaml", TENANT, NORTHWIND)
    run = _export("--merge", out=tree)
    assert (run.exit_code, run.stderr) == (
        1,
        f"b2blint: error: {tree}/tenant.yaml:4:9: the tree is for tenant {NORTHWIND}, not "
        f"--tenant-id {TENANT}; nothing written\n",
    )


def test_merge_refuses_a_file_that_does_not_parse(fake: RunningFake, tree: Path) -> None:
    broken = tree / "partners" / "broken.yaml"
    broken.write_text("partners: [\n")
    before = (tree / "tenant.yaml").read_bytes()
    run = _export("--merge", out=tree)
    assert (run.exit_code, run.stderr) == (
        1,
        f"b2blint: error: {broken}: does not parse as YAML, so it cannot be merged into "
        "(run 'b2blint lint'); nothing written\n",
    )
    assert (tree / "tenant.yaml").read_bytes() == before


def test_merge_needs_an_existing_tree(fake: RunningFake, tmp_path: Path) -> None:
    run = _export("--merge", out=tmp_path / "none")
    assert (run.exit_code, run.stderr) == (
        1,
        f"b2blint: error: --out {tmp_path / 'none'}: --merge needs the directory of an "
        "existing policy tree\n",
    )


def test_new_partner_file_never_follows_a_symlinked_partners_dir(
    fake: RunningFake, tree: Path, tmp_path: Path
) -> None:
    """Attack: partners/ swapped for a symlink to a directory outside the tree. The new
    partner's file must not land there (O_NOFOLLOW), and no file there is replaced."""
    outside = tmp_path / "outside"
    (tree / "partners").rename(outside)
    (tree / "partners").symlink_to(outside, target_is_directory=True)
    state = fake.state()
    state["partners"].append(live_partner(CONTOSO))
    fake.set_state(state)
    listing = sorted(p.name for p in outside.iterdir())
    run = _export("--merge", out=tree)
    assert run.exit_code == 1
    assert run.stderr == (
        f"b2blint: error: {tree}/partners: cannot write: is a symbolic link or not a directory "
        "(not followed)\n"
    )
    assert sorted(p.name for p in outside.iterdir()) == listing


def test_merge_of_one_section_leaves_the_others_alone(fake: RunningFake, tree: Path) -> None:
    """``--section partners``: the default changed in the tenant, but it was not read, so
    tenant.yaml is not touched; the partner change is merged."""
    state = fake.state()
    state["partners"][0]["inboundTrust"] = {**MFA_TRUST, "isCompliantDeviceAccepted": True}
    fake.set_state({**state, "default": {"inboundTrust": {**MFA_TRUST}}})
    before = (tree / "tenant.yaml").read_bytes()
    run = _export("--merge", "--section", "partners", out=tree)
    assert run.exit_code == 0, run.stderr
    assert run.stderr.splitlines()[0] == (
        f"b2blint: updated {tree}/partners/fabrikam.yaml: 1 Graph value changed"
    )
    assert (tree / "tenant.yaml").read_bytes() == before
