"""Lint speed against check-jsonschema on the same files and the same schemas.

    python bench/bench_lint.py [--runs N] [--corpus DIR] [--rules-overhead]

Generates the deterministic corpus (bench/corpus.py) unless --corpus is given, writes the
bundled policy schema to a temporary file (check-jsonschema cannot follow the schemas'
relative refs offline), then runs ``b2blint lint`` and ``check-jsonschema --schemafile``
alternately on each case and prints per-case medians: wall seconds, peak RSS (MiB) and the
median of the per-pair ratios b2blint / check-jsonschema. Both tools run as installed in the
current environment (as a pre-commit hook would run them). With --rules-overhead it also
compares all rules against the schema pass alone on the 1,000-partner file.

The ``tree`` case is what a pre-commit run costs on this repository's own ``policies/`` (a
tenant, four partners and two policy-test files): ``b2blint lint policies/`` side by side, in
one round-robin, with ``yamllint`` on the same tree (style only, no schema; line length 120
and no ``---`` required, so it reports nothing either) and ``check-jsonschema`` validating one
of its files against the policy schema. Targets: ratios <= 0.70 and <= 0.30 (issue 12).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


def find_tool(name: str) -> str:
    candidate = BIN / name
    found = str(candidate) if candidate.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"{name} is not installed in this environment")
    return found


def measure(command: list[str], cwd: Path | None = None) -> tuple[float, float, int, float]:
    """Wall seconds, peak RSS in MiB, exit code and CPU seconds of one run of ``command``."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), cpu


def compare(name: str, ours: list[str], theirs: list[str], runs: int) -> dict[str, float]:
    measure(ours)
    measure(theirs)  # warm-up: page cache and bytecode
    pairs: list[tuple[tuple[float, float, int, float], tuple[float, float, int, float]]] = []
    for _ in range(runs):
        pairs.append((measure(ours), measure(theirs)))
    codes = {pair[0][2] for pair in pairs}, {pair[1][2] for pair in pairs}
    result = {
        "b2blint_s": statistics.median(p[0][0] for p in pairs),
        "b2blint_mib": max(p[0][1] for p in pairs),
        "other_s": statistics.median(p[1][0] for p in pairs),
        "other_mib": max(p[1][1] for p in pairs),
        "ratio": statistics.median(p[0][0] / p[1][0] for p in pairs),
    }
    print(
        f"{name:8} b2blint {result['b2blint_s']:.3f}s {result['b2blint_mib']:.0f}MiB "
        f"(exit {sorted(codes[0])})  other {result['other_s']:.3f}s "
        f"{result['other_mib']:.0f}MiB (exit {sorted(codes[1])})  ratio {result['ratio']:.3f}",
        flush=True,
    )
    return result


#: yamllint's default rules, relaxed to what policies/ is written to (so nothing is printed).
YAMLLINT_CONFIG = "{extends: default, rules: {line-length: {max: 120}, document-start: disable}}"
TREE_TARGETS = {"yamllint": 0.70, "check-jsonschema": 0.30}


def compare_tree(
    tree: Path, schema_file: Path, runs: int, baseline: str | None = None
) -> dict[str, float]:
    """``b2blint lint TREE`` against yamllint (same tree) and check-jsonschema (one file of it),
    all three measured round-robin so machine drift hits each alike. ``baseline``: another
    b2blint executable (an older installation) measured in the same rounds."""
    commands = {
        "b2blint": [find_tool("b2blint"), "lint", str(tree)],
        **({"b2blint-baseline": [baseline, "lint", str(tree)]} if baseline else {}),
        "yamllint": [find_tool("yamllint"), "-d", YAMLLINT_CONFIG, str(tree)],
        "check-jsonschema": [
            find_tool("check-jsonschema"),
            "--schemafile",
            str(schema_file),
            str(tree / "partners" / "fabrikam.yaml"),
        ],
    }
    for command in commands.values():
        measure(command)  # warm-up: page cache and bytecode
    rounds = [{name: measure(command) for name, command in commands.items()} for _ in range(runs)]
    result: dict[str, float] = {}
    for name in commands:
        codes = sorted({r[name][2] for r in rounds})
        result[f"{name}_s"] = statistics.median(r[name][0] for r in rounds)
        result[f"{name}_mib"] = max(r[name][1] for r in rounds)
        result[f"{name}_cpu_s"] = statistics.median(r[name][3] for r in rounds)
        line = (
            f"tree     {name:16} {result[f'{name}_s']:.3f}s (CPU {result[f'{name}_cpu_s']:.3f}s) "
            f"{result[f'{name}_mib']:.0f}MiB"
        )
        if name != "b2blint":
            ratio = statistics.median(r["b2blint"][0] / r[name][0] for r in rounds)
            cpu_ratio = statistics.median(r["b2blint"][3] / r[name][3] for r in rounds)
            result[f"ratio_{name}"] = ratio
            result[f"cpu_ratio_{name}"] = cpu_ratio
            verdict = "ok" if ratio <= TREE_TARGETS.get(name, 1.0) else "OVER TARGET"
            line += (
                f"  b2blint/{name} {ratio:.3f}, CPU {cpu_ratio:.3f} "
                f"(target <= {TREE_TARGETS.get(name, 1.0)}: {verdict})"
            )
        print(f"{line} (exit {codes})", flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--rules-overhead", action="store_true")
    parser.add_argument(
        "--tree",
        type=Path,
        default=HERE.parent / "policies",
        help="policy tree of the side-by-side case with yamllint (default: policies/)",
    )
    parser.add_argument(
        "--only-tree", action="store_true", help="run only the policies/ case (no corpus)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--baseline", help="another b2blint executable to measure in the tree case's rounds"
    )
    args = parser.parse_args(argv)

    from b2blint.schema.bundle import full_bundle

    work = Path(tempfile.mkdtemp(prefix="b2blint-bench-"))
    schema_file = work / "b2blint-policy.bundle.json"
    schema_file.write_text(json.dumps(full_bundle()), "utf-8")

    tree = compare_tree(args.tree, schema_file, args.runs, args.baseline)
    figures: dict[str, dict[str, float]] = {"tree": tree}
    if args.only_tree:
        return _finish(args.json, figures, work)
    b2blint = find_tool("b2blint")
    check = find_tool("check-jsonschema")
    corpus = args.corpus or work / "corpus"
    if args.corpus is None:
        subprocess.run([sys.executable, str(HERE / "corpus.py"), str(corpus)], check=True)
    many_files = sorted(str(p) for p in (corpus / "many").rglob("*.yaml"))
    cases = {
        "single": ([str(corpus / "single" / "partner.yaml")]),
        "many": many_files,
        "big": [str(corpus / "one-big" / "policy.yaml")],
    }
    for name, files in cases.items():
        ours = [b2blint, "lint", *(files if name != "many" else [str(corpus / "many")])]
        theirs = [check, "--schemafile", str(schema_file), *files]
        figures[name] = compare(name, ours, theirs, args.runs)
    if args.rules_overhead:
        big = str(corpus / "one-big" / "policy.yaml")
        figures["rules"] = compare(
            "rules",
            [b2blint, "lint", big],
            [b2blint, "lint", "--select", "SCH001,SCH002,SCH003,SCH004,SCH005", big],
            args.runs,
        )
        print(f"all rules cost {100 * (figures['rules']['ratio'] - 1):+.1f}% over schema only")
    return _finish(args.json, figures, work)


def _finish(json_file: Path | None, figures: dict[str, dict[str, float]], work: Path) -> int:
    if json_file:
        json_file.write_text(json.dumps(figures, indent=2) + "\n", "utf-8")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
