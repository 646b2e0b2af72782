"""A charging ADA in a real headless Chromium: log in with a one-time code, open a case, read
the decision's clause sentences and its "why?" trace, override it with a written reason; the
override waits for a supervisor, who approves it from the approvals queue."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from divert.model.case import Charge
from divert.policy.load import load_policies
from divert.service.accounts import add_account
from divert.service.screening import screen_and_store
from divert.service.security import totp_code
from divert.store import repo
from divert.store.db import make_engine, make_sessionmaker, upgrade
from divert.store.unit import atomic

from .conftest import ARGS, FAST_HASHER, PASSWORD, SETUP, serve

pytestmark = pytest.mark.browser


SUPERVISOR: dict[str, str] = {}


def _prepare(url: str) -> str:
    upgrade(url)
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    now = datetime.now(UTC)
    with factory() as db, atomic(db):
        secret = add_account(db, SETUP, "ada.browser", PASSWORD, "charging_ada", None, now,
                             hasher=FAST_HASHER).totp_secret
        SUPERVISOR["secret"] = add_account(db, SETUP, "sup.browser", PASSWORD, "supervisor",
                                           None, now, hasher=FAST_HASHER).totp_secret
    with factory() as db:
        repo.create_case(db, SETUP, case_id="B-PWID", person_id="bp-1", age=31,
                         filing_date=date(2026, 7, 6), at=now, charges=[Charge(
                             "Manufacture, Delivery, or Possession With Intent to Manufacture "
                             "or Deliver", "35 § 780-113 §§ A30")])
        screen_and_store(db, SETUP, "B-PWID", load_policies()["phl-dao-simple-possession"], now)
    engine.dispose()
    return secret


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str]]:
    with serve(tmp_path, _prepare) as running:
        yield running


def test_an_ada_logs_in_reads_the_decision_and_overrides_it(
    served: tuple[str, str], chromium_path: str
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, secret = served
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=ARGS)
        page = browser.new_page()
        page.goto(f"{base}/cases/B-PWID")
        expect(page).to_have_url(f"{base}/login")
        _login(page, "ada.browser", secret)
        expect(page).to_have_url(f"{base}/cases")
        page.click("text=B-PWID")
        expect(page.locator("#decision h2")).to_contain_text("prosecute")
        expect(page.locator("ul.fired")).to_contain_text(
            "clause 2.3 — 35 P.S. § 780-113(a)(30) is possession with intent to deliver")
        trace = page.locator("#why table")
        expect(trace).not_to_be_visible()
        page.click("#why summary")
        expect(trace).to_be_visible()
        expect(trace).to_contain_text("possession-section-18")
        page.check("input[value=override]")
        page.select_option("select[name=outcome]", "divert")
        page.fill("textarea[name=reason]", "Quantity is consistent with personal use.")
        page.click("#review button[type=submit]")
        expect(page.locator(".flash")).to_contain_text("Your review was recorded")
        expect(page.locator("#timeline")).to_contain_text(
            "Decision overridden to divert: Quantity is consistent with personal use. "
            "(waits for the supervisor's approval)")
        expect(page.locator("#effective h2")).to_contain_text("prosecute")  # not yet
        expect(page.locator("#decision h2")).to_contain_text("prosecute")  # never edited

        page.click("button:has-text('Log out')")
        _login(page, "sup.browser", SUPERVISOR["secret"])
        page.click("a:has-text('Approvals')")
        page.click("text=B-PWID")
        page.check("input[value=approve]")
        page.click("#approval button[type=submit]")
        expect(page.locator("#effective h2")).to_contain_text("divert")
        expect(page.locator("#effective")).to_contain_text("An override by ada.browser")
        expect(page.locator("#decision h2")).to_contain_text("prosecute")  # still unedited
        last = page.locator("#timeline tbody tr").last
        expect(last.locator("td").nth(1)).to_have_text("sup.browser")
        expect(last.locator("td").nth(2)).to_have_text("Review approved")
        browser.close()


def _login(page: Any, username: str, secret: str) -> None:
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=totp]", totp_code(secret, datetime.now(UTC)))
    page.click("button[type=submit]")
