"""Generate the README's screenshot of the HTML report (docs/img/report.png).

    python -m scripts.report_screenshot [--out docs/img/report.png] [--height 1300]

Lints the bundled policies/ with the CISA SCuBA profile into an HTML report (``b2blint lint
--format html``, run as a subprocess of this Python), opens it in headless Chromium
(scripts/headless.py: no network) at 1280 pixels wide and saves the top ``--height`` pixels
as PNG. Needs Chromium (Debian: ``apt-get install -y chromium``); the date shown is
``SOURCE_DATE_EPOCH`` when set, else now.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from scripts.headless import Chromium, find_chromium

ROOT = Path(__file__).resolve().parent.parent
PROFILES = ("cisa-scuba",)


def render_report(target: Path) -> None:
    """``b2blint lint policies --profile ... --format html -o target`` (exit 0 or 1 is fine)."""
    profiles = [arg for name in PROFILES for arg in ("--profile", name)]
    command = [sys.executable, "-m", "b2blint", "lint", "policies", *profiles]
    command += ["--format", "html", "-o", str(target)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1) or not target.exists():
        raise SystemExit(f"b2blint lint failed ({done.returncode}): {done.stderr}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "report.png")
    parser.add_argument("--height", type=int, default=1300, help="pixels of the page to keep")
    args = parser.parse_args(argv)
    binary = find_chromium()
    if binary is None:
        raise SystemExit("Chromium is not installed (Debian: apt-get install -y chromium)")
    with tempfile.TemporaryDirectory(prefix="b2blint-shot-") as tmp:
        page = Path(tmp) / "report.html"
        render_report(page)
        with Chromium(binary) as browser:
            run = browser.load(page, "document.title", height=args.height, full_page=False)
    if run.console:
        raise SystemExit(f"the page logged messages: {json.dumps(run.console)}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(run.screenshot)
    print(f"wrote {args.out} ({len(run.screenshot):,} bytes) of {run.facts!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
