"""Which version of a policy governs a case, and by which date: decided here and only here.

Every door (`divert screen`, the import, the API, the simulation, the report, `policy diff`)
asks `select`; the SQL engines compile the same `DayRule` and `spans` into a CASE
expression (engines/sql.py), so a batch and a single case can never disagree on the law.
Time is an argument, never the clock.

The modes, each a different legal question:

- `live`: the version in force on the case's own date, the one the policy names in
  `applies_by` (filing_date or contact_date). No version that day: not screened.
- `past_as_latest`: as `live`, but a case dated before the policy's first version is read as
  if dated the latest version's first day (a what-if over older filings).
- `as_of`: every case as if on one given date.
- `latest`: the latest version only (a draft proposal over stored cases): on the case's own
  date where that version covers it, else on the version's first day.

A pinned version (`ID@N` in `policy diff`) is a one-version policy (`pin`), then selected
like any other.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from divert.errors import DivertError
from divert.model.case import Case
from divert.policy.model import Policy, PolicyVersion


class Mode(StrEnum):
    LIVE = "live"
    PAST_AS_LATEST = "past_as_latest"
    AS_OF = "as_of"
    LATEST = "latest"


@dataclass(frozen=True, slots=True)
class Selection:
    """The version that governs a case, the date that chose it, and why.

    `selected_by` is what the decision records: the case date's name (`filing_date`,
    `contact_date`), `as_of` (a date not the case's own) or `what_if` (mode `latest`).
    """

    version: PolicyVersion
    on: date
    selected_by: str
    why: str


@dataclass(frozen=True, slots=True)
class DayRule:
    """How a mode turns a case into the day its version is chosen by, as data the SQL
    engines compile: the case's `column` (or the fixed `on`), replaced by `fallback` when the
    day is before `before` (past_as_latest) or outside the only candidate (latest)."""

    column: str  # the case date `applies_by` names
    on: date | None  # as_of: every case on this day, the column unread
    before: date | None  # past_as_latest: a day before this one ...
    fallback: date | None  # ... or outside the candidate (latest) is read as this day
    candidates: tuple[int, ...]  # the version numbers that may be chosen, newest first


def mode_of(on: date | None, past_as_latest: bool) -> Mode:
    """The mode the engines' (`on`, `past_as_latest`) arguments ask for: `on` wins."""
    if on is not None:
        return Mode.AS_OF
    return Mode.PAST_AS_LATEST if past_as_latest else Mode.LIVE


def day_rule(policy: Policy, mode: Mode = Mode.LIVE, on: date | None = None) -> DayRule:
    """The rule `select` applies to every case of `policy` in `mode` (`on` for as_of)."""
    live = policy.live()
    column = policy.latest().applies_by
    newest_first = tuple(v.version for v in sorted(live, key=lambda v: v.version, reverse=True))
    if mode is Mode.AS_OF:
        if on is None:
            raise DivertError("screening 'as of' a date needs the date")
        return DayRule(column, on, None, None, newest_first)
    if mode is Mode.PAST_AS_LATEST and live:
        return DayRule(column, None, live[0].effective_from, policy.latest().effective_from,
                       newest_first)
    if mode is Mode.LATEST:
        latest = policy.latest()
        return DayRule(column, None, None, latest.effective_from, (latest.version,))
    return DayRule(column, None, None, None, newest_first)


def pin(policy: Policy, number: int, open_ended: bool = True) -> Policy:
    """Policy `policy` reduced to its version `number` (`ID@N`); `open_ended` screens later
    cases under it too, as if it had never been replaced."""
    version = next(v for v in policy.versions if v.version == number)
    return Policy(policy.id, (replace(version, effective_to=None) if open_ended else version,))


def coverage(policy: Policy) -> str:
    """The dates a policy covers, in words, e.g. "v1 from 2026-01-01 to 2026-06-30".

    >>> from divert.policy.model import Default
    >>> from divert.policy.explain import Outcome
    >>> def v(n, start, end):
    ...     return PolicyVersion("p", "t", "j", n, "adopted", start, end, "filing_date", {},
    ...                          (), Default(Outcome.NEEDS_REVIEW, ""), "")
    >>> coverage(Policy("p", (v(1, date(2026, 1, 1), date(2026, 6, 30)),
    ...                       v(2, date(2026, 7, 1), None))))
    'v1 from 2026-01-01 to 2026-06-30; v2 from 2026-07-01 on'
    """
    parts = []
    for version in policy.live():
        end = f"to {version.effective_to.isoformat()}" if version.effective_to else "on"
        parts.append(f"v{version.version} from {version.effective_from.isoformat()} {end}")
    return "; ".join(parts)


def select_version(policy: Policy, on: date) -> PolicyVersion:
    """The version of `policy` in force on `on`.

    Raises:
        DivertError: when no version is in force that day, saying which dates are covered.

    >>> from divert.policy.model import Default
    >>> from divert.policy.explain import Outcome
    >>> def v(n, start, end):
    ...     return PolicyVersion("p", "t", "j", n, "adopted", start, end, "filing_date", {},
    ...                          (), Default(Outcome.NEEDS_REVIEW, ""), "")
    >>> p = Policy("p", (v(1, date(2026, 1, 1), date(2026, 6, 30)), v(2, date(2026, 7, 1), None)))
    >>> select_version(p, date(2026, 6, 30)).version, select_version(p, date(2026, 7, 1)).version
    (1, 2)
    >>> try:
    ...     select_version(p, date(2025, 12, 31))
    ... except DivertError as error:
    ...     print(str(error).replace("; it covers", chr(10) + "it covers"))
    policy p has no version in force on 2025-12-31
    it covers v1 from 2026-01-01 to 2026-06-30; v2 from 2026-07-01 on
    """
    in_force = [v for v in policy.live() if v.is_in_force(on)]
    if not in_force:
        raise DivertError(
            f"policy {policy.id} has no version in force on {on.isoformat()}; "
            f"it covers {coverage(policy)}"
        )
    # `policy check` refuses overlaps (a version that `corrects` another replaces it on its
    # dates: the corrected one is never selected); should two still overlap, the newest governs.
    return max(in_force, key=lambda v: v.version)


def select(policy: Policy, case: Case, mode: Mode = Mode.LIVE,
           on: date | None = None) -> Selection:
    """The version of `policy` that governs `case` in `mode`, the day that chose it, and why.

    >>> from divert.model.case import Case
    >>> from divert.policy.model import Default
    >>> from divert.policy.explain import Outcome
    >>> def v(n, start, end):
    ...     return PolicyVersion("p", "t", "j", n, "adopted", start, end, "filing_date", {},
    ...                          (), Default(Outcome.NEEDS_REVIEW, ""), "")
    >>> p = Policy("p", (v(1, date(2026, 1, 1), date(2026, 6, 30)), v(2, date(2026, 7, 1), None)))
    >>> old, mid = Case("A", (), date(2025, 5, 1)), Case("B", (), date(2026, 3, 1))
    >>> def show(s): return s.version.version, s.on.isoformat(), s.selected_by
    >>> show(select(p, mid))
    (1, '2026-03-01', 'filing_date')
    >>> show(select(p, old, Mode.PAST_AS_LATEST)), show(select(p, mid, Mode.LATEST))
    ((2, '2026-07-01', 'as_of'), (2, '2026-07-01', 'what_if'))
    >>> show(select(p, old, Mode.AS_OF, date(2026, 8, 1)))
    (2, '2026-08-01', 'as_of')
    >>> governs(p, old), governs(p, old, Mode.PAST_AS_LATEST)
    (False, True)

    Raises:
        DivertError: the case lacks the date the policy selects by, or no version is in
            force on the chosen day (the message says which dates are covered).
    """
    rule = day_rule(policy, mode, on)
    if rule.on is not None:
        version = select_version(policy, rule.on)
        return Selection(version, rule.on, "as_of", f"every case screened as if on {rule.on}")
    own = case.date_for(rule.column)
    if own is None:
        raise DivertError(f"case {case.case_id} has no {rule.column}, and policy {policy.id} "
                          f"chooses its version by {rule.column}")
    words = rule.column.replace("_", " ")
    if mode is Mode.LATEST and rule.fallback is not None:
        version = policy.latest()
        if version.is_in_force(own):
            return Selection(version, own, "what_if", f"the {words}, under the latest version")
        return Selection(version, rule.fallback, "what_if",
                         f"the latest version's first day: the {words} {own} is outside it")
    if rule.before is not None and rule.fallback is not None and own < rule.before:
        version = select_version(policy, rule.fallback)
        return Selection(version, rule.fallback, "as_of",
                         f"the latest version's first day: the {words} {own} is before "
                         f"the policy's first version (a what-if)")
    return Selection(select_version(policy, own), own, rule.column,
                     f"the {words}")


def governs(policy: Policy, case: Case, mode: Mode = Mode.LIVE, on: date | None = None) -> bool:
    """Whether some version of `policy` governs `case` in `mode` (`select` would not refuse)."""
    try:
        select(policy, case, mode, on)
    except DivertError:
        return False
    return True


def spans(policy: Policy) -> tuple[tuple[int, date, date | None], ...]:
    """(version, first day, last day or None) of every live version, newest first: the order
    in which `select_version` prefers them, for the SQL engines' CASE."""
    return tuple((v.version, v.effective_from, v.effective_to)
                 for v in sorted(policy.live(), key=lambda v: v.version, reverse=True))
