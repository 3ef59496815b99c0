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
import os
import stat
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from b2blint.diagnostics import Diagnostic, Edit, Fix
from b2blint.lint.config import Config
from b2blint.lint.engine import LintResult, lint_sources
from b2blint.rules import ALL_RULES
from b2blint.rules._rule import Rule

if TYPE_CHECKING:
    from b2blint.files.yaml_edit import Splice, YamlText

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


_UNPARSED: Any = object()


def apply_fixes(
    text: str, fixes: Sequence[Fix], data: Any = _UNPARSED
) -> tuple[str, list[Fix], list[str]]:
    """Apply the non-conflicting ``fixes`` to ``text``: (new text, fixes applied, notes).

    Deferred fixes (conflicting with an earlier one) are simply not in the applied list.
    ``data`` is the text's parsed data when the caller has it (the lint just parsed it:
    parsing a 1,000-partner file again costs half a second); it is not modified.
    """
    from b2blint.files.document import DocumentError, parse_text
    from b2blint.files.yaml_edit import EditError, YamlText, apply_splices, expected_data

    notes: list[str] = []
    try:
        source = YamlText(text)
        original = parse_text(text, "<fix>").data if data is _UNPARSED else data
    except (EditError, DocumentError):
        return text, [], []
    taken: list[tuple[Fix, list[Splice]]] = []
    claims = _Claims()
    emptied: dict[int, int] = {}  # id(container node) -> entries the taken fixes delete
    for fix in fixes:
        if any(claims.edit_conflicts(edit) for edit in fix.edits):
            continue  # deferred to the next round
        deletes = _deleted_entries(source, fix)
        if any(
            emptied.get(key, 0) and emptied[key] + count >= size
            for key, (count, size) in deletes.items()
        ):
            # Splices are computed one by one against the original text: deleting every
            # entry of a mapping that way leaves `key:` (null), not `key: {}`, and the result
            # would not verify. The last deletion waits for the next round, where it is the
            # only entry left and is written as `{}` (F9: this made --fix quadratic). Its
            # path stays claimed, so fixes inside what it deletes wait too.
            claims.claim(fix.edits, ())
            continue
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
        for key, (count, _) in deletes.items():
            emptied[key] = emptied.get(key, 0) + count

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
    # The combination did not verify: keep the fixes that do, halving the failing groups
    # (a parse per group, not per fix: trying them one at a time re-parsed the whole file
    # once per fix). A fix that verifies alone waits for the next round.
    kept: list[tuple[Fix, list[Splice]]] = []
    result = text
    pending: list[list[tuple[Fix, list[Splice]]]] = [taken]
    while pending:
        group = pending.pop(0)
        attempt = build([*kept, *group])
        if attempt is not None:
            kept.extend(group)
            result = attempt
        elif len(group) > 1:
            middle = len(group) // 2
            pending[:0] = [group[:middle], group[middle:]]
        elif build(group) is None:
            fix = group[0][0]
            notes.append(
                f"{fix.file}: fix '{fix.description}' was not applied: its result did "
                "not verify (please report this)"
            )
    return result, [fix for fix, _ in kept], notes


def _deleted_entries(source: YamlText, fix: Fix) -> dict[int, tuple[int, int]]:
    """Per container the fix deletes from: (entries deleted, entries it has), by node id."""
    found: dict[int, tuple[int, int]] = {}
    for edit in fix.edits:
        if edit.op != "delete" or not edit.path:
            continue
        chain = source.resolve(edit.path)
        if len(chain) != len(edit.path):
            continue
        parent = chain[-1][0]
        count, size = found.get(id(parent), (0, len(parent.value)))
        found[id(parent)] = (count + 1, size)
    return found


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
        documents = {document.path: document for document in current.documents}
        for file, items in _group(current.fixes).items():
            if file not in outcome.texts or (only is not None and file not in only):
                continue
            text = outcome.texts[file]
            parsed = documents.get(file)
            new_text, applied, notes = apply_fixes(
                text,
                [fix for fix, _ in items],
                parsed.data if parsed is not None and parsed.text == text else _UNPARSED,
            )
            outcome.notes.extend(note for note in notes if note not in outcome.notes)
            if applied and new_text != text:
                outcome.texts[file] = new_text
                done = {id(fix) for fix in applied}  # a set: `in applied` was quadratic
                outcome.fixed += sum(len(d) for fix, d in items if id(fix) in done)
                progress = True
        if not progress:
            break
        current = lint_sources(list(outcome.texts.items()), config, rules, unreadable)
    else:
        outcome.notes.append(f"fixes did not settle after {MAX_ROUNDS} rounds; run --fix again")
    return outcome


def write_fixes(outcome: FixOutcome, *, force: bool = False) -> list[str]:
    """Write every changed file atomically; return the files written.

    Before anything is written, every file to change is checked: a read-only file (no write
    bit: root would override it) or a file with other hard links (a rename gives this name a
    new inode, so the other names would keep the old text) is refused with one line, unless
    ``force``; with ``force`` a hard-linked file is detached (named in a note). A file that
    changed on disk since it was read, up to the rename, is left alone (and named in a note).
    Owner, group and mode are kept, symlinks written through, and a SIGTERM while writing
    leaves no temporary file (`b2blint.files.fsutil.atomic_write_bytes`).
    """
    from b2blint.errors import B2BLintError
    from b2blint.files.fsutil import ChangedOnDisk, atomic_write_bytes, write_target

    plans: list[tuple[str, Path, bytes, os.stat_result]] = []
    for name in outcome.changed:
        target = write_target(name)  # through a symlink: replacing the link makes a copy
        try:
            flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)  # a FIFO swapped in: no hang
            with os.fdopen(os.open(target, flags), "rb") as handle:
                status = os.fstat(handle.fileno())
                raw = handle.read() if stat.S_ISREG(status.st_mode) else b""
        except OSError:
            outcome.notes.append(f"{name}: changed on disk while fixing; not written")
            continue  # gone or unreadable since it was read: not ours to write any more
        bom = raw.startswith(_BOM)
        if (
            raw[len(_BOM) if bom else 0 :].decode("utf-8", errors="replace")
            != outcome.originals[name]
        ):
            outcome.notes.append(f"{name}: changed on disk while fixing; not written")
            continue
        if not force and not (status.st_mode & 0o222 and os.access(target, os.W_OK)):
            raise B2BLintError(
                f"{name}: the file is read-only; nothing was fixed (--force fixes it anyway, "
                "keeping its mode)"
            )
        if not force and status.st_nlink > 1:
            raise B2BLintError(
                f"{name}: the file has {status.st_nlink - 1} other hard link(s), which a fix "
                "would not update; nothing was fixed (--force fixes this name only)"
            )
        data = (_BOM if bom else b"") + outcome.texts[name].encode("utf-8")
        plans.append((name, target, data, status))
    written: list[str] = []
    for name, target, data, status in plans:
        try:
            atomic_write_bytes(target, data, unchanged_since=status)
        except ChangedOnDisk:
            outcome.notes.append(f"{name}: changed on disk while fixing; not written")
            continue
        except OSError as error:
            raise B2BLintError(f"{name}: cannot write: {error.strerror or error}") from None
        if status.st_nlink > 1:
            outcome.notes.append(
                f"{name}: fixed this name only; its {status.st_nlink - 1} other hard link(s) "
                "keep the old text"
            )
        written.append(name)
    return written
