"""The Conditional Access context is never a managed resource: plan reads it (one list read, to
say whether the repository's copy is stale) and apply never reads or writes it, a context change
never changes a plan's operations, and plan's access section shows what it does."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from b2blint.fakegraph.server import RunningFake
from b2blint.tenant.planaccess import access_section
from tests.conftest import POLICIES, run_cli
from tests.tenant.conftest import FABRIKAM, OFFICE365_OPEN, guests_policy

CONTEXT = Path("context") / "conditional-access.yaml"


def _tree(tmp_path: Path) -> Path:
    tree = tmp_path / "policies"
    shutil.copytree(POLICIES, tree, ignore=shutil.ignore_patterns("tests"))
    return tree


def test_plan_and_apply_never_touch_conditional_access(fake: RunningFake, tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    plan = run_cli(["plan", "--format", "json", str(tree)])
    assert plan.exit_code == 0, plan.stderr
    # plan: exactly one read of the list (the emulator holds none: one page), never a write.
    ca = [(e["method"], e["path"]) for e in fake.log() if "conditionalaccess" in e["path"].lower()]
    assert ca == [("GET", "/v1.0/identity/conditionalAccess/policies")]
    assert json.loads(plan.stdout)["context"]["conditionalAccess"]["stale"] is True
    fake.clear_log()
    applied = run_cli(["apply", "--yes", str(tree)])
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    paths = [entry["path"] for entry in fake.log()]  # apply: not even a read
    assert paths and not [p for p in paths if "conditionalaccess" in p.lower()]
    # A context change alone changes nothing to plan: the same operations (none, now).
    context = tree / CONTEXT
    context.write_text(context.read_text("utf-8").replace("state: enabled\n", "state: disabled\n"))
    again = run_cli(["plan", "--format", "json", str(tree)])
    assert again.exit_code == 0, again.stderr
    first, second = json.loads(plan.stdout), json.loads(again.stdout)
    assert second["summary"]["operations"] == 0
    assert second["hashes"]["yaml"] == first["hashes"]["yaml"]  # the context is not in it


def _context(control: str) -> list[dict[str, Any]]:
    return [guests_policy(control)]


def test_access_section_shows_a_context_change_that_blocks_direct_connect() -> None:
    # Fabrikam: direct connect allowed, MFA trusted, device claims not. The live tenant's
    # context (as a live read that holds it passes it) requires MFA of guests; the repository's
    # requires a compliant device: Fabrikam's direct connect goes from allowed to blocked.
    partner = {
        "tenantId": FABRIKAM,
        "name": "Fabrikam",
        "settings": {
            "inboundTrust": {"isMfaAccepted": True},
            "b2bDirectConnectInbound": OFFICE365_OPEN,
        },
    }
    policy = {
        "b2blint": 1,
        "tenant": {"id": "6babcaad-604b-40ac-a9d7-9fd97c0b779f"},
        "partners": [partner],
    }
    live = {"partners": [partner], "conditionalAccessPolicies": _context("mfa")}
    shown = access_section(
        policy, live, prune=False, fmt="text", context=_context("compliantDevice")
    )
    assert shown.splitlines()[1:] == [
        "  Other organizations (default) · inbound B2B collaboration · users: all; apps: all → "
        "users: all; apps: all; Conditional Access: blocked by 'Guests' (1 partner inherits it: "
        "Fabrikam)",
        "  Fabrikam · inbound B2B direct connect · users: all; apps: only Office365; MFA trust: "
        "yes → users: all; apps: only Office365; MFA trust: yes; Conditional Access: blocked by "
        "'Guests'",
    ]
    # Without a live context, the repository's is on both sides: no change to show.
    assert (
        access_section(
            policy,
            {"partners": [partner]},
            prune=False,
            fmt="text",
            context=_context("compliantDevice"),
        )
        == ""
    )
