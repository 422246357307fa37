"""What the single-core benchmarks share: pin this process to one core and say where it ran."""

from __future__ import annotations

import os
import platform


def pin_to_one_core() -> str:
    """Pin to the first allowed core; return a line describing the machine and its load."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    return (
        f"machine: {platform.processor() or platform.machine()}, Python "
        f"{platform.python_version()}, 1 core; load average {os.getloadavg()[0]:.2f}"
    )
