"""The facts a policy may read: name, type, allowed values and what each means.

This table is the vocabulary of the condition language: `policy check` refuses any other
name (with a "did you mean"), and every engine reads exactly these.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from divert.catalog.model import Category, Inchoate
from divert.catalog.offense_names import default_offense_names
from divert.model.case import ChargeScope, Stage


class Kind(StrEnum):
    ENUM = "enum"
    INT = "int"
    BOOL = "bool"


@dataclass(frozen=True, slots=True)
class FactSpec:
    path: str
    kind: Kind
    doc: str
    values: tuple[str, ...] = ()  # allowed values of an enum fact
    fills: tuple[str, ...] = ()  # an assumption that reads these unknown facts as 0

    @property
    def is_charge_fact(self) -> bool:
        return self.path.startswith("charge.")


# The person's record: what a vehicle's bars read, and what no public feed publishes.
RECORD_FACTS = (
    "person.prior_drug_convictions",
    "person.prior_convictions",
    "person.prior_violent_convictions",
    "person.prior_ard",
    "person.prior_section17",
    "person.open_diversions",
    "person.bench_warrants_5y",
    "person.open_pwid_cases",
)

DRUGS = ("marijuana", "fentanyl", "heroin", "cocaine", "methamphetamine", "other")

FACTS: dict[str, FactSpec] = {
    spec.path: spec
    for spec in (
        FactSpec(
            "charge.category",
            Kind.ENUM,
            "The catalog category the charge's wording was read as; unknown if unread.",
            tuple(c.value for c in Category),
        ),
        FactSpec(
            "charge.drug",
            Kind.ENUM,
            "The drug involved, where the statute or the source says; else unknown.",
            DRUGS,
        ),
        FactSpec(
            "charge.inchoate",
            Kind.ENUM,
            "Attempt, conspiracy or solicitation; 'none' for the offense itself.",
            (*(i.value for i in Inchoate), "none"),
        ),
        FactSpec("charge.grade", Kind.ENUM, "The grade as charged (F1-F3, F, M1-M3, M, S).",
                 ("F1", "F2", "F3", "F", "M1", "M2", "M3", "M", "S")),
        FactSpec(
            "charge.offense",
            Kind.ENUM,
            "The named offense of the charge's statute (catalog offense_names.yaml), for lists "
            "written statute by statute; 'unnamed' when no entry names it, unknown if unread.",
            default_offense_names().names,
        ),
        FactSpec("charge.quantity_grams", Kind.INT,
                 "The weight of the drug the record states for this charge, in whole grams "
                 "(rounded down); unknown when the record states none."),
        FactSpec(
            "case.charge_scope",
            Kind.ENUM,
            "Whether the charges listed are all of them, or only the most serious one.",
            tuple(s.value for s in ChargeScope),
        ),
        FactSpec(
            "case.stage",
            Kind.ENUM,
            "A police contact before any charge (PAD), or a filed case.",
            tuple(s.value for s in Stage),
        ),
        FactSpec("case.charge_count", Kind.INT, "How many charges the case lists."),
        FactSpec("case.pad_referred", Kind.BOOL, "PAD came first for this same incident."),
        FactSpec("case.age", Kind.INT, "The person's age at filing (or at the contact), in "
                 "whole years."),
        FactSpec("case.money_bail", Kind.BOOL,
                 "Money bail was set on the case (a bail event of type Monetary, amount > 0)."),
        FactSpec("case.held", Kind.BOOL,
                 "The person was held in custody (a facility recorded, or bail denied or "
                 "revoked)."),
        FactSpec("case.fentanyl_evidence", Kind.BOOL,
                 "The record shows evidence of fentanyl (a seizure, a lab report or a charge "
                 "naming it); unknown where the record holds no drug evidence."),
        FactSpec("case.mandatory_supervision_months", Kind.INT,
                 "The longest supervision a statute requires for the proposed disposition, in "
                 "months (0 when none); stated by the ADA at disposition."),
        FactSpec("case.police_district", Kind.INT,
                 "The Philadelphia police district of the stop (1-39), for PAD."),
        FactSpec("person.pad_contacts", Kind.INT, "Earlier PAD contacts, not counting this one."),
        FactSpec("person.open_diversions", Kind.INT, "Diversions open for the person now."),
        FactSpec(
            "person.prior_drug_convictions",
            Kind.INT,
            "Convictions under the Drug Act (35 P.S. § 780-101 et seq.) before this case.",
        ),
        FactSpec("person.bench_warrants_5y", Kind.INT, "Bench warrants in the past five years."),
        FactSpec("person.prior_convictions", Kind.INT,
                 "Adult misdemeanor or felony convictions before this case, any offense."),
        FactSpec("person.prior_violent_convictions", Kind.INT,
                 "Convictions for a crime of violence before this case."),
        FactSpec("person.open_pwid_cases", Kind.INT,
                 "Open cases charging possession with intent to deliver (35 P.S. § "
                 "780-113(a)(30)), not counting this one."),
        FactSpec("person.prior_ard", Kind.INT, "Times previously placed on ARD."),
        FactSpec("person.prior_section17", Kind.INT,
                 "Times previously given probation without verdict under 35 P.S. § 780-117."),
        # What-if assumptions (policy/assumptions.py): false in every live decision; a
        # simulation may switch one on, and every figure it moves says so.
        FactSpec(
            "assume.hidden_charges_lesser",
            Kind.BOOL,
            "What-if: where only the top charge was published, the other charges are lesser.",
        ),
        FactSpec(
            "assume.no_unpublished_record",
            Kind.BOOL,
            "What-if: a prior-record fact the data does not hold is read as none (0).",
            fills=RECORD_FACTS,
        ),
        FactSpec(
            "assume.no_unrecorded_fentanyl",
            Kind.BOOL,
            "What-if: a case whose record holds no drug evidence had no fentanyl.",
            fills=("case.fentanyl_evidence",),
        ),
    )
}

# Facts a policy's own charge list defines (`charge_list:` in the version): the loader
# replaces each with the list's items, so no engine ever reads them (policy/charge_list.py).
LIST_FACTS: dict[str, FactSpec] = {
    spec.path: spec
    for spec in (
        FactSpec("charge.listed", Kind.BOOL,
                 "The charge is one of the sourced items of the policy's charge list."),
        FactSpec("charge.maybe_listed", Kind.BOOL,
                 "The charge is a candidate for an item of the policy's charge list that was "
                 "not found (an unknown item)."),
    )
}
