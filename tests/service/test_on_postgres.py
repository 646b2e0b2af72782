"""The service's key behaviours again, on PostgreSQL for real (CI sets
DIVERT_TEST_POSTGRES_URL): the same test functions, given a PostgreSQL-backed service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from . import test_auth, test_cases_api, test_error_shape, test_pages, test_providers_consent
from .conftest import Env

pytestmark = pytest.mark.postgres

SCENARIOS: list[Callable[[Env], None]] = [
    test_auth.test_five_failures_within_15_minutes_lock_the_account_even_for_the_right_password,
    test_auth.test_a_session_ends_after_30_minutes_idle,
    test_cases_api.test_the_case_list_pages_with_a_total_and_filters_by_outcome,
    test_cases_api.test_reading_a_case_is_audited_and_only_the_auditor_reads_the_audit_log,
    test_cases_api.test_an_override_is_recorded_and_the_stored_decision_is_unchanged,
    test_cases_api.test_two_writers_from_the_same_version_cannot_both_win,
    test_cases_api.test_the_same_idempotency_key_and_body_replays_without_a_second_write,
    test_error_shape.test_409_for_an_illegal_transition_names_the_allowed_events,
    test_pages.test_the_review_form_records_an_override_and_keeps_the_decision,
]
WITH_REFERRAL: list[Callable[[Env, Any], None]] = [
    test_providers_consent.test_every_cross_provider_attempt_fails,
    test_providers_consent.test_a_consent_discloses_only_its_kinds_to_its_recipients_with_the_notice,
    test_providers_consent.test_a_revoked_consent_discloses_nothing_from_the_revocation_day,
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda f: f.__name__)
def test_on_postgres(pg_env: Env, scenario: Callable[[Env], None]) -> None:
    scenario(pg_env)


@pytest.mark.parametrize("scenario", WITH_REFERRAL, ids=lambda f: f.__name__)
def test_on_postgres_with_a_referral(pg_env: Env, scenario: Callable[[Env, Any], None]) -> None:
    scenario(pg_env, test_providers_consent.make_referral(pg_env))
