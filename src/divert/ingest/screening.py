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

from divert.cases.model import Case
from divert.errors import DivertError
from divert.policy.explain import Decision
from divert.policy.model import Policy


@dataclass(frozen=True, slots=True)
class NotScreened:
    """A case the policy could not be applied to, and why (e.g. no version in force)."""

    case_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class Screened:
    """Every case's decision, or why it has none, in input order."""

    decisions: tuple[Decision, ...]
    not_screened: tuple[NotScreened, ...] = ()
    seconds: float = field(default=0.0, compare=False)

    @property
    def cases(self) -> int:
        return len(self.decisions) + len(self.not_screened)

    @property
    def cases_per_second(self) -> float:
        return self.cases / self.seconds if self.seconds > 0 else 0.0


def screen_all(
    cases: Sequence[Case],
    policy: Policy,
    on: date | None = None,
    advance: Callable[[], None] | None = None,
) -> Screened:
    """Screen each case with the in-process engine; a case that cannot be screened is kept.

    Args:
        cases: the cases, in the order the output should keep.
        policy: every version of the policy; each case gets the one in force on its date.
        on: screen every case as if on this date instead (a "what if" over past cases).
        advance: called once per case, for a progress bar.
    """
    import time

    from divert.engines.inprocess import screen_case

    decisions: list[Decision] = []
    refused: list[NotScreened] = []
    started = time.perf_counter()
    for case in cases:
        try:
            decisions.append(screen_case(case, policy, on))
        except DivertError as error:
            refused.append(NotScreened(case.case_id, str(error)))
        if advance is not None:
            advance()
    return Screened(tuple(decisions), tuple(refused), time.perf_counter() - started)


def outcome_counts(decisions: Iterable[Decision]) -> list[tuple[str, int]]:
    """Cases per outcome, most first."""
    return Counter(d.outcome.value for d in decisions).most_common()


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
