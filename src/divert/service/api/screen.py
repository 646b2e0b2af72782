"""POST /api/screen and /api/screen/batch: screen ad-hoc cases under a policy and return the
Decisions, stored nowhere — how an ADA asks "what would the policy say?" before a case is
filed, one case or a whole morning's docket at once.

Neither writes anything, so neither is audited (a refused attempt is, by the role check).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from divert.engines.screening import screen_one
from divert.errors import DivertError
from divert.service.deps import op
from divert.service.errors import ApiError
from divert.service.schemas.screen import (
    SCREEN_BATCH_LIMIT,
    CaseIn,
    ScreenBatchRequest,
    ScreenRequest,
)
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


def _refusal(index: int, errors: list[tuple[tuple[str | int, ...], str]]) -> dict[str, Any]:
    return {"index": index, "ok": False,
            "error": "; ".join(f"{'.'.join(str(p) for p in loc[2:]) or 'case'}: {msg}"
                               for loc, msg in errors),
            "errors": [{"loc": list(loc), "msg": msg} for loc, msg in errors]}


BATCH_OP = op("screenings.create", 413)
BATCH_OP["responses"] = {200: {"description": "`results[i]` answers `cases[i]`.", "content": {
    "application/json": {"schema": {"type": "object", "properties": {
        "screened": {"type": "integer"}, "refused": {"type": "integer"},
        "results": {"type": "array", "items": {"type": "object", "properties": {
            "index": {"type": "integer"}, "ok": {"type": "boolean"},
            "decision": {"type": "object", "description": "As POST /api/screen answers."},
            "error": {"type": "string"},
            "errors": {"type": "array", "items": {"type": "object"}}},
            "required": ["index", "ok"]}}},
        "required": ["screened", "refused", "results"]}}}}, **BATCH_OP["responses"]}


@router.post("/screen/batch", summary="Screen up to 1,000 ad-hoc cases",
             response_class=Response, **BATCH_OP)
def screen_batch(body: ScreenBatchRequest, request: Request) -> Response:
    """Apply the policy to each case; `results[i]` answers `cases[i]`: its Decision, or the
    reason it was refused (a malformed case, no version in force on its date) — a refused
    case never stops the others. At most 1,000 cases (413 past that: split the batch).
    Nothing is stored."""
    if len(body.cases) > SCREEN_BATCH_LIMIT:
        raise ApiError(413, f"A batch holds at most {SCREEN_BATCH_LIMIT:,} cases; this one has "
                       f"{len(body.cases):,}. Split it into batches of {SCREEN_BATCH_LIMIT:,}.",
                       loc=("body", "cases"))
    if not body.cases:
        raise ApiError(422, "A batch needs at least one case.", loc=("body", "cases"))
    policy = policy_of(request, body.policy_id)
    results: list[dict[str, Any]] = []
    for i, raw in enumerate(body.cases):
        try:
            case = CaseIn.model_validate(raw)
        except ValidationError as exc:
            results.append(_refusal(i, [
                (("body", "cases", i, *e["loc"]), e["msg"]) for e in exc.errors()]))
            continue
        try:
            decision = screen_one(case.to_case(), policy)
        except DivertError as exc:  # no version of the policy in force on the case's date
            results.append(_refusal(i, [(("body", "cases", i, "filing_date"), str(exc))]))
            continue
        results.append({"index": i, "ok": True, "decision": decision.to_json()})
    refused = sum(not r["ok"] for r in results)
    # Encoded here: the Decisions are plain JSON already, and FastAPI's generic encoder
    # walking a thousand of them cost more than screening them.
    answer = {"screened": len(results) - refused, "refused": refused, "results": results}
    return Response(json.dumps(answer, ensure_ascii=False, separators=(",", ":")),
                    media_type="application/json")
