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
from divert.service.deps import CurrentUser, Principal, SessionDep, op
from divert.service.errors import ApiError
from divert.service.screening import bail_policy_of, policy_of
from divert.store.handles import Session
from divert.store.importer import import_filings

router = APIRouter(prefix="/api/imports", tags=["imports"])


@router.post("", status_code=201, summary="Import a filings file", **op("import.run"))
def run_import(file: Annotated[UploadFile, File(description="A filings CSV.")],
               request: Request, user: CurrentUser, db: SessionDep) -> dict[str, Any]:
    """Refused rows are listed with their line and reason; the rest is imported. A case
    already stored that the file describes differently is listed under `conflicts` and kept
    as stored. The file may be up to DIVERT_MAX_UPLOAD_BYTES (16 MB by default)."""
    return import_upload(file, request, user, db)


def import_upload(file: UploadFile, request: Request, user: Principal, db: Session
                  ) -> dict[str, Any]:
    """Import one uploaded filings file (the API's and the administrator's page's call)."""
    policy = policy_of(request)
    name = Path(file.filename or "upload.csv").name or "upload.csv"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name

        def shown(text: str) -> str:
            """The uploader's file name where the server's temporary path would be (red-team
            finding 9: refusals showed it)."""
            return text.replace(str(path), name).replace(tmp, "")

        path.write_bytes(file.file.read())
        try:
            ingested = read_phl_filings(path)
        except InputFormatError as exc:
            said = shown(exc.message)
            raise ApiError(422, said if said.startswith(name) else f"{name} {said}",
                           loc=("body", "file")) from exc
        summary = import_filings(db, ingested, policy, actor_of(user),
                                 bail=bail_policy_of(request))
    return {"file": name, "rows_read": summary.rows_read, "rows_refused": summary.rows_refused,
            "cases_added": summary.cases_added,
            "cases_already_present": summary.cases_already_present,
            "cases_conflicting": summary.cases_conflicting,
            "cases_screened": summary.cases_screened,
            "refusals": [shown(r) for r in summary.refusals],
            "conflicts": [shown(c) for c in summary.conflicts],
            "unscreened": list(summary.unscreened), "outcomes": summary.outcomes}
