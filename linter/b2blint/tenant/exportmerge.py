"""``export --merge``: bring an existing policy tree up to date with the live tenant.

Re-exporting into a new directory would throw away what people add to a tree: comments,
``# b2blint: disable=...`` suppressions, partner ``name``/``domains``/``cloud`` metadata, and
how partners are spread over files. So a merge changes only Graph values, by splicing them into
the files that hold them (`b2blint.files.yaml_edit`, the fixer's byte-preserving splice: every
byte outside a changed value is kept, and each file's result is parsed again and compared with
the expected data before anything is written). Partners new in the tenant get new files
(written without replacing anything); partners gone from the tenant are reported, never deleted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from b2blint.diagnostics import Edit, Fix
from b2blint.errors import EXIT_FAILED, B2BLintError
from b2blint.graph.treewriter import TreeFile
from b2blint.lint.tree import Tree
from b2blint.policy.model import Partner, Ref

#: The parts of a partner entry that come from Graph; the rest is the user's metadata.
PARTNER_GRAPH_KEYS = ("settings", "identitySynchronization")


@dataclasses.dataclass(frozen=True)
class Gone:
    """A partner in the tree that the tenant no longer has, and where its entry is."""

    tenant_id: str
    label: str
    where: str  # file:line:col


@dataclasses.dataclass
class MergePlan:
    """What a merge changes: edits per file, new partner entries, and what it only reports."""

    edits: dict[str, list[Edit]]  # document path -> edits (paths against its current data)
    documents: dict[str, Any]  # document path -> its Document
    new_partners: list[dict[str, Any]]
    gone: list[Gone]
    taken: set[str]  # partner file names (no suffix) in use under partners/

    @property
    def changed_values(self) -> int:
        return sum(len(edits) for edits in self.edits.values())


def load_tree(out_dir: Path, tenant_id: str) -> Tree:
    """The tree under ``out_dir``; refuse one that is not a whole, readable tree of this tenant."""
    from b2blint.lint.tree import read_tree

    if out_dir.is_symlink() or not out_dir.is_dir():
        raise B2BLintError(
            f"--out {out_dir}: --merge needs the directory of an existing policy tree",
            EXIT_FAILED,
        )
    tree = read_tree([str(out_dir)], lint=False)
    if tree.unreadable:
        raise B2BLintError(
            f"{tree.unreadable[0]}: does not parse as YAML, so it cannot be merged into "
            "(run 'b2blint lint'); nothing written",
            EXIT_FAILED,
        )
    found = tree.policy.tenant_id
    if found is None:
        raise B2BLintError(
            f"--out {out_dir}: no file declares `tenant: {{id: ...}}`; --merge needs a tree "
            "written by export or import",
            EXIT_FAILED,
        )
    if found.lower() != tenant_id.lower():
        section = tree.policy.section("tenant")
        at = f"{_where(section.ref)}: " if section is not None else ""
        raise B2BLintError(
            f"{at}the tree is for tenant {found}, not --tenant-id {tenant_id}; nothing written",
            EXIT_FAILED,
        )
    return tree


def _edit(plan: MergePlan, ref: Ref, edit: Edit) -> None:
    path = ref.document.path
    plan.documents[path] = ref.document
    plan.edits.setdefault(path, []).append(edit)


def _where(ref: Ref) -> str:
    location = ref.location()
    return f"{location.file}:{location.position.line}:{location.position.column}"


def plan_merge(
    tree: Tree,
    live: Mapping[str, Any],
    sections: Collection[str],
    partners_read: bool,
    out_dir: Path,
) -> MergePlan:
    """Compare the tree with ``live`` (policy data) for the ``sections`` and partners read."""
    policy = tree.policy
    partners_dir = out_dir / "partners"
    taken = (
        {path.stem for path in partners_dir.iterdir()}
        if partners_dir.is_dir() and not partners_dir.is_symlink()
        else set()
    )
    plan = MergePlan({}, {}, [], [], taken)
    tenant = policy.section("tenant")
    for name in sections:
        section = policy.section(name)
        value = live.get(name)
        if section is not None and value is None:
            _edit(plan, section.ref, Edit("delete", section.ref.path))
        elif section is not None and section.value != value:
            _edit(plan, section.ref, Edit("set", section.ref.path, value))
        elif section is None and value is not None and tenant is not None:
            root = Ref(tenant.ref.document, ())
            _edit(plan, root, Edit("set", (name,), value))
    if not partners_read:
        return plan
    live_partners = {str(e["tenantId"]).lower(): e for e in live.get("partners", ())}
    for key, entry in live_partners.items():
        partner = policy.partner(key)
        if partner is None or partner.tenant_id.lower() != key:
            plan.new_partners.append(entry)
            continue
        _merge_partner(plan, partner, entry)
    for partner in policy.partners:
        if partner.tenant_id.lower() not in live_partners:
            plan.gone.append(Gone(partner.tenant_id, partner.label, _where(partner.ref)))
    return plan


def _merge_partner(plan: MergePlan, partner: Partner, entry: Mapping[str, Any]) -> None:
    """Splice the partner's Graph values; its metadata and everything else stay as written."""
    for key in PARTNER_GRAPH_KEYS:
        mine = partner.entry.get(key)
        theirs = entry.get(key)
        if key == "settings":
            mine = mine if mine is not None else {}
            theirs = theirs if theirs is not None else {}
        if mine == theirs:
            continue
        ref = partner.ref.child(key)
        if theirs is None:
            _edit(plan, ref, Edit("delete", ref.path))
        else:
            _edit(plan, ref, Edit("set", ref.path, theirs))


