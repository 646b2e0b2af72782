"""The repercussions report's bail section: the February 2018 no-cash-bail policy against
the bail the court set, with its own plain summary (divert.analytics.bail defines every
figure). A section of its own, so the report template includes it with one line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from divert.analytics.bail import BailGroup, BailMeasure, measure_bail
from divert.analytics.suppress import is_small, suppress, suppress_row

BAIL_POLICY = "phl-dao-bail-2018"


@dataclass(frozen=True, slots=True)
class BailSection:
    measure: BailMeasure
    total: BailGroup
    categories: tuple[BailGroup, ...]  # only those where the policy asks no cash somewhere
    months: tuple[BailGroup, ...]
    category_cells: tuple[tuple[str, ...], ...]  # name, then each count as printed
    month_cells: tuple[tuple[str, ...], ...]
    proposal: BailGroup
    summary: tuple[str, ...]  # plain sentences, each saying what it rests on


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "no"


def _count(n: int) -> str:
    """A count as the report prints it: 1 to 10 hidden (a person could be recognised)."""
    return str(suppress(n))


FIELDS = ("cases", "no_cash", "cash_where_none", "held")


def cells(groups: Iterable[BailGroup]) -> tuple[tuple[str, ...], ...]:
    """Each group's counts as printed, column by column: small counts hidden, and where a
    column's total is published elsewhere, never exactly one hidden (so none can be derived).

    >>> from divert.analytics.bail import BailGroup
    >>> g = [BailGroup("a", 40, 30, 3, 2, 0, None, 0, 0), BailGroup("b", 50, 40, 20, 15, 0,
    ...      None, 0, 0)]
    >>> cells(g)
    (('a', '40', '30', '<11', '<11'), ('b', '50', '40', '<11', '<11'))
    """
    groups = list(groups)
    columns = [suppress_row({g.name: getattr(g, f) for g in groups}) for f in FIELDS]
    return tuple((g.name, *(str(col[g.name]) for col in columns)) for g in groups)


def summarize(m: BailMeasure) -> tuple[str, ...]:
    total, proposal = m.total(), m.proposal()
    live = m.live_outcomes()
    lines = [
        f"Live, the policy asks ROR on none of the {len(m.rows):,} filings: the feed publishes "
        f"only the most serious charge and no record, so {live.get('needs_review', 0):,} go "
        f"to review (a listed charge whose other charges, bench warrants, open PWID cases or "
        f"drug evidence are not known) and {live.get('individual_review', 0):,} carry no "
        "presumption (a charge off the list, or violence or a gun).",
        f"As a what-if ({', '.join(a.removeprefix('assume.') for a in m.assumptions)}), the "
        f"policy asks no cash on {total.no_cash:,} cases; the court set cash bail on "
        f"{_count(total.cash_where_none)} of them ({_pct(total.cash_where_none, total.no_cash)}"
        f"), and {_count(total.held)} of those people were held "
        f"({_pct(total.held, total.cash_where_none)}).",
    ]
    if total.median_days is not None and not is_small(total.days_known):
        lines.append(f"Where the data show both bail events ({total.days_known:,} cases), the "
                     f"median time held before the cash bail was posted or replaced was "
                     f"{total.median_days:g} days; for the others it is not known, never 0.")
    lines.append(
        f"Of the {proposal.cases:,} cases the diversion proposal changes (its what-if), the "
        f"court set cash bail on {_count(proposal.cash_all)} and {_count(proposal.held_all)} "
        f"people were held; the bail policy asks no cash on {_count(proposal.no_cash)} of them "
        "(simple possession is only a candidate for the 4 charges of the list never found).")
    return tuple(lines)


def bail_section(data_path: Path, changed: Iterable[str],
                 policy_id: str = BAIL_POLICY) -> BailSection | None:
    """The section's figures for the filings at `data_path`; `changed` are the cases the
    proposal changes (already screened by the report). None when the policy is not shipped."""
    from divert.ingest.phl_filings import read_phl_filings
    from divert.policy.load import load_policies

    policies = load_policies()
    if policy_id not in policies:
        return None
    cases = read_phl_filings(data_path).cases
    m = measure_bail(cases, policies, bail=policy_id, changed=(set(changed), set()))
    categories = tuple(g for g in m.by("category") if g.no_cash)
    months = tuple(m.by("month"))
    return BailSection(m, m.total(), categories, months, cells(categories), cells(months),
                       m.proposal(), summarize(m))
