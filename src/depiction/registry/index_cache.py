"""The opt-out matcher kept on disk and kept current, so neither a restart nor a change
rebuilds it over the whole registry.

A full build reads every alias's stored keys and sorts them: seconds per million people. After one, the
index is saved to a cache file (`config.matcher_cache_path`) stamped with the registry
version it reflects and that version's audit entry; a later start loads the file and applies
the people changed since, read through the audit log (`OptoutStore.changes_since`). Changes
while running are applied the same way, over the changed people only, and once they grow
past `COMPACT_AT` people they are merged into the base in memory and the file is rewritten.

A file that cannot be read, is damaged or rewritten (zip checksums, a digest of every array,
and checks that the arrays are well formed), was made by another matcher version
(`matcher.MATCHER_VERSION`: the keys in it would not be the ones a prompt is looked up
with), or carries another database's history is ignored with a warning and the index is
rebuilt: the cache can only make a start faster, never make the matcher miss someone.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from xxhash import xxh3_64

from depiction.registry import matcher
from depiction.registry.matcher import Array, NameIndex
from depiction.registry.store import OptoutStore

COMPACT_AT = 5_000  # changed people kept as a separate layer before merging into the base
REBUILD_AT = 100_000  # beyond this many changed people, a full build is cheaper than a delta
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LiveIndex:
    """An index of the registry at `version`, whose base layer reflects `base_version`."""

    index: NameIndex
    base_version: int
    version: int


def open_index(store: OptoutStore, cache: Path | None) -> LiveIndex:
    """The index of the registry now: the cache file brought up to date, else a full build."""
    loaded = _load(store, cache) if cache is not None else None
    if loaded is None:
        return rebuild(store, cache)
    return refreshed(loaded, store, cache)


def refreshed(live: LiveIndex, store: OptoutStore, cache: Path | None) -> LiveIndex:
    """`live` with the changes since its base applied (rebuilt or compacted when many)."""
    changes = store.changes_since(live.base_version, REBUILD_AT)
    if changes is None:
        return rebuild(store, cache)
    index = live.index.with_changes(changes.rows, changes.people)
    if len(changes.people) < COMPACT_AT:
        return LiveIndex(index, live.base_version, changes.version)
    compacted = LiveIndex(index.compacted(), changes.version, changes.version)
    save(compacted, store, cache)
    return compacted


def rebuild(store: OptoutStore, cache: Path | None) -> LiveIndex:
    """A full build from every active alias form, saved to the cache file."""
    version = store.version()  # read first: later changes are re-applied by `refreshed`
    live = LiveIndex(NameIndex(store.active_aliases()), version, version)
    save(live, store, cache)
    return live


def _load(store: OptoutStore, path: Path) -> LiveIndex | None:
    try:
        with np.load(path, allow_pickle=False) as file:
            arrays = {name: file[name] for name in file.files}
        meta = json.loads(arrays.pop("meta").tobytes())
        if not isinstance(meta, dict) or meta.get("matcher") != matcher.MATCHER_VERSION:
            logger.info("matcher cache %s is of another matcher version; rebuilding", path)
            return None
        if meta["digest"] != _digest(arrays):
            raise ValueError("its arrays are not the ones it was saved with")
        version = meta["version"]
        if not isinstance(version, int) or store.audit_stamp(version) != meta["stamp"]:
            logger.warning("matcher cache %s is of another registry history; rebuilding", path)
            return None
        index = NameIndex.from_arrays(arrays)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as error:
        logger.warning("matcher cache %s is unreadable (%s); rebuilding", path, error)
        return None
    return LiveIndex(index, version, version)


def save(live: LiveIndex, store: OptoutStore, path: Path | None) -> None:
    """Save `live` (merged into one layer) to the cache file at `path`, if there is one.
    Written to a temporary file then renamed, so readers see the old file or the new one;
    readable by this user only, since the file holds registered names."""
    stamp = store.audit_stamp(live.base_version)
    if path is None or stamp is None:
        return
    arrays = live.index.arrays()
    meta = {
        "matcher": matcher.MATCHER_VERSION,
        "version": live.base_version,
        "stamp": stamp,
        "digest": _digest(arrays),
    }
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                np.savez(file, allow_pickle=False, **arrays)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError as error:
        logger.warning("cannot write the matcher cache %s: %s", path, error)


def _digest(arrays: dict[str, Array]) -> str:
    """xxh3 over every array's name, type, shape and bytes (~10 ms for 200 MB): a file
    rewritten in part, even with valid zip checksums, is refused."""
    digest = xxh3_64()
    for name in sorted(arrays):
        array = np.ascontiguousarray(arrays[name])
        digest.update(f"{name}:{array.dtype.str}:{array.shape};".encode())
        digest.update(array.view(np.uint8).data)
    return digest.hexdigest()
