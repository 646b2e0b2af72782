"""`divert demo` is idempotent and prints working accounts; `divert users add` and
`divert totp` work from a terminal."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from divert.cases.access import ROLES
from divert.cli import app
from divert.resources import sample_filings
from divert.service import demo
from divert.service.settings import Settings
from divert.store import audit
from divert.store.db import make_engine, make_sessionmaker, upgrade


@pytest.fixture
def small_filings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The first 300 rows of the real filings, so the demo runs in seconds."""
    lines = sample_filings().read_text(encoding="utf-8").splitlines(keepends=True)[:301]
    path = tmp_path / "phl_filings_small.csv"
    path.write_text("".join(lines), encoding="utf-8")
    monkeypatch.setattr(demo, "sample_filings", lambda: path)
    return path


def test_the_demo_twice_adds_nothing_the_second_time(
    blank_db_url: str, small_filings: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the demo writes var/audit.key where it runs
    monkeypatch.delenv("DIVERT_AUDIT_KEY_FILE", raising=False)
    settings = Settings(database_url=blank_db_url)
    first = demo.prepare_demo(settings, echo=lambda _: None)
    key = (tmp_path / "var" / "audit.key").read_text()
    second = demo.prepare_demo(settings, echo=lambda _: None)
    assert (tmp_path / "var" / "audit.key").read_text() == key  # generated once, kept
    factory = make_sessionmaker(make_engine(blank_db_url))
    with factory() as session:
        checked = audit.verify(session)
    factory.kw["bind"].dispose()
    assert checked.ok and checked.keyed and checked.unmarked == 0  # keyed from entry 1
    assert first.summary.cases_added > 0 and second.summary.cases_added == 0
    # 2021 filings: screened under the filing-date policy in force then, every one of them
    assert first.summary.cases_screened == first.summary.cases_added
    assert second.summary.cases_already_present == first.summary.cases_added
    assert sorted(a.role for a in first.accounts) == sorted(ROLES)
    assert [(a.username, a.totp_secret) for a in first.accounts] == [
        (a.username, a.totp_secret) for a in second.accounts]
    assert all(a.created for a in first.accounts) and not any(a.created for a in second.accounts)


def test_users_add_prints_the_totp_secret_once(blank_db_url: str) -> None:
    url = blank_db_url
    upgrade(url)
    runner = CliRunner()
    result = runner.invoke(app, ["users", "add", "new.analyst", "--role", "analyst",
                                 "--password", "a long enough password", "--database-url", url])
    assert result.exit_code == 0, result.output
    assert "created new.analyst (analyst); TOTP secret " in result.output
    assert "otpauth://totp/divert:new.analyst?secret=" in result.output
    again = runner.invoke(app, ["users", "add", "new.analyst", "--role", "analyst",
                                "--password", "a long enough password", "--database-url", url])
    assert again.exit_code != 0 and "taken" in str(again.exception or again.output)


def test_users_add_refuses_an_unknown_role(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["users", "add", "x", "--role", "sheriff",
                                      "--password", "a long enough password"])
    assert result.exit_code != 0 and "sheriff" in result.output


def test_totp_prints_a_six_digit_code() -> None:
    result = CliRunner().invoke(app, ["totp", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"])
    assert result.exit_code == 0 and result.output.strip().isdigit()
    assert len(result.output.strip()) == 6


def test_totp_refuses_what_is_not_a_secret() -> None:
    result = CliRunner().invoke(app, ["totp", "short"])
    assert result.exit_code != 0 and "not a TOTP secret" in result.output
