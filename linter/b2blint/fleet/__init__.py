"""Fleets: many tenants in one repository, on shared baselines (docs/fleets.md).

The stable API (other rooms and the two-sided rules build on it):

- `b2blint.fleet.fleetfile.load_fleet(path) -> Fleet`: read and check ``fleet.yaml``
  (``path``: the file or its directory). ``Fleet.tenants`` are `FleetTenant` (name, path,
  tags, layers, variables, opt_outs); ``Fleet.layers`` maps a layer name to its `Layer`.
  ``find_fleet_file(path)`` says whether a path is (or holds) a fleet file.
- `b2blint.fleet.assemble.tenant_policies(fleet, layers=True) -> dict[str, Policy]`: each
  tenant's assembled `b2blint.policy.model.Policy`, by name, in fleet order. Every `Ref` in
  it locates (``ref.location()``) the real file and line the value came from: a baseline, the
  tenant's own file, or the variable's value in ``fleet.yaml``.
- `b2blint.fleet.assemble.read_fleet(fleet, only=None, layers=True, strict=False) ->
  FleetTrees`: the same with everything around it (`TenantTree`: the merged
  `LayeredDocument`, own documents, test documents, layers, SCH005 conflicts).

Every problem that makes a fleet impossible to assemble is a `B2BLintError` (exit 2) with
``file:line:col``, raised before anything is returned.

The room sits above lint (it lints tenants with the lint engine) and below tenant (plan,
apply and export read one fleet tenant's tree from here).
"""
