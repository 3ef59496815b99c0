"""Write a policy tree (``tenant.yaml`` + ``partners/<slug>.yaml``) from Graph-shaped data.

`import` (saved responses) and `export` (the live tenant) produce the same layout through this
one module, so a tree looks the same whichever way it was brought under management.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from b2blint.errors import EXIT_USAGE, B2BLintError


class TreeFile(NamedTuple):
    """One file to write (relative to the output directory) and what the summary says of it."""

    relative: Path
    text: str
    what: str


def check_out_dir(out_dir: Path, verb: str, exit_code: int = EXIT_USAGE) -> None:
    """Refuse an output path that is a file or a non-empty directory: never overwrite a tree."""
    if out_dir.exists() and not out_dir.is_dir():
        raise B2BLintError(f"--out {out_dir}: exists and is not a directory", exit_code)
    if out_dir.is_dir() and any(out_dir.iterdir()):
        raise B2BLintError(
            f"--out {out_dir}: directory is not empty; {verb} writes a new tree "
            "(choose a new or empty directory)",
            exit_code,
        )


def partner_slug(entry: dict[str, Any], used: set[str]) -> str:
    """A file name for a partner: its name in kebab-case, else (or on a clash) its tenant ID."""
    tenant_id = str(entry["tenantId"]).lower()
    name = entry.get("name")
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") if isinstance(name, str) else ""
    slug = slug or tenant_id
    if slug in used:
        slug = f"{slug}-{tenant_id[:8]}"
    return tenant_id if slug in used else slug


def endpoint_comments(policy: dict[str, Any]) -> dict[str, str]:
    """Each tenant-wide key's Graph request, as `apply` will send it (so beta where needed)."""
    from b2blint.graph.kinds import BETA, POLICY_KEY
    from b2blint.graph.mapping import resources_from_policy

    comments: dict[str, str] = {}
    for resource in resources_from_policy(policy).values():
        if resource.kind in POLICY_KEY:
            request = resource.update_request()
            beta = "beta " if request.api_version == BETA else ""
            comments[POLICY_KEY[resource.kind]] = f"{beta}{request.method} {request.path}"
    return comments


def render_tree(
    policy: dict[str, Any],
    *,
    tenant_id: str,
    cloud: str,
    origin: Sequence[str],
    verb: str,
    b2b_policy: Any = None,
) -> list[TreeFile]:
    """The files of a tree for ``policy`` (policy-file data without unset settings).

    ``origin`` are the header lines saying where the data came from; ``verb`` is
    ``imported``/``exported``; ``b2b_policy`` is the whole b2bManagementPolicy, kept as a
    comment because b2blint manages only its domain list.
    """
    from b2blint.files.yamlio import dump_yaml
    from b2blint.graph.kinds import PARTNERS
    from b2blint.graph.values import compact_json

    tenant: dict[str, Any] = {"b2blint": 1, "tenant": {"id": tenant_id, "cloud": cloud}}
    managed = [key for key in policy if key != "partners"]
    tenant.update((key, policy[key]) for key in managed)
    footer: list[str] = []
    if b2b_policy is not None:
        footer = [
            "",
            f"The b2bManagementPolicy as {verb}. b2blint manages only its domain list",
            "(invitationDomains above, if it has one); apply keeps the rest of the live policy.",
            compact_json(b2b_policy),
        ]
    header = [
        *origin,
        "Inside each section the property names are Graph's own (docs/format.md).",
    ]
    what = ", ".join(managed) if managed else "tenant metadata only"
    if b2b_policy is not None and "invitationDomains" not in policy:
        what += "; the b2bManagementPolicy has no domain list (kept as a comment)"
    text = dump_yaml(
        tenant, header=header, key_comments=endpoint_comments(policy), footer=footer
    )
    files = [TreeFile(Path("tenant.yaml"), text, what)]
    used: set[str] = set()
    command = "import" if verb == "imported" else "export"
    for entry in policy.get("partners", ()):
        slug = partner_slug(entry, used)
        used.add(slug)
        partner_id = entry["tenantId"]
        partner_header = [
            f"Partner {entry.get('name', partner_id)}, {verb} by `b2blint {command}`.",
            f"Graph: {PARTNERS}/{partner_id}",
            "Graph records neither a partner's cloud nor its domains: add `cloud:` (usgov or",
            "china) if it is not in the global cloud, and `domains:` for the invitation rules.",
        ]
        what = f"partner {partner_id}" + (f" ({entry['name']})" if "name" in entry else "")
        if "identitySynchronization" in entry:
            what += ", identitySynchronization"
        body = dump_yaml({"b2blint": 1, "partners": [entry]}, header=partner_header)
        files.append(TreeFile(Path("partners") / f"{slug}.yaml", body, what))
    return files


def write_tree(out_dir: Path, files: Sequence[TreeFile], exit_code: int = EXIT_USAGE) -> None:
    """Write every file atomically; on failure remove what was written, so no half tree stays."""
    from b2blint.files.fsutil import atomic_write_text

    written: list[Path] = []
    try:
        for file in files:
            target = out_dir / file.relative
            atomic_write_text(target, file.text)
            written.append(target)
    except OSError as error:
        for path in written:
            path.unlink(missing_ok=True)
        raise B2BLintError(
            f"{error.filename or out_dir}: cannot write: {error.strerror}", exit_code
        ) from None
