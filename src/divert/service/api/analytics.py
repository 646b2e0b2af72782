"""Analytics for analysts (role `analyst`, operation `analytics.read`): pseudonymous only.

Measures, the policy simulation and the repercussions report over the bundled real
filings (pseudonymous before they reached divert); the funnel over the live case store
(GET, through the store's pseudonymous event export) or over event records an analyst
posts (POST, the same shape: `{"case_id", "type", ...}`). Results over the filings are
computed once per policy pair and kept in memory: the data and policies do not change
while the service runs.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from divert.analytics.assumptions import load_assumptions
from divert.analytics.disparity import by_funnel_step
from divert.analytics.filings import load_filings
from divert.analytics.funnel import STEPS, Funnel, funnel
from divert.analytics.live import last_filing_day, live_refiling
from divert.analytics.measures import Measure
from divert.analytics.report.settings import load_settings
from divert.errors import DivertError
from divert.policy.model import Policy
from divert.resources import sample_filings
from divert.service.auth import actor_of
from divert.service.deps import CurrentUser, SessionDep, op
from divert.service.errors import ApiError
from divert.service.screening import policy_of
from divert.store.events_export import export_events

if TYPE_CHECKING:  # the report's content pulls in lifelines (seconds): imported on first use
    from divert.analytics.report.content import Content

router = APIRouter(prefix="/api/analytics", tags=["analytics"])

# The key of the live export's pseudonyms: stable while the service runs, so an analyst's
# figures agree across requests, and unlinkable to another run's (or to real ids) after it.
PSEUDONYM_KEY = secrets.token_bytes(32)

CANDIDATE = Query("phl-dao-simple-possession", description="Candidate policy id.")
BASELINE = Query("phl-dao-2018", description="Baseline policy id.")


def measure_json(m: Measure) -> dict[str, Any]:
    """A Measure with its whole definition: numerator, denominator, window, dates, interval."""
    return {"name": m.name, "numerator": m.numerator, "denominator": m.denominator,
            "rate": m.rate, "ci95": [m.low, m.high] if m.low is not None else None,
            "window_days": m.window_days, "censored": m.censored,
            "from": m.start.isoformat(), "to": m.end.isoformat(), "says": m.describe()}


_CACHE: dict[tuple[str, ...], Content] = {}


def _content(candidate: Policy, baseline: Policy) -> Content:
    """Computed once per pair of policy versions (keyed by their sha256)."""
    from divert.analytics.report.content import build_content

    key = tuple(v.sha256 for p in (candidate, baseline) for v in p.versions)
    if key not in _CACHE:
        path = sample_filings()
        if len(_CACHE) >= 4:  # a few pairs at most: each holds every case's diff
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = build_content(load_filings(path), path, candidate, baseline,
                                    load_assumptions(), load_settings())
    return _CACHE[key]


def content_for(request: Request, candidate: str, baseline: str) -> Content:
    cand, base = policy_of(request, candidate), policy_of(request, baseline)
    try:
        return _content(cand, base)
    except DivertError as exc:
        raise ApiError(422, str(exc), loc=("query", "policy")) from exc


@router.get("/measures", summary="Re-filing after possession and after PWID",
            **op("analytics.read"))
def measures(request: Request, baseline: str = BASELINE) -> dict[str, Any]:
    """Re-filing within each window, censored windows left out, with 95% intervals."""
    c = content_for(request, baseline, baseline)
    return {
        "data": {"source": c.table.source, "from": c.table.start.isoformat(),
                 "to": c.table.end.isoformat(), "cases": len(c.table.rows),
                 "people": c.table.people},
        "groups": {k: {"label": r.group.label, "measures": [measure_json(m) for m in r.measures]}
                   for k, r in c.refiling.items()},
        "comparisons": [x.describe() for x in c.comparisons],
    }


@router.get("/simulation", summary="Candidate vs baseline on the same past cases",
            **op("analytics.read"))
def simulation(request: Request, policy: str = CANDIDATE, baseline: str = BASELINE
               ) -> dict[str, Any]:
    """Changes by direction and rule, months, capacity and re-filing ranges, bail, custody."""
    c = content_for(request, policy, baseline)
    return {
        "policy": c.candidate.ref.to_json(), "baseline": c.baseline.ref.to_json(),
        "changes": [{"direction": d, "baseline_rule": b, "candidate_rule": a, "cases": n}
                    for (d, b, a), n in sorted(c.rules.items())],
        "people_newly_diverted": len({d.person_id for d in c.newly}),
        "months": [{"month": v.month, "full_month": v.full_month, "cases": v.cases,
                    "newly_diverted": v.newly_diverted, "people": v.people_newly_diverted}
                   for v in c.volumes],
        "ranges": [{"name": r.name, "unit": r.unit, "at_defaults": r.at_defaults,
                    "median": r.median, "p5": r.p5, "p95": r.p95} for r in c.ranges],
        "bail": {"cases": c.bail.cases, "people": c.bail.people, "by_type": c.bail.by_type,
                 "monetary": c.bail.monetary, "held": c.bail.held,
                 "people_held": c.bail.people_held, "held_for_money": c.bail.held_for_money},
        "assumptions": {k: {"default": a.default, "low": a.low, "high": a.high,
                            "source": a.source, "placeholder": a.placeholder}
                        for k, a in c.assumptions.parameters.items()},
        # the report's figures, each with its definition: "newly" here is beyond today's
        # discretionary diversion share, while the counts above are policy against policy
        "figures": {f.key: {"label": f.label, "value": f.value, "unit": f.unit,
                            "low": f.low, "high": f.high, "definition": f.definition,
                            "numerator": f.numerator, "denominator": f.denominator,
                            "source": f.source, "placeholder": f.placeholder}
                    for f in (c.figures or ())},
    }


@router.get("/report", summary="The repercussions report (HTML)", response_class=HTMLResponse,
            **op("analytics.read"))
def report(request: Request, policy: str = CANDIDATE, baseline: str = BASELINE) -> HTMLResponse:
    """The same self-contained document `divert report` writes."""
    from divert.analytics.report.build import render_html

    return HTMLResponse(render_html(content_for(request, policy, baseline)))


class FunnelEvent(BaseModel):
    case_id: str = Field(min_length=1)
    type: str = Field(min_length=1, description="Event type, e.g. Screened, OfferAccepted.")
    outcome: str | None = None
    engaged: bool | None = None


class FunnelRequest(BaseModel):
    events: list[FunnelEvent]
    recorded: list[str] = Field(default=list(STEPS), description="Steps the source records.")
    groups: dict[str, str] = Field(
        default_factory=dict,
        description="Optional case_id → group (e.g. age band): adds rates by group per step.",
    )
    start: date | None = Field(None, description="First day the events cover (with groups).")
    end: date | None = Field(None, description="Last day the events cover (with groups).")


def funnel_json(f: Funnel) -> dict[str, Any]:
    """Each step's count, share of the step before and cases lost, with sentences."""
    return {
        "steps": [{"step": s.step, "count": s.count, "share_of_previous": s.share_of_previous,
                   "lost": s.lost} for s in f.steps],
        "missing": list(f.missing()), "says": f.describe(),
    }


