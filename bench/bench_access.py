"""Speed of the access commands on a 1,000-partner tenant (targets: simulate well under 1 s,
diff of two 1,000-partner trees within 2 s, whole process, as a user runs them).

    python bench/bench_access.py [--runs N] [--corpus DIR] [--json FILE]

Generates the deterministic corpus (bench/corpus.py) unless --corpus is given, then measures,
as median wall seconds and peak RSS over N runs (after one warm-up run):

- ``simulate``: ``b2blint simulate one-big/policy.yaml`` (lint included, which it runs to warn
  about lint errors) for a sign-in and for an invitation;
- the evaluation alone: ``simulate()`` in-process over every partner x kind x direction of the
  loaded policy, per question;
- ``diff``: ``b2blint diff A B`` of the 1,000-partner file and a copy whose default, inbound
  trust and 100 partners changed;
- ``diff --base``: the same change against a git commit (``git ls-tree`` + ``cat-file``), for
  the one-file tree and for the 500-file tree.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_lint import find_tool, measure  # one runner and tool lookup for every benchmark

HERE = Path(__file__).resolve().parent


def median_run(
    name: str, command: list[str], runs: int, cwd: Path | None = None
) -> dict[str, float]:
    measure(command, cwd)  # warm-up: page cache and bytecode
    samples = [measure(command, cwd) for _ in range(runs)]
    codes = sorted({s[2] for s in samples})
    figures = {
        "median_s": statistics.median(s[0] for s in samples),
        "max_s": max(s[0] for s in samples),
        "peak_mib": max(s[1] for s in samples),
    }
    print(
        f"{name:28} median {figures['median_s']:.3f}s  max {figures['max_s']:.3f}s  "
        f"{figures['peak_mib']:.0f}MiB  (exit {codes})",
        flush=True,
    )
    return figures


def changed_copy(source: Path, target: Path) -> None:
    """``source`` with its default inbound B2B collaboration blocked, every MFA trust flipped,
    and the groups of 100 partners replaced: a large, realistic change."""
    text = source.read_text("utf-8")
    text = text.replace("accessType: allowed", "accessType: blocked", 1)  # the default's first
    text = text.replace("isMfaAccepted: true", "isMfaAccepted: false")
    count = 0

    def new_group(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return (
            "target: 00000000-0000-4000-8000-" + f"{count:012d}" if count <= 100 else match.group(0)
        )

    text = re.sub(r"target: [0-9a-f-]{36}(?=\s*\n\s*targetType: group)", new_group, text)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, "utf-8")


def evaluation_only(policy_file: Path) -> dict[str, float]:
    """Seconds per simulate() call, with the policy loaded once."""
    from b2blint.access.simulate import KINDS_IN_ORDER, Question, simulate
    from b2blint.lint.tree import read_tree

    policy = read_tree([str(policy_file)], lint=False).policy
    questions = [
        Question(p.tenant_id, kind, direction, app="Office365")
        for p in policy.partners
        for kind, direction in KINDS_IN_ORDER
    ]
    start = time.perf_counter()
    for question in questions:
        simulate(policy, question)
    elapsed = time.perf_counter() - start
    per = elapsed / len(questions)
    print(f"{'simulate() per question':28} {per * 1e6:.0f}µs over {len(questions)} questions")
    return {"per_question_s": per, "questions": len(questions)}


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=bench@example.com", "-c", "user.name=bench", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="b2blint-bench-access-"))
    corpus = args.corpus or work / "corpus"
    if args.corpus is None:
        subprocess.run([sys.executable, str(HERE / "corpus.py"), str(corpus)], check=True)
    b2blint = find_tool("b2blint")
    big = corpus / "one-big" / "policy.yaml"
    figures: dict[str, dict[str, float]] = {}

    sign_in = [
        "--partner",
        "Partner 0500",
        "--kind",
        "b2b-direct-connect",
        "--direction",
        "inbound",
    ]
    figures["simulate"] = median_run(
        "simulate (sign-in)",
        [b2blint, "simulate", str(big), *sign_in, "--app", "Office365"],
        args.runs,
    )
    figures["simulate_invite"] = median_run(
        "simulate (invite)",
        [b2blint, "simulate", str(big), "--invite", "someone@partner0500.example.com"],
        args.runs,
    )
    figures["evaluation"] = evaluation_only(big)

    changed = work / "changed" / "policy.yaml"
    changed_copy(big, changed)
    figures["diff"] = median_run(
        "diff (1,000 vs 1,000)", [b2blint, "diff", str(big.parent), str(changed.parent)], args.runs
    )

    if shutil.which("git"):
        for name, tree in (("one-big", corpus / "one-big"), ("many", corpus / "many")):
            repo = work / f"repo-{name}"
            shutil.copytree(tree, repo / "policies")
            git(repo, "init", "-q", "-b", "main")
            git(repo, "add", "-A")
            git(repo, "commit", "-q", "-m", "base")
            for path in (repo / "policies").rglob("*.yaml"):
                changed_copy(path, path)
            figures[f"diff_base_{name}"] = median_run(
                f"diff --base ({name})", [b2blint, "diff", "--base", "main"], args.runs, cwd=repo
            )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", "utf-8")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
