"""Appeals: a user contests a decision; a reviewer upholds or overturns it; resolved appeals
become evaluation cases, so every overturned decision is measured in the next policy change."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from depiction.errors import RegistryError
from depiction.registry.database import open_database
from depiction.registry.models import Appeal, utcnow

OUTCOMES = ("upheld", "overturned")


class AppealRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    decision_id: str
    prompt: str
    mode: str
    action: str
    categories: list[str]
    reason: str
    status: str
    outcome: str | None
    created_at: datetime
    resolved_at: datetime | None


class AppealStore:
    def __init__(self, url: str | None = None) -> None:
        self._engine = open_database(url)

    def file(
        self,
        decision_id: str,
        prompt: str,
        mode: str,
        action: str,
        categories: list[str],
        reason: str,
    ) -> AppealRecord:
        if not reason.strip():
            raise RegistryError("an appeal needs a reason")
        with Session(self._engine, expire_on_commit=False) as session, session.begin():
            row = Appeal(
                decision_id=decision_id, prompt=prompt, mode=mode, action=action,
                categories=",".join(categories), reason=reason.strip()[:2000], status="open",
                created_at=utcnow(),
            )  # fmt: skip
            session.add(row)
        return _record(row)

    def entries(self, status: str | None = None) -> list[AppealRecord]:
        with Session(self._engine) as session:
            query = select(Appeal).order_by(Appeal.id)
            if status is not None:
                query = query.where(Appeal.status == status)
            return [_record(row) for row in session.scalars(query)]

    def resolve(self, appeal_id: int, outcome: str) -> AppealRecord:
        if outcome not in OUTCOMES:
            raise RegistryError(f"outcome must be one of: {', '.join(OUTCOMES)}")
        with Session(self._engine, expire_on_commit=False) as session, session.begin():
            row = session.get(Appeal, appeal_id)
            if row is None:
                raise RegistryError(f"no appeal with id {appeal_id}")
            if row.status != "open":
                raise RegistryError(f"appeal {appeal_id} is already resolved")
            row.status, row.outcome, row.resolved_at = "resolved", outcome, utcnow()
            return _record(row)

    def as_cases(self) -> list[dict[str, str]]:
        """Resolved appeals as evaluation cases: an overturned refusal expects `allow`."""
        return [
            {
                "id": f"appeal-{a.id}",
                "prompt": a.prompt,
                "mode": a.mode,
                "expected": "allow" if a.outcome == "overturned" else a.action,
                "category": (a.categories or ["appeal"])[0],
                "source": f"appeal of decision {a.decision_id}, {a.outcome}",
            }
            for a in self.entries("resolved")
        ]


def _record(row: Appeal) -> AppealRecord:
    return AppealRecord(
        id=row.id, decision_id=row.decision_id, prompt=row.prompt, mode=row.mode, action=row.action,
        categories=[c for c in row.categories.split(",") if c], reason=row.reason, status=row.status,
        outcome=row.outcome, created_at=row.created_at, resolved_at=row.resolved_at,
    )  # fmt: skip
