"""``export --merge --section conditionalAccess``: bring a tree's Conditional Access context up to
date with the tenant, keeping what people wrote around it.

One splice per policy (`b2blint.tenant.exportmerge.apply_merge`, the fixer's byte-preserving
splice): a policy whose body changed is replaced where it stands (comments outside it, the
file's header and the other policies are kept), a policy new in the tenant is appended to the
first context file, and a policy gone from the tenant is removed: context is a copy of the
tenant, never a wish (unlike a partner, which ``plan`` would create again). Without any context
file in the tree, a new ``context/conditional-access.yaml`` is written (never replacing a file).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from b2blint.diagnostics import Edit, Fix
from b2blint.errors import EXIT_FAILED, B2BLintError
from b2blint.graph.conditionalaccess import CONTEXT_KEY
from b2blint.graph.treewriter import TreeFile
from b2blint.lint.tree import Tree
from b2blint.tenant.exportmerge import MergePlan, apply_merge


def merge_context(
    tree: Tree,
    out_dir: Path,
    live: Sequence[Mapping[str, Any]],
    render: Callable[[Sequence[Mapping[str, Any]]], TreeFile],
) -> list[str]:
    """Splice the live policies into the tree's context files (or write a new one); return the
    lines that say what changed. Everything is computed before the first write."""
    from b2blint.graph.treewriter import write_tree
    from b2blint.lint.fixer import FixOutcome, write_fixes

    live_by_id = {str(p["id"]).lower(): p for p in live}
    plan = MergePlan({}, {}, [], [], set())
    seen: set[str] = set()
    emptied: dict[str, int] = {}  # files whose every policy is gone: how many were removed
    first_document = None
    lines: list[str] = []
    for document in tree.policy.documents:
        data = document.data
        if not isinstance(data, dict) or not isinstance(data.get(CONTEXT_KEY), list):
            continue
        first_document = first_document or document
        for index, policy in enumerate(data[CONTEXT_KEY]):
            ident = policy.get("id") if isinstance(policy, dict) else None
            key = ident.lower() if isinstance(ident, str) else None
            theirs = live_by_id.get(key) if key is not None else None
            if theirs is None or key in seen:
                plan.edits.setdefault(document.path, []).append(
                    Edit("delete", (CONTEXT_KEY, index))
                )
                line, _ = document.position((CONTEXT_KEY, index))
                lines.append(
                    f"{document.path}:{line}: Conditional Access policy {ident!s} is no longer "
                    "in the tenant; removed from the context"
                )
            elif dict(policy) != dict(theirs):
                plan.edits.setdefault(document.path, []).append(
                    Edit("set", (CONTEXT_KEY, index), dict(theirs))
                )
            plan.documents[document.path] = document
            if key is not None:
                seen.add(key)
        edits = plan.edits.get(document.path, [])
        if data[CONTEXT_KEY] and sum(e.op == "delete" for e in edits) == len(data[CONTEXT_KEY]):
            # Every policy of the file is gone: one `[]` instead of deletions that would each
            # leave the list to the others (the splice cannot empty a list item by item).
            plan.edits[document.path] = [Edit("set", (CONTEXT_KEY,), [])]
            emptied[document.path] = len(edits)  # counted as the policies removed
    new = [p for key, p in live_by_id.items() if key not in seen]
    new_file: list[TreeFile] = []
    if first_document is None:
        new_file = [render(new)]
    plan.edits = {path: edits for path, edits in plan.edits.items() if edits}
    texts = apply_merge(plan)  # changed and gone policies, in place
    if first_document is not None and new:
        # Appends go one by one on the text the splices above produced: an append touches the
        # list that a change of its last item touches too, so they cannot share one round.
        path = first_document.path
        old, text = texts.get(path, (first_document.text, first_document.text))
        for policy in new:
            text = _appended(path, text, dict(policy))
        texts[path] = (old, text)
        plan.edits.setdefault(path, []).extend(
            Edit("append", (CONTEXT_KEY,), dict(policy)) for policy in new
        )
    if new_file:
        write_tree(out_dir, new_file, EXIT_FAILED, into_existing=True)
    outcome = FixOutcome(
        {path: old for path, (old, _) in texts.items()},
        {path: text for path, (_, text) in texts.items()},
    )
    written = write_fixes(outcome)
    out: list[str] = []
    for path in written:
        count = len(plan.edits[path]) + emptied.get(path, 1) - 1
        out.append(
            f"updated {path}: {count} Conditional Access polic{'y' if count == 1 else 'ies'} "
            "changed, added or removed"
        )
    out.extend(f"wrote {out_dir / file.relative}: {file.what}" for file in new_file)
    out.extend(lines)
    out.extend(f"warning: {message}" for message in outcome.notes)
    if not written and not new_file:
        out.append("the Conditional Access context already matches the tenant: nothing changed")
    return out


def _appended(path: str, text: str, policy: dict[str, Any]) -> str:
    from b2blint.lint.fixer import apply_fixes

    fix = Fix(path, "append a Conditional Access policy", (Edit("append", (CONTEXT_KEY,), policy),))
    new_text, applied, notes = apply_fixes(text, [fix])
    if not applied:
        reason = f": {notes[0]}" if notes else ""
        raise B2BLintError(
            f"{path}: cannot append Conditional Access policy {policy.get('id')} to the "
            f"file{reason}; nothing written",
            EXIT_FAILED,
        )
    return new_text
