"""Backup and restore of the case store, with a manifest that proves the restore.

A backup is a folder: the database copy (SQLite through its online backup API, so the
service keeps writing while it runs; PostgreSQL through `pg_dump -Fc` on an exported
snapshot) and `manifest.json`: every table's row count and sha256 over its rows in key
order, the migration revision, and the audit log's head, all taken from the same consistent
view the copy was taken from. The head is also recorded in the heads file outside the
database (store/anchor.py), so a later verify of the live database checks it too.

Restore refuses a target that already holds tables, copies the backup in, then recomputes
every count and checksum and verifies the audit chain against the manifest's head (and the
audit key): a restore that does not match says which table, and exits non-zero.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, MetaData, Table, inspect, select, text
from sqlalchemy.engine import URL, make_url

from divert.errors import DivertError
from divert.store import anchor, audit, db
from divert.store.tables import AuditRow, Base

FORMAT = "divert-backup-1"
MANIFEST = "manifest.json"
SQLITE_FILE = "divert.sqlite"
PG_FILE = "divert.dump"


class BackupError(DivertError):
    """A backup or restore that cannot proceed, in a sentence saying what to do."""


@dataclass(frozen=True, slots=True)
class TableSum:
    rows: int
    sha256: str


@dataclass(frozen=True, slots=True)
class RestoreCheck:
    """What the restore found: each table's mismatch, and the audit chain's verdict."""

    tables: int
    rows: int
    mismatches: tuple[str, ...]
    audit: audit.VerifyResult

    @property
    def ok(self) -> bool:
        return not self.mismatches and self.audit.ok


def _tables(conn: Connection) -> list[Table]:
    """Every table of the models plus alembic_version, as the database has them."""
    meta = MetaData()
    names = [t.name for t in Base.metadata.sorted_tables]
    if inspect(conn).has_table("alembic_version"):
        names.append("alembic_version")
    return [Table(name, meta, autoload_with=conn) for name in names]


def checksums(conn: Connection) -> dict[str, TableSum]:
    """Row count and sha256 over each table's rows in primary-key order (JSON per row)."""
    sums: dict[str, TableSum] = {}
    for table in _tables(conn):
        order = list(table.primary_key.columns) or list(table.columns)
        digest = hashlib.sha256()
        rows = 0
        for row in conn.execute(select(table).order_by(*order)).yield_per(5000):
            digest.update(json.dumps(list(row), default=str, ensure_ascii=False).encode())
            digest.update(b"\n")
            rows += 1
        sums[table.name] = TableSum(rows, digest.hexdigest())
    return sums


def _head(conn: Connection) -> tuple[int, str] | None:
    last = conn.execute(select(AuditRow.seq, AuditRow.hash)
                        .order_by(AuditRow.seq.desc()).limit(1)).first()
    return (int(last.seq), str(last.hash)) if last else None


def _pg_args(url: URL) -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for pg_dump / pg_restore, and the schema named
    by the URL's search_path option, if any."""
    args = ["-h", url.host or "127.0.0.1", "-p", str(url.port or 5432)]
    if url.username:
        args += ["-U", url.username]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _pg_schema(url: URL) -> str | None:
    options = url.query.get("options")
    for part in (options if isinstance(options, str) else " ".join(options or ())).split():
        if part.startswith("-csearch_path="):
            return part.removeprefix("-csearch_path=").split(",")[0]
    return None


def _need(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        raise BackupError(f"{tool} is not installed; install the PostgreSQL client tools "
                          "(e.g. apt-get install postgresql-client) of the server's version")
    return found


def _manifest(dest: Path, url: str, dialect: str, file: str, sums: dict[str, TableSum],
              head: tuple[int, str] | None, revision: str | None) -> dict[str, Any]:
    manifest = {
        "format": FORMAT, "database": anchor.database_label(url), "dialect": dialect,
        "file": file, "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "revision": revision,
        "tables": {name: {"rows": s.rows, "sha256": s.sha256} for name, s in sums.items()},
        "audit_head": None if head is None else {"seq": head[0], "hash": head[1]},
    }
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n",
                                 encoding="utf-8")
    return manifest


def _revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    value = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return None if value is None else str(value)


def _prepare(dest: Path) -> None:
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest}: the folder is not empty; back up into a new folder")
    dest.mkdir(parents=True, exist_ok=True)


def backup(url: str, dest: Path, key_file: Path | None = None,
           heads_file: Path | None = None) -> dict[str, Any]:
    """Copy the database at `url` into the new folder `dest` with its manifest; record the
    audit head in the heads file. Returns the manifest."""
    _prepare(dest)
    parsed = make_url(db._normalize(url))
    if parsed.get_backend_name() == "sqlite":
        source = str(parsed.database or "")
        if not source or source == ":memory:" or not Path(source).exists():
            raise BackupError(f"{url}: no SQLite database file there to back up")
        with sqlite3.connect(source) as src, sqlite3.connect(dest / SQLITE_FILE) as out:
            src.backup(out)  # the online backup API: a consistent copy while others write
        src.close()
        out.close()
        copy = db.make_engine(f"sqlite:///{dest / SQLITE_FILE}")
        try:
            with copy.connect() as conn:
                sums, head, rev = checksums(conn), _head(conn), _revision(conn)
        finally:
            copy.dispose()
        manifest = _manifest(dest, url, "sqlite", SQLITE_FILE, sums, head, rev)
    else:
        manifest = _pg_backup(url, parsed, dest)
    _record(url, manifest, "backup", key_file, heads_file)
    return manifest


