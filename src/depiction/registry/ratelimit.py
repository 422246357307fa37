"""A rate limit kept in the registry database, so every worker process and every replica
sharing the registry counts the same events (an in-process counter lets N workers allow N
times the limit)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from depiction.registry.bulk import write_lock
from depiction.registry.database import open_database
from depiction.registry.models import RateEvent, utcnow


class SharedRateLimiter:
    """At most `count` events per `seconds` per key (a client address)."""

    def __init__(self, count: int, seconds: float, url: str | None = None) -> None:
        self._count, self._window = count, timedelta(seconds=seconds)
        self._engine = open_database(url)

    def allow(self, key: str) -> bool:
        """Count one event for `key` unless its window is full; check and count are one
        transaction under a lock, so concurrent callers cannot both take the last slot."""
        now = utcnow()
        with Session(self._engine) as session, session.begin():
            write_lock(session.connection(), "rate_event")
            session.execute(delete(RateEvent).where(RateEvent.at < now - self._window))
            used = session.scalar(select(func.count()).where(RateEvent.key == key[:200]))
            if (used or 0) >= self._count:
                return False
            session.add(RateEvent(key=key[:200], at=now))
            return True
