"""What a case *is* when it is screened: charges as written, the person's record, its date.

Everything a policy may read is here, as plain frozen values; `None` means the fact is not
known (missing), which policies treat as unknown, never as false or zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class ChargeScope(StrEnum):
    """Whether the charges listed are all the charges, or only the most serious one."""

    COMPLETE = "complete"
    TOP_CHARGE_ONLY = "top_charge_only"  # e.g. the Philadelphia new-filings feed


class Stage(StrEnum):
    """Where the case is: a police contact before any charge (PAD), or a filed case."""

    PRE_CHARGE = "pre_charge"
    CHARGED = "charged"


@dataclass(frozen=True, slots=True)
class Charge:
    """One charge as written by a court or the police; normalization happens at screening."""

    as_written: str
    citation: str | None = None
    grade: str | None = None
    drug: str | None = None  # when the source says which drug; else unknown
    quantity_grams: int | None = None  # the weight the record states, whole grams; else unknown


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """Person-level facts joined by person id. None means the data does not say."""

    person_id: str
    prior_drug_convictions: int | None = None
    open_diversions: int | None = None
    pad_contacts: int | None = None  # earlier PAD contacts, not counting this one
    bench_warrants_5y: int | None = None
    prior_convictions: int | None = None  # adult misdemeanors and felonies, any offense
    prior_violent_convictions: int | None = None
    prior_ard: int | None = None  # times placed on ARD
    prior_section17: int | None = None  # times given 35 P.S. § 780-117 probation
    open_pwid_cases: int | None = None  # open (a)(30) cases, not counting this one


@dataclass(frozen=True, slots=True)
class Case:
    """A case to screen. `filing_date` (or `contact_date` before a charge) selects the version."""

    case_id: str
    charges: tuple[Charge, ...]
    filing_date: date | None = None
    contact_date: date | None = None
    person: PersonRecord | None = None
    charge_scope: ChargeScope = ChargeScope.COMPLETE
    stage: Stage = Stage.CHARGED
    pad_referred: bool | None = None  # PAD came first for this same incident
    age: int | None = None  # whole years at filing (or at the contact)
    money_bail: bool | None = None  # money bail was set (from the bail events)
    held: bool | None = None  # the person was held in custody
    police_district: int | None = None  # Philadelphia police district of the stop (PAD)
    fentanyl_evidence: bool | None = None  # the record shows evidence of fentanyl
    mandatory_supervision_months: int | None = None  # the longest term a statute requires
    attributes: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    def date_for(self, applies_by: str) -> date | None:
        """The case date a policy's `applies_by` names (filing_date or contact_date)."""
        value = getattr(self, applies_by, None)
        return value if isinstance(value, date) else None
