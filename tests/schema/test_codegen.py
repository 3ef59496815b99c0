"""The compiled accept-path validators match the shipped schemas, and agree with jsonschema."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from b2blint.schema import check as schema
from b2blint.schema.codegen import main as codegen_main

VALID: dict[str, Any] = {
    "b2blint": 1,
    "tenant": {"id": "6babcaad-604b-40ac-a9d7-9fd97c0b779f", "name": "Contoso"},
    "partners": [
        {
            "tenantId": "3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11",
            "settings": {
                "inboundTrust": {"isMfaAccepted": True},
                "b2bCollaborationInbound": {
                    "usersAndGroups": {
                        "accessType": "allowed",
                        "targets": [{"target": "AllUsers", "targetType": "user"}],
                    },
                    "applications": {
                        "accessType": "allowed",
                        "targets": [{"target": "Office365", "targetType": "application"}],
                    },
                },
            },
        }
    ],
}


def test_generated_validators_are_current(capsys: pytest.CaptureFixture[str]) -> None:
    assert codegen_main(["--check"]) == 0, capsys.readouterr().err


def _mutate(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(VALID)
    node: Any = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


SETTINGS = ("partners", 0, "settings")
MUTATIONS = [
    (("b2blint",), 2),
    (("partners", 0, "tenantId"), "not-a-guid"),
    ((*SETTINGS, "inboundTrust", "isMfaAccepted"), "yes"),
    ((*SETTINGS, "b2bCollaborationInbound", "usersAndGroups", "accessType"), "Allowed"),
    ((*SETTINGS, "b2bCollaborationInbound", "usersAndGroups", "targets", 0, "targetType"), "users"),
    ((*SETTINGS, "b2BCollaborationInbound"), None),
    ((*SETTINGS, "isInMultiTenantOrganization"), True),
    ((*SETTINGS, "blockServiceProviderOutboundAccess"), True),
    (("unknown",), 1),
]


def test_accept_path_accepts_valid() -> None:
    assert schema.validate(VALID) == []


@pytest.mark.parametrize(("path", "value"), MUTATIONS)
def test_accept_path_never_hides_a_finding(path: tuple[Any, ...], value: Any) -> None:
    """Whatever jsonschema or the annotation walk reports, the compiled path rejects too."""
    data = _mutate(path, value)
    assert not schema._accepts(data, "v1.0")
    assert schema._explain(data, "v1.0"), "rejected by the accept path but nothing explained"
