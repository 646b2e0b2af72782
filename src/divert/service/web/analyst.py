"""The analyst's page: the live diversion funnel, re-filing over the live store and the
monthly decisions in effect, each as a chart, a table and a CSV download (the same figures
as GET /api/analytics/…), and the repercussions report. Pseudonymous counts only."""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from divert.csvcells import csv_text
from divert.service.api.analytics import live_funnel, live_refiling_of
from divert.service.deps import Principal, SessionDep
from divert.store.public import public_counts

from .guard import TEMPLATES, PageError, page, page_user

router = APIRouter(tags=["pages"])
PageUser = Annotated[Principal, Depends(page_user)]
OUTCOME_ORDER = ("divert", "decline", "needs_review", "prosecute", "out_of_scope", "none")


def _monthly(db: SessionDep) -> dict[str, Any]:
    """Cases by filing month and decision in effect (an analyst sees exact counts)."""
    by_month: Counter[tuple[str, str]] = public_counts(db).by_month
    months = sorted({m for m, _ in by_month})
    outcomes = [o for o in OUTCOME_ORDER if any(k[1] == o for k in by_month)]
    totals = {m: sum(by_month.get((m, o), 0) for o in outcomes) for m in months}
    rows = [{"month": m, "counts": {o: by_month.get((m, o), 0) for o in outcomes},
             "total": totals[m]} for m in months]
    return {"outcomes": outcomes, "rows": rows, "largest": max(totals.values(), default=0)}


def _refiling(user: Principal, db: SessionDep) -> list[dict[str, Any]]:
    found = live_refiling_of(user, db, None)
    return [{"group": group, "as_of": found["as_of"], **m}
            for group, ms in found["groups"].items() for m in ms]


def _funnel_table(user: Principal, db: SessionDep) -> tuple[list[str], list[list[Any]]]:
    return (["step", "cases", "share_of_previous_step", "lost"],
            [[s["step"], s["count"], s["share_of_previous"], s["lost"]]
             for s in live_funnel(user, db)["steps"]])


def _refiling_table(user: Principal, db: SessionDep) -> tuple[list[str], list[list[Any]]]:
    return (["group", "window_days", "refiled", "people", "rate", "ci95_low", "ci95_high",
             "censored"],
            [[r["group"], r["window_days"], r["numerator"], r["denominator"], r["rate"],
              *(r["ci95"] or [None, None]), r["censored"]] for r in _refiling(user, db)])


def _monthly_table(user: Principal, db: SessionDep) -> tuple[list[str], list[list[Any]]]:
    monthly = _monthly(db)
    return (["filing_month", *monthly["outcomes"], "total"],
            [[r["month"], *r["counts"].values(), r["total"]] for r in monthly["rows"]])


# Each download: the same numbers the page shows, as (header, rows).
DOWNLOADS = {"funnel": _funnel_table, "refiling": _refiling_table, "monthly": _monthly_table}


@router.get("/analytics", **page("analytics.read"))
def analytics_page(request: Request, db: SessionDep, user: PageUser) -> Response:
    funnel = live_funnel(user, db)
    largest = max((s["count"] or 0 for s in funnel["steps"]), default=0)
    return TEMPLATES.TemplateResponse(request, "analytics.html", {
        "user": user, "funnel": funnel, "funnel_largest": largest,
        "refiling": _refiling(user, db), "monthly": _monthly(db)})


@router.get("/analytics/{name}.csv", **page("analytics.read"))
def analytics_csv(name: str, db: SessionDep, user: PageUser) -> Response:
    if name not in DOWNLOADS:
        raise PageError(404, f"There is no {name[:20]!r} download; the downloads are: "
                             f"{', '.join(DOWNLOADS)}.")
    header, rows = DOWNLOADS[name](user, db)
    body = csv_text(header, [["" if v is None else v for v in row] for row in rows])
    return Response(body, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{name}.csv"'})
