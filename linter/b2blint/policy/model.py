"""The tenant policy assembled from every file of a tree, with the origin of every value.

A tree holds one tenant: the tenant-wide sections (`SINGLETON_SECTIONS`) appear in at most one
file, partners in any number. `build_policy` merges the documents that passed the schema pass
and reports what cannot be merged (SCH005: a partner or a section declared twice). Rules and
the simulator read this model; they never look at files or YAML.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from b2blint.diagnostics import Location, PathSegment, YamlPath
from b2blint.files.document import Document
from b2blint.policy.sections import SINGLETON_RESOURCES

#: The tenant-wide sections: b2blint's ``tenant`` metadata, then one per tenant-wide resource.
SINGLETON_SECTIONS = ("tenant", *(resource.key for resource in SINGLETON_RESOURCES))

#: The cross-tenant settings a partner can override, in Graph's order.
PARTNER_SETTINGS = (
    "inboundTrust",
    "automaticUserConsentSettings",
    "b2bCollaborationInbound",
    "b2bCollaborationOutbound",
    "b2bDirectConnectInbound",
    "b2bDirectConnectOutbound",
    "tenantRestrictions",
    "invitationRedemptionIdentityProviderConfiguration",
    "m365CollaborationInbound",
    "m365CollaborationOutbound",
    "appServiceConnectInbound",
    "blockServiceProviderOutboundAccess",
)

#: Settings shaped as crossTenantAccessPolicyB2BSetting (usersAndGroups + applications).
B2B_SETTINGS = (
    "b2bCollaborationInbound",
    "b2bCollaborationOutbound",
    "b2bDirectConnectInbound",
    "b2bDirectConnectOutbound",
    "tenantRestrictions",
)

MICROSOFT_ACCOUNTS_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"

#: The top-level key of the Conditional Access context (docs/conditional-access.md): Graph
#: conditionalAccessPolicy bodies that b2blint reads and never writes.
CONTEXT_KEY = "conditionalAccessPolicies"

#: The top-level key that makes a file a policy-test file (docs/policy-tests.md), not policy.
TESTS_KEY = "b2blint-tests"


def is_test_document(document: Document) -> bool:
    """Whether a parsed file is a policy-test file (its top-level mapping has ``b2blint-tests``)."""
    return isinstance(document.data, dict) and TESTS_KEY in document.data


class Ref(NamedTuple):
    """A value's origin: its document and YAML path (``key=True`` points at the key)."""

    document: Document
    path: YamlPath
    key: bool = False

    def child(self, *segments: PathSegment, key: bool = False) -> Ref:
        return Ref(self.document, (*self.path, *segments), key)

    def at_key(self) -> Ref:
        return Ref(self.document, self.path, True)

    def location(self) -> Location:
        return self.document.locate(self.path, key=self.key)

    def exists(self) -> bool:
        node: Any = self.document.data
        for segment in self.path:
            if isinstance(node, dict):
                if segment not in node:
                    return False
                node = node[segment]
            elif isinstance(node, list) and isinstance(segment, int) and 0 <= segment < len(node):
                node = node[segment]
            else:
                return False
        return True


class Section(NamedTuple):
    """A tenant-wide section (``default``, ``authorizationPolicy``, ...) and where it is."""

    name: str
    value: Any
    ref: Ref


