"""The Graph emulator on 127.0.0.1 and policy trees to point the real CLI at it."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from b2blint.fakegraph.server import RunningFake, start
from b2blint.files.yamlio import dump_yaml

TENANT = "6babcaad-604b-40ac-a9d7-9fd97c0b779f"
FABRIKAM = "3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11"
ADATUM = "cdb668e9-1967-4d2f-a91d-d53b5e5267d9"
NORTHWIND = "0c3a1f2e-5b6d-4e7f-8a9b-1c2d3e4f5a6b"
OTHER_TENANT = "99999999-8888-4777-8666-555555555555"
PARTNERS = "/v1.0/policies/crossTenantAccessPolicy/partners"

MFA_TRUST = {"isMfaAccepted": True}
SYNC_ON = {"userSyncInbound": {"isSyncAllowed": True}}
ALL_USERS = {"target": "AllUsers", "targetType": "user"}
ALL_APPS = {"target": "AllApplications", "targetType": "application"}
COLLAB_IN = {
    "usersAndGroups": {"accessType": "allowed", "targets": [ALL_USERS]},
    "applications": {"accessType": "allowed", "targets": [ALL_APPS]},
}
#: All users, Office 365 only (the CA context tests' direct connect setting).
OFFICE365_OPEN = {
    "usersAndGroups": {"accessType": "allowed", "targets": [ALL_USERS]},
    "applications": {
        "accessType": "allowed",
        "targets": [{"target": "Office365", "targetType": "application"}],
    },
}

_ENV = ("B2BLINT_GRAPH_URL", "B2BLINT_ACCESS_TOKEN", "B2BLINT_AUTH", "B2BLINT_CLOUD")


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningFake]:
    """An emulated tenant, with the CLI pointed at it through the documented variables."""
    for name in _ENV:
        monkeypatch.delenv(name, raising=False)
    with start(tenant_id=TENANT, retry_after="0.1") as running:
        monkeypatch.setenv("B2BLINT_GRAPH_URL", running.url)
        monkeypatch.setenv("B2BLINT_ACCESS_TOKEN", running.token())
        yield running


def partner(
    tenant_id: str,
    name: str,
    settings: dict[str, Any] | None = None,
    sync: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A policy-file partner entry."""
    entry: dict[str, Any] = {"tenantId": tenant_id, "name": name, "settings": settings or {}}
    if sync is not None:
        entry["identitySynchronization"] = sync
    return entry


def write_tree(root: Path, partners: Sequence[dict[str, Any]], **sections: Any) -> Path:
    """A policy tree: ``tenant.yaml`` (with ``sections``) and ``partners/partners.yaml``."""
    root.mkdir(parents=True, exist_ok=True)
    tenant: dict[str, Any] = {"b2blint": 1, "tenant": {"id": TENANT, "name": "Contoso"}, **sections}
    (root / "tenant.yaml").write_text(dump_yaml(tenant), encoding="utf-8")
    (root / "partners").mkdir(exist_ok=True)
    (root / "partners" / "partners.yaml").write_text(
        dump_yaml({"b2blint": 1, "partners": list(partners)}), encoding="utf-8"
    )
    return root


def live_partner(
    tenant_id: str, sync: dict[str, Any] | None = None, **settings: Any
) -> dict[str, Any]:
    """A partner in the emulator's state-file form."""
    entry: dict[str, Any] = {"tenantId": tenant_id, **settings}
    if sync is not None:
        entry["identitySynchronization"] = sync
    return entry


def writes(fake: RunningFake) -> list[tuple[str, str]]:
    """(method, path) of every write request the emulator received, in arrival order."""
    return [(entry["method"], entry["path"]) for entry in fake.writes()]


def committed(fake: RunningFake) -> list[tuple[str, str, Any]]:
    """(method, path, body) of every write the emulator carried out."""
    return [(e["method"], e["path"], e["body"]) for e in fake.writes() if e["committed"]]


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def guests_policy(control: str) -> dict[str, Any]:
    """An enabled Conditional Access policy 'Guests' requiring ``control`` of all guests and
    external users, for all apps and client apps."""
    return {
        "displayName": "Guests",
        "state": "enabled",
        "conditions": {
            "clientAppTypes": ["all"],
            "applications": {"includeApplications": ["All"]},
            "users": {"includeUsers": ["GuestsOrExternalUsers"]},
        },
        "grantControls": {"operator": "OR", "builtInControls": [control]},
    }