@router.get("/funnel", summary="The diversion funnel over the live case store",
            **op("analytics.read"))
def live_funnel(user: CurrentUser, db: SessionDep) -> dict[str, Any]:
    """Every case in the store, read as pseudonymous events (the read is audited)."""
    events = export_events(db, actor_of(user), PSEUDONYM_KEY)
    dates = [e.date for e in events]
    return {
        "data": {"source": "case store", "events": len(events),
                 "cases": len({e.case_id for e in events}),
                 "people": len({e.person_id for e in events}),
                 "from": min(dates).isoformat() if dates else None,
                 "to": max(dates).isoformat() if dates else None},
        **funnel_json(funnel(e.to_record() for e in events)),
    }


@router.get("/live-refiling", summary="Re-filing over the live case store",
            **op("analytics.read"))
def live_refiling_of(
    user: CurrentUser, db: SessionDep,
    as_of: date | None = Query(None, description="Last day observed (default: the latest "
                               "filing date in the store); windows open then are censored."),
) -> dict[str, Any]:
    """Re-filing after a first filed case and after a first diversion, in each window."""
    records = [e.to_record() for e in export_events(db, actor_of(user), PSEUDONYM_KEY)]
    day = as_of or last_filing_day(records)
    groups = live_refiling(records, day) if day else {}
    return {"as_of": day.isoformat() if day else None,
            "groups": {k: [measure_json(m) for m in ms] for k, ms in groups.items()}}


@router.post("/funnel", summary="The diversion funnel over event records",
             **op("analytics.read"))
def funnel_of(body: FunnelRequest) -> dict[str, Any]:
    """Each step's count and share lost; steps the source does not record say so."""
    try:
        f = funnel([e.model_dump() for e in body.events], body.recorded)
    except ValueError as exc:
        raise ApiError(422, str(exc), loc=("body", "recorded")) from exc
    out = funnel_json(f)
    if body.groups:
        if body.start is None or body.end is None:
            raise ApiError(422, "rates by group need 'start' and 'end': every figure states "
                           "the dates it covers", loc=("body", "start"))
        by_step = by_funnel_step([e.model_dump() for e in body.events], body.groups,
                                 body.start, body.end, f.recorded)
        out["by_group"] = {
            step: [{"group": g.group, "numerator": g.measure.numerator,
                    "denominator": g.measure.denominator, "rate": g.measure.rate,
                    "ci95": [g.measure.low, g.measure.high],
                    "ratio_vs_reference": None if g.vs_reference is None else
                    [g.vs_reference.ratio, g.vs_reference.ratio_low, g.vs_reference.ratio_high]}
                   for g in rows]
            for step, rows in by_step.items()
        }
    return out