class Partner(NamedTuple):
    """One partner entry: metadata, the Graph partner body and identity synchronization."""

    tenant_id: str
    entry: Mapping[str, Any]
    ref: Ref
    settings: Mapping[str, Any]  # the Graph partner body ({} when absent); read by most rules
    settings_ref: Ref

    @property
    def name(self) -> str | None:
        name = self.entry.get("name")
        return name if isinstance(name, str) else None

    @property
    def label(self) -> str:
        """How findings name a partner: ``Fabrikam (3d0f5dd2-...)``."""
        return f"{self.name} ({self.tenant_id})" if self.name else self.tenant_id

    @property
    def cloud(self) -> str:
        cloud = self.entry.get("cloud")
        return cloud if isinstance(cloud, str) else "global"

    @property
    def domains(self) -> list[str]:
        domains = self.entry.get("domains")
        return [d for d in domains if isinstance(d, str)] if isinstance(domains, list) else []

    @property
    def identity_synchronization(self) -> Mapping[str, Any] | None:
        sync = self.entry.get("identitySynchronization")
        return sync if isinstance(sync, dict) else None

    @property
    def inbound_sync_allowed(self) -> bool:
        """Whether the entry lets this partner sync users in (userSyncInbound.isSyncAllowed)."""
        sync = self.identity_synchronization
        inbound = sync.get("userSyncInbound") if sync is not None else None
        return isinstance(inbound, Mapping) and inbound.get("isSyncAllowed") is True

    def automatic_redemption(self, flag: str) -> bool:
        """Whether the partner's own automaticUserConsentSettings.<flag> (``inboundAllowed``,
        ``outboundAllowed``) is true."""
        consent = self.settings.get("automaticUserConsentSettings")
        return isinstance(consent, Mapping) and consent.get(flag) is True


class ConditionalAccessPolicy(NamedTuple):
    """One Conditional Access policy of the context: its Graph body as written, and where."""

    body: Mapping[str, Any]
    ref: Ref

    @property
    def display_name(self) -> str:
        name = self.body.get("displayName")
        policy_id = self.body.get("id")
        if isinstance(name, str) and name:
            return name
        return policy_id if isinstance(policy_id, str) and policy_id else "(no displayName)"

    @property
    def state(self) -> str | None:
        state = self.body.get("state")
        return state if isinstance(state, str) else None

    @property
    def label(self) -> str:
        """How findings and verdicts name it: ``'Require MFA for guests' (context/ca.yaml:4)``."""
        location = self.ref.location()
        return f"'{self.display_name}' ({location.file}:{location.position.line})"


class Conflict(NamedTuple):
    """Something declared twice (SCH005): the second declaration and the first."""

    what: str
    ref: Ref
    first: Ref


class Policy(NamedTuple):
    """The whole tenant: sections by name, partners in file order, and every document."""

    documents: tuple[Document, ...]
    sections: Mapping[str, Section]
    partners: tuple[Partner, ...]
    conflicts: tuple[Conflict, ...] = ()
    #: The Conditional Access context in file order; None when no file declares the key (b2blint
    #: then knows nothing about Conditional Access), () when the context holds no policy.
    conditional_access: tuple[ConditionalAccessPolicy, ...] | None = None

    def section(self, name: str) -> Section | None:
        return self.sections.get(name)

    def section_value(self, name: str) -> Mapping[str, Any]:
        section = self.sections.get(name)
        return section.value if section is not None and isinstance(section.value, dict) else {}

    @property
    def tenant_id(self) -> str | None:
        tenant_id = self.section_value("tenant").get("id")
        return tenant_id if isinstance(tenant_id, str) else None

    @property
    def tenant_cloud(self) -> str:
        # Read once per partner by three rules (156,000 times for a 5 MB file): no helper call.
        section = self.sections.get("tenant")
        value = section.value if section is not None else None
        cloud = value.get("cloud") if isinstance(value, dict) else None
        return cloud if isinstance(cloud, str) else "global"

    def partner(self, key: str) -> Partner | None:
        """Find a partner by tenant ID or by name (case-insensitive)."""
        lowered = key.lower()
        for partner in self.partners:
            if partner.tenant_id.lower() == lowered:
                return partner
        matches = [p for p in self.partners if p.name and p.name.lower() == lowered]
        return matches[0] if len(matches) == 1 else None

    def to_data(self) -> dict[str, Any]:
        """The merged tree in the file format's shape (what the Graph mapping consumes)."""
        data: dict[str, Any] = {"b2blint": 1}
        for name in SINGLETON_SECTIONS:
            section = self.sections.get(name)
            if section is not None:
                data[name] = section.value
        data["partners"] = [dict(partner.entry) for partner in self.partners]
        return data

    def context_data(self) -> list[dict[str, Any]] | None:
        """The Conditional Access context as a list of Graph bodies (None: no context). Kept out
        of `to_data`: plan and apply never manage it."""
        if self.conditional_access is None:
            return None
        return [dict(ca.body) for ca in self.conditional_access]


