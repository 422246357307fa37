"""The service and its registry database, for real on loopback: a database deleted while
serving makes the service not ready and refuse every write (503) rather than write to a file
nobody reads; a named database is created only on purpose; a name is registered once."""

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from depiction.registry.keys import KeyStore
from depiction.registry.store import OptoutStore

from ..conftest import created
from .conftest import running_service
from .test_portal import submit


def admin_key(url: str) -> dict[str, str]:
    _, key = KeyStore(url).create("test", ["admin"])
    return {"authorization": f"Bearer {key}"}


def error_of(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def test_a_database_deleted_while_serving_is_not_ready_and_takes_no_writes(
    tmp_path: Path,
) -> None:
    database = tmp_path / "registry.db"
    url = created(f"sqlite:///{database}")
    admin = admin_key(url)
    keanu = OptoutStore(url).add("Keanu Reeves", actor="admin")
    with running_service(tmp_path) as base, httpx.Client(base_url=base) as client:
        assert (
            client.post("/v1/check", json={"prompt": "Keanu Reeves"}).json()["action"] == "refuse"
        )
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        assert error_of(client.get("/readyz")) == (503, "database_unavailable")
        writes = [
            client.post(f"/v1/admin/optout/{keanu.id}/revoke", headers=admin),
            client.post("/v1/admin/optout", json={"name": "Lei Jun"}, headers=admin),
            client.post(
                "/v1/appeals", json={"decision_id": "d1", "prompt": "a cat", "reason": "why?"}
            ),
        ]
        assert [error_of(response) for response in writes] == [(503, "database_unavailable")] * len(
            writes
        )
        portal = submit(client, "Lei Jun")
        assert portal.status_code == 503 and "could not store your request" in portal.text
        assert (
            client.post("/v1/check", json={"prompt": "Keanu Reeves"}).json()["action"] == "refuse"
        )
        assert not database.exists()  # nothing wrote a new, empty registry in its place
        cli_add = subprocess.run(
            [sys.executable, "-m", "depiction", "optout", "add", "Lei Jun"],
            capture_output=True, text=True, timeout=300,
            env={**os.environ, "DEPICTION_DATABASE_URL": url},
        )  # fmt: skip
        assert cli_add.returncode == 2 and "does not exist" in cli_add.stderr
    restarted = subprocess.run(
        [sys.executable, "-m", "depiction", "serve", "--port", "9"],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "DEPICTION_DATABASE_URL": url},
    )  # fmt: skip
    assert restarted.returncode == 2
    assert restarted.stderr.strip() == (
        f"error: the registry database {database} does not exist; create it on purpose with"
        " `depiction db init` (or `depiction serve --create-db`)"
    )
    assert not database.exists()


def test_serve_creates_a_named_database_only_when_asked(tmp_path: Path) -> None:
    database = tmp_path / "fresh" / "registry.db"
    with running_service(tmp_path, "--create-db", DEPICTION_DATABASE_URL=f"sqlite:///{database}"):
        modes = [stat.S_IMODE(path.stat().st_mode) for path in (database.parent, database)]
        assert modes == [0o700, 0o600]


@pytest.fixture(scope="module")
def admin_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    folder = tmp_path_factory.mktemp("admin-add")
    headers = admin_key(created(f"sqlite:///{folder / 'registry.db'}"))
    with running_service(folder) as base, httpx.Client(base_url=base, headers=headers) as client:
        yield client


def test_the_admin_api_registers_a_name_once(admin_service: httpx.Client) -> None:
    added = admin_service.post("/v1/admin/optout", json={"name": "Keanu Reeves", "note": "agent"})
    assert added.status_code == 201
    entry = added.json()
    assert (entry["display_name"], entry["status"], entry["aliases"]) == (
        "Keanu Reeves", "active", []
    )  # fmt: skip
    again = admin_service.post(
        "/v1/admin/optout", json={"name": "Lei Jun", "aliases": ["KEANU  reeves"]}
    )
    assert again.status_code == 409
    assert again.json() == {
        "error": {
            "code": "conflict",
            "message": f"'KEANU reeves' is already registered (entry {entry['id']})",
        }
    }
    revoked = admin_service.post(f"/v1/admin/optout/{entry['id']}/revoke")
    assert revoked.status_code == 200
    assert admin_service.post("/v1/admin/optout", json={"name": "Keanu Reeves"}).status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        b'{"name": 5}',
        b'{"name": "A B", "aliases": "A"}',
        b'{"name": "A B", "role": "admin"}',
        b'["A B"]',
        b"not json",
        b"[" * 100_000 + b"]" * 100_000,
    ],
    ids=["number", "aliases-not-a-list", "unknown-field", "not-an-object", "not-json", "deep"],
)
def test_the_admin_api_refuses_a_malformed_entry(admin_service: httpx.Client, body: bytes) -> None:
    response = admin_service.post(
        "/v1/admin/optout", content=body, headers={"content-type": "application/json"}
    )
    assert error_of(response) == (400, "invalid_request")


def test_the_admin_api_refuses_a_broken_name(admin_service: httpx.Client) -> None:
    response = admin_service.post(
        "/v1/admin/optout",
        content=b'{"name": "Lei \\ud800Jun"}',
        headers={"content-type": "application/json"},
    )
    assert response.json() == {
        "error": {
            "code": "invalid_request",
            "message": "name 'Lei \\ud800Jun' has control characters or broken text",
        }
    }
