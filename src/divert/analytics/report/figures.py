"""The report's numbers: each computed once, here, with its definition, and printed from here.

A `Figure` carries its value, its range where it has one, and the words a reader needs to
check it: what it counts, its numerator, its denominator and its source. The summary, the
detail and the table of every number print the same `Figure` (templates call `fig(key)`),
so no two pages can disagree. Ranges are the extremes over the assumptions' ranges
(consequences.py); nothing here is a percentile.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from divert.analytics.consequences import (
    CONSEQUENCES,
    COSTS,
    REFILING_RATE,
    SAVINGS,
    Bounds,
    Swing,
    at_defaults,
    extremes,
    tornado,
)
from divert.analytics.drift import overall
from divert.analytics.montecarlo import Inputs

if TYPE_CHECKING:
    from divert.analytics.report.content import Content, Scenario

DATA = "the filings"
CONSEQUENCE_SOURCE = "the filings and the assumptions"
TOP_CHARGE = "assume.hidden_charges_lesser"


@dataclass(frozen=True, slots=True)
class Figure:
    key: str
    label: str  # plain words, as the table of every number lists it
    value: float
    unit: str  # cases, people, share, dollars, months, places, listings, bed-days
    definition: str
    numerator: str
    denominator: str
    source: str
    low: float | None = None
    high: float | None = None
    placeholder: bool = False  # rests on a placeholder cost still to be filled in

    @property
    def text(self) -> str:
        return fmt(self.value, self.unit)

    @property
    def range_text(self) -> str:
        """"a to b" in the figure's own unit, or "" when it has no range."""
        if self.low is None or self.high is None or fmt(self.low, self.unit) == fmt(
                self.high, self.unit):
            return ""
        return f"{fmt(self.low, self.unit)} to {fmt(self.high, self.unit)}"


Add = Callable[["Figure"], "Figure"]


def fmt(value: float, unit: str) -> str:
    """A number as a reader wants it: shares in %, money to the thousand, small counts to .1.

    >>> fmt(0.0347, "share"), fmt(182345, "dollars"), fmt(60.62, "cases"), fmt(-0.44, "people")
    ('3.5%', '$182,000', '61', '−0.4')
    """
    if unit == "share":
        return f"{value:.1%}" if abs(value) < 0.1 else f"{value:.0%}"
    if unit == "dollars":
        rounded = round(value, -3) if abs(value) >= 1_000 else round(value, -1)
        sign = "−" if rounded < 0 else ""
        return f"{sign}${abs(rounded):,.0f}"
    if unit == "months":
        return f"{value:.1f}"
    sign = "−" if value < 0 else ""
    if abs(value) >= 10 or value == int(value):
        return f"{sign}{abs(value):,.0f}"
    return f"{sign}{abs(value):.1f}"


@dataclass(frozen=True, slots=True)
class CostLine:
    key: str
    label: str
    quantity: Figure  # what is bought or saved, a month
    priced_by: tuple[str, ...]  # the assumptions that price it (e.g. hours × cost of an hour)
    money: Figure


@dataclass(frozen=True, slots=True)
class Figures:
    """Every number, by key, in the order the table of every number lists them."""

    items: Mapping[str, Figure]
    costs: tuple[CostLine, ...]
    savings: tuple[CostLine, ...]
    tornado: Mapping[str, tuple[Swing, ...]]  # consequence key -> swings, widest first
    most: tuple[str, ...]  # after the top-charge one, the assumptions that move them most

    def __getitem__(self, key: str) -> Figure:
        return self.items[key]

    def __iter__(self) -> Iterator[Figure]:
        return iter(self.items.values())


def bounds(c: Content) -> list[Bounds]:
    """Every assumption the consequences read, and the measured re-filing rate."""
    m = c.newly_refiling
    rate = m.rate or 0.0
    out = [Bounds(REFILING_RATE, m.low if m.low is not None else rate, rate,
                  m.high if m.high is not None else rate)]
    for a in c.assumptions.parameters.values():
        if a.name != "provider_slots":  # only the waiting list reads it, at its default
            out.append(Bounds(a.name, a.low, a.default, a.high))
    return out


TORNADO_KEYS = ("cases_newly_diverted", "treatment_places", "net_cost", "refilings_change")