def build_policy(documents: Sequence[Document]) -> Policy:
    """Merge documents (in the given order) into one `Policy`, noting duplicates."""
    sections: dict[str, Section] = {}
    partners: dict[str, Partner] = {}
    conflicts: list[Conflict] = []
    context: list[ConditionalAccessPolicy] | None = None
    context_ids: dict[str, Ref] = {}
    for document in documents:
        data = document.data
        if not isinstance(data, dict):
            continue
        root = Ref(document, ())
        if CONTEXT_KEY in data:
            context = context if context is not None else []
            _add_context(data[CONTEXT_KEY], root, context, context_ids, conflicts)
        for name in SINGLETON_SECTIONS:
            if name not in data:
                continue
            ref = root.child(name, key=True)
            if name in sections:
                conflicts.append(Conflict(f"section '{name}'", ref, sections[name].ref))
                continue
            sections[name] = Section(name, data[name], root.child(name))
        entries = data.get("partners")
        if not isinstance(entries, list):
            continue
        # Refs are built directly (not with `Ref.child`): a 5 MB file holds ~100,000 partners.
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                continue
            tenant_id = entry.get("tenantId")
            if not isinstance(tenant_id, str):
                continue
            key = tenant_id.lower()
            if key in partners:
                conflicts.append(
                    Conflict(
                        f"partner {tenant_id}",
                        Ref(document, ("partners", index, "tenantId")),
                        partners[key].ref.child("tenantId"),
                    )
                )
                continue
            settings = entry.get("settings")
            partners[key] = Partner(
                tenant_id,
                entry,
                Ref(document, ("partners", index)),
                settings if isinstance(settings, dict) else {},
                Ref(document, ("partners", index, "settings")),
            )
    return Policy(
        tuple(documents),
        sections,
        tuple(partners.values()),
        tuple(conflicts),
        tuple(context) if context is not None else None,
    )


def _add_context(
    entries: Any,
    root: Ref,
    context: list[ConditionalAccessPolicy],
    ids: dict[str, Ref],
    conflicts: list[Conflict],
) -> None:
    """The Conditional Access policies of one file; the same policy ID twice is a conflict."""
    if not isinstance(entries, list):
        return
    for index, body in enumerate(entries):
        if not isinstance(body, dict):
            continue
        ref = root.child(CONTEXT_KEY, index)
        policy_id = body.get("id")
        if isinstance(policy_id, str) and policy_id:
            key = policy_id.lower()
            if key in ids:
                conflicts.append(
                    Conflict(f"Conditional Access policy {policy_id}", ref.child("id"), ids[key])
                )
                continue
            ids[key] = ref.child("id")
        context.append(ConditionalAccessPolicy(body, ref))


def domain_index(values: Any) -> dict[str, int]:
    """A domain list as lower-cased domain -> index of its first occurrence (DNS is caseless)."""
    index: dict[str, int] = {}
    if isinstance(values, list):
        for position, value in enumerate(values):
            if isinstance(value, str):
                index.setdefault(value.lower(), position)
    return index


def iter_b2b_settings(
    policy: Policy,
) -> Iterator[tuple[Partner | None, str, Mapping[str, Any], Ref]]:
    """Every B2B-shaped setting that is set, in the default and in each partner.

    Yields ``(partner or None for the default, setting name, value, ref)``.
    """
    default = policy.section("default")
    if default is not None and isinstance(default.value, dict):
        for name in B2B_SETTINGS:
            value = default.value.get(name)
            if isinstance(value, dict):
                yield None, name, value, default.ref.child(name)
    for partner in policy.partners:
        for name in B2B_SETTINGS:
            value = partner.settings.get(name)
            if isinstance(value, dict):
                yield partner, name, value, partner.settings_ref.child(name)
