"""Write a policy tree (``tenant.yaml`` + ``partners/<slug>.yaml``) from Graph-shaped data.

`import` (saved responses) and `export` (the live tenant) produce the same layout through this
one module, so a tree looks the same whichever way it was brought under management.

The data is hostile until proven otherwise (docs/security.md, "Hostile Graph JSON"): file names
are built only from GUID-checked tenant IDs (`b2blint.graph.fromgraph` checks them) or from a
slug of ``[a-z0-9-]``; every relative path is checked again before writing; the tree is written
through directory file descriptors with ``O_NOFOLLOW``, so neither ``--out`` nor a directory
inside it can be a symbolic link that leads the files elsewhere; and a file lint would refuse
(over `MAX_FILE_BYTES`) is refused here, before anything is written.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

from b2blint.errors import EXIT_USAGE, B2BLintError
from b2blint.files.document import MAX_FILE_BYTES
from b2blint.identifiers import is_guid

#: A slug longer than this is cut (file systems limit a name to 255 bytes).
MAX_SLUG = 64
#: Names Windows reserves for devices in every directory, with any extension
#: (https://learn.microsoft.com/windows/win32/fileio/naming-a-file): never a partner file name.
WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{n}" for n in range(1, 10)}
    | {f"lpt{n}" for n in range(1, 10)}
)
_NO_DOMAINS = (
    "Graph records neither a partner's cloud nor its domains: add `cloud:` (usgov or",
    "china) if it is not in the global cloud, and `domains:` for the invitation rules.",
)
_KNOWN_DOMAIN = (
    "Graph records no partner's cloud: add `cloud:` (usgov or china) if it is not in the",
    "global cloud. `domains:` holds its default domain [S71]: add its other domains.",
)
# Every path component the writer may create: a slug, a GUID or a fixed name, plus ".yaml".
_SAFE_PART = re.compile(r"[a-z0-9][a-z0-9-]*(?:\.yaml)?")


class TreeFile(NamedTuple):
    """One file to write (relative to the output directory) and what the summary says of it."""

    relative: Path
    text: str
    what: str


def check_out_dir(out_dir: Path, verb: str, exit_code: int = EXIT_USAGE) -> None:
    """Refuse an output path that is a file or a non-empty directory: never overwrite a tree.

    A symbolic link is refused too, even to an empty directory: the tree would land wherever
    the link points, which may have been changed by someone else; pass the real directory.
    """
    if out_dir.is_symlink():
        raise B2BLintError(
            f"--out {out_dir}: is a symbolic link (to {out_dir.readlink()}); {verb} writes "
            "only into a real directory: pass the directory itself",
            exit_code,
        )
    if out_dir.exists() and not out_dir.is_dir():
        raise B2BLintError(f"--out {out_dir}: exists and is not a directory", exit_code)
    if out_dir.is_dir() and any(out_dir.iterdir()):
        raise B2BLintError(
            f"--out {out_dir}: directory is not empty; {verb} writes a new tree "
            "(choose a new or empty directory)",
            exit_code,
        )


def partner_slug(entry: dict[str, Any], used: set[str]) -> str:
    """A file name for a partner: its name in kebab-case, else (or on a clash) its tenant ID.

    The name part is ASCII ``[a-z0-9-]``, at most `MAX_SLUG` characters and never a Windows
    device name; the tenant ID must be a GUID (anything else is a bug upstream: ValueError).
    """
    raw_id = entry["tenantId"]
    if not is_guid(raw_id):
        raise ValueError(f"partner tenantId {raw_id!r} is not a GUID")
    tenant_id = str(raw_id).lower()
    name = entry.get("name")
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") if isinstance(name, str) else ""
    slug = slug[:MAX_SLUG].rstrip("-")
    if slug in WINDOWS_RESERVED:
        slug = f"{slug}-{tenant_id[:8]}"
    slug = slug or tenant_id
    if slug in used:
        slug = f"{slug}-{tenant_id[:8]}"
    return tenant_id if slug in used else slug


def endpoint_comments(policy: dict[str, Any]) -> dict[str, str]:
    """Each tenant-wide key's Graph request, as `apply` will send it (so beta where needed)."""
    from b2blint.graph.kinds import BETA, POLICY_KEY
    from b2blint.graph.mapping import resources_from_policy

    comments: dict[str, str] = {}
    tenant_wide = {key: value for key, value in policy.items() if key != "partners"}
    for resource in resources_from_policy(tenant_wide).values():
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
    taken: Collection[str] = (),
    response_only: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[TreeFile]:
    """The files of a tree for ``policy`` (policy-file data without unset settings).

    ``origin`` are the header lines saying where the data came from; ``verb`` is
    ``imported``/``exported``; ``b2b_policy`` is the whole b2bManagementPolicy, kept as a
    comment because b2blint manages only its domain list. ``taken``: partner file names
    (without ``.yaml``) already in use, which new partner files must not reuse (`--merge`).
    ``response_only``: per lower-case partner ID, members Graph returned that neither metadata
    has; they end the partner's file as a comment (escaped, never YAML data).
    """
    from b2blint.files.yamlio import UnwritableValue, dump_yaml, escaped
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
    try:
        text = dump_yaml(
            tenant, header=header, key_comments=endpoint_comments(policy), footer=footer
        )
    except UnwritableValue as error:
        raise B2BLintError(f"tenant.yaml: cannot write: {error}") from None
    files = [TreeFile(Path("tenant.yaml"), text, what)]
    used: set[str] = set(taken)
    command = "import" if verb == "imported" else "export"
    for entry in policy.get("partners", ()):
        slug = partner_slug(entry, used)
        used.add(slug)
        partner_id = entry["tenantId"]
        partner_header = [
            f"Partner {entry.get('name', partner_id)}, {verb} by `b2blint {command}`.",
            f"Graph: {PARTNERS}/{partner_id}",
            *(_KNOWN_DOMAIN if "domains" in entry else _NO_DOMAINS),
        ]
        what = f"partner {partner_id}" + (f" ({escaped(entry['name'])})" if "name" in entry else "")
        if "identitySynchronization" in entry:
            what += ", identitySynchronization"
        extra = (response_only or {}).get(str(partner_id).lower())
        partner_footer = (
            [
                "",
                f"Also {verb} from Graph, in neither the v1.0 nor the beta metadata, so b2blint",
                "never writes them (docs/format.md):",
                compact_json(dict(extra)),
            ]
            if extra
            else []
        )
        try:
            body = dump_yaml(
                {"b2blint": 1, "partners": [entry]}, header=partner_header, footer=partner_footer
            )
        except UnwritableValue as error:
            raise B2BLintError(f"partner {partner_id}: cannot write: {error}") from None
        files.append(TreeFile(Path("partners") / f"{slug}.yaml", body, what))
    return files


