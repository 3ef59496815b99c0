"""Microsoft Graph: the YAML <-> Graph JSON mapping, and (later) the client, plan and apply."""
