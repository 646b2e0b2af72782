"""Importing the daily filings feed: idempotent, additive, screened under the policy in force."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from divert.ingest.phl_filings import read_phl_filings
from divert.policy.model import Policy
from divert.store.importer import import_filings
from divert.store.tables import AuditRow, CaseEventRow, CaseRow, ChargeRow, Person, ScreeningRow

from .kit import ADMIN, AT, tiny_policy

REPO = Path(__file__).resolve().parents[2]
FILINGS = REPO / "data" / "phl_filings_2021-08_2022-01.csv"
BROKEN = REPO / "tests" / "fixtures" / "phl_filings_broken.csv"
IMPORTER = ADMIN.__class__("importer", "administrator", "cli")


def head(tmp_path: Path, lines: int) -> Path:
    """The first `lines` data rows of the real feed, as a daily file would carry them."""
    text = FILINGS.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / f"filings_{lines}.csv"
    path.write_text("".join(text[: lines + 1]), encoding="utf-8")
    return path


def counts(session: Session) -> tuple[int, ...]:
    return tuple(session.scalar(select(func.count()).select_from(t)) or 0
                 for t in (CaseRow, ChargeRow, CaseEventRow, ScreeningRow, Person))


def test_import_stores_and_screens_every_case(session: Session, tmp_path: Path) -> None:
    ingested = read_phl_filings(head(tmp_path, 300))
    summary = import_filings(session, ingested, tiny_policy(), IMPORTER, at=AT)
    n = len(ingested.cases)
    assert (summary.cases_in_file, summary.cases_added, summary.cases_screened) == (n, n, n)
    assert sum(summary.outcomes.values()) == n
    assert summary.outcomes.get("divert", 0) > 0  # the file is full of (a)(16) possession
    assert counts(session)[0] == n and counts(session)[3] == n
    row = session.scalars(select(CaseRow).limit(1)).one()
    assert (row.state, row.charge_scope, row.source) == ("screened", "top_charge_only",
                                                          "phl_filings")


def test_reimporting_the_same_file_changes_nothing(session: Session, tmp_path: Path) -> None:
    ingested = read_phl_filings(head(tmp_path, 300))
    import_filings(session, ingested, tiny_policy(), IMPORTER, at=AT)
    before = counts(session)
    again = import_filings(session, ingested, tiny_policy(), IMPORTER, at=AT)
    assert (again.cases_added, again.cases_screened, again.people_added) == (0, 0, 0)
    assert again.cases_already_present == len(ingested.cases)
    assert counts(session) == before
    last = session.scalars(select(AuditRow).order_by(AuditRow.seq.desc())).first()
    assert last is not None and last.action == "import"  # only the import itself is logged


def test_a_case_re_imported_with_another_charge_is_a_conflict_not_already_present(
    session: Session, tmp_path: Path
) -> None:
    """Red-team finding 9: re-importing a case whose charge changed counted it as "already
    present" with no warning. It is reported, and the stored case is left as it was."""
    path = head(tmp_path, 20)
    first = read_phl_filings(path)
    import_filings(session, first, tiny_policy(), IMPORTER, at=AT)
    before = counts(session)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    case_id = lines[1].split(",")[0]
    kept = next(fc for fc in first.cases if fc.case_id == case_id).case.charges[0].as_written
    changed = [line for line in lines if line.startswith(case_id + ",")]
    assert len(changed) == 1
    lines[1] = lines[1].replace(f'"{kept}"' if f'"{kept}"' in lines[1] else kept,
                                "Use/Poss Of Drug Paraph", 1)
    edited = tmp_path / "edited.csv"
    edited.write_text("".join(lines), encoding="utf-8")
    again = import_filings(session, read_phl_filings(edited), tiny_policy(), IMPORTER, at=AT)
    assert again.cases_conflicting == 1
    assert again.cases_already_present == len(first.cases) - 1
    assert again.cases_in_file == (again.cases_added + again.cases_already_present
                                   + again.cases_conflicting)
    (conflict,) = again.conflicts
    assert conflict.startswith(f"edited.csv:2: case {case_id} is already stored differently")
    assert "'Use/Poss Of Drug Paraph'" in conflict and repr(kept) in conflict
    assert counts(session) == before
    stored = session.scalars(select(ChargeRow.as_written).where(
        ChargeRow.case_id == case_id)).all()
    assert stored == [kept]


def test_a_newer_file_adds_only_what_is_new(session: Session, tmp_path: Path) -> None:
    first = read_phl_filings(head(tmp_path, 200))
    import_filings(session, first, tiny_policy(), IMPORTER, at=AT)
    second = read_phl_filings(head(tmp_path, 500))
    old = {fc.case_id for fc in first.cases}
    new = [fc for fc in second.cases if fc.case_id not in old]
    summary = import_filings(session, second, tiny_policy(), IMPORTER, at=AT)
    assert summary.cases_added == len(new) > 0
    assert summary.cases_already_present == len(second.cases) - len(new)
    assert counts(session)[0] == len(old) + len(new)


