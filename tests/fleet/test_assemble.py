"""The fleet model: fleet.yaml, layers beneath tenant files, origins of every merged value."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from b2blint.fleet.assemble import read_fleet, tenant_policies
from b2blint.fleet.fleetfile import load_fleet
from tests.fleet.fleetfixture import make_fleet


@pytest.fixture
def fleet_dir(tmp_path: Path) -> Path:
    make_fleet(tmp_path)
    previous = Path.cwd()
    os.chdir(tmp_path)
    yield tmp_path
    os.chdir(previous)


def where(tree: object, path: tuple[object, ...]) -> str:
    location = tree.document.locate(path)  # type: ignore[attr-defined]
    return f"{location.file}:{location.position.line}:{location.position.column}"


def test_fleet_file_lists_tenants_layers_and_tags(fleet_dir: Path) -> None:
    fleet = load_fleet(".")
    assert [t.name for t in fleet.tenants] == ["alpha", "beta"]
    assert fleet.tenants[0].tags == ("customer",)
    assert fleet.tenants[0].layers == ("base",)
    assert list(fleet.layers) == ["base"]


def test_tenant_files_merge_over_the_baseline_key_by_key(fleet_dir: Path) -> None:
    policies = tenant_policies(load_fleet("."))
    alpha = policies["alpha"]
    assert alpha.tenant_id == "11111111-1111-4111-8111-111111111111"
    assert alpha.section_value("default")["inboundTrust"] == {
        "isMfaAccepted": True,
        "isCompliantDeviceAccepted": True,
    }
    assert alpha.section_value("tenant") == {
        "id": "11111111-1111-4111-8111-111111111111",
        "name": "Alpha",
    }


def test_every_merged_value_points_at_the_file_it_came_from(fleet_dir: Path) -> None:
    alpha = read_fleet(load_fleet(".")).tenant("alpha")
    assert where(alpha, ("default", "inboundTrust", "isMfaAccepted")) == (
        "baselines/base.yaml:6:20"
    )
    assert where(alpha, ("default", "inboundTrust", "isCompliantDeviceAccepted")) == (
        "tenants/alpha/tenant.yaml:6:32"
    )
    # a variable's value points at its definition in fleet.yaml
    assert where(alpha, ("tenant", "id")) == "fleet.yaml:11:12"
    section = alpha.policy.section("default")
    assert section is not None
    assert section.ref.child("b2bCollaborationInbound").location().position.line == 8


def test_opt_out_removes_the_baseline_setting(fleet_dir: Path) -> None:
    beta = read_fleet(load_fleet(".")).tenant("beta")
    assert "inboundTrust" not in beta.policy.section_value("default")
    assert "b2bCollaborationInbound" in beta.policy.section_value("default")
    partner = beta.policy.partners[0]
    assert partner.ref.child("name").location().file == "tenants/beta/tenant.yaml"
    assert partner.ref.child("name").location().position.line == 6


def test_without_layers_a_tenant_is_its_own_files(fleet_dir: Path) -> None:
    policies = tenant_policies(load_fleet("."), layers=False)
    assert policies["alpha"].tenant_id is None
    assert policies["alpha"].section_value("default") == {
        "inboundTrust": {"isCompliantDeviceAccepted": True}
    }


def test_partner_entries_merge_by_tenant_id(tmp_path: Path) -> None:
    base = (
        "b2blint: 1\ntenant:\n  id: ${tid}\npartners:\n"
        "  - tenantId: 33333333-3333-4333-8333-333333333333\n"
        "    name: Shared\n"
        "    settings:\n"
        "      inboundTrust: {isMfaAccepted: true}\n"
    )
    beta = (
        "b2blint: 1\npartners:\n"
        "  - tenantId: 44444444-4444-4444-8444-444444444444\n"
        "  - tenantId: 33333333-3333-4333-8333-333333333333\n"
        "    settings:\n"
        "      inboundTrust: {isCompliantDeviceAccepted: true}\n"
    )
    fleet = (
        "b2blint-fleet: 1\nlayers:\n  - {name: base, path: baselines/base.yaml}\n"
        "tenants:\n"
        "  - {name: alpha, path: tenants/alpha, layers: [base], variables: {tid: a}}\n"
        "  - {name: beta, path: tenants/beta, layers: [base], variables: {tid: b}}\n"
    )
    make_fleet(tmp_path, fleet=fleet, base=base, beta=beta)
    previous = Path.cwd()
    os.chdir(tmp_path)
    try:
        tree = read_fleet(load_fleet(".")).tenant("beta")
    finally:
        os.chdir(previous)
    ids = [p.tenant_id for p in tree.policy.partners]
    assert ids == ["33333333-3333-4333-8333-333333333333", "44444444-4444-4444-8444-444444444444"]
    shared = tree.policy.partners[0]
    assert shared.settings["inboundTrust"] == {
        "isMfaAccepted": True,
        "isCompliantDeviceAccepted": True,
    }
    name = shared.ref.child("name").location()
    assert (name.file, name.position.line) == ("baselines/base.yaml", 6)
    device = shared.settings_ref.child("inboundTrust", "isCompliantDeviceAccepted").location()
    assert (device.file, device.position.line) == ("tenants/beta/tenant.yaml", 6)


def test_a_variable_can_hold_a_partner_list(tmp_path: Path) -> None:
    base = "b2blint: 1\ntenant:\n  id: ${tid}\npartners: ${partners}\n"
    fleet = (
        "b2blint-fleet: 1\nlayers:\n  - {name: base, path: baselines/base.yaml}\n"
        "tenants:\n"
        "  - name: alpha\n    path: tenants/alpha\n    layers: [base]\n    variables:\n"
        "      tid: 11111111-1111-4111-8111-111111111111\n"
        "      partners:\n"
        "        - tenantId: 55555555-5555-4555-8555-555555555555\n"
        "          name: Woodgrove\n"
        "  - name: beta\n    path: tenants/beta\n    layers: [base]\n    variables:\n"
        "      tid: 22222222-2222-4222-8222-222222222222\n      partners: []\n"
    )
    make_fleet(tmp_path, fleet=fleet, base=base)
    previous = Path.cwd()
    os.chdir(tmp_path)
    try:
        trees = read_fleet(load_fleet("."))
    finally:
        os.chdir(previous)
    [woodgrove] = trees.tenant("alpha").policy.partners
    name = woodgrove.ref.child("name").location()
    assert (name.file, name.position.line, name.position.column) == ("fleet.yaml", 12, 17)
    assert [p.tenant_id for p in trees.tenant("beta").policy.partners] == [
        "11111111-1111-4111-8111-111111111111"
    ]
