"""``lint --fix`` and ``--diff``: apply the fixes of findings, in rounds, in memory first.

A round groups the fixes of the current findings by file and applies, per file, every fix
that does not conflict with one already taken (same or nested YAML path, or overlapping
text) in one parse and one splice pass (`b2blint.files.yaml_edit`). The result is re-parsed and
must equal the expected data, or the file's fixes are retried one by one and any fix that
does not verify is dropped: nothing unverified is ever written. Then the whole tree is linted
again in memory, and the next round takes the fixes that were deferred or newly enabled,
until nothing changes (at most `MAX_ROUNDS`, like ruff). Only then are files written, each
atomically, and only if it did not change on disk meanwhile; ``--diff`` writes nothing and
prints the unified diff instead.
"""

from __future__ import annotations

import bisect
import dataclasses
import difflib
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from b2blint.diagnostics import Diagnostic, Edit, Fix
from b2blint.lint.config import Config
from b2blint.lint.engine import LintResult, lint_sources
from b2blint.rules import ALL_RULES
from b2blint.rules._rule import Rule

if TYPE_CHECKING:
    from b2blint.files.yaml_edit import Splice

MAX_ROUNDS = 10
_BOM = b"\xef\xbb\xbf"


@dataclasses.dataclass
class FixOutcome:
    """What fixing did: the original and the new text of every file, and counts."""

    originals: dict[str, str]
    texts: dict[str, str]
    fixed: int = 0
    notes: list[str] = dataclasses.field(default_factory=list)

    @property
    def changed(self) -> list[str]:
        return [name for name, text in self.texts.items() if text != self.originals[name]]

    def diff(self) -> str:
        """A unified diff of every changed file (``a/FILE`` -> ``b/FILE``)."""
        out: list[str] = []
        for name in self.changed:
            lines = difflib.unified_diff(
                self.originals[name].splitlines(keepends=True),
                self.texts[name].splitlines(keepends=True),
                fromfile=f"a/{name}",
                tofile=f"b/{name}",
            )
            for line in lines:
                out.append(
                    line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                )
        return "".join(out)


class _Claims:
    """What the fixes taken so far touch: YAML paths, comment lines and text spans.

    Two fixes conflict when one edits a path at or below a path the other edits (except two
    appends to one list), when both edit one comment line, or when their text changes overlap
    (an insertion strictly inside a replaced span counts). Lookups are sets and bisects, so a
    file with thousands of fixes is not quadratic.
    """

    def __init__(self) -> None:
        self.paths: dict[tuple[str | int, ...], set[str]] = {}
        self.below: set[tuple[str | int, ...]] = set()  # every proper prefix of a claimed path
        self.lines: set[tuple[str | int, ...]] = set()
        self.starts: list[int] = []  # replaced spans: disjoint, sorted by start (and by end)
        self.ends: list[int] = []
        self.points: list[int] = []  # insertions, sorted

    def edit_conflicts(self, edit: Edit) -> bool:
        path = tuple(edit.path)
        if edit.op == "line":
            return path in self.lines
        ops = self.paths.get(path)
        if ops is not None and not (edit.op == "append" and ops == {"append"}):
            return True
        return path in self.below or any(path[:i] in self.paths for i in range(len(path)))

    def splice_conflicts(self, splice: Splice) -> bool:
        start, end = splice.start, splice.end
        if start == end:
            at = bisect.bisect_left(self.starts, start) - 1
            return at >= 0 and self.ends[at] > start
        at = bisect.bisect_left(self.starts, end) - 1
        if at >= 0 and self.ends[at] > start:
            return True
        point = bisect.bisect_right(self.points, start)
        return point < len(self.points) and self.points[point] < end

    def claim(self, edits: Sequence[Edit], splices: Sequence[Splice]) -> None:
        for edit in edits:
            path = tuple(edit.path)
            if edit.op == "line":
                self.lines.add(path)
                continue
            self.paths.setdefault(path, set()).add(edit.op)
            self.below.update(path[:i] for i in range(len(path)))
        for splice in splices:
            if splice.start == splice.end:
                bisect.insort(self.points, splice.start)
            else:
                at = bisect.bisect_left(self.starts, splice.start)
                self.starts.insert(at, splice.start)
                self.ends.insert(at, splice.end)


def _group(
    fixes: Sequence[tuple[Diagnostic, Fix]],
) -> dict[str, list[tuple[Fix, list[Diagnostic]]]]:
    """Fixes per file, each once (several findings may share one fix), in finding order."""
    grouped: dict[str, list[tuple[Fix, list[Diagnostic]]]] = {}
    seen: dict[str, list[Diagnostic]] = {}
    for diagnostic, fix in fixes:
        key = repr(fix)  # equal fixes (edit values are plain data) have equal reprs
        if key in seen:
            seen[key].append(diagnostic)
        else:
            seen[key] = [diagnostic]
            grouped.setdefault(fix.file, []).append((fix, seen[key]))
    return grouped