def render_context(
    policies: Sequence[Mapping[str, Any]], *, verb: str, origin: Sequence[str]
) -> TreeFile:
    """The Conditional Access context file (``context/conditional-access.yaml``): Graph's
    policy bodies under ``conditionalAccessPolicies`` (`b2blint.graph.conditionalaccess`).

    The path is fixed, never built from the data; ids and display names are YAML values only.
    """
    from b2blint.files.yamlio import UnwritableValue, dump_yaml
    from b2blint.graph.conditionalaccess import CONTEXT_FILE, CONTEXT_KEY, POLICIES_PATH

    header = [
        *origin,
        "Conditional Access policies: read-only context for lint, simulate and plan.",
        "b2blint never writes them to Graph; re-export to refresh (plan warns when stale).",
        f"Graph: GET {POLICIES_PATH} (property names are Graph's own, docs/format.md).",
    ]
    data: dict[str, Any] = {"b2blint": 1, CONTEXT_KEY: [dict(p) for p in policies]}
    try:
        text = dump_yaml(data, header=header)
    except UnwritableValue as error:
        raise B2BLintError(f"{'/'.join(CONTEXT_FILE)}: cannot write: {error}") from None
    count = len(policies)
    what = f"{count} Conditional Access polic{'y' if count == 1 else 'ies'} ({verb}, context)"
    return TreeFile(Path(*CONTEXT_FILE), text, what)


def check_sizes(files: Sequence[TreeFile], exit_code: int = EXIT_USAGE) -> None:
    """Refuse a file lint would refuse (over `MAX_FILE_BYTES`): no tree that cannot be linted."""
    for file in files:
        size = len(file.text.encode("utf-8"))
        if size > MAX_FILE_BYTES:
            raise B2BLintError(
                f"{file.relative.as_posix()} would be {size:,} bytes, over the "
                f"{MAX_FILE_BYTES:,}-byte limit lint reads a policy file up to ({file.what}); "
                "nothing written",
                exit_code,
            )


def check_relative(relative: Path) -> PurePosixPath:
    """A path the writer may create under the output directory: safe names, no ``..``."""
    parts = PurePosixPath(relative.as_posix()).parts
    if not parts or not all(_SAFE_PART.fullmatch(part) for part in parts):
        raise ValueError(f"refusing to write {relative!s}: not a tree file name")
    return PurePosixPath(*parts)


_DIR_FD_OK = (
    hasattr(os, "O_NOFOLLOW")
    and hasattr(os, "O_DIRECTORY")
    and {os.open, os.mkdir, os.rename, os.unlink, os.rmdir, os.link} <= os.supports_dir_fd
)