def build_figures(c: Content) -> Figures:
    """Every number the report prints, from the content, once."""
    b = bounds(c)
    x = c.inputs
    at, ext = at_defaults(b, x), extremes(b, x)
    items: dict[str, Figure] = {}

    def add(f: Figure) -> Figure:
        if f.key in items:
            raise ValueError(f"figure {f.key!r} is defined twice")
        items[f.key] = f
        return f

    _data_figures(c, add)
    placeholders = {a.name for a in c.assumptions.parameters.values() if a.placeholder}
    uses = _uses(b, x)
    for key, (label, unit) in CONSEQUENCES.items():
        if key in COSTS or key in SAVINGS or key == "net_cost":
            continue
        add(Figure(key, label, at[key], unit, _DEFINITIONS[key][0], _DEFINITIONS[key][1],
                   _DEFINITIONS[key][2], CONSEQUENCE_SOURCE, *ext[key],
                   placeholder=bool(uses[key] & placeholders)))
    _share_figures(c, add)
    costs, savings = _money(c, add, items, at, ext, uses, placeholders)
    swings = {k: _with_scenarios(c, k, tornado(b, x, k), at) for k in TORNADO_KEYS}
    most = _most(swings, at)
    for key, row in swings.items():
        label, unit = CONSEQUENCES[key]
        for sw in (s for s in row if s.parameter in most[:2 if TOP_CHARGE in c.assumed else 3]):
            words = parameter_words(c, sw.parameter)
            add(Figure(f"weight.{key}.{sw.parameter}", f"{label}, moving {words}",
                       at[key], unit if key != "net_cost" else "dollars",
                       "That assumption from one end of its range to the other, the rest at "
                       "their defaults.", "—", "—", CONSEQUENCE_SOURCE, sw.at_low, sw.at_high,
                       placeholder=items[key].placeholder))
    return Figures(items, costs, savings, swings, most)


def parameter_words(c: Content, name: str) -> str:
    """What a tornado bar moves, in the reader's words."""
    if name == TOP_CHARGE:
        return "the top-charge assumption (off, then on)"
    if name == BAIL_CUSTODY:
        return "money bail or custody sending a case to review (yes, then no)"
    if name == REFILING_RATE:
        return "the measured re-filing rate (its 95% interval)"
    return c.assumptions[name].words


BAIL_CUSTODY = "bail_custody_review"  # the tornado's name for "money bail or custody → review"


def _with_scenarios(c: Content, key: str, swings: list[Swing], at: Mapping[str, float]
                    ) -> tuple[Swing, ...]:
    """Add the what-if scenarios to a tornado: the top-charge assumption off (no case is
    newly diverted, so every consequence is zero) and, for the count, money bail or custody
    no longer sending a case to review."""
    out = list(swings)
    if TOP_CHARGE in c.assumed and at[key] != 0:
        off = _without(c)
        if off is not None and off.cases == 0:
            out.append(Swing(TOP_CHARGE, 0.0, at[key]))
    loose = next((s for s in c.scenarios if not s.bail_or_custody_reviewed), None)
    if key == "cases_newly_diverted" and loose is not None:
        share = c.assumptions["todays_diversion_share"].default
        out.append(Swing(BAIL_CUSTODY, at[key], loose.per_month * (1 - share)))
    return tuple(sorted(out, key=lambda s: (-s.width, s.parameter)))


def _uses(b: list[Bounds], x: Inputs) -> dict[str, set[str]]:
    """Which parameters move each consequence (to mark a figure resting on a placeholder)."""
    base = {p.name: p.default for p in b}
    from divert.analytics.consequences import per_month

    ref = per_month(base, x)
    out: dict[str, set[str]] = {k: set() for k in ref}
    for p in b:
        for end in (p.low, p.high):
            moved = per_month({**base, p.name: end}, x)
            for k, v in moved.items():
                if v != ref[k]:
                    out[k].add(p.name)
    return out


def _most(swings: Mapping[str, tuple[Swing, ...]], at: Mapping[str, float]) -> tuple[str, ...]:
    """The assumptions that move the headline figures most, relative to their size."""
    weight: dict[str, float] = {}
    for key, row in swings.items():
        size = abs(at[key])
        for s in row:
            if size and s.parameter not in (REFILING_RATE, TOP_CHARGE, BAIL_CUSTODY):
                weight[s.parameter] = max(weight.get(s.parameter, 0.0), s.width / size)
    return tuple(sorted(weight, key=lambda p: (-weight[p], p))[:3])


