"""``--format html``: one self-contained page an admin or an auditor reads in a browser.

Entry point: ``render(result, rules, *, context=None) -> str`` (registered in
`b2blint.report.REPORTERS`, so ``lint`` reaches it through `b2blint.commands._emit`). A caller
with a tree in memory (``audit``: a live tenant read through the exporter's mapping and linted
with `b2blint.lint.engine.lint_sources`) passes the same `LintResult` and a
`b2blint.report.context.ReportContext` with ``source=LIVE_TENANT`` and the tenant's ID; the
excerpts then show the live values as exported.

The page shows, in order: the run (tenant, source, date, b2blint version), a summary (per
profile when profiles ran, else per severity and rule), the policy size against Graph's limit
(`b2blint.graph.size` through XTA001's `measure`), the access matrix
(`b2blint.access.matrix`: partners x B2B collaboration/direct connect x inbound/outbound,
each cell with its deciding settings), the findings by partner (each with a YAML excerpt) and
the findings by rule.

Safety and reach: every piece of text from outside (file names, partner names, messages, YAML
lines) is made `printable` and HTML-escaped; the page loads nothing (no script at all, inline
CSS only) and its Content-Security-Policy allows only its own stylesheet, by hash, so even an
escaping bug could not run a script or call out. Accessible without JavaScript: real headings,
tables with captions and scoped header cells, ``details``/``summary`` to expand, and every
state said in words and a symbol, never by colour alone.
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from b2blint.access.matrix import (
    ALLOWED_STATE,
    BLOCKED_STATE,
    COLUMNS,
    DEPENDS_STATE,
    SCOPED,
    Cell,
    Matrix,
    access_matrix,
)
from b2blint.access.simulate import kind_label
from b2blint.diagnostics import Diagnostic, Severity
from b2blint.printable import printable
from b2blint.report.context import (
    LIVE_TENANT,
    ReportContext,
    default_context,
    tenant_of,
)
from b2blint.report.excerpt import Excerpts
from b2blint.report.grouping import OTHER, TENANT, Group, grouped
from b2blint.report.html_controls import controls_section, profile_summary

if TYPE_CHECKING:
    from b2blint.lint.engine import LintResult
    from b2blint.rules._rule import Rule

#: Findings whose excerpt is shown open; the rest are one click away (a long page stays usable).
OPEN_EXCERPTS = 30
#: Findings with an excerpt at all: beyond this the page would grow by megabytes.
MAX_EXCERPTS = 2000

_STATE_SYMBOL = {
    ALLOWED_STATE: "✓",
    SCOPED: "◐",
    BLOCKED_STATE: "✗",
    DEPENDS_STATE: "?",
}
_STATE_MEANING = {
    ALLOWED_STATE: "every user, every application",
    SCOPED: "some users or some applications",
    BLOCKED_STATE: "nobody",
    DEPENDS_STATE: "b2blint cannot tell from the settings alone",
}
_SEVERITY_SYMBOL = {Severity.ERROR: "✗", Severity.WARNING: "⚠"}

CSS = """
:root{--ink:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#fff;--panel:#f6f8fa;
--ok:#1a7f37;--ok-bg:#dafbe1;--warn:#9a6700;--warn-bg:#fff8c5;--bad:#cf222e;--bad-bg:#ffebe9;
--info:#0969da;--info-bg:#ddf4ff;--mark:#fff1a8}
*{box-sizing:border-box}
html{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
color:var(--ink);background:var(--bg)}
body{margin:0}
header.top{background:#24292f;color:#fff;padding:20px 32px 16px}
header.top h1{margin:0 0 6px;font-size:1.6rem;font-weight:600}
header.top h1 .tool{font-weight:400;color:#c9d1d9}
dl.run{display:flex;flex-wrap:wrap;gap:4px 28px;margin:0;color:#c9d1d9;font-size:.9rem}
dl.run div{display:flex;gap:6px}
dl.run dt{color:#8b949e}
dl.run dd{margin:0;color:#fff}
nav.toc{padding:8px 32px;border-bottom:1px solid var(--line);background:var(--panel);
font-size:.9rem}
nav.toc ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px 20px}
a{color:var(--info)}
main{padding:8px 32px 40px;max-width:1280px}
h2{font-size:1.3rem;margin:28px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}
h3{font-size:1.05rem;margin:20px 0 8px}
h4{font-size:.95rem;margin:0 0 4px;font-weight:600}
code,pre{font:13px/1.45 ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,monospace}
.verdict{display:flex;align-items:center;gap:12px;border:1px solid var(--line);
border-radius:8px;padding:12px 16px;margin:12px 0;font-size:1.05rem;font-weight:600}
.verdict .symbol{font-size:1.4rem}
.verdict.ok{background:var(--ok-bg);border-color:var(--ok);color:#0b4a21}
.verdict.warn{background:var(--warn-bg);border-color:var(--warn);color:#5c3d00}
.verdict.bad{background:var(--bad-bg);border-color:var(--bad);color:#82071e}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 16px;min-width:150px;
background:var(--panel)}
.card .n{display:block;font-size:1.6rem;font-weight:600}
.card .l{color:var(--muted);font-size:.85rem}
table{border-collapse:collapse;margin:8px 0 16px;font-size:.92rem}
caption{text-align:left;color:var(--muted);font-size:.88rem;padding:0 0 6px;caption-side:top}
th,td{border:1px solid var(--line);padding:6px 10px;text-align:left;vertical-align:top}
thead th{background:var(--panel);font-weight:600}
tbody th{font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.sev{display:inline-block;border-radius:12px;padding:0 8px;font-size:.8rem;font-weight:600;
border:1px solid}
.sev.error{color:var(--bad);background:var(--bad-bg);border-color:var(--bad)}
.sev.warning{color:var(--warn);background:var(--warn-bg);border-color:var(--warn)}
.gauge{max-width:640px}
.gauge svg{display:block;width:100%;height:28px;border-radius:6px}
.gauge .scale{display:flex;justify-content:space-between;color:var(--muted);font-size:.8rem}
.gauge p{margin:6px 0}
.legend{display:flex;flex-wrap:wrap;gap:8px 18px;list-style:none;padding:0;margin:8px 0;
font-size:.88rem}
table.matrix{width:100%;table-layout:fixed}
table.matrix col.partner{width:16%}
table.matrix td{padding:0}
table.matrix td details{padding:6px 10px}
table.matrix td summary{cursor:pointer}
table.matrix td summary .st{font-weight:600}
table.matrix td summary .scope,table.matrix td summary .src{display:block;font-size:.8rem;
margin-left:1.2em}
table.matrix td summary .src{opacity:.8;font-style:italic}
table.matrix .note{margin:6px 0 0;font-size:.85rem;color:var(--ink)}
table.matrix ul{margin:4px 0 0;padding-left:18px;font-size:.8rem}
table.matrix th small{display:block;font-weight:400;color:var(--muted)}
.state-allowed{background:var(--ok-bg);color:#0b4a21}
.state-scoped{background:var(--info-bg);color:#0a3069}
.state-blocked{background:var(--bad-bg);color:#82071e}
.state-depends{background:var(--warn-bg);color:#5c3d00}
.sym{display:inline-block;width:1.2em;text-align:center}
article.finding{border:1px solid var(--line);border-left:4px solid var(--line);
border-radius:6px;padding:10px 14px;margin:10px 0;background:#fff}
article.finding.error{border-left-color:var(--bad)}
article.finding.warning{border-left-color:var(--warn)}
article.finding .msg{margin:4px 0}
article.finding .where{margin:2px 0;color:var(--muted);font-size:.85rem;word-break:break-all}
article.finding ul.related{margin:4px 0;padding-left:20px;font-size:.85rem;color:var(--muted)}
details.excerpt summary{cursor:pointer;color:var(--muted);font-size:.85rem}
pre.yaml{background:var(--panel);border:1px solid var(--line);border-radius:6px;
padding:6px 0;margin:6px 0 0;overflow-x:auto}
pre.yaml span.l{display:block;padding:0 12px 0 0;white-space:pre}
pre.yaml span.hit{background:var(--mark);font-weight:600}
pre.yaml span.n{display:inline-block;min-width:4.5em;padding-right:10px;text-align:right;
color:var(--muted);user-select:none}
pre.yaml span.hit span.n{color:var(--ink)}
ul.links{columns:2;font-size:.88rem;padding-left:20px}
.muted{color:var(--muted)}
.tag{display:inline-block;border:1px solid var(--line);border-radius:4px;padding:0 6px;
font:600 .75rem/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--panel)}
table.controls{width:100%;table-layout:fixed}
table.controls col.c1{width:20%}
table.controls col.c2{width:11%}
table.controls col.c3{width:31%}
table.controls .source{color:var(--muted);font-size:.8rem;word-break:break-word}
table.controls th small,table.profiles th small{display:block;font-weight:400;color:var(--muted)}
table.controls td{font-size:.88rem}
table.controls blockquote{margin:6px 0;padding:4px 10px;border-left:3px solid var(--line);
font-style:italic}
table.controls ul.evidence{margin:0;padding-left:18px}
table.controls p{margin:4px 0}
.status{font-weight:600;white-space:nowrap}
.status-allowed{background:var(--ok-bg);color:#0b4a21}
.status-blocked{background:var(--bad-bg);color:#82071e}
.status-depends{background:var(--warn-bg);color:#5c3d00}
.conflict{border:1px dashed var(--warn);padding:4px 8px;border-radius:4px;background:#fffdf0}
.notread{border:1px solid var(--warn);background:var(--warn-bg);border-radius:8px;
padding:4px 16px;margin:12px 0}
footer{padding:16px 32px;border-top:1px solid var(--line);color:var(--muted);font-size:.85rem}
@media print{details>*{display:block}nav.toc{display:none}}
""".strip()


def _style_hash(css: str) -> str:
    digest = hashlib.sha256(css.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


#: Nothing may load: no script, no image, font, frame or connection; only the page's own
#: stylesheet, pinned by its hash.
CSP = (
    f"default-src 'none'; style-src '{_style_hash(CSS)}'; img-src 'none'; "
    "base-uri 'none'; form-action 'none'"
)


def esc(text: object) -> str:
    """Any text from outside, made printable (no controls, bidi overrides, lone surrogates)
    and escaped for HTML text and quoted attribute values."""
    return html.escape(printable(str(text)), quote=True)


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def render(
    result: LintResult, rules: Sequence[Rule], *, context: ReportContext | None = None
) -> str:
    context = context or default_context()
    tenant_id, tenant_name = tenant_of(result, context)
    diagnostics = result.diagnostics
    title = f"b2blint report: {tenant_name or tenant_id or 'policy'}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="b2blint {esc(context.version)}">',
        f"<title>{esc(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        *_header(result, context, tenant_id, tenant_name),
        '<nav class="toc" aria-label="Contents"><ul>'
        '<li><a href="#summary">Summary</a></li>'
        '<li><a href="#matrix">Access matrix</a></li>'
        + ('<li><a href="#controls">Controls</a></li>' if context.controls else "")
        + '<li><a href="#size">Policy size</a></li>'
        '<li><a href="#by-partner">Findings by partner</a></li>'
        '<li><a href="#by-rule">Findings by rule</a></li></ul></nav>',
        "<main>",
        *_summary(result, rules, context),
        *_matrix(access_matrix(result.policy)),
        *(controls_section(context.controls, diagnostics) if context.controls else ()),
        *_size(result, context),
        *_by_partner(result, diagnostics, context, rules),
        *_by_rule(diagnostics, rules),
        "</main>",
        f"<footer>Generated by b2blint {esc(context.version)} on "
        f"{esc(_when(context))}. This page loads nothing from the network.</footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _when(context: ReportContext) -> str:
    return context.generated.strftime("%Y-%m-%d %H:%M UTC")


def _header(
    result: LintResult, context: ReportContext, tenant_id: str | None, tenant_name: str | None
) -> list[str]:
    name = tenant_name or "Cross-tenant access"
    source = (
        "live tenant (values as exported)"
        if context.source == LIVE_TENANT
        else f"policy files ({_plural(len(result.files), 'file')})"
    )
    facts = [
        ("Tenant", tenant_id or "not named in the policy"),
        ("Source", source),
        ("Generated", _when(context)),
        ("b2blint", context.version),
    ]
    items = "".join(f"<div><dt>{esc(k)}</dt><dd>{esc(v)}</dd></div>" for k, v in facts)
    return [
        '<header class="top">',
        f'<h1>{esc(name)} <span class="tool">· b2blint report</span></h1>',
        f'<dl class="run">{items}</dl>',
        "</header>",
    ]


def _summary(result: LintResult, rules: Sequence[Rule], context: ReportContext) -> list[str]:
    errors, warnings = result.count(Severity.ERROR), result.count(Severity.WARNING)
    if errors:
        kind, symbol = "bad", "✗"
        text = f"{_plural(errors, 'error')} and {_plural(warnings, 'warning')}"
    elif warnings:
        kind, symbol = "warn", "⚠"
        text = f"No errors; {_plural(warnings, 'warning')}"
    else:
        kind, symbol = "ok", "✓"
        text = "All checks passed"
    ran = [rule for rule in rules if context.ran(rule.id)]
    partners = len(result.policy.partners)
    from b2blint.rules.policy_size_limit import measure

    share = 100 * measure(result.policy).total / context.size_limit
    cards = [
        (f"{errors:,}", "errors"),
        (f"{warnings:,}", "warnings"),
        (f"{len(ran):,}", "rules run"),
        (f"{partners:,}", "partners"),
        (f"{len(result.files):,}", "files" if context.source != LIVE_TENANT else "documents"),
        (f"{share:.1f} %", '<a href="#size">of the policy size limit</a>'),
    ]
    out = [
        '<section id="summary" aria-labelledby="h-summary">',
        '<h2 id="h-summary">Summary</h2>',
        f'<p class="verdict {kind}" role="status"><span class="symbol" aria-hidden="true">'
        f"{symbol}</span><span>{esc(text)}</span></p>",
        '<div class="cards">',
        *(
            f'<p class="card"><span class="n">{n}</span><span class="l">{label}</span></p>'
            for n, label in cards
        ),
        "</div>",
    ]
    if context.not_read:
        items = "".join(
            f"<li><code>{esc(section)}</code>: {esc(why)}</li>" for section, why in context.not_read
        )
        out.append(
            '<div class="notread"><p><strong>Not read from the tenant</strong> (the controls '
            f"that need these are not checked):</p><ul>{items}</ul></div>"
        )
    if context.controls:
        out += profile_summary(context.controls)
    out += _rule_summary(result.diagnostics, rules)
    out.append("</section>")
    return out


def _rule_summary(diagnostics: Sequence[Diagnostic], rules: Sequence[Rule]) -> list[str]:
    """A table of the rules with findings: errors and warnings per rule."""
    counts: dict[str, list[int]] = {}
    names: dict[str, str] = {rule.id: rule.name for rule in rules}
    for d in diagnostics:
        row = counts.setdefault(d.rule_id, [0, 0])
        row[0 if d.severity is Severity.ERROR else 1] += 1
        names.setdefault(d.rule_id, d.rule_name)
    if not counts:
        return ['<p class="muted">No rule reported a finding.</p>']
    order = sorted(counts, key=lambda rid: (-counts[rid][0], -counts[rid][1], rid))
    rows = "".join(
        f'<tr><th scope="row"><a href="#rule-{esc(rid)}"><code>{esc(rid)}</code></a></th>'
        f"<td>{esc(names[rid])}</td>"
        f'<td class="num">{counts[rid][0]:,}</td><td class="num">{counts[rid][1]:,}</td></tr>'
        for rid in order
    )
    return [
        '<table class="summary">',
        "<caption>Findings per rule and severity</caption>",
        '<thead><tr><th scope="col">Rule</th><th scope="col">Name</th>'
        '<th scope="col">Errors</th><th scope="col">Warnings</th></tr></thead>',
        f"<tbody>{rows}</tbody>",
        "</table>",
    ]


def _size(result: LintResult, context: ReportContext) -> list[str]:
    from b2blint.rules.policy_size_limit import biggest_partners, measure

    size = measure(result.policy)
    limit = context.size_limit
    share = 100 * size.total / limit
    shown = min(share, 100.0)
    state = "bad" if size.total > limit else "warn" if share >= 90 else "ok"
    color = {"bad": "#cf222e", "warn": "#bf8700", "ok": "#1a7f37"}[state]
    words = {
        "bad": f"over the limit by {size.total - limit:,} bytes",
        "warn": f"near the limit: {limit - size.total:,} bytes left",
        "ok": f"{limit - size.total:,} bytes left",
    }[state]
    label = f"{size.total:,} of {limit:,} bytes ({share:.1f} %), {words}"
    top = biggest_partners(result.policy, size, 5)
    rows = "".join(
        f'<tr><th scope="row">{esc(result.policy.partners[i].label)}</th>'
        f'<td class="num">{b:,}</td></tr>'
        for i, b in top
    )
    out = [
        '<section id="size" aria-labelledby="h-size">',
        '<h2 id="h-size">Policy size</h2>',
        '<div class="gauge">',
        f'<svg role="img" aria-label="{esc(label)}" viewBox="0 0 1000 28" '
        'preserveAspectRatio="none">',
        '<rect x="0" y="0" width="1000" height="28" fill="#eaeef2"/>',
        f'<rect x="0" y="0" width="{shown * 10:.1f}" height="28" fill="{color}"/>',
        '<rect x="900" y="0" width="3" height="28" fill="#57606a"/>',
        "</svg>",
        f'<div class="scale" aria-hidden="true"><span>0</span><span>90 %</span>'
        f"<span>{limit:,} bytes</span></div>",
        f"<p><strong>{esc(label)}</strong>.</p>",
        "</div>",
        '<p class="muted">The cross-tenant access policy as b2blint measures it (compact UTF-8 '
        "JSON of the policy with the default and every partner, as Entra's troubleshooting "
        "guide checks the 25 KB object limit; XTA001). Whether the limit still applies to your "
        "tenant is disputed in Microsoft's documents: see XTA001.</p>",
    ]
    if rows:
        out += [
            '<table class="size">',
            "<caption>Biggest partners</caption>",
            '<thead><tr><th scope="col">Partner</th><th scope="col">Bytes</th></tr></thead>',
            f"<tbody>{rows}</tbody>",
            "</table>",
        ]
    out.append("</section>")
    return out


def _decider_items(cell: Cell) -> str:
    return "".join(f"<li><code>{esc(d.text())}</code></li>" for d in cell.deciders)


def _cell(cell: Cell, label: str) -> str:
    symbol = _STATE_SYMBOL[cell.state]
    deciding = "; ".join(d.text() for d in cell.deciders) or cell.setting
    return (
        f'<td class="state-{cell.state}" data-state="{cell.state}" '
        f'title="{esc(label)}: {cell.state}. Decided by {esc(deciding)}">'
        f'<details><summary><span class="sym" aria-hidden="true">{symbol}</span> '
        f'<span class="st">{cell.state}</span><span class="scope">{esc(cell.scope)}</span>'
        f'<span class="src">{esc(cell.source)}</span></summary>'
        f'<p class="note">{esc(cell.reason)}</p>'
        f"<ul>{_decider_items(cell)}</ul></details></td>"
    )


def _matrix(matrix: Matrix) -> list[str]:
    rows = []
    for row in matrix.rows:
        if row.partner is not None:
            name = row.partner.name or row.partner.tenant_id
            head = (
                f'<th scope="row">{esc(name)}'
                f"<small>{esc(row.partner.tenant_id) if row.partner.name else ''}</small></th>"
            )
        else:
            head = (
                '<th scope="row">Everyone else<small>organizations without a partner entry '
                "(the default)</small></th>"
            )
        cells = "".join(
            _cell(cell, kind_label(*column))
            for cell, column in zip(row.cells, COLUMNS, strict=True)
        )
        rows.append(f"<tr>{head}{cells}</tr>")
    legend = "".join(
        f'<li class="state-{state}"><span class="sym" aria-hidden="true">{symbol}</span> '
        f"<strong>{state}</strong>: {_STATE_MEANING[state]}</li>"
        for state, symbol in _STATE_SYMBOL.items()
    )
    omitted = (
        f'<p class="muted">{_plural(matrix.omitted, "more partner")} not shown; ask '
        "<code>b2blint simulate</code> about them.</p>"
        if matrix.omitted
        else ""
    )
    return [
        '<section id="matrix" aria-labelledby="h-matrix">',
        '<h2 id="h-matrix">Access matrix</h2>',
        "<p>Who can cross between this tenant and each partner, read from the effective "
        "settings (partner entry, else the default, else the service default) the way "
        "<code>b2blint simulate</code> reads them. Inbound: the partner's users into this "
        "tenant; outbound: this tenant's users into the partner. Open a cell for the reason and "
        "the deciding settings; the partner's own settings must allow it too.</p>",
        f'<ul class="legend" aria-label="Legend">{legend}</ul>',
        '<table class="matrix">',
        "<caption>Partners \u00d7 B2B collaboration / B2B direct connect \u00d7 inbound / "
        "outbound</caption>",
        '<colgroup><col class="partner"></colgroup><colgroup span="2"></colgroup>'
        '<colgroup span="2"></colgroup>',
        "<thead>",
        '<tr><th scope="col" rowspan="2">Partner</th>'
        '<th scope="colgroup" colspan="2">B2B collaboration</th>'
        '<th scope="colgroup" colspan="2">B2B direct connect</th></tr>',
        '<tr><th scope="col">Inbound</th><th scope="col">Outbound</th>'
        '<th scope="col">Inbound</th><th scope="col">Outbound</th></tr>',
        "</thead>",
        f"<tbody>{''.join(rows)}</tbody>",
        "</table>",
        omitted,
        "</section>",
    ]


def _group_title(group: Group) -> str:
    if group.kind == TENANT:
        return "Tenant-wide settings"
    if group.kind == OTHER:
        return "Files and policy tests"
    assert group.partner is not None
    return group.partner.label


def _finding(
    number: int,
    d: Diagnostic,
    excerpts: Excerpts,
    context: ReportContext,
    controls: Mapping[str, tuple[str, ...]],
) -> list[str]:
    severity = d.severity.value
    where = f"{d.file}:{d.line}:{d.column}"
    tags = "".join(f' <span class="tag">{esc(c)}</span>' for c in controls.get(d.rule_id, ()))
    out = [
        f'<article class="finding {severity}" id="f-{number}" data-rule="{esc(d.rule_id)}">',
        f'<h4><span class="sev {severity}"><span aria-hidden="true">'
        f"{_SEVERITY_SYMBOL[d.severity]}</span> {severity}</span> "
        f"<code>{esc(d.rule_id)}</code> {esc(d.rule_name)}{tags}</h4>",
        f'<p class="msg">{esc(d.message)}</p>',
        f'<p class="where"><code>{esc(where)}</code> · '
        f"<code>{esc(d.location.json_path)}</code></p>",
    ]
    if d.related:
        items = "".join(
            f"<li><code>{esc(r.location.file)}:{r.location.position.line}</code> "
            f"{esc(r.message)}</li>"
            for r in d.related
        )
        out.append(f'<ul class="related" aria-label="Related locations">{items}</ul>')
    if number < MAX_EXCERPTS:
        lines = excerpts.around(d.file, d.line)
        if lines:
            what = "Live value (as exported)" if context.source == LIVE_TENANT else "YAML excerpt"
            body = "".join(
                f'<span class="l{" hit" if line.hit else ""}">'
                f'<span class="n">{"▶ " if line.hit else ""}{line.number}</span>'
                f"{esc(line.text.replace(chr(9), '    '))}</span>"
                for line in lines
            )
            is_open = " open" if number < OPEN_EXCERPTS else ""
            out.append(
                f'<details class="excerpt"{is_open}><summary>{what}, '
                f"{esc(d.file)} line {d.line}</summary>"
                f'<pre class="yaml">{body}</pre></details>'
            )
    out.append("</article>")
    return out


def _by_partner(
    result: LintResult,
    diagnostics: Sequence[Diagnostic],
    context: ReportContext,
    rules: Sequence[Rule],
) -> list[str]:
    controls = {rule.id: rule.controls for rule in rules if rule.controls}
    out = [
        '<section id="by-partner" aria-labelledby="h-by-partner">',
        '<h2 id="h-by-partner">Findings by partner</h2>',
    ]
    if not diagnostics:
        out.append('<p class="muted">No findings.</p>')
    excerpts = Excerpts(result.documents)
    for index, (group, items) in enumerate(grouped(result.policy, diagnostics)):
        out.append(f'<section class="group" aria-labelledby="g-{index}">')
        out.append(
            f'<h3 id="g-{index}">{esc(_group_title(group))} '
            f'<span class="muted">({_plural(len(items), "finding")})</span></h3>'
        )
        for number, d in items:
            out += _finding(number, d, excerpts, context, controls)
        out.append("</section>")
    out.append("</section>")
    return out


def _by_rule(diagnostics: Sequence[Diagnostic], rules: Sequence[Rule]) -> list[str]:
    out = [
        '<section id="by-rule" aria-labelledby="h-by-rule">',
        '<h2 id="h-by-rule">Findings by rule</h2>',
    ]
    by_rule: dict[str, list[tuple[int, Diagnostic]]] = {}
    for number, d in enumerate(diagnostics):
        by_rule.setdefault(d.rule_id, []).append((number, d))
    if not by_rule:
        out.append('<p class="muted">No findings.</p>')
    summaries = {rule.id: rule.summary for rule in rules}
    for rule_id in sorted(by_rule):
        items = by_rule[rule_id]
        first = items[0][1]
        out.append(f'<section class="rule" aria-labelledby="rule-{esc(rule_id)}">')
        out.append(
            f'<h3 id="rule-{esc(rule_id)}"><code>{esc(rule_id)}</code> {esc(first.rule_name)} '
            f'<span class="muted">({_plural(len(items), "finding")})</span></h3>'
        )
        if rule_id in summaries:
            out.append(f"<p>{esc(summaries[rule_id])}</p>")
        out.append('<ul class="links">')
        out += list(_links(items))
        out.append("</ul></section>")
    out.append("</section>")
    return out


def _links(items: Iterable[tuple[int, Diagnostic]]) -> Iterable[str]:
    for number, d in items:
        yield (
            f'<li><a href="#f-{number}"><code>{esc(d.file)}:{d.line}:{d.column}</code></a> '
            f'<span class="sev {d.severity.value}">{d.severity.value}</span></li>'
        )
