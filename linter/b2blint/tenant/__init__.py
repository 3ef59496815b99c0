"""The live tenant: Graph client, credentials, clouds, live read, plan, apply."""
