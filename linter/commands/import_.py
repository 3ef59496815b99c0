"""``b2blint import``: saved Graph JSON responses -> a lint-ready policy tree (offline).

Reads the response bodies an admin saved from Graph Explorer or ``az rest`` (see
`b2blint.graph.recognize` for which ones), converts them with `b2blint.graph.mapping`, and
writes ``DIR/tenant.yaml`` plus one ``DIR/partners/<slug>.yaml`` per partner. Everything is
read, checked and rendered before the first byte is written, so bad input leaves nothing
behind; each file is then written atomically.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from b2blint.errors import EXIT_OK, B2BLintError
from b2blint.graph.jsonpos import JsonDocument, JsonPath, JsonTextError, decode_text, load_json
from b2blint.graph.mapping import (
    GraphMappingError,
    ImportedPolicy,
    Recognized,
    UnrecognizedBody,
    build_policy,
    recognize,
    resources_from_policy,
    without_unset,
)
from b2blint.graph.model import BETA, PARTNERS, POLICY_KEY, Kind

GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
CLOUD_ENDPOINTS = {"microsoftonline.us": "usgov", "partner.microsoftonline.cn": "china"}


@dataclasses.dataclass(frozen=True)
class _Input:
    """One input file: its name as given, and the parsed JSON with positions."""

    name: str
    document: JsonDocument

    def where(self, path: JsonPath) -> str:
        line, column = self.document.position(path)
        return f"{self.name}:{line}:{column}"


@click.command("import")
@click.option("--tenant-id", required=True, help="The id (GUID) of the tenant the files are from.")
@click.option(
    "--cloud",
    type=click.Choice(["global", "usgov", "china"]),
    default="global",
    show_default=True,
    help="The tenant's Microsoft cloud.",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path),
    help="New or empty directory to write the policy tree into.",
)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def import_command(tenant_id: str, cloud: str, out_dir: Path, files: Sequence[Path]) -> int:
    """Convert saved Graph JSON responses (FILE...) into policy YAML under --out.

    Save each response body unchanged, e.g. `az rest --method get --url
    https://graph.microsoft.com/v1.0/policies/crossTenantAccessPolicy/partners > partners.json`.
    """
    if not GUID.fullmatch(tenant_id):
        raise B2BLintError(f"--tenant-id '{tenant_id}' is not a GUID (the tenant's directory id)")
    _check_out_dir(out_dir)
    inputs = [_read(path) for path in files]
    found: list[Recognized] = []
    for index, item in enumerate(inputs):
        try:
            objects = recognize(item.document.data)
        except UnrecognizedBody as error:
            raise B2BLintError(f"{item.where(error.path)}: {error.message}") from None
        found.extend(_with_origin(objects, index))
        if isinstance(item.document.data, dict) and "@odata.nextLink" in item.document.data:
            click.echo(
                f"note: {item.name} is one page of a longer list (@odata.nextLink): "
                "pass every page, or partners will be missing"
            )
    try:
        imported = build_policy(found)
    except GraphMappingError as error:
        where = inputs[error.origin].where(error.path)
        message = f"{where}: {error.message}"
        if error.first is not None:
            message += f" (first at {inputs[error.first[0]].where(error.first[1])})"
        raise B2BLintError(message) from None
    outputs = _render(imported, tenant_id, cloud, [Path(item.name).name for item in inputs])
    _write(out_dir, outputs)
    _summary(out_dir, outputs, imported, len(inputs))
    return EXIT_OK


def _with_origin(objects: list[Recognized], origin: int) -> list[Recognized]:
    return [dataclasses.replace(obj, origin=origin) for obj in objects]


def _check_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise B2BLintError(f"--out {out_dir}: exists and is not a directory")
    if out_dir.is_dir() and any(out_dir.iterdir()):
        raise B2BLintError(
            f"--out {out_dir}: directory is not empty; import writes a new tree "
            "(choose a new or empty directory)"
        )


def _read(path: Path) -> _Input:
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise B2BLintError(f"{name}: cannot read: {error.strerror or error}") from None
    try:
        document = load_json(decode_text(raw))
    except JsonTextError as error:
        raise B2BLintError(f"{name}:{error.line}:{error.column}: {error.message}") from None
    return _Input(name, document)


@dataclasses.dataclass(frozen=True)
class _Output:
    """One file to write (relative to --out), and what the summary says about it."""

    relative: Path
    text: str
    what: str


def _render(
    imported: ImportedPolicy, tenant_id: str, cloud: str, sources: list[str]
) -> list[_Output]:
    from b2blint.yamlio import dump_yaml

    policy = without_unset(imported.policy)
    tenant: dict[str, Any] = {"b2blint": 1, "tenant": {"id": tenant_id, "cloud": cloud}}
    managed = [key for key in policy if key != "partners"]
    tenant.update((key, policy[key]) for key in managed)
    comments = _endpoint_comments(policy)
    footer: list[str] = []
    b2b = imported.unmanaged.get(Kind.B2B_MANAGEMENT_POLICY.value)
    if b2b is not None:
        from b2blint.graph.mapping import compact_json

        footer = [
            "",
            "The b2bManagementPolicy as imported. b2blint manages only its domain list",
            "(invitationDomains above, if it has one); apply keeps the rest of the live policy.",
            compact_json(b2b),
        ]
    header = [
        "Tenant-wide settings, imported by `b2blint import` from saved Microsoft Graph responses:",
        *(f"  {source}" for source in sources),
        "Inside each section the property names are Graph's own (docs/format.md).",
    ]
    what = ", ".join(managed) if managed else "tenant metadata only"
    if b2b is not None and "invitationDomains" not in policy:
        what += "; the b2bManagementPolicy has no domain list (kept as a comment)"
    outputs = [
        _Output(
            Path("tenant.yaml"),
            dump_yaml(tenant, header=header, key_comments=comments, footer=footer),
            what,
        )
    ]
    used: set[str] = set()
    for entry in policy.get("partners", ()):
        slug = _slug(entry, used)
        used.add(slug)
        tenant_of = entry["tenantId"]
        partner_header = [
            f"Partner {entry.get('name', tenant_of)}, imported by `b2blint import`.",
            f"Graph: {PARTNERS}/{tenant_of}",
            "Graph records neither a partner's cloud nor its domains: add `cloud:` (usgov or",
            "china) if it is not in the global cloud, and `domains:` for the invitation rules.",
        ]
        what = f"partner {tenant_of}" + (f" ({entry['name']})" if "name" in entry else "")
        if "identitySynchronization" in entry:
            what += ", identitySynchronization"
        text = dump_yaml({"b2blint": 1, "partners": [entry]}, header=partner_header)
        outputs.append(_Output(Path("partners") / f"{slug}.yaml", text, what))
    return outputs


def _endpoint_comments(policy: dict[str, Any]) -> dict[str, str]:
    """Each tenant-wide key's Graph request, as `apply` will send it (so beta where needed)."""
    comments: dict[str, str] = {}
    for resource in resources_from_policy(policy).values():
        if resource.kind in POLICY_KEY:
            request = resource.update_request()
            beta = "beta " if request.api_version == BETA else ""
            comments[POLICY_KEY[resource.kind]] = f"{beta}{request.method} {request.path}"
    return comments


