"""SARIF 2.1.0 for code scanning (GitHub, Azure DevOps, VS Code's SARIF viewer).

One run, one result per finding. ``tool.driver.rules`` lists the whole catalog, not only the
rules that fired, so a viewer can show any rule's documentation and a result's ``ruleIndex``
always resolves. Paths are relative URIs against ``%SRCROOT%``: the root of the git repository
that holds the working directory (the working directory outside one). Code scanning resolves a
relative URI against the checkout's root, so ``cd policies && b2blint lint --format sarif .``
must say ``policies/partners/x.yaml``, not ``partners/x.yaml``, or the alert points nowhere.

Each rule carries ``tags`` (its category; ``security`` for the rules about who gets access) and,
for the security ones, a ``security-severity`` score, so alerts filter and sort in the Security
tab (`RULE_PROPERTIES`).

``partialFingerprints`` must survive unrelated edits, or code scanning reopens every alert
when a line is inserted above it: the fingerprint hashes the rule, the file and the finding's
YAML path (not its line), plus an occurrence counter for several findings at one path.
Spec: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import os
import re
from collections.abc import Sequence
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from b2blint import __version__
from b2blint.diagnostics import Diagnostic, Location, Severity
from b2blint.printable import json_document

if TYPE_CHECKING:
    from b2blint.lint.engine import LintResult
    from b2blint.rules._rule import Rule

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/b2blint/b2blint"
RULE_DOCS_URI = "https://github.com/b2blint/b2blint/blob/main/docs/rules/{id}.md"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "b2blint/v1"

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning"}
_HEADING = re.compile(r"^(#+)\s+(.*?)\s*$")


def render(result: LintResult, rules: Sequence[Rule]) -> str:
    index = {rule.id: position for position, rule in enumerate(rules)}
    seen: dict[str, int] = {}
    results = [_result(d, index, seen) for d in result.diagnostics]
    controls = {rule.id: rule.controls for rule in rules if rule.controls}
    for item in results:  # baseline control IDs (profile rules) as the result's tags too
        if item["ruleId"] in controls:
            item["properties"] = {"tags": list(controls[item["ruleId"]])}
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "b2blint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_descriptor(rule) for rule in rules],
                    }
                },
                "originalUriBaseIds": {SRCROOT: {"uri": _source_root().as_uri() + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    # A lone surrogate (from a non-UTF-8 file name) in a message would make the document
    # unencodable, exit 101 (attack F4): `json_document` escapes it.
    return json_document(json.dumps(log, indent=2, ensure_ascii=False)) + "\n"


def _descriptor(rule: Rule) -> dict[str, Any]:
    doc = inspect.cleandoc(rule.doc) if rule.doc else rule.summary
    what = _section(doc, "What it does") or rule.summary
    markdown = doc
    if rule.prevents:
        links = "\n".join(f"- {_error_link(code)}" for code in rule.prevents)
        markdown += f"\n\n## Prevents\n{links}"
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _plain(what), "markdown": what},
        "help": {"text": _plain(markdown), "markdown": markdown},
        "helpUri": RULE_DOCS_URI.format(id=rule.id),
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"problem.severity": _LEVEL[rule.severity], **_properties(rule)},
    }


def _properties(rule: Rule) -> dict[str, Any]:
    """`rule_properties`, plus the baseline control IDs a profile rule checks as tags."""
    properties = rule_properties(rule.id)
    if rule.controls:
        properties["tags"] = [*properties["tags"], "baseline", *rule.controls]
    return properties


def _error_link(code: str) -> str:
    if code.startswith("AADSTS"):
        return f"[{code}](https://login.microsoftonline.com/error?code={code.removeprefix('AADSTS')})"
    return code


def _section(doc: str, title: str) -> str:
    """The body of one ``## title`` section of a rule docstring ("" when absent)."""
    body: list[str] = []
    inside = False
    for line in doc.splitlines():
        heading = _HEADING.match(line)
        if heading:
            if inside:
                break
            inside = heading.group(2).lower() == title.lower()
            continue
        if inside:
            body.append(line)
    return "\n".join(body).strip()


