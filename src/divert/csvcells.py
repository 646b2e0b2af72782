"""CSV for people who open it in a spreadsheet: no cell is ever read as a formula.

A cell that starts with = + - @, a tab or a carriage return is a formula to Excel, LibreOffice
and Google Sheets (OWASP "CSV injection"); such a cell gets a leading apostrophe, which the
spreadsheet shows as text and hides.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The value as text a spreadsheet will not evaluate."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def safe_row(row: Iterable[object]) -> list[str]:
    return [safe_cell("" if v is None else v) for v in row]


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A whole CSV document with every cell made safe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(safe_row(row) for row in rows)
    return out.getvalue()
