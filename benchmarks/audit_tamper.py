"""Tamper campaign against the audit log: someone who can write the database (but not read the
audit key, nor edit the heads recorded outside it) edits, deletes, inserts, truncates,
rewrites or forges entries; count how many `audit.verify` detects, by kind.

Each trial builds a fresh log of `--entries` entries with a key, records its head (as a backup
or the scheduler would), appends a few more entries, tampers once, and verifies. The same
trials run against the unkeyed, unanchored check (what verify did before the key) for
comparison. `tests/store/test_audit_tamper.py` runs a short form in CI.

    python benchmarks/audit_tamper.py --trials 200                       # SQLite
    python benchmarks/audit_tamper.py --trials 50 --url postgresql+psycopg://postgres@HOST/DB
"""

from __future__ import annotations

import argparse
import random
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from divert.cases.access import Actor
from divert.store import anchor, audit, db
from divert.store.tables import AuditRow

ACTORS = (Actor("ada.one", "charging_ada", "127.0.0.1"),
          Actor("coord.one", "coordinator", "127.0.0.1"))
AFTER_HEAD = 3  # entries written after the last recorded head (the window a schedule leaves)


def _rows(s: Session) -> list[AuditRow]:
    return list(s.scalars(select(AuditRow).order_by(AuditRow.seq)))


def _rechain(s: Session, rows: list[AuditRow], start: int) -> None:
    """Recompute prev_hash and hash from `rows[start]` on, as an attacker without the key
    can: sha256 is public, so the chain alone verifies again (the marks cannot be redone)."""
    prev = rows[start - 1].hash if start > 0 else audit.GENESIS
    for row in rows[start:]:
        row.prev_hash = prev
        row.hash = audit.entry_hash(row)
        prev = row.hash
    s.flush()


def edit(s: Session, rng: random.Random) -> None:
    """Change what an entry says (who did it), leaving its hash."""
    rows = _rows(s)
    victim = rng.choice(rows)
    s.execute(update(AuditRow).where(AuditRow.seq == victim.seq).values(actor="someone.else"))


def delete_one(s: Session, rng: random.Random) -> None:
    """Remove one entry from the middle."""
    rows = _rows(s)
    victim = rng.choice(rows[:-1])
    s.execute(delete(AuditRow).where(AuditRow.seq == victim.seq))


def insert(s: Session, rng: random.Random) -> None:
    """Insert an entry in the middle, renumber what follows and re-chain every hash."""
    rows = _rows(s)
    at = rng.randrange(1, len(rows))
    tail = rows[at:]
    for row in reversed(tail):  # move each later entry one seq up, last first
        s.execute(update(AuditRow).where(AuditRow.seq == row.seq).values(seq=row.seq + 1))
    s.expire_all()
    fake = AuditRow(seq=at + 1, at=rows[at - 1].at, actor="ghost", role="auditor",
                    source="127.0.0.1", action="read", resource="audit_log", person_id=None,
                    outcome="ok", detail="{}", prev_hash="", hash=secrets.token_hex(32),
                    mac=None)
    s.add(fake)
    s.flush()
    _rechain(s, _rows(s), at)


def truncate_tail(s: Session, rng: random.Random) -> None:
    """Cut entries off the end, back past the last recorded head."""
    rows = _rows(s)
    cut = rng.randint(AFTER_HEAD + 1, AFTER_HEAD + 5)
    s.execute(delete(AuditRow).where(AuditRow.seq > rows[-1].seq - cut))


def truncate_unrecorded(s: Session, rng: random.Random) -> None:
    """Cut only entries written since the last recorded head (the schedule's window)."""
    rows = _rows(s)
    cut = rng.randint(1, AFTER_HEAD)
    s.execute(delete(AuditRow).where(AuditRow.seq > rows[-1].seq - cut))


def rewrite_chain(s: Session, rng: random.Random) -> None:
    """Edit an entry and recompute every hash from it to the end (marks left as they were)."""
    rows = _rows(s)
    at = rng.randrange(len(rows))
    rows[at].resource = "cases/someone-else"
    _rechain(s, rows, at)


