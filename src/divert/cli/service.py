"""CLI commands for the service: `divert serve`, `divert demo`, `divert users add`, `divert totp`.

`divert demo` is what `make demo` runs: migrate the embedded database, import and screen the
real Philadelphia filings, create one invented account per role, print how to log in, serve.
Every step is idempotent, so re-running the demo changes nothing already there.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

HostOpt = Annotated[str, typer.Option(help="Address to listen on (loopback by default).")]
PortOpt = Annotated[int, typer.Option(help="Port to listen on.")]
WorkersOpt = Annotated[
    int | None,
    typer.Option("--workers", min=1, max=64, help="Server processes (default: DIVERT_WORKERS, "
                 "else 1)."),
]
DbOpt = Annotated[
    str | None,
    typer.Option("--database-url", help="Database URL (default: DIVERT_DATABASE_URL or "
                 "sqlite:///var/divert.sqlite)."),
]


def _serve(host: str, port: int, database_url: str | None, workers: int | None = None) -> None:
    import uvicorn

    from divert.service.app import create_app
    from divert.service.settings import export_for_workers, settings_for

    settings = settings_for(database_url)
    if workers is not None:
        settings = settings.model_copy(update={"workers": workers})
    typer.echo(f"divert is serving on http://{host}:{port}/  (API docs: http://{host}:{port}/docs)"
               + (f"  with {settings.workers} worker processes" if settings.workers > 1 else ""))
    # proxy_headers=False: uvicorn would otherwise believe X-Forwarded-For from 127.0.0.1;
    # the service reads it itself, only from DIVERT_TRUSTED_PROXIES (service/clientaddr.py)
    if settings.workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info",
                    proxy_headers=False)
        return
    export_for_workers(settings)  # each worker builds its app from the same settings
    uvicorn.run("divert.service.app:app_from_env", factory=True, workers=settings.workers,
                host=host, port=port, log_level="info", proxy_headers=False)


def serve(host: HostOpt = "127.0.0.1", port: PortOpt = 8000, database_url: DbOpt = None,
          workers: WorkersOpt = None) -> None:
    """Serve the API and the web pages (the database must already be migrated)."""
    _serve(host, port, database_url, workers)


def demo(
    host: HostOpt = "127.0.0.1",
    port: PortOpt = 8000,
    database_url: DbOpt = None,
    workers: WorkersOpt = None,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve after preparing the demo.")
    ] = True,
) -> None:
    """Migrate, import the real filings, create demo accounts, print them, then serve."""
    from divert.service.demo import prepare_demo
    from divert.service.settings import settings_for

    settings = settings_for(database_url)
    typer.echo(f"database: {settings.database_url}")
    report = prepare_demo(settings, echo=typer.echo)
    typer.echo("")
    typer.echo("Demo accounts (invented people; one per role):")
    for acct in report.accounts:
        typer.echo(f"  {acct.role:<14} user {acct.username:<14} password {acct.password}"
                   f"  TOTP secret {acct.totp_secret}")
    typer.echo("Get a one-time code with:  divert totp SECRET   (or scan the otpauth URI:")
    if report.accounts:
        typer.echo(f"  {report.accounts[0].uri} )")
    typer.echo("")
    if serve:
        _serve(host, port, settings.database_url, workers)


def users_add(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option(help="charging_ada, supervisor, coordinator, police, "
                                      "provider, analyst, administrator or auditor.")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True,
                                          confirmation_prompt=True)],
    provider_id: Annotated[str | None, typer.Option(help="Provider org (provider role).")] = None,
    database_url: DbOpt = None,
) -> None:
    """Create an account; prints its TOTP secret once (store it in an authenticator app)."""
    from divert.cases.access import ROLES
    from divert.service.accounts import create_account
    from divert.service.settings import settings_for

    settings = settings_for(database_url)
    if role not in ROLES:
        raise typer.BadParameter(f"unknown role {role!r}; one of: {', '.join(ROLES)}")
    acct = create_account(settings, username, password, role, provider_id)
    typer.echo(f"created {acct.username} ({acct.role}); TOTP secret {acct.totp_secret}")
    typer.echo(f"otpauth URI: {acct.uri}")


def totp(secret: Annotated[str, typer.Argument(help="The account's TOTP secret.")]) -> None:
    """Print the current one-time code for a TOTP secret (for the demo accounts)."""
    from divert.service.security import totp_code

    try:
        code = totp_code(secret, datetime.now(UTC))
    except ValueError as exc:  # not base32, or shorter than pyotp accepts
        raise typer.BadParameter(f"not a TOTP secret: {exc}", param_hint="SECRET") from exc
    typer.echo(code)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `divert` app."""
    app.command("serve")(serve)
    app.command("demo")(demo)
    app.command("totp")(totp)
    users = typer.Typer(help="Accounts of the service.", no_args_is_help=True)
    users.command("add")(users_add)
    app.add_typer(users, name="users")
