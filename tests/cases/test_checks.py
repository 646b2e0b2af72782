"""The date checks on their own: today and the other dates are arguments."""

from __future__ import annotations

from datetime import date

import pytest

from divert.cases import checks
from divert.errors import InputRefused

TODAY = date(2026, 7, 2)


def test_a_pad_contact_before_the_program_or_after_today_is_refused() -> None:
    began = date(2018, 3, 16)
    checks.pad_contact(began, TODAY, began)
    checks.pad_contact(TODAY, TODAY, began)
    with pytest.raises(InputRefused) as early:
        checks.pad_contact(date(1999, 5, 1), TODAY, began)
    assert (early.value.field, early.value.code) == ("contact_date", "before_program")
    with pytest.raises(InputRefused) as late:
        checks.pad_contact(date(2027, 1, 1), TODAY, began)
    assert late.value.code == "date_in_future"


@pytest.mark.parametrize(("answer", "on", "code"), [
    ("accepted", date(2026, 7, 11), "offer_expired"),
    ("accepted", date(2026, 6, 30), "date_out_of_order"),
    ("declined", date(2026, 7, 21), "date_in_future"),
])
def test_an_answer_out_of_order_is_refused(answer: str, on: date, code: str) -> None:
    with pytest.raises(InputRefused) as caught:
        checks.offer_answer(answer, on, date(2026, 7, 20), date(2026, 7, 1), date(2026, 7, 10))
    assert caught.value.code == code and caught.value.field == "on"


def test_a_late_decline_is_not_an_expired_acceptance() -> None:
    checks.offer_answer("declined", date(2026, 7, 15), date(2026, 7, 20), date(2026, 7, 1),
                        date(2026, 7, 10))


def test_engagement_dates_lie_between_the_referral_and_today() -> None:
    checks.engagement_dates(TODAY, [date(2026, 6, 20), TODAY], TODAY, date(2026, 6, 20))
    with pytest.raises(InputRefused) as caught:
        checks.engagement_dates(TODAY, [date(2026, 6, 19)], TODAY, date(2026, 6, 20))
    assert (caught.value.field, caught.value.code) == ("dates", "date_out_of_order")
