"""CLI commands for the case store: `divert db upgrade|downgrade|check`, `divert audit verify`,
and `divert import FILE` (the daily filings feed, screened on arrival).

DIVERT_DATABASE_URL selects the database (default: the embedded SQLite file); every command
also takes --url. Exit codes: 0 done, 1 a check failed, 2 bad input.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import Progress

from divert.cases.access import Actor

DEFAULT_POLICIES = ["phl-dao-simple-possession", "phl-dao-2018"]
URL_HELP = "Database URL (default: $DIVERT_DATABASE_URL, else sqlite:///var/divert.sqlite)."

db_app = typer.Typer(help="The case store's schema: migrate it, check it.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)


def _url(url: str | None) -> str:
    from divert.store.db import database_url

    return url or database_url()


@db_app.command("upgrade")
def upgrade(
    url: str | None = typer.Option(None, "--url", help=URL_HELP),
    revision: str = typer.Option("head", help="Revision to upgrade to."),
) -> None:
    """Create or migrate the case store's tables (Alembic, from code)."""
    from divert.store import db

    db.upgrade(_url(url), revision)
    typer.echo(f"database at revision {db.current_revision(_url(url))}")


@db_app.command("downgrade")
def downgrade(
    url: str | None = typer.Option(None, "--url", help=URL_HELP),
    revision: str = typer.Option("base", help="Revision to go down to ('base' = empty)."),
    yes: bool = typer.Option(False, "--yes", help="Confirm: this can delete every table."),
) -> None:
    """Undo migrations down to a revision (needs --yes: data in dropped tables is lost)."""
    from divert.store import db

    if not yes:
        typer.echo("refusing to downgrade without --yes (tables and their data are dropped)",
                   err=True)
        raise typer.Exit(2)
    db.downgrade(_url(url), revision)
    typer.echo(f"database at revision {db.current_revision(_url(url)) or 'base (empty)'}")


@db_app.command("check")
def check(url: str | None = typer.Option(None, "--url", help=URL_HELP)) -> None:
    """Say whether the database is at the newest migration and matches the models."""
    from alembic.script import ScriptDirectory

    from divert.store import db

    target = _url(url)
    head = ScriptDirectory.from_config(db.alembic_config(target)).get_current_head()
    current = db.current_revision(target)
    if current != head:
        typer.echo(f"database at {current or 'no revision'}, newest is {head}: "
                   "run `divert db upgrade`")
        raise typer.Exit(1)
    diff = db.drift(target)
    if diff:
        typer.echo(f"database at {head} but differs from the models: {diff}")
        raise typer.Exit(1)
    typer.echo(f"database at {head} (newest); tables match the models")


KEY_HELP = ("The audit key file (default: $DIVERT_AUDIT_KEY_FILE, else var/audit.key when it "
            "exists).")
HEADS_HELP = ("The recorded-heads file (default: $DIVERT_AUDIT_HEADS_FILE, else "
              "var/audit-heads.jsonl).")


def _factory(target: str, key_file: Path | None, heads_file: Path | None) -> Any:
    from divert.store import db
    from divert.store.anchor import AuditKeyError

    try:
        return db.make_sessionmaker(db.make_engine(target), audit_key_file=key_file,
                                    audit_heads_file=heads_file)
    except AuditKeyError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc


@audit_app.command("verify")
def verify(
    url: str | None = typer.Option(None, "--url", help=URL_HELP),
    head: list[str] = typer.Option(
        [], "--head",
        help="A head hash printed by an earlier verify; it must still be in the log "
             "(detects entries cut off the end). Repeatable."),
    key_file: Path | None = typer.Option(None, "--key-file", help=KEY_HELP),
    heads_file: Path | None = typer.Option(None, "--heads-file", help=HEADS_HELP),
) -> None:
    """Walk the audit chain and check it against the audit key and every head recorded for
    this database; report each edited, deleted, inserted, forged or cut-off entry (exit 1)."""
    from divert.store import audit

    factory = _factory(_url(url), key_file, heads_file)
    with factory() as session:
        result = audit.verify(session, head)
    factory.kw["bind"].dispose()
    checked = (f"{'keyed' if result.keyed else 'not keyed'}, "
               f"{result.heads_checked} recorded head(s) checked")
    for problem in result.problems:
        typer.echo(problem)
    if not result.ok:
        typer.echo(f"audit log BROKEN: {len(result.problems)} problem(s) in "
                   f"{result.entries} entries ({checked})")
    else:
        typer.echo(f"audit log ok: {result.entries} entries, head {result.head}")
        typer.echo(checked)
    for note in result.notes:
        typer.echo(f"note: {note}")
    if not result.ok:
        raise typer.Exit(1)


