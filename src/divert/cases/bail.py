"""Bail and supervision on one case, folded from its events: the requests made (with the
approval each waits for), the court's bail, and the probation asked at disposition.

A request that departs from the bail policy's recommendation names its approval when it is
recorded (policy/departure.py); it is in effect once BailRequestApproved names it, and a
refused one is kept, marked refused. Nobody approves their own request.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from divert.cases.events import (
    BailRequestApproved,
    BailRequested,
    BailRequestRefused,
    CourtBailSet,
    Event,
    SupervisionRequested,
)
from divert.errors import DivertError


@dataclass(frozen=True, slots=True)
class Request:
    seq: int
    event: BailRequested | SupervisionRequested
    status: str  # in_effect | waiting | approved | refused
    decided_by: str | None = None
    refusal: str | None = None


@dataclass(frozen=True, slots=True)
class BailHistory:
    requests: tuple[Request, ...] = ()
    court: tuple[tuple[int, CourtBailSet], ...] = ()
    supervision: tuple[Request, ...] = ()
    waiting: tuple[int, ...] = field(default=())  # seqs of requests waiting for approval


def fold(events: Iterable[Event]) -> BailHistory:
    """The bail and supervision history after `events` (positions are the events' seq).

    >>> from datetime import date
    >>> d = date(2026, 7, 2)
    >>> h = fold([BailRequested("cash", d, "ada", 500, "warrants", "district_attorney"),
    ...           BailRequestApproved(1, "da"), CourtBailSet("ror", d)])
    >>> [(r.status, r.decided_by) for r in h.requests], h.court[0][1].bail_type, h.waiting
    ([('approved', 'da')], 'ror', ())
    """
    requests: dict[int, Request] = {}
    supervision: dict[int, Request] = {}
    court: list[tuple[int, CourtBailSet]] = []
    for seq, event in enumerate(events, start=1):
        match event:
            case BailRequested(approval=approval):
                requests[seq] = Request(seq, event, "waiting" if approval else "in_effect")
            case SupervisionRequested(approval=approval):
                supervision[seq] = Request(seq, event, "waiting" if approval else "in_effect")
            case BailRequestApproved(request_seq=target, by=by):
                for book in (requests, supervision):
                    if target in book and book[target].status == "waiting":
                        book[target] = replace(book[target], status="approved", decided_by=by)
            case BailRequestRefused(request_seq=target, by=by, reason=reason):
                for book in (requests, supervision):
                    if target in book and book[target].status == "waiting":
                        book[target] = replace(book[target], status="refused", decided_by=by,
                                               refusal=reason)
            case CourtBailSet():
                court.append((seq, event))
    waiting = tuple(s for book in (requests, supervision) for s, r in book.items()
                    if r.status == "waiting")
    return BailHistory(tuple(requests.values()), tuple(court), tuple(supervision.values()),
                       tuple(sorted(waiting)))


class NoSuchRequest(DivertError):
    """An approval names a request that is not waiting, or its own author approves it."""


def check_decision(history: BailHistory, event: BailRequestApproved | BailRequestRefused,
                   actor: str) -> str:
    """The approval the waiting request names (for the role check); refuses, in a sentence,
    a request that is not waiting or an author deciding their own request."""
    found = next((r for r in (*history.requests, *history.supervision)
                  if r.seq == event.request_seq and r.status == "waiting"), None)
    if found is None:
        raise NoSuchRequest(f"No bail or supervision request waits for approval at event "
                            f"{event.request_seq} of this case.")
    if found.event.by == actor:
        raise NoSuchRequest("Nobody approves their own request: another person with the "
                            "approval the policy names must decide.")
    assert found.event.approval is not None
    return found.event.approval
