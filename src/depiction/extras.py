"""Optional extras: detectors that need one say so plainly instead of failing at import."""

from __future__ import annotations

from importlib.util import find_spec


def missing_extra(extra: str, *modules: str) -> str | None:
    """A one-line reason naming the extra to install if any of `modules` is not importable."""
    absent = [module for module in modules if find_spec(module) is None]
    if not absent:
        return None
    return f"needs the '{extra}' extra ({', '.join(absent)} not installed): pip install 'depiction[{extra}]'"
