"""schemas/b2blint-fleet.json ships with the package and agrees with the loader's examples."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import jsonschema
import pytest
import yaml

from tests.conftest import ROOT
from tests.fleet.fleetfixture import FLEET


def _schema() -> dict[str, Any]:
    text = resources.files("b2blint.schemas").joinpath("b2blint-fleet.json").read_text("utf-8")
    data = json.loads(text)
    assert isinstance(data, dict)
    return data


def test_the_example_fleet_and_the_test_fleet_are_valid() -> None:
    validator = jsonschema.Draft202012Validator(_schema())
    for text in ((ROOT / "examples" / "fleet" / "fleet.yaml").read_text("utf-8"), FLEET):
        validator.validate(yaml.safe_load(text))


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (("    tags: [customer]\n", "    tag: [customer]\n"), "tenants/0"),
        (("b2blint-fleet: 1\n", "b2blint-fleet: 2\n"), "b2blint-fleet"),
        (("        reason: beta runs its own MFA for guests\n", ""), "tenants/1/optOut/0"),
    ],
)
def test_what_the_loader_refuses_the_schema_refuses_too(
    change: tuple[str, str], where: str
) -> None:
    data = yaml.safe_load(FLEET.replace(*change))
    errors = list(jsonschema.Draft202012Validator(_schema()).iter_errors(data))
    assert ["/".join(map(str, e.absolute_path)) for e in errors] == [where]
