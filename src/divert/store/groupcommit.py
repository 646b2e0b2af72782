"""Group commit of audit entries: many concurrent reads' entries in one durable transaction.

Every audited read used to commit its own entry (an fsync each, through SQLite's single
writer), so reads were serialized writes. Here a request hands its entries to the process's
`AuditGroup` and waits: the first waiter with no commit under way becomes the leader, takes
every entry queued so far (its own and those that arrived while the previous commit ran),
appends them to the chain in one transaction and commits; then all of them are answered.
A request's answer therefore still goes out only after its entry is durable, and a failed
commit fails every request in it (none is answered as if audited).

The chain stays one chain across threads and processes: `audit.append_each` reads the head
under the chain lock inside the writing transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL:
the advisory lock), exactly as a single append does.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from divert.cases.access import Actor
from divert.store import audit
from divert.store.db import reading

Item = tuple[Actor, audit.Entry, datetime]


@dataclass(eq=False, slots=True)
class _Ticket:
    items: list[Item]
    done: bool = False
    error: BaseException | None = None


class AuditGroup:
    """One per process (the service keeps it in app.state): see the module docstring."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory
        self._cond = threading.Condition()
        self._queue: list[_Ticket] = []
        self._leading = False
        self.commits = 0  # transactions written (tests and benchmarks read it)

    def commit(self, items: list[Item]) -> None:
        """Append `items` to the chain; returns once they are committed (raises if not)."""
        if not items:
            return
        ticket = _Ticket(items)
        with self._cond:
            self._queue.append(ticket)
            while not ticket.done and self._leading:
                self._cond.wait()
            if ticket.done:
                if ticket.error is not None:
                    raise ticket.error
                return
            # every waiter's request is blocked on its own ticket, so the queue (and one
            # group) is at most as long as the server has request threads
            self._leading = True
            batch, self._queue = self._queue, []
        error: BaseException | None = None
        try:
            with self._factory() as session, session.begin():
                audit.append_each(session, [item for t in batch for item in t.items])
        except BaseException as exc:  # every request in the group is refused with it
            error = exc
        with self._cond:
            self.commits += error is None
            for t in batch:
                t.done, t.error = True, error
            self._leading = False
            self._cond.notify_all()
        if error is not None:
            raise error


@contextmanager
def deferred(session: Session, group: AuditGroup) -> Iterator[None]:
    """Run pure reads whose audit entries are group-committed: inside, transactions are
    read-only ones (`db.reading`) and `audit.append` only collects; on leaving without an
    error the session's transaction is ended and the entries are committed durably (this
    blocks until they are). On an error nothing is written, as a unit of work would roll
    its entry back."""
    collected: list[Item] = []
    session.info[audit.DEFER_INFO] = collected
    try:
        with reading():
            yield
            session.commit()  # ends the read transaction (nothing to write)
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info.pop(audit.DEFER_INFO, None)
    group.commit(collected)
