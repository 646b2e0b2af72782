"""The schemathesis campaign (issue 12, item 3): every operation of the OpenAPI document,
called with generated valid and invalid requests as every role (one bearer token each) and
with no token, against a freshly seeded store per identity. It counts requests, server
errors (any 5xx, or an exception escaping the app) and responses outside the document
(a status, content type, header or body the document does not describe).

The short form runs in CI (tests/service/test_fuzz_campaign.py); the long form is

    python -m tests.service.fuzz_campaign --examples 100 [--backend postgresql]

which prints the figures docs/reliability.md records. Nothing here is mocked: the real app,
the real store (SQLite file or PostgreSQL schema), the real login.
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from divert.cases.access import ROLES

# Logging out would end the very session the campaign is using (tested in test_auth.py).
SKIP = frozenset({("POST", "/api/auth/logout")})
OUTSIDE = (status_code_conformance, content_type_conformance, response_headers_conformance,
           response_schema_conformance)
# The analyses over the shipped filings take seconds to a minute each (measures, simulation,
# the report): sent `heavy_examples` times, with a long client timeout.
HEAVY = frozenset({("GET", "/api/analytics/measures"), ("GET", "/api/analytics/simulation"),
                   ("GET", "/api/analytics/report")})
TIMEOUT = 600  # seconds; a slow answer is not a server error, only a slow one
ANONYMOUS = "anonymous"
IDENTITIES = (*ROLES, ANONYMOUS)


@dataclass
class Tally:
    """What one identity's run saw."""

    identity: str
    requests: int = 0
    server_errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    operations: int = 0
    seconds: float = 0.0
    by_operation: defaultdict[str, Counter[int]] = field(
        default_factory=lambda: defaultdict(Counter))

    def line(self) -> str:
        codes = ", ".join(f"{k}: {v}" for k, v in sorted(self.statuses.items()))
        return (f"{self.identity}: {self.requests} requests over {self.operations} operations, "
                f"{len(self.server_errors)} server errors, {len(self.outside)} outside the "
                f"document, {self.seconds:.0f} s ({codes})")


def _why(exc: BaseException) -> str:
    inner = getattr(exc, "exceptions", None)
    if inner:
        return "; ".join(_why(e) for e in inner)
    title = getattr(exc, "title", None)
    return f"{type(exc).__name__}: {title or exc}"[:300]


def run_identity(app: Any, identity: str, token: str | None, examples: int,
                 heavy_examples: int = 1) -> Tally:
    """Every operation, `examples` valid and `examples` invalid requests each (the HEAVY
    analyses `heavy_examples`; 0 leaves them out), as one identity; failures are counted,
    never stop the run."""
    tally = Tally(identity)
    started = time.perf_counter()
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    auth = {"Authorization": f"Bearer {token}"} if token else {}
    for result in schema.get_all_operations():
        operation = result.ok()
        key = (operation.method.upper(), operation.path)
        count = heavy_examples if key in HEAVY else examples
        if key in SKIP or count == 0:
            continue
        tally.operations += 1
        label = f"{operation.method.upper()} {operation.path}"
        for mode in schemathesis.GenerationMode:
            _probe(operation.as_strategy(generation_mode=mode), count, tally,
                   f"{label} [{mode.value}]", auth if token else None)
    tally.seconds = time.perf_counter() - started
    return tally


def _probe(strategy: Any, examples: int, tally: Tally, label: str,
           auth: dict[str, str] | None) -> None:
    """Send `examples` requests drawn from `strategy`, counting what came back."""

    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def probe(case: Any) -> None:
        headers = {**(case.headers or {}), **(auth or {})}
        if auth is None:
            headers.pop("Authorization", None)
        tally.requests += 1
        try:
            response = case.call(headers=headers, timeout=TIMEOUT)
        except (Exception, BaseExceptionGroup) as exc:  # escaped the app: a server error
            tally.server_errors.append(f"{label}: {_why(exc)}")
            return
        tally.statuses[response.status_code] += 1
        tally.by_operation[label][response.status_code] += 1
        try:
            case.validate_response(response, checks=[not_a_server_error])
        except (Exception, BaseExceptionGroup) as exc:
            tally.server_errors.append(f"{label} {response.status_code}: {_why(exc)}")
        try:
            case.validate_response(response, checks=list(OUTSIDE))
        except (Exception, BaseExceptionGroup) as exc:
            tally.outside.append(f"{label} {response.status_code}: {_why(exc)}")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        probe()


def main() -> None:
    """The long run: `python -m tests.service.fuzz_campaign --examples 100`."""
    import os
    import tempfile
    from pathlib import Path

    from tests.service.conftest import _make_env, _seed, schema_url

    from divert.store.db import upgrade

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--examples", type=int, default=100)
    parser.add_argument("--heavy-examples", type=int, default=2)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--tmp", default=None, help="where the SQLite files go (a tmpfs "
                        "folder makes the run about twice as fast)")
    parser.add_argument("--only", nargs="*", default=None, help="these identities only")
    args = parser.parse_args()
    tallies: list[Tally] = []
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        for identity in args.only or IDENTITIES:
            if args.backend == "sqlite":
                url = f"sqlite:///{Path(tmp) / f'{identity}.sqlite'}"
            else:
                import sqlalchemy as sa

                base = os.environ.get("DIVERT_TEST_POSTGRES_URL",
                                      "postgresql+psycopg://postgres@127.0.0.1:5432/divert")
                schema = f"divert_fuzz_{identity}_{os.getpid()}"
                admin = sa.create_engine(base)
                with admin.begin() as conn:
                    conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                    conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
                url = schema_url(base, schema)
            upgrade(url)
            secrets = _seed(url)
            for env in _make_env(url, secrets):
                token = None
                if identity != ANONYMOUS:
                    token = env.headers(identity)["Authorization"].removeprefix("Bearer ")
                tally = run_identity(env.client.app, identity, token, args.examples,
                                     args.heavy_examples)
                tallies.append(tally)
                print(tally.line(), flush=True)
                for problem in (tally.server_errors + tally.outside)[:20]:
                    print("   ", problem, flush=True)
            if args.backend == "postgresql":
                with admin.begin() as conn:
                    conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                admin.dispose()
    total = sum(t.requests for t in tallies)
    errors = sum(len(t.server_errors) for t in tallies)
    outside = sum(len(t.outside) for t in tallies)
    print(f"TOTAL ({args.backend}, {args.examples} examples per operation and mode): {total} "
          f"requests, {errors} server errors, {outside} outside the document")


if __name__ == "__main__":
    main()
