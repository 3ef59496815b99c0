"""`tenant.deploy`: the apply use case driven without click, against the emulator over HTTP.

The hooks stand in for the terminal; a hook that edits the emulator between two operations
plays the other writer (a person in the portal, another apply).
"""

from __future__ import annotations

import ast
import contextlib
import threading
from pathlib import Path

import httpx

from b2blint.errors import B2BLintError
from b2blint.fakegraph.server import RunningFake
from b2blint.tenant.apply import OpResult
from b2blint.tenant.deploy import (
    ApplyRecord,
    ApplyRequest,
    Hooks,
    OperationProgress,
    deploy,
    summary_text,
)
from tests.conftest import ROOT
from tests.tenant.conftest import (
    ADATUM,
    FABRIKAM,
    NORTHWIND,
    PARTNERS,
    TENANT,
    live_partner,
    partner,
    write_tree,
)

MFA_ON = {"isMfaAccepted": True}
MFA_OFF = {"isMfaAccepted": False}


def _seed(fake: RunningFake) -> None:
    fake.set_state(
        {
            "tenantId": TENANT,
            "partners": [
                live_partner(FABRIKAM, inboundTrust=MFA_ON),
                live_partner(ADATUM, inboundTrust=MFA_ON),
                live_partner(NORTHWIND, inboundTrust=MFA_OFF),
            ],
        }
    )


def _tree(root: Path) -> Path:
    """Fabrikam and Adatum change (MFA trust off); Northwind already matches."""
    return write_tree(
        root,
        [
            partner(FABRIKAM, "Fabrikam", {"inboundTrust": MFA_OFF}),
            partner(ADATUM, "Adatum", {"inboundTrust": MFA_OFF}),
            partner(NORTHWIND, "Northwind", {"inboundTrust": MFA_OFF}),
        ],
    )


def _edit(fake: RunningFake, tenant_id: str) -> None:
    """Another writer also trusts compliant devices of ``tenant_id`` (a real PATCH)."""
    response = httpx.patch(
        f"{fake.url}{PARTNERS}/{tenant_id}",
        json={"inboundTrust": {**MFA_OFF, "isCompliantDeviceAccepted": True}},
        headers={"Authorization": f"Bearer {fake.token()}"},
    )
    assert response.status_code == 204


def _run(
    fake: RunningFake, tree: Path, after_first: object, stop: threading.Event | None = None
) -> tuple[ApplyRecord, int | B2BLintError]:
    """Deploy ``tree`` one object at a time; ``after_first()`` runs after the first operation."""
    done: list[OpResult] = []

    def on_operation(result: OpResult) -> None:
        done.append(result)
        if len(done) == 1:
            after_first()  # type: ignore[operator]

    def applying(_total: int) -> OperationProgress:
        return OperationProgress(lambda _line: None, on_operation)

    hooks = Hooks(
        confirm=lambda: None,
        applying=lambda total: contextlib.nullcontext(applying(total)),
    )
    request = ApplyRequest(
        path=str(tree),
        concurrency=1,
        unattended=True,
        graph_url=fake.url,
        stop=stop,
        signal_name=lambda: "SIGINT",
    )
    record = ApplyRecord()
    try:
        return record, deploy(record, request, hooks)
    except B2BLintError as error:
        return record, error


def test_verified_only_when_every_managed_object_matches(fake: RunningFake, tmp_path: Path) -> None:
    """Northwind (in the YAML, not in the plan) is changed during the apply: not "Verified"."""
    _seed(fake)
    record, code = _run(fake, _tree(tmp_path / "p"), lambda: _edit(fake, NORTHWIND))
    assert code == 0
    assert [r.status for r in record.results] == ["applied", "applied"]
    assert record.verified is False
    assert [(v.object, v.status) for v in record.verification] == [
        (f"partner:{FABRIKAM}", "confirmed"),
        (f"partner:{ADATUM}", "confirmed"),
        (f"partner:{NORTHWIND}", "differs"),
    ]
    text = summary_text(record.results, record.verification, record.verified)
    assert "Verified" not in text
    assert text.splitlines()[-2:] == [
        f"  differs: partner Northwind ({NORTHWIND}): the read-back differs from the YAML "
        "(inboundTrust); run b2blint plan",
        "Not verified: the live tenant does not match the YAML (above).",
    ]


def test_an_object_changed_after_the_plan_is_stale_and_nothing_more_is_written(
    fake: RunningFake, tmp_path: Path
) -> None:
    _seed(fake)
    record, code = _run(fake, _tree(tmp_path / "p"), lambda: _edit(fake, ADATUM))
    assert code == 3
    assert [r.status for r in record.results] == ["applied", "stale"]
    assert record.results[1].note == (
        f"partner:{ADATUM} changed live since the plan was made (another apply or a person "
        "wrote it)"
    )
    assert record.message == (
        f"stopped: partner Adatum ({ADATUM}): partner:{ADATUM} changed live since the plan was "
        "made (another apply or a person wrote it); is another apply running on this tenant? "
        "Serialise applies (CI concurrency group) and run b2blint plan again"
    )
    assert [(e["method"], e["path"]) for e in fake.writes()] == [
        ("PATCH", f"{PARTNERS}/{FABRIKAM}"),
        ("PATCH", f"{PARTNERS}/{ADATUM}"),  # the other writer's, not ours
    ]


def test_stop_after_the_first_write_reports_real_outcomes_and_exit_3(
    fake: RunningFake, tmp_path: Path
) -> None:
    _seed(fake)
    stop = threading.Event()
    record, error = _run(fake, _tree(tmp_path / "p"), stop.set, stop)
    assert isinstance(error, B2BLintError)
    assert (error.exit_code, error.message) == (
        3,
        "interrupted by SIGINT: 1 of 2 operations applied, 1 not attempted; run b2blint plan "
        "to see what is left",
    )
    assert record.result == "interrupted"
    assert [r.status for r in record.results] == ["applied", "not-attempted"]
    assert [(v.status, v.unread) for v in record.verification] == [("unconfirmed", "interrupted")]
    assert len(fake.writes()) == 1


def test_tenant_modules_never_import_click() -> None:
    """The use case is driven through callbacks; only commands/ talk to the terminal.

    (httpx itself imports click when it is installed, so this reads our imports, not
    sys.modules.)
    """
    found = []
    for path in sorted((ROOT / "linter" / "b2blint" / "tenant").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            found += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "click"]
    assert found == []
