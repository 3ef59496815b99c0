"""The HTML report's profile parts: a summary per profile and a table of controls per profile.

Input: the context's `b2blint.lint.profiles.ControlResult` tuples (``lint --profile`` and
``audit`` put them there, `b2blint.report.context.with_controls`). A control is passed, failed
or not checked (with why); each row quotes the requirement with its document and version,
names the Graph property, links to the findings that failed it (by their number in the
page) and shows a documented conflict with another baseline or rule, so no profile silently
wins. Markup and escaping as in `b2blint.report.html`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from b2blint.diagnostics import Diagnostic
from b2blint.lint.profiles import FAILED, NOT_CHECKED, PASSED, PROFILES, ControlResult
from b2blint.printable import printable

STATUS_SYMBOL = {PASSED: "✓", FAILED: "✗", NOT_CHECKED: "?"}
STATUS_WORD = {PASSED: "passed", FAILED: "failed", NOT_CHECKED: "not checked"}
_STATUS_CLASS = {PASSED: "allowed", FAILED: "blocked", NOT_CHECKED: "depends"}


def esc(text: object) -> str:
    return html.escape(printable(str(text)), quote=True)


def by_profile(controls: Sequence[ControlResult]) -> dict[str, list[ControlResult]]:
    found: dict[str, list[ControlResult]] = {}
    for result in controls:
        found.setdefault(result.control.profile, []).append(result)
    return found


def _status(status: str) -> str:
    return (
        f'<span class="status status-{_STATUS_CLASS[status]}">'
        f'<span class="sym" aria-hidden="true">{STATUS_SYMBOL[status]}</span> '
        f"{STATUS_WORD[status]}</span>"
    )


def profile_summary(controls: Sequence[ControlResult]) -> list[str]:
    """One row per profile: controls passed, failed, not checked."""
    rows = []
    for name, results in by_profile(controls).items():
        counts = {status: 0 for status in STATUS_WORD}
        for result in results:
            counts[result.status] += 1
        rows.append(
            f'<tr><th scope="row"><a href="#profile-{esc(name)}">{esc(name)}</a>'
            f"<small>{esc(PROFILES[name].title)}</small></th>"
            + "".join(
                f'<td class="num">{counts[status]}</td>' for status in (PASSED, FAILED, NOT_CHECKED)
            )
            + "</tr>"
        )
    header = "".join(
        f'<th scope="col">{STATUS_SYMBOL[s]} {STATUS_WORD[s].capitalize()}</th>'
        for s in (PASSED, FAILED, NOT_CHECKED)
    )
    return [
        '<table class="profiles">',
        "<caption>Controls per profile</caption>",
        f'<thead><tr><th scope="col">Profile</th>{header}</tr></thead>',
        f"<tbody>{''.join(rows)}</tbody>",
        "</table>",
    ]


def _evidence(result: ControlResult, numbers: Mapping[int, int]) -> str:
    parts = []
    if result.findings:
        links = "".join(
            f'<li><a href="#f-{numbers[id(d)]}"><code>{esc(d.file)}:{d.line}:{d.column}</code>'
            "</a></li>"
            if id(d) in numbers
            else f"<li><code>{esc(d.file)}:{d.line}:{d.column}</code></li>"
            for d in result.findings
        )
        parts.append(f'<ul class="evidence">{links}</ul>')
    if result.reason:
        why = "why" if result.status == NOT_CHECKED else "because"
        parts.append(f'<p class="reason">{why}: {esc(result.reason)}</p>')
    if result.conflict:
        parts.append(f'<p class="conflict"><strong>Conflict:</strong> {esc(result.conflict)}</p>')
    return "".join(parts) or '<span class="muted">-</span>'


def _rule_link(result: ControlResult) -> str:
    code = f"<code>{esc(result.rule_id)}</code>"
    return f'<a href="#rule-{esc(result.rule_id)}">{code}</a>' if result.findings else code


def controls_section(
    controls: Sequence[ControlResult], diagnostics: Sequence[Diagnostic]
) -> list[str]:
    """The "Controls" section: a table per profile (findings link to their number)."""
    numbers = {id(d): number for number, d in enumerate(diagnostics)}
    out = [
        '<section id="controls" aria-labelledby="h-controls">',
        '<h2 id="h-controls">Controls</h2>',
        "<p>Each control of the chosen profiles, as its baseline words it. A control passes only "
        "when its rule ran and every value it needs was read; otherwise it is "
        "<em>not checked</em>, with the reason.</p>",
    ]
    for name, results in by_profile(controls).items():
        profile = PROFILES[name]
        rows = []
        for result in results:
            control = result.control
            rows.append(
                f'<tr data-control="{esc(control.id)}" data-status="{result.status}">'
                f'<th scope="row"><code>{esc(control.id)}</code>'
                f"<small>{esc(control.title)}</small></th>"
                f'<td class="status-{_STATUS_CLASS[result.status]}">{_status(result.status)}</td>'
                f"<td>{_evidence(result, numbers)}</td>"
                f"<td><blockquote>{esc(control.requirement)}</blockquote>"
                f'<p class="source">{esc(control.document)}, {esc(control.version)}. '
                f"Graph property <code>{esc(control.graph_property)}</code>, checked by "
                f"{_rule_link(result)}. Source: {esc(control.url)}</p></td>"
                "</tr>"
            )
        out += [
            f'<section class="profile" aria-labelledby="profile-{esc(name)}">',
            f'<h3 id="profile-{esc(name)}">{esc(name)}: {esc(profile.title)}</h3>',
            '<table class="controls">',
            f"<caption>Controls of {esc(name)}</caption>",
            '<colgroup><col class="c1"><col class="c2"><col class="c3"><col></colgroup>',
            '<thead><tr><th scope="col">Control</th><th scope="col">Status</th>'
            '<th scope="col">Evidence</th><th scope="col">Requirement</th></tr></thead>',
            f"<tbody>{''.join(rows)}</tbody>",
            "</table>",
            "</section>",
        ]
    out.append("</section>")
    return out
