"""``b2blint import``: saved Graph JSON responses -> a lint-ready policy tree (offline).

Reads the response bodies an admin saved from Graph Explorer or ``az rest`` (see
`b2blint.graph.recognize` for which ones), converts them with `b2blint.graph.mapping`, and
writes ``DIR/tenant.yaml`` plus one ``DIR/partners/<slug>.yaml`` per partner. Everything is
read, checked and rendered before the first byte is written, so bad input leaves nothing
behind; each file is then written atomically.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

import click

from b2blint.errors import EXIT_OK, B2BLintError
from b2blint.files.jsonpos import JsonDocument, JsonPath, JsonTextError, decode_text, load_json
from b2blint.graph.conditionalaccess import CAPolicy, ContextError, recognize_policies
from b2blint.graph.kinds import ResourceKind
from b2blint.graph.mapping import (
    GraphMappingError,
    ImportedPolicy,
    Recognized,
    UnrecognizedBody,
    build_policy,
    recognize,
    without_unset,
)
from b2blint.graph.treewriter import (
    TreeFile,
    check_out_dir,
    render_context,
    render_tree,
    write_tree,
)
from b2blint.identifiers import is_guid
from b2blint.printable import printable

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
    if not is_guid(tenant_id):
        raise B2BLintError(f"--tenant-id '{tenant_id}' is not a GUID (the tenant's directory id)")
    check_out_dir(out_dir, "import")
    inputs = [_read(path) for path in files]
    found: list[Recognized] = []
    context: list[tuple[CAPolicy, int]] | None = None
    for index, item in enumerate(inputs):
        try:
            policies = recognize_policies(item.document.data)
        except ContextError as error:
            raise B2BLintError(f"{item.where(error.path)}: {error.message}") from None
        if policies is not None:
            context = _add_context(context or [], policies, index, inputs)
        else:
            try:
                objects = recognize(item.document.data)
            except UnrecognizedBody as error:
                raise B2BLintError(f"{item.where(error.path)}: {error.message}") from None
            found.extend(_with_origin(objects, index))
        if isinstance(item.document.data, dict) and "@odata.nextLink" in item.document.data:
            what = "Conditional Access policies" if policies is not None else "partners"
            _say(
                f"note: {item.name} is one page of a longer list (@odata.nextLink): "
                f"pass every page, or {what} will be missing"
            )
    try:
        imported = build_policy(found)
    except GraphMappingError as error:
        where = inputs[error.origin].where(error.path)
        message = f"{where}: {error.message}"
        if error.first is not None:
            message += f" (first at {inputs[error.first[0]].where(error.first[1])})"
        raise B2BLintError(message) from None
    sources = [Path(item.name).name for item in inputs]
    outputs = render_tree(
        without_unset(imported.policy),
        tenant_id=tenant_id,
        cloud=cloud,
        origin=[
            "Tenant-wide settings, imported by `b2blint import` from saved Microsoft Graph "
            "responses:",
            *(f"  {source}" for source in sources),
        ],
        verb="imported",
        b2b_policy=imported.unmanaged.get(ResourceKind.B2B_MANAGEMENT_POLICY.value),
        response_only=imported.response_only,
    )
    if context is not None:
        outputs.append(
            render_context(
                [policy.data for policy, _ in context],
                verb="imported",
                origin=[
                    "Imported by `b2blint import` from saved Microsoft Graph responses:",
                    *(f"  {sources[i]}" for i in sorted({i for _, i in context})),
                ],
            )
        )
    write_tree(out_dir, outputs)
    _summary(out_dir, outputs, imported, len(inputs))
    return EXIT_OK


def _add_context(
    context: list[tuple[CAPolicy, int]],
    policies: list[CAPolicy],
    origin: int,
    inputs: list[_Input],
) -> list[tuple[CAPolicy, int]]:
    """``context`` plus ``policies`` from input ``origin``; a policy id seen twice (the same
    page passed twice, or two saves of one policy) is refused, naming both places."""
    seen = {policy.id.lower(): (policy, index) for policy, index in context}
    for policy in policies:
        first = seen.get(policy.id.lower())
        if first is not None:
            raise B2BLintError(
                f"{inputs[origin].where((*policy.path, 'id'))}: Conditional Access policy "
                f"{policy.id} appears twice (first at "
                f"{inputs[first[1]].where((*first[0].path, 'id'))}); pass each page once"
            )
        seen[policy.id.lower()] = (policy, origin)
        context.append((policy, origin))
    return context


def _say(line: str) -> None:
    """Print one line of the summary: Graph property names, partner names and file names are
    untrusted, so control characters and bidi overrides are shown escaped (`printable`)."""
    click.echo(printable(line))


def _with_origin(objects: list[Recognized], origin: int) -> list[Recognized]:
    return [dataclasses.replace(obj, origin=origin) for obj in objects]


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


def _summary(out_dir: Path, outputs: list[TreeFile], imported: ImportedPolicy, count: int) -> None:
    for output in outputs:
        _say(f"wrote {out_dir / output.relative}: {output.what}")
    if imported.dropped:
        _say(f"left out (read-only or not managed): {', '.join(imported.dropped)}")
    base = imported.policy.get("crossTenantAccessPolicy") or {}
    endpoints = base.get("allowedCloudEndpoints") if isinstance(base, dict) else None
    for endpoint in endpoints if isinstance(endpoints, list) else ():
        cloud = CLOUD_ENDPOINTS.get(str(endpoint))
        if cloud is not None:
            _say(
                f"note: allowedCloudEndpoints lists {endpoint}: set `cloud: {cloud}` on the "
                "partners in that cloud (Graph does not record it)"
            )
    partners = sum(1 for output in outputs if output.relative.parts[0] == "partners")
    files = f"{partners} partner file{'s' if partners != 1 else ''}"
    if len(outputs) > partners + 1:
        files = f"tenant.yaml, {files} and the Conditional Access context"
    else:
        files = f"tenant.yaml and {files}"
    _say(
        f"imported {count} file{'s' if count != 1 else ''} into {out_dir}: {files}; "
        f"next: b2blint lint {out_dir}"
    )