def rewrite_unmarked(s: Session, rng: random.Random) -> None:
    """Rewrite as above and strip every mark, as if the log predated the key."""
    rewrite_chain(s, rng)
    s.execute(update(AuditRow).values(mac=None))


def forge_append(s: Session, rng: random.Random) -> None:
    """Append an entry with a correct sha256 chained to the real head (no key: no mark)."""
    rows = _rows(s)
    last = rows[-1]
    fake = AuditRow(seq=last.seq + 1, at=last.at, actor=rng.choice(ACTORS).username,
                    role="charging_ada", source="127.0.0.1", action="read",
                    resource="cases/C-0", person_id="P-0", outcome="ok", detail="{}",
                    prev_hash=last.hash, hash="", mac=secrets.token_hex(32))
    fake.hash = audit.entry_hash(fake)
    s.add(fake)


KINDS: dict[str, Callable[[Session, random.Random], None]] = {
    "edit": edit, "delete": delete_one, "insert": insert, "truncate tail": truncate_tail,
    "rewrite chain": rewrite_chain, "rewrite chain, marks stripped": rewrite_unmarked,
    "forge appended row": forge_append,
    "truncate only entries since the last recorded head": truncate_unrecorded,
}


@dataclass
class Tally:
    trials: int = 0
    detected: int = 0  # with the key and the recorded heads
    detected_before: int = 0  # hash chain alone, no key, no heads (verify before the key)


def _build(factory: sessionmaker[Session], engine: Engine, entries: int,
           rng: random.Random) -> None:
    with engine.begin() as conn:
        conn.execute(delete(AuditRow))
    with factory() as s:
        for i in range(entries):
            audit.append(s, rng.choice(ACTORS), "read", f"cases/C-{i}", person_id=f"P-{i % 7}",
                         detail={"i": i})
        s.commit()
        audit.record_head(s, "backup")
        for i in range(AFTER_HEAD):
            audit.append(s, ACTORS[0], "read", f"cases/D-{i}", person_id="P-1")
        s.commit()


def campaign(url: str, trials: int, entries: int = 20, seed: int = 12,
             work: Path | None = None) -> dict[str, Tally]:
    """Run `trials` tampers of every kind against the database at `url` (its audit_log is
    emptied each trial: use a scratch database); the tally per kind."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        folder = work or Path(tmp)
        key_file = anchor.generate_key(folder / f"audit-{secrets.token_hex(4)}.key")
        heads_file = folder / f"heads-{secrets.token_hex(4)}.jsonl"
        engine = db.make_engine(url)
        keyed = db.make_sessionmaker(engine, audit_key_file=key_file,
                                     audit_heads_file=heads_file)
        plain = sessionmaker(engine, expire_on_commit=False)  # no key, no heads
        tallies = {kind: Tally() for kind in KINDS}
        try:
            for _ in range(trials):
                for kind, tamper in KINDS.items():
                    heads_file.unlink(missing_ok=True)
                    _build(keyed, engine, entries, rng)
                    with plain() as s:
                        tamper(s, rng)
                        s.commit()
                    tally = tallies[kind]
                    tally.trials += 1
                    with keyed() as s:
                        tally.detected += not audit.verify(s).ok
                    with plain() as s:
                        tally.detected_before += not audit.verify(s).ok
        finally:
            engine.dispose()
        return tallies


def entries_in(url: str) -> int:
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(AuditRow)).scalar() or 0)
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=50, help="trials per kind")
    parser.add_argument("--entries", type=int, default=20, help="entries per log")
    parser.add_argument("--url", help="a scratch database (default: a new SQLite file)")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'tamper.sqlite'}"
        db.upgrade(url)
        tallies = campaign(url, args.trials, args.entries, args.seed, Path(tmp))
    print(f"| tamper ({args.trials} trials each, {args.entries}+{AFTER_HEAD} entries) "
          "| detected: key + recorded heads | detected: hash chain alone |")
    print("| --- | --- | --- |")
    for kind, t in tallies.items():
        print(f"| {kind} | {t.detected}/{t.trials} | {t.detected_before}/{t.trials} |")


if __name__ == "__main__":
    main()
