"""The provider page: only the referrals sent to this provider, with exactly the fields the
provider API shows (no charges, no criminal history), and a form to report engagement on
one of them (status from the fixed list, date) through the same store call as the API."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from divert.cases import access
from divert.errors import DivertError, InputRefused, NotPermitted
from divert.service.api.engagement import EngagementCreate
from divert.service.api.referrals import referral_public
from divert.service.auth import actor_of
from divert.service.bounds import MAX_INT, IdPath
from divert.service.deps import ClockDep, Principal, SessionDep
from divert.service.errors import plain
from divert.store import treatment
from divert.store.treatment import ENGAGEMENT_STATUSES
from divert.store.views import NotFound

from .guard import TEMPLATES, PageError, page, page_user

router = APIRouter(tags=["pages"])
PageUser = Annotated[Principal, Depends(page_user)]


def render(request: Request, db: SessionDep, user: Principal, *, error: str | None = None,
           failed: int | None = None, flash: str | None = None, status: int = 200,
           typed: dict[str, str] | None = None) -> Response:
    referrals = [referral_public(r) for r in treatment.list_referrals(db, actor_of(user))]
    return TEMPLATES.TemplateResponse(request, "referrals.html", {
        "user": user, "referrals": referrals, "statuses": ENGAGEMENT_STATUSES,
        "can_report": access.is_allowed(user.role, "engagement.create"), "error": error,
        "failed": failed, "flash": flash, "typed": typed or {}}, status_code=status)


@router.get("/referrals", **page("referrals.read"))
def referral_list(request: Request, db: SessionDep, user: PageUser,
                  reported: Annotated[int, Query(ge=0, le=MAX_INT)] = 0) -> Response:
    flash = f"Engagement report on referral {reported} recorded." if reported else None
    return render(request, db, user, flash=flash)


@router.post("/referrals/{referral_id}/engagement", **page("engagement.create"))
def report(referral_id: IdPath, request: Request, db: SessionDep, clock: ClockDep,
           user: PageUser, reported_on: Annotated[str, Form(max_length=10)],
           engagement_status: Annotated[str, Form(max_length=32)],
           attendance: Annotated[str, Form(max_length=32)] = "") -> Response:
    try:
        body = EngagementCreate.model_validate({
            "referral_id": referral_id, "reported_on": reported_on,
            "engagement_status": engagement_status, "attendance": attendance or None})
        treatment.report_engagement(
            db, actor_of(user), referral_id=body.referral_id, reported_on=body.reported_on,
            attendance=body.attendance, engagement_status=body.engagement_status,
            at=clock.now())
    except NotPermitted as exc:  # another provider's referral: refused as the API refuses
        db.rollback()
        raise PageError(403, str(exc)) from exc
    except NotFound as exc:
        db.rollback()
        raise PageError(404, f"No referral with id '{referral_id}'.") from exc
    except ValidationError as exc:
        db.rollback()
        err: Any = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "form"
        return render(request, db, user, error=f"{field}: {err['msg']}", failed=referral_id,
                      status=422)
    except InputRefused as exc:  # a date before the referral or in the future
        db.rollback()
        return render(request, db, user, error=str(exc), failed=referral_id,
                      status=exc.status, typed={"reported_on": reported_on,
                                                "engagement_status": engagement_status,
                                                "attendance": attendance})
    except DivertError as exc:
        db.rollback()
        return render(request, db, user, error=plain(exc), failed=referral_id, status=409)
    return RedirectResponse(f"/referrals?reported={referral_id}", status_code=303)
