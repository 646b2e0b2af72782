"""Opening a text table safely: binary, empty and badly encoded files become one clear error.

Readers call these before parsing, so a wrong file gets a sentence, never a stack trace.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from divert.errors import InputFormatError

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


def csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line where the row starts, fields) for each non-blank CSV row, header included.

    Quoted commas and quoted line breaks are handled by the csv module; the line number is
    the physical line where the row begins, so a refusal points where an editor shows it.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    previous_end = 0
    for fields in reader:
        start = previous_end + 1
        previous_end = reader.line_num
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            continue
        yield start, fields


def header_of(path: Path, text: str, expected: str) -> list[str]:
    """The header row's column names, stripped; an error if the file has no header at all."""
    for _, fields in csv_rows(text):
        return [name.strip() for name in fields]
    raise InputFormatError(str(path), f"has no header row; expected {expected}")
