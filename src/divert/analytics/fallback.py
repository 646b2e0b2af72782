"""A stop-gap reader of the Philadelphia filings CSV with DuckDB, for when ingest is absent.

It folds bail events into one row per case the same way the ingest reader is documented
to: the earliest filing date and person id win when a case's rows disagree, and a row
whose age is not a whole number keeps the case but leaves its age unknown.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from divert.analytics.filings import CaseRow

_SQL = """
with f as (
  select *, try_cast(age as integer) as age_i,
         try_cast(bail_amount as double) as amount_d,
         try_cast(filing_date as timestamp) as filed_ts,
         row_number() over () as line
  from read_csv(?, all_varchar = true, header = true)
)
select case_id,
       arg_min(person_id, filed_ts) as person_id,
       min(filed_ts)::date as filed,
       arg_min(top_charge, line) as top_charge,
       arg_min(age_i, line) as age,
       nullif(arg_min(zip, line), '') as zip,
       arg_min(defense, line) as defense,
       arg_min(case_status, line) as case_status,
       arg_max(bail_type, coalesce(bail_date, '') || lpad(line::varchar, 8, '0')) as bail_type,
       arg_max(amount_d, coalesce(bail_date, '') || lpad(line::varchar, 8, '0')) as amount,
       bool_or(bail_type = 'Monetary') as monetary,
       bool_or(coalesce(in_custody, '') <> '') as held,
       count(*) filter (where filed_ts is null) as bad_dates
from f group by case_id order by filed, case_id
"""


def read_with_duckdb(path: Path) -> tuple[list[CaseRow], int]:
    """CaseRows from the CSV, and how many cases were refused (no readable filing date)."""
    con = duckdb.connect()
    try:
        records = con.execute(_SQL, [str(path)]).fetchall()
    finally:
        con.close()
    rows: list[CaseRow] = []
    refused = 0
    for r in records:
        filed = r[2]
        if not isinstance(filed, date):
            refused += 1
            continue
        rows.append(
            CaseRow(
                case_id=r[0], person_id=r[1], filed=filed, top_charge=r[3] or "",
                age=r[4], zip=r[5], defense=r[6], case_status=r[7], bail_type=r[8],
                bail_amount=r[9], monetary_bail=bool(r[10]), held=bool(r[11]),
            )
        )
    return rows, refused
