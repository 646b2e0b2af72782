"""The public page: no login, counts only, from the live store.

Monthly volumes, the decision in effect, vehicles and re-arrests after a diversion, by month,
age band and ZIP code. Every count from 1 to 10 is hidden (and, in a row with its total, the
next smallest, so it cannot be recovered by subtraction: analytics/suppress.py). No case,
person or id is ever shown, linked or served here.
"""

from __future__ import annotations

from collections import Counter

from fastapi import APIRouter, Request
from fastapi.responses import Response

from divert.analytics.suppress import THRESHOLD, Cell, suppress, suppress_row
from divert.service.deps import PUBLIC, SessionDep
from divert.store import public as store

from .guard import TEMPLATES

router = APIRouter(tags=["pages"])
COLUMNS = ("divert", "decline", "needs_review", "prosecute", "out_of_scope", "not screened")
ZIP_ROWS = 25


def shown(cell: Cell) -> str:
    """A count, "1–10" for a small one, or "hidden" for one hidden only so that a small one
    cannot be worked out from the total (it is not small: saying "1–10" would be false)."""
    if cell.value is not None:
        return f"{cell.value:,}"
    return f"1–{THRESHOLD - 1}" if cell.note == "small cell" else "hidden"


def _table(counts: Counter[tuple[str, str]], keys: list[str]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for key in keys:
        row = {c: counts.get((key, c), 0) for c in COLUMNS}
        cells = suppress_row(row)
        total = sum(row.values())
        rows.append({"key": key, "cells": [shown(cells[c]) for c in COLUMNS],
                     "total": shown(suppress(total))})
    return rows


@router.get("/public", openapi_extra={"x-operation": PUBLIC}, include_in_schema=False)
def public_page(request: Request, db: SessionDep) -> Response:
    counts = store.public_counts(db)
    months = sorted({m for m, _ in counts.by_month})
    bands = [name for _, _, name in store.AGE_BANDS] + ["not known"]
    zip_totals: Counter[str] = Counter()
    for (zip_code, _), n in counts.by_zip.items():
        zip_totals[zip_code] += n
    zips = [z for z, _ in zip_totals.most_common(ZIP_ROWS)]
    return TEMPLATES.TemplateResponse(request, "public.html", {
        "user": None, "columns": [c.replace("_", " ") for c in COLUMNS],
        "months": _table(counts.by_month, months), "ages": _table(counts.by_age, bands),
        "zips": _table(counts.by_zip, zips), "more_zips": max(0, len(zip_totals) - ZIP_ROWS),
        "vehicles": {k: shown(suppress(v)) for k, v in sorted(counts.vehicles.items())},
        "rearrests": {k: shown(suppress(v)) for k, v in sorted(counts.rearrests.items())},
        "threshold": THRESHOLD})
