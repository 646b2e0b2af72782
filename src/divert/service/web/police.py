"""The police (PAD) page: refer a person before any charge, from a phone, through the same
call as POST /api/pad-referrals (`service.pad.refer`), see at once whether the person is
eligible (in the policy's words), and see one's own recent referrals."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from divert.errors import DivertError, InputRefused
from divert.service import pad as pad_referral
from divert.service.auth import actor_of
from divert.service.deps import ClockDep, Principal, SessionDep
from divert.service.errors import ApiError, plain
from divert.service.schemas.cases import PadCreate
from divert.service.screening import policy_of
from divert.store import pad, repo, treatment
from divert.store.views import CaseView

from .guard import TEMPLATES, page, page_user

router = APIRouter(tags=["pages"])
PageUser = Annotated[Principal, Depends(page_user)]

OFFENSE_CHOICES = [(o.value, label) for o, (label, _) in pad_referral.OFFENSES.items()]


def render(request: Request, db: SessionDep, user: Principal, today: date, *,
           form: dict[str, Any] | None = None, error: str | None = None,
           done: str = "", status: int = 200) -> Response:
    mine = pad.recent_pad_referrals(db, actor_of(user))
    recent = [{"case_id": c.id, "incident_id": c.incident_id, "person_id": c.person_id,
               "contact_date": c.contact_date, "state": c.state,
               "eligible": None if c.outcome is None else c.outcome == pad_referral.ELIGIBLE}
              for c in mine]
    result = _result(request, db, user, next((c for c in mine if c.id == done), None))
    return TEMPLATES.TemplateResponse(request, "pad.html", {
        "user": user, "recent": recent, "providers": treatment.list_providers(db),
        "offenses": OFFENSE_CHOICES, "districts": pad_referral.DISTRICTS,
        "form": form or {"contact_date": today.isoformat(), "offenses": []}, "error": error,
        "flash": f"Referral {done} recorded." if result else None, "result": result},
        status_code=status)


def _result(request: Request, db: SessionDep, user: Principal,
            case: CaseView | None) -> dict[str, Any] | None:
    """Eligible or not, in the stored decision's words; only for the officer's own referral."""
    if case is None:
        return None
    actor = actor_of(user)
    screening = repo.latest_screening(db, actor, case.id)
    if screening is None:  # recorded before PAD referrals were screened
        return None
    eligible = screening.outcome == pad_referral.ELIGIBLE
    reason = pad_referral.reason_of(screening.decision,
                                    policy_of(request, pad_referral.PAD_POLICY_ID))
    names = {p.id: p.name for p in treatment.list_providers(db)}
    sent = [names.get(r.provider_id, r.provider_id)
            for r in treatment.list_referrals(db, actor, case_id=case.id)]
    return {"eligible": eligible,
            "says": pad_referral.headline_of(eligible, reason, sent[0] if sent else None)}


@router.get("/pad", **page("pad.create"))
def pad_form(request: Request, db: SessionDep, clock: ClockDep, user: PageUser,
             done: str = "") -> Response:
    return render(request, db, user, clock.now().date(), done=done)


@router.post("/pad", **page("pad.create"))
def pad_submit(request: Request, db: SessionDep, clock: ClockDep, user: PageUser,
               person_id: Annotated[str, Form(max_length=64)],
               incident_id: Annotated[str, Form(max_length=64)],
               contact_date: Annotated[str, Form(max_length=10)],
               offenses: Annotated[list[str] | None, Form()] = None,
               police_district: Annotated[str, Form(max_length=8)] = "",
               provider_id: Annotated[str, Form(max_length=64)] = "") -> Response:
    form = {"person_id": person_id, "incident_id": incident_id, "contact_date": contact_date,
            "offenses": offenses or [], "police_district": police_district,
            "provider_id": provider_id}
    now = clock.now()
    try:
        body = PadCreate.model_validate({
            "person_id": person_id.strip(), "incident_id": incident_id.strip(),
            "contact_date": contact_date, "offenses": offenses or [],
            "police_district": police_district.strip(), "provider_id": provider_id or None})
        result = pad_referral.refer(
            db, actor_of(user), policy_of(request, pad_referral.PAD_POLICY_ID),
            case_id=pad_referral.case_id_for(body.incident_id), person_id=body.person_id,
            incident_id=body.incident_id, contact_date=body.contact_date,
            offenses=body.offenses, police_district=body.police_district,
            provider_id=body.provider_id, now=now)
    except ValidationError as exc:
        db.rollback()
        return render(request, db, user, now.date(), form=form, status=422,
                      error=plain(exc))
    except ApiError as exc:
        db.rollback()
        return render(request, db, user, now.date(), form=form, status=exc.status,
                      error=exc.message)
    except DivertError as exc:  # InputRefused (422, or 409 for a repeat), Conflict
        db.rollback()
        return render(request, db, user, now.date(), form=form, error=plain(exc),
                      status=exc.status if isinstance(exc, InputRefused) else 409)
    # '#' and '/' are common in incident numbers: quoted, the id survives the redirect.
    return RedirectResponse(f"/pad?done={quote(result.case.id, safe='')}", status_code=303)