def _slug(entry: dict[str, Any], used: set[str]) -> str:
    tenant_id = str(entry["tenantId"]).lower()
    name = entry.get("name")
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") if isinstance(name, str) else ""
    if not slug:
        slug = tenant_id
    if slug in used:
        slug = f"{slug}-{tenant_id[:8]}"
    if slug in used:
        slug = tenant_id
    return slug


def _write(out_dir: Path, outputs: list[_Output]) -> None:
    from b2blint.fsutil import atomic_write_text

    written: list[Path] = []
    try:
        for output in outputs:
            target = out_dir / output.relative
            atomic_write_text(target, output.text)
            written.append(target)
    except OSError as error:
        for path in written:
            path.unlink(missing_ok=True)
        raise B2BLintError(f"{error.filename or out_dir}: cannot write: {error.strerror}") from None


def _summary(out_dir: Path, outputs: list[_Output], imported: ImportedPolicy, count: int) -> None:
    for output in outputs:
        click.echo(f"wrote {out_dir / output.relative}: {output.what}")
    if imported.dropped:
        click.echo(f"left out (read-only or not managed): {', '.join(imported.dropped)}")
    base = imported.policy.get("crossTenantAccessPolicy") or {}
    endpoints = base.get("allowedCloudEndpoints") if isinstance(base, dict) else None
    for endpoint in endpoints if isinstance(endpoints, list) else ():
        cloud = CLOUD_ENDPOINTS.get(str(endpoint))
        if cloud is not None:
            click.echo(
                f"note: allowedCloudEndpoints lists {endpoint}: set `cloud: {cloud}` on the "
                "partners in that cloud (Graph does not record it)"
            )
    partners = len(outputs) - 1
    click.echo(
        f"imported {count} file{'s' if count != 1 else ''} into {out_dir}: tenant.yaml and "
        f"{partners} partner file{'s' if partners != 1 else ''}; next: b2blint lint {out_dir}"
    )