def _plain(markdown: str) -> str:
    """Markdown headings as plain lines ("What it does:"); the rest reads fine as text."""
    lines = []
    for line in markdown.splitlines():
        heading = _HEADING.match(line)
        lines.append(f"{heading.group(2).rstrip(':?')}:" if heading else line)
    return "\n".join(lines)


def _artifact(file: str) -> dict[str, Any]:
    """A URI of the file's real bytes: a non-UTF-8 name is percent-encoded (RFC 3986 §2.1)."""
    path = PurePath(file)
    if path.is_absolute():
        try:
            return {"uri": Path(file).as_uri()}
        except (UnicodeError, ValueError):
            return {"uri": "file://" + quote(os.fsencode(path.as_posix()), safe="/")}
    return {"uri": quote(os.fsencode(path.as_posix()), safe="/"), "uriBaseId": SRCROOT}


def _location(location: Location) -> dict[str, Any]:
    physical = {
        "artifactLocation": _artifact(str(_from_root(location.file))),
        "region": {
            "startLine": location.position.line,
            "startColumn": location.position.column,
        },
    }
    found: dict[str, Any] = {"physicalLocation": physical}
    if location.path:
        found["logicalLocations"] = [{"fullyQualifiedName": location.json_path}]
    return found


def _fingerprint(d: Diagnostic, seen: dict[str, int]) -> str:
    """Rule + file (from the repository root: the same from any directory) + YAML path (or the
    message where there is no path) + occurrence."""
    anchor = d.location.json_path if d.location.path else d.message
    key = "\0".join((d.rule_id, _from_root(d.file).as_posix(), anchor))
    occurrence = seen.get(key, 0) + 1
    seen[key] = occurrence
    # surrogateescape: a non-UTF-8 file name hashes as its real bytes (attack F4)
    digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()
    return f"{digest[:32]}:{occurrence}"


def _result(d: Diagnostic, index: dict[str, int], seen: dict[str, int]) -> dict[str, Any]:
    item: dict[str, Any] = {"ruleId": d.rule_id}
    if d.rule_id in index:
        item["ruleIndex"] = index[d.rule_id]
    item["level"] = _LEVEL[d.severity]
    item["message"] = {"text": d.message}
    item["locations"] = [_location(d.location)]
    if d.related:
        item["relatedLocations"] = [
            {"id": number, **_location(r.location), "message": {"text": r.message}}
            for number, r in enumerate(d.related, start=1)
        ]
    item["partialFingerprints"] = {FINGERPRINT_KEY: _fingerprint(d, seen)}
    return item


# ------------------------------------------------------------------ where paths are relative to


def _source_root() -> Path:
    """The git repository's root above the working directory, else the working directory."""
    return _git_root(Path.cwd())


@functools.lru_cache(maxsize=8)
def _git_root(start: Path) -> Path:
    # A ``.git`` directory, or a ``.git`` file (worktrees, submodules), marks the root: the same
    # test git uses, without starting a git process (a clean lint must stay fast and need no git).
    for directory in (start, *start.parents):
        if os.path.lexists(directory / ".git"):
            return directory
    return start


def _from_root(file: str) -> PurePath:
    """``file`` relative to `_source_root` (POSIX-normalised), or absolute when outside it.

    Normalised lexically, not resolved: a symlink inside the repository is reported where the
    user sees it.
    """
    root = _source_root()
    absolute = PurePath(os.path.normpath(Path.cwd() / file))
    try:
        return absolute.relative_to(root)
    except ValueError:
        return absolute


# ------------------------------------------------------------------ rule tags and severities

SECURITY = "security"

