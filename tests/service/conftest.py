"""A helper to run `depiction serve` for real on a free loopback port."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from ..conftest import created


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_service(folder: Path, *args: str, **env: str) -> Iterator[str]:
    """Start the service, wait until it is ready, yield its base URL, stop it."""
    port = free_port()
    environment = {
        **os.environ,
        "DEPICTION_DATABASE_URL": created(f"sqlite:///{folder / 'registry.db'}"),
        **env,
    }
    environment.pop("DEPICTION_UPSTREAM_URL", None) if "DEPICTION_UPSTREAM_URL" not in env else None
    server = subprocess.Popen(
        [sys.executable, "-m", "depiction", "serve", "--port", str(port), *args], env=environment
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        else:
            pytest.fail("service did not start")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
