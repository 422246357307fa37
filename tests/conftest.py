"""Shared fixtures: one default engine per test session (loading it reads every lexicon)."""

import io
import os
import tempfile
from pathlib import Path

import pytest
from PIL import Image

from depiction import Engine

DATA = Path(__file__).parent / "data"
POLICIES = Path(__file__).parent / "policies"

# Tests never touch the user's real registry: one throw-away SQLite file per test run,
# inherited by the CLI subprocesses the tests start.
os.environ["DEPICTION_DATABASE_URL"] = (
    f"sqlite:///{tempfile.mkdtemp(prefix='depiction-')}/registry.db"
)


def png_bytes(width: int = 16, height: int = 16, mode: str = "RGB") -> bytes:
    """A real PNG made here (tests never ship binary fixtures)."""
    out = io.BytesIO()
    Image.new(mode, (width, height), 1 if mode == "1" else (200, 120, 40)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.default()
