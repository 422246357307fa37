"""`depiction serve` says loudly when it listens beyond loopback without API keys."""

from pathlib import Path

import pytest

from .service.conftest import running_service


@pytest.mark.parametrize(
    ("host", "settings", "warned"),
    [
        ("0.0.0.0", {}, True),
        ("0.0.0.0", {"DEPICTION_REQUIRE_KEYS": "true"}, False),
        ("127.0.0.1", {}, False),
    ],
)
def test_serving_beyond_loopback_without_keys_warns_at_startup(
    tmp_path: Path, host: str, settings: dict[str, str], warned: bool
) -> None:
    stderr = tmp_path / "stderr.txt"
    with running_service(tmp_path, "--host", host, stderr=stderr, **settings):
        pass
    lines = [line for line in stderr.read_text().splitlines() if "WITHOUT API KEYS" in line]
    assert len(lines) == (1 if warned else 0)
    if warned:
        assert lines[0].startswith(f"WARNING: serving on {host}:")
        assert "DEPICTION_REQUIRE_KEYS=true" in lines[0]
