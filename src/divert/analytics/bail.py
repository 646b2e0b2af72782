"""The bail policy's recommendation against the bail the court set, on the filings feed.

For each filed case: what the no-cash-bail policy recommends (live, and as a named what-if
that reads what the feed cannot hold), and what the court did, read from the feed's bail
events as they are published:

* the court's first bail: `ror`, `unsecured`, `nonmonetary`, `cash` (Monetary over $0),
  `denied`, or `none` (no event, or a blank type);
* cash bail set at any event (the feed's Monetary type over $0; unknown when blank);
* held: a custody facility named, bail denied or revoked, or cash bail published as `Set`
  (set and not yet posted: the person stays in custody until it is posted). The feed holds
  no jail records: cash posted at once (published only as `Posted`) counts as not held, and
  custody on another case is not seen;
* days held between bail events, only where the data shows both ends: from a cash bail
  `Set` to the next event of the case that posts it or replaces it with a release that needs
  no money. Otherwise unknown, never 0.

The policy asks no cash when its outcome is `ror`, `unsecured` or `nonmonetary`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import median

from divert.ingest.filed_case import BailEvent, FiledCase, held_in_custody, money_bail_set
from divert.policy.explain import Decision, Outcome
from divert.policy.model import Policy

NO_CASH = (Outcome.ROR, Outcome.UNSECURED, Outcome.NONMONETARY)
_RELEASE_TYPES = {"ROR": "ror", "Unsecured": "unsecured", "Nonmonetary": "nonmonetary"}


@dataclass(frozen=True, slots=True)
class CourtBail:
    first: str  # ror | unsecured | nonmonetary | cash | denied | none
    cash: bool | None  # cash bail set at some event
    held: bool | None  # facility, denial or revocation, or cash bail published as Set
    days_held: float | None  # from a cash Set to the event that posted or replaced it


def _kind(event: BailEvent) -> str:
    if event.bail_status == "Denied":
        return "denied"
    if event.bail_type in _RELEASE_TYPES:
        return _RELEASE_TYPES[event.bail_type]
    if event.is_monetary:
        return "cash" if (event.bail_amount or 0) > 0 else "none"
    return "none"


def court_bail(case: FiledCase) -> CourtBail:
    """What the court set on one case, from its published bail events.

    >>> from datetime import datetime
    >>> set_ = BailEvent(datetime(2021, 9, 1, 10), "Monetary", 5000.0, "Set", None, None)
    >>> posted = BailEvent(datetime(2021, 9, 4, 10), "Monetary", 5000.0, "Posted", None, None)
    >>> court_bail(_case((set_, posted)))
    CourtBail(first='cash', cash=True, held=True, days_held=3.0)
    >>> court_bail(_case((set_,))).days_held is None
    True
    """
    events = tuple(sorted(case.bail_events, key=lambda e: (e.bail_date is None, e.bail_date)))
    if not events:
        return CourtBail("none", None, None, None)
    unposted = any(e.is_monetary and (e.bail_amount or 0) > 0 and e.bail_status == "Set"
                   for e in events)
    held = held_in_custody(events) or unposted
    return CourtBail(_kind(events[0]), money_bail_set(events), held, _days_held(events))


def _days_held(events: Sequence[BailEvent]) -> float | None:
    for i, event in enumerate(events):
        if not (event.is_monetary and event.bail_status == "Set" and event.bail_date):
            continue
        for later in events[i + 1:]:
            released = later.bail_status == "Posted" or later.bail_type in _RELEASE_TYPES
            if released and later.bail_date and later.bail_date >= event.bail_date:
                return round((later.bail_date - event.bail_date).total_seconds() / 86400, 1)
        return None
    return None


def _case(events: tuple[BailEvent, ...]) -> FiledCase:  # for the doctest
    from datetime import datetime

    from divert.model.case import Case

    return FiledCase(Case("c", ()), "p", "name+dob", datetime(2021, 9, 1), 30, None, None,
                     None, events)


@dataclass(frozen=True, slots=True)
class BailRow:
    """One case: the recommendation (live and what-if) beside the court's bail."""

    case_id: str
    person_id: str
    month: str  # YYYY-MM of filing
    category: str  # the top charge's catalog category, or "unread"
    live: Outcome
    what_if: Outcome
    because: tuple[str, ...]  # the what-if's deciding rules
    court: CourtBail
    proposal_changes: bool  # the diversion proposal changes this case's outcome (what-if)
    proposal_changes_live: bool = False  # … in a live decision, with no assumption

    @property
    def asks_no_cash(self) -> bool:
        return self.what_if in NO_CASH


