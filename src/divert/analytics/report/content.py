"""Everything the repercussions report says, computed once, as values (no formatting here).

`build_content` screens the cases under both policies, diffs them, measures re-filing,
runs the Monte Carlo, and gathers the data's limits. The HTML template only prints what
this returns, so the tests can check the report's figures against independent SQL.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from divert.analytics.assumptions import Assumptions
from divert.analytics.capacity import QueueMonth, waiting_list
from divert.analytics.compare import Comparison
from divert.analytics.disparity import ABSENT_IN_PHL, GroupRate
from divert.analytics.drift import DriftMonth, pwid_share_by_month
from divert.analytics.filings import CaseTable, FilingRow
from divert.analytics.measures import Measure, first_per_person, rearrest
from divert.analytics.montecarlo import (
    HORIZON_MONTHS,
    Inputs,
    Range,
    simulate_ranges,
)
from divert.analytics.report.bail_section import BailSection, bail_section
from divert.analytics.report.figures import Figures, build_figures
from divert.analytics.report.outcomes import (
    Refiling,
    comparisons,
    day_reaching,
    disparity,
    diversion_share,
    refiling,
)
from divert.analytics.report.settings import ReportSettings
from divert.analytics.screening import category_of, screen_rows
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
from divert.policy.vehicles import Vehicle, load_vehicles, vehicles_file

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True, slots=True)
class Scenario:
    """The proposal's newly diverted cases under one set of what-if assumptions."""

    assumed: tuple[str, ...]  # the assume.* facts switched on
    bail_or_custody_reviewed: bool  # False: money bail and custody no longer send to review
    cases: int  # diverted under the proposal, not under the baseline policy, whole period
    people: int
    per_month: float  # cases, per full month
    people_per_month: float


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
    ranges: tuple[Range, ...]  # Monte Carlo, for `divert simulate` and the API
    queue: tuple[QueueMonth, ...]
    disparity: dict[str, list[GroupRate]]
    pad_day: int | None  # day the simple-possession re-filing curve reaches PAD's 5%
    drug_diverted: tuple[Measure, Measure]  # candidate, baseline: share of drug cases diverted
    assumptions: Assumptions
    settings: ReportSettings
    absent: tuple[str, ...] = ABSENT_IN_PHL
    assumed: tuple[str, ...] = ()  # the what-if assumptions behind "candidate"; () for none
    scenarios: tuple[Scenario, ...] = ()  # none, each alone, all; then bail/custody not review
    bail_review: BailSummary | None = None  # cases sent to review only by money bail/custody
    drift: tuple[DriftMonth, ...] = ()  # share of drug filings charged as PWID, by month
    vehicles: Mapping[str, Vehicle] = field(default_factory=dict)
    figures: Figures | None = None  # every number the report prints (figures.py)
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
    new_people = inputs.people_newly_diverted_per_month * (1 - defaults["todays_diversion_share"])
    queue = waiting_list([new_people * defaults["engagement_rate"]] * HORIZON_MONTHS,
                         defaults["provider_slots"], defaults["program_months"])
    full = frozenset(v.month for v in volumes if v.full_month)
    scenarios = [_scenario(table.rows, base, screen_rows(table.rows, candidate, assume=a), a,
                           True, full) for a in _subsets(assumed)]
    scenarios.append(_scenario(table.rows, base, cand, assumed, True, full))
    reviewed = _cleared_bail(table.rows, cand, candidate, assumed)
    scenarios.append(_scenario(table.rows, base, {**cand, **reviewed}, assumed, False, full))
    moved = [d for d in diff_cases([r for r in table.rows if r.case_id in reviewed], base,
                                   {**cand, **reviewed}) if d.newly_diverted]
    drug, pwid = groups["drug"].categories, groups["pwid"].categories
    drift = pwid_share_by_month(((r.filed, category_of(base[r.case_id]) or "")
                                 for r in table.rows), pwid, drug, full)
    version = candidate.latest()
    content = Content(
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
        queue=tuple(queue),
        disparity=disparity(table, cand, settings),
        pad_day=day_reaching(refile["simple_possession"].curve,
                             settings.city["pad_rearrest"].figure),
        drug_diverted=diversion_share(table, cand, base, groups["drug"]),
        assumptions=assumptions, settings=settings,
        scenarios=tuple(scenarios), bail_review=bail_summary(moved), drift=tuple(drift),
        vehicles=load_vehicles(vehicles_file(version.path)) if version.path else {},
        bail_policy=bail_section(data_path, (d.case_id for d in diffs if d.changed)),
    )
    return replace(content, figures=build_figures(content))


def _subsets(assumed: frozenset[str]) -> list[frozenset[str]]:
    """No assumption, then each alone: what the headline rests on (all together is `cand`)."""
    if len(assumed) < 2:
        return [frozenset()] if assumed else []
    return [frozenset()] + [frozenset({a}) for a in sorted(assumed)]


def per_full_month_of(rows: Sequence[FilingRow], ids: Collection[str], full: frozenset[str]
                      ) -> float:
    """Cases among `ids` per month the data cover in full."""
    if not full:
        return 0.0
    return sum(1 for r in rows if r.case_id in ids and r.month in full) / len(full)


def _scenario(rows: Sequence[FilingRow], base: Mapping[str, Decision],
              cand: Mapping[str, Decision], assumed: Collection[str], reviewed: bool,
              full: frozenset[str]) -> Scenario:
    newly = {r.case_id: r.person_id for r in rows if cand[r.case_id].outcome.value == "divert"
             and base[r.case_id].outcome.value != "divert"}
    months = {r.case_id: r.month for r in rows}
    people_months: dict[str, set[str]] = {}
    for cid, pid in newly.items():
        if months[cid] in full:
            people_months.setdefault(months[cid], set()).add(pid)
    people_pm = sum(len(v) for v in people_months.values()) / len(full) if full else 0.0
    return Scenario(tuple(sorted(assumed)), reviewed, len(newly), len(set(newly.values())),
                    per_full_month_of(rows, newly, full), people_pm)


def _cleared_bail(rows: Sequence[FilingRow], cand: Mapping[str, Decision], candidate: Policy,
                  assumed: frozenset[str]) -> dict[str, Decision]:
    """The cases in review screened again as if no money bail was set and nobody was held:
    those that divert then are in review only because of bail or custody."""
    review = [r for r in rows if cand[r.case_id].outcome.value == "needs_review"]
    cleared = [replace(r, screening=replace(r.to_case(), money_bail=False, held=False))
               for r in review]
    again = screen_rows(cleared, candidate, assume=assumed) if cleared else {}
    return {cid: d for cid, d in again.items() if d.outcome.value == "divert"}
