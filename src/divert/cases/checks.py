"""Dates a person types, checked against each other and against today, before anything is
written. Each refusal is an `InputRefused`: the sentence says what to do next, the field is
the input to correct and the code is for programs.

Pure: "today" and the dates to compare with are arguments, so the store, the API and the
pages check the same way and a test can pass any day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from divert.errors import InputRefused


def not_in_future(field: str, day: date, today: date, what: str) -> None:
    """`what` ("the engagement date") happened, so it cannot be after today."""
    if day > today:
        raise InputRefused(field, "date_in_future",
                           f"{what.capitalize()} {day} is after today ({today}); enter the "
                           "date it happened, today or earlier.")


def not_before(field: str, day: date, earliest: date, what: str, since: str) -> None:
    """`what` cannot come before `since` (which happened on `earliest`)."""
    if day < earliest:
        raise InputRefused(field, "date_out_of_order",
                           f"{what.capitalize()} {day} is before {since} ({earliest}); check "
                           f"the date and enter {earliest} or later.")


def pad_contact(contact: date, today: date, began: date) -> None:
    """A PAD contact happened, and not before PAD began (`began`: the first day of the PAD
    policy's first version, so the bound is policy data)."""
    not_in_future("contact_date", contact, today, "the contact date")
    if contact < began:
        raise InputRefused("contact_date", "before_program",
                           f"The contact date {contact} is before {began}, when Police "
                           "Assisted Diversion began; check the date, and handle a contact "
                           "before then as usual.")


def offer_expiry(expires_on: date, today: date) -> None:
    """An offer must leave the person time to answer: it expires today or later."""
    if expires_on < today:
        raise InputRefused("expires_on", "expiry_in_past",
                           f"The offer would expire on {expires_on}, which has passed (today "
                           f"is {today}); choose today or a later date.")


def offer_answer(answer: str, on: date, today: date, offered_on: date | None,
                 expires_on: date | None) -> None:
    """An answer is given after the offer is made, not in the future, and an acceptance
    only while the offer is open."""
    not_in_future("on", on, today, f"the date the offer was {answer}")
    if offered_on is not None:
        not_before("on", on, offered_on, f"the date the offer was {answer}",
                   "the day the offer was made")
    if answer == "accepted" and expires_on is not None and on > expires_on:
        raise InputRefused("on", "offer_expired",
                           f"The offer expired on {expires_on}, so it cannot be accepted on "
                           f"{on}; record it as expired, or make a new offer with a later "
                           "expiry date.")


def referral_date(referred_on: date, today: date, case_began: date | None) -> None:
    """A referral is made on or after the case's first date, and not in the future."""
    not_in_future("referred_on", referred_on, today, "the referral date")
    if case_began is not None:
        not_before("referred_on", referred_on, case_began, "the referral date",
                   "the case's filing or police contact")


def engagement_dates(reported_on: date, dates: Iterable[date], today: date,
                     referred_on: date) -> None:
    """Engagement is reported and happens after the referral, and never in the future."""
    not_in_future("reported_on", reported_on, today, "the report date")
    not_before("reported_on", reported_on, referred_on, "the report date",
               "the referral to this provider")
    for day in dates:
        not_in_future("dates", day, today, "the engagement date")
        not_before("dates", day, referred_on, "the engagement date",
                   "the referral to this provider")
