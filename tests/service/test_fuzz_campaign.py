"""The schemathesis campaign's short form (issue 12, item 3): every operation of the OpenAPI
document, with generated valid and invalid requests, as every role and with no login, each
on a fresh copy of the seeded store: 0 server errors and 0 responses outside the document.

CI sends DIVERT_FUZZ_EXAMPLES (default 2) valid and as many invalid requests per operation
and identity on SQLite, half as many on PostgreSQL, about two minutes in all (the three
analyses over the shipped filings, a minute each, only in the long run); the 100-example
run and its figures are in docs/reliability.md
(`python -m tests.service.fuzz_campaign --examples 100 [--backend postgresql]`).
"""

from __future__ import annotations

import os

import pytest

from .conftest import Env
from .fuzz_campaign import ANONYMOUS, IDENTITIES, run_identity

EXAMPLES = int(os.environ.get("DIVERT_FUZZ_EXAMPLES", "2"))


@pytest.mark.parametrize("identity", IDENTITIES)
def test_no_server_error_and_nothing_outside_the_document(
    env: Env, db_url: str, identity: str
) -> None:
    # PostgreSQL refuses what SQLite stores (over-long texts, NUL): it is fuzzed too, with
    # half the examples, to keep the campaign near two minutes
    examples = EXAMPLES if db_url.startswith("sqlite") else max(1, EXAMPLES // 2)
    token = None
    if identity != ANONYMOUS:
        token = env.headers(identity)["Authorization"].removeprefix("Bearer ")
    # the three analyses over the shipped filings (a minute each for the analyst) are left
    # to the long run; every other operation is fuzzed here
    tally = run_identity(env.client.app, identity, token, examples, heavy_examples=0)
    assert tally.operations >= 35
    assert tally.requests >= tally.operations * examples
    assert tally.server_errors == [], tally.server_errors[:10]
    assert tally.outside == [], tally.outside[:10]
