"""The Microsoft clouds b2blint can talk to: one closed table, authority and Graph host together.

"Access tokens acquired for a national cloud deployment are not interchangeable", so a cloud is
one choice that fixes the sign-in authority, the Graph host and the token scope at once
(Graph ``concepts/deployments.md``; azure-identity ``AzureAuthorityHosts``; apply-guarantees
§2.2). The only way to aim at another host is an explicit ``--graph-url`` /
``B2BLINT_GRAPH_URL``, which must be https, or http on a loopback address (the emulator).
"""

from __future__ import annotations

import dataclasses
import ipaddress
from urllib.parse import urlsplit

from b2blint.errors import EXIT_FAILED, B2BLintError


@dataclasses.dataclass(frozen=True)
class Cloud:
    """One national cloud deployment of Microsoft Graph."""

    name: str
    authority_host: str  # host name, as azure-identity's ``authority=`` takes it
    graph_url: str  # scheme + host, no version segment
    description: str

    @property
    def scope(self) -> str:
        """The client-credentials scope for this cloud's Graph (``<graph>/.default``)."""
        return f"{self.graph_url}/.default"


CLOUDS: dict[str, Cloud] = {
    cloud.name: cloud
    for cloud in (
        Cloud(
            "global",
            "login.microsoftonline.com",
            "https://graph.microsoft.com",
            "Microsoft Graph global service (also Microsoft 365 GCC)",
        ),
        Cloud(
            "usgov",
            "login.microsoftonline.us",
            "https://graph.microsoft.us",
            "Microsoft Graph for US Government L4 (GCC High)",
        ),
        Cloud(
            "usgov-dod",
            "login.microsoftonline.us",
            "https://dod-graph.microsoft.us",
            "Microsoft Graph for US Government L5 (DoD)",
        ),
        Cloud(
            "china",
            "login.chinacloudapi.cn",
            "https://microsoftgraph.chinacloudapi.cn",
            "Microsoft Graph China operated by 21Vianet",
        ),
    )
}


def get_cloud(name: str) -> Cloud:
    """The cloud called ``name`` (``global``, ``usgov``, ``usgov-dod``, ``china``)."""
    cloud = CLOUDS.get(name)
    if cloud is None:
        raise B2BLintError(
            f"unknown cloud '{name}' (choose one of: {', '.join(CLOUDS)})", exit_code=EXIT_FAILED
        )
    return cloud


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_graph_url(url: str) -> str:
    """Validate an overriding Graph URL; return it without a trailing slash.

    https anywhere, http only on loopback (a token sent over plain http to another host could
    be read on the way; apply-guarantees §2.2 calls a free-form host an exfiltration vector).
    """
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    # Errors never echo the credentials or the query (a proxy's key): they may be secrets.
    shown = parts._replace(netloc=parts.netloc.rpartition("@")[2], query="", fragment="").geturl()
    if parts.scheme not in ("http", "https") or not host:
        raise B2BLintError(f"--graph-url '{shown}' is not an http(s) URL", exit_code=EXIT_FAILED)
    if parts.scheme == "http" and not _is_loopback(host):
        raise B2BLintError(
            f"--graph-url '{shown}': plain http is refused except on loopback "
            "(127.0.0.1, ::1, localhost); use https",
            exit_code=EXIT_FAILED,
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise B2BLintError(
            f"--graph-url '{shown}' must not carry credentials, a query or a fragment",
            exit_code=EXIT_FAILED,
        )
    return url.strip().rstrip("/")


def graph_root(cloud: Cloud, override: str | None) -> str:
    """The Graph root URL (no version): the override if given, else the cloud's host."""
    return check_graph_url(override) if override else cloud.graph_url


#: The cloud names of the policy format (usgov-dod is a usgov tenant reached through DoD Graph).
_FORMAT_CLOUD = {"usgov-dod": "usgov"}


def format_cloud(name: str) -> str:
    """The policy format's ``tenant.cloud`` for a Graph cloud name (``export``, ``audit``)."""
    return _FORMAT_CLOUD.get(name, name)