@audit_app.command("record-head")
def record_head(
    url: str | None = typer.Option(None, "--url", help=URL_HELP),
    reason: str = typer.Option("manual", "--reason", help="Why: manual, schedule, backup…"),
    key_file: Path | None = typer.Option(None, "--key-file", help=KEY_HELP),
    heads_file: Path | None = typer.Option(None, "--heads-file", help=HEADS_HELP),
) -> None:
    """Record the log's current head outside the database (run it from cron as well: every
    later verify checks that the head is still there, unchanged)."""
    from divert.store import audit

    factory = _factory(_url(url), key_file, heads_file)
    with factory() as session:
        head = audit.record_head(session, reason)
    factory.kw["bind"].dispose()
    if head is None:
        typer.echo("the audit log is empty: no head to record")
        return
    typer.echo(f"recorded head: entry {head.seq}, {head.hash} ({head.reason}, "
               f"{head.recorded_at})")


@audit_app.command("keygen")
def keygen(
    out: Path = typer.Option(Path("var/audit.key"), "--out", help="Where to write the key."),
) -> None:
    """Write a new random audit key (owner-readable only); refuses to overwrite one, since
    the entries it marked would no longer verify. Keep it outside the database's backups."""
    from divert.store.anchor import generate_key

    try:
        generate_key(out)
    except FileExistsError as exc:
        typer.echo(f"{out}: a key is already there; not overwritten", err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"audit key written to {out}; point DIVERT_AUDIT_KEY_FILE at it")


def import_file(
    file: Path = typer.Argument(..., help="A Philadelphia filings CSV (../shared/data format)."),
    url: str | None = typer.Option(None, "--url", help=URL_HELP),
    policy: list[str] = typer.Option(
        DEFAULT_POLICIES, "--policy",
        help="Policy ids in order of preference; each case is screened under the first "
             "with a version in force on its filing date."),
    no_screen: bool = typer.Option(False, "--no-screen", help="Store without screening."),
    actor: str = typer.Option("import", "--as", help="Who the audit log names."),
    show: int = typer.Option(20, "--show", help="How many refused rows to list."),
    proposal: str | None = typer.Option(
        None, "--what-if-proposal", metavar="POLICY_ID",
        help="Also screen every stored filing under this policy's latest version (e.g. the "
             "draft phl-dao-simple-possession) as a labelled what-if 'proposal', beside the "
             "decision in force; the live decision is never changed."),
    assume: list[str] = typer.Option(
        [], "--assume", help="What-if assumptions for --what-if-proposal (none by default; "
                             "`divert screen --help` lists them)."),
) -> None:
    """Import a filings file: idempotent (a re-import adds nothing), screened on arrival."""
    from divert.errors import DivertError, InputFormatError, PolicyErrors, UnknownPolicy
    from divert.ingest.phl_filings import read_phl_filings
    from divert.policy import whatif as assumptions
    from divert.policy.load import load_policies
    from divert.store import db, whatif
    from divert.store.importer import import_filings

    console = Console(stderr=True)
    started = time.perf_counter()
    try:
        assumed = assumptions.parse(assume)
    except DivertError as exc:
        console.print(str(exc), markup=False, soft_wrap=True)
        raise typer.Exit(2) from exc
    try:
        ingested = read_phl_filings(file)
        loaded = {} if no_screen else load_policies()
    except (InputFormatError, PolicyErrors, OSError) as exc:
        console.print(str(exc), markup=False, soft_wrap=True)
        raise typer.Exit(2) from exc
    if proposal is not None and not loaded:
        loaded = load_policies()
    unknown = [p for p in policy if not no_screen and p not in loaded]
    if proposal is not None and proposal not in loaded:
        unknown.append(proposal)
    if unknown:
        for policy_id in unknown:
            console.print(str(UnknownPolicy(policy_id, sorted(loaded))), markup=False,
                          soft_wrap=True)
        raise typer.Exit(2)
    chosen = [] if no_screen else [loaded[p] for p in policy]
    target = _url(url)
    db.upgrade(target)
    engine = db.make_engine(target)
    who = Actor(actor, "administrator", "cli")
    with Progress(console=console, transient=True) as bar, \
            db.make_sessionmaker(engine)() as session:
        task = bar.add_task("importing", total=len(ingested.cases))
        summary = import_filings(session, ingested, chosen, who,
                                 progress=lambda n: bar.advance(task, n))
        what_if = None
        if proposal is not None:
            what_if = whatif.screen_what_if(session, who, loaded[proposal], assume=assumed)
            what_if_counts = whatif.count_what_ifs(session, whatif.PROPOSAL)
    engine.dispose()
    seconds = time.perf_counter() - started
    typer.echo(
        f"{summary.path}: {summary.rows_read} rows read, {summary.rows_refused} refused; "
        f"{summary.cases_in_file} cases: {summary.cases_added} added, "
        f"{summary.cases_already_present} already present, {summary.cases_conflicting} "
        f"stored differently; {summary.cases_screened} screened "
        f"{dict(sorted(summary.outcomes.items()))}; {summary.people_added} new people; "
        f"{summary.rearrests_recorded} re-arrests recorded; {seconds:.1f} s")
    for line in summary.unscreened:
        typer.echo(f"not screened: {line}")
    for line in summary.conflicts:
        typer.echo(f"conflict: {line}")
    if proposal is not None and what_if is not None:
        latest = loaded[proposal].latest()
        typer.echo(
            f"what-if 'proposal': {sum(what_if.values())} filings newly screened under "
            f"{proposal} v{latest.version} ({latest.status}), each as if filed on or after "
            f"{latest.effective_from}; assumptions: {', '.join(sorted(assumed)) or 'none'}; "
            f"all stored: {dict(sorted(what_if_counts.items()))}. The decisions in force are "
            "unchanged.")
    for line in summary.refusals[:show]:
        typer.echo(f"refused: {line}")
    if len(summary.refusals) > show:
        typer.echo(f"… and {len(summary.refusals) - show} more refused rows (use --show)")


