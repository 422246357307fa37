"""Optional extras: detectors that need one say so plainly instead of failing at import."""

from __future__ import annotations

from importlib.util import find_spec


def missing_extra(extra: str, *modules: str) -> str | None:
    """A one-line reason naming the extra to install if any of `modules` is not importable.

    The reason names the extra, not the modules, so that detectors sharing an extra share
    one message (and one warning line).
    """
    if all(find_spec(module) is not None for module in modules):
        return None
    return f"needs the '{extra}' extra: pip install 'depiction[{extra}]'"
