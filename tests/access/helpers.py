"""Build policies from YAML text and ask the simulator, for the access tests."""

from __future__ import annotations

import textwrap

from b2blint.access.invite import InviteQuestion, simulate_invite
from b2blint.access.simulate import AccessKind, Direction, Question, Verdict, simulate
from b2blint.files.document import parse_text
from b2blint.policy.model import Policy, build_policy
from b2blint.policy.targets import ANYONE, Subject

TENANT = "6babcaad-604b-40ac-a9d7-9fd97c0b779f"
PARTNER = "3d0f5dd2-6c2d-4f0e-9a43-8d7b6f1c2a11"
G1 = "fe222329-6889-495b-b149-4e18eb56a3c1"
U1 = "66ac309b-33c5-46a6-984a-66c7780e6d77"
U2 = "56080c86-714e-4399-928c-4d501930be1f"
A1 = "efebdfa0-8339-455f-ba47-c1caf7f66d17"
A2 = "a22169c8-9542-43ab-94d4-3e489b37f6ce"

MEMBER = Subject(U1, frozenset({G1}))
NON_MEMBER = Subject(U2)


def policy(*texts: str) -> Policy:
    """One policy from YAML documents (named p0.yaml, p1.yaml, ... for positions)."""
    documents = [parse_text(textwrap.dedent(text), f"p{i}.yaml") for i, text in enumerate(texts)]
    return build_policy(documents)


def target_config(access: str, targets: list[tuple[str, str]]) -> str:
    items = ", ".join(f"{{target: {t}, targetType: {k}}}" for t, k in targets)
    return f"{{accessType: {access}, targets: [{items}]}}"


def partner_with(
    setting: str,
    users: str,
    apps: str,
    *more: str,
    cloud: str = "global",
    mfa_trust: bool | None = None,
) -> Policy:
    """A tenant with one partner (Fabrikam) whose ``setting`` has the given halves.

    ``more``: further YAML documents of the tree (e.g. a ``default:`` section).
    """
    trust = (
        f"inboundTrust: {{isMfaAccepted: {str(mfa_trust).lower()}}}"
        if mfa_trust is not None
        else ""
    )
    return policy(
        f"""\
        b2blint: 1
        tenant: {{id: {TENANT}, name: Contoso}}
        partners:
          - tenantId: {PARTNER}
            name: Fabrikam
            cloud: {cloud}
            settings:
              {trust}
              {setting}:
                usersAndGroups: {users}
                applications: {apps}
        """,
        *more,
    )


def ask(
    p: Policy,
    kind: AccessKind,
    direction: Direction | None,
    subject: Subject = ANYONE,
    app: str | None = None,
    *,
    partner: str = "Fabrikam",
    mfa_required: bool = True,
) -> Verdict:
    return simulate(p, Question(partner, kind, direction, subject, app, mfa_required))


def invite(p: Policy, email: str, subject: Subject = ANYONE, partner: str | None = None) -> Verdict:
    return simulate_invite(p, InviteQuestion(email, partner, subject))
