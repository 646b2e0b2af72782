"""The same past cases under two policies: which change outcome, which way, and by which rules.

The second half of `divert policy diff` (style.md rule 4, OpenFisca's "reform"): the first
half, diff.py, says what the words changed; this says what that does to real cases. Pure: it
compares decisions already made, so any engine's decisions can be compared. A case one side
could not screen is kept with the outcome `not screened`, never dropped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from divert.policy.explain import Decision

NOT_SCREENED = "not screened"
DEFAULT = "(default)"


@dataclass(frozen=True, slots=True)
class Side:
    """One case under one policy: its outcome and the rules that decided it, or why none."""

    outcome: str  # an Outcome value, or NOT_SCREENED
    because: str  # deciding rule ids joined by ";", DEFAULT, or the reason it was not screened
    policy: str  # "id@version" of the version applied, "" when not screened
    unknowns: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CaseChange:
    """One row of the case-level diff."""

    case_id: str
    person_id: str
    old: Side
    new: Side

    @property
    def changed(self) -> bool:
        return self.old.outcome != self.new.outcome

    @property
    def direction(self) -> str:
        return f"{self.old.outcome} → {self.new.outcome}" if self.changed else "unchanged"


def side(decision: Decision | None, not_screened: str = "") -> Side:
    """A decision as one side of the diff; None with a reason for a case not screened."""
    if decision is None:
        return Side(NOT_SCREENED, not_screened, "")
    return Side(decision.outcome.value, ";".join(decision.because) or DEFAULT,
                f"{decision.policy.id}@{decision.policy.version}", decision.unknowns)


def compare(
    case_ids: Sequence[str],
    people: Mapping[str, str],
    old: Mapping[str, Side],
    new: Mapping[str, Side],
) -> list[CaseChange]:
    """Every case in input order, with both sides.

    Raises:
        ValueError: a case has no side under one of the policies (a caller's bug: a case
            that could not be screened must be given as NOT_SCREENED, not left out).
    """
    missing = [c for c in case_ids if c not in old or c not in new]
    if missing:
        raise ValueError(f"{len(missing)} case(s) have no result under one policy "
                         f"(first: {missing[0]})")
    return [CaseChange(c, people.get(c, ""), old[c], new[c]) for c in case_ids]


@dataclass(frozen=True, slots=True)
class Summary:
    cases: int
    changed: int
    people_changed: int  # distinct person ids among the changed cases ("" not counted)
    directions: list[tuple[str, int]]  # ("prosecute → divert", n), most first
    rules: list[tuple[str, str, str, int]]  # (direction, old because, new because, n)


def summarize(changes: Iterable[CaseChange]) -> Summary:
    """Counts of the changed cases by direction and by the rules on each side.

    >>> a, b = Side("prosecute", DEFAULT, "p@1"), Side("divert", "possession-only", "q@1")
    >>> s = summarize([CaseChange("1", "x", a, b), CaseChange("2", "x", a, b),
    ...                CaseChange("3", "y", a, a)])
    >>> (s.cases, s.changed, s.people_changed, s.directions)
    (3, 2, 1, [('prosecute → divert', 2)])
    >>> s.rules
    [('prosecute → divert', '(default)', 'possession-only', 2)]
    """
    rows = list(changes)
    changed = [c for c in rows if c.changed]
    directions = Counter(c.direction for c in changed)
    rules = Counter((c.direction, c.old.because, c.new.because) for c in changed)
    return Summary(
        cases=len(rows),
        changed=len(changed),
        people_changed=len({c.person_id for c in changed if c.person_id}),
        directions=sorted(directions.items(), key=lambda kv: (-kv[1], kv[0])),
        rules=[(d, o, n, k) for (d, o, n), k in sorted(rules.items(),
                                                        key=lambda kv: (-kv[1], kv[0]))],
    )


CSV_COLUMNS = ("case_id", "person_id", "changed", "direction", "old_policy", "old_outcome",
               "old_because", "new_policy", "new_outcome", "new_because", "unknowns")


def csv_row(change: CaseChange) -> tuple[str, ...]:
    """One case as the row of `--out FILE.csv`, in CSV_COLUMNS order."""
    unknowns = ";".join(sorted({*change.old.unknowns, *change.new.unknowns}))
    return (change.case_id, change.person_id, "yes" if change.changed else "no",
            change.direction, change.old.policy, change.old.outcome, change.old.because,
            change.new.policy, change.new.outcome, change.new.because, unknowns)


def _people(n: int) -> str:
    return f"{n:,} {'person' if n == 1 else 'people'}"


def summary_lines(summary: Summary, old: str, new: str) -> list[str]:
    """The re-screening report `divert policy diff --data` prints."""
    share = f" ({summary.changed / summary.cases:.1%})" if summary.cases else ""
    lines = [f"Re-screened {summary.cases:,} cases under {old} and {new}: "
             f"{summary.changed:,} change outcome{share}"
             + (f", {_people(summary.people_changed)}." if summary.people_changed else ".")]
    if not summary.changed:
        return lines
    lines += ["", "From → to (cases):"]
    lines += [f"  {direction}: {n:,}" for direction, n in summary.directions]
    lines += ["", f"Rules that made the difference ({old} → {new}):"]
    lines += [f"  {direction}: {was} → {now}: {n:,}"
              for direction, was, now, n in summary.rules]
    return lines
