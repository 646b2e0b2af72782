"""The case lifecycle: ONE table of allowed (state, event) → new state, and a fold over events.

A case's state is never stored as the truth; it is derived from its events. Anything not in
TRANSITIONS is refused with IllegalTransition naming the events that are allowed, and the
store writes nothing. docs/lifecycle.md is checked against this table by a test.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from divert.cases.events import Event, kind_of
from divert.errors import IllegalTransition


class State(StrEnum):
    NEW = "new"  # no event yet
    PAD_REFERRED = "pad_referred"  # police referral, no charge filed
    FILED = "filed"
    SCREENED = "screened"
    REVIEWED = "reviewed"  # ADA confirmed or overrode the decision
    OFFERED = "offered"
    DIVERTED = "diverted"  # offer accepted, not yet with a provider
    IN_TREATMENT = "in_treatment"  # referred to a provider
    COMPLETED = "completed"
    PROSECUTION = "prosecution"  # declined, expired or returned
    WITHDRAWN = "withdrawn"  # charges withdrawn: closed
    DISPOSED = "disposed"  # final disposition: closed


S = State
_CONSENT = {"ConsentRecorded": None, "ConsentRevoked": None, "EngagementReported": None}
_REVOKE = {"ConsentRevoked": None}
_REARREST = {"ReArrestRecorded": None}
# Bail is asked, approved and set while the case is open before disposition; it never
# changes the state. The supervision request is recorded at disposition, before Disposed
# closes the case.
_BAIL = {"BailRequested": None, "BailRequestApproved": None, "BailRequestRefused": None,
         "CourtBailSet": None}
_SUPERVISION = {"SupervisionRequested": None}

# (state) → {event kind → new state}; None means "stays in the same state".
_TABLE: dict[State, dict[str, State | None]] = {
    S.NEW: {"PadReferred": S.PAD_REFERRED, "CaseFiled": S.FILED},
    S.PAD_REFERRED: {  # Screened: the PAD policy (applies by contact date) screens here
        "CaseFiled": S.FILED, "Screened": None, "ReferredToProvider": None, **_CONSENT,
        **_REARREST,
    },
    S.FILED: {
        "Screened": S.SCREENED, "ChargesWithdrawn": S.WITHDRAWN, "Disposed": S.DISPOSED,
        **_REARREST,
        **_BAIL,
    },
    S.SCREENED: {
        "Screened": None, "DecisionConfirmed": S.REVIEWED, "DecisionOverridden": S.REVIEWED,
        "ChargesWithdrawn": S.WITHDRAWN, "Disposed": S.DISPOSED, **_REARREST,
        **_BAIL,
    },
    S.REVIEWED: {  # a review may wait for approval, be refused, and be made again
        "ReviewApproved": None, "ReviewRefused": None, "DecisionConfirmed": None,
        "DecisionOverridden": None, "OfferMade": S.OFFERED, "ChargesWithdrawn": S.WITHDRAWN,
        "Disposed": S.DISPOSED, **_REARREST,
        **_BAIL, **_SUPERVISION,
    },
    S.OFFERED: {
        "OfferAccepted": S.DIVERTED, "OfferDeclined": S.PROSECUTION,
        "OfferExpired": S.PROSECUTION, "ChargesWithdrawn": S.WITHDRAWN, **_REARREST,
        **_BAIL,
    },
    S.DIVERTED: {
        "ReferredToProvider": S.IN_TREATMENT, "ConsentRecorded": None, "ConsentRevoked": None,
        "ReturnedToProsecution": S.PROSECUTION, "ChargesWithdrawn": S.WITHDRAWN, **_REARREST,
        **_BAIL,
    },
    S.IN_TREATMENT: {
        "ReferredToProvider": None, **_CONSENT, "DiversionCompleted": S.COMPLETED,
        "ReturnedToProsecution": S.PROSECUTION, "ChargesWithdrawn": S.WITHDRAWN, **_REARREST,
        **_BAIL,
    },
    S.COMPLETED: {"ChargesWithdrawn": S.WITHDRAWN, **_REVOKE, **_REARREST},
    S.PROSECUTION: {
        "Disposed": S.DISPOSED, "ChargesWithdrawn": S.WITHDRAWN, **_REVOKE, **_REARREST,
        **_BAIL, **_SUPERVISION,
    },
    S.WITHDRAWN: {**_REVOKE, **_REARREST},
    S.DISPOSED: {**_REVOKE, **_REARREST},
}

TRANSITIONS: dict[tuple[State, str], State] = {
    (state, kind): (target if target is not None else state)
    for state, row in _TABLE.items()
    for kind, target in row.items()
}

# ReArrestRecorded is an observation, allowed in every state after the first event; the
# store records it only on cases whose history shows a diversion (had_diversion).
# Events that mean a diversion is or was open for the case: a new filing for the same
# person is then a re-arrest on it (design.md, "The flow of a case").
DIVERSION_MARKERS = frozenset({"PadReferred", "OfferAccepted"})
CLOSED = frozenset({State.WITHDRAWN, State.DISPOSED})


def allowed(state: State) -> tuple[str, ...]:
    """Event kinds allowed in a state, in table order."""
    return tuple(_TABLE[state])


def apply(state: State, event: Event, case_id: str = "?") -> State:
    """The state after `event`; IllegalTransition (naming the allowed events) if it is refused."""
    kind = kind_of(event)
    target = TRANSITIONS.get((state, kind))
    if target is None:
        raise IllegalTransition(case_id, state.name, kind, allowed(state))
    return target


def fold(events: Iterable[Event], case_id: str = "?") -> State:
    """Derive a case's state from its events, in order; an illegal history raises."""
    state = State.NEW
    for event in events:
        state = apply(state, event, case_id)
    return state


def had_diversion(events: Iterable[Event]) -> bool:
    """True when the case has an open or past diversion (PAD referral or accepted offer)."""
    return any(kind_of(e) in DIVERSION_MARKERS for e in events)
