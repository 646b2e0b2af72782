"""A case as the Philadelphia filings feed publishes it: one top charge and its bail events.

The screening model (`model.case.Case`) is kept inside; the rest is what analytics reads
(bail, custody, defense, status). Everything the feed does not say stays None (unknown).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from divert.ingest.refusals import Refusal
from divert.model.case import Case


@dataclass(frozen=True, slots=True)
class BailEvent:
    """One bail decision on a case: set, posted, changed, revoked. Blank fields are None."""

    bail_date: datetime | None
    bail_type: str | None  # Monetary | Unsecured | ROR | Nonmonetary
    bail_amount: float | None  # dollars; 0 for ROR
    bail_status: str | None  # Set | Posted | Denied | Revoked | Partial Posting
    outstanding_bail_amount: float | None  # negative values are kept as published
    in_custody: str | None  # the facility holding the person, None when not in custody
    line: int = field(default=0, compare=False)

    @property
    def amount(self) -> float | None:
        """Alias of `bail_amount`, the name analytics reads."""
        return self.bail_amount

    @property
    def is_monetary(self) -> bool:
        return self.bail_type == "Monetary"


def money_bail_set(events: Sequence[BailEvent]) -> bool | None:
    """Whether some bail event set money bail (Monetary, amount above 0); None if no event.

    Three-valued like a policy's `any`: an event whose type or amount is blank cannot say
    no, so without a clear yes it leaves the answer unknown.

    >>> money = BailEvent(None, "Monetary", 5000.0, "Set", None, None)
    >>> ror = BailEvent(None, "ROR", 0.0, "Set", None, None)
    >>> money_bail_set([money]), money_bail_set([]), money_bail_set([ror])
    (True, None, False)
    """
    answers = [_is_money_bail(e) for e in events]
    if True in answers:
        return True
    return False if answers and None not in answers else None


def _is_money_bail(event: BailEvent) -> bool | None:
    if event.bail_amount == 0 or (event.bail_type is not None and not event.is_monetary):
        return False  # ROR and Denied rows carry 0; unsecured bail is no money up front
    if event.is_monetary and event.bail_amount is not None:
        return True
    return None


def held_in_custody(events: Sequence[BailEvent]) -> bool | None:
    """Whether some bail event names a custody facility or denied or revoked bail.

    The feed leaves `in_custody` blank when the person is not held, so a case with bail
    events and none of these was not held; a case with no bail event at all is unknown.
    """
    if not events:
        return None
    return any(e.in_custody or e.bail_status in ("Denied", "Revoked") for e in events)


@dataclass(frozen=True, slots=True)
class FiledCase:
    """One filed case: the screening `Case` plus the feed's own facts about it.

    `person_ids` lists every pseudonym the court published the defendant under on this
    case (the first is `person_id`): the feed repeats a bail event once per name or date
    of birth on the docket, so one defendant can carry two ids.
    """

    case: Case
    person_id: str
    person_link: str  # name+dob | name+age (weaker)
    filed_at: datetime
    age: int | None
    zip: str | None
    defense: str | None  # public_defender | private_or_appointed | none_listed (latest row)
    case_status: str | None  # Active | Closed | Inactive | Adjudicated (latest row)
    bail_events: tuple[BailEvent, ...]
    person_ids: tuple[str, ...] = ()
    top_charge_history: tuple[str, ...] = ()  # earlier wordings, when a later row amended it
    lines: tuple[int, ...] = field(default=(), compare=False)

    @property
    def case_id(self) -> str:
        return self.case.case_id

    @property
    def top_charge(self) -> str:
        return self.case.charges[0].as_written

    @property
    def final_bail(self) -> BailEvent | None:
        """The last bail event published (by bail date, then file order), if any."""
        return self.bail_events[-1] if self.bail_events else None

    @property
    def ever_in_custody(self) -> bool:
        """Whether any bail event names a facility holding the person."""
        return any(e.in_custody for e in self.bail_events)

    @property
    def held_on_monetary_bail(self) -> bool:
        """Monetary bail set and not posted at the last event: the person is held for money."""
        last = self.final_bail
        return last is not None and last.is_monetary and last.bail_status != "Posted"


@dataclass(frozen=True, slots=True)
class Ingested:
    """What a filings file gave: the cases, the refused rows, and the counts that tie them.

    `rows_read == rows_accepted + len(refusals)`: nothing is silently dropped. `warnings`
    are accepted rows where one descriptive value (age, ZIP) was unreadable and left unknown.
    """

    path: Path
    cases: tuple[FiledCase, ...]
    refusals: tuple[Refusal, ...]
    rows_read: int
    warnings: tuple[Refusal, ...] = ()

    @property
    def rows_accepted(self) -> int:
        return self.rows_read - len(self.refusals)

    @property
    def people(self) -> int:
        """Distinct person pseudonyms across the accepted cases (aliases counted apart)."""
        return len({pid for fc in self.cases for pid in (fc.person_ids or (fc.person_id,))})

    def screening_cases(self) -> tuple[Case, ...]:
        return tuple(fc.case for fc in self.cases)
