"""Plain cases laid out as the three batch tables, with the facts the in-process engine reads.

The facts of a case are defined once, in engines/inprocess.py (`case_facts`); this module
only lays them out in columns, so a batch engine starts from exactly what the reference
engine would evaluate. Each distinct (wording, citation) pair is normalized once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import pyarrow as pa

from divert.catalog.model import Reading
from divert.engines.arrow import conform
from divert.errors import InputFormatError
from divert.model.case import Case
from divert.policy.evaluate import Facts
from divert.policy.facts import FACTS

_PERSON_FACTS = tuple(p.removeprefix("person.") for p in FACTS if p.startswith("person."))
_CASE_FACTS = tuple(p.removeprefix("case.") for p in FACTS if p.startswith("case."))
_CHARGE_FACTS = tuple(p.removeprefix("charge.") for p in FACTS if p.startswith("charge."))


@dataclass(frozen=True, slots=True)
class CaseTables:
    """The batch layout of engines/columns.py, as Arrow tables."""

    cases: pa.Table
    charges: pa.Table
    persons: pa.Table


@dataclass
class TableBuilder:
    """Accumulates cases' facts column by column; `build()` gives the Arrow tables."""

    cases: dict[str, list[object]] = field(default_factory=lambda: {
        c: [] for c in ("case_id", "filing_date", "contact_date", *_CASE_FACTS, "person_id")})
    charges: dict[str, list[object]] = field(default_factory=lambda: {
        c: [] for c in ("case_id", "idx", *_CHARGE_FACTS)})
    persons: dict[str, tuple[object, ...]] = field(default_factory=dict)

    def add(self, case_id: str, facts: Facts, *, person_id: str | None,
            filing_date: date | None = None, contact_date: date | None = None) -> None:
        """Lay out one case whose facts are already known.

        Raises:
            InputFormatError: the same person id arrives with two different records.
        """
        row: dict[str, object] = {"case_id": case_id, "filing_date": filing_date,
                                  "contact_date": contact_date, "person_id": person_id}
        row.update({c: facts.scalars.get(f"case.{c}") for c in _CASE_FACTS})
        for name, values in self.cases.items():
            values.append(row[name])
        for idx, charge in enumerate(facts.charges):
            self.charges["case_id"].append(case_id)
            self.charges["idx"].append(idx)
            for c in _CHARGE_FACTS:
                self.charges[c].append(charge.get(f"charge.{c}"))
        if person_id is None:
            return
        record = tuple(facts.scalars.get(f"person.{c}") for c in _PERSON_FACTS)
        known = self.persons.setdefault(person_id, record)
        if known != record:
            raise InputFormatError(
                f"<case {case_id}>",
                f"person {person_id} has two different prior records: {known} and {record}",
            )

    def build(self) -> CaseTables:
        persons: dict[str, list[object]] = {"person_id": list(self.persons)}
        for i, c in enumerate(_PERSON_FACTS):
            persons[c] = [record[i] for record in self.persons.values()]
        return CaseTables(conform("cases", pa.table(self.cases)),
                          conform("charges", pa.table(self.charges)),
                          conform("persons", pa.table(persons)))


def tables_from_cases(cases: Iterable[Case]) -> CaseTables:
    """Normalize and lay out plain cases for a batch engine, as the reference reads them."""
    from divert.catalog.normalize import normalize_charge
    from divert.engines.inprocess import case_facts

    seen: dict[tuple[str, str | None], Reading] = {}
    builder = TableBuilder()
    for case in cases:
        readings = []
        for charge in case.charges:
            key = (charge.as_written, charge.citation)
            if key not in seen:
                seen[key] = normalize_charge(*key)
            readings.append(seen[key])
        builder.add(case.case_id, case_facts(case, tuple(readings)),
                    person_id=case.person.person_id if case.person else None,
                    filing_date=case.filing_date, contact_date=case.contact_date)
    return builder.build()
