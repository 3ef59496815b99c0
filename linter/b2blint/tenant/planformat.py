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

import dataclasses
import json
from collections.abc import Callable, Iterator
from typing import Any

from b2blint.printable import printable
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
    who = f"{printable(tenant_name)} ({plan.tenant_id})" if tenant_name else plan.tenant_id
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
        lines.extend(f"  ! {printable(obj.label)}: {w}" for obj, w in warnings)
    if plan.context is not None:
        from b2blint.tenant.context import render_text as context_text

        lines.extend(context_text(plan.context))
    for obj in plan.objects:
        lines.append("")
        # Names come from the YAML and Graph: one line each, whatever they hold (F18/F20).
        lines.append(f"{_SIGN[obj.action]} {printable(obj.label)} ({obj.action})")
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
        lines += [
            f"  {printable(u.name) + ' ' if u.name else ''}({u.tenant_id})" for u in plan.unmanaged
        ]
    if plan.unmanaged_properties:
        lines += ["", "Unmanaged properties: live, not known to b2blint, never written:"]
        lines += [
            f"  {resource}: {printable(name)}" for resource, name in plan.unmanaged_properties
        ]
    return lines


# --------------------------------------------------------------------------- Markdown


def _cell(value: Any) -> str:
    text = value_text(value)
    if text == UNSET:
        return "_unset_"
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - 1] + "…"
    return "`" + text.replace("`", "'").replace("|", "\\|") + "`"


def _object_md(obj: ObjectPlan, requests: bool = True) -> list[str]:
    """One object's heading and property table; ``requests``: also its Graph requests."""
    lines = ["", f"#### {_SIGN[obj.action]} {_md_escape(obj.label)}: {obj.action}", ""]
    rows = _rows(obj)
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
    if not requests:
        return lines
    shown = []
    for op in obj.operations:
        shown.append(f"{op.method} /{op.api_version}{op.path}")
        if op.body is not None:
            shown.append(json.dumps(op.body, indent=2, ensure_ascii=False))
    lines += [
        "",
        f"<details><summary>Graph requests ({len(obj.operations)})</summary>",
        "",
        "```http",
        *shown,
        "```",
        "",
        "</details>",
    ]
    return lines


def _rows(obj: ObjectPlan) -> list[str]:
    return [
        f"| `{path}` | {_cell(before)} | {_cell(after)} |"
        for op in obj.operations
        for change in op.changes
        for path, before, after in leaf_changes(change, op.resource)
    ]


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def _access_md(access: str) -> list[str]:
    """The Markdown section as a sibling of the plan's heading (``### Access changes``)."""
    head, _, rest = access.rstrip("\n").partition("\n")
    return ["", "### " + head.lstrip("#").strip(), *rest.split("\n")]


#: GitHub refuses a comment body over 65,536 characters ("Body is too long (maximum is 65536
#: characters)"; https://github.com/orgs/community/discussions/41331). A 500-partner plan in
#: full is about a megabyte, so `render_markdown` cuts details to fit and says what it cut.
COMMENT_LIMIT = 65_536
#: Starts the hidden last line; a workflow finds its own comment by it and edits that one.
MARKER = "<!-- b2blint-plan"


def marker(plan: Plan) -> str:
    """The hidden line that identifies the plan comment of this tenant (one per tenant)."""
    return f"{MARKER} tenant={plan.tenant_id} -->"


