"""Several repository calls and an idempotency key as one transaction, or none of them."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from divert.store import repo
from divert.store.idempotency import find_response, remember_response
from divert.store.tables import AuditRow, CaseRow

from .kit import ADA, decision, filed


def test_a_write_and_its_stored_response_commit_together(session: Session) -> None:
    with repo.atomic(session):
        filed(session)
        remember_response(session, "ada.one", "key-1", "f" * 64, 201, '{"id": "C-1"}')
    session.close()
    assert find_response(session, "ada.one", "key-1") is not None
    assert repo.get_case(session, ADA, "C-1").state == "filed"


def test_a_failure_inside_rolls_back_every_call(session: Session) -> None:
    with pytest.raises(repo.Conflict), repo.atomic(session):
        filed(session, "C-1")
        repo.record_screening(session, ADA, "C-1", decision("C-1"))
        remember_response(session, "ada.one", "key-2", "f" * 64, 201, "{}")
        filed(session, "C-1")  # duplicate: the whole block is undone
    assert session.scalar(select(func.count()).select_from(CaseRow)) == 0
    assert session.scalar(select(func.count()).select_from(AuditRow)) == 0
    assert find_response(session, "ada.one", "key-2") is None


def test_a_key_is_scoped(session: Session) -> None:
    with repo.atomic(session):
        remember_response(session, "ada.one", "k", "a" * 64, 200, "{}")
    assert find_response(session, "someone.else", "k") is None
    stored = find_response(session, "ada.one", "k")
    assert stored is not None and (stored.status_code, stored.request_sha256) == (200, "a" * 64)
