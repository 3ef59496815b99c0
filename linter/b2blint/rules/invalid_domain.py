"""## What it does
Checks every domain in `invitationDomains` (`allowedDomains`, `blockedDomains`) and in the
`domains` metadata of the tenant and of each partner:

- **malformed**: not a DNS host name. Labels of 1 to 63 characters made of letters, digits and
  hyphens, not starting or ending with a hyphen; at least two labels; at most 253 characters;
  a top-level label that is not all digits (that is an IP address). Internationalized names
  (`bücher.example`) are checked in their IDNA (`xn--`) form. A URL, an e-mail address, spaces
  or a trailing dot are reported with what to write instead;
- **wildcards** (a **warning**): any `*`. Wildcards are undocumented: Microsoft's allow/block
  list guide only ever shows plain domain names ("enter the name of one of the domains that
  you want to block", e.g. Gmail.com, Contoso.com) and says nothing about wildcards or
  subdomain matching either way, so what Graph does with `*.contoso.com` (match subdomains,
  treat it literally, or refuse it) is unknown. In the `domains` metadata, a tenant's domains
  are its domain names, listed one by one;
- **duplicates**: the same domain twice in one list (compared case-insensitively), and the
  same domain given to two tenants (the tenant and a partner, or two partners).

## Why is this bad?
The domain lists are matched against invitees' e-mail domains. A malformed entry matches
nothing: on a block list it silently blocks nothing, on an allow list it lets no one in, and
EXT003 cannot check partners against it. A wildcard entry may do the same, or may not: its
behaviour is undocumented, so the list does not say for sure what it blocks or allows.
Duplicates waste characters of the 25,000-character domain policy (EXT004) and make removals
miss a copy. A domain is verified in one Microsoft Entra organization at a time, so a domain
listed for two tenants is wrong for at least one of them, and rules that look partners up by
domain would pick either.

## How to fix
Write bare domain names (`fabrikam.com`, no `@`, `https://`, `*` or trailing dot), one entry
per domain and per subdomain you mean, and each domain under the one tenant that owns it.

## References
- Allow or block B2B collaboration with organizations (domain names, 25,000 characters):
  https://learn.microsoft.com/entra/external-id/allow-deny-list
- RFC 1035 §2.3.1 (labels, 63 octets) and §2.3.4 (255 octets, 253 characters as text);
  RFC 1123 §2.1 (labels may start with a digit; a top-level label is not all-numeric);
  RFC 3696 §2 (no all-numeric TLD); RFC 5890 (IDNA): https://www.rfc-editor.org/rfc/rfc1035
- Microsoft Azure self-help content, "Domain is verified in another Azure Active Directory
  tenant" ("A domain name can be verified in a single directory at a time"):
  https://github.com/TheresaLui/SelfHelpContent_v2/blob/master/articles/microsoft.activedirectory/active-directory-tenant-unverified-domain-dispute.md
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from b2blint.diagnostics import Severity
from b2blint.policy.model import Policy, Ref
from b2blint.rules._rule import Context, Finding, Related, Rule, Visit

MAX_LABEL = 63
MAX_NAME = 253
_LDH = re.compile(r"[A-Za-z0-9-]+")


def _ascii_label(label: str) -> str | None:
    """The label in ASCII (IDNA) form, or None if it cannot be encoded."""
    if label.isascii():
        return label
    try:
        return label.encode("idna").decode("ascii")
    except UnicodeError:
        return None


# The common case in one regex: ASCII LDH labels of 1-63 characters, no edge hyphens, at
# least two labels, a non-numeric last label, 253 characters at most. Anything it rejects is
# examined label by label below, to say exactly what is wrong.
_VALID_ASCII = re.compile(
    r"(?=.{1,253}$)(?:(?!-)[A-Za-z0-9-]{1,63}(?<!-)\.)+(?!-)(?=[A-Za-z0-9-]*[A-Za-z-])"
    r"[A-Za-z0-9-]{1,63}(?<!-)"
)


def domain_problem(name: str) -> str | None:
    """Why ``name`` is not a valid domain name, or None if it is one."""
    if _VALID_ASCII.fullmatch(name):
        return None
    if not name or any(char.isspace() for char in name):
        return "contains spaces" if name else "is empty"
    if "@" in name:
        return "is an e-mail address; write only the part after '@'"
    if "/" in name or ":" in name:
        return "is a URL or path; write only the host name"
    if name.endswith("."):
        return "ends with a dot; write the name without it"
    labels = name.split(".")
    if len(labels) < 2:
        return "has a single label; a domain has at least two (e.g. contoso.com)"
    total = 0
    for label in labels:
        if not label:
            return "has an empty label (a leading dot or two dots in a row)"
        ascii_label = _ascii_label(label)
        if ascii_label is None:
            return f"has a label '{label}' that is not a valid internationalized name"
        if len(ascii_label) > MAX_LABEL:
            return f"has a label longer than {MAX_LABEL} characters"
        if not _LDH.fullmatch(ascii_label):
            return f"has a label '{label}' with characters other than letters, digits and hyphens"
        if ascii_label.startswith("-") or ascii_label.endswith("-"):
            return f"has a label '{label}' that starts or ends with a hyphen"
        total += len(ascii_label) + 1
    if total - 1 > MAX_NAME:
        return f"is longer than {MAX_NAME} characters"
    if labels[-1].isdigit():
        return "ends in an all-numeric label (an IP address is not a domain name)"
    return None


def _lists(policy: Policy) -> Iterator[tuple[str, Ref, Any, bool]]:
    """``(what, ref, list, is tenant metadata)`` for every domain list in the policy."""
    section = policy.section("invitationDomains")
    if section is not None and isinstance(section.value, Mapping):
        for key, what in (("allowedDomains", "allow list"), ("blockedDomains", "block list")):
            yield f"the invitation {what}", section.ref.child(key), section.value.get(key), False
    tenant = policy.section("tenant")
    if tenant is not None and isinstance(tenant.value, Mapping):
        yield "the tenant's domains", tenant.ref.child("domains"), tenant.value.get("domains"), True
    for partner in policy.partners:
        domains = partner.entry.get("domains")
        if isinstance(domains, list):  # most partners list none: no label, no ref for them
            yield f"partner {partner.label}'s domains", partner.ref.child("domains"), domains, True


def _wildcard_message(what: str, domain: str, metadata: bool) -> str:
    if metadata:
        return (
            f"{what}: '{domain}' has a wildcard; wildcards are undocumented for a tenant's "
            "domain names (b2blint matches domains literally), list each one."
        )
    return (
        f"{what}: '{domain}' has a wildcard, which is undocumented for the invitation domain "
        "lists (Microsoft's guide shows plain domain names and says nothing about wildcards), "
        "so whether it matches subdomains is unknown; list each domain and subdomain."
    )


def check(policy: Policy, ctx: Context) -> Iterator[Finding]:
    owners: dict[str, tuple[str, Ref]] = {}  # domain -> (which tenant, where) across tenants
    for what, ref, values, metadata in _lists(policy):
        if not isinstance(values, list):
            continue
        seen: dict[str, int] = {}
        for index, domain in enumerate(values):
            if not isinstance(domain, str):
                continue
            at = ref.child(index)
            key = domain.lower()
            if "*" in domain:
                yield Finding(
                    at, _wildcard_message(what, domain, metadata), severity=Severity.WARNING
                )
            else:
                problem = domain_problem(domain)
                if problem is not None:
                    yield Finding(at, f"{what}: '{domain}' {problem}.")
            if key in seen:
                yield Finding(
                    at,
                    f"{what}: '{domain}' is listed twice; remove this copy.",
                    related=(Related(ref.child(seen[key]), "first listed here"),),
                )
                continue
            seen[key] = index
            if not metadata:
                continue
            owner = owners.get(key)
            if owner is None:
                owners[key] = (what, at)
            else:
                yield Finding(
                    at,
                    f"{what}: '{domain}' is also in {owner[0]}; a domain is verified in one "
                    "tenant only, so keep it under the tenant that owns it.",
                    related=(Related(owner[1], "also listed here"),),
                )


RULE = Rule(
    id="EXT005",
    name="invalid-domain",
    severity=Severity.ERROR,
    summary="A domain is malformed, listed twice, or uses an (undocumented) wildcard.",
    doc=__doc__ or "",
    visits=Visit.POLICY,
    check=check,
)
