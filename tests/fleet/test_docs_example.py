"""The worked MSP example of docs/fleets.md, assembled from its snippets, lints clean."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import ROOT, run_cli

DOC = ROOT / "docs" / "fleets.md"


def test_msp_example_from_the_guide_lints_and_renders(tmp_path: Path) -> None:
    text = DOC.read_text("utf-8")
    section = text[text.index("## Worked example: a managed service provider") :]
    blocks = [
        (name, body)
        for body, name in re.findall(r"```yaml\n(# (\S+)[^\n]*\n.*?)```", section, re.S)
    ]
    names = [name for name, _ in blocks]
    assert names[:3] == ["fleet.yaml", "baselines/msp.yaml", "baselines/gold.yaml"]
    for name, body in blocks[:3]:
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, "utf-8")
    for tenant, name in (("adatum", "Adatum"), ("northwind", "Northwind")):
        (tmp_path / "tenants" / tenant).mkdir(parents=True)
        (tmp_path / "tenants" / tenant / "tenant.yaml").write_text(
            f"b2blint: 1\ntenant:\n  name: {name}\n", "utf-8"
        )
    result = run_cli(["lint"], cwd=tmp_path)
    assert (result.exit_code, result.stdout) == (0, "All checks passed (5 files).\n")
    rendered = run_cli(["fleet", "render", "northwind"], cwd=tmp_path)
    assert rendered.exit_code == 0
    assert "guestUserRoleId" not in rendered.stdout  # opted out, with its reason
    adatum = run_cli(["fleet", "render", "adatum"], cwd=tmp_path).stdout
    assert "# Layers beneath its own files, lowest first: msp, gold." in adatum
    assert "    name: MSP  # baselines/gold.yaml:5\n" in adatum