_DEFINITIONS: dict[str, tuple[str, str, str]] = {  # definition, numerator, denominator
    "cases_newly_diverted": (
        "Cases a month the proposal diverts that neither the 2018 memo nor today's "
        "discretionary diversion would divert.",
        "cases the proposal diverts and the memo does not, in full months, times (1 − "
        "today's diversion share)", "full months of data"),
    "people_newly_diverted": (
        "People a month behind those cases (a person with two cases counts once a month).",
        "people with such a case, by month, times (1 − today's diversion share)",
        "full months of data"),
    "already_diverted_today": (
        "Of the cases the proposal diverts a month, those today's practice is assumed to "
        "divert already; the data do not say which.",
        "cases the proposal diverts a month × today's diversion share", "—"),
    "treatment_places": (
        "People in treatment at the same time once the flow is steady, beyond those today's "
        "diversion already places.",
        "people newly diverted a month × share who engage × months in treatment", "—"),
    "not_engaged": (
        "Newly diverted people a month who never engage with a provider; their case goes "
        "back to prosecution.", "people newly diverted a month × (1 − share who engage)",
        "—"),
    "listings_avoided": (
        "Court listings a month the engaged newly diverted cases no longer need.",
        "cases newly diverted a month × share who engage × listings per case", "—"),
    "bed_days_avoided": (
        "Jail days a month avoided on the newly diverted cases. None of them records custody "
        "(the what-if sends every case with custody or money bail to review), and bail is set "
        "before the policy applies, so there are none to avoid.",
        "newly diverted cases recording custody × days held after screening", "—"),
    "refilings": (
        "New filings within the re-filing window among one month's newly diverted people, "
        "under the assumed effect of diversion.",
        "people newly diverted a month × measured re-filing rate × assumed effect", "—"),
    "refilings_change": (
        "How many more (or fewer) of those new filings than if the same people were "
        "prosecuted.", "people newly diverted a month × measured rate × (effect − 1)", "—"),
}


