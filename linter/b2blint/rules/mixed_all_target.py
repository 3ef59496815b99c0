"""## What it does
Checks every `targets` list of the B2B-shaped settings (B2B collaboration, B2B direct connect,
tenant restrictions) in the default and in each partner, and reports:

- `AllUsers` or `AllApplications` (or the reserved value `AllMicrosoftApps`, "any Microsoft
  cloud application") in the same list as specific users, groups or applications;
- a target listed twice (same target and targetType; GUIDs compared case-insensitively).

## Why is this bad?
A list means either "everyone" or "these", never both. Microsoft documents the keyword and the
specific targets as alternatives and never says how a list holding both is read, so the
specific targets either do nothing (`allowed`: everyone already is) or hide a wish Graph can't
express ("block everyone except these"), and a reviewer can't tell which. A duplicate adds
nothing but bytes to a size-limited policy (XTA001) and usually marks a copy-paste slip, such
as a second ID that was meant to be different.

## How to fix
Use the keyword alone, or list only the specific targets. Remove duplicates; `--fix` does this
(each later occurrence is deleted, the first one stays where it is).

```yaml
usersAndGroups:
  accessType: allowed
  targets:
    - {target: AllUsers, targetType: user}
```

## References
- crossTenantAccessPolicyTarget (keywords and targets):
  https://learn.microsoft.com/graph/api/resources/crosstenantaccesspolicytarget
- crossTenantAccessPolicyTargetConfiguration:
  https://learn.microsoft.com/graph/api/resources/crosstenantaccesspolicytargetconfiguration
- Configure B2B collaboration cross-tenant access settings ("All ... users" or "Select ..."):
  https://learn.microsoft.com/entra/external-id/cross-tenant-access-settings-b2b-collaboration
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from b2blint.diagnostics import Edit, Fix, Severity
from b2blint.policy.targets import ALL_KEYWORDS, APPS, USERS, target_key
from b2blint.rules._rule import Context, Finding, Rule, SettingVisit, Visit


def _identity(item: Any) -> tuple[str, Any] | None:
    if not isinstance(item, Mapping):
        return None
    key = target_key(item)
    return (key, item.get("targetType")) if key is not None else None


def check(visit: SettingVisit, ctx: Context) -> Iterator[Finding]:
    for part in (USERS, APPS):
        config = visit.value.get(part)
        targets = config.get("targets") if isinstance(config, Mapping) else None
        if not isinstance(targets, list) or len(targets) < 2:
            continue
        path = visit.ref.child(part, "targets")
        seen: dict[tuple[str, Any], int] = {}
        duplicates: list[int] = []
        for index, item in enumerate(targets):
            identity = _identity(item)
            if identity is None:
                continue
            if identity in seen:
                duplicates.append(index)
            else:
                seen[identity] = index
        keywords = ALL_KEYWORDS[part]
        everyone = [i for key, i in seen.items() if key[0] in keywords]
        if everyone and len(seen) > len(everyone):
            index = everyone[0]
            keyword = targets[index]["target"]
            others = len(seen) - len(everyone)
            yield Finding(
                path.child(index),
                f"{visit.owner_label}: {visit.name}.{part} lists {keyword} together with "
                f"{others} specific target{'s' if others != 1 else ''}; use {keyword} alone or "
                "only the specific targets",
            )
        if not duplicates:
            continue
        for index in duplicates:
            first = seen[_identity(targets[index])]  # type: ignore[index]
            line = path.child(first).location().position.line
            yield Finding(
                path.child(index),
                f"{visit.owner_label}: {visit.name}.{part} lists {targets[index]['target']} "
                f"twice (first on line {line}); remove this entry",
                fix=Fix(
                    visit.ref.document.path,
                    f"remove the duplicate target from {visit.name}.{part}",
                    (Edit("delete", (*path.path, index)),),
                ),
            )


RULE = Rule(
    id="XTA008",
    name="mixed-all-target",
    severity=Severity.WARNING,
    summary="AllUsers/AllApplications mixed with specific targets, or a duplicate target.",
    doc=__doc__ or "",
    visits=Visit.SETTING,
    check=check,
    fixable=True,
)