def write_tree(
    out_dir: Path,
    files: Sequence[TreeFile],
    exit_code: int = EXIT_USAGE,
    *,
    into_existing: bool = False,
) -> None:
    """Write every file atomically; on failure remove what was written, so no half tree stays.

    Every path is checked (`check_relative`), sizes first (`check_sizes`). On POSIX the files
    are created through directory descriptors opened with ``O_NOFOLLOW``: a symbolic link put
    in place of ``--out`` or ``partners/`` after the checks is refused, never followed.
    ``into_existing`` (`export --merge`): ``out_dir`` may hold other files; each new file is
    linked into place only if its name is still free, so nothing already there is replaced.
    """
    check_sizes(files, exit_code)
    relatives = [check_relative(file.relative) for file in files]
    try:
        if _DIR_FD_OK:
            _write_at_fds(out_dir, relatives, files, into_existing)
        else:  # pragma: no cover - Windows: no dir_fd; check resolved paths instead
            _write_by_path(out_dir, relatives, files, into_existing)
    except OSError as error:
        name = error.filename if isinstance(error.filename, str) else ""
        where = out_dir / name if name else out_dir
        reason = error.strerror or str(error)
        if error.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
            reason = "is a symbolic link or not a directory (not followed)"
        elif error.errno == errno.EEXIST and into_existing:
            reason = "appeared meanwhile (not replaced); nothing written"
        raise B2BLintError(f"{where}: cannot write: {reason}", exit_code) from None


def _write_at_fds(
    out_dir: Path,
    relatives: list[PurePosixPath],
    files: Sequence[TreeFile],
    into_existing: bool = False,
) -> None:
    made_root = False
    if not into_existing:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        try:
            out_dir.mkdir()
            made_root = True
        except FileExistsError:
            pass
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
    try:
        root = os.open(out_dir, flags)
    except OSError as error:
        error.filename = ""
        raise
    fds: dict[PurePosixPath, int] = {PurePosixPath(): root}
    made_dirs: list[tuple[int, str]] = []
    written: list[tuple[int, str]] = []
    temps: list[tuple[int, str, PurePosixPath]] = []
    try:
        if not into_existing and os.listdir(root):  # noqa: PTH208 - a descriptor: the directory itself, no path
            raise OSError(errno.ENOTEMPTY, "directory is not empty (something was put there)", "")
        for relative, file in zip(relatives, files, strict=True):
            parent = PurePosixPath()
            for part in relative.parts[:-1]:
                child = parent / part
                if child not in fds:
                    try:
                        os.mkdir(part, dir_fd=fds[parent])
                        made_dirs.append((fds[parent], part))
                    except FileExistsError:
                        pass
                    try:
                        fds[child] = os.open(part, flags, dir_fd=fds[parent])
                    except OSError as error:
                        error.filename = str(child)
                        raise
                parent = child
            data = file.text.encode("utf-8")
            temp = _write_temp_at(fds[parent], relative.name, data, str(relative))
            temps.append((fds[parent], temp, relative))
        # One sync for the whole tree instead of one fsync per file (10,000 fsyncs took 32 s
        # here): every file's data is on disk before any of them gets its final name.
        os.sync()
        for dir_fd, temp, relative in temps:
            try:
                if into_existing:  # a hard link fails if the name exists: never replaces
                    os.link(temp, relative.name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
                    written.append((dir_fd, relative.name))
                    os.unlink(temp, dir_fd=dir_fd)
                else:
                    os.rename(temp, relative.name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
                    written.append((dir_fd, relative.name))
            except OSError as error:
                error.filename = str(relative)
                raise
        for fd in fds.values():
            os.fsync(fd)  # the directory entries themselves
    except BaseException:
        for dir_fd, name in written:
            with _suppress_os():
                os.unlink(name, dir_fd=dir_fd)
        for dir_fd, temp, _ in temps:
            with _suppress_os():
                os.unlink(temp, dir_fd=dir_fd)
        for dir_fd, name in reversed(made_dirs):
            with _suppress_os():
                os.rmdir(name, dir_fd=dir_fd)
        if made_root:
            with _suppress_os():
                out_dir.rmdir()
        raise
    finally:
        for fd in fds.values():
            os.close(fd)


def _write_temp_at(dir_fd: int, name: str, data: bytes, shown_as: str) -> str:
    """Write ``data`` to a new temporary file (``O_EXCL|O_NOFOLLOW``) beside ``name``."""
    temp = f".{name}.{secrets.token_hex(4)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(temp, flags, 0o666, dir_fd=dir_fd)
    except OSError as error:
        error.filename = shown_as
        raise
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except BaseException:
        with _suppress_os():
            os.unlink(temp, dir_fd=dir_fd)
        raise
    return temp


def _write_by_path(
    out_dir: Path, relatives: list[PurePosixPath], files: Sequence[TreeFile], into_existing: bool
) -> None:  # pragma: no cover - only where os.open has no dir_fd (Windows)
    from b2blint.files.fsutil import atomic_write_text

    out_dir.mkdir(parents=True, exist_ok=True)
    root = out_dir.resolve()
    written: list[Path] = []
    try:
        for relative, file in zip(relatives, files, strict=True):
            target = out_dir.joinpath(*relative.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.parent.is_symlink() or not target.parent.resolve().is_relative_to(root):
                raise OSError(errno.ELOOP, "leaves the output directory", str(relative))
            if into_existing and target.exists():
                raise OSError(errno.EEXIST, "exists", str(relative))
            atomic_write_text(target, file.text)
            written.append(target)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise


def _suppress_os() -> Any:
    import contextlib

    return contextlib.suppress(OSError)
