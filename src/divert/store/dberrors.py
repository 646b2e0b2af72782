"""What a database refusal means, for the service (which never imports SQLAlchemy itself)."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

DatabaseError = DBAPIError  # what the service registers a handler for, by this name

# numeric_value_out_of_range: a number too large for its column (PostgreSQL)
_OUT_OF_RANGE = "22003"


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
