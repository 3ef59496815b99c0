"""Deterministic benchmark corpus (the same shapes as ../shared/reference/lint-speed.md).

    python bench/corpus.py OUT_DIR

writes
    OUT_DIR/single/partner.yaml        one partner with every section (+ the default)
    OUT_DIR/many/default.yaml          tenant + default
    OUT_DIR/many/partners/0001..0500.yaml   one partner per file
    OUT_DIR/one-big/policy.yaml        tenant + default + 1,000 partners

Partner mix: trust-only 35 %, collaboration scoped to groups 25 %, direct connect 15 %,
collaboration blocked 10 %, full 10 %, service provider 5 %. Header and inline comments,
about 10 % flow mappings and 30 % quoted tenant IDs. Every file is valid against the policy
schema, and the corpus is lint-clean, so the benchmark measures checking, not printing.
"""

from __future__ import annotations

import random
import sys
import uuid
from pathlib import Path

RMS_APP = "00000012-0000-0000-c000-000000000000"
TENANT_ID = "6babcaad-604b-40ac-a9d7-9fd97c0b779f"


def _guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _targets(items: list[tuple[str, str]], indent: str, flow: bool) -> list[str]:
    if flow:
        inner = ", ".join(f"{{target: {t}, targetType: {k}}}" for t, k in items)
        return [f"{indent}targets: [{inner}]"]
    lines = [f"{indent}targets:"]
    for target, kind in items:
        lines.append(f"{indent}  - target: {target}")
        lines.append(f"{indent}    targetType: {kind}")
    return lines


def _setting(
    name: str,
    users: tuple[str, list[tuple[str, str]]],
    apps: tuple[str, list[tuple[str, str]]],
    indent: str,
    flow: bool,
) -> list[str]:
    lines = [f"{indent}{name}:"]
    for part, (access, items) in (("usersAndGroups", users), ("applications", apps)):
        lines.append(f"{indent}  {part}:")
        lines.append(f"{indent}    accessType: {access}")
        lines.extend(_targets(items, indent + "    ", flow))
    return lines


ALL_USERS = [("AllUsers", "user")]
ALL_APPS = [("AllApplications", "application")]


def partner_lines(index: int, rng: random.Random, indent: str = "  ") -> list[str]:
    """One partner entry as YAML lines, of a kind drawn from the documented mix."""
    tenant = _guid(rng)
    quoted = rng.random() < 0.3
    flow = rng.random() < 0.1
    roll = rng.random()
    name = f"Partner {index:04d}"
    tid = f'"{tenant}"' if quoted else tenant
    lines = [
        f"{indent[:-2]}# {name}: onboarded through ticket SEC-{1000 + index}; "
        "owner: collaboration team.",
        f"{indent[:-2]}# Review yearly; the business sponsor signs off every change to this entry.",
        f"{indent[:-2]}- tenantId: {tid}  # partner {index}",
        f"{indent}name: {name}",
        f"{indent}cloud: global",
        f"{indent}domains: [partner{index:04d}.example.com, mail.partner{index:04d}.example.com]",
    ]
    body = indent + "  "
    settings: list[str] = []
    if roll < 0.35:
        settings = [
            f"{body}inboundTrust:",
            f"{body}  isMfaAccepted: true",
            f"{body}  isCompliantDeviceAccepted: false",
            f"{body}  isHybridAzureADJoinedDeviceAccepted: false",
        ]
    elif roll < 0.60:
        groups = [(_guid(rng), "group") for _ in range(rng.randint(1, 3))]
        settings = _setting(
            "b2bCollaborationInbound",
            ("allowed", groups),
            ("allowed", [("Office365", "application")]),
            body,
            flow,
        )
        settings.append(f"{body}inboundTrust: {{isMfaAccepted: true}}")
    elif roll < 0.75:
        settings = [f"{body}inboundTrust:", f"{body}  isMfaAccepted: true"]
        settings += _setting(
            "b2bDirectConnectInbound",
            ("allowed", ALL_USERS),
            ("allowed", [("Office365", "application")]),
            body,
            flow,
        )
        settings += _setting(
            "b2bDirectConnectOutbound",
            ("allowed", ALL_USERS),
            ("allowed", [("Office365", "application")]),
            body,
            flow,
        )
    elif roll < 0.85:
        settings = _setting(
            "b2bCollaborationInbound", ("blocked", ALL_USERS), ("blocked", ALL_APPS), body, flow
        )
    elif roll < 0.95:
        apps = [(_guid(rng), "application") for _ in range(2)] + [(RMS_APP, "application")]
        settings = [
            f"{body}inboundTrust: "
            "{isMfaAccepted: true, isHybridAzureADJoinedDeviceAccepted: true}",
            f"{body}automaticUserConsentSettings: {{inboundAllowed: true, outboundAllowed: true}}",
        ]
        settings += _setting(
            "b2bCollaborationInbound",
            ("allowed", ALL_USERS),
            ("allowed", [("Office365", "application")]),
            body,
            flow,
        )
        settings += _setting(
            "b2bCollaborationOutbound",
            ("allowed", [(_guid(rng), "group")]),
            ("allowed", apps),
            body,
            flow,
        )
    else:
        settings = [
            f"{body}isServiceProvider: true",
            f"{body}inboundTrust: {{isMfaAccepted: true}}",
        ]
    return [*lines, f"{indent}settings:", *settings]


HEADER = [
    "# Generated benchmark corpus: see bench/corpus.py",
    "b2blint: 1",
]

TENANT_AND_DEFAULT = [
    "tenant:",
    f"  id: {TENANT_ID}",
    "  name: Contoso",
    "  cloud: global",
    "default:",
    "  # Service default for B2B collaboration, written out for reviewers.",
    "  inboundTrust: {isMfaAccepted: false, isCompliantDeviceAccepted: false,"
    " isHybridAzureADJoinedDeviceAccepted: false}",
    *_setting(
        "b2bCollaborationInbound", ("allowed", ALL_USERS), ("allowed", ALL_APPS), "  ", False
    ),
    *_setting(
        "b2bCollaborationOutbound", ("allowed", ALL_USERS), ("allowed", ALL_APPS), "  ", False
    ),
]


def write(out: Path) -> None:
    rng = random.Random(20261126)
    single = out / "single"
    single.mkdir(parents=True, exist_ok=True)
    single_partner = partner_lines(1, random.Random(7))
    full_rng = random.Random(11)
    while "automaticUserConsentSettings" not in "\n".join(single_partner):
        single_partner = partner_lines(1, full_rng)
    (single / "partner.yaml").write_text(
        "\n".join([*HEADER, *TENANT_AND_DEFAULT, "partners:", *single_partner]) + "\n", "utf-8"
    )

    many = out / "many"
    (many / "partners").mkdir(parents=True, exist_ok=True)
    (many / "default.yaml").write_text("\n".join([*HEADER, *TENANT_AND_DEFAULT]) + "\n", "utf-8")
    for index in range(1, 501):
        lines = [*HEADER, "partners:", *partner_lines(index, rng)]
        (many / "partners" / f"{index:04d}.yaml").write_text("\n".join(lines) + "\n", "utf-8")

    big = out / "one-big"
    big.mkdir(parents=True, exist_ok=True)
    lines = [*HEADER, *TENANT_AND_DEFAULT, "partners:"]
    big_rng = random.Random(424242)
    for index in range(1, 1001):
        lines.extend(partner_lines(index, big_rng))
    (big / "policy.yaml").write_text("\n".join(lines) + "\n", "utf-8")


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python bench/corpus.py OUT_DIR", file=sys.stderr)
        return 2
    write(Path(argv[0]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
