"""Pagination for every list: `page` (from 1), `page_size` (at most the configured limit)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, Query, Request

from divert.service import messages
from divert.service.bounds import MAX_INT, PageQuery
from divert.service.errors import ApiError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PageParams:
    page: int
    page_size: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size

    def slice(self, items: Sequence[T]) -> list[T]:
        """The items of this page from a full, already-filtered sequence."""
        return list(items[self.offset : self.offset + self.page_size])


def page_params(
    request: Request,
    page: PageQuery = 1,
    page_size: Annotated[
        int, Query(ge=1, le=MAX_INT, description="Items per page, at most 200 by default.")
    ] = 50,
) -> PageParams:
    limit: int = request.app.state.settings.max_page_size
    if page_size > limit:
        raise ApiError(
            422,
            messages.PAGE_SIZE_TOO_LARGE.format(limit=limit, value=page_size),
            loc=("query", "page_size"),
        )
    return PageParams(page, page_size)


PageDep = Annotated[PageParams, Depends(page_params)]