def apply_merge(plan: MergePlan) -> dict[str, tuple[str, str]]:
    """The new text of every file to change: path -> (original, new); raise if any fails.

    All or nothing: a file whose edits cannot be spliced, or whose result does not read back as
    the expected data, stops the merge before anything is written.
    """
    from b2blint.lint.fixer import apply_fixes

    results: dict[str, tuple[str, str]] = {}
    for path, edits in plan.edits.items():
        document = plan.documents[path]
        fixes = [Fix(path, f"merge {_shown_path(edit.path)}", (edit,)) for edit in edits]
        new_text, applied, notes = apply_fixes(document.text, fixes, document.data)
        if len(applied) != len(fixes):
            missing = next(fix for fix in fixes if fix not in applied)
            reason = f": {notes[0]}" if notes else ""
            raise B2BLintError(
                f"{path}: cannot {missing.description} into the file{reason}; nothing written",
                EXIT_FAILED,
            )
        results[path] = (document.text, new_text)
    return results


def _shown_path(path: Sequence[str | int]) -> str:
    return ".".join(str(segment) for segment in path)


def merge_into(
    tree: Tree,
    out_dir: Path,
    live: Mapping[str, Any],
    sections: Collection[str],
    *,
    partners_read: bool,
    render: Callable[[list[dict[str, Any]], Collection[str]], list[TreeFile]],
) -> list[str]:
    """Plan, splice and write a merge; return the lines that say what changed.

    ``render`` turns the new partners into files (the export writer), avoiding ``taken`` names.
    Everything is computed before the first write; new files are written first (all or none,
    never replacing a file), then the changed files atomically (`b2blint.lint.fixer`).
    """
    from b2blint.graph.treewriter import write_tree
    from b2blint.lint.fixer import FixOutcome, write_fixes

    plan = plan_merge(tree, live, sections, partners_read, out_dir)
    texts = apply_merge(plan)
    new_files = render(plan.new_partners, plan.taken) if plan.new_partners else []
    if new_files:
        write_tree(out_dir, new_files, EXIT_FAILED, into_existing=True)
    outcome = FixOutcome(
        {path: old for path, (old, _) in texts.items()},
        {path: new for path, (_, new) in texts.items()},
    )
    written = write_fixes(outcome)
    lines: list[str] = []
    for path in written:
        count = len(plan.edits[path])
        lines.append(f"updated {path}: {count} Graph value{'s' if count != 1 else ''} changed")
    lines.extend(f"wrote {out_dir / file.relative}: {file.what}" for file in new_files)
    lines.extend(f"warning: {message}" for message in outcome.notes)
    lines.extend(
        f"{gone.where}: partner {gone.label} is no longer in the tenant; kept (plan would "
        "create it again: delete the entry to leave it out)"
        for gone in plan.gone
    )
    if not written and not new_files:
        lines.append("the tree already matches the tenant: nothing changed")
    return lines
