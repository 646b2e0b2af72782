"""How large an integer the API accepts, said once: every id, page number, count and row
version a request can carry is bounded here, so a number no column can hold is a 422 that
names the field instead of a 500 from the database driver (red-team finding 7).

Row ids are INTEGER on PostgreSQL (32-bit signed), so no id above 2,147,483,647 can exist;
counts and page numbers get the same bound, far above anything real.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from pydantic import Field

MAX_INT = 2**31 - 1  # PostgreSQL's INTEGER, the narrowest column an id or count is kept in

IdPath = Annotated[int, Path(ge=1, le=MAX_INT, description="A row id, 1 to 2147483647.")]
IdField = Annotated[int, Field(ge=1, le=MAX_INT, description="A row id, 1 to 2147483647.")]
Count = Annotated[int, Field(ge=0, le=MAX_INT)]
PageQuery = Annotated[int, Query(ge=1, le=MAX_INT, description="Page number, from 1.")]
