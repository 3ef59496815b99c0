"""One fleet tenant as it was at a git revision (``b2blint diff --tenant NAME --base REV``).

The fleet at REV - ``fleet.yaml``, its layers, every tenant's files - is read from git
(`b2blint.files.gitrev.yaml_files_at`: nothing is checked out, the user's tree and index are
never touched) into a private temporary directory, and assembled there by the same code as
the working tree's fleet: ``fleet.yaml`` at REV is checked exactly like today's (paths relative
and inside the fleet root, no cycles, variables defined, tenant IDs unique). Symlinks are not
copied, so nothing at REV can point the reader outside that directory. Every file name the
result and its errors show reads ``REV:path``, never the temporary directory.
"""

from __future__ import annotations

import tempfile
from pathlib import Path, PurePosixPath

from b2blint.errors import B2BLintError
from b2blint.files.discovery import display_path
from b2blint.files.document import Document
from b2blint.files.gitrev import yaml_files_at
from b2blint.fleet.assemble import TenantTree, read_fleet
from b2blint.fleet.fleetfile import FLEET_FILE, load_fleet


def tenant_at(revision: str, fleet_file: Path, name: str) -> TenantTree:
    """Fleet tenant ``name`` assembled from the fleet of ``fleet_file`` as it was at ``revision``.

    Raises `B2BLintError` (exit 2): no ``fleet.yaml`` at REV, no tenant ``name`` in it, or
    anything `load_fleet`/`read_fleet` refuse (a file that does not parse included).
    """
    root = fleet_file.parent
    files = yaml_files_at(revision, root)
    shown_root = display_path(root)
    label = f"{revision}:" if shown_root in ("", ".") else f"{revision}:{shown_root.rstrip('/')}/"
    if not any(relative == PurePosixPath(FLEET_FILE) for relative, _ in files):
        raise B2BLintError(f"--base: no {FLEET_FILE} at {label}{FLEET_FILE}")
    with tempfile.TemporaryDirectory(prefix="b2blint-fleet-") as temporary:
        base = Path(temporary)
        for relative, content in files:
            target = base.joinpath(*relative.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        prefix = display_path(base).rstrip("/") + "/"
        try:
            fleet = load_fleet(base / FLEET_FILE)
            trees = read_fleet(fleet, only=[name], strict=True)
        except B2BLintError as error:
            raise B2BLintError(error.message.replace(prefix, label), error.exit_code) from None
    tree = trees.tenant(name)
    documents: list[Document] = [
        fleet.document,
        tree.document,
        *trees.layer_documents.values(),
        *tree.own,
    ]
    for document in (*documents, *tree.tests):
        if document.path.startswith(prefix):
            document.path = label + document.path[len(prefix) :]
    return tree
