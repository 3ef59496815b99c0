"""``lint --fix`` and ``--diff``: apply the fixes of findings, in rounds, in memory first.

A round groups the fixes of the current findings by file and applies, per file, every fix
that does not conflict with one already taken (same or nested YAML path, or overlapping
text) in one parse and one splice pass (`b2blint.yaml_edit`). The result is re-parsed and
must equal the expected data, or the file's fixes are retried one by one and any fix that
does not verify is dropped: nothing unverified is ever written. Then the whole tree is linted
again in memory, and the next round takes the fixes that were deferred or newly enabled,
until nothing changes (at most `MAX_ROUNDS`, like ruff). Only then are files written, each
atomically, and only if it did not change on disk meanwhile; ``--diff`` writes nothing and
prints the unified diff instead.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from b2blint.config import Config
from b2blint.diagnostics import Diagnostic
from b2blint.engine import LintResult, lint_sources
from b2blint.rules import ALL_RULES
from b2blint.rules._rule import Edit, Fix, Rule

if TYPE_CHECKING:
    from b2blint.yaml_edit import Splice

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
                out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
        return "".join(out)


def _paths_conflict(first: Sequence[str | int], second: Sequence[str | int]) -> bool:
    shorter = min(len(first), len(second))
    return tuple(first[:shorter]) == tuple(second[:shorter])


def _edits_conflict(a: Edit, b: Edit) -> bool:
    if (a.op == "line") != (b.op == "line"):
        return False
    if a.op == "line":
        return a.path == b.path
    if a.op == b.op == "append" and a.path == b.path:
        return False
    return _paths_conflict(a.path, b.path)


def _group(fixes: Sequence[tuple[Diagnostic, Fix]]) -> dict[str, list[tuple[Fix, list[Diagnostic]]]]:
    """Fixes per file, each once (several findings may share one fix), in finding order."""
    grouped: dict[str, list[tuple[Fix, list[Diagnostic]]]] = {}
    for diagnostic, fix in fixes:
        items = grouped.setdefault(fix.file, [])
        for known, diagnostics in items:
            if known == fix:
                diagnostics.append(diagnostic)
                break
        else:
            items.append((fix, [diagnostic]))
    return grouped


def apply_fixes(text: str, fixes: Sequence[Fix]) -> tuple[str, list[Fix], list[str]]:
    """Apply the non-conflicting ``fixes`` to ``text``: (new text, fixes applied, notes).

    Deferred fixes (conflicting with an earlier one) are simply not in the applied list.
    """
    from b2blint.document import DocumentError, parse_text
    from b2blint.yaml_edit import EditError, YamlText, apply_splices, expected_data, overlaps

    notes: list[str] = []
    try:
        source = YamlText(text)
        original = parse_text(text, "<fix>").data
    except (EditError, DocumentError):
        return text, [], []
    taken: list[tuple[Fix, list[Splice]]] = []
    for fix in fixes:
        if any(_edits_conflict(a, b) for other, _ in taken for a in other.edits for b in fix.edits):
            continue
        try:
            splices = [s for edit in fix.edits for s in source.splices(edit)]
            apply_splices(text, splices)  # overlaps within the fix itself
        except EditError as error:
            notes.append(f"{fix.file}: cannot apply fix '{fix.description}': {error}")
            continue
        if any(overlaps(splices, other) for _, other in taken):
            continue
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
    # The combination did not verify: keep the fixes that do, one at a time.
    kept: list[tuple[Fix, list[Splice]]] = []
    result = text
    for item in taken:
        attempt = build([*kept, item])
        if attempt is None:
            notes.append(
                f"{item[0].file}: fix '{item[0].description}' was not applied: its result did "
                "not verify (please report this)"
            )
        else:
            kept.append(item)
            result = attempt
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
    from b2blint.fsutil import atomic_write_bytes

    written: list[str] = []
    for name in outcome.changed:
        path = Path(name)
        raw = path.read_bytes()
        bom = raw.startswith(_BOM)
        if raw[len(_BOM) if bom else 0 :].decode("utf-8", errors="replace") != outcome.originals[name]:
            outcome.notes.append(f"{name}: changed on disk while fixing; not written")
            continue
        atomic_write_bytes(path, (_BOM if bom else b"") + outcome.texts[name].encode("utf-8"))
        written.append(name)
    return written
