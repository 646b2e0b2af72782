"""Small cells never reach anything public, and a hidden cell cannot be recovered."""

from __future__ import annotations

import pytest

from divert.analytics.suppress import rate_text, suppress, suppress_row


@pytest.mark.parametrize(("count", "shown"), [(0, "0"), (1, "<11"), (10, "<11"), (11, "11")])
def test_counts_from_one_to_ten_are_hidden(count: int, shown: str) -> None:
    assert str(suppress(count)) == shown


def test_one_hidden_cell_beside_a_total_forces_a_second() -> None:
    cells = suppress_row({"18–24": 7, "25–34": 120, "35–44": 45})
    assert [str(c) for c in cells.values()] == ["<11", "120", "<11"]
    assert cells["35–44"].note == "hidden so the small cell cannot be derived"


def test_without_a_total_only_small_cells_are_hidden() -> None:
    cells = suppress_row({"a": 7, "b": 120, "c": 45}, with_total=False)
    assert [str(c) for c in cells.values()] == ["<11", "120", "45"]


def test_a_rate_on_a_small_count_is_not_shown() -> None:
    assert rate_text(4, 50) == "<11 / 50"
    assert rate_text(40, 5) == "40 / <11"
    assert rate_text(12, 48) == "25.0% (12 / 48)"


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        suppress(-1)
