"""Charge wording read in batch: each distinct (wording, citation) pair normalized once.

A charges table may carry the wording as written (`as_written`, optional `citation`,
`grade`, `drug`) instead of categories. Millions of charges repeat a few hundred wordings,
so the engine asks the catalog normalizer once per distinct pair, in Python, and joins the
answers back in SQL. The columns it derives mirror the in-process engine's `case_facts`:
the category when the wording was read (else unknown), the drug the source gives or else
the statute's, the inchoate form ('none' for the offense itself), the grade as charged.
"""

from __future__ import annotations

from collections.abc import Iterable

from divert.catalog.model import Match, Reading
from divert.engines.dialect import Dialect

# Required; citation, grade, drug and quantity_grams are optional.
RAW_COLUMNS = ("case_id", "idx", "as_written")
ReadingRow = tuple[str, str | None, str | None, str | None, str | None, str | None]


def reading_row(as_written: str, citation: str | None, reading: Reading) -> ReadingRow:
    """(as_written, citation, category, statute drug, inchoate, offense name) for one pair."""
    from divert.engines.inprocess import offense_name

    if not isinstance(reading, Match):
        return (as_written, citation, None, None, None, None)
    inchoate = reading.inchoate.value if reading.inchoate else "none"
    return (as_written, citation, reading.category.value, reading.offense.drug, inchoate,
            offense_name(reading))


READING_COLUMNS = ("as_written", "citation", "category", "statute_drug", "inchoate", "offense")


def reading_rows(pairs: Iterable[tuple[str, str | None]]) -> list[ReadingRow]:
    """Every distinct pair read by the catalog normalizer, once."""
    from divert.catalog.normalize import normalize_charge

    return [reading_row(w, c, normalize_charge(w, c)) for w, c in pairs]


def readings_sql(pairs: Iterable[tuple[str, str | None]], dialect: Dialect) -> str:
    """A VALUES table of every pair's reading, normalized with the catalog normalizer."""

    def lit(value: str | None) -> str:
        return "NULL" if value is None else dialect.string(value)

    rows = reading_rows(pairs)
    if not rows:  # VALUES needs a row; an empty wording matches no charge
        rows = [("", None, None, None, None, None)]
    body = ", ".join("(" + ", ".join(lit(v) for v in row) + ")" for row in rows)
    return (f"(SELECT * FROM (VALUES {body}) AS m(as_written, citation, category, "
            "statute_drug, inchoate, offense))")


def normalized_charges_sql(raw: str, readings: str, columns: set[str],
                           dialect: Dialect) -> str:
    """The batch layout's charges from raw ones: the readings joined on (wording, citation)."""
    null = f"CAST(NULL AS {dialect.string_type})"
    citation = "r.citation" if "citation" in columns else null
    drug = "NULLIF(r.drug, '')" if "drug" in columns else null
    grade = "r.grade" if "grade" in columns else null
    quantity = ("r.quantity_grams" if "quantity_grams" in columns
                else "CAST(NULL AS INTEGER)")
    return (
        f"SELECT r.case_id AS case_id, r.idx AS idx, m.category AS category, "
        f"COALESCE({drug}, m.statute_drug) AS drug, m.inchoate AS inchoate, {grade} AS grade, "
        f"{quantity} AS quantity_grams, m.offense AS offense "
        f"FROM {raw} r LEFT JOIN {readings} m ON m.as_written = r.as_written "
        f"AND COALESCE(m.citation, '') = COALESCE({citation}, '')"
    )
