"""Bodies of POST /api/screen: an ad-hoc case in, the Decision JSON out."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from divert.model.case import Case, Charge, ChargeScope, PersonRecord, Stage
from divert.service.bounds import Count


class ChargeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # the lengths of the charges table's columns (store/tables.py): a longer one was a 500
    # on PostgreSQL (found by the fuzz campaign there)
    as_written: str = Field(min_length=1, max_length=300, description="Charge wording.")
    citation: str | None = Field(None, max_length=80)
    grade: str | None = Field(None, max_length=8)
    drug: str | None = Field(None, max_length=32)


class PersonIn(BaseModel):
    """Person-level facts; leave a field out when the record does not say (unknown)."""

    model_config = ConfigDict(extra="forbid")

    person_id: str = Field("adhoc", max_length=100)
    prior_drug_convictions: Count | None = None
    open_diversions: Count | None = None
    pad_contacts: Count | None = None
    bench_warrants_5y: Count | None = None
    prior_convictions: Count | None = None
    prior_violent_convictions: Count | None = None
    prior_ard: Count | None = None
    prior_section17: Count | None = None


class CaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case_id: str = Field("adhoc", max_length=100)
    charges: list[ChargeIn] = Field(min_length=1, max_length=100)
    filing_date: date | None = None
    contact_date: date | None = None
    person: PersonIn | None = None
    charge_scope: ChargeScope = ChargeScope.COMPLETE
    stage: Stage = Stage.CHARGED
    pad_referred: bool | None = None
    age: int | None = Field(None, ge=0, le=120, description="Age at filing, whole years.")
    money_bail: bool | None = Field(None, description="Money bail was set on the case.")
    held: bool | None = Field(None, description="The person was held in custody.")
    police_district: int | None = Field(None, ge=1, le=39)

    def to_case(self) -> Case:
        """The pure domain value the engine screens."""
        person = PersonRecord(**self.person.model_dump()) if self.person else None
        return Case(
            case_id=self.case_id,
            charges=tuple(Charge(**c.model_dump()) for c in self.charges),
            filing_date=self.filing_date,
            contact_date=self.contact_date,
            person=person,
            charge_scope=self.charge_scope,
            stage=self.stage,
            pad_referred=self.pad_referred,
            age=self.age,
            money_bail=self.money_bail,
            held=self.held,
            police_district=self.police_district,
        )


class ScreenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    policy_id: str | None = Field(
        None, description="Policy to screen under; the service's default policy when omitted."
    )
    case: CaseIn



SCREEN_BATCH_LIMIT = 1000  # cases in one POST /api/screen/batch; more is a 413


class ScreenBatchRequest(BaseModel):
    """Up to SCREEN_BATCH_LIMIT ad-hoc cases screened under one policy.

    Each case is checked on its own (so one bad case is refused by its index and the others
    are still screened); the document shows each as a CaseIn."""

    model_config = ConfigDict(extra="forbid")

    policy_id: str | None = Field(
        None, description="Policy to screen every case under; the service's default policy "
        "when omitted.")
    cases: list[dict[str, Any]] = Field(
        description=f"The cases (at most {SCREEN_BATCH_LIMIT:,}; more is refused with 413). "
        "Each has the shape of `case` in POST /api/screen.",
        json_schema_extra={"items": {"$ref": "#/components/schemas/CaseIn"},
                           "maxItems": SCREEN_BATCH_LIMIT, "minItems": 1})