def apply_fixes(text: str, fixes: Sequence[Fix]) -> tuple[str, list[Fix], list[str]]:
    """Apply the non-conflicting ``fixes`` to ``text``: (new text, fixes applied, notes).

    Deferred fixes (conflicting with an earlier one) are simply not in the applied list.
    """
    from b2blint.files.document import DocumentError, parse_text
    from b2blint.files.yaml_edit import EditError, YamlText, apply_splices, expected_data

    notes: list[str] = []
    try:
        source = YamlText(text)
        original = parse_text(text, "<fix>").data
    except (EditError, DocumentError):
        return text, [], []
    taken: list[tuple[Fix, list[Splice]]] = []
    claims = _Claims()
    for fix in fixes:
        if any(claims.edit_conflicts(edit) for edit in fix.edits):
            continue  # deferred to the next round
        try:
            splices = [s for edit in fix.edits for s in source.splices(edit)]
            own = _Claims()
            for splice in splices:
                if own.splice_conflicts(splice):
                    raise EditError("its edits overlap each other")
                own.claim((), (splice,))
        except EditError as error:
            notes.append(f"{fix.file}: cannot apply fix '{fix.description}': {error}")
            continue
        if any(claims.splice_conflicts(splice) for splice in splices):
            continue
        claims.claim(fix.edits, splices)
        taken.append((fix, splices))

    def build(chosen: Sequence[tuple[Fix, list[Splice]]]) -> str | None:
        splices = [s for _, group in chosen for s in group]
        new_text = apply_splices(text, splices)
        edits = [edit for fix, _ in chosen for edit in fix.edits]
        try:
            expected = expected_data(original, edits)
            if parse_text(new_text, "<fix>").data == expected:
                return new_text
        except (EditError, DocumentError):
            pass
        return None

    result = build(taken) if taken else text
    if result is not None:
        return result, [fix for fix, _ in taken], notes
    # The combination did not verify (e.g. two deletions emptied one mapping): keep the fixes
    # that do, one at a time; one that verifies alone waits for the next round.
    kept: list[tuple[Fix, list[Splice]]] = []
    result = text
    for item in taken:
        attempt = build([*kept, item])
        if attempt is not None:
            kept.append(item)
            result = attempt
        elif build([item]) is None:
            notes.append(
                f"{item[0].file}: fix '{item[0].description}' was not applied: its result did "
                "not verify (please report this)"
            )
    return result, [fix for fix, _ in kept], notes


def fix_tree(
    result: LintResult,
    config: Config,
    rules: Sequence[Rule] = ALL_RULES,
    only: Collection[str] | None = None,
) -> FixOutcome:
    """Apply fixes in rounds, in memory, re-linting the tree after each round."""
    originals = {document.path: document.text for document in result.documents}
    outcome = FixOutcome(originals, dict(originals))
    unreadable = [name for name in result.files if name not in originals]
    current = result
    for _ in range(MAX_ROUNDS):
        progress = False
        for file, items in _group(current.fixes).items():
            if file not in outcome.texts or (only is not None and file not in only):
                continue
            text = outcome.texts[file]
            new_text, applied, notes = apply_fixes(text, [fix for fix, _ in items])
            outcome.notes.extend(note for note in notes if note not in outcome.notes)
            if applied and new_text != text:
                outcome.texts[file] = new_text
                outcome.fixed += sum(len(d) for fix, d in items if fix in applied)
                progress = True
        if not progress:
            break
        current = lint_sources(list(outcome.texts.items()), config, rules, unreadable)
    else:
        outcome.notes.append(f"fixes did not settle after {MAX_ROUNDS} rounds; run --fix again")
    return outcome


def write_fixes(outcome: FixOutcome) -> list[str]:
    """Write every changed file atomically; return the files written.

    A file that changed on disk since it was read is left alone (and named in a note).
    """
    from b2blint.errors import B2BLintError
    from b2blint.files.fsutil import atomic_write_bytes

    written: list[str] = []
    for name in outcome.changed:
        path = Path(name)
        try:
            raw = path.read_bytes()
        except OSError:
            raw = b""  # gone or unreadable since it was read: not ours to write any more
        bom = raw.startswith(_BOM)
        if (
            raw[len(_BOM) if bom else 0 :].decode("utf-8", errors="replace")
            != outcome.originals[name]
        ):
            outcome.notes.append(f"{name}: changed on disk while fixing; not written")
            continue
        try:
            # Through a symlink to its target: replacing the link would turn it into a copy.
            atomic_write_bytes(
                path.resolve(), (_BOM if bom else b"") + outcome.texts[name].encode("utf-8")
            )
        except OSError as error:
            raise B2BLintError(f"{name}: cannot write: {error.strerror or error}") from None
        written.append(name)
    return written
