"""fakegraph: a faithful local emulator of the Microsoft Graph APIs b2blint manages.

It serves the cross-tenant access policy, its default and partners (with
identitySynchronization), authorizationPolicy, the email OTP method, and the beta
externalIdentitiesPolicy and b2bManagementPolicies over real HTTP on loopback, enforcing the
service's rules, and injects faults (429, 5xx, dropped connections, commit-then-drop, stale
reads). See docs/fakegraph.md.

    python -m b2blint.fakegraph --port 0
    from b2blint.fakegraph.server import start
    from b2blint.fakegraph.tokens import mint

Nothing is imported here, so ``python -m b2blint.fakegraph.tokens`` runs cleanly.
"""
