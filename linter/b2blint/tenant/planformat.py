"""Show a plan: plain text for terminals, JSON for programs, Markdown for pull-request comments.

Each object (a partner with its identity synchronization, or a tenant-wide section) is one
group, named after the partner; each property change reads ``path: before -> after`` down to
the changed leaf, so a reviewer sees ``inboundTrust.isMfaAccepted: false -> true`` rather than
two JSON blobs. Risky changes (default inbound, deletions, trust, direct connect, cloud
endpoints) are listed first. The Markdown keeps one summary line and one table per object in
view, and folds request bodies and long lists into ``<details>``.

After the changes comes "Access changes" (`b2blint.tenant.planaccess`): what the changes do to
effective access, per partner, in reviewers' words. It is text for people, so ``--format json``
leaves it out (the JSON plan is also the ``--out`` file that ``apply --plan`` verifies).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from b2blint.tenant.plan import Change, ObjectPlan, Plan, plan_to_dict

UNSET = "(unset)"
_SIGN = {"create": "+", "update": "~", "delete": "-"}
MAX_CELL = 80
MAX_ROWS = 12


def value_text(value: Any) -> str:
    if value is None:
        return UNSET
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def leaf_changes(change: Change, resource: str = "") -> Iterator[tuple[str, Any, Any]]:
    """``(dotted path, before, after)`` for every leaf that differs (lists are leaves).

    A partner's identitySynchronization changes are prefixed with ``identitySynchronization.``
    so they read apart from the partner's own settings in the same group.
    """
    prefix = "identitySynchronization." if resource.startswith("identitySynchronization:") else ""
    yield from _leaves(prefix + change.name, change.before, change.after)


def _leaves(path: str, before: Any, after: Any) -> Iterator[tuple[str, Any, Any]]:
    if isinstance(before, dict) and isinstance(after, dict):
        for key in list(before) + [k for k in after if k not in before]:
            yield from _leaves(f"{path}.{key}", before.get(key), after.get(key))
        return
    if isinstance(before, dict) and after is None and before:
        for key, value in before.items():
            yield from _leaves(f"{path}.{key}", value, None)
        return
    if before is None and isinstance(after, dict) and after:
        for key, value in after.items():
            yield from _leaves(f"{path}.{key}", None, value)
        return
    if before != after:
        yield path, before, after


def render_json(plan: Plan) -> str:
    return json.dumps(plan_to_dict(plan), indent=2, ensure_ascii=False) + "\n"


def _title(plan: Plan, tenant_name: str | None) -> str:
    who = f"{tenant_name} ({plan.tenant_id})" if tenant_name else plan.tenant_id
    return f"tenant {who}, {plan.cloud} cloud"


def render_text(plan: Plan, tenant_name: str | None = None, access: str = "") -> str:
    """``access``: the text "Access changes" section (empty: none)."""
    lines = [f"b2blint plan for {_title(plan, tenant_name)}"]
    if not plan.has_changes:
        lines.append("No changes: the live tenant matches the YAML.")
    else:
        lines.append(f"Plan: {plan.summary()}.")
    warnings = [(obj, w) for obj in plan.objects for w in obj.warnings]
    if warnings:
        lines.append("")
        lines.append("Warnings:")
        lines.extend(f"  ! {obj.label}: {w}" for obj, w in warnings)
    for obj in plan.objects:
        lines.append("")
        lines.append(f"{_SIGN[obj.action]} {obj.label} ({obj.action})")
        for op in obj.operations:
            lines.append(f"    {op.index}. {op.method} /{op.api_version}{op.path}")
            for change in op.changes:
                for path, before, after in leaf_changes(change, op.resource):
                    sign = "+" if before is None else "-" if after is None else "~"
                    lines.append(
                        f"       {sign} {path}: {value_text(before)} -> {value_text(after)}"
                    )
    if access:
        lines += ["", *access.rstrip("\n").split("\n")]
    lines.extend(_unmanaged_text(plan))
    return "\n".join(lines) + "\n"


def _unmanaged_text(plan: Plan) -> list[str]:
    lines: list[str] = []
    if plan.unmanaged:
        lines += [
            "",
            f"Unmanaged partners ({len(plan.unmanaged)}): live but not in the YAML; "
            "left alone (--prune deletes them):",
        ]
        lines += [f"  {u.name + ' ' if u.name else ''}({u.tenant_id})" for u in plan.unmanaged]
    if plan.unmanaged_properties:
        lines += ["", "Unmanaged properties: live, not known to b2blint, never written:"]
        lines += [f"  {resource}: {name}" for resource, name in plan.unmanaged_properties]
    return lines


# --------------------------------------------------------------------------- Markdown


def _cell(value: Any) -> str:
    text = value_text(value)
    if text == UNSET:
        return "_unset_"
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - 1] + "…"
    return "`" + text.replace("`", "'").replace("|", "\\|") + "`"


def _object_md(obj: ObjectPlan) -> list[str]:
    lines = ["", f"#### {_SIGN[obj.action]} {_md_escape(obj.label)}: {obj.action}", ""]
    rows = [
        f"| `{path}` | {_cell(before)} | {_cell(after)} |"
        for op in obj.operations
        for change in op.changes
        for path, before, after in leaf_changes(change, op.resource)
    ]
    table = ["| property | before | after |", "|---|---|---|", *rows]
    if not rows:
        table = ["_no property changes_"]
    if len(rows) > MAX_ROWS:
        lines += [
            f"<details><summary>{len(rows)} property changes</summary>",
            "",
            *table,
            "",
            "</details>",
        ]
    else:
        lines += table
    requests = []
    for op in obj.operations:
        requests.append(f"{op.method} /{op.api_version}{op.path}")
        if op.body is not None:
            requests.append(json.dumps(op.body, indent=2, ensure_ascii=False))
    lines += [
        "",
        f"<details><summary>Graph requests ({len(obj.operations)})</summary>",
        "",
        "```http",
        *requests,
        "```",
        "",
        "</details>",
    ]
    return lines


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def _access_md(access: str) -> list[str]:
    """The Markdown section as a sibling of the plan's heading (``### Access changes``)."""
    head, _, rest = access.rstrip("\n").partition("\n")
    return ["", "### " + head.lstrip("#").strip(), *rest.split("\n")]


