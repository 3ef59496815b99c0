"""What a report says about the run besides its findings: when, which tenant, from where.

`LintResult` holds the findings, the documents and the policy; a report for people or for an
auditor also shows the date, the tenant, the b2blint version, the size limit the run checked
against and which rules ran. Commands build a `ReportContext` (`for_lint`, or directly: the
``audit`` command describes a live tenant) and pass it to a reporter that accepts ``context``
(`b2blint.report.PRESENTATION`). Without one, a reporter uses `default_context`: the date now,
the tenant from the policy's ``tenant`` section, the default size limit, every rule run.
"""

from __future__ import annotations

import dataclasses
import datetime
import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from b2blint import __version__
from b2blint.graph.size import DEFAULT_LIMIT

if TYPE_CHECKING:
    from b2blint.lint.config import Config
    from b2blint.lint.engine import LintResult
    from b2blint.lint.profiles import ControlResult
    from b2blint.rules._rule import Rule

#: What the findings were read from.
POLICY_FILES = "policy files"
LIVE_TENANT = "live tenant"


@dataclasses.dataclass(frozen=True)
class ReportContext:
    """The facts around one run that a report prints (module docstring).

    ``tenant_id``/``tenant_name`` None: taken from the policy's ``tenant`` section.
    ``rules_run`` None: every rule of the catalog ran. ``source`` is `POLICY_FILES` or
    `LIVE_TENANT`: a live tenant's excerpts are its values as exported, not files on disk.
    ``controls``: the profiles' per-control verdicts (`b2blint.lint.profiles.control_results`),
    empty when no profile ran; ``not_read``: (section, why) a live read could not get.
    """

    generated: datetime.datetime
    source: str = POLICY_FILES
    tenant_id: str | None = None
    tenant_name: str | None = None
    size_limit: int = DEFAULT_LIMIT
    rules_run: frozenset[str] | None = None
    version: str = __version__
    controls: tuple[ControlResult, ...] = ()
    not_read: tuple[tuple[str, str], ...] = ()

    @property
    def profiles(self) -> tuple[str, ...]:
        """The profiles whose controls were judged, in the order they were given."""
        return tuple(dict.fromkeys(result.control.profile for result in self.controls))

    def ran(self, rule_id: str) -> bool:
        return self.rules_run is None or rule_id in self.rules_run


def now() -> datetime.datetime:
    """The report's date: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else now, UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc)
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def default_context() -> ReportContext:
    """The context of a caller that gave none: now, every rule run, the default limit."""
    return ReportContext(now())


def for_lint(config: Config, rules: Sequence[Rule], source: str = POLICY_FILES) -> ReportContext:
    """The context of a lint run: the configured XTA001 limit and the rules that ran."""
    from b2blint.rules.policy_size_limit import RULE as SIZE_RULE
    from b2blint.rules.policy_size_limit import option_limit

    limit = option_limit(config.rule_options(SIZE_RULE.id, SIZE_RULE.options))
    ran = frozenset(rule.id for rule in rules if config.enabled(rule.id))
    return ReportContext(now(), source, size_limit=limit, rules_run=ran)


def with_controls(
    context: ReportContext | None,
    controls: Sequence[ControlResult],
    extra: Mapping[str, Any] | None = None,
) -> ReportContext:
    """``context`` (or a default one) with the profiles' verdicts; ``extra`` is what
    ``audit`` adds to the JSON report (``{"audit": {"tenantId", "notRead", ...}}``): with it
    the source is the live tenant, named by its ID."""
    context = context or default_context()
    audit = (extra or {}).get("audit")
    if isinstance(audit, Mapping):
        not_read = audit.get("notRead")
        tenant_id = audit.get("tenantId")
        context = dataclasses.replace(
            context,
            source=LIVE_TENANT,
            tenant_id=tenant_id if isinstance(tenant_id, str) else context.tenant_id,
            not_read=tuple(
                (str(k), str(v))
                for k, v in (not_read.items() if isinstance(not_read, Mapping) else ())
            ),
        )
    return dataclasses.replace(context, controls=tuple(controls))


def tenant_of(result: LintResult, context: ReportContext) -> tuple[str | None, str | None]:
    """(tenant ID, tenant name): the context's, else the policy's ``tenant`` section."""
    tenant = result.policy.section_value("tenant")
    tenant_id = context.tenant_id or result.policy.tenant_id
    name = context.tenant_name
    if name is None and isinstance(tenant.get("name"), str):
        name = tenant["name"]
    return tenant_id, name
