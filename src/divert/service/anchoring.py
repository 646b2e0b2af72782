"""While the service runs, record the audit log's head outside the database on a schedule
(DIVERT_AUDIT_HEAD_MINUTES), so a truncation or a rewritten chain is seen by the next verify
even between backups. A failed recording is logged and tried again at the next tick; it never
stops the service."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from divert.store import audit

log = logging.getLogger("divert.service")


def record_now(app: FastAPI, reason: str = "schedule") -> None:
    """Record the head once (the scheduler's tick; tests call it directly)."""
    with app.state.sessionmaker() as session:
        head = audit.record_head(session, reason)
    if head is not None:
        log.info("audit head recorded: entry %s %s", head.seq, head.hash)


def _loop(app: FastAPI, every_s: float, stop: threading.Event) -> None:
    while not stop.wait(every_s):
        try:
            record_now(app)
        except Exception:  # the database may be restarting: log, try at the next tick
            log.exception("could not record the audit head")


@asynccontextmanager
async def head_recorder(app: FastAPI) -> AsyncIterator[None]:
    """Lifespan: a daemon thread records the head every `audit_head_minutes` (0: off)."""
    minutes = app.state.settings.audit_head_minutes
    stop = threading.Event()
    thread = None
    if minutes > 0:
        thread = threading.Thread(target=_loop, args=(app, minutes * 60.0, stop),
                                  name="audit-head-recorder", daemon=True)
        thread.start()
    try:
        yield
    finally:
        stop.set()
        if thread is not None:
            thread.join(timeout=5)
