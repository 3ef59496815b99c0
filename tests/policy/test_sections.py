"""The one resource table (`b2blint.policy.sections.RESOURCES`) and what derives from it.

Adding a Graph resource kind starts with a row there; these tests then name each other place
that must learn it (the schema's top-level keys, the per-kind Graph tables), so a new kind
cannot be half-added.
"""

from __future__ import annotations

import json
from pathlib import Path

from b2blint.graph.kinds import (
    ALL_KINDS,
    NOT_IMPORTED,
    ODATA_TYPE,
    POLICY_KEY,
    SINGLETON_PATH,
    ResourceKind,
)
from b2blint.policy.model import CONTEXT_KEY, SINGLETON_SECTIONS
from b2blint.policy.sections import MERGED_SECTIONS, RESOURCE_KEYS, RESOURCES
from tests.conftest import run_cli

SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "b2blint-policy.json"


def test_the_schema_top_level_keys_are_the_metadata_and_the_table() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    # Besides the managed resources, the Conditional Access context (read, never written).
    assert list(schema["properties"]) == ["b2blint", "tenant", *RESOURCE_KEYS, CONTEXT_KEY]
    assert ("tenant", *(k for k in RESOURCE_KEYS if k != "partners")) == SINGLETON_SECTIONS


def test_every_kind_but_the_partner_child_is_in_the_table() -> None:
    unlisted = set(ResourceKind) - {r.kind for r in RESOURCES}
    assert unlisted == {ResourceKind.IDENTITY_SYNCHRONIZATION, ResourceKind.MTO_MEMBER}
    assert tuple(r.kind for r in RESOURCES) == ALL_KINDS
    assert list(POLICY_KEY.values()) == [k for k in RESOURCE_KEYS if k != "partners"]


def test_every_kind_has_its_graph_facts() -> None:
    assert set(ODATA_TYPE) == set(ResourceKind)
    assert set(NOT_IMPORTED) == set(ResourceKind)
    # The b2bManagementPolicy is a collection item found by listing (its id is the tenant's).
    assert set(SINGLETON_PATH) == set(POLICY_KEY) - {ResourceKind.B2B_MANAGEMENT_POLICY}


def test_plan_merges_the_patched_sections_and_replaces_the_domain_list() -> None:
    assert MERGED_SECTIONS == (
        "crossTenantAccessPolicy",
        "default",
        "authorizationPolicy",
        "emailOtp",
        "externalIdentitiesPolicy",
        "multiTenantOrganization",
        "multiTenantOrganizationPartnerConfiguration",
        "multiTenantOrganizationIdentitySynchronization",
    )


def test_export_offers_the_table_as_its_sections(tmp_path: Path) -> None:
    result = run_cli(
        ["export", "--tenant-id", "6babcaad-604b-40ac-a9d7-9fd97c0b779f", "--out", str(tmp_path),
         "--section", "partner"]
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--section': 'partner' is not one of 'crossTenantAccessPolicy', "
        "'default', 'partners', 'authorizationPolicy', 'invitationDomains', 'emailOtp', "
        "'externalIdentitiesPolicy', 'multiTenantOrganization', "
        "'multiTenantOrganizationPartnerConfiguration', "
        "'multiTenantOrganizationIdentitySynchronization', 'conditionalAccess'."
    )
