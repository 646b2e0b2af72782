"""Re-filing over live-store event records, computed by hand, censoring included."""

from __future__ import annotations

from datetime import date

from divert.analytics.live import last_filing_day, live_refiling

AS_OF = date(2026, 3, 31)


def filed(person: str, case: str, on: str) -> dict[str, str]:
    return {"type": "CaseFiled", "case_id": case, "person_id": person, "date": on}


def accepted(case: str, on: str) -> dict[str, str]:
    return {"type": "OfferAccepted", "case_id": case, "date": on}


RECORDS = [
    filed("a", "a1", "2026-01-01"), accepted("a1", "2026-01-05"),
    filed("a", "a2", "2026-01-20"),  # a re-filed after 19 days
    filed("b", "b1", "2026-01-01"), accepted("b1", "2026-01-06"),  # b never re-filed
    filed("c", "c1", "2026-03-15"), filed("c", "c2", "2026-03-20"),  # 5 days; window open
    filed("d", "d1", "2026-01-10"), filed("d", "d0", "2026-01-10"),  # same day: no re-filing
    filed("e", "e1", "2026-04-02"),  # after as_of: not observed
]


def test_30_days_after_any_filing_leaves_out_the_open_window() -> None:
    m30 = live_refiling(RECORDS, AS_OF)["filed"][0]
    # index a1, b1, d0 (d's first by id on the same day), c1; c1's window ends 2026-04-14.
    assert (m30.window_days, m30.numerator, m30.denominator, m30.censored) == (30, 1, 3, 1)
    assert m30.start == date(2026, 1, 1) and m30.end == AS_OF


def test_after_a_diversion_only_diverted_people_are_counted() -> None:
    m30 = live_refiling(RECORDS, AS_OF)["diverted"][0]
    assert (m30.numerator, m30.denominator, m30.censored) == (1, 2, 0)


def test_a_window_not_closed_by_as_of_is_not_measurable_rather_than_zero() -> None:
    m90 = live_refiling(RECORDS, AS_OF)["diverted"][1]
    # a1 and b1 close on 2026-04-01, one day after as_of.
    assert (m90.window_days, m90.denominator, m90.censored, m90.rate) == (90, 0, 2, None)
    assert "not measurable yet" in m90.describe()


def test_the_default_as_of_is_the_last_filing_day_the_records_show() -> None:
    assert last_filing_day(RECORDS) == date(2026, 4, 2)
    assert last_filing_day([accepted("a1", "2026-05-01")]) is None  # filings only
    later = live_refiling(RECORDS, date(2026, 4, 2))["filed"][0]
    assert later.censored == 2  # e1 now observed, its window open


def test_a_store_mixing_an_old_feed_and_new_hand_filings_is_observed_to_the_feeds_end() -> None:
    feed = [{**r, "source": "phl-filings"} for r in RECORDS if r["type"] == "CaseFiled"]
    hand = [{**filed("z", "z1", "2026-12-01"), "source": "api"}]
    # The feed stops on 2026-04-02: nobody can know who it re-filed on after that day, so
    # the hand-filed case of December does not close every feed window.
    assert last_filing_day(feed + hand) == date(2026, 4, 2)
    assert last_filing_day(hand) == date(2026, 12, 1)
