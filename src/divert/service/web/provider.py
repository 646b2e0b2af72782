"""The provider page: only the referrals sent to this provider, with exactly the fields the
provider API shows (no charges, no criminal history), and a form to report engagement on
one of them (status from the fixed list, date) through the same store call as the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from divert.cases import access
from divert.cases.consent import ConsentInvalid
from divert.cases.consent import rules as consent_rules
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
    actor = actor_of(user)
    referrals = [referral_public(r) for r in treatment.list_referrals(db, actor)]
    today = request.app.state.clock.now().date()
    consents: dict[str, list[dict[str, Any]]] = {}
    if access.is_allowed(user.role, "consents.read"):
        for case_id in {r["case_id"] for r in referrals}:
            consents[case_id] = [
                {"id": v.consent.consent_id, "signed_on": v.consent.signed_on,
                 "live": v.consent.revoked_on is None and v.consent.expires_on >= today,
                 "status": (f"revoked on {v.consent.revoked_on}" if v.consent.revoked_on
                            else f"expired on {v.consent.expires_on}"
                            if v.consent.expires_on < today
                            else f"in force until {v.consent.expires_on}")}
                for v in treatment.list_consents(db, actor, case_id)]
    return TEMPLATES.TemplateResponse(request, "referrals.html", {
        "consents": consents, "can_revoke": access.is_allowed(user.role, "consents.revoke"),
        "user": user, "referrals": referrals, "statuses": ENGAGEMENT_STATUSES,
        "can_report": access.is_allowed(user.role, "engagement.create"), "error": error,
        "can_consent": access.is_allowed(user.role, "consents.create"),
        "kinds": sorted(consent_rules().kinds),
        "roles": ["charging_ada", "supervisor", "coordinator", "analyst"],
        "failed": failed, "flash": flash, "typed": typed or {}}, status_code=status)


@router.get("/referrals", **page("referrals.read"))
def referral_list(request: Request, db: SessionDep, user: PageUser,
                  reported: Annotated[int, Query(ge=0, le=MAX_INT)] = 0,
                  consented: Annotated[int, Query(ge=0, le=MAX_INT)] = 0,
                  revoked: Annotated[int, Query(ge=0, le=MAX_INT)] = 0) -> Response:
    flash = (f"Engagement report on referral {reported} recorded." if reported
             else f"Consent on referral {consented} recorded." if consented
             else f"Consent {revoked} revoked: nothing more is disclosed under it."
             if revoked else None)
    return render(request, db, user, flash=flash)


def _referral_step(request: Request, db: SessionDep, user: Principal, referral_id: int,
                   write: Callable[[], Any], done: str, typed: dict[str, str]) -> Response:
    """Do `write` on one of this provider's referrals; another provider's is refused as the
    API refuses it, and any other refusal shows the page again with what was typed."""
    def again(error: str, status: int) -> Response:
        db.rollback()
        return render(request, db, user, error=error, failed=referral_id, status=status,
                      typed=typed)

    try:
        write()
    except NotPermitted as exc:
        db.rollback()
        raise PageError(403, str(exc)) from exc
    except NotFound as exc:
        db.rollback()
        raise PageError(404, f"No referral with id '{referral_id}'.") from exc
    except ValidationError as exc:
        return again(plain(exc), 422)
    except InputRefused as exc:  # a date before the referral or in the future
        return again(str(exc), exc.status)
    except ConsentInvalid as exc:
        return again(str(exc), 422)
    except DivertError as exc:  # an illegal step
        return again(plain(exc), 409)
    return RedirectResponse(f"/referrals?{done}={referral_id}", status_code=303)


@router.post("/referrals/{referral_id}/engagement", **page("engagement.create"))
def report(referral_id: IdPath, request: Request, db: SessionDep, clock: ClockDep,
           user: PageUser, reported_on: Annotated[str, Form(max_length=10)],
           engagement_status: Annotated[str, Form(max_length=32)],
           attendance: Annotated[str, Form(max_length=32)] = "") -> Response:
    def write() -> None:
        body = EngagementCreate.model_validate({
            "referral_id": referral_id, "reported_on": reported_on,
            "engagement_status": engagement_status, "attendance": attendance or None})
        treatment.report_engagement(
            db, actor_of(user), referral_id=body.referral_id, reported_on=body.reported_on,
            attendance=body.attendance, engagement_status=body.engagement_status,
            at=clock.now())

    return _referral_step(request, db, user, referral_id, write, "reported", {
        "reported_on": reported_on, "engagement_status": engagement_status,
        "attendance": attendance})


@router.post("/referrals/{referral_id}/consent", **page("consents.create"))
def record_consent(referral_id: IdPath, request: Request, db: SessionDep, clock: ClockDep,
                   user: PageUser, purpose: Annotated[str, Form(max_length=300)],
                   signed_on: Annotated[str, Form(max_length=10)],
                   expires_on: Annotated[str, Form(max_length=10)],
                   recipient_roles: Annotated[list[str] | None, Form()] = None,
                   kinds: Annotated[list[str] | None, Form()] = None) -> Response:
    """The person's signed Part 2 consent, recorded by the provider that discloses: only on
    a referral sent to this provider (the store refuses any other)."""
    from divert.service.api.consents import ConsentCreate

    typed = {"purpose": purpose, "signed_on": signed_on, "expires_on": expires_on}

    def write() -> None:
        referral = treatment.get_referral(db, actor_of(user), referral_id)
        if not kinds:
            raise ConsentInvalid("kinds: tick at least one kind of information the consent "
                                 "lets you disclose.")
        body = ConsentCreate.model_validate({
            "case_id": referral.case_id, "provider_id": referral.provider_id,
            "recipient_roles": recipient_roles or [], "kinds": kinds, **typed})
        treatment.record_consent(
            db, actor_of(user), case_id=body.case_id, provider_id=body.provider_id,
            recipient_roles=body.recipient_roles, kinds=body.kinds, purpose=body.purpose,
            signed_on=body.signed_on, expires_on=body.expires_on, at=clock.now())

    return _referral_step(request, db, user, referral_id, write, "consented", typed)


@router.post("/consents/{consent_id}/revoke", **page("consents.revoke"))
def revoke_consent(consent_id: IdPath, request: Request,
                   db: SessionDep, clock: ClockDep, user: PageUser) -> Response:
    """The person revoked their consent: disclosures stop from today."""
    try:
        treatment.revoke_consent(db, actor_of(user), consent_id, clock.now().date(), None,
                                 clock.now())
    except NotPermitted as exc:
        db.rollback()
        raise PageError(403, str(exc)) from exc
    except NotFound as exc:
        db.rollback()
        raise PageError(404, f"No consent with id '{consent_id}'.") from exc
    except DivertError as exc:  # already revoked
        db.rollback()
        return render(request, db, user, error=plain(exc), status=409)
    return RedirectResponse(f"/referrals?revoked={consent_id}", status_code=303)
