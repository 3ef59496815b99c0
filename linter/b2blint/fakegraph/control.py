"""The test-control API under ``/_fake/`` (not part of Graph; never logged as Graph traffic).

GET    /_fake/health   {"status": "ok", "tenantId": ...}
GET    /_fake/log      {"requests": [...], "retryAfterViolations": [...]}
DELETE /_fake/log      forget the log and the violations
GET    /_fake/state    the state in its file form (b2blint.fakegraph.state)
PUT    /_fake/state    replace it (204; 400 if malformed)
POST   /_fake/reset    initial state, no log, no faults, no waits (204)
GET    /_fake/faults   {"faults": [... with "matched" and "fired" counts]}
POST   /_fake/faults   add scripted faults: a list, or {"faults": [...]} (201)
DELETE /_fake/faults   forget them (204)
GET    /_fake/config   the options (camelCase)
PATCH  /_fake/config   change some ({"pageSize": 2, "staleReads": 1, ...})
GET    /_fake/size     {"bytes": <cross-tenant policy size>, "limit": <size limit>}
"""

from __future__ import annotations

import json
from typing import Any

from .emulator import Emulator
from .faults import Fault
from .reply import Reply
from .state import StateError, load_state

PREFIX = "/_fake/"


def _error(status: int, message: str) -> Reply:
    return Reply(status, {"error": {"code": "fakegraphControl", "message": message}})


def _json(body: bytes) -> Any:
    if not body.strip():
        return None
    return json.loads(body.decode("utf-8"))


def handle(emulator: Emulator, method: str, path: str, body: bytes) -> Reply:
    """Answer one control request."""
    name = path[len(PREFIX) :].strip("/")
    try:
        payload = _json(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return _error(400, f"the body is not JSON: {error}")
    try:
        return _dispatch(emulator, method, name, payload)
    except (ValueError, StateError) as error:
        return _error(400, str(error))


def _dispatch(emulator: Emulator, method: str, name: str, payload: Any) -> Reply:
    key = (method, name)
    if key == ("GET", "health"):
        return Reply(200, {"status": "ok", "tenantId": emulator.options.tenant_id})
    if key == ("GET", "log"):
        records = {"requests": emulator.log(), "retryAfterViolations": emulator.violations()}
        return Reply(200, records)
    if key == ("DELETE", "log"):
        emulator.clear_log()
        return Reply(204)
    if key == ("GET", "state"):
        return Reply(200, emulator.state_json())
    if key == ("PUT", "state"):
        emulator.set_state(load_state(payload))
        return Reply(204)
    if key == ("POST", "reset"):
        emulator.reset()
        return Reply(204)
    if key == ("GET", "faults"):
        return Reply(200, {"faults": emulator.faults_json()})
    if key == ("POST", "faults"):
        items = payload.get("faults") if isinstance(payload, dict) else payload
        if not isinstance(items, list):
            raise ValueError('send a list of faults, or {"faults": [...]}')
        emulator.add_faults([Fault.from_json(item) for item in items])
        return Reply(201, {"faults": emulator.faults_json()})
    if key == ("DELETE", "faults"):
        emulator.clear_faults()
        return Reply(204)
    if key == ("GET", "config"):
        return Reply(200, emulator.options.to_json())
    if key == ("PATCH", "config"):
        if not isinstance(payload, dict):
            raise ValueError("send a JSON object of options")
        return Reply(200, emulator.configure(payload).to_json())
    if key == ("GET", "size"):
        return Reply(200, {"bytes": emulator.state_size(), "limit": emulator.options.size_limit})
    return _error(404, f"no control endpoint {method} {PREFIX}{name}")