def _size(lines: list[str]) -> int:
    """Characters of ``lines`` joined by newlines, each with its newline, in UTF-16 code units:
    never fewer than the code points GitHub counts, whatever the names contain."""
    return sum(len(line.encode("utf-16-le")) // 2 + 1 for line in lines)


@dataclasses.dataclass
class _Section:
    """A part of the Markdown plan that may lose its tail: head, items, what was cut, foot."""

    head: list[str]
    items: list[list[str]]
    more: Callable[[int], str]  # the line that says how many items were cut
    foot: list[str] = dataclasses.field(default_factory=list)
    share: float = 1.0  # the most of the budget it takes before later sections had theirs
    weights: list[int] | None = None  # how many things each item shows (default: one each)

    def lines(self, shown: int | None = None) -> list[str]:
        if not self.items:
            return []
        count = len(self.items) if shown is None else shown
        kept = [line for item in self.items[:count] for line in item]
        weights = self.weights or [1] * len(self.items)
        cut = [self.more(sum(weights[count:]))] if count < len(self.items) else []
        return [*self.head, *kept, *cut, *self.foot]

    def need(self) -> int:
        return _size(self.lines())

    def floor(self) -> int:
        """The size with every item cut: the head, the count and the foot."""
        return _size(self.lines(0)) if self.items else 0

    def fit(self, budget: int) -> list[str]:
        """As many leading items as fit in ``budget`` (the floor is always shown)."""
        if self.need() <= budget:
            return self.lines()
        used, count = self.floor(), 0
        for item in self.items:
            if used + _size(item) > budget:
                break
            used += _size(item)
            count += 1
        return self.lines(count)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _sections(plan: Plan, access: str, requests: bool) -> list[_Section]:
    """The cuttable parts in priority order: warnings, access changes, objects, unmanaged."""
    warnings = [
        [f"> - **{_md_escape(obj.label)}**: {_md_escape(w)}"]
        for obj in plan.objects
        for w in obj.warnings
    ]
    access_lines = _access_md(access) if access else []
    access_items = [(line, 1) for line in access_lines[3:]]
    if not requests:  # compact: one line for one change to many partners
        access_items = _grouped(access_lines[3:])
    objects = list(plan.objects)

    def more_objects(cut: int) -> str:
        tail = objects[len(objects) - cut :]
        counts = ", ".join(
            f"{sum(o.action == action for o in tail)} to {action}"
            for action in ("create", "update", "delete")
        )
        rows = sum(len(_rows(o)) for o in tail)
        return (
            f"\n_{_plural(cut, 'more object')} not shown ({counts}; "
            f"{_plural(rows, 'property change')})._"
        )

    unmanaged = plan.unmanaged
    return [
        _Section(
            ["", "> [!WARNING]", "> Review these changes with care:"],
            warnings,
            lambda cut: f"> - … {_plural(cut, 'more warning')} not shown",
            share=0.15,
        ),
        _Section(
            access_lines[:3],
            [[line] for line, _ in access_items],
            lambda cut: f"- … {_plural(cut, 'more access change')} not shown",
            share=0.7,
            weights=[count for _, count in access_items],
        ),
        _Section([], [_object_md(obj, requests) for obj in objects], more_objects),
        _Section(
            [
                "",
                f"<details><summary>{_plural(len(unmanaged), 'unmanaged partner')}"
                " (left alone; --prune deletes them)</summary>",
                "",
            ],
            [
                [f"- {_md_escape(u.name or '')} `{u.tenant_id}`".replace("-  `", "- `")]
                for u in unmanaged
            ],
            lambda cut: f"- … {_plural(cut, 'more unmanaged partner')} not shown",
            ["", "</details>"],
        ),
        _Section(
            ["", "<details><summary>Unmanaged properties (never written)</summary>", ""],
            [[f"- `{r}`: `{p}`"] for r, p in plan.unmanaged_properties],
            lambda cut: f"- … {_plural(cut, 'more unmanaged property')} not shown",
            ["", "</details>"],
        ),
    ]


def _grouped(lines: list[str]) -> list[tuple[str, int]]:
    """Access change lines that say the same of several partners, as one line naming them all.

    ``- **Partner 0** · inbound B2B direct connect · blocked → allowed`` for 500 new partners is
    65 KB; ``- **Partner 0**, **Partner 1**, … · inbound …`` is 8 KB and still complete. The
    name is bold and Markdown-escaped (no ``**`` inside), so ``** · `` ends it. Returns (line,
    how many changes it stands for), in the order of each group's first line.
    """
    groups: dict[str, list[str]] = {}
    for line in lines:
        who, separator, what = line.partition("** · ")
        if not who.startswith("- **") or not separator:
            groups.setdefault(line, [])  # not a change line: kept as it is
            continue
        groups.setdefault(what, []).append(who.removeprefix("- **"))
    return [
        (f"- {', '.join(f'**{name}**' for name in names)} · {what}", len(names))
        if names
        else (what, 1)
        for what, names in groups.items()
    ]


def render_markdown(
    plan: Plan, tenant_name: str | None = None, access: str = "", limit: int = COMMENT_LIMIT
) -> str:
    """``access``: the Markdown "Access changes" section (empty: none).

    Fits in ``limit`` characters (a pull-request comment). Everything is shown when it fits;
    otherwise the title, the summary and a note saying what was cut always are, the Graph
    requests go, one access change to many partners becomes one line naming them, and each
    section keeps the items that fit, in this order of priority: access
    changes (up to 70 % of the room, more if others leave some), warnings (15 %), objects (risky
    ones come first), unmanaged partners and properties, each ending with the count it cut.
    """
    head = [f"### b2blint plan: {_md_escape(_title(plan, tenant_name))}", ""]
    if not plan.has_changes:
        head.append("**No changes.** The live tenant matches the YAML.")
    else:
        head.append(f"**{plan.summary()}**")
    if plan.context is not None:  # short (at most MAX_NAMED policies): never cut
        from b2blint.tenant.context import render_markdown as context_md

        head.extend(context_md(plan.context))
    end = ["", marker(plan)]
    sections = _sections(plan, access, requests=True)
    full = _assemble(head, sections, end, None)
    if _size(full) <= limit:
        return "\n".join(full) + "\n"
    note = [
        "",
        "> [!NOTE]",
        f"> The whole plan is longer than a pull-request comment may be ({limit:,} characters):",
        "> the Graph requests and what is marked *not shown* are left out. `b2blint plan`",
        "> prints all of it (the workflow keeps it as an artifact of the run).",
    ]
    sections = _sections(plan, access, requests=False)
    room = limit - _size(head) - _size(note) - _size(end) - sum(s.floor() for s in sections)
    budgets = _share(sections, room)
    return "\n".join(_assemble([*head, *note], sections, end, budgets)) + "\n"


def _share(sections: list[_Section], room: int) -> list[int]:
    """Each section's budget: first up to its share of ``room``, then what is left over, both in
    priority order: access changes, warnings, objects, unmanaged partners and properties."""
    order = [1, 0, 2, 3, 4]
    extra = [0] * len(sections)
    left = max(0, room)
    for index in order:
        section = sections[index]
        extra[index] = min(section.need() - section.floor(), int(room * section.share), left)
        left -= extra[index]
    for index in order:
        section = sections[index]
        more = min(section.need() - section.floor() - extra[index], left)
        extra[index] += more
        left -= more
    return [s.floor() + e for s, e in zip(sections, extra, strict=True)]


def _assemble(
    head: list[str], sections: list[_Section], end: list[str], budgets: list[int] | None
) -> list[str]:
    lines = list(head)
    warnings, access, objects, unmanaged, properties = sections
    order = [(warnings, 0), (objects, 2), (access, 1), (unmanaged, 3), (properties, 4)]
    for section, index in order:  # warnings and objects read first, as they always have
        lines += section.lines() if budgets is None else section.fit(budgets[index])
    return lines + end


RENDERERS = {"text": render_text, "markdown": render_markdown}


def render(plan: Plan, output_format: str, tenant_name: str | None = None, access: str = "") -> str:
    """The plan in ``output_format``; ``access`` (that format's section) is not part of JSON."""
    if output_format == "json":
        return render_json(plan)
    return RENDERERS[output_format](plan, tenant_name, access)
