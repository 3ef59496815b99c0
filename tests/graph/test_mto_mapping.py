"""The MTO objects in the Graph mapping: recognized by shape, and requests never carry tenants."""

from __future__ import annotations

from typing import Any

import pytest

from b2blint.graph.mapping import ResourceKind, classify, mto_tenants, resources_from_policy

FABRIKAM = "3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11"


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        # the docs' examples without @odata.context [S90][S92][S93][S94]
        ({"createdDateTime": None, "displayName": None, "description": None, "state": "inactive"},
         ResourceKind.MULTI_TENANT_ORGANIZATION),
        ({"tenantId": FABRIKAM, "displayName": "Fabrikam", "role": "member", "state": "pending"},
         ResourceKind.MTO_MEMBER),
        ({"templateApplicationLevel": "newPartners", "inboundTrust": None},
         ResourceKind.MTO_PARTNER_TEMPLATE),
        ({"templateApplicationLevel": "none", "userSyncInbound": {"isSyncAllowed": True}},
         ResourceKind.MTO_IDENTITY_SYNC_TEMPLATE),
        # a partner keeps being a partner, an XTAP default a default
        ({"tenantId": FABRIKAM, "inboundTrust": None}, ResourceKind.PARTNER),
        ({"inboundTrust": None, "isServiceDefault": True}, ResourceKind.DEFAULT),
    ],
)  # fmt: skip
def test_classified_by_shape(body: dict[str, Any], kind: ResourceKind) -> None:
    assert classify(body) is kind


def test_the_mto_patch_never_carries_its_tenants() -> None:
    policy = {
        "multiTenantOrganization": {
            "displayName": "Contoso group",
            "tenants": [{"tenantId": FABRIKAM, "displayName": "Fabrikam", "role": "member"}],
        }
    }
    resource = resources_from_policy(policy)["multiTenantOrganization"]
    request = resource.update_request()
    assert (request.method, request.path, request.api_version, request.body) == (
        "PATCH",
        "/tenantRelationships/multiTenantOrganization",
        "v1.0",
        {"displayName": "Contoso group"},
    )
    assert mto_tenants(resource) == {
        FABRIKAM: {"tenantId": FABRIKAM, "displayName": "Fabrikam", "role": "member"}
    }


def test_templates_patch_their_own_paths() -> None:
    policy = {
        "multiTenantOrganizationPartnerConfiguration": {"inboundTrust": {"isMfaAccepted": True}},
        "multiTenantOrganizationIdentitySynchronization": {"userSyncInbound": None},
    }
    paths = [r.update_request().path for r in resources_from_policy(policy).values()]
    assert paths == [
        "/policies/crossTenantAccessPolicy/templates/multiTenantOrganizationPartnerConfiguration",
        "/policies/crossTenantAccessPolicy/templates/multiTenantOrganizationIdentitySynchronization",
    ]