#: Rule ID -> (category tags, security-severity). GitHub: ``tags`` filter alerts; for a rule
#: tagged ``security``, ``security-severity`` (0.0-10.0) sets the alert's severity: over 9.0
#: critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low
#: (https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning#reportingdescriptor-object).
#: ``security`` marks the rules about who may reach what; the others stop a policy that
#: Graph rejects or that does not do what it says (correctness), lock people out
#: (reliability), or only cost reviewers' time (maintainability).
RULE_PROPERTIES: dict[str, tuple[tuple[str, ...], float | None]] = {
    "SYN001": (("correctness", "yaml"), None),
    "SYN002": ((SECURITY, "yaml"), 5.0),  # crafted input: alias bombs, tags, deep nesting
    "SCH001": (("correctness", "schema"), None),
    "SCH002": (("correctness", "schema"), None),
    "SCH003": (("correctness", "schema"), None),
    "SCH004": (("correctness", "schema"), None),
    "SCH005": (("correctness", "schema"), None),
    "XTA001": (("correctness", "cross-tenant-access"), None),
    "XTA002": (("reliability", "cross-tenant-access"), None),
    "XTA003": (("reliability", "cross-tenant-access"), None),
    "XTA004": (("correctness", "cross-tenant-access"), None),
    "XTA005": (("maintainability", "cross-tenant-access"), None),
    "XTA006": (("correctness", "cross-tenant-access"), None),
    "XTA007": (("correctness", "cross-tenant-access"), None),
    "XTA008": ((SECURITY, "cross-tenant-access"), 4.0),  # "everyone" hides "only these"
    "XTA009": (("correctness", "cross-tenant-access"), None),
    "XTA010": ((SECURITY, "cross-tenant-access"), 5.0),  # scoping that scopes nothing
    "XTA011": (("maintainability", "cross-tenant-access"), None),
    "XTA012": (("correctness", "cross-tenant-access"), None),
    "XTA013": (("correctness", "cross-tenant-access"), None),
    "XTA014": (("reliability", "cross-tenant-access"), None),
    "XTA015": ((SECURITY, "tenant-restrictions"), 5.5),  # TRv2 for MSA weaker than it reads
    "EXT001": (("correctness", "external-collaboration"), None),
    "EXT002": (("correctness", "external-collaboration"), None),
    "EXT003": (("correctness", "external-collaboration"), None),
    "EXT004": (("correctness", "external-collaboration"), None),
    "EXT005": (("correctness", "external-collaboration"), None),
    "EXT006": ((SECURITY, "external-collaboration"), 7.5),  # guests read the directory
    "EXT007": (("reliability", "external-collaboration"), None),
    # Conditional Access context: external users blocked or asked twice (CAX005: a dead name).
    "CAX001": (("reliability", "conditional-access"), None),
    "CAX002": (("reliability", "conditional-access"), None),
    "CAX003": (("reliability", "conditional-access"), None),
    "CAX004": (("reliability", "conditional-access"), None),
    "CAX005": (("maintainability", "conditional-access"), None),
    "MTO001": (("reliability", "multitenant-organization"), None),
    "MTO002": (("correctness", "multitenant-organization"), None),
    "TST001": ((SECURITY, "policy-test"), 6.0),  # an access expectation does not hold
    "B2B001": (("maintainability", "suppression"), None),
    "B2B002": (("correctness", "suppression"), None),
    # Baseline profile rules: a published control fails (who may get in, who may invite).
    "BSL001": ((SECURITY, "external-collaboration"), 5.0),
    "BSL002": ((SECURITY, "external-collaboration"), 4.0),
    "BSL003": ((SECURITY, "external-collaboration"), 5.0),
    "BSL004": ((SECURITY, "external-collaboration"), 5.0),
    "BSL005": ((SECURITY, "external-collaboration"), 6.0),
    "BSL006": ((SECURITY, "external-collaboration"), 5.0),
    "BSL007": ((SECURITY, "external-collaboration"), 5.0),
    "BSL008": ((SECURITY, "cross-tenant-access"), 5.0),
    "BSL009": ((SECURITY, "cross-tenant-access"), 5.0),
    "PAIR001": (("reliability", "fleet-pair"), None),  # configured access that never works
    "PAIR002": (("reliability", "fleet-pair"), None),
    "PAIR003": (("correctness", "fleet-pair"), None),
    "PAIR004": (("reliability", "fleet-pair"), None),
    "PAIR005": (("reliability", "fleet-pair"), None),
}


def rule_properties(rule_id: str) -> dict[str, Any]:
    """``tags`` (always ``b2blint`` first) and, for security rules, ``security-severity``."""
    tags, score = RULE_PROPERTIES.get(rule_id, (("correctness",), None))
    properties: dict[str, Any] = {"tags": ["b2blint", *tags]}
    if score is not None:
        properties["security-severity"] = f"{score:.1f}"
    return properties
