"""Process-wide settings, read from DIVERT_* variables: the one place divert reads the
environment. Every setting has help text (datasette's Setting idea); the service's own
settings (service/settings.py) extend these, so `docs/api.md` lists them all.

Read afresh on each call, so a test or an office can point a variable elsewhere without a
restart of anything but the process that reads it.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///var/divert.sqlite"


class CommonSettings(BaseSettings):
    """What every door (the CLI, the service, the benchmarks) reads: where the law, the
    catalog, the case store and the audit key live."""

    model_config = SettingsConfigDict(env_prefix="DIVERT_", extra="ignore")

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description="Where the case store lives: sqlite:///PATH (embedded) or "
        "postgresql+psycopg://user@host/db for a real office.",
    )
    policy_path: str | None = Field(
        default=None,
        description="An office's own policies folder; unset: the policies shipped with divert.",
    )
    catalog_path: str | None = Field(
        default=None,
        description="An office's own statute catalog folder; unset: the one shipped with divert.",
    )
    audit_key_file: str | None = Field(
        default=None,
        description="File holding the audit key (64 hex digits; `divert audit keygen`): every "
        "audit entry carries its HMAC, so no one without the file can forge or rewrite one. "
        "Unset: var/audit.key when it exists, else entries are hashed but not keyed; empty: "
        "no key.",
    )
    audit_heads_file: str = Field(
        default="var/audit-heads.jsonl",
        description="Where the audit log's heads are recorded outside the database (at each "
        "backup and on the schedule below); verify checks every one of them by default.",
    )


def common() -> CommonSettings:
    """The settings as the environment gives them now."""
    return CommonSettings()
