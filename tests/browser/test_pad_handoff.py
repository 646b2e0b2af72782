"""A PAD referral's hand-off in real Chromium: the officer types an incident number with
'#' and '/', chooses a provider, and the referral arrives in that provider's queue under
exactly that number; the ADA's link to the case opens it. A second referral of the same
incident is refused in a sentence, with what was typed kept."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from divert.service.accounts import add_account
from divert.store import treatment
from divert.store.db import make_engine, make_sessionmaker, upgrade
from divert.store.unit import atomic

from .conftest import ARGS, FAST_HASHER, PASSWORD, SETUP, serve
from .test_pad_phone import _login

pytestmark = pytest.mark.browser
INCIDENT = "2026-24#117/B 2"
SECRETS: dict[str, str] = {}


def _prepare(url: str) -> str:
    upgrade(url)
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    for pid, name in (("prov-a", "Provider A (invented)"), ("prov-b", "Provider B (invented)")):
        with factory() as db:
            treatment.create_provider(db, SETUP, provider_id=pid, name=name)
    with factory() as db, atomic(db):
        for username, role, provider in (("officer.h", "police", None),
                                         ("intake.b", "provider", "prov-b"),
                                         ("intake.a", "provider", "prov-a"),
                                         ("ada.h", "charging_ada", None)):
            SECRETS[username] = add_account(db, SETUP, username, PASSWORD, role, provider,
                                            datetime.now(UTC), hasher=FAST_HASHER).totp_secret
    engine.dispose()
    return SECRETS["officer.h"]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str]]:
    with serve(tmp_path, _prepare) as running:
        yield running


def test_a_pad_referral_arrives_at_the_chosen_providers_queue_under_its_exact_number(
        served: tuple[str, str], chromium_path: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, _ = served
    case_id = f"PAD-{INCIDENT}"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=ARGS)
        officer = browser.new_context().new_page()
        _login(officer, base, "officer.h", SECRETS["officer.h"])
        expect(officer).to_have_url(f"{base}/pad")

        def submit() -> None:
            officer.fill("input[name=incident_id]", INCIDENT)
            officer.fill("input[name=person_id]", "bp-h1")
            officer.check("input[name=offenses][value=possession]")
            officer.fill("input[name=police_district]", "24")
            officer.fill("input[name=contact_date]", "2026-07-06")
            officer.select_option("select[name=provider_id]", "prov-b")
            officer.click("#pad-form button[type=submit]")

        submit()
        expect(officer.locator(".flash")).to_contain_text(f"Referral {case_id} recorded.")
        expect(officer.locator("#pad-result")).to_contain_text(
            "Sent to Provider B (invented).")

        chosen = browser.new_context().new_page()
        _login(chosen, base, "intake.b", SECRETS["intake.b"])
        chosen.goto(f"{base}/referrals")
        expect(chosen.locator("#referrals tbody tr")).to_have_count(1)
        expect(chosen.locator("#referrals tbody")).to_contain_text(case_id)

        other = browser.new_context().new_page()
        _login(other, base, "intake.a", SECRETS["intake.a"])
        other.goto(f"{base}/referrals")
        expect(other.locator("#referrals tbody tr")).to_have_count(0)  # not its referral

        ada = browser.new_context().new_page()
        _login(ada, base, "ada.h", SECRETS["ada.h"])
        ada.goto(f"{base}/cases")
        ada.get_by_role("link", name=case_id, exact=True).click()
        expect(ada.locator("h1")).to_contain_text(case_id)  # the link is not dead

        submit()  # the same incident again
        expect(officer.locator("[role=alert]")).to_be_visible()
        assert officer.input_value("input[name=incident_id]") == INCIDENT
        chosen.reload()
        expect(chosen.locator("#referrals tbody tr")).to_have_count(1)
        browser.close()
