"""Opening a text table safely: binary, empty and badly encoded files become one clear error.

Readers call these before parsing, so a wrong file gets a sentence, never a stack trace.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from divert.errors import InputFormatError
from divert.ingest.refusals import Refusal

_SNIFF_BYTES = 8192


def read_text(path: Path, expected: str) -> str:
    """The file's text (UTF-8, a byte-order mark removed; CRLF is left to the csv module).

    Args:
        path: the file to read.
        expected: a phrase naming the format wanted, used in the error sentence.

    Raises:
        InputFormatError: the file is missing, binary, empty or not UTF-8 text.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputFormatError(str(path), "no such file") from None
    except IsADirectoryError:
        raise InputFormatError(str(path), f"is a folder, not a file; expected {expected}") from None
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise InputFormatError(
            str(path), f"is a binary file, not a text table; expected {expected}"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFormatError(
            str(path),
            f"is not UTF-8 text (byte {exc.start} cannot be decoded); expected {expected}. "
            "Re-save the file as UTF-8.",
        ) from None
    if not text.strip():
        raise InputFormatError(str(path), f"is empty; expected {expected}")
    return text


def csv_rows(text: str, path: str, *, open_quotes: bool = False
             ) -> Iterator[tuple[int, list[str]] | Refusal]:
    """(line where the row starts, fields) for each non-blank CSV row, header included.

    Quoted commas and quoted line breaks are handled by the csv module; the line number is
    the physical line where the row begins, so a refusal points where an editor shows it.
    A row the csv module cannot read at all (a field over its size limit) is a Refusal,
    and reading goes on with the next row.

    `open_quotes`: refuse a row whose quote was left open (red-team finding 9: it silently
    swallowed the next lines). A quoted line break is allowed (a wording may hold one), but
    not one followed by a whole row's worth of fields (as many commas as the header has),
    nor a field that runs to the end of the file with its line break: those are rows read
    into a field. The row is refused naming the lines it ran over.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    previous_end = 0
    columns = 0  # the header's, once read
    # physical lines in the file, counted once (counting per row made reading quadratic)
    lines = text.count("\n") + (not text.endswith("\n"))
    while True:
        start = previous_end + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            previous_end = reader.line_num
            yield Refusal(path, start, None, None, f"cannot be read as CSV ({error})")
            continue
        previous_end = reader.line_num
        if open_quotes and columns and _swallowed(fields, columns, reader.line_num, lines):
            yield Refusal(path, start, None, None, _open_quote(start, reader.line_num))
            continue
        columns = columns or len(fields)
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            continue
        yield start, fields


def _swallowed(fields: list[str], columns: int, end: int, lines: int) -> bool:
    """Whether a quote left open has read other rows (or the file's end) into a field: a
    field with a line break in a row of the wrong width, or followed by a whole row's worth
    of commas, or running to the end of the file with its line break."""
    at_end = end >= lines
    for field in fields:
        if "\n" not in field and "\r" not in field:
            continue
        if len(fields) != columns or (at_end and field.endswith(("\n", "\r"))):
            return True
        if any(line.count(",") >= columns - 1 for line in field.splitlines()[1:]):
            return True
    return False


def _open_quote(start: int, end: int) -> str:
    ran = (f"lines {start} to {end} were read as one row" if end > start
           else "the row runs on to the end of the file")
    return (f"has a quote (\") that is not closed where it should be, so {ran}; fix the "
            "quote and import again (those lines are refused, not guessed)")


def split_header(
    path: Path, text: str, expected: str, *, open_quotes: bool = False
) -> tuple[list[str], Iterator[tuple[int, list[str]] | Refusal]]:
    """The header's column names (stripped) and an iterator over the rows after it.

    Raises:
        InputFormatError: the file has no header row, or its header cannot be read.
    """
    rows = csv_rows(text, str(path), open_quotes=open_quotes)
    for first in rows:
        if isinstance(first, Refusal):
            raise InputFormatError(str(path), f"its header {first.reason}; expected {expected}")
        return [name.strip() for name in first[1]], rows
    raise InputFormatError(str(path), f"has no header row; expected {expected}")