def _data_figures(c: Content, add: Add) -> None:
    t = c.table
    months = (t.end - t.start).days / 30.44
    add(Figure("filings", "cases filed in the data", len(t.rows), "cases",
               "Criminal cases filed in Philadelphia Municipal Court in the data.",
               "cases", "—", DATA))
    add(Figure("people", "people in the data", t.people, "people",
               "Distinct people behind those cases (pseudonyms of one person joined).",
               "people", "—", DATA))
    add(Figure("months", "months the data cover", months, "months",
               "Days from the first to the last filing, in months of 30.44 days.",
               "days covered", "30.44", DATA))
    full = sum(1 for v in c.volumes if v.full_month)
    add(Figure("filings_month", "cases filed a month", sum(
        v.cases for v in c.volumes if v.full_month) / max(full, 1), "cases",
        "All cases filed in a month the data cover in full, on average.",
        "cases filed in full months", "full months", DATA))
    live = sum(n for o, n in c.outcome_counts["live"].items() if o.startswith("divert"))
    add(Figure("live_diverted", "cases the proposal diverts on the data alone", live, "cases",
               "Cases the proposal diverts with no what-if assumption: the court publishes "
               "only the top charge and no record, and the proposal never guesses a fact.",
               "cases diverted with no assumption", "—", DATA))
    add(Figure("live_review", "cases the proposal sends to review on the data alone",
               c.outcome_counts["live"]["needs_review"], "cases",
               "Cases the proposal sends to an ADA's review for a fact the data do not hold.",
               "cases in review with no assumption", "—", DATA))
    drafted = next((s for s in c.scenarios if s.bail_or_custody_reviewed
                    and s.assumed == c.assumed), None)
    loose = next((s for s in c.scenarios if not s.bail_or_custody_reviewed), None)
    add(Figure("policy_newly", "cases the proposal diverts and the memo does not, all months",
               len(c.newly), "cases",
               "Cases the proposal diverts under its what-if assumptions and the 2018 memo does "
               "not, before taking away today's discretionary diversion.",
               "such cases", "—", DATA))
    add(Figure("policy_newly_month", "the same, a month", c.inputs.newly_diverted_per_month,
               "cases", "The same cases in the months the data cover in full, on average.",
               "such cases in full months", "full months", DATA))
    share_default = c.assumptions["todays_diversion_share"].default
    for sc in c.scenarios:
        tag = scenario_tag(sc, c.assumed)
        if tag == "all":
            continue  # the drafted what-if: policy_newly and cases_newly_diverted
        words = ", ".join(a.removeprefix("assume.") for a in sc.assumed) or "no assumption"
        extra = "" if sc.bail_or_custody_reviewed else "; money bail or custody not sent to review"
        add(Figure(f"scenario.{tag}", f"cases the proposal diverts and the memo does not: "
                   f"{words}{extra}", sc.cases, "cases",
                   "Cases diverted under the proposal with these what-if assumptions and not "
                   "under the 2018 memo, over every month of data.", "such cases", "—", DATA))
        add(Figure(f"scenario_month.{tag}", f"the same, newly diverted a month: {words}{extra}",
                   sc.per_month * (1 - share_default), "cases",
                   "Those cases in full months, on average, less today's diversion share.",
                   "such cases in full months × (1 − today's diversion share)",
                   "full months", CONSEQUENCE_SOURCE))
    if drafted is not None and loose is not None and c.bail_review is not None:
        add(Figure("bail_custody_extra", "cases in review only for money bail or custody",
                   loose.cases - drafted.cases, "cases",
                   "Cases the what-if would divert but sends to review because money bail was "
                   "set or the person was held (screened again without those two facts).",
                   "such cases", "—", DATA))
        add(Figure("bail_custody_held", "of those, cases recording custody",
                   c.bail_review.held, "cases", "Those cases whose bail events record the "
                   "person in a custody facility.", "such cases", "—", DATA))
    share = c.assumptions["todays_diversion_share"]
    add(Figure("todays_share", "today's diversion share", share.default, "share",
               share.meaning, "drug-possession cases diverted", "drug-possession cases charged",
               "the DA's office's published figures (see the assumptions)", share.low,
               share.high))
    add(Figure("held_newly", "newly diverted cases recording custody", c.bail.held, "cases",
               "Cases the proposal newly diverts whose bail events record the person held.",
               "such cases", "—", DATA))
    add(Figure("money_bail_newly", "newly diverted cases with money bail", c.bail.monetary,
               "cases", "Cases the proposal newly diverts whose last bail was money bail.",
               "such cases", "—", DATA))
    for key, label, m in (("refiling_possession", "re-filing after simple possession",
                           next(m for m in c.refiling["simple_possession"].measures
                                if m.window_days == c.settings.simulation_window)),
                          ("refiling_pwid", "re-filing after PWID",
                           next(m for m in c.refiling["pwid"].measures
                                if m.window_days == c.settings.simulation_window)),
                          ("refiling_newly", "re-filing after a newly diverted case",
                           c.newly_refiling)):
        add(Figure(key, f"{label}, within {m.window_days} days", m.rate or 0.0, "share",
                   f"Share of people with a new filing within {m.window_days} days of their "
                   f"first such case; people whose {m.window_days} days had not ended by "
                   f"{c.table.end.isoformat()} are left out.",
                   f"{m.numerator:,} people with a new filing",
                   f"{m.denominator:,} people followed {m.window_days} days", DATA,
                   m.low, m.high))
    add(Figure("refiling_window", "the re-filing window", c.settings.simulation_window, "days",
               "Days after a case within which a new filing counts as re-filing.", "—", "—",
               "the report's settings (report.yaml)"))
    months_drift = list(c.drift)
    if any(m.full_month for m in months_drift):
        base = overall(months_drift)
        rates = [m.share.rate for m in months_drift if m.full_month and m.share.rate is not None]
        add(Figure("pwid_share", "drug filings charged as PWID (the drift baseline)",
                   base.rate or 0.0, "share",
                   "Share of drug filings whose top charge is possession with intent to "
                   "deliver, full months pooled; the range is the lowest and highest month.",
                   f"{base.numerator:,} PWID filings", f"{base.denominator:,} drug filings",
                   DATA, min(rates), max(rates)))