def _pg_backup(url: str, parsed: URL, dest: Path) -> dict[str, Any]:
    pg_dump = _need("pg_dump")
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            args, env = _pg_args(parsed)
            schema = _pg_schema(parsed)
            command = [pg_dump, "-Fc", *args, "-d", str(parsed.database),
                       f"--snapshot={snapshot}", "-f", str(dest / PG_FILE)]
            if schema:
                command += ["-n", schema]
            done = subprocess.run(command, env=env, capture_output=True, text=True,
                                  check=False)
            if done.returncode != 0:
                raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
            sums, head, rev = checksums(conn), _head(conn), _revision(conn)
            conn.rollback()
    finally:
        engine.dispose()
    return _manifest(dest, url, "postgresql", PG_FILE, sums, head, rev)


def _record(url: str, manifest: dict[str, Any], reason: str, key_file: Path | None,
            heads_file: Path | None) -> None:
    head = manifest["audit_head"]
    if head is None:
        return
    key = anchor.load_key(anchor.key_file(key_file))
    anchor.append_head(anchor.heads_file(heads_file), anchor.Head(
        anchor.database_label(url), int(head["seq"]), str(head["hash"]), anchor.now_text(),
        reason), key)


def read_manifest(src: Path) -> dict[str, Any]:
    path = src / MANIFEST
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BackupError(f"{path}: cannot read the backup's manifest ({exc.strerror})") from exc
    except ValueError as exc:
        raise BackupError(f"{path}: the manifest is not JSON ({exc})") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: format {manifest.get('format')!r}, expected {FORMAT!r}")
    return manifest


@contextmanager
def _connect(url: str) -> Iterator[Connection]:
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def restore(src: Path, url: str, key_file: Path | None = None,
            heads_file: Path | None = None) -> RestoreCheck:
    """Restore the backup in `src` into the empty database at `url`, then check every table
    against the manifest and the audit chain against its head."""
    manifest = read_manifest(src)
    parsed = make_url(db._normalize(url))
    dialect = "sqlite" if parsed.get_backend_name() == "sqlite" else "postgresql"
    if dialect != manifest["dialect"]:
        raise BackupError(f"the backup is of a {manifest['dialect']} database; restore it "
                          f"into one (got {dialect})")
    if dialect == "sqlite":
        target = Path(str(parsed.database or ""))
        if target.exists() and target.stat().st_size > 0:
            raise BackupError(f"{target}: already exists; restore into a new file")
        target.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(src / SQLITE_FILE) as copy, sqlite3.connect(target) as out:
            copy.backup(out)
        copy.close()
        out.close()
    else:
        with _connect(url) as conn:
            schema = _pg_schema(parsed)
            names = inspect(conn).get_table_names(schema=schema)
            if names:
                raise BackupError(f"{anchor.database_label(url)} already has tables "
                                  f"({', '.join(sorted(names)[:5])}…); restore into an empty "
                                  "database")
        args, env = _pg_args(parsed)
        done = subprocess.run(
            [_need("pg_restore"), *args, "-d", str(parsed.database), "--no-owner",
             "--no-privileges", "--exit-on-error", str(src / PG_FILE)],
            env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
    return check_restored(manifest, url, key_file, heads_file)


def check_restored(manifest: dict[str, Any], url: str, key_file: Path | None = None,
                   heads_file: Path | None = None) -> RestoreCheck:
    """Compare the database at `url` with the manifest; verify its audit chain against the
    manifest's head (and every head recorded for `url`), then record that head for it."""
    with _connect(url) as conn:
        sums = checksums(conn)
    mismatches: list[str] = []
    expected: dict[str, dict[str, Any]] = manifest["tables"]
    for name, want in sorted(expected.items()):
        got = sums.get(name)
        if got is None:
            mismatches.append(f"table {name}: missing after restore")
        elif got.rows != want["rows"]:
            mismatches.append(f"table {name}: {got.rows} rows, the backup had {want['rows']}")
        elif got.sha256 != want["sha256"]:
            mismatches.append(f"table {name}: same {got.rows} rows but different content "
                              "(checksum differs)")
    head = manifest["audit_head"]
    heads = [] if head is None else [anchor.Head(
        anchor.database_label(url), int(head["seq"]), str(head["hash"]),
        str(manifest["created_at"]), "backup manifest")]
    engine = db.make_engine(url)
    try:
        factory = db.make_sessionmaker(engine, audit_key_file=key_file,
                                       audit_heads_file=heads_file)
        with factory() as session:
            recorded, problems = audit.recorded_heads(session)
            result = audit.verify(session, heads=heads + recorded)
    finally:
        engine.dispose()
    if problems:
        result = audit.VerifyResult(False, result.entries, result.head,
                                    tuple(problems) + result.problems, result.keyed,
                                    result.unmarked, result.heads_checked, result.notes)
    if not mismatches and result.ok:
        _record(url, manifest, "restore", key_file, heads_file)
    return RestoreCheck(len(expected), sum(s.rows for s in sums.values()), tuple(mismatches),
                        result)
