"""YAML <-> Graph JSON translation only: resource kinds, mapping, import recognition, tree
writer."""
