"""POST /api/screen: screen an ad-hoc case under a policy and return the Decision, stored
nowhere — how an ADA asks "what would the policy say?" before a case is filed.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from divert.engines.screening import screen_one
from divert.errors import DivertError
from divert.service.deps import op
from divert.service.errors import ApiError
from divert.service.schemas.screen import ScreenRequest
from divert.service.screening import policy_of

router = APIRouter(prefix="/api", tags=["screen"])


@router.post("/screen", summary="Screen an ad-hoc case", **op("screenings.create"))
def screen(body: ScreenRequest, request: Request) -> dict[str, Any]:
    """Apply the policy to the case in the body; returns the full Decision (nothing stored)."""
    policy = policy_of(request, body.policy_id)
    try:
        decision = screen_one(body.case.to_case(), policy)
    except DivertError as exc:  # e.g. no version of the policy in force on the case's date
        raise ApiError(422, str(exc), loc=("body", "case", "filing_date")) from exc
    return decision.to_json()