@dataclass(frozen=True, slots=True)
class BailGroup:
    """Figures for one group of cases (a category, a month, the proposal's cases)."""

    name: str
    cases: int
    no_cash: int  # the policy asks no cash (what-if)
    cash_where_none: int  # … and the court set cash bail
    held: int  # … and the person was held
    days_known: int  # … held, with both bail events in the data
    median_days: float | None
    cash_all: int  # the court set cash bail, whatever the policy asks
    held_all: int

    @property
    def share_held(self) -> float | None:
        """Of the cases with cash bail where the policy asks none, the share held."""
        return self.held / self.cash_where_none if self.cash_where_none else None


def group(name: str, rows: Sequence[BailRow]) -> BailGroup:
    where = [r for r in rows if r.asks_no_cash]
    cash = [r for r in where if r.court.cash]
    held = [r for r in cash if r.court.held]
    days = [r.court.days_held for r in held if r.court.days_held is not None]
    return BailGroup(name, len(rows), len(where), len(cash), len(held), len(days),
                     median(days) if days else None, sum(1 for r in rows if r.court.cash),
                     sum(1 for r in rows if r.court.held))


@dataclass(frozen=True, slots=True)
class BailMeasure:
    rows: tuple[BailRow, ...]
    assumptions: tuple[str, ...]
    policy: str

    def live_outcomes(self) -> Counter[str]:
        return Counter(r.live.value for r in self.rows)

    def what_if_by_court(self) -> Counter[tuple[str, str]]:
        return Counter((r.what_if.value, r.court.first) for r in self.rows)

    def total(self) -> BailGroup:
        return group("all cases", self.rows)

    def by(self, key: str) -> list[BailGroup]:
        """Groups by `category` or `month`, in name order."""
        names = sorted({getattr(r, key) for r in self.rows})
        return [group(n, [r for r in self.rows if getattr(r, key) == n]) for n in names]

    def proposal(self) -> BailGroup:
        return group("cases the diversion proposal changes (what-if)",
                     [r for r in self.rows if r.proposal_changes])

    def proposal_live(self) -> BailGroup:
        return group("cases the diversion proposal changes (live)",
                     [r for r in self.rows if r.proposal_changes_live])


def bail_rows(cases: Iterable[FiledCase], live: dict[str, Decision],
              what_if: dict[str, Decision], changed: set[str],
              changed_live: frozenset[str] = frozenset()) -> tuple[BailRow, ...]:
    """Join each case's decisions (by case id) with the court's bail; every case is kept."""
    out = []
    for case in cases:
        decision = what_if[case.case_id]
        category = next((c.category for c in decision.charges if c.category), "unread")
        out.append(BailRow(case.case_id, case.person_id, case.filed_at.strftime("%Y-%m"),
                           category, live[case.case_id].outcome, decision.outcome,
                           decision.because, court_bail(case), case.case_id in changed,
                           case.case_id in changed_live))
    return tuple(out)


BAIL_WHAT_IF = ("assume.hidden_charges_lesser", "assume.no_unpublished_record",
                "assume.no_unrecorded_fentanyl")
PROPOSAL_WHAT_IF = ("assume.hidden_charges_lesser", "assume.no_unpublished_record")


def measure_bail(cases: Sequence[FiledCase], policies: dict[str, Policy], *,
                 bail: str = "phl-dao-bail-2018", proposal: str = "phl-dao-simple-possession",
                 baseline: str = "phl-dao-2018",
                 assume: Sequence[str] = BAIL_WHAT_IF,
                 changed: tuple[set[str], set[str]] | None = None) -> BailMeasure:
    """Screen every case under the bail policy (live and what-if) and the proposal against
    its baseline, and join them with the court's bail. Cases filed before a policy took
    effect are screened under its first version as a what-if, as `divert screen` does.

    `changed` (the cases the proposal changes under its what-if, and live) saves screening
    the proposal again when the caller has already done so (the report).
    """
    from divert.engines.screening import screen_one
    from divert.policy.load import find_policy
    from divert.policy.select import Mode

    def screen(policy: str, on: frozenset[str]) -> dict[str, Decision]:
        chosen = find_policy(policy, policies)
        return {c.case_id: screen_one(c.case, chosen, Mode.PAST_AS_LATEST, assume=on)
                for c in cases}

    what_if = frozenset(assume)
    live, decided = screen(bail, frozenset()), screen(bail, what_if)
    if changed is None:
        found: list[set[str]] = []
        for on in (frozenset(PROPOSAL_WHAT_IF), frozenset()):
            new, old = screen(proposal, on), screen(baseline, on)
            found.append({k for k in new if new[k].outcome != old[k].outcome})
        changed = (found[0], found[1])
    rows = bail_rows(cases, live, decided, changed[0], frozenset(changed[1]))
    return BailMeasure(rows, tuple(sorted(what_if)), bail)
