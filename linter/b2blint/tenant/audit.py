"""``audit``: check a live tenant with no repository, read-only by construction.

The tenant is read section by section with the exporter's reader (`b2blint.tenant.live`),
turned into the policy tree ``export`` would write (`b2blint.graph.mapping` and
`b2blint.graph.treewriter`), and that tree is linted in memory (`b2blint.lint.engine.
lint_sources`) with every rule plus the profiles' control rules. Nothing is written unless
the caller writes `AuditResult.files` (``audit --out``).

Read-only by construction: this module calls only `read_live`, which sends GET requests
(`GraphClient.get_optional` and `GraphClient.list`); it never imports the plan or apply
code, and a test runs it against the emulator and asserts every request it received was a GET.

A section Graph refuses with 403 (a permission the credentials lack) does not stop the audit:
it is recorded in `AuditResult.unread` with the reason, the rest is linted, and every control
that needs the section is "not checked: <why>" (`b2blint.lint.profiles.control_results`),
never "passed". Any other error (401, 5xx after retries, an unreachable Graph, malformed data)
stops the audit with exit 1, as in ``export``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from b2blint.errors import EXIT_FAILED, B2BLintError
from b2blint.graph.kinds import DEFAULT_KINDS, POLICY_KEY, ResourceKind
from b2blint.graph.mapping import GraphMappingError, build_policy, without_unset
from b2blint.graph.treewriter import TreeFile, render_tree
from b2blint.lint.config import Config
from b2blint.lint.engine import LintResult, lint_sources
from b2blint.lint.profiles import ControlResult, control_results
from b2blint.tenant.client import GraphClient, GraphError
from b2blint.tenant.clouds import format_cloud
from b2blint.tenant.live import LiveTenant, read_live

#: HTTP statuses that mean "these credentials may not read this section": recorded, not fatal.
NOT_PERMITTED = frozenset({403})


@dataclasses.dataclass(frozen=True)
class AuditResult:
    """One audit: the lint result over the live tree, per-control verdicts, what was unread."""

    result: LintResult
    controls: tuple[ControlResult, ...]
    unread: dict[str, str]  # policy-file section key -> why it could not be read
    files: tuple[TreeFile, ...]  # the tree `export` would write (``--out`` writes it)
    requests: int


def section_key(kind: ResourceKind) -> str:
    """The policy-file key of a resource kind (``partners`` for partners)."""
    return "partners" if kind is ResourceKind.PARTNER else POLICY_KEY[kind]


def read_sections(
    client: GraphClient, kinds: Sequence[ResourceKind] = DEFAULT_KINDS
) -> tuple[LiveTenant, dict[str, str]]:
    """Read each kind on its own, so a 403 on one leaves the others read (GETs only). By
    default the sections ``export`` reads: the opt-in multitenant-organization ones need their
    own permission and most tenants are in no MTO (`b2blint.policy.sections`)."""
    objects: dict[str, dict[str, Any]] = {}
    partner_ids: tuple[str, ...] = ()
    b2b: dict[str, Any] | None = None
    read: set[ResourceKind] = set()
    unread: dict[str, str] = {}
    requests = 0
    for kind in kinds:
        try:
            live = read_live(client, {kind})
        except GraphError as error:
            if error.status not in NOT_PERMITTED:
                raise
            unread[section_key(kind)] = (
                f"permission missing (HTTP {error.status} on {error.method} "
                f"{_path_of(error.url)}); see docs/graph.md for the read permissions"
            )
            continue
        requests += live.requests
        read.add(kind)
        objects.update(live.objects)
        if kind is ResourceKind.PARTNER:
            partner_ids = live.partner_ids
        if live.b2b_policy is not None:
            b2b = live.b2b_policy
    return LiveTenant(frozenset(read), objects, partner_ids, b2b, requests), unread


def _path_of(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).path


def audit_tenant(
    client: GraphClient,
    *,
    tenant_id: str,
    cloud: str,
    config: Config,
    profiles: Sequence[str],
    out_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> AuditResult:
    """Read the tenant, lint it in memory with ``config`` (its profiles included), judge the
    controls of ``profiles``. ``out_dir`` only names the files in findings (the caller writes
    them); without it they are named ``<tenant-id>/tenant.yaml`` and so on."""
    live, unread = read_sections(client)
    if progress is not None:
        progress(f"read {len(live.objects)} objects in {live.requests} requests")
    try:
        imported = build_policy(live.recognized())
    except GraphMappingError as error:  # hostile or broken data from the server
        raise B2BLintError(
            f"the live tenant cannot be audited: {error.message}", exit_code=EXIT_FAILED
        ) from None
    policy = without_unset(imported.policy)
    files = tuple(
        render_tree(
            policy,
            tenant_id=tenant_id,
            cloud=format_cloud(cloud),
            origin=["Tenant-wide settings, read by `b2blint audit` from the live tenant."],
            verb="exported",
            b2b_policy=imported.unmanaged.get("b2bManagementPolicy"),
            response_only=imported.response_only,
        )
    )
    base = out_dir if out_dir is not None else Path(tenant_id)
    sources = [((base / file.relative).as_posix(), file.text) for file in files]
    result = lint_sources(sources, config)
    if out_dir is None:
        # The tree is in memory: no "fixable with --fix" (audit has no --fix; with --out,
        # `b2blint lint DIR --fix` can).
        result = result._replace(
            diagnostics=tuple(d._replace(fixable=False) for d in result.diagnostics), fixes=()
        )
    absent: dict[str, str] = {}
    domains = section_key(ResourceKind.B2B_MANAGEMENT_POLICY)
    if ResourceKind.B2B_MANAGEMENT_POLICY in live.kinds and domains not in policy:
        absent[domains] = (  # read, and the tenant has no domain list
            "the tenant has no invitation domain allow or block list (no b2bManagementPolicy "
            "domain list), so guests can be invited from any domain"
        )
    controls = control_results(result, profiles, config, unread, absent)
    return AuditResult(result, controls, unread, files, live.requests)
