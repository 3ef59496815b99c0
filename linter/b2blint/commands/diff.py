"""``b2blint diff``: what a change does to effective access, and which policy tests it flips.

``b2blint diff BASE_PATH HEAD_PATH`` compares two trees on disk; ``b2blint diff --base REV
[PATH]`` compares the working tree's PATH (default ``policies/``) with PATH at git revision
REV, read with ``git ls-tree``/``git cat-file`` (nothing is checked out); with ``--tenant
NAME`` the fleet tenant's assembled policy, the whole fleet read at REV the same way
(`b2blint.fleet.atrev`). Exit codes: 0, or
with ``--exit-code`` 1 when access or a test verdict changes (as ``git diff --exit-code``);
2 for bad usage (missing path, unknown revision, not a repository).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from b2blint.commands._options import common_options, format_option, note, tenant_option

if TYPE_CHECKING:
    from b2blint.files.document import Document
    from b2blint.policy.model import Policy


@click.command("diff")
@tenant_option
@common_options
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--base", "revision", help="Compare PATH (default policies/) with PATH at this git revision."
)
@format_option("text", "markdown")
@click.option(
    "--exit-code", is_flag=True, help="Exit 1 when access or a policy test verdict changes."
)
def diff_command(
    *, paths: tuple[str, ...], revision: str | None, output_format: str, exit_code: bool
) -> int:
    """Show the effective access changes between two policy trees.

    \b
    b2blint diff old-policies/ policies/
    b2blint diff --base origin/main            # the working tree's policies/ vs origin/main
    b2blint diff --base origin/main --format markdown > access.md
    b2blint diff --tenant contoso --base origin/main   # one fleet tenant vs origin/main
    """
    from b2blint.commands._options import fleet_tenant
    from b2blint.errors import B2BLintError
    from b2blint.lint.tree import DEFAULT_PATHS, read_tree, split

    name = fleet_tenant()
    if revision is not None and name is not None:
        from b2blint.fleet.atrev import tenant_at
        from b2blint.fleet.lint import fleet_root

        # the tenant at REV, assembled from the fleet at REV read out of git
        at_base = tenant_at(revision, fleet_root(paths), name)
        before, before_tests = at_base.policy, at_base.tests
        unreadable: list[str] = []
        head = read_tree(list(paths) or ["."], lint=False)
        base_label, head_label = revision, "working tree"
    elif revision is not None:
        head_paths = list(paths) or list(DEFAULT_PATHS)
        from b2blint.files.gitrev import documents_at

        documents, unreadable = documents_at(revision, head_paths)
        if not documents and not unreadable:
            note(
                f"warning: no policy files at {revision}:{', '.join(head_paths)}; "
                "comparing with an empty policy"
            )
        before, before_tests = split(documents)
        head = read_tree(head_paths, lint=False)
        base_label, head_label = revision, "working tree"
    else:
        if len(paths) != 2:
            raise B2BLintError("give BASE_PATH and HEAD_PATH, or --base REVISION [PATH]")
        base = read_tree([paths[0]], lint=False)
        before, before_tests, unreadable = base.policy, base.tests, list(base.unreadable)
        head = read_tree([paths[1]], lint=False)
        base_label, head_label = paths[0], paths[1]
    for name in (*unreadable, *head.unreadable):
        note(f"warning: {name} is not valid YAML and was left out (run 'b2blint lint')")
    tests = (*head.tests, *before_tests)
    text, changed = render(
        before, head.policy, tests, fmt=output_format, labels=(base_label, head_label)
    )
    if output_format != "json":  # partner names and test names quote the YAML
        from b2blint.printable import printable

        text = printable(text, keep_newlines=True)
    click.echo(text, nl=False)
    return 1 if exit_code and changed else 0


def render(
    before: Policy, after: Policy, tests: Sequence[Document], *, fmt: str, labels: tuple[str, str]
) -> tuple[str, bool]:
    """The report, and whether anything changed (malformed test files are left out)."""
    base, head = labels
    from b2blint.access.diff import diff_policies, escape_markdown, render_changes
    from b2blint.access.policytest import state_words, validate, verdict_changes

    valid = [document for document in tests if not validate(document.data)]
    changes = diff_policies(before, after)
    flipped = verdict_changes(before, after, valid)
    if not changes and not flipped:
        return f"No access changes ({base} → {head}).\n", False
    out = render_changes(changes, fmt, f"Access changes ({base} → {head})")
    if flipped:
        title = "Policy tests whose verdict changed"
        lines = []
        for change in flipped:
            location = change.case.expect_ref.location()
            where = f"{location.file}:{location.position.line}"
            was, now = state_words(change.before), state_words(change.after)
            verdict = "passes" if change.after.passed else "now fails"
            if fmt == "markdown":
                lines.append(
                    f"- `{where}` {escape_markdown(change.case.name)}: {escape_markdown(was)} → "
                    f"**{escape_markdown(now)}** (expects {change.case.expect}: **{verdict}**)"
                )
            else:
                expects = f"expects {change.case.expect}: {verdict}"
                lines.append(f"  {where}  {change.case.name}: {was} → {now} ({expects})")
        header = f"#### {title}\n\n" if fmt == "markdown" else f"{title}:\n"
        out += ("\n" if out else "") + header + "\n".join(lines) + "\n"
    return out, True
