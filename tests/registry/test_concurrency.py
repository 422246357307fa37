"""Two processes writing at once lose nothing, duplicate nothing, and leave a consistent
audit log whose ids are committed in order."""

import subprocess
import sys
import threading
import time
from collections.abc import Callable

import pytest
import sqlalchemy
from sqlalchemy import text

from depiction.registry.faces import FaceTemplate
from depiction.registry.store import OptoutStore

from ..conftest import created, postgres_database

WORKER = """
import sys
from depiction.registry.store import OptoutStore
url, prefix = sys.argv[1], sys.argv[2]
store = OptoutStore(url)
for i in range(25):
    person = store.add(f"{prefix} Person{i:02d}", actor=prefix)
    if i % 2 == 0:
        store.revoke(person.id, actor=prefix)
"""

SAME_NAMES = """
import sys
from depiction.errors import RegistryError
from depiction.registry.store import OptoutStore
url, actor = sys.argv[1], sys.argv[2]
store = OptoutStore(url)
for i in range(500):
    try:
        store.add(f"Same Person{i:03d}", actor=actor)
    except RegistryError as error:
        print(error)
"""


def run_both(script: str, url: str) -> list[str]:
    """Run `script` in two processes at once; their output lines."""
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", script, url, actor],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for actor in ("Alpha", "Beta")
    ]
    lines = []
    for worker in workers:
        out, err = worker.communicate(timeout=600)
        assert worker.returncode == 0, err
        lines.extend(out.splitlines())
    return lines


def test_concurrent_writers(database_url: str) -> None:
    created(database_url)  # the schema exists before the race
    run_both(WORKER, database_url)
    store = OptoutStore(database_url)
    people = store.entries(None)
    assert len(people) == 50
    assert sum(p.status == "revoked" for p in people) == 26
    for person in people:
        history = store.history(person.id)
        expected = ["add", "revoke"] if person.status == "revoked" else ["add"]
        assert [e.action for e in history] == expected
        assert history[-1].after is not None and history[-1].after["status"] == person.status
        assert history[0].actor == person.display_name.split()[0]


def test_the_same_names_added_at_once_are_registered_once(database_url: str) -> None:
    created(database_url)
    refused = run_both(SAME_NAMES, database_url)
    store = OptoutStore(database_url)
    people = store.entries(None)
    assert sorted(p.display_name for p in people) == [f"Same Person{i:03d}" for i in range(500)]
    owner = {p.display_name: p.id for p in people}
    assert len(refused) == 500  # every name was refused to one of the two processes
    assert sorted(refused) == sorted(
        f"'{name}' is already registered (entry {person_id})" for name, person_id in owner.items()
    )
    store.revoke(owner["Same Person000"], actor="admin")  # one revocation frees the name
    assert store.add("Same Person000", actor="admin").id != owner["Same Person000"]


FACE, NEW_FACE = (
    FaceTemplate(embedding=bytes(512), model="test", model_version="1", photo_sha256=digit * 64)
    for digit in "01"
)
CHANGES: dict[str, Callable[[OptoutStore, int, int], object]] = {
    "verify": lambda store, person, _: store.verify(person, actor="admin"),
    "reject": lambda store, person, _: store.reject(person, actor="admin"),
    "revoke": lambda store, person, _: store.revoke(person, actor="admin"),
    "enroll_face": lambda store, person, _: store.enroll_face(person, NEW_FACE, actor="admin"),
    "remove_face": lambda store, person, face: store.remove_face(person, face, actor="admin"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_every_change_waits_for_the_write_lock(postgres_url: str, change: str) -> None:
    """PostgreSQL numbers audit entries when a transaction writes them, not when it commits:
    only if a change waits for any other in flight are they committed in order, so that the
    registry's version (the last audit id), which every replica polls, moves with each."""
    url = created(postgres_database(postgres_url, f"lock_{change}"))
    store = OptoutStore(url)
    person = store.add("Lock Person", actor="admin", status="pending", faces=[FACE]).id
    face = store.faces(person)[0].id
    other = store.add("Other Person", actor="admin").id
    database = sqlalchemy.create_engine(url, isolation_level="AUTOCOMMIT")
    failures: list[BaseException] = []

    def write() -> None:
        try:
            CHANGES[change](store, person, face)
        except BaseException as error:  # reported by the test, not lost in the thread
            failures.append(error)

    writer = threading.Thread(target=write)
    with database.connect() as in_flight, database.connect() as observer:
        in_flight.exec_driver_sql("BEGIN")  # another change to the registry, not yet committed
        in_flight.execute(
            text("UPDATE optout_person SET updated_at = now() WHERE id = :id"), {"id": other}
        )
        writer.start()
        while not observer.scalar(text("SELECT count(*) FROM pg_locks WHERE NOT granted")):
            assert writer.is_alive(), f"{change} did not wait for the change in flight"
            time.sleep(0.01)
        in_flight.exec_driver_sql("COMMIT")
    writer.join()
    database.dispose()
    assert not failures
