"""The saved queues each role works every day, as data: which cases, in which order, and
who works them (the roles allowed the queue's operation, cases/permissions.yaml).

A queue is a set of list filters; the store applies them with its indexes. The day is an
argument, so a queue of "offers expiring this week" is the same for a test and a server.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from divert.cases import access

OFFER_WARNING = timedelta(days=7)  # an office's working rule, not law


@dataclass(frozen=True, slots=True)
class Queue:
    name: str
    label: str
    operation: str  # the roles allowed this operation work the queue
    about: str


QUEUES: tuple[Queue, ...] = (
    Queue("unreviewed", "Unreviewed", "reviews.create",
          "Screened cases nobody has reviewed yet, oldest filing first."),
    Queue("approvals", "Approvals", "approvals.create",
          "Reviews that wait for an approval you hold; nobody approves their own."),
    Queue("offers_expiring", "Offers expiring", "offers.update",
          "Open offers whose deadline is within 7 days or has passed, soonest first."),
    Queue("no_engagement", "Referred, no engagement", "referrals.create",
          "Cases in treatment whose referral has had no engagement report for 14 days, "
          "longest overdue first."),
)
BY_NAME = {q.name: q for q in QUEUES}


def queues_for(role: str) -> list[Queue]:
    """The queues `role` works, in the order the list shows them."""
    return [q for q in QUEUES if access.is_allowed(role, q.operation)]


def held_approvals(role: str) -> list[str]:
    """The approvals `role` may give (the `approvals:` map of permissions.yaml)."""
    return sorted(a for a, roles in access.permissions().approvals.items() if role in roles)


def queue_filters(name: str, role: str, today: date) -> dict[str, Any]:
    """The list filters of queue `name` for `role` on `today`."""
    if name == "unreviewed":
        return {"state": "screened", "sort": "filed_asc"}
    if name == "approvals":
        return {"pending_approval": ",".join(held_approvals(role)), "sort": "filed_asc"}
    if name == "offers_expiring":
        return {"state": "offered", "due_by": today + OFFER_WARNING, "sort": "due_asc"}
    if name == "no_engagement":
        return {"state": "in_treatment", "due_by": today, "sort": "due_asc"}
    raise KeyError(name)


def under_queue(asked: dict[str, Any], saved: dict[str, Any], sort: str | None) -> dict[str, Any]:
    """List filters: what was asked, the queue's own filters over it, and the order asked
    for, else the queue's, else newest filing first (the page and the API alike)."""
    return {**asked, **{k: v for k, v in saved.items() if k != "sort"},
            "sort": sort or saved.get("sort") or "filed_desc"}
