"""``lint --format html``: one self-contained, escaped, accessible page (the static checks).

The page is parsed with the standard library's HTML parser, as a browser tokenizes it: what is
asserted is the markup a browser builds, not substrings. tests/report/test_html_browser.py
loads the same pages in a real headless Chromium.
"""

from __future__ import annotations

import base64
import hashlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from b2blint.report.html import CSP, CSS
from tests.conftest import POLICIES, run_cli
from tests.report import hostile

#: 2026-12-06 12:00:00 UTC.
EPOCH = "1796558400"

#: Every element the page may contain: no script, no image, no frame, no form, no link.
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "h4", "dl",
    "div", "dt", "dd", "nav", "ul", "li", "a", "main", "section", "p", "span", "table",
    "caption", "colgroup", "col", "thead", "tbody", "tr", "th", "td", "code", "strong", "small",
    "details", "summary", "svg", "rect", "article", "pre", "footer",
}  # fmt: skip


class Page(HTMLParser):
    """Tags, attributes and text of a page, as the HTML tokenizer sees them."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._stack: list[str] = []
        self.style = ""
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in self._stack:
            while self._stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self._stack and self._stack[-1] == "style":
            self.style += data
        self.text.append(data)

    def all(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [
            a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]

    @property
    def plain(self) -> str:
        return "".join(self.text)


def _render(tree: Path, monkeypatch: pytest.MonkeyPatch, *paths: str) -> tuple[int, str, Page]:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    result = run_cli(["lint", *paths, "--format", "html", "-o", "report.html"], cwd=tree)
    text = (tree / "report.html").read_bytes().decode("utf-8")
    return result.exit_code, text, Page(text)


@pytest.fixture
def hostile_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, Page]:
    return _render(hostile.write(tmp_path / "tree"), monkeypatch, ".")


def test_hostile_names_are_text_never_markup(hostile_page: tuple[int, str, Page]) -> None:
    code, text, page = hostile_page
    assert code == 1
    assert {tag for tag, _ in page.tags} <= ALLOWED_TAGS
    assert not page.all("script") and not page.all("img")
    # No attribute anywhere is an event handler, and none points outside the page.
    for _, attrs in page.tags:
        assert not [name for name in attrs if name.startswith("on")]
        for name in ("href", "src", "action", "formaction", "srcset"):
            value = attrs.get(name)
            assert value is None or value.startswith("#"), (name, value)
    # The payloads are there, as text: the browser shows them, it does not run them.
    assert hostile.SCRIPT_NAME in page.plain
    assert hostile.FILE_NAME in page.plain
    assert "<script>" not in text and "<img" not in text
    assert "&lt;/title&gt;&lt;script&gt;alert(&#x27;name&#x27;)&lt;/script&gt;" in text
    titles = [t for t, _ in page.tags if t == "title"]
    assert titles == ["title"]
    assert "<title>b2blint report: Contoso &lt;b&gt;&amp;amp;&lt;/b&gt;</title>" in text


def test_csp_allows_only_the_page_stylesheet(hostile_page: tuple[int, str, Page]) -> None:
    _, _, page = hostile_page
    (meta,) = page.all("meta", **{"http-equiv": "Content-Security-Policy"})
    policy = meta["content"]
    assert policy == CSP
    digest = base64.b64encode(hashlib.sha256(page.style.encode("utf-8")).digest()).decode()
    assert page.style == CSS
    assert policy.startswith("default-src 'none'; ")
    assert f"style-src 'sha256-{digest}'" in policy
    assert "script-src" not in policy  # default-src 'none' forbids scripts
    assert not page.all("link")


def test_every_finding_is_reported_with_its_excerpt(hostile_page: tuple[int, str, Page]) -> None:
    _, _, page = hostile_page
    articles = page.all("article")
    assert [a["id"] for a in articles] == ["f-2", "f-0", "f-1"]  # tenant first, then partners
    assert sorted(a["data-rule"] or "" for a in articles) == ["XTA002", "XTA003", "XTA007"]
    for number, (file, line, column, rule, severity) in enumerate(hostile.FINDINGS):
        (article,) = page.all("article", id=f"f-{number}")
        assert article["class"] == f"finding {severity}"
        assert article["data-rule"] == rule
        assert f"{file}:{line}:{column}" in page.plain
        # The findings-by-rule section links to it.
        assert page.all("a", href=f"#f-{number}")
    # The excerpt's highlighted line is the finding's line, with its number and a marker.
    hits = [a for t, a in page.tags if t == "span" and a.get("class") == "l hit"]
    assert len(hits) == 3
    assert "▶ 6      b2bDirectConnectInbound:" in page.plain
    assert "▶ 13      b2bCollaborationInbound:" in page.plain
    assert "5    settings:\n" not in page.plain  # one line per span, no stray newlines
    assert "5    settings:▶ 6" in page.plain


def test_matrix_has_a_row_per_partner_and_four_cells(hostile_page: tuple[int, str, Page]) -> None:
    _, text, _ = hostile_page
    body = text.split('<table class="matrix">', 1)[1].split("</table>", 1)[0]
    rows = Page(body.split("<tbody>", 1)[1])
    states = [a["data-state"] for t, a in rows.tags if t == "td"]
    assert len([t for t, _ in rows.tags if t == "tr"]) == 3  # 2 partners + everyone else
    assert states == [
        # Fabrikam: service default inbound; Contoso's default outbound (Office365 only);
        # its own direct connect without MFA trust; direct connect outbound service default.
        "allowed", "scoped", "depends", "blocked",
        # Northwind: AllUsers blocked inbound (XTA007), the default outbound.
        "blocked", "scoped", "blocked", "blocked",
        # Everyone else.
        "allowed", "scoped", "blocked", "blocked",
    ]  # fmt: skip
    # Each cell says its state in words and a symbol, with the deciding setting on hover.
    assert (
        'title="inbound B2B direct connect: depends. Decided by (service default) '
        "inboundTrust.isMfaAccepted; partners/&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"
        ".yaml:7  $.partners[0].settings.b2bDirectConnectInbound.usersAndGroups.targets[0]; "
    ) in text
    header = [a for t, a in Page(body).tags if t == "th"]
    assert [a.get("scope") for a in header] == [
        "col", "colgroup", "colgroup", "col", "col", "col", "col", "row", "row", "row",
    ]  # fmt: skip


def test_run_facts_and_summary(hostile_page: tuple[int, str, Page]) -> None:
    _, _, page = hostile_page
    plain = page.plain
    assert f"Tenant{hostile.CONTOSO}" in plain
    assert "Sourcepolicy files (2 files)" in plain
    assert "Generated2026-12-06 12:00 UTC" in plain
    assert "2 errors and 1 warning" in plain
    assert page.all("h1") and len(page.all("h2")) == 5
    assert page.all("p", role="status")
    (caption,) = [d for d in page.text if d.startswith("Findings per rule")]
    assert caption == "Findings per rule and severity"


def test_bundled_policies_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, text, page = _render(tmp_path, monkeypatch, str(POLICIES))
    assert code == 0
    assert "All checks passed" in page.plain
    assert not page.all("article")
    assert "4,043 of 25,600 bytes (15.8 %), 21,557 bytes left" in page.plain
    rows = text.split('<table class="matrix">', 1)[1].split("</tbody>", 1)[0].count("<tr>")
    assert rows == 4 + 1 + 2  # 4 partners, everyone else, 2 header rows
