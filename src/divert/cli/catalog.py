"""CLI commands: `divert catalog match` (read a CSV of charges) and `divert catalog show`."""

from __future__ import annotations

import csv
import sys
import time
from collections import Counter
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress

from divert.catalog.citation import parse_citation
from divert.catalog.load import default_catalog
from divert.catalog.model import Match, Offense, Reading
from divert.catalog.normalize import normalize_charge
from divert.errors import CatalogError

OUT_COLUMNS = (
    "row",
    "citation",
    "title",
    "section",
    "subsection",
    "category",
    "grade",
    "confidence",
    "matched_by",
    "inchoate",
    "reason",
)

catalog_app = typer.Typer(help="The statute catalog: read charge wordings, look up citations.")
err = Console(stderr=True, soft_wrap=True)


def _row(number: int, reading: Reading) -> dict[str, object]:
    """One output row: the reading of input row `number` (1 = first data row)."""
    cit = reading.citation  # every level written, even when the category is unknown
    where = {
        "citation": str(cit) if cit else "",
        "section": cit.section if cit else "",
        "subsection": "".join(f"({p})" for p in cit.subsection) if cit else "",
    }
    if isinstance(reading, Match):
        return {
            "row": number,
            **where,
            "title": reading.offense.title,
            "category": reading.category.value,
            "grade": reading.offense.grade or "",
            "confidence": f"{reading.confidence:.2f}",
            "matched_by": reading.matched_by.value,
            "inchoate": reading.inchoate.value if reading.inchoate else "",
            "reason": "",
        }
    return {
        "row": number,
        **where,
        "category": "unknown",
        "confidence": "0.00",
        "matched_by": "unknown",
        "reason": reading.reason,
    }


def _fail(message: str) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(2)


@catalog_app.command("match")
def match(
    file: Path = typer.Argument(..., help="CSV file with one charge per row."),
    description_column: str = typer.Option(..., help="Column holding the charge wording."),
    citation_column: str | None = typer.Option(None, help="Column holding a citation, if any."),
    out: Path = typer.Option(..., help="Where to write the readings (CSV), one per input row."),
) -> None:
    """Read every row's charge as a catalog entry, or say why it cannot be read."""
    if not file.is_file():
        raise _fail(f"{file}: no such file")
    with file.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        columns = list(reader.fieldnames or [])
        for wanted in (description_column, citation_column):
            if wanted is not None and wanted not in columns:
                raise _fail(
                    f"{file} has no column {wanted!r}; its columns are: "
                    f"{', '.join(columns) or '(none: the file is empty)'}"
                )
        rows = list(reader)
    catalog = default_catalog()
    start = time.perf_counter()
    counts: Counter[str] = Counter()
    with (
        out.open("w", newline="", encoding="utf-8") as sink,
        Progress(console=err, transient=True, disable=not sys.stderr.isatty()) as progress,
    ):
        writer = csv.DictWriter(sink, fieldnames=OUT_COLUMNS)
        writer.writeheader()
        task = progress.add_task("reading charges", total=len(rows))
        for number, row in enumerate(rows, start=1):
            wording = row.get(description_column) or ""
            cited = row.get(citation_column) if citation_column else None
            reading = normalize_charge(wording, cited or None, catalog=catalog)
            counts["matched" if isinstance(reading, Match) else "unknown"] += 1
            writer.writerow(_row(number, reading))
            progress.advance(task)
    seconds = time.perf_counter() - start
    total = len(rows) or 1
    err.print(
        f"{len(rows)} rows read with catalog {catalog.version}: "
        f"{counts['matched']} matched ({counts['matched'] / total:.1%}), "
        f"{counts['unknown']} unknown; {len(rows) / max(seconds, 1e-9):,.0f} rows/s → {out}",
        highlight=False,
    )


def _describe(offense: Offense) -> list[str]:
    lines = [
        f"{offense.citation}  {offense.title}",
        f"  category: {offense.category.value}",
        f"  usual grade: {offense.grade or 'unknown'}",
    ]
    if offense.grades:
        lines.append("  grades charged: " + ", ".join(f"{g} {n:,}" for g, n in offense.grades))
    if offense.max_penalty is not None:
        p = offense.max_penalty
        lines.append(
            f"  maximum penalty: {p.max_prison_days or '?'} days, "
            f"${p.max_fine_dollars or '?'} ({p.source})"
        )
    if offense.drug:
        lines.append(f"  drug: {offense.drug}")
    if offense.descriptions:
        lines.append("  court descriptions: " + "; ".join(offense.descriptions[:5]))
    if offense.source:
        lines.append(f"  source: {offense.source}")
    return lines


@catalog_app.command("show")
def show(citation: str = typer.Argument(..., help="A citation in any common form.")) -> None:
    """Show a catalog entry: title, category, grades, penalty and where each fact comes from."""
    try:
        catalog = default_catalog()
    except CatalogError as exc:
        raise _fail(str(exc)) from exc
    parsed = parse_citation(citation)
    if parsed is None:
        raise _fail(f"cannot read {citation!r} as a citation (try '35 P.S. § 780-113(a)(16)')")
    offense = catalog.lookup(parsed)
    if offense is None:
        under = catalog.entries_under(parsed)
        if not under:
            raise _fail(f"{parsed} is not in catalog {catalog.version}")
        typer.echo(f"{parsed} covers {len(under)} entries in different categories:")
        for entry in under:
            typer.echo(f"  {entry.citation}  {entry.category.value}  {entry.title}")
        return
    typer.echo("\n".join(_describe(offense)))


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `divert` app."""
    app.add_typer(catalog_app, name="catalog")