def render_markdown(plan: Plan, tenant_name: str | None = None, access: str = "") -> str:
    """``access``: the Markdown "Access changes" section (empty: none)."""
    head = f"### b2blint plan: {_md_escape(_title(plan, tenant_name))}"
    if not plan.has_changes:
        summary = "**No changes.** The live tenant matches the YAML."
    else:
        summary = f"**{plan.summary()}**"
    lines = [head, "", summary]
    warnings = [(obj, w) for obj in plan.objects for w in obj.warnings]
    if warnings:
        lines += ["", "> [!WARNING]", "> Review these changes with care:"]
        lines += [f"> - **{_md_escape(obj.label)}**: {_md_escape(w)}" for obj, w in warnings]
    for obj in plan.objects:
        lines += _object_md(obj)
    if access:
        lines += _access_md(access)
    if plan.unmanaged:
        lines += [
            "",
            f"<details><summary>{len(plan.unmanaged)} unmanaged partner"
            f"{'s' if len(plan.unmanaged) != 1 else ''} (left alone; --prune deletes them)"
            "</summary>",
            "",
        ]
        lines += [
            f"- {_md_escape(u.name or '')} `{u.tenant_id}`".replace("-  `", "- `")
            for u in plan.unmanaged
        ]
        lines += ["", "</details>"]
    if plan.unmanaged_properties:
        lines += ["", "<details><summary>Unmanaged properties (never written)</summary>", ""]
        lines += [f"- `{r}`: `{p}`" for r, p in plan.unmanaged_properties]
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


RENDERERS = {"text": render_text, "markdown": render_markdown}


def render(plan: Plan, output_format: str, tenant_name: str | None = None, access: str = "") -> str:
    """The plan in ``output_format``; ``access`` (that format's section) is not part of JSON."""
    if output_format == "json":
        return render_json(plan)
    return RENDERERS[output_format](plan, tenant_name, access)
