"""A police officer on a phone-sized screen in a real headless Chromium: log in, land on the
PAD form, choose the offenses, record a pre-charge referral, see at once that the person is
eligible and the referral among their own; the provider then sees it on its page. The form
fits the screen."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from divert.service.accounts import add_account
from divert.service.security import totp_code
from divert.store import treatment
from divert.store.db import make_engine, make_sessionmaker, upgrade
from divert.store.unit import atomic

from .conftest import ARGS, FAST_HASHER, PASSWORD, SETUP, serve

pytestmark = pytest.mark.browser
WIDTH, HEIGHT = 390, 844  # a common phone's CSS viewport
PROVIDER_SECRETS: dict[str, str] = {}  # username -> TOTP secret, set by _prepare


def _prepare(url: str) -> str:
    upgrade(url)
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    with factory() as db:
        treatment.create_provider(db, SETUP, provider_id="prov-a", name="Provider A (invented)")
    with factory() as db, atomic(db):
        secret = add_account(db, SETUP, "officer.browser", PASSWORD, "police", None,
                             datetime.now(UTC), hasher=FAST_HASHER).totp_secret
        PROVIDER_SECRETS["provider.browser"] = add_account(
            db, SETUP, "provider.browser", PASSWORD, "provider", "prov-a", datetime.now(UTC),
            hasher=FAST_HASHER).totp_secret
    engine.dispose()
    return secret


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str]]:
    with serve(tmp_path, _prepare) as running:
        yield running


def _login(page: Any, base: str, username: str, secret: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=totp]", totp_code(secret, datetime.now(UTC)))
    page.click("button[type=submit]")


POSSESSION_WITH_PARAPHERNALIA = pytest.param(
    ["possession", "paraphernalia"], "2026-24#117", id="possession+paraphernalia")


@pytest.mark.parametrize(("offenses", "incident"), [
    pytest.param(["possession"], "INC-2026-001", id="possession"),
    POSSESSION_WITH_PARAPHERNALIA,
])
def test_an_officer_records_a_pad_referral_from_a_phone(
    served: tuple[str, str], chromium_path: str, offenses: list[str], incident: str
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, secret = served
    case_id = f"PAD-{incident}"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=ARGS)
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT}, is_mobile=True,
                                has_touch=True)
        _login(page, base, "officer.browser", secret)
        expect(page).to_have_url(f"{base}/pad")
        expect(page.locator("header nav.roles")).to_have_text("PAD referral")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= WIDTH, f"the page scrolls sideways ({width}px)"
        box = page.locator("input[name=incident_id]").bounding_box()
        assert box is not None and box["height"] >= 40  # a thumb-sized field
        assert box["width"] >= WIDTH * 0.7
        check = page.locator("label.check").first.bounding_box()
        assert check is not None and check["height"] >= 40  # offenses are thumb-sized too
        page.fill("input[name=incident_id]", incident)
        page.fill("input[name=person_id]", "bp-9")
        for offense in offenses:
            page.check(f"input[name=offenses][value={offense}]")
        page.fill("input[name=police_district]", "24")
        page.fill("input[name=contact_date]", "2026-07-06")
        page.select_option("select[name=provider_id]", "prov-a")
        page.click("#pad-form button[type=submit]")
        expect(page.locator(".flash")).to_contain_text(f"Referral {case_id} recorded.")
        expect(page.locator("#pad-result")).to_contain_text(
            "Eligible for PAD: you may refer the person. Sent to Provider A (invented).")
        expect(page.locator("#recent")).to_contain_text(case_id)
        expect(page.locator("#recent")).to_contain_text("eligible")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= WIDTH, f"the result scrolls sideways ({width}px)"

        provider = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}).new_page()
        _login(provider, base, "provider.browser", PROVIDER_SECRETS["provider.browser"])
        provider.goto(f"{base}/referrals")
        expect(provider.locator("body")).to_contain_text(case_id)
        browser.close()
