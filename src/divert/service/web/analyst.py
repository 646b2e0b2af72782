"""The analyst page: the live diversion funnel over the case store (pseudonymous events,
the same figures as GET /api/analytics/funnel) and links to the repercussions report and
the JSON endpoints, which the session cookie opens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from divert.service.api.analytics import live_funnel
from divert.service.deps import Principal, SessionDep

from .guard import TEMPLATES, page, page_user

router = APIRouter(tags=["pages"])
PageUser = Annotated[Principal, Depends(page_user)]


@router.get("/analytics", **page("analytics.read"))
def analytics_page(request: Request, db: SessionDep, user: PageUser) -> Response:
    return TEMPLATES.TemplateResponse(request, "analytics.html", {
        "user": user, "funnel": live_funnel(user, db)})
