"""A police officer on a phone-sized screen in a real headless Chromium: log in, land on the
PAD form, record a pre-charge referral, see it among their own; the form fits the screen."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from divert.service.accounts import add_account
from divert.service.security import totp_code
from divert.store import treatment
from divert.store.db import make_engine, make_sessionmaker, upgrade
from divert.store.unit import atomic

from .conftest import ARGS, FAST_HASHER, PASSWORD, SETUP, serve

pytestmark = pytest.mark.browser
WIDTH, HEIGHT = 390, 844  # a common phone's CSS viewport


def _prepare(url: str) -> str:
    upgrade(url)
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    with factory() as db:
        treatment.create_provider(db, SETUP, provider_id="prov-a", name="Provider A (invented)")
    with factory() as db, atomic(db):
        secret = add_account(db, SETUP, "officer.browser", PASSWORD, "police", None,
                             datetime.now(UTC), hasher=FAST_HASHER).totp_secret
    engine.dispose()
    return secret


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str]]:
    with serve(tmp_path, _prepare) as running:
        yield running


def test_an_officer_records_a_pad_referral_from_a_phone(
    served: tuple[str, str], chromium_path: str
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, secret = served
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=ARGS)
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT}, is_mobile=True,
                                has_touch=True)
        page.goto(f"{base}/login")
        page.fill("input[name=username]", "officer.browser")
        page.fill("input[name=password]", PASSWORD)
        page.fill("input[name=totp]", totp_code(secret, datetime.now(UTC)))
        page.click("button[type=submit]")
        expect(page).to_have_url(f"{base}/pad")
        expect(page.locator("header nav.roles")).to_have_text("PAD referral")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= WIDTH, f"the page scrolls sideways ({width}px)"
        box = page.locator("input[name=incident_id]").bounding_box()
        assert box is not None and box["height"] >= 40  # a thumb-sized field
        assert box["width"] >= WIDTH * 0.7
        page.fill("input[name=incident_id]", "INC-2026-001")
        page.fill("input[name=person_id]", "bp-9")
        page.fill("input[name=contact_date]", "2026-07-06")
        page.select_option("select[name=provider_id]", "prov-a")
        page.click("#pad-form button[type=submit]")
        expect(page.locator(".flash")).to_contain_text("Referral PAD-INC-2026-001 recorded.")
        expect(page.locator("#recent")).to_contain_text("PAD-INC-2026-001")
        expect(page.locator("#recent")).to_contain_text("pad_referred")
        browser.close()