def backup_command(
    dest: Path = typer.Argument(..., help="A new (or empty) folder for the backup."),
    url: str | None = typer.Option(None, "--url", help=URL_HELP),
    key_file: Path | None = typer.Option(None, "--key-file", help=KEY_HELP),
    heads_file: Path | None = typer.Option(None, "--heads-file", help=HEADS_HELP),
) -> None:
    """Back up the case store while it runs (SQLite online backup; PostgreSQL pg_dump on one
    snapshot) with a manifest of every table's rows and checksum and the audit head, which
    is also recorded outside the database. Keep the audit key out of the backup folder."""
    from divert.store.backup import BackupError, backup

    try:
        manifest = backup(_url(url), dest, key_file, heads_file)
    except BackupError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    rows = sum(t["rows"] for t in manifest["tables"].values())
    head = manifest["audit_head"]
    said = "none" if head is None else f"entry {head['seq']} {head['hash']}"
    typer.echo(f"backed up {len(manifest['tables'])} tables, {rows} rows to {dest}; audit head "
               f"{said} (recorded outside the database)")


def restore_command(
    src: Path = typer.Argument(..., help="A folder written by `divert backup`."),
    url: str = typer.Option(..., "--url", help="The EMPTY database to restore into."),
    key_file: Path | None = typer.Option(None, "--key-file", help=KEY_HELP),
    heads_file: Path | None = typer.Option(None, "--heads-file", help=HEADS_HELP),
) -> None:
    """Restore a backup into an empty database, then prove it: every table's rows and
    checksum against the manifest, the audit chain against its head (exit 1 if not)."""
    from divert.store.backup import BackupError, restore

    try:
        check = restore(src, url, key_file, heads_file)
    except BackupError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    for line in (*check.mismatches, *check.audit.problems):
        typer.echo(line)
    if not check.ok:
        typer.echo(f"restore does NOT match the backup: {len(check.mismatches)} table(s) "
                   f"differ, audit chain {'ok' if check.audit.ok else 'BROKEN'}")
        raise typer.Exit(1)
    typer.echo(f"restored {check.tables} tables, {check.rows} rows: every count and checksum "
               f"equals the backup's; audit chain ok ({check.audit.entries} entries, "
               f"{check.audit.heads_checked} recorded head(s) checked, "
               f"{'keyed' if check.audit.keyed else 'not keyed'})")


def retention_command(
    url: str | None = typer.Option(None, "--url", help=URL_HELP),
    as_of: str | None = typer.Option(None, "--as-of", help="Report as of this day "
                                     "(YYYY-MM-DD; default today)."),
) -> None:
    """Each table's documented retention period (store/retention.yaml), its rows and how
    many are past the period; deletes nothing. Exit 1 if a table has no documented period."""
    from datetime import date

    from divert.store import db
    from divert.store.retention import RetentionError, report

    try:
        day = date.fromisoformat(as_of) if as_of else date.today()
    except ValueError as exc:
        typer.echo(f"--as-of: {as_of!r} is not a date (YYYY-MM-DD)", err=True)
        raise typer.Exit(2) from exc
    engine = db.make_engine(_url(url))
    try:
        with db.make_sessionmaker(engine)() as session:
            found = report(session, day)
    except RetentionError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    finally:
        engine.dispose()
    typer.echo(f"retention as of {day}: table, period, rows, past the period, oldest")
    missing = []
    for name, t in found.items():
        if t.period is None:
            missing.append(name)
            typer.echo(f"{name}: NO documented retention period ({t.rows} rows)")
            continue
        typer.echo(f"{name}: {t.period.days} days from {t.period.column}; {t.rows} rows, "
                   f"{t.past} past; oldest {t.oldest or '-'} ({t.period.why})")
    if missing:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `divert` app."""
    app.add_typer(db_app, name="db")
    app.add_typer(audit_app, name="audit")
    app.command("import")(import_file)
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)
    app.command("retention")(retention_command)