def test_cases_no_version_covers_are_stored_unscreened_with_the_reason(
    session: Session, tmp_path: Path
) -> None:
    ingested = read_phl_filings(head(tmp_path, 100))
    summary = import_filings(session, ingested, tiny_policy(date(2026, 1, 1)), IMPORTER, at=AT)
    assert summary.cases_added == len(ingested.cases) and summary.cases_screened == 0
    assert summary.unscreened == (
        f"{summary.cases_added} × no version of test-possession is in force on the filing date",)
    assert counts(session)[3] == 0


def test_each_case_gets_the_first_policy_in_force_on_its_filing_date(
    session: Session, tmp_path: Path
) -> None:
    ingested = read_phl_filings(head(tmp_path, 100))
    future = tiny_policy(date(2026, 1, 1))
    older = Policy("test-older", tuple(replace(v, id="test-older")
                                       for v in tiny_policy().versions))
    summary = import_filings(session, ingested, [future, older], IMPORTER, at=AT)
    assert summary.cases_screened == summary.cases_added
    ids = set(session.scalars(select(ScreeningRow.policy_id)))
    assert ids == {"test-older"}


def test_refused_rows_are_listed_with_their_line(session: Session) -> None:
    ingested = read_phl_filings(BROKEN)
    summary = import_filings(session, ingested, tiny_policy(), IMPORTER, at=AT)
    assert summary.rows_refused == len(ingested.refusals) > 0
    assert summary.refusals[0].startswith(f"{BROKEN}:4: ")
    assert summary.rows_read == ingested.rows_read


@pytest.mark.slow
def test_the_whole_shared_file_imports_once(tmp_path: Path) -> None:
    """On the embedded default, as `make demo` does it."""
    from divert.store import db

    url = f"sqlite:///{tmp_path / 'full.sqlite'}"
    db.upgrade(url)
    engine = db.make_engine(url)
    ingested = read_phl_filings(FILINGS)
    with db.make_sessionmaker(engine)() as session:
        summary = import_filings(session, ingested, tiny_policy(), IMPORTER, at=AT)
        assert summary.cases_added == 9288 and summary.rows_read == 12564
        assert summary.cases_screened == 9288
        again = import_filings(session, ingested, tiny_policy(), IMPORTER, at=AT)
        assert again.cases_added == 0 and again.cases_already_present == 9288
    engine.dispose()


def test_imported_cases_carry_the_same_history_as_cases_filed_one_by_one(
    session: Session, tmp_path: Path
) -> None:
    from divert.store import audit, repo

    ingested = read_phl_filings(head(tmp_path, 50))
    import_filings(session, ingested, tiny_policy(), IMPORTER, at=AT)
    case_id = ingested.cases[0].case_id
    history = repo.list_events(session, IMPORTER, case_id)
    assert [e.kind for e in history] == ["CaseFiled", "Screened"]
    [screening] = repo.list_screenings(session, IMPORTER, case_id)
    assert history[1].payload["screening_id"] == screening.id
    assert screening.decision["case_id"] == case_id
    view = repo.get_case(session, IMPORTER, case_id)
    assert (view.state, view.version) == ("screened", 3)
    assert audit.verify(session).ok


def test_an_imported_filing_for_a_diverted_person_records_a_rearrest(
    session: Session, tmp_path: Path
) -> None:
    from divert.store import repo

    from .kit import filed
    from .test_repo import divert_case

    ingested = read_phl_filings(head(tmp_path, 50))
    person = ingested.cases[0].person_id
    filed(session, "OLD-1", person, on=date(2021, 1, 5))
    divert_case(session, "OLD-1")
    summary = import_filings(session, ingested, tiny_policy(), IMPORTER, at=AT)
    mine = [fc.case_id for fc in ingested.cases if fc.person_id == person]
    assert summary.rearrests_recorded == len(mine) >= 1
    rearrests = [e for e in repo.list_events(session, IMPORTER, "OLD-1")
                 if e.kind == "ReArrestRecorded"]
    assert sorted(e.payload["new_case_id"] for e in rearrests) == sorted(mine)
    assert summary.cases_added == len(ingested.cases)


def test_an_import_with_a_bail_policy_stores_each_screened_cases_recommendation(
    tmp_path: Path,
) -> None:
    from divert.policy.load import load_policies
    from divert.store.bail import latest_recommendation
    from divert.store.db import make_engine, make_sessionmaker, upgrade

    url = f"sqlite:///{tmp_path / 'bail.sqlite'}"
    upgrade(url)
    engine = make_engine(url)
    lines = FILINGS.read_text(encoding="utf-8").splitlines(keepends=True)
    sample = tmp_path / "sample.csv"
    sample.write_text("".join(lines[:300]), encoding="utf-8")
    policies = load_policies()
    try:
        with make_sessionmaker(engine)() as session:
            ingested = read_phl_filings(sample)
            summary = import_filings(session, ingested, policies["phl-dao-2018"],
                                     ADMIN,
                                     bail=policies["phl-dao-bail-2018"])
            assert summary.cases_screened == len(ingested.cases)
            for fc in ingested.cases:
                found = latest_recommendation(session, fc.case_id)
                assert found is not None and found.policy_id == "phl-dao-bail-2018"
                # the feed publishes one charge and no record: no live request is ROR
                assert found.outcome != "ror"
    finally:
        engine.dispose()
