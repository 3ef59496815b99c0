"""Every `[Sn]` citation resolves in docs/sources.md, the repository's own list of sources.

The keys come from the team's Graph reference, which lives outside the repository; a reader of
the code (or of the wheel's docs) must be able to follow ``[S17]`` to Microsoft's page.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "docs" / "sources.md"
#: Where citations may appear: the package, the docs, the schemas, tests and benchmarks.
CITING = ("linter", "docs", "schemas", "tests", "bench", "README.md")
SUFFIXES = {".py", ".md", ".json", ".yaml", ".yml", ".toml"}

KEY = re.compile(r"\[(S\d+[a-z]?)\]")
#: "[S16]-[S25]" and "[S1] ... [S47]" cite every key between the two.
RANGE = re.compile(r"\[S(\d+)\]\s*(?:-|\u2013|\.\.\.)\s*\[S(\d+)\]")
ROW = re.compile(r"^\| (S\d+[a-z]?) \| (.+?) \| (.+?) \|$", re.MULTILINE)


def listed_keys(text: str) -> list[str]:
    return [match.group(1) for match in ROW.finditer(text)]


def cited_keys(text: str) -> set[str]:
    keys = set(KEY.findall(text))
    for first, last in RANGE.findall(text):
        keys.update(f"S{n}" for n in range(int(first), int(last) + 1))
    return keys


def _citing_files() -> list[Path]:
    files: list[Path] = []
    for name in CITING:
        path = ROOT / name
        if path.is_file():
            files.append(path)
        else:
            files.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.suffix in SUFFIXES and p.is_file() and "fixtures" not in p.parts
            )
    return [p for p in files if p != SOURCES]


def test_every_cited_key_is_listed() -> None:
    listed = set(listed_keys(SOURCES.read_text("utf-8")))
    missing = {
        f"{path.relative_to(ROOT).as_posix()}: [{key}]"
        for path in _citing_files()
        for key in cited_keys(path.read_text("utf-8"))
        if key not in listed
    }
    assert sorted(missing) == []


def test_no_key_is_listed_twice_and_each_has_a_link() -> None:
    text = SOURCES.read_text("utf-8")
    counts = Counter(listed_keys(text))
    assert [key for key, n in counts.items() if n > 1] == []
    for match in ROW.finditer(text):
        assert match.group(3).startswith("<https://"), match.group(0)


def test_the_scan_sees_the_citations() -> None:
    # An empty scan would pass vacuously: [S17] is cited across the Graph client and docs.
    cited = set().union(*(cited_keys(p.read_text("utf-8")) for p in _citing_files()))
    assert {"S1", "S17", "S11b", "S39", "S42"} <= cited
    assert len(listed_keys(SOURCES.read_text("utf-8"))) >= 48


def test_the_resolver_names_a_missing_key_and_a_range() -> None:
    assert cited_keys("per [S16]-[S25] and [S3] ... [S5]; see [S11b].") == {
        *(f"S{n}" for n in range(16, 26)),
        "S3",
        "S4",
        "S5",
        "S11b",
    }
    table = "| Key | Title | URL |\n| --- | --- | --- |\n| S1 | t | <https://x> |\n"
    assert listed_keys(table) == ["S1"]
    assert cited_keys("[S2]") - set(listed_keys(table)) == {"S2"}
