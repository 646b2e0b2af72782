"""The report's plots as inline SVG text: deterministic (fixed ids, no dates), fonts as text.

Matplotlib's object API (no pyplot global state); `svg.hashsalt` fixes the ids matplotlib
would otherwise randomise and the Date metadata is dropped, so the same data gives
byte-identical SVG.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from divert.analytics.capacity import QueueMonth
from divert.analytics.drift import DriftMonth
from divert.analytics.simulate import MonthVolume
from divert.analytics.survival import Curve

COLOURS = ("#1f5fa8", "#c2571a", "#3a8a3a", "#7a4aa0")
RC: Any = {  # typed loosely: matplotlib types rc keys as a Literal of every name
    "svg.hashsalt": "divert-report",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _svg(fig: Figure) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    text = buf.getvalue()
    return text[text.index("<svg"):]


MIN_AT_RISK = 20  # the curve stops where fewer people are still followed: its tail is noise


def survival_plot(curves: Sequence[Curve], min_at_risk: int = MIN_AT_RISK) -> str:
    """Cumulative share with a new filing by day, one step curve and 95% band per group."""
    with rc_context(RC):
        fig = Figure(figsize=(6.4, 2.4))
        ax = fig.subplots()
        for colour, curve in zip(COLOURS, curves, strict=False):
            pts = [p for p in curve.points if p.at_risk >= min_at_risk]
            days = [p.day for p in pts]
            label = f"{curve.group} (n = {curve.n:,}, {curve.events:,} re-filed)"
            ax.step(days, [p.cumulative for p in pts], where="post", color=colour, label=label)
            ax.fill_between(days, [p.low for p in pts], [p.high for p in pts], step="post",
                            color=colour, alpha=0.18, linewidth=0)
        ax.set_xlabel("days after the filing")
        ax.set_ylabel("share with a new filing")
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.legend(frameon=False, loc="upper left", fontsize=8)
        return _svg(fig)


def volumes_plot(volumes: Sequence[MonthVolume], share: float, low: float, high: float
                 ) -> str:
    """Cases per month the proposal diverts, and the part today's practice already diverts
    (an estimate: the share's default, with a bar from its low to its high end)."""
    with rc_context(RC):
        fig = Figure(figsize=(6.4, 2.2))
        ax = fig.subplots()
        xs = list(range(len(volumes)))
        labels = [v.month + ("" if v.full_month else "\n(part)") for v in volumes]
        diverted = [v.newly_diverted for v in volumes]
        today = [n * share for n in diverted]
        ax.bar(xs, diverted, 0.6, color=COLOURS[0],
               label="diverted by the proposal, not by the memo")
        ax.bar(xs, today, 0.6, color=COLOURS[1],
               label=f"of which today's practice already diverts ({share:.0%}, estimated)")
        ax.errorbar(xs, today, yerr=[[n * (share - low) for n in diverted],
                                     [n * (high - share) for n in diverted]],
                    fmt="none", ecolor="#333333", capsize=3, linewidth=1,
                    label=f"today's share from {low:.0%} to {high:.0%}")
        ax.set_xticks(xs, labels)
        ax.set_ylabel("cases")
        ax.set_ylim(0, max(diverted, default=1) * 1.45 or 1)
        ax.legend(frameon=False, fontsize=7, loc="upper left", ncols=1)
        return _svg(fig)


def _money(value: float, _pos: object = None) -> str:
    return f"${value / 1000:,.0f}k" if value else "$0"


def tornado_plot(title: str, centre: float, dollars: bool,
                 bars: Sequence[tuple[str, float, float]]) -> str:
    """One result's tornado: a bar per assumption from its low end to its high end.

    Args:
        title: the result; centre: its value with every assumption at its default;
        dollars: label the axis in dollars; bars: (assumption words, at low, at high).
    """
    with rc_context(RC):
        fig = Figure(figsize=(6.4, 0.5 + 0.17 * len(bars)))
        ax = fig.subplots()
        if dollars:
            ax.xaxis.set_major_formatter(FuncFormatter(_money))
        ys = list(range(len(bars)))[::-1]
        for y, (_name, lo, hi) in zip(ys, bars, strict=True):
            ax.barh(y, hi - lo, left=lo, height=0.6, color=COLOURS[0] if hi >= lo else COLOURS[1])
        ax.axvline(centre, color="#333333", linewidth=1)
        ax.set_yticks(ys, [name for name, _, _ in bars], fontsize=7)
        ax.set_ylim(-0.6, len(bars) - 0.4)
        ax.set_title(title, fontsize=8.5, loc="left")
        ax.tick_params(axis="x", labelsize=7.5)
        return _svg(fig)


def drift_plot(months: Sequence[DriftMonth], baseline: float) -> str:
    """Share of drug filings charged as PWID by month, with its 95% band and the baseline."""
    with rc_context(RC):
        fig = Figure(figsize=(6.4, 2.0))
        ax = fig.subplots()
        xs = list(range(len(months)))
        rates = [m.share.rate or 0.0 for m in months]
        ax.errorbar(xs, rates, yerr=[[r - (m.share.low or r) for r, m in zip(rates, months,
                                                                            strict=True)],
                                     [(m.share.high or r) - r for r, m in zip(rates, months,
                                                                            strict=True)]],
                    fmt="o-", color=COLOURS[0], capsize=3, ms=4,
                    label="share charged as PWID (with 95% interval)")
        ax.axhline(baseline, color=COLOURS[1], linestyle="--",
                   label=f"baseline, full months pooled ({baseline:.0%})")
        ax.set_xticks(xs, [m.month + ("" if m.full_month else "\n(part)") for m in months])
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_ylim(min([*rates, baseline]) - 0.12, max([*rates, baseline]) + 0.12)
        ax.legend(frameon=False, fontsize=7, loc="lower left")
        return _svg(fig)


def capacity_plot(queue: Sequence[QueueMonth], slots: float) -> str:
    """People needing a place vs places available, month by month, with the waiting list."""
    with rc_context(RC):
        fig = Figure(figsize=(6.4, 2.0))
        ax = fig.subplots()
        months = [q.month for q in queue]
        demand = [q.in_treatment + q.waiting for q in queue]
        ax.plot(months, demand, color=COLOURS[0], marker="o", ms=3,
                label="people in treatment or waiting (defaults)")
        ax.axhline(slots, color=COLOURS[1], linestyle="--", label=f"provider places ({slots:,.0f})")
        if any(d > slots for d in demand):
            ax.fill_between(months, [min(d, slots) for d in demand], demand, color=COLOURS[1],
                            alpha=0.25, label="waiting list")
        ax.set_xlabel("months after the policy starts")
        ax.set_ylabel("people")
        ax.set_ylim(0, max([*demand, slots]) * 1.3)
        ax.legend(frameon=False, fontsize=7, loc="upper left", ncols=2)
        return _svg(fig)
