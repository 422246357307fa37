"""The container image, built and run for real with podman: the Dockerfile's entrypoint,
healthcheck, non-root user and single OpenCV, and compose.yaml's settings against a real
PostgreSQL server.

CI cannot pull from Docker Hub, so the base image is a Debian bookworm made here with
debootstrap (its Python 3.11 satisfies the package), unless DEPICTION_CONTAINER_BASE names one.
Everything podman stores lives in a temporary folder removed afterwards. About 7 minutes on
two busy cores: 3 making the base, 1.5 to 4 building (pip downloads), 1 removing the storage.
"""

from __future__ import annotations

import os
import resource
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from depiction.service.config import PREFIX, ServiceConfig

from .conftest import needed

REPO = Path(__file__).resolve().parent.parent
IMAGE = "localhost/depiction:test"
HOST_CA = Path("/etc/ssl/certs/ca-certificates.crt")
ALLOWED = "a watercolor of a lighthouse at dawn"
REFUSED = "realistic news photo of Joe Biden being arrested"


def _require(tool: str) -> None:
    """CI (DEPICTION_REQUIRE_CONTAINER=1, set by .ci/run) fails without the tool; elsewhere
    the container tests are skipped."""
    if shutil.which(tool):
        return
    if os.environ.get("DEPICTION_REQUIRE_CONTAINER") == "1":
        pytest.fail(f"{tool} is missing; .ci/run should install the Debian package {tool}")
    needed(tool, f"the Debian package {tool}")


def _run(command: list[str], timeout: float = 120) -> str:
    """Run a command; on failure, the error shows the end of its output."""
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        tail = (done.stdout + done.stderr)[-3000:]
        raise AssertionError(f"{' '.join(command[:6])} … exited {done.returncode}:\n{tail}")
    return done.stdout


@dataclass(frozen=True)
class Podman:
    """Rootful podman with its storage in a throw-away folder."""

    folder: Path

    def command(self, *args: str) -> list[str]:
        # overlay: layers are differences (vfs copies every layer whole: minutes to write and
        # to delete); cgroupfs: no systemd; runc: crun refuses the hybrid cgroup layout of
        # some CI machines.
        return [
            "podman", "--root", str(self.folder / "storage"),
            "--runroot", str(self.folder / "run"), "--storage-driver", "overlay",
            "--cgroup-manager", "cgroupfs", "--runtime", "runc", *args,
        ]  # fmt: skip

    def __call__(self, *args: str, timeout: float = 120) -> str:
        return _run(self.command(*args), timeout)

    def logs(self, name: str) -> str:
        """The container's output, standard error included (uvicorn and the startup line)."""
        done = subprocess.run(self.command("logs", name), capture_output=True, text=True)
        return done.stdout + done.stderr

    def limits(self) -> list[str]:
        """Resource limits this process may grant: podman's defaults (a million open files)
        fail where raising a limit is not permitted."""
        files = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        files = 65536 if files == resource.RLIM_INFINITY else min(files, 65536)
        return ["--ulimit", f"nofile={files}:{files}", "--ulimit", "nproc=4096:4096"]


def _debian_base(podman: Podman) -> str:
    """A minimal Debian bookworm with Python, trusting what this machine trusts (a
    TLS-inspecting proxy's CA included), so that pip in the build reaches PyPI."""
    rootfs = podman.folder / "rootfs"
    started = time.monotonic()
    _run(
        [
            "debootstrap", "--variant=minbase", "--include=python3,python3-venv",
            "bookworm", str(rootfs), "http://deb.debian.org/debian",
        ],
        timeout=900,
    )  # fmt: skip
    if HOST_CA.is_file():
        shutil.copyfile(HOST_CA, rootfs / "etc/ssl/certs/ca-certificates.crt")
        (rootfs / "etc/pip.conf").write_text(
            "[global]\ncert = /etc/ssl/certs/ca-certificates.crt\n"
        )
    with subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE) as tar:
        done = subprocess.run(
            podman.command("import", "-", "localhost/depiction-base"),
            stdin=tar.stdout,
            capture_output=True,
            timeout=300,
        )
    assert tar.returncode == 0 and done.returncode == 0, done.stderr
    shutil.rmtree(rootfs)
    print(f"base image made in {time.monotonic() - started:.0f} s")
    return "localhost/depiction-base"


