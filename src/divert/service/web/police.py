"""The police (PAD) page: refer a person before any charge, from a phone, through the same
store call as POST /api/pad-referrals, and see one's own recent referrals."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from divert.errors import DivertError
from divert.service.auth import actor_of
from divert.service.deps import ClockDep, Principal, SessionDep
from divert.service.schemas.cases import PadCreate
from divert.store import pad, repo, treatment

from .guard import TEMPLATES, page, page_user

router = APIRouter(tags=["pages"])
PageUser = Annotated[Principal, Depends(page_user)]


def case_id_for(incident_id: str) -> str:
    """A PAD case is named after its incident, so the officer types one number, not two."""
    return f"PAD-{incident_id}"


def render(request: Request, db: SessionDep, user: Principal, today: date, *,
           form: dict[str, str] | None = None, error: str | None = None,
           flash: str | None = None, status: int = 200) -> Response:
    recent = [{"case_id": c.id, "incident_id": c.incident_id, "person_id": c.person_id,
               "contact_date": c.contact_date, "state": c.state}
              for c in pad.recent_pad_referrals(db, actor_of(user))]
    return TEMPLATES.TemplateResponse(request, "pad.html", {
        "user": user, "recent": recent, "providers": treatment.list_providers(db),
        "form": form or {"contact_date": today.isoformat()}, "error": error, "flash": flash},
        status_code=status)


@router.get("/pad", **page("pad.create"))
def pad_form(request: Request, db: SessionDep, clock: ClockDep, user: PageUser,
             done: str = "") -> Response:
    flash = f"Referral {done} recorded." if done else None
    return render(request, db, user, clock.now().date(), flash=flash)


@router.post("/pad", **page("pad.create"))
def pad_submit(request: Request, db: SessionDep, clock: ClockDep, user: PageUser,
               person_id: Annotated[str, Form(max_length=64)],
               incident_id: Annotated[str, Form(max_length=64)],
               contact_date: Annotated[str, Form(max_length=10)],
               provider_id: Annotated[str, Form(max_length=64)] = "") -> Response:
    form = {"person_id": person_id, "incident_id": incident_id, "contact_date": contact_date,
            "provider_id": provider_id}
    now = clock.now()
    try:
        body = PadCreate.model_validate({
            "case_id": case_id_for(incident_id.strip()), "person_id": person_id.strip(),
            "incident_id": incident_id.strip(), "contact_date": contact_date,
            "provider_id": provider_id or None})
        view = repo.record_pad_referral(
            db, actor_of(user), case_id=body.case_id, person_id=body.person_id,
            incident_id=body.incident_id, contact_date=body.contact_date,
            provider_id=body.provider_id, at=now)
    except ValidationError as exc:
        db.rollback()
        return render(request, db, user, now.date(), form=form, status=422,
                      error=_first_problem(exc))
    except DivertError as exc:
        db.rollback()
        return render(request, db, user, now.date(), form=form, status=409, error=str(exc))
    return RedirectResponse(f"/pad?done={view.id}", status_code=303)


def _first_problem(exc: ValidationError) -> str:
    """One sentence naming the field: "contact_date: Input should be a valid date…"."""
    err: Any = exc.errors()[0]
    field = ".".join(str(p) for p in err["loc"]) or "form"
    return f"{field}: {err['msg']}"
