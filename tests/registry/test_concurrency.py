"""Two processes writing at once lose nothing and leave a consistent audit log."""

import subprocess
import sys

from depiction.registry.store import OptoutStore

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


def test_concurrent_writers(database_url: str) -> None:
    OptoutStore(database_url)  # create the schema once, before the race
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, database_url, prefix], stderr=subprocess.PIPE
        )
        for prefix in ("Alpha", "Beta")
    ]
    for worker in workers:
        assert worker.wait(timeout=300) == 0, worker.stderr.read() if worker.stderr else ""
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
