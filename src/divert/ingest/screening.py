"""Screening a file's cases and counting the results: the body of `divert screen`.

Kept out of the CLI so the command stays read → screen → write → summarize, and so that a
batch engine can hand its decisions to the same summary. A case the engine cannot screen
(no policy version in force on its date, no date at all) is kept with its reason, never lost.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from divert.errors import DivertError
from divert.model.case import Case
from divert.policy.explain import Decision
from divert.policy.model import Policy


@dataclass(frozen=True, slots=True)
class NotScreened:
    """A case the policy could not be applied to, and why (e.g. no version in force)."""

    case_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class Screened:
    """Every case's decision, or why it has none, in input order.

    `what_if` counts the cases filed before the policy's first version took effect, which
    were screened under its latest version as if filed the day that version took effect.
    """

    decisions: tuple[Decision, ...]
    not_screened: tuple[NotScreened, ...] = ()
    what_if: int = 0
    seconds: float = field(default=0.0, compare=False)

    @property
    def cases(self) -> int:
        return len(self.decisions) + len(self.not_screened)

    @property
    def cases_per_second(self) -> float:
        return self.cases / self.seconds if self.seconds > 0 else 0.0


def what_if_date(case: Case, policy: Policy) -> date | None:
    """The date to screen a case filed before the policy existed: its latest version's start.

    None when the case has its own date inside or after the policy's first version (then it
    is screened by its own date), or no date at all (then the engine says so).
    """
    first, latest = policy.live()[0], policy.latest()
    when = case.date_for(latest.applies_by)
    if when is not None and when < first.effective_from:
        return latest.effective_from
    return None


def screen_one(case: Case, policy: Policy, on: date | None, past_as_latest: bool,
               assume: frozenset[str] = frozenset()) -> Decision:
    """One case: by `on` if given; else by its date, or as a what-if when it predates the policy.

    Raises:
        DivertError: the case cannot be screened (no date, or no version in force on it).
    """
    from divert.engines.inprocess import screen_case

    if on is None and past_as_latest:
        on = what_if_date(case, policy)
    return screen_case(case, policy, on, assume)


def screen_all(
    cases: Sequence[Case],
    policy: Policy,
    on: date | None = None,
    advance: Callable[[], None] | None = None,
    past_as_latest: bool = True,
    assume: frozenset[str] = frozenset(),
) -> Screened:
    """Screen each case with the in-process engine; a case that cannot be screened is kept.

    Args:
        cases: the cases, in the order the output should keep.
        policy: every version of the policy; each case gets the one in force on its date.
        on: screen every case as if on this date instead (a "what if" over past cases).
        advance: called once per case, for a progress bar.
        past_as_latest: screen a case filed before the policy's first version under the
            latest version, as if filed the day it took effect (recorded in the decision as
            `selected_by: as_of`); when False such a case is not screened, with the reason.
        assume: what-if assumptions to switch on (policy/whatif.py); none for live work.
    """
    import time

    decisions: list[Decision] = []
    refused: list[NotScreened] = []
    what_if = 0
    started = time.perf_counter()
    for case in cases:
        if on is None and past_as_latest and what_if_date(case, policy) is not None:
            what_if += 1
        try:
            decisions.append(screen_one(case, policy, on, past_as_latest, assume))
        except DivertError as error:
            refused.append(NotScreened(case.case_id, str(error)))
        if advance is not None:
            advance()
    seconds = time.perf_counter() - started
    return Screened(tuple(decisions), tuple(refused), what_if, seconds)


def outcome_counts(decisions: Iterable[Decision]) -> list[tuple[str, int]]:
    """Cases per outcome (a divert with its vehicle: `divert via amp-1`), most first."""
    return Counter(d.outcome.value + (f" via {d.vehicle}" if d.vehicle else "")
                   for d in decisions).most_common()


def deciding_rule_counts(decisions: Iterable[Decision]) -> list[tuple[str, str, int]]:
    """(outcome, deciding rule ids joined by ';' or '(default)', cases), most first."""
    counts = Counter((d.outcome.value, ";".join(d.because) or "(default)") for d in decisions)
    return [(outcome, rules, n) for (outcome, rules), n in counts.most_common()]


def unread_wordings(decisions: Iterable[Decision]) -> list[tuple[str, int, str]]:
    """Every charge wording the catalog could not read: (wording, charges, reason), most first."""
    counts: Counter[str] = Counter()
    reasons: dict[str, str] = {}
    for decision in decisions:
        for charge in decision.charges:
            if charge.category is None:
                counts[charge.as_written] += 1
                reasons.setdefault(charge.as_written, charge.reason or "")
    return [(wording, n, reasons[wording]) for wording, n in counts.most_common()]
