"""The service's settings: one place, each with help text, read from DIVERT_* variables.

Every setting is documented here or in divert/settings.py, which these extend (datasette's
Setting idea), so `docs/api.md` and the tests can list them; nothing else reads the environment.
"""

from __future__ import annotations

import os

from pydantic import Field

from divert.settings import CommonSettings


class Settings(CommonSettings):
    """How one running service is configured; defaults are the embedded demo. The database,
    the policies, the catalog and the audit key are divert's common settings (settings.py)."""

    policy_id: str = Field(
        default="phl-dao-simple-possession",
        description="The policy imported cases are screened under, and the default of "
        "POST /api/screen when the body names none.",
    )
    bail_policy_id: str = Field(
        default="phl-dao-bail-2018",
        description="The bail policy whose recommendation is made at every screening and "
        "stored with it; empty to make none.",
    )
    supervision_policy_id: str = Field(
        default="phl-dao-supervision-2019",
        description="The supervision policy a probation request at disposition is measured "
        "against.",
    )
    session_idle_minutes: int = Field(
        default=30, ge=1, description="A session ends after this many minutes without a "
        "request (to within a minute: its last-seen time is written at most once a minute, "
        "so reads do not write).",
    )
    session_max_hours: int = Field(
        default=12, ge=1, description="A session ends this many hours after login, however busy."
    )
    lockout_failures: int = Field(
        default=5, ge=1, description="Failed logins for one username from one address, "
        "within the window, before that address must wait (429 with Retry-After). Nothing "
        "locks an account but an administrator.",
    )
    lockout_window_minutes: int = Field(
        default=15, ge=1, description="The window in which failed logins are counted."
    )
    login_first_wait_seconds: int = Field(
        default=60, ge=1, description="The first wait of a throttled address; each further "
        "failure doubles it, up to login_max_wait_minutes.",
    )
    login_max_wait_minutes: int = Field(
        default=15, ge=1, description="The longest wait a throttled address is given.",
    )
    login_global_cap: int = Field(
        default=50, ge=1, description="Failed logins for one username from all addresses, "
        "within the window, past which every address that failed on it waits the longest "
        "wait after each failure (addresses that never failed are not held back).",
    )
    public_origins: str = Field(
        default="", description="Origins browsers reach the pages at when a reverse proxy "
        "rewrites the Host header (comma-separated, e.g. https://divert.example); a page "
        "write is accepted from these and from the request's own host, refused from others.",
    )
    trusted_proxies: str = Field(
        default="", description="Addresses or networks (CIDR) of reverse proxies "
        "whose X-Forwarded-For is believed; from any other peer the header is ignored and "
        "the peer's own address is the client's (comma-separated; empty: no proxy).",
    )
    max_body_bytes: int = Field(
        default=1_000_000, ge=1024, description="Largest request body accepted; larger gets 413."
    )
    max_upload_bytes: int = Field(
        default=16_000_000, ge=1024, description="Largest filings file POST /api/imports "
        "and the administrator's /imports page accept (the shipped six months are 2.4 MB); "
        "larger gets 413.",
    )
    max_page_size: int = Field(default=200, ge=1, description="Largest `page_size` a list accepts.")
    cookie_secure: bool = Field(
        default=False,
        description="Mark the session cookie Secure (set true behind HTTPS; the demo is "
        "plain HTTP on loopback).",
    )
    totp_issuer: str = Field(
        default="divert", description="Issuer name shown by authenticator apps for TOTP secrets."
    )
    workers: int = Field(
        default=1, ge=1, le=64,
        description="Server processes `divert serve` and `divert demo` start (uvicorn "
        "workers); each has its own pool and audit group commit, and the audit chain stays "
        "one chain (its head is read under the chain lock in the writing transaction). On "
        "this 2-core machine 2-4 serve best; 1 is one process, as before.",
    )
    audit_head_minutes: int = Field(
        default=60, ge=0,
        description="Record the audit log's head every this many minutes while serving "
        "(0: never; then run `divert audit record-head` from cron).",
    )


def settings_for(database_url: str | None) -> Settings:
    """Settings from the environment, with the database overridden when one is given."""
    return Settings(database_url=database_url) if database_url else Settings()


def export_for_workers(settings: Settings) -> None:
    """Put `settings` in this process's DIVERT_* environment, so worker processes that build
    their own (app_from_env) get the same ones, command-line overrides included."""
    for name, value in settings.model_dump().items():
        if value is not None:
            os.environ[f"DIVERT_{name.upper()}"] = str(value)


def setting_docs() -> dict[str, str]:
    """Every setting's environment variable and help text, for docs and their test."""
    return {
        f"DIVERT_{name.upper()}": field.description or ""
        for name, field in Settings.model_fields.items()
    }
