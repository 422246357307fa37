"""Helpers to run `depiction serve` for real on a free loopback port, and a real image
backend for its gateway to forward to."""

import base64
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from ..conftest import created, png_bytes

BACKEND_PNG = base64.b64encode(png_bytes()).decode()
"""What the backend answers every images call with (as `b64_json`)."""
TRICKLE = b"answer-one-byte-at-a-time"
"""A prompt holding this makes the backend answer slowly, for ever (a hung backend)."""
FLOOD = b"answer-without-end"
"""A prompt holding this makes the backend answer as fast as it can, for ever."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_ready(
    url: str, process: subprocess.Popen[bytes], seconds: float, every: float = 0.1
) -> bool:
    """Poll `url` until it answers 200; False if `process` exits or time runs out first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(url).status_code == 200:
                return True
        except httpx.TransportError:
            pass
        time.sleep(every)
    return False


@contextmanager
def running_service(
    folder: Path, *args: str, stderr: Path | None = None, **env: str
) -> Iterator[str]:
    """Start the service, wait until it is ready, yield its base URL, stop it (its stderr goes
    to the `stderr` file if one is given)."""
    port = free_port()
    environment = {
        **os.environ,
        "DEPICTION_DATABASE_URL": created(f"sqlite:///{folder / 'registry.db'}"),
        **env,
    }
    environment.pop("DEPICTION_UPSTREAM_URL", None) if "DEPICTION_UPSTREAM_URL" not in env else None
    log = stderr.open("w") if stderr else None
    server = subprocess.Popen(
        [sys.executable, "-m", "depiction", "serve", "--port", str(port), *args],
        env=environment,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # Several workers each load the engine; on two busy cores that can take a minute.
        if not wait_until_ready(f"{base}/readyz", server, seconds=90):
            pytest.fail("service did not start")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        if log:
            log.close()


@dataclass(frozen=True)
class Call:
    """One request that reached the image backend."""

    path: str
    headers: dict[str, str]
    body: bytes


@contextmanager
def image_backend() -> Iterator[tuple[str, list[Call]]]:
    """An image backend on loopback that records every call and answers with one PNG (or,
    for a prompt holding TRICKLE, with one byte every half second until the caller leaves;
    for FLOOD, with megabytes until the caller leaves).
    Yields its base URL and the calls it received."""
    calls: list[Call] = []
    reply = json.dumps({"created": 1, "data": [{"b64_json": BACKEND_PNG}]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            calls.append(Call(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(200)
            self.send_header("content-type", "application/json")
            endless = TRICKLE in body or FLOOD in body
            self.send_header("content-length", str(10**12 if endless else len(reply)))
            self.end_headers()
            if FLOOD in body:
                try:
                    while True:
                        self.wfile.write(b"x" * 2**20)
                except OSError:
                    return  # the gateway stopped reading
            if TRICKLE not in body:
                self.wfile.write(reply)
                return
            try:
                while True:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.5)
            except OSError:
                pass  # the gateway gave up and closed the connection

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/v1", calls
    finally:
        server.shutdown()
        server.server_close()
