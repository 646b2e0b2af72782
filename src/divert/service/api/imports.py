"""POST /api/imports: an administrator uploads a daily filings file; the store imports it
idempotently (a re-upload changes nothing) and screens each new case on arrival.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile

from divert.errors import InputFormatError
from divert.ingest.phl_filings import read_phl_filings
from divert.service.auth import actor_of
from divert.service.deps import CurrentUser, SessionDep, op
from divert.service.errors import ApiError
from divert.service.screening import bail_policy_of, policy_of
from divert.store.importer import import_filings

router = APIRouter(prefix="/api/imports", tags=["imports"])


@router.post("", status_code=201, summary="Import a filings file", **op("import.run"))
def run_import(file: Annotated[UploadFile, File(description="A filings CSV.")],
               request: Request, user: CurrentUser, db: SessionDep) -> dict[str, Any]:
    """Refused rows are listed with their line and reason; the rest is imported."""
    policy = policy_of(request)
    name = Path(file.filename or "upload.csv").name
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(file.file.read())
        try:
            ingested = read_phl_filings(path)
        except InputFormatError as exc:
            raise ApiError(422, exc.message, loc=("body", "file")) from exc
        summary = import_filings(db, ingested, policy, actor_of(user),
                                 bail=bail_policy_of(request))
    return {"file": name, "rows_read": summary.rows_read, "rows_refused": summary.rows_refused,
            "cases_added": summary.cases_added,
            "cases_already_present": summary.cases_already_present,
            "cases_screened": summary.cases_screened, "refusals": list(summary.refusals),
            "unscreened": list(summary.unscreened), "outcomes": summary.outcomes}
