"""Everything the repercussions report says, computed once, as values (no formatting here).

`build_content` screens the cases under both policies, diffs them, measures re-filing,
runs the Monte Carlo, and gathers the data's limits. The HTML template only prints what
this returns, so the tests can check the report's figures against independent SQL.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from divert.analytics.assumptions import Assumptions
from divert.analytics.capacity import QueueMonth, waiting_list
from divert.analytics.compare import Comparison
from divert.analytics.disparity import ABSENT_IN_PHL, GroupRate
from divert.analytics.filings import CaseTable
from divert.analytics.funnel import Funnel, funnel
from divert.analytics.measures import Measure, first_per_person, rearrest
from divert.analytics.montecarlo import (
    HORIZON_MONTHS,
    Inputs,
    Range,
    Sensitivity,
    simulate_ranges,
    sweep,
)
from divert.analytics.report.bail_section import BailSection, bail_section
from divert.analytics.report.outcomes import (
    Refiling,
    comparisons,
    day_reaching,
    disparity,
    diversion_share,
    refiling,
)
from divert.analytics.report.settings import ReportSettings
from divert.analytics.screening import screen_rows
from divert.analytics.simulate import (
    BailSummary,
    CaseDiff,
    MonthVolume,
    bail_summary,
    deciding_rules,
    diff_cases,
    directions,
    monthly,
    per_full_month,
)
from divert.policy.explain import Decision
from divert.policy.model import Policy, PolicyVersion

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True, slots=True)
class Content:
    candidate: PolicyVersion
    baseline: PolicyVersion
    table: CaseTable
    data_sha256: str
    # "baseline" / "live" (the proposal on the data alone) / "candidate" (under `assumed`)
    outcome_counts: dict[str, Counter[str]]
    directions: Counter[str]
    rules: Counter[tuple[str, str, str]]
    diffs: tuple[CaseDiff, ...]
    newly: tuple[CaseDiff, ...]  # diverted under the candidate, not under the baseline
    volumes: tuple[MonthVolume, ...]
    inputs: Inputs
    categories: Counter[str]  # top-charge category of the newly diverted cases
    bail: BailSummary
    refiling: dict[str, Refiling]  # group key → measures and curve
    comparisons: tuple[Comparison, ...]  # simple possession vs PWID
    newly_refiling: Measure
    ranges: tuple[Range, ...]
    sensitivity: tuple[Sensitivity, ...]
    queue: tuple[QueueMonth, ...]
    funnel: Funnel
    disparity: dict[str, list[GroupRate]]
    pad_day: int | None  # day the simple-possession re-filing curve reaches PAD's 5%
    drug_diverted: tuple[Measure, Measure]  # candidate, baseline: share of drug cases diverted
    assumptions: Assumptions
    settings: ReportSettings
    absent: tuple[str, ...] = ABSENT_IN_PHL
    assumed: tuple[str, ...] = ()  # the what-if assumptions behind "candidate"; () for none
    bail_policy: BailSection | None = None  # the no-cash-bail policy vs the court's bail


def _counts(decisions: dict[str, Decision]) -> Counter[str]:
    """Cases per outcome, a divert counted with its vehicle (`divert via amp-1`)."""
    return Counter(d.outcome.value + (f" via {d.vehicle}" if d.vehicle else "")
                   for d in decisions.values())


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_content(
    table: CaseTable,
    data_path: Path,
    candidate: Policy,
    baseline: Policy,
    assumptions: Assumptions,
    settings: ReportSettings,
    progress: Progress | None = None,
) -> Content:
    """Screen, diff, measure and simulate: every figure the report prints."""
    total = len(table.rows)

    def tick(stage: str) -> Callable[[int], None] | None:
        return (lambda n: progress(stage, n, total)) if progress else None

    # The proposal decides a live case only on facts the record holds; on filings that
    # publish one charge and no record, it diverts almost nothing. What the office would face
    # is shown under the proposal's own named what-if assumptions, and both counts are given.
    assumed = frozenset(candidate.latest().assumptions)
    live = screen_rows(table.rows, candidate, progress=tick(f"screening under {candidate.id}"))
    cand = screen_rows(table.rows, candidate, assume=assumed,
                       progress=tick(f"screening under {candidate.id}, what-if")) \
        if assumed else live
    base = screen_rows(table.rows, baseline, progress=tick(f"screening under {baseline.id}"))
    diffs = diff_cases(table.rows, base, cand)
    newly = tuple(d for d in diffs if d.newly_diverted)
    volumes = monthly(diffs, table.rows)
    window = settings.simulation_window
    index = first_per_person(r.filing for r in table.rows if cand[r.case_id].outcome.value
                             == "divert" and base[r.case_id].outcome.value != "divert")
    measured = rearrest("re-filing after a newly diverted case", index, table.filings(), window,
                        table.end)
    inputs = Inputs(
        referrals_per_month=per_full_month(volumes, "candidate_diverted"),
        newly_diverted_per_month=per_full_month(volumes, "newly_diverted"),
        people_newly_diverted_per_month=per_full_month(volumes, "people_newly_diverted"),
        refiled=measured.numerator, followed=measured.denominator, window_days=window,
    )
    groups = settings.groups
    refile = {k: refiling(table, base, groups[k], settings.windows)
              for k in ("simple_possession", "pwid")}
    defaults = assumptions.defaults()
    queue = waiting_list([inputs.referrals_per_month * defaults["engagement_rate"]]
                         * HORIZON_MONTHS, defaults["provider_slots"], defaults["program_months"])
    events = [{"case_id": cid, "type": "Screened", "outcome": d.outcome.value}
              for cid, d in sorted(cand.items())]
    return Content(
        candidate=candidate.latest(), baseline=baseline.latest(), table=table,
        data_sha256=sha256_of(data_path),
        outcome_counts={"baseline": _counts(base), "live": _counts(live),
                        "candidate": _counts(cand)},
        assumed=tuple(sorted(assumed)),
        directions=directions(diffs), rules=deciding_rules(diffs), diffs=tuple(diffs),
        newly=newly, volumes=tuple(volumes), inputs=inputs,
        categories=Counter(d.category for d in newly), bail=bail_summary(newly),
        refiling=refile,
        comparisons=tuple(comparisons(refile["simple_possession"], refile["pwid"])),
        newly_refiling=measured,
        ranges=tuple(simulate_ranges(inputs, assumptions)),
        sensitivity=tuple(sweep(inputs, assumptions, "slots needed (people in treatment at once)")),
        queue=tuple(queue),
        funnel=funnel(events, recorded=["eligible"]),
        disparity=disparity(table, cand, settings),
        pad_day=day_reaching(refile["simple_possession"].curve,
                             settings.city["pad_rearrest"].figure),
        drug_diverted=diversion_share(table, cand, base, groups["drug"]),
        assumptions=assumptions, settings=settings,
        bail_policy=bail_section(data_path, (d.case_id for d in diffs if d.changed)),
    )
