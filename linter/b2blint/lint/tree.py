"""Read a policy tree: the one reader every command that loads ``policies/`` goes through.

`lint_tree` lints a tree (``plan``/``apply``'s lint gate, ``effective``, ``size`` and the
access commands all start here); `read_tree` splits it for the access commands (simulate,
test, diff) into the policy and the policy tests. `DEFAULT_PATH` is the one default.

The policy is built from every document that parsed, including those the schema pass would
reject, so the commands answer about what the files say (as ``effective`` does); ``simulate``
and ``test`` lint first and warn when there are errors, because then Graph would refuse the
policy or read it differently. ``diff`` does not lint (two trees must compare in seconds).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from b2blint.diagnostics import Severity
from b2blint.files.discovery import discover
from b2blint.files.document import Document
from b2blint.lint.config import Config
from b2blint.policy.model import Policy, build_policy, is_test_document

if TYPE_CHECKING:
    from b2blint.lint.engine import LintResult

#: Where every command looks when given no path.
DEFAULT_PATH = "policies"
DEFAULT_PATHS = (DEFAULT_PATH,)


#: Reads the tree instead of the files under the paths: ``--tenant NAME`` installs the fleet
#: tenant reader (b2blint.fleet.lint.tenant_reader) for one command run. Handed in, because
#: lint/ may not import fleet/ (above it). It returns the LintResult `lint_tree` would.
TreeReader = Callable[[Sequence[str], Config], "LintResult"]
_reader: list[TreeReader] = []


def use_reader(reader: TreeReader | None) -> None:
    """Install (or, with None, remove) the reader every command's tree reading goes through."""
    _reader.clear()
    if reader is not None:
        _reader.append(reader)


def default_path() -> str:
    """The path a command reads when given none: ``policies/``, or with ``--tenant NAME`` (a
    reader installed) the current directory, the fleet root (docs/fleets.md)."""
    return "." if _reader else DEFAULT_PATH


def tree_paths(paths: Sequence[str]) -> list[str]:
    """``paths``, or the default tree when none is given."""
    return list(paths) or [default_path()]


def lint_tree(paths: Sequence[str], config: Config) -> LintResult:
    """Lint the tree at ``paths`` (default ``policies/``) with ``config``.

    Raises `B2BLintError` (exit 2) for a missing path or a directory without YAML.
    """
    if _reader:
        return _reader[0](paths, config)
    from b2blint.lint.engine import lint_paths

    return lint_paths(tree_paths(paths), config)


@dataclasses.dataclass(frozen=True)
class Tree:
    """A policy tree: the tenant policy, the policy-test files, and the policy's lint errors."""

    policy: Policy
    tests: tuple[Document, ...]
    lint_errors: int = 0
    first_error: str = ""  # "file:line:col RULE" of the first lint error
    unreadable: tuple[str, ...] = ()  # files that did not parse (their findings are lint's)

    def lint_warning(self, consequence: str) -> str:
        """``warning: the policy has 2 lint errors (first: ...; run 'b2blint lint'); ...``."""
        plural = "s" if self.lint_errors != 1 else ""
        return (
            f"warning: the policy has {self.lint_errors} lint error{plural} (first: "
            f"{self.first_error}; run 'b2blint lint'); {consequence}"
        )


def split(documents: Sequence[Document]) -> tuple[Policy, tuple[Document, ...]]:
    """The policy of the policy files, and the policy-test files."""
    tests = tuple(d for d in documents if is_test_document(d))
    return build_policy([d for d in documents if not is_test_document(d)]), tests


def _reuse(result: LintResult) -> tuple[Policy, tuple[Document, ...]]:
    """`split` of the lint's documents, reusing the policy the lint built when it is the same.

    The lint builds its policy from the documents the schema trusts; when that is every policy
    document, in the same order, it is the policy `split` would build (merging 1,000 partners and
    200 Conditional Access policies again was a tenth of ``simulate``). Otherwise the commands
    answer about everything that parsed, as before.
    """
    tests = tuple(d for d in result.documents if is_test_document(d))
    wanted = [d for d in result.documents if not is_test_document(d)]
    built = result.policy.documents
    if len(built) == len(wanted) and all(a is b for a, b in zip(built, wanted, strict=True)):
        return result.policy, tests
    return build_policy(wanted), tests


def read_tree(paths: Sequence[str], *, lint: bool) -> Tree:
    """Load ``paths`` (default ``policies/``); with ``lint``, count the policy's lint errors.

    Raises `B2BLintError` (exit 2) for a missing path or a directory without YAML.
    """
    if lint:
        # The project's config, as `b2blint lint` finds it: an error the team made a warning
        # (or turned off) is not counted, so the warning agrees with what `lint` shows.
        from b2blint.lint.config import load_config

        result = lint_tree(paths, load_config().with_command_line(ignore=["TST001"]))
        policy, tests = _reuse(result)
        test_files = {d.path for d in tests}
        errors = [
            d
            for d in result.diagnostics
            if d.severity is Severity.ERROR and d.file not in test_files
        ]
        first = (
            f"{errors[0].file}:{errors[0].line}:{errors[0].column} {errors[0].rule_id}"
            if errors
            else ""
        )
        parsed = {d.path for d in result.documents}
        unreadable = tuple(f for f in result.files if f not in parsed)
        return Tree(policy, tests, len(errors), first, unreadable)
    if _reader:
        read = _reader[0](paths, Config())
        documents, names = list(read.documents), list(read.files)
    else:
        from b2blint.lint.engine import load_documents

        documents, _, names = load_documents(discover(tree_paths(paths)), Config())
    policy, tests = split(documents)
    parsed = {d.path for d in documents}
    return Tree(policy, tests, 0, "", tuple(n for n in names if n not in parsed))
