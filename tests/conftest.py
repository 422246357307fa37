"""Shared fixtures: one default engine per test session (loading it reads every lexicon)."""

import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from PIL import Image

from depiction import Engine
from depiction.registry.database import open_database

DATA = Path(__file__).parent / "data"
POLICIES = Path(__file__).parent / "policies"


def created(url: str) -> str:
    """`url` after creating its registry on purpose, as `depiction db init` does: a database
    named by URL is never created by merely opening it."""
    open_database(url, create=True).dispose()
    return url


# Tests never touch the user's real registry: one throw-away SQLite file per test run,
# inherited by the CLI subprocesses the tests start.
os.environ["DEPICTION_DATABASE_URL"] = created(
    f"sqlite:///{tempfile.mkdtemp(prefix='depiction-')}/registry.db"
)


DECISION_FIELDS = [
    "action",
    "categories",
    "rules",
    "revised_prompt",
    "signals",
    "policy",
    "latency_ms",
    "language",
    "decision_id",
]
"""The decision JSON contract (docs/design.md §1), in order."""


def needed(what: str, how: str) -> None:
    """A test needs a system tool: missing in CI (which installs it) fails, elsewhere skips."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is missing; .ci/run should install {how}")
    pytest.skip(f"no {what} installed")


def chromium() -> str:
    """Debian's Chromium, for tests that render pages in a real browser."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        needed("chromium", "the Debian package chromium")
    assert path is not None
    return path


def depiction(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the real `depiction` command in a subprocess (text output)."""
    return subprocess.run(
        [sys.executable, "-m", "depiction", *args], capture_output=True, text=True, timeout=timeout
    )


def png_bytes(width: int = 16, height: int = 16, mode: str = "RGB") -> bytes:
    """A real PNG made here (tests never ship binary fixtures)."""
    out = io.BytesIO()
    Image.new(mode, (width, height), 1 if mode == "1" else (200, 120, 40)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.default()
