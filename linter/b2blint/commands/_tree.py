"""Read a policy tree for the commands that show it (``effective``, ``size``), not lint it.

The reading is `b2blint.lint.tree.lint_tree` (the one tree reader); this adds the warning.

They must work on a tree that has lint errors, because that is when people look: the tree is
linted once with the configuration in effect (to count the errors and say so in one warning line
on stderr) and the model is built from every document that parsed, including those the schema
pass rejected, so what is shown is what the files say.
"""

from __future__ import annotations

from collections.abc import Sequence

from b2blint.commands._options import note
from b2blint.diagnostics import Severity
from b2blint.lint.config import Config
from b2blint.policy.model import Policy, build_policy


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def load_tree(paths: Sequence[str], config: Config, ignore: frozenset[str] = frozenset()) -> Policy:
    """The tenant policy of ``paths`` (default ``policies/``); warn on stderr if it has errors.

    ``config`` supplies the excluded files and the rules that count; ``ignore``: rules whose
    findings the command reports itself (``size`` and XTA001). Raises `B2BLintError` (exit 2)
    for a missing path or a directory without YAML.
    """
    import dataclasses

    from b2blint.lint.tree import lint_tree

    config = dataclasses.replace(config, ignore=config.ignore | ignore)
    result = lint_tree(paths, config)
    errors = result.count(Severity.ERROR)
    if errors:
        note(
            f"warning: the policy files have {_plural(errors, 'lint error')} "
            "(run 'b2blint lint'); showing them as written"
        )
    return build_policy(result.documents)
