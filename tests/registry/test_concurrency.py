"""Two processes writing at once lose nothing, duplicate nothing, and leave a consistent
audit log."""

import subprocess
import sys

from depiction.registry.store import OptoutStore

from ..conftest import created

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
