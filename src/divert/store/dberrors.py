"""What a database refusal means, for the service (which never imports SQLAlchemy itself)."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

DatabaseError = DBAPIError  # what the service registers a handler for, by this name

# numeric_value_out_of_range: a number too large for its column (PostgreSQL)
_OUT_OF_RANGE = "22003"


# string_data_right_truncation: a text longer than its column (PostgreSQL; SQLite keeps it)
_TOO_LONG = "22001"


def text_too_long(exc: BaseException) -> bool:
    """True when a text sent to the database is longer than its column: a bound the API's
    schema forgot (found by the PostgreSQL fuzz campaign), the client's error, not ours."""
    return isinstance(exc, DBAPIError) and getattr(exc.orig, "sqlstate", None) == _TOO_LONG


def text_with_nul(exc: BaseException) -> bool:
    """True when a text holds a NUL character, which PostgreSQL cannot store (psycopg
    refuses it before sending; found by the PostgreSQL fuzz campaign in a query string)."""
    return isinstance(exc, DBAPIError) and "NUL (0x00)" in str(exc.orig)


def number_out_of_range(exc: BaseException) -> bool:
    """True when a number sent to the database did not fit its column: the driver's
    OverflowError (SQLite: above 64 bits) or PostgreSQL's numeric_value_out_of_range.
    The API bounds every integer it takes (service/bounds.py); this is the net under it, so
    a bound forgotten in a new route is still a 422, never a 500."""
    if isinstance(exc, OverflowError):
        return True
    if isinstance(exc, DBAPIError):
        if isinstance(exc.orig, OverflowError):
            return True
        return getattr(exc.orig, "sqlstate", None) == _OUT_OF_RANGE
    return False
