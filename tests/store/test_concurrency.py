"""Two people acting on the same case at once: one wins, the other is told, nothing is lost."""

from __future__ import annotations

import threading

from sqlalchemy.orm import Session, sessionmaker

from divert.cases.events import DecisionConfirmed, DecisionOverridden
from divert.store import audit, repo

from .kit import ADA, COORD, decision, filed


def test_concurrent_reviews_with_the_same_version_one_wins(
    factory: sessionmaker[Session],
) -> None:
    with factory() as s:
        filed(s)
        screening = repo.record_screening(s, ADA, "C-1", decision("C-1"))
        version = repo.get_case(s, ADA, "C-1").version
    events = [DecisionConfirmed(screening.id, "ada.one"),
              DecisionOverridden(screening.id, "prosecute", "asked for trial", "sup.one")]
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def review(i: int) -> None:
        with factory() as s:
            barrier.wait()
            try:
                repo.append_event(s, (ADA, COORD)[i], "C-1", events[i], version)
                outcomes.append("ok")
            except repo.StaleVersion:
                outcomes.append("stale")
            except Exception as exc:  # an IllegalTransition here would also mean one lost
                outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=review, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["ok", "stale"]
    with factory() as s:
        history = [e.kind for e in repo.list_events(s, ADA, "C-1")]
        assert history[:2] == ["CaseFiled", "Screened"]
        assert len([k for k in history if k.startswith("Decision")]) == 1
        assert repo.get_case(s, ADA, "C-1").version == version + 1
        assert audit.verify(s).ok


def test_concurrent_filings_keep_one_audit_chain(factory: sessionmaker[Session]) -> None:
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            with factory() as s:
                for i in range(10):
                    filed(s, case_id=f"C-{n}-{i}", person_id=f"P-{i}")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    with factory() as s:
        result = audit.verify(s)
        assert result.ok and result.entries == 40
