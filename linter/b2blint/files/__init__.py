"""Policy files as text: discovery, position-exact YAML/JSON/TOML readers, git revisions,
YAML emit and splice-edit, atomic writes."""
