"""Shared fixtures: one default engine per test session (loading it reads every lexicon)."""

import os
import tempfile
from pathlib import Path

import pytest

from depiction import Engine

DATA = Path(__file__).parent / "data"
POLICIES = Path(__file__).parent / "policies"

# Tests never touch the user's real registry: one throw-away SQLite file per test run,
# inherited by the CLI subprocesses the tests start.
os.environ["DEPICTION_DATABASE_URL"] = (
    f"sqlite:///{tempfile.mkdtemp(prefix='depiction-')}/registry.db"
)


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.default()
