"""``b2blint test``: run the policy tests (docs/policy-tests.md) against the policy of PATH.

Exit codes: 0 every test passed, 1 a test failed or cannot run, 2 bad usage, no policy-test
file, or a policy-test file that is malformed (each problem printed with its position).
"""

from __future__ import annotations

import json

import click

from b2blint.commands._options import common_options, format_option, note, tenant_option


@click.command("test")
@tenant_option
@common_options
@click.argument("paths", nargs=-1, type=click.Path())
@format_option("text", "json")
def test_command(*, paths: tuple[str, ...], output_format: str) -> int:
    """Run the policy tests found under PATH (default: policies/) against its policy.

    Policy-test files are the YAML files whose top-level key is 'b2blint-tests'; every other
    YAML file under PATH is part of the policy they test.
    """
    from b2blint.access.policytest import run_document, validate
    from b2blint.errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, B2BLintError
    from b2blint.lint.tree import default_path, read_tree

    tree = read_tree(paths, lint=True)
    if not tree.tests:
        where = ", ".join(paths) or default_path()
        raise B2BLintError(f"{where}: no policy-test files (YAML files with 'b2blint-tests: 1')")
    problems = []
    for document in tree.tests:
        for finding in validate(document.data):
            position = document.position(finding.path, key=finding.at_key)
            problems.append((document.path, position, finding.message))
    for file, position, message in sorted(problems):
        click.echo(f"{file}:{position.line}:{position.column}: {message}", err=True)
    if problems:
        plural = "s" if len(problems) != 1 else ""
        raise B2BLintError(
            f"{len(problems)} problem{plural} in the policy-test files; no test was run", EXIT_USAGE
        )
    if tree.lint_errors:
        note(tree.lint_warning("verdicts may differ from what Graph would do"))
    results = [result for document in tree.tests for result in run_document(tree.policy, document)]
    if output_format == "json":
        click.echo(json.dumps([_result_json(r) for r in results], indent=2, ensure_ascii=False))
    else:
        from b2blint.access.report import results_text

        click.echo(results_text(results), nl=False)
    return EXIT_OK if all(r.passed for r in results) else EXIT_FINDINGS


def _result_json(result: object) -> dict[str, object]:
    from b2blint.access.policytest import TestResult

    assert isinstance(result, TestResult)
    location = result.case.expect_ref.location()
    return {
        "name": result.case.name,
        "file": location.file,
        "line": location.position.line,
        "passed": result.passed,
        "expect": result.case.expect,
        "expectError": result.case.expect_error,
        "result": result.verdict.to_json() if result.verdict is not None else None,
        "problem": result.problem,
    }
