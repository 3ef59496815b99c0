"""``b2blint fleet matrix``: which tenants a change touches, as a CI job matrix.

A change touches a tenant when it changes a file under the tenant's directory, a layer file
the tenant applies (directly or through ``extends``), or the tenant's or one of its layers'
entries in ``fleet.yaml`` (compared with the file at the revision; a fleet file that did not
exist or parse there touches every tenant). Without a revision every tenant is touched.

GitHub Actions runs at most 256 jobs from one matrix (docs: "A matrix can generate a maximum
of 256 jobs per workflow run",
https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/running-variations-of-jobs-in-a-workflow):
above ``maxJobs`` tenants the jobs become shards, each running several tenants in turn.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

from b2blint.fleet.fleetfile import FLEET_FILE, Fleet, FleetTenant, layer_order


class Touched(NamedTuple):
    """The tenants a change touches, and why (the first reason found for each)."""

    tenants: tuple[FleetTenant, ...]
    reasons: dict[str, str]
    total: int  # tenants in the fleet


def _relative(path: Path, root: Path) -> str:
    relative = os.path.relpath(os.path.abspath(path), os.path.abspath(root))  # noqa: PTH100
    return PurePosixPath(*Path(relative).parts).as_posix() if relative != "." else ""


def _under(name: str, directory: str) -> bool:
    return not directory or name == directory or name.startswith(directory + "/")


def _fleet_entries(data: Any, key: str) -> dict[str, Any]:
    entries: dict[str, Any] = {}
    if isinstance(data, dict) and isinstance(data.get(key), list):
        for entry in data[key]:
            if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                entries[entry["name"]] = entry
    return entries


def _fleet_changes(fleet: Fleet, old_text: bytes | None) -> tuple[set[str], set[str], bool]:
    """(tenant entries changed, layer entries changed, everything) against the old fleet file."""
    from b2blint.files.document import DocumentError, decode, parse_text

    if old_text is None:
        return set(), set(), True
    try:
        old = parse_text(decode(old_text), FLEET_FILE).data
    except DocumentError:
        return set(), set(), True
    new = fleet.document.data
    changed: list[set[str]] = []
    for key in ("tenants", "layers"):
        before, after = _fleet_entries(old, key), _fleet_entries(new, key)
        changed.append({name for name, entry in after.items() if before.get(name) != entry})
    return changed[0], changed[1], False


def touched(fleet: Fleet, revision: str | None) -> Touched:
    """The tenants that ``revision``..working tree touches (all of them without a revision)."""
    if revision is None:
        return Touched(
            fleet.tenants, {t.name: "all tenants" for t in fleet.tenants}, len(fleet.tenants)
        )
    from b2blint.files.gitrev import changed_files, file_at

    root, files = changed_files(revision, fleet.root)
    fleet_dir = _relative(fleet.root, root)
    fleet_name = f"{fleet_dir}/{FLEET_FILE}" if fleet_dir else FLEET_FILE
    names = [name.as_posix() for name in files]
    tenant_entries: set[str] = set()
    layer_entries: set[str] = set()
    everything = False
    if fleet_name in names:
        old = file_at(revision, root, PurePosixPath(fleet_name))
        tenant_entries, layer_entries, everything = _fleet_changes(fleet, old)
    layer_files = {name: _relative(layer.path, root) for name, layer in fleet.layers.items()}
    changed_layers = {name for name, path in layer_files.items() if path in names} | layer_entries
    reasons: dict[str, str] = {}
    chosen: list[FleetTenant] = []
    for tenant in fleet.tenants:
        reason: str | None = None
        if everything:
            reason = f"{fleet_name} is new or unreadable at {revision}"
        elif tenant.name in tenant_entries:
            reason = f"its entry in {fleet_name}"
        else:
            applied = [layer.name for layer in layer_order(fleet, tenant.layers, ())]
            hit = next((name for name in applied if name in changed_layers), None)
            if hit is not None:
                reason = f"layer '{hit}'"
            else:
                directory = _relative(tenant.path, root)
                if any(_under(name, directory) for name in names):
                    reason = f"files under {directory}/"
        if reason is not None:
            reasons[tenant.name] = reason
            chosen.append(tenant)
    return Touched(tuple(chosen), reasons, len(fleet.tenants))


def shards(names: Sequence[str], max_jobs: int) -> list[tuple[str, list[str]]]:
    """(job name, tenants) per job: one tenant per job up to ``max_jobs``, else even shards."""
    if len(names) <= max_jobs:
        return [(name, [name]) for name in names]
    size = -(-len(names) // max_jobs)
    groups = [list(names[i : i + size]) for i in range(0, len(names), size)]
    return [(f"shard-{index + 1}-of-{len(groups)}", group) for index, group in enumerate(groups)]


def matrix_report(fleet: Fleet, change: Touched, max_jobs: int | None = None) -> dict[str, Any]:
    """Everything CI needs, as JSON-ready data (``--format json``)."""
    limit = max_jobs or fleet.matrix.max_jobs
    names = [tenant.name for tenant in change.tenants]
    jobs = shards(names, limit)
    github = {"include": [{"name": job, "tenants": " ".join(group)} for job, group in jobs]}
    azure = {job: {"name": job, "tenants": " ".join(group)} for job, group in jobs}
    threshold = fleet.matrix.approval_threshold
    return {
        "tenants": names,
        "reasons": {name: change.reasons[name] for name in names},
        "count": len(names),
        "fleetSize": change.total,
        "approvalThreshold": threshold,
        "approvalRequired": len(names) > threshold,
        "jobs": len(jobs),
        "github": github,
        "azure": azure,
    }


def render(report: dict[str, Any], output_format: str) -> str:
    """``github``: the value for ``strategy.matrix``; ``azure``: for Azure Pipelines'
    ``strategy.matrix``; ``json``: the whole report. One line (a step output)."""
    if output_format == "github":
        value: Any = report["github"]
    elif output_format == "azure":
        value = report["azure"]
    else:
        value = report
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True)
