"""The columnar layout every batch engine reads: three tables, and where each fact lives.

    cases(case_id, filing_date, contact_date, charge_scope, stage, charge_count,
          pad_referred, person_id, age, money_bail, held, police_district)
    charges(case_id, idx, category, drug, inchoate, grade, quantity_grams)  -- NULL = unknown
    persons(person_id, pad_contacts, open_diversions, prior_drug_convictions, bench_warrants_5y,
            prior_convictions, prior_violent_convictions, prior_ard, prior_section17)

A NULL anywhere means "the data does not say", which the SQL reads as UNKNOWN, exactly as the
in-process engine reads `None`. Charges are already normalized here: batch normalization of
the wording happens once per distinct (wording, citation) pair (engines/readings.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from divert.errors import PolicyError
from divert.policy.facts import FACTS, Kind

CASE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("case_id", "VARCHAR"),
    ("filing_date", "DATE"),
    ("contact_date", "DATE"),
    ("charge_scope", "VARCHAR"),
    ("stage", "VARCHAR"),
    ("charge_count", "INTEGER"),
    ("pad_referred", "BOOLEAN"),
    ("person_id", "VARCHAR"),
    ("age", "INTEGER"),
    ("money_bail", "BOOLEAN"),
    ("held", "BOOLEAN"),
    ("police_district", "INTEGER"),
    ("fentanyl_evidence", "BOOLEAN"),
    ("mandatory_supervision_months", "INTEGER"),
)
CHARGE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("case_id", "VARCHAR"),
    ("idx", "INTEGER"),
    ("category", "VARCHAR"),
    ("drug", "VARCHAR"),
    ("inchoate", "VARCHAR"),
    ("grade", "VARCHAR"),
    ("quantity_grams", "INTEGER"),
    ("offense", "VARCHAR"),
)
PERSON_COLUMNS: tuple[tuple[str, str], ...] = (
    ("person_id", "VARCHAR"),
    ("pad_contacts", "INTEGER"),
    ("open_diversions", "INTEGER"),
    ("prior_drug_convictions", "INTEGER"),
    ("bench_warrants_5y", "INTEGER"),
    ("prior_convictions", "INTEGER"),
    ("prior_violent_convictions", "INTEGER"),
    ("prior_ard", "INTEGER"),
    ("prior_section17", "INTEGER"),
    ("open_pwid_cases", "INTEGER"),
)

# The alias each table gets in the compiled query (engines/sql.py).
CASE_ALIAS, CHARGE_ALIAS, PERSON_ALIAS = "k", "c", "p"
_TABLE_OF_PREFIX = {"case": CASE_ALIAS, "charge": CHARGE_ALIAS, "person": PERSON_ALIAS}
_COLUMNS_OF_ALIAS = {
    CASE_ALIAS: {name for name, _ in CASE_COLUMNS},
    CHARGE_ALIAS: {name for name, _ in CHARGE_COLUMNS},
    PERSON_ALIAS: {name for name, _ in PERSON_COLUMNS},
}
DATE_COLUMNS = ("filing_date", "contact_date")  # the names a policy's `applies_by` may take


@dataclass(frozen=True, slots=True)
class FactColumn:
    """Where one fact lives in the layout, and what SQL type its literals take."""

    alias: str
    column: str
    kind: Kind

    @property
    def is_charge(self) -> bool:
        return self.alias == CHARGE_ALIAS


def fact_column(path: str) -> FactColumn:
    """The table alias and column holding a registered fact.

    >>> fact_column("person.pad_contacts")
    FactColumn(alias='p', column='pad_contacts', kind=<Kind.INT: 'int'>)

    Raises:
        PolicyError: the fact is not in the vocabulary or has no column in the layout.
    """
    spec = FACTS.get(path)
    prefix, _, name = path.partition(".")
    alias = _TABLE_OF_PREFIX.get(prefix)
    if spec is None or alias is None or name not in _COLUMNS_OF_ALIAS[alias]:
        raise PolicyError(
            f"fact '{path}' has no column in the batch layout",
            hint="known facts: " + ", ".join(sorted(FACTS)),
        )
    return FactColumn(alias, name, spec.kind)


def date_column(applies_by: str) -> str:
    """The cases column a version's `applies_by` names; refuses anything else."""
    if applies_by not in DATE_COLUMNS:
        raise PolicyError(
            f"applies_by '{applies_by}' is not a case date column",
            hint="use one of: " + ", ".join(DATE_COLUMNS),
        )
    return applies_by


_ARROW_TYPES = {"VARCHAR": "string", "DATE": "date32", "INTEGER": "int32", "BOOLEAN": "bool_"}
SCHEMAS = {"cases": CASE_COLUMNS, "charges": CHARGE_COLUMNS, "persons": PERSON_COLUMNS}


def arrow_type_name(sql_type: str) -> str:
    """The Arrow type (by name) that a layout column's SQL type maps to."""
    return _ARROW_TYPES[sql_type]
