"""The operator's commands: migrate, check, import (idempotent), verify the audit log."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from divert.cli import app

from .test_migrations import head_revision

REPO = Path(__file__).resolve().parents[2]
BROKEN = REPO / "tests" / "fixtures" / "phl_filings_broken.csv"
runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_check_upgrade_check(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'd.sqlite'}"
    code, out = run("db", "check", "--url", url)
    assert code == 1 and "run `divert db upgrade`" in out
    head = head_revision()
    assert run("db", "upgrade", "--url", url) == (0, f"database at revision {head}\n")
    code, out = run("db", "check", "--url", url)
    assert code == 0 and "tables match the models" in out


def test_downgrade_needs_confirmation(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'd.sqlite'}"
    run("db", "upgrade", "--url", url)
    assert run("db", "downgrade", "--url", url)[0] == 2
    code, out = run("db", "downgrade", "--url", url, "--yes")
    assert (code, out) == (0, "database at revision base (empty)\n")


def test_import_twice_then_verify_then_tamper(tmp_path: Path) -> None:
    path = tmp_path / "d.sqlite"
    url = f"sqlite:///{path}"
    code, out = run("import", str(BROKEN), "--url", url, "--show", "1")
    assert code == 0, out
    assert ("15 rows read, 9 refused; 3 cases: 3 added, 0 already present, 0 stored "
            "differently; 3 screened") in out
    assert f"refused: {BROKEN}:4: expected 16 columns, found 15" in out
    assert "… and 8 more refused rows" in out
    code, out = run("import", str(BROKEN), "--url", url)
    assert code == 0
    assert "3 cases: 0 added, 3 already present, 0 stored differently; 0 screened" in out
    code, out = run("audit", "verify", "--url", url)
    assert code == 0 and out.startswith("audit log ok: ")
    head = out.splitlines()[0].split("head ")[1].strip()
    assert run("audit", "verify", "--url", url, "--head", head)[0] == 0
    code, out = run("audit", "verify", "--url", url, "--head", "0" * 63 + "1")
    assert code == 1 and "is no longer in the log" in out
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE audit_log SET actor = 'someone else' WHERE seq = 2")
    code, out = run("audit", "verify", "--url", url)
    assert code == 1
    assert "entry 2: content does not match its hash (edited)" in out


def test_an_unknown_policy_or_a_bad_file_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'd.sqlite'}"
    code, out = run("import", str(BROKEN), "--url", url, "--policy", "no-such-policy")
    assert code == 2 and "no policy 'no-such-policy'; known policies: " in out
    code, out = run("import", str(REPO / "tests" / "fixtures" / "not_filings.csv"), "--url", url)
    assert code == 2 and "is not the Philadelphia filings format" in out


def test_import_can_screen_the_filings_under_the_proposal_as_a_what_if(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    code, out = run("import", str(BROKEN), "--url", url,
                    "--what-if-proposal", "phl-dao-simple-possession")
    assert code == 0, out
    assert "3 screened" in out  # the live screening, under the policy in force
    assert ("what-if 'proposal': 3 filings newly screened under phl-dao-simple-possession v"
            in out and "assumptions: none" in out and "decisions in force are unchanged" in out)
    code, out = run("import", str(BROKEN), "--url", url,
                    "--what-if-proposal", "phl-dao-simple-possession")
    assert code == 0 and "what-if 'proposal': 0 filings newly screened" in out
    code, out = run("import", str(BROKEN), "--url", url, "--what-if-proposal",
                    "phl-dao-simple-possession", "--assume", "no-such-thing")
    assert code == 2 and "'no-such-thing' is not a what-if assumption" in out
    code, out = run("import", str(BROKEN), "--url", url, "--what-if-proposal", "phl-nope")
    assert code == 2 and "phl-nope" in out
