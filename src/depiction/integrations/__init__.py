"""Adapters that plug depiction into other tools' extension points (each needs its own extra).

They are not imported by `depiction` itself, so the core installs without those tools.
"""
