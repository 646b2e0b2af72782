"""Sealing a person's records over the API (administrators, with the approval the
permissions table names): afterwards every role gets 404 for those cases."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from divert.service.auth import actor_of
from divert.service.deps import ClockDep, CurrentUser, SessionDep, op
from divert.store import sealing

router = APIRouter(prefix="/api/people", tags=["people"])


class SealCreate(BaseModel):
    order: str = Field(min_length=1, max_length=200,
                       description="The court order or petition the sealing rests on.")
    approved_by: str | None = Field(
        None, max_length=64, description="The approving account (permissions.yaml "
        "`seal_approval`; not the one sealing).")


@router.post("/{person_id}/seal", status_code=201, summary="Seal a person's records",
             **op("records.seal", 404))
def seal(person_id: Annotated[str, Path(max_length=64)], body: SealCreate, user: CurrentUser,
         db: SessionDep, clock: ClockDep) -> dict[str, Any]:
    """Every stored case of the person becomes unreadable to every role; the audit log
    keeps the sealing, for the auditor."""
    cases = sealing.seal_person(db, actor_of(user), person_id, body.order, body.approved_by,
                                at=clock.now())
    return {"person_id": person_id, "sealed_cases": cases}
