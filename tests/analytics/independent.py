"""Independent figures for the real filings: plain DuckDB SQL over the raw CSV.

Nothing here uses divert's reader, catalog, screening or measures, so when a test finds
the two equal, both are right or both are wrong in the same way by chance. The SQL knows
the court's own wordings for the offenses, taken from the data.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

POSSESSION_WORDINGS = [
    "Int Poss Contr Subst By Per Not Reg", "Purc/Rec Of Cont Substby Unauth Per",
    "Use/Poss Of Drug Paraph", "Poss Of Marijuana",
]
# What the draft proposal diverts under its two what-if assumptions, in the feed's own terms:
# a non-marijuana possession top charge, an adult, no money bail set, nobody held.
DIVERTED_UNDER_ASSUMPTIONS = (
    "top in $w and top <> 'Poss Of Marijuana' and age >= 18 and not money_bail and not held"
)
PWID_WORDINGS = [
    "Manufacture, Delivery, or Possession With Intent to Manufacture or Deliver",
    "Conspiracy - Manufacture, Delivery, or Possession With Intent to Manufacture or Deliver",
]


def connect(csv: Path) -> duckdb.DuckDBPyConnection:
    """One row per case: first person id, filing day, latest top charge, custody, bail."""
    con = duckdb.connect()
    con.execute(
        "create table cases as select case_id, min(person_id) as pid,"
        " min(filing_date::timestamp)::date as filed,"
        " arg_max(top_charge, coalesce(bail_date, '')) as top,"
        " bool_or(in_custody is not null or bail_status in ('Denied', 'Revoked')) as held,"
        " bool_or(bail_type = 'Monetary' and try_cast(replace(replace(bail_amount, '$', ''),"
        " ',', '') as double) > 0) as money_bail,"
        " min(try_cast(age as integer)) as age"
        f" from read_csv('{csv}', all_varchar = true) group by case_id"
    )
    return con


def refiled(con: duckdb.DuckDBPyConnection, wordings: list[str], window: int
            ) -> tuple[int, int]:
    """(re-filed, followed): each person's first case with these wordings, later filings
    within `window` days, only where the window closed by the last filing date."""
    row = con.execute(
        "with idx as (select pid, min(filed) d from cases where top in $w group by pid),"
        " last as (select max(filed) e from cases)"
        " select count(*) filter (where exists (select 1 from cases c where c.pid = idx.pid"
        "   and c.filed > idx.d and c.filed <= idx.d + $win)), count(*)"
        " from idx, last where idx.d + $win <= last.e",
        {"w": wordings, "win": window},
    ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def pwid_by_month(con: duckdb.DuckDBPyConnection, wordings: list[str]) -> dict[str, int]:
    """Cases a month whose top charge is one of `wordings` (the drift numerator)."""
    rows = con.execute(
        "select strftime(filed, '%Y-%m'), count(*) from cases where top in $w group by 1",
        {"w": wordings},
    ).fetchall()
    return {str(m): int(n) for m, n in rows}
