"""The service's settings: one place, each with help text, read from DIVERT_* variables.

Every setting is documented here (datasette's Setting idea) so `docs/api.md` and the tests can
list them; nothing else in the service reads the environment.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """How one running service is configured; defaults are the embedded demo."""

    model_config = SettingsConfigDict(env_prefix="DIVERT_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///var/divert.sqlite",
        description="Where the case store lives: sqlite:///PATH (embedded) or "
        "postgresql+psycopg://user@host/db for a real office.",
    )
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
        default=30, ge=1, description="A session ends after this many minutes without a request."
    )
    session_max_hours: int = Field(
        default=12, ge=1, description="A session ends this many hours after login, however busy."
    )
    lockout_failures: int = Field(
        default=5, ge=1, description="Failed logins within the window that lock an account."
    )
    lockout_window_minutes: int = Field(
        default=15, ge=1, description="The window in which failed logins are counted."
    )
    max_body_bytes: int = Field(
        default=1_000_000, ge=1024, description="Largest request body accepted; larger gets 413."
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


def settings_for(database_url: str | None) -> Settings:
    """Settings from the environment, with the database overridden when one is given."""
    return Settings(database_url=database_url) if database_url else Settings()


def setting_docs() -> dict[str, str]:
    """Every setting's environment variable and help text, for docs and their test."""
    return {
        f"DIVERT_{name.upper()}": field.description or ""
        for name, field in Settings.model_fields.items()
    }
