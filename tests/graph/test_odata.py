"""`strip_annotations`: the one copy export, the live read and the plan's comparison use."""

from __future__ import annotations

from b2blint.graph.odata import strip_annotations

LIVE = {
    "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#policies/crossTenantAccessPolicy/default/$entity",
    "inboundTrust": {"isMfaAccepted": True, "isCompliantDeviceAccepted": None},
    "b2bCollaborationInbound": {
        "usersAndGroups": {
            "accessType": "allowed",
            "targets@odata.type": "#Collection(microsoft.graph.crossTenantAccessPolicyTarget)",
            "targets": ({"target": "AllUsers", "targetType": "user", "@odata.type": "#x"},),
        },
        "applications": None,
    },
    "tenantRestrictions": [None, {"x@odata.type": "#y", "y": None}],
}


def test_annotations_go_at_every_depth_and_values_stay() -> None:
    assert strip_annotations(LIVE) == {
        "inboundTrust": {"isMfaAccepted": True, "isCompliantDeviceAccepted": None},
        "b2bCollaborationInbound": {
            "usersAndGroups": {
                "accessType": "allowed",
                "targets": [{"target": "AllUsers", "targetType": "user"}],
            },
            "applications": None,
        },
        "tenantRestrictions": [None, {"y": None}],
    }


def test_for_comparing_nested_nulls_are_absent_but_list_items_stay() -> None:
    assert strip_annotations(LIVE, drop_nulls=True) == {
        "inboundTrust": {"isMfaAccepted": True},
        "b2bCollaborationInbound": {
            "usersAndGroups": {
                "accessType": "allowed",
                "targets": [{"target": "AllUsers", "targetType": "user"}],
            },
        },
        "tenantRestrictions": [None, {}],
    }


def test_the_input_is_not_changed() -> None:
    before = repr(LIVE)
    strip_annotations(LIVE, drop_nulls=True)
    assert repr(LIVE) == before
