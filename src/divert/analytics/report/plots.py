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
from matplotlib.ticker import PercentFormatter

from divert.analytics.capacity import QueueMonth
from divert.analytics.funnel import Funnel
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
        fig = Figure(figsize=(6.4, 3.4))
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


def volumes_plot(volumes: Sequence[MonthVolume]) -> str:
    """Cases per month diverted under the baseline and under the candidate."""
    with rc_context(RC):
        fig = Figure(figsize=(6.4, 3.0))
        ax = fig.subplots()
        xs = list(range(len(volumes)))
        labels = [v.month + ("" if v.full_month else "\n(part)") for v in volumes]
        ax.bar([x - 0.2 for x in xs], [v.baseline_diverted for v in volumes], 0.4,
               color=COLOURS[1], label="diverted under the baseline")
        ax.bar([x + 0.2 for x in xs], [v.candidate_diverted for v in volumes], 0.4,
               color=COLOURS[0], label="diverted under the proposal")
        ax.set_xticks(xs, labels)
        ax.set_ylabel("cases")
        ax.legend(frameon=False)
        return _svg(fig)


def capacity_plot(queue: Sequence[QueueMonth], slots: float, needed_low: float,
                  needed_high: float) -> str:
    """People needing a slot vs slots available, month by month, with the waiting list."""
    with rc_context(RC):
        fig = Figure(figsize=(6.4, 3.2))
        ax = fig.subplots()
        months = [q.month for q in queue]
        demand = [q.in_treatment + q.waiting for q in queue]
        ax.axhspan(needed_low, needed_high, color=COLOURS[0], alpha=0.12,
                   label="steady-state need, 5th–95th percentile")
        ax.plot(months, demand, color=COLOURS[0], marker="o", ms=3,
                label="people in treatment or waiting (defaults)")
        ax.axhline(slots, color=COLOURS[1], linestyle="--", label=f"provider slots ({slots:,.0f})")
        ax.fill_between(months, [min(d, slots) for d in demand], demand, color=COLOURS[1],
                        alpha=0.25, label="waiting list")
        ax.set_xlabel("months after the policy starts")
        ax.set_ylabel("people")
        ax.legend(frameon=False, fontsize=7, loc="lower right")
        return _svg(fig)


def funnel_plot(funnel: Funnel) -> str:
    """The funnel's steps; steps without data are drawn as labelled gaps, not zeros."""
    with rc_context(RC):
        fig = Figure(figsize=(6.4, 2.4))
        ax = fig.subplots()
        names = [s.step for s in funnel.steps]
        ys = list(range(len(names)))[::-1]
        top = max((s.count or 0 for s in funnel.steps), default=0) or 1
        for y, s in zip(ys, funnel.steps, strict=True):
            if s.count is None:
                ax.text(top * 0.02, y, "no data in this data set", va="center", color="#666666")
            else:
                ax.barh(y, s.count, color=COLOURS[0])
                ax.text(s.count, y, f" {s.count:,}", va="center")
        ax.set_yticks(ys, names)
        ax.set_ylim(-0.6, len(names) - 0.4)
        ax.set_xlim(0, top * 1.12)
        ax.set_xlabel("cases")
        return _svg(fig)
