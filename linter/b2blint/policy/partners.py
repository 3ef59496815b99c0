"""Finding the partner a person means: by tenant ID or name, with close matches when none fits.

One lookup for every command that takes a partner (``effective``, ``simulate``, policy tests):
an exact tenant ID, else a name compared case-insensitively (ambiguous when two partners share
it), else a `PartnerNotFound` listing up to `MAX_SUGGESTIONS` close matches (tenant-ID prefixes,
name substrings, then `difflib` similarity). Each command words the error its own way from the
fields of the exception.
"""

from __future__ import annotations

from b2blint.errors import EXIT_USAGE, B2BLintError
from b2blint.policy.model import Partner, Policy

MAX_SUGGESTIONS = 5


def close_matches(policy: Policy, key: str) -> list[str]:
    """Labels (``Fabrikam (<tenant ID>)``) of the partners ``key`` may have meant."""
    import difflib  # only when a partner was not found (not on a clean lint)

    lowered = key.lower()
    by_key: dict[str, Partner] = {}
    for partner in policy.partners:
        by_key.setdefault(partner.tenant_id.lower(), partner)
        if partner.name:
            by_key.setdefault(partner.name.lower(), partner)
    found: list[Partner] = []
    for partner in policy.partners:
        name = (partner.name or "").lower()
        if partner.tenant_id.lower().startswith(lowered) or (lowered and lowered in name):
            found.append(partner)
    for match in difflib.get_close_matches(lowered, list(by_key), n=MAX_SUGGESTIONS, cutoff=0.6):
        found.append(by_key[match])
    labels: list[str] = []
    for partner in found:
        if partner.label not in labels:
            labels.append(partner.label)
    return labels[:MAX_SUGGESTIONS]


class PartnerNotFound(B2BLintError):
    """No partner, or several, answer to ``key``; the message is ``effective``'s wording."""

    def __init__(self, policy: Policy, key: str, ambiguous: tuple[Partner, ...]) -> None:
        self.key = key
        self.ambiguous = ambiguous
        self.close: tuple[str, ...] = () if ambiguous else tuple(close_matches(policy, key))
        if ambiguous:
            labels = ", ".join(p.label for p in ambiguous)
            message = f"partner name '{key}' is ambiguous ({labels}); use the tenant ID"
        elif self.close:
            message = f"unknown partner '{key}'; close matches: {'; '.join(self.close)}"
        else:
            count = len(policy.partners)
            message = (
                f"unknown partner '{key}': no partner has that tenant ID or name "
                f"({count} partner{'' if count == 1 else 's'} in the tree)"
            )
        super().__init__(message, EXIT_USAGE)


def find_partner(policy: Policy, key: str) -> Partner:
    """The partner with tenant ID or name ``key``; raises `PartnerNotFound` (exit 2)."""
    partner = policy.partner(key)
    if partner is not None:
        return partner
    lowered = key.lower()
    same_name = tuple(p for p in policy.partners if p.name and p.name.lower() == lowered)
    raise PartnerNotFound(policy, key, same_name if len(same_name) > 1 else ())
