"""SARIF 2.1.0 for code scanning (GitHub, Azure DevOps, VS Code's SARIF viewer).

One run, one result per finding. ``tool.driver.rules`` lists the whole catalog, not only the
rules that fired, so a viewer can show any rule's documentation and a result's ``ruleIndex``
always resolves. Paths are relative URIs against ``%SRCROOT%`` (the working directory), which
is what GitHub expects for files in the checkout.

``partialFingerprints`` must survive unrelated edits, or code scanning reopens every alert
when a line is inserted above it: the fingerprint hashes the rule, the file and the finding's
YAML path (not its line), plus an occurrence counter for several findings at one path.
Spec: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
"""

from __future__ import annotations

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
                "originalUriBaseIds": {SRCROOT: {"uri": Path.cwd().resolve().as_uri() + "/"}},
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
        "properties": {"problem.severity": _LEVEL[rule.severity], "tags": ["b2blint"]},
    }


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
        "artifactLocation": _artifact(location.file),
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
    """Rule + file + YAML path (or the message where there is no path) + occurrence."""
    anchor = d.location.json_path if d.location.path else d.message
    key = "\0".join((d.rule_id, PurePath(d.file).as_posix(), anchor))
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
