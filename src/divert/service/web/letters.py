"""Letters for the person and their lawyer: the decision letter (what the office decided on
each charge, under which clause and its source, through which vehicle and on what
conditions) and the offer letter (the offer's terms and deadline, what accepting means).

Each is a self-contained printable page (its style inline, so that Chromium prints the same
page from a file) and the same page as PDF, printed by the headless Chromium that prints the
repercussions report. The store holds pseudonyms only: the office writes the person's name
and address by hand on the printed letter.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from divert.errors import DivertError
from divert.policy.model import PolicyVersion
from divert.policy.vehicles import Vehicle
from divert.service.auth import actor_of
from divert.service.deps import ClockDep, Principal, SessionDep
from divert.store import repo
from divert.store.views import NotFound

from . import words
from .guard import TEMPLATES, PageError, page, page_user
from .pages import vehicles_at

router = APIRouter(tags=["pages"])
PageUser = Annotated[Principal, Depends(page_user)]
KINDS = ("decision", "offer")
OUTCOME_WORDS = {
    "divert": "to divert the case to treatment instead of prosecuting it",
    "prosecute": "to prosecute the case as charged",
    "decline": "not to prosecute the case",
    "needs_review": "that an assistant district attorney must review the case before a "
                    "decision is made",
    "out_of_scope": "that the case is not one this office decides under this policy",
}


def _version(request: Request, decision: dict[str, Any]) -> PolicyVersion | None:
    policy = request.app.state.policies().get(decision["policy"]["id"])
    return next((v for v in policy.versions if v.version == decision["policy"]["version"]),
                None) if policy else None


def _vehicle(version: PolicyVersion | None, vehicle_id: str | None) -> Vehicle | None:
    if version is None or not vehicle_id or not version.path:
        return None
    return vehicles_at(version.path).get(vehicle_id)


def letter_context(request: Request, db: SessionDep, user: Principal, case_id: str,
                   kind: str, today: date) -> dict[str, Any]:
    """What a letter says, from the stored case, its events and its latest screening."""
    actor = actor_of(user)
    view = repo.get_case(db, actor, case_id)
    latest = repo.latest_screening(db, actor, case_id)
    if latest is None:
        raise PageError(409, f"Case {case_id} has not been screened: there is no decision to "
                             "write to the person yet. Screen it first.")
    decision = latest.decision
    events = repo.list_events(db, actor, case_id)
    offers = [e for e in events if e.kind == "OfferMade"]
    if kind == "offer" and not offers:
        raise PageError(409, f"No offer has been made on case {case_id}: make the offer on "
                             "the case page first, then print its letter.")
    version = _version(request, decision)
    effective = view.outcome or decision["outcome"]
    vehicle = _vehicle(version, decision.get("vehicle") if effective == "divert" else None)
    clauses = []
    for rule in decision["rules"]:
        number = rule.get("clause")
        if rule["rule"] in decision["because"] and rule["truth"] == "true" and number:
            basis = version.bases.get(number) if version else None
            clauses.append({"number": number, "says": rule["says"],
                            "text": version.clauses.get(number, "") if version else "",
                            "basis": (f"Source: {basis.text}" if basis and basis.kind == "source"
                                      else f"This office's assumption: {basis.text}"
                                      if basis else "")})
    return {
        "kind": kind, "today": today, "case": view, "decision": decision,
        "effective": effective, "effective_words": OUTCOME_WORDS.get(effective, effective),
        "overridden": view.decided_by is not None and effective != decision["outcome"],
        "decided_by": view.decided_by, "reason": view.decision_reason,
        "reason_first": words.reason_first(decision), "clauses": clauses, "vehicle": vehicle,
        "policy": version, "offer": offers[-1].payload if offers else None,
        "charges": decision.get("charges") or [],
    }


@router.get("/cases/{case_id:id}/letter/{kind}", **page("cases.read"))
def letter(case_id: str, kind: str, request: Request, db: SessionDep, clock: ClockDep,
           user: PageUser) -> Response:
    """The letter as a printable page, or (`…/decision.pdf`) printed to PDF by headless
    Chromium, as the report is printed."""
    name, pdf = (kind[:-4], True) if kind.endswith(".pdf") else (kind, False)
    if name not in KINDS:
        raise PageError(404, f"There is no {kind[:20]!r} letter; the letters are: "
                             f"{', '.join(KINDS)} (add .pdf for a PDF).")
    today = clock.now().date()
    try:
        context = {**letter_context(request, db, user, case_id, name, today), "user": user}
    except NotFound as exc:
        raise PageError(404, f"No case with id '{case_id}'.") from exc
    if not pdf:
        return TEMPLATES.TemplateResponse(request, "letter.html", context)
    return Response(_print(TEMPLATES.get_template("letter.html").render(
        {**context, "printing": True}), today), media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{name}-letter-{_safe(case_id)}.pdf"'})


def _safe(case_id: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in case_id)


def _print(html: str, today: date) -> bytes:
    from divert.analytics.report.build import html_to_pdf

    with tempfile.TemporaryDirectory() as tmp:
        source, pdf = Path(tmp) / "letter.html", Path(tmp) / "letter.pdf"
        source.write_text(html, encoding="utf-8")
        try:
            html_to_pdf(source, pdf, today)
        except DivertError as exc:
            raise PageError(503, "The PDF cannot be printed on this server: "
                                 f"{exc}. Print the letter from the browser instead.") from exc
        return pdf.read_bytes()