def scenario_tag(s: Scenario, assumed: tuple[str, ...]) -> str:
    """A scenario's key: "all" (as drafted: every assumption the report uses), "all_bail"
    (the same, money bail or custody not sent to review), "none" or an assumption's name."""
    if s.assumed == tuple(sorted(assumed)):
        return "all" if s.bail_or_custody_reviewed else "all_bail"
    return "+".join(a.removeprefix("assume.") for a in s.assumed) or "none"


def _without(c: Content) -> Scenario | None:
    others = tuple(a for a in c.assumed if a != TOP_CHARGE)
    return next((s for s in c.scenarios if s.bail_or_custody_reviewed and s.assumed == others
                 and TOP_CHARGE in c.assumed), None)


def _share_figures(c: Content, add: Add) -> None:
    """The headline over the whole period and as a share of all filings."""
    share = c.assumptions["todays_diversion_share"]
    total = len(c.newly)
    n = len(c.table.rows)
    lo, hi = total * (1 - share.high), total * (1 - share.low)
    add(Figure("newly_total", "cases newly diverted over the data's months",
               total * (1 - share.default), "cases",
               "Cases the proposal diverts and the memo does not, less today's diversion "
               "share of them, over every month of data.",
               "such cases × (1 − today's diversion share)", "—", CONSEQUENCE_SOURCE, lo, hi))
    if n:
        add(Figure("newly_share_filings", "newly diverted, as a share of all cases filed",
                   total * (1 - share.default) / n, "share",
                   "Cases newly diverted as a share of every criminal case filed.",
                   "cases newly diverted", "all cases filed", CONSEQUENCE_SOURCE,
                   lo / n, hi / n))


def _money(c: Content, add: Add, items: Mapping[str, Figure], at: Mapping[str, float],
           ext: Mapping[str, tuple[float, float]], uses: Mapping[str, set[str]],
           placeholders: set[str]) -> tuple[tuple[CostLine, ...], tuple[CostLine, ...]]:
    """Cost and saving lines a month, and their totals (each total is the sum of its lines)."""
    quantity = {"cost_treatment": ("treatment_places", ("cost_treatment_place_month",)),
                "cost_staff": ("cases_newly_diverted", ("staff_hours_per_case",
                                                        "cost_staff_hour")),
                "saving_listings": ("listings_avoided", ("cost_court_listing",)),
                "saving_jail": ("bed_days_avoided", ("cost_jail_bed_day",))}
    lines: dict[str, CostLine] = {}
    for key in (*COSTS, *SAVINGS):
        label, _unit = CONSEQUENCES[key]
        q, priced_by = quantity[key]
        money = add(Figure(key, f"{'cost' if key in COSTS else 'saving'} a month: {label}",
                           at[key], "dollars",
                           f"{label.capitalize()} a month, priced at the assumed unit cost.",
                           f"{CONSEQUENCES[q][0]} × unit cost", "—",
                           "the quantity above; unit cost: " + " × ".join(
                               c.assumptions[n].words for n in priced_by)
                           + " (see the assumptions)", *ext[key],
                           placeholder=bool(uses[key] & placeholders)))
        lines[key] = CostLine(key, label, items[q], priced_by, money)
    costs = tuple(lines[k] for k in COSTS)
    savings = tuple(lines[k] for k in SAVINGS)
    total = {}
    for key, group in (("total_costs", costs), ("total_savings", savings)):
        total[key] = add(Figure(
            key, key.replace("_", " ") + " a month", sum(x.money.value for x in group),
            "dollars", "The sum of the lines above it; its ends add the lines' ends.",
            " + ".join(x.label for x in group), "—", "sum of the lines",
            sum(x.money.low or 0.0 for x in group), sum(x.money.high or 0.0 for x in group),
            placeholder=any(x.money.placeholder for x in group)))
    tc, ts = total["total_costs"], total["total_savings"]
    add(Figure("net_cost", "net cost a month (costs minus savings)", tc.value - ts.value,
               "dollars", "Total costs minus total savings; its low end is the costs' low "
               "end minus the savings' high end, and the other way round.",
               "total costs − total savings", "—", "sum of the lines",
               (tc.low or 0.0) - (ts.high or 0.0), (tc.high or 0.0) - (ts.low or 0.0),
               placeholder=tc.placeholder or ts.placeholder))
    return costs, savings
