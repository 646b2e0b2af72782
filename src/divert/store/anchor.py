"""What makes the audit log trustworthy without trusting the database: a key and recorded heads,
both kept outside it.

* **The audit key** (a file of 32 random bytes, hex; `divert audit keygen` writes one, the demo
  generates one): every entry carries `mac = HMAC-SHA256(key, hash)`. Someone who can write the
  database but not read the key file cannot add, edit or re-chain an entry so that it verifies.
* **Recorded heads** (a JSON-lines file, one line per record: which database, the last entry's
  seq and hash, when and why, and an HMAC of the line): written at every backup, by the
  service on a schedule and by `divert audit record-head` (e.g. from cron). Verify checks each
  head of this database is still in the log unchanged: cutting entries off the end, or
  rewriting the chain wholesale, no longer goes unseen.

Files are found from DIVERT_AUDIT_KEY_FILE and DIVERT_AUDIT_HEADS_FILE, defaulting to
var/audit.key (only if it exists) and var/audit-heads.jsonl beside the embedded database. Copy
the heads file elsewhere too (another machine, write-once storage): whoever can delete lines
from it can hide a truncation from that copy.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from divert.errors import DivertError
from divert.settings import common

DEFAULT_KEY_FILE = Path("var/audit.key")
DEFAULT_HEADS_FILE = Path("var/audit-heads.jsonl")
KEY_BYTES = 32
KEY_INFO = "divert.audit_key"  # session.info: the audit key (bytes) or None
HEADS_INFO = "divert.audit_heads"  # session.info: (heads file, database label) or None


class AuditKeyError(DivertError):
    """The audit key file named in the settings is missing or malformed."""


def key_disabled(explicit: str | Path | None = None) -> bool:
    """True when the key is switched off on purpose: an empty `explicit` or an empty
    DIVERT_AUDIT_KEY_FILE (the tests do this, so a demo's var/audit.key never leaks in)."""
    named = explicit if explicit is not None else common().audit_key_file
    return named is not None and str(named) == ""


def key_file(explicit: str | Path | None = None) -> Path | None:
    """The key file to use: `explicit`, else DIVERT_AUDIT_KEY_FILE, else var/audit.key if it
    exists; None means the chain is hashed but not keyed (verify says so). An empty setting
    means no key, whatever var/ holds."""
    if key_disabled(explicit):
        return None
    named = explicit or common().audit_key_file
    if named:
        return Path(named)
    return DEFAULT_KEY_FILE if DEFAULT_KEY_FILE.exists() else None


def heads_file(explicit: str | Path | None = None) -> Path:
    """Where heads are recorded: `explicit`, else DIVERT_AUDIT_HEADS_FILE, else the default."""
    return Path(explicit or common().audit_heads_file or DEFAULT_HEADS_FILE)


def load_key(path: Path | None) -> bytes | None:
    """The key in `path` (64 hex digits), or None when no key file is configured."""
    if path is None:
        return None
    try:
        raw = path.read_text(encoding="ascii").strip()
    except OSError as exc:
        raise AuditKeyError(f"{path}: cannot read the audit key ({exc.strerror}); create one "
                            "with `divert audit keygen`") from exc
    except UnicodeDecodeError as exc:
        raise AuditKeyError(f"{path}: the audit key must be {KEY_BYTES * 2} hex digits") from exc
    try:
        key = bytes.fromhex(raw)
    except ValueError:
        key = b""
    if len(key) < 16:
        raise AuditKeyError(f"{path}: the audit key must be {KEY_BYTES * 2} hex digits "
                            f"(found {len(raw)} characters that are not)")
    return key


def generate_key(path: Path) -> Path:
    """Write a new random key to `path` readable by its owner only; never overwrite one (the
    entries it marked would no longer verify)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(secrets.token_hex(KEY_BYTES) + "\n")
    return path


def mark(key: bytes, message: str) -> str:
    """HMAC-SHA256 of `message` under `key`, hex."""
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def same(a: str | None, b: str) -> bool:
    """Constant-time comparison of two marks."""
    return a is not None and hmac.compare_digest(a, b)


def database_label(url: str) -> str:
    """Which database a head belongs to: the URL without its password (a SQLite file by its
    absolute path), so heads of two databases in one file never mix."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return f"sqlite:///{Path(str(parsed.database)).resolve()}"
    return parsed.render_as_string(hide_password=True)


@dataclass(frozen=True, slots=True)
class Head:
    """One recorded head: this database's log ended at entry `seq` with `hash` at `recorded_at`."""

    db: str
    seq: int
    hash: str
    recorded_at: str
    reason: str  # backup | schedule | manual | restore
    mac: str | None = None
    # the first entry carrying the key's mark when the head was recorded: every later entry
    # must carry one too, so stripping the marks off a rewritten chain does not hide it
    first_marked: int | None = None

    def message(self) -> str:
        body = {k: v for k, v in asdict(self).items() if k != "mac"}
        return json.dumps(body, sort_keys=True, separators=(",", ":"))


def append_head(path: Path, head: Head, key: bytes | None) -> Head:
    """Append `head` (with its mark when a key is configured) and fsync: a recorded head
    survives a crash the moment this returns."""
    signed = Head(head.db, head.seq, head.hash, head.recorded_at, head.reason,
                  mark(key, head.message()) if key else None, head.first_marked)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(asdict(signed), sort_keys=True) + "\n")
        f.flush()
        os.fsync(f.fileno())
    return signed


def read_heads(path: Path, db: str | None, key: bytes | None) -> tuple[list[Head], list[str]]:
    """The heads recorded for database `db` (None: every database) and a problem per line
    that is malformed or whose mark does not match (the line was edited)."""
    if not path.exists():
        return [], []
    heads: list[Head] = []
    problems: list[str] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw: Any = json.loads(line)
            first = raw.get("first_marked")
            head = Head(str(raw["db"]), int(raw["seq"]), str(raw["hash"]),
                        str(raw["recorded_at"]), str(raw["reason"]), raw.get("mac"),
                        None if first is None else int(first))
        except (ValueError, KeyError, TypeError) as exc:
            problems.append(f"{path}:{number}: not a recorded head ({exc})")
            continue
        if db is not None and head.db != db:
            continue
        if key is not None and not same(head.mac, mark(key, head.message())):
            problems.append(f"{path}:{number}: recorded head of entry {head.seq} does not "
                            "carry the audit key's mark (the line was written or edited "
                            "without the key)")
            continue
        heads.append(head)
    return heads, problems


def now_text(at: datetime | None = None) -> str:
    return (at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