@pytest.fixture(scope="module")
def podman() -> Iterator[Podman]:
    """The image built from the repository's Dockerfile."""
    for tool in ("podman", "runc", "debootstrap"):
        _require(tool)
    if os.geteuid() != 0:
        pytest.skip("the container tests run podman and debootstrap as root")
    runner = Podman(Path(tempfile.mkdtemp(prefix="depiction-container-")))
    try:
        base = os.environ.get("DEPICTION_CONTAINER_BASE") or _debian_base(runner)
        started = time.monotonic()
        runner(
            # --layers=false: no image of each step to write, and delete, again.
            "build", "--isolation", "chroot", "--format", "docker", "--network", "host",
            "--layers=false",
            "--build-arg", f"BASE={base}", "-t", IMAGE, str(REPO),
            timeout=1200,
        )  # fmt: skip
        print(f"image built in {time.monotonic() - started:.0f} s")
        yield runner
    finally:
        started = time.monotonic()
        subprocess.run(runner.command("rm", "-af"), capture_output=True, timeout=300)
        shutil.rmtree(runner.folder, ignore_errors=True)
        print(f"podman storage removed in {time.monotonic() - started:.0f} s")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(podman: Podman, name: str, base_url: str, deadline_s: float = 300) -> None:
    """Poll /readyz until the service answers 200; fail early, with its log, if it exits."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        try:
            if httpx.get(f"{base_url}/readyz", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if podman("inspect", "--format", "{{.State.Running}}", name).strip() != "true":
            break
        time.sleep(2)
    pytest.fail(f"the container never became ready:\n{podman.logs(name)[-3000:]}")


@contextmanager
def _container(podman: Podman, *options: str, args: tuple[str, ...] = ()) -> Iterator[str]:
    """A container of the image, started with `options` and entrypoint `args`, removed after."""
    name = f"depiction-test-{os.getpid()}-{_free_port()}"
    podman("run", "-d", "--name", name, *podman.limits(), *options, IMAGE, *args)
    try:
        yield name
    finally:
        podman("rm", "-f", "-t", "10", name)


def _check(base_url: str, prompt: str) -> dict[str, Any]:
    reply = httpx.post(f"{base_url}/v1/check", json={"prompt": prompt}, timeout=60)
    assert reply.status_code == 200, reply.text
    decision: dict[str, Any] = reply.json()
    return decision


@pytest.fixture(scope="module")
def served(podman: Podman) -> Iterator[tuple[str, str]]:
    """The image run as a user would: its own network, port 8000 published, the default
    SQLite registry in the container."""
    port = _free_port()
    with _container(podman, "-p", f"127.0.0.1:{port}:8000") as name:
        base_url = f"http://127.0.0.1:{port}"
        _wait_ready(podman, name, base_url)
        yield name, base_url


def test_image_serves_checks(served: tuple[str, str]) -> None:
    _, base_url = served
    assert _check(base_url, ALLOWED)["action"] == "allow"
    refused = _check(base_url, REFUSED)
    assert refused["action"] == "refuse"
    assert "deception" in refused["categories"]


def test_image_runs_as_non_root(podman: Podman, served: tuple[str, str]) -> None:
    name, _ = served
    server_uid = podman(
        "exec", name, "python3", "-c", "import os; print(os.stat('/proc/1').st_uid)"
    )
    assert int(server_uid) != 0


def test_image_healthcheck_passes(podman: Podman, served: tuple[str, str]) -> None:
    """`podman healthcheck run` runs the Dockerfile's HEALTHCHECK command once; it fails
    (exit 1) if the image has none or /readyz does not answer 200."""
    name, _ = served
    podman("healthcheck", "run", name)


def test_image_has_one_opencv(podman: Podman, served: tuple[str, str]) -> None:
    """Only the headless OpenCV: the GUI build is 209 MB more and, without X11 libraries,
    breaks `import cv2`."""
    name, _ = served
    listed = podman(
        "exec", name, "python3", "-c",
        "import cv2, importlib.metadata as m; "
        "print(sorted(d.name for d in m.distributions() if 'opencv' in d.name.lower()))",
    )  # fmt: skip
    assert listed.strip() == "['opencv-python-headless']"


def test_compose_settings_serve_a_postgresql_registry(
    podman: Podman, request: pytest.FixtureRequest
) -> None:
    """The depiction service exactly as compose.yaml configures it (its environment and
    command), its database URL pointed at a real PostgreSQL server on this machine."""
    compose = yaml.safe_load((REPO / "compose.yaml").read_text(encoding="utf-8"))
    service = compose["services"]["depiction"]
    environment: dict[str, str] = dict(service["environment"])
    settings = {PREFIX + field.upper() for field in ServiceConfig.model_fields}
    assert set(environment) <= settings, "compose.yaml names a setting depiction does not read"
    assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "healthcheck" in compose["services"]["postgres"]
    assert [str(port).rsplit(":", 1)[1] for port in service["ports"]] == ["8000"]
    server: str = request.getfixturevalue("postgres_url")
    scheme = environment["DEPICTION_DATABASE_URL"].split("://", 1)[0]
    assert server.startswith(scheme + "://")
    environment["DEPICTION_DATABASE_URL"] = server
    port = _free_port()
    variables = [
        option for key, value in environment.items() for option in ("-e", f"{key}={value}")
    ]
    with _container(
        podman, "--network", "host", *variables, args=(*service["command"], "--port", str(port))
    ) as name:
        base_url = f"http://127.0.0.1:{port}"
        _wait_ready(podman, name, base_url)
        assert _check(base_url, REFUSED)["action"] == "refuse"
        assert f"registry {scheme}://" in podman.logs(name)


def test_compose_replicas_are_one_service_on_one_registry() -> None:
    """compose.yaml's replicas (its structure only: CI cannot pull the PostgreSQL image to run
    it) differ in nothing but their host port, so each is the service the test above runs,
    on the same registry; tests/service/test_replicas.py runs two replicas for real."""
    services = yaml.safe_load((REPO / "compose.yaml").read_text(encoding="utf-8"))["services"]
    replicas = [service for service in services.values() if service.get("build") == "."]
    assert len(replicas) >= 2 and services["depiction"] in replicas
    settings = [{k: v for k, v in service.items() if k != "ports"} for service in replicas]
    assert all(setting == settings[0] for setting in settings)
    ports = [str(port).rsplit(":", 1) for service in replicas for port in service["ports"]]
    assert [inside for _, inside in ports] == ["8000"] * len(replicas)
    assert len({outside for outside, _ in ports}) == len(replicas)
