"""Whatever text a filings row holds, the reader refuses or accepts it: it never crashes."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from divert.ingest.phl_filings import read_phl_filings
from divert.ingest.phl_rows import COLUMNS
from divert.ingest.reader import read_cases

GOOD = dict(
    zip(
        COLUMNS,
        ["C-000000000001", "MC", "P-000000000001", "name+dob", "2021-09-01T04:00:00",
         "Int Poss Contr Subst By Per Not Reg", "30", "19100", "public_defender",
         "2021-09-01T05:00:00", "ROR", "0.0", "Posted", "0.0", "", "Active"],
        strict=True,
    )
)  # fmt: skip

# NUL is left out: a file holding one is binary by design (InputFormatError, tested elsewhere)
fields = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    changes=st.dictionaries(st.sampled_from(COLUMNS), fields, max_size=4),
    rows=st.integers(1, 3),
)
def test_any_field_value_gives_a_refusal_or_a_case_and_the_counts_tie(
    changes: dict[str, str], rows: int
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for _ in range(rows):
        writer.writerow([changes.get(c, GOOD[c]) for c in COLUMNS])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "filings.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8")
        got = read_phl_filings(path)
    accepted = sum(len(fc.lines) for fc in got.cases)
    assert got.rows_read == accepted + len(got.refusals)
    assert all(r.line >= 2 for r in got.refusals)


GENERIC = ("case_id", "filing_date", "charge", "citation", "person_id", "charge_scope", "drug",
           "grade")  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(*[fields] * len(GENERIC)), min_size=1, max_size=4))
def test_any_cases_table_gives_refusals_or_cases_and_the_counts_tie(
    rows: list[tuple[str, ...]],
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(GENERIC)
    writer.writerows(rows)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cases.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8")
        got = read_cases(path)
    assert got.rows_read == sum(len(c.charges) for c in got.cases) + len(got.refusals)
