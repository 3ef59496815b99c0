"""``b2blint simulate``: would this cross-tenant sign-in or invitation get through, and if not why?

Exit codes: 0 when it answered (whatever the verdict: read it from the output), 2 for bad
usage (unknown partner, an ID that is not a GUID, a missing option). Semantics and the
decisions where Microsoft's docs are silent: docs/simulate.md.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from b2blint.commands._options import common_options, format_option, note, tenant_option

if TYPE_CHECKING:
    from b2blint.policy.model import Policy

KINDS = ("b2b-collaboration", "b2b-direct-connect", "tenant-restrictions")


@click.command("simulate")
@tenant_option
@common_options
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--partner",
    help="Partner name or tenant ID; 'default' for an organization without a partner entry.",
)
@click.option("--kind", type=click.Choice(KINDS), help="What is accessed.")
@click.option(
    "--direction",
    type=click.Choice(["inbound", "outbound"]),
    help="inbound: the partner's users come here; outbound: our users go there.",
)
@click.option(
    "--user", help="Object ID of the user (a user given without --group is in no listed group)."
)
@click.option(
    "--group", "groups", multiple=True, help="Object ID of a group the user is in (repeatable)."
)
@click.option(
    "--app", help="Application ID, Office365 or AllApplications (default: any application)."
)
@click.option("--invite", help="Simulate an invitation to this email address instead of a sign-in.")
@click.option(
    "--mfa-required/--no-mfa-required",
    default=None,
    help="Whether Conditional Access requires MFA (then inbound direct connect needs MFA "
    "trust); unknown by default, so that case is 'depends'.",
)
@click.option(
    "--user-type",
    type=click.Choice(
        [
            "b2bCollaborationGuest",
            "b2bCollaborationMember",
            "serviceProvider",
            "b2bDirectConnectUser",
        ]
    ),
    help="The kind of external user, as Conditional Access names it (default: "
    "b2bCollaborationGuest for B2B collaboration, b2bDirectConnectUser for direct connect); "
    "used with Conditional Access context (docs/conditional-access.md).",
)
@format_option("text", "json")
def simulate_command(
    *,
    paths: tuple[str, ...],
    partner: str | None,
    kind: str | None,
    direction: str | None,
    user: str | None,
    groups: tuple[str, ...],
    app: str | None,
    invite: str | None,
    mfa_required: bool | None,
    user_type: str | None,
    output_format: str,
) -> int:
    """Predict whether a cross-tenant access attempt is allowed (default PATH: policies/).

    \b
    b2blint simulate --partner Fabrikam --kind b2b-direct-connect --direction inbound \\
        --group 5e3a1b2c-... --app Office365
    b2blint simulate --invite someone@fabrikam.com
    """
    from b2blint.access.invite import InviteQuestion, simulate_invite
    from b2blint.access.simulate import (
        AccessKind,
        Direction,
        Question,
        parse_app,
        parse_guid,
        simulate,
    )
    from b2blint.commands._options import keep_until_exit
    from b2blint.errors import B2BLintError
    from b2blint.lint.tree import read_tree
    from b2blint.policy.targets import Subject

    subject = Subject(
        parse_guid(user, "--user") if user else None,
        frozenset(parse_guid(group, "--group") for group in groups),
    )
    if invite is not None:
        for name, value in (
            ("--kind", kind),
            ("--direction", direction),
            ("--app", app),
            ("--user-type", user_type),
        ):
            if value is not None:
                raise B2BLintError(f"{name} does not apply to --invite")
        asked: Question | InviteQuestion = InviteQuestion(invite, partner, subject)
    else:
        if partner is None or kind is None:
            raise B2BLintError("give --partner and --kind (or --invite EMAIL)")
        chosen = AccessKind(kind)
        if chosen is AccessKind.TENANT_RESTRICTIONS and direction is not None:
            raise B2BLintError("--direction does not apply to tenant-restrictions")
        if chosen is not AccessKind.TENANT_RESTRICTIONS and direction is None:
            raise B2BLintError(f"--direction is required for {kind} (inbound or outbound)")
        asked = Question(
            partner,
            chosen,
            Direction(direction) if direction else None,
            subject,
            parse_app(app) if app else None,
            mfa_required,
            user_type,
        )
    tree = read_tree(paths, lint=True)
    keep_until_exit(tree)  # the process ends after the answer: no freeing the tree object by object
    if tree.lint_errors:
        note(tree.lint_warning("the verdict may differ from what Graph would do"))
    if isinstance(asked, InviteQuestion):
        verdict = simulate_invite(tree.policy, asked)
    else:
        verdict = simulate(tree.policy, asked, _other_side(paths, tree.policy, asked.partner))
    if output_format == "json":
        click.echo(json.dumps(verdict.to_json(), indent=2, ensure_ascii=False))
    else:
        from b2blint.access.report import verdict_text

        click.echo(verdict_text(verdict), nl=False)
    return 0


def _other_side(paths: tuple[str, ...], policy: Policy, partner: str) -> Policy | None:
    """With ``--tenant``: the partner's own policy when it is a tenant of the same fleet."""
    from b2blint.commands._options import fleet_tenant

    name = fleet_tenant()
    if name is None:
        return None
    from b2blint.fleet.fleetfile import load_fleet
    from b2blint.fleet.lint import fleet_root
    from b2blint.fleet.pairs import partner_policy

    return partner_policy(load_fleet(fleet_root(paths)), name, policy, partner)
