"""Render the repercussions report: one self-contained HTML file, and a PDF of it.

Plots are inline SVG, styles inline, no scripts or web fonts, so the file reads the same
offline and in ten years. Nothing reads the clock: the only dates are the data's and the
policies', so the same inputs give byte-identical HTML. The PDF is headless Chromium's
print of that HTML (the same document, not a second layout), with its creation dates set
to the data's last day so that it, too, is repeatable.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from divert.analytics.consequences import CONSEQUENCES
from divert.analytics.disparity import GroupRate
from divert.analytics.measures import Measure
from divert.analytics.report import plots
from divert.analytics.report.content import Content
from divert.analytics.report.figures import TOP_CHARGE, Figures, parameter_words, scenario_tag
from divert.analytics.suppress import is_small, suppress, suppress_row
from divert.errors import DivertError

TEMPLATES = Path(__file__).with_name("templates")
OUTCOME_ORDER = ("divert", "decline", "prosecute", "needs_review", "out_of_scope")


def _rate(m: Measure) -> str:
    if m.rate is None:
        return "not measurable" if m.censored else "—"
    if is_small(m.numerator) or is_small(m.denominator):
        return "hidden (small count)"
    return f"{m.rate:.1%} ({m.low:.1%}–{m.high:.1%})"


def _ratio(g: GroupRate) -> str:
    cmp = g.vs_reference
    if cmp is None:
        return "reference"
    if cmp.ratio is None or is_small(g.measure.numerator) or is_small(g.measure.denominator):
        return "—"
    return f"{cmp.ratio:.2f} ({cmp.ratio_low:.2f}–{cmp.ratio_high:.2f})"


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["j2"]),
                      undefined=StrictUndefined, keep_trailing_newline=True)
    env.filters.update(
        num=lambda v: f"{v:,.0f}", round1=lambda v: f"{v:,.1f}", int0=lambda v: f"{v:,.0f}",
        g=lambda v: f"{v:g}", d=lambda v: v.isoformat(), cell=lambda n: str(suppress(int(n))),
        rate=_rate, ratio=_ratio, sentence=lambda v: v[:1].upper() + v[1:],
    )
    return env


def _figure_markup(figures: Figures) -> tuple[Callable[[str], Markup], Callable[[str], Markup]]:
    """`fig(key)` prints a figure's value, `figr(key)` its range, each tagged with its key so
    that a test can check every mention of a figure says the same."""

    def fig(key: str) -> Markup:
        return Markup('<span class="fig" data-fig="{}">{}</span>').format(key, figures[key].text)

    def figr(key: str) -> Markup:
        f = figures[key]
        return Markup('<span class="fig" data-fig="{}" data-part="range">{}</span>').format(
            key, f.range_text or f.text)

    return fig, figr


def _context(c: Content, changes_csv: str) -> dict[str, Any]:
    figures = c.figures
    if figures is None:
        raise DivertError("the report's content has no figures: build it with build_content")
    fig, figr = _figure_markup(figures)
    slots = c.assumptions.defaults()["provider_slots"]
    last = c.queue[-1]
    changed = [d for d in c.diffs if d.changed]
    seen = {o for counts in c.outcome_counts.values() for o in counts}
    outcomes = sorted(seen, key=lambda o: (OUTCOME_ORDER.index(o.split(" ")[0])
                                           if o.split(" ")[0] in OUTCOME_ORDER else 99, o))
    share = c.assumptions["todays_diversion_share"]
    used = {r.vehicle for r in c.candidate.rules if r.vehicle}
    panels = [(f"{CONSEQUENCES[k][0]} (line: all at defaults)", figures[k].value,
               figures[k].unit == "dollars",
               [(parameter_words(c, s.parameter), s.at_low, s.at_high) for s in row])
              for k, row in figures.tornado.items() if row]
    return {
        "c": c, "f": figures, "fig": fig, "figr": figr, "slots": slots,
        "horizon": len(c.queue), "wait_end": last.waiting, "wait_months": last.wait_months,
        "followup": (c.table.end - c.table.start).days,
        "changed": len(changed), "changed_people": len({d.person_id for d in changed}),
        "outcomes": outcomes,
        "rules": sorted(c.rules.items(), key=lambda kv: (-kv[1], kv[0])),
        "categories": [(k, str(v) if v.value is not None or v.note == "small cell" else "hidden")
                       for k, v in suppress_row(dict(c.categories.most_common())).items()],
        "unread": sum(1 for d in c.diffs if d.category == "unread"),
        "changes_csv": changes_csv, "min_at_risk": plots.MIN_AT_RISK,
        "bail_section": c.bail_policy,
        "comparisons": [k for k in c.comparisons if not any(
            is_small(m.numerator) for m in (k.a, k.b))],
        "review_before": any(d.baseline == "needs_review" for d in changed),
        "scenarios": [(scenario_tag(s, c.assumed), s) for s in c.scenarios],
        "without_top_charge": _without_tag(c),
        "most_moves": [(name, [k for k, row in figures.tornado.items()
                               if any(s.parameter == name for s in row)][:2])
                       for name in figures.most[:2 if _without_tag(c) else 3]],
        "words": lambda name: parameter_words(c, name),
        "weights": {k: row for k, row in figures.tornado.items() if row},
        "placeholders": [a for a in c.assumptions.parameters.values() if a.placeholder],
        "vehicles_used": [v for k, v in c.vehicles.items() if k in used],
        "vehicles_other": [v for k, v in c.vehicles.items() if k not in used],
        "plots": {
            "survival": plots.survival_plot([c.refiling["simple_possession"].curve,
                                             c.refiling["pwid"].curve]),
            "volumes": plots.volumes_plot(c.volumes, share.default, share.low, share.high),
            "capacity": plots.capacity_plot(c.queue, slots),
            "tornado": [plots.tornado_plot(*panel) for panel in panels],
            "drift": plots.drift_plot(c.drift, figures["pwid_share"].value)
            if "pwid_share" in figures.items else "",
        },
    }


def _without_tag(c: Content) -> str | None:
    """The scenario key of "every assumption but the top-charge one", if the report has it."""
    if TOP_CHARGE not in c.assumed:
        return None
    others = "+".join(a.removeprefix("assume.") for a in c.assumed if a != TOP_CHARGE)
    return others or "none"


def render_html(content: Content, changes_csv: str = "changes.csv") -> str:
    """The report as one HTML string; identical for identical content."""
    html = environment().get_template("report.html.j2").render(_context(content, changes_csv))
    return re.sub(r"[ \t]+\n", "\n", html)


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "headless_shell"):
        if path := shutil.which(name):
            return path
    return None


def _pdf_date(d: date) -> bytes:
    return f"D:{d:%Y%m%d}000000+00'00'".encode()


def html_to_pdf(html_path: Path, pdf_path: Path, fixed_date: date,
                chromium: str | None = None) -> None:
    """Print the HTML with headless Chromium, then pin its creation/modification dates."""
    exe = chromium or find_chromium()
    if exe is None:
        raise DivertError("no headless Chromium found to print the PDF: install it "
                          "(apt-get install chromium) or build the HTML only")
    with tempfile.TemporaryDirectory() as profile:
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
               f"--user-data-dir={profile}", f"--print-to-pdf={pdf_path}",
               html_path.resolve().as_uri()]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=False)
    if done.returncode != 0 or not pdf_path.exists():
        raise DivertError(f"Chromium could not print {html_path}: {done.stderr.strip()[-400:]}")
    data = pdf_path.read_bytes()
    stamp = _pdf_date(fixed_date)
    data = re.sub(rb"D:\d{14}[^)>]*", lambda m: stamp.ljust(len(m.group(0)), b" ")
                  if len(stamp) <= len(m.group(0)) else stamp, data)
    pdf_path.write_bytes(data)


def write_report(content: Content, out: Path, chromium: str | None = None) -> list[Path]:
    """Write `out` (.html with its changes CSV beside it, or .pdf); returns the files written."""
    from divert.analytics.simulate import write_diff_csv

    suffix = out.suffix.lower()
    if suffix not in (".html", ".pdf"):
        raise DivertError(f"--out must end in .html or .pdf, got {out.name!r}")
    csv_path = out.with_name(f"{out.stem}-changes.csv")
    html = render_html(content, csv_path.name)
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".html":
        out.write_text(html, encoding="utf-8")
        write_diff_csv([d for d in content.diffs if d.changed], csv_path)
        return [out, csv_path]
    with tempfile.TemporaryDirectory() as tmp:
        html_path = Path(tmp) / f"{out.stem}.html"
        html_path.write_text(html, encoding="utf-8")
        html_to_pdf(html_path, out, content.table.end, chromium)
    return [out]
