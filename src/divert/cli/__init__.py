"""The `divert` command: every operator and analyst task from a terminal."""

from __future__ import annotations

import typer

import divert
from divert.cli import analyze, bail, catalog, db, ingest, policy, screen, service

app = typer.Typer(
    name="divert",
    help="Diversion of drug-possession cases: policy as code, explained decisions.",
    no_args_is_help=True,
    add_completion=False,
)



@app.command()
def version() -> None:
    """Print divert's version."""
    typer.echo(divert.__version__)


for module in (catalog, policy, screen, ingest, db, service, analyze, bail):
    module.register(app)


def main() -> None:
    app()
