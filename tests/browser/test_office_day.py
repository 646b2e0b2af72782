"""An office's day on the demo store (the real Philadelphia filings plus the invented demo
cases), every role through the real login page in headless Chromium:

- the ADA works the unreviewed queue (bulk confirm), overrides a case to prosecute and a PWID
  case to divert (each waits for its approver), and prints a decision letter to PDF;
- the supervisor and the District Attorney approve from their approvals queues;
- the coordinator is refused an offer on the case overridden to prosecute, makes one on a
  diverted case, prints the offer letter, records the answer, refers, records a consent;
- the provider reports engagement; the coordinator closes the case as completed;
- a police officer refers at a phone's width; the analyst, administrator and auditor open
  their pages; the public page needs no login.

On every page: axe-core finds no serious or critical violation (target size included), and
nothing scrolls sideways at 390 px. With DIVERT_SCREENS=docs/screens each page is saved
there as a PNG (`make screens`), the pictures the README links.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from divert.service.demo import ACCOUNTS, prepare_demo
from divert.service.security import totp_code
from divert.service.settings import Settings

from .conftest import ARGS, serve

pytestmark = pytest.mark.browser

SECRETS: dict[str, str] = {}
PASSWORDS = {username: password for _, username, password, _ in ACCOUNTS}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
AXE_OPTIONS = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}


def _prepare(url: str) -> str:
    report = prepare_demo(Settings(database_url=url), echo=lambda _: None)
    SECRETS.update({a.username: a.totp_secret for a in report.accounts})
    return ""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(tmp_path_factory.mktemp("office-day"), _prepare) as (base, _):
        yield base


class Walk:
    """Visits pages, checks each with axe-core and at a phone's width, saves screenshots."""

    def __init__(self, base: str) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.base = base
        self.axe = Axe()
        self.problems: list[str] = []
        self.shots = Path(os.environ["DIVERT_SCREENS"]) if os.environ.get("DIVERT_SCREENS") \
            else None

    def check(self, page: Any, name: str) -> None:
        """Axe, sideways scrolling at 390 px, and the screenshot of what is on screen."""
        page.wait_for_load_state("networkidle")
        found = self.axe.run(page, options=AXE_OPTIONS).response["violations"]
        for v in found:
            if v["impact"] in ("serious", "critical"):
                where = [n["target"] for n in v["nodes"]][:3]
                self.problems.append(f"{name}: {v['id']} ({v['impact']}) at {where}")
        if self.shots is not None:
            self.shots.mkdir(parents=True, exist_ok=True)
            # Lists as the screen shows them; a case or a letter whole.
            whole = page.evaluate("document.documentElement.scrollHeight") < 2600
            page.screenshot(path=str(self.shots / f"{name}.png"), full_page=whole)
        size = page.viewport_size
        page.set_viewport_size(PHONE)
        wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if wide > 1:
            self.problems.append(f"{name}: scrolls sideways by {wide} px at 390 px")
        page.set_viewport_size(size or DESKTOP)

    def login(self, browser: Any, username: str, viewport: dict[str, int] = DESKTOP) -> Any:
        page = browser.new_context(viewport=viewport).new_page()
        page.goto(f"{self.base}/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORDS[username])
        page.fill("input[name=totp]", totp_code(SECRETS[username], datetime.now(UTC)))
        page.click("button[type=submit]")
        page.wait_for_load_state()
        assert "/login" not in page.url, f"{username} could not log in"
        return page


def _open_case(page: Any, base: str, case_id: str) -> None:
    page.goto(f"{base}/cases?q={case_id}")
    page.get_by_role("link", name=case_id, exact=True).click()


def _approve_all(page: Any, base: str, walk: Walk, name: str) -> list[str]:
    """Approve every review waiting in this approver's queue; returns their case ids."""
    from playwright.sync_api import expect

    page.goto(f"{base}/cases?queue=approvals")
    walk.check(page, name)
    ids = [a.inner_text() for a in page.locator("#case-table tbody a").all()]
    for case_id in ids:
        _open_case(page, base, case_id)
        page.check("input[value=approve]")
        page.click("#approval button[type=submit]")
        expect(page.locator("#timeline tbody tr").last).to_contain_text("Review approved")
    return ids


def test_an_office_day_for_every_role(served: str, chromium_path: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    base = served
    walk = Walk(base)
    today = date.today()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=ARGS)

        # The charging ADA: the list, the unreviewed queue, reviews, a letter.
        ada = walk.login(browser, "ada.rivera")
        expect(ada).to_have_url(f"{base}/cases")
        walk.check(ada, "ada-1-case-list")
        ada.click("nav.queues >> text=Unreviewed")
        expect(ada.locator("h1")).to_have_text("Unreviewed")
        walk.check(ada, "ada-2-unreviewed-queue")
        ada.fill("input[name=q]", "DEMO-0001")
        ada.click("form.filters button[type=submit]")
        ada.check("input[name=case][value^='DEMO-0001@']")
        ada.click("#bulk-confirm button[type=submit]")
        expect(ada.locator(".flash")).to_contain_text("Confirmed 1 case, each as its own review.")

        _open_case(ada, base, "DEMO-0003")
        expect(ada.locator("#effective h2")).to_contain_text("divert")
        walk.check(ada, "ada-3-case-page")
        ada.check("input[value=override]")
        ada.select_option("select[name=outcome]", "prosecute")
        ada.click("#review button[type=submit]")  # no reason: refused, the choice kept
        expect(ada.locator("#review [role=alert]")).to_be_visible()
        assert ada.locator("input[value=override]").is_checked()
        assert ada.input_value("select[name=outcome]") == "prosecute"
        ada.fill("textarea[name=reason]", "The person asked to go to trial.")
        ada.click("#review button[type=submit]")
        expect(ada.locator("#effective")).to_contain_text("waits for the")

        _open_case(ada, base, "DEMO-0002")  # PWID: prosecute; an override needs approval
        ada.check("input[value=override]")
        ada.select_option("select[name=outcome]", "divert")
        ada.fill("textarea[name=reason]", "Quantity consistent with personal use.")
        ada.click("#review button[type=submit]")
        expect(ada.locator("#effective h2")).to_contain_text("prosecute")  # not yet

        _open_case(ada, base, "DEMO-0001")
        ada.click("text=Decision letter")
        expect(ada.locator("h1")).to_have_text("The charging decision in your case")
        walk.check(ada, "ada-4-decision-letter")
        pdf = ada.request.get(f"{base}/cases/DEMO-0001/letter/decision.pdf")
        assert pdf.ok and pdf.body().startswith(b"%PDF")

        # Approvers: each approves what waits in their own queue; nobody their own.
        supervisor = walk.login(browser, "sam.okafor")
        approved = _approve_all(supervisor, base, walk, "supervisor-1-approvals")
        attorney = walk.login(browser, "dana.first")
        approved += _approve_all(attorney, base, walk, "district-attorney-1-approvals")
        assert {"DEMO-0002", "DEMO-0003"} <= set(approved)
        _open_case(supervisor, base, "DEMO-0002")
        expect(supervisor.locator("#effective h2")).to_contain_text("divert")
        expect(supervisor.locator("#decision h2")).to_contain_text("prosecute")  # unedited

        # The coordinator: refused on the case overridden to prosecute; works DEMO-0001.
        cora = walk.login(browser, "cora.lind")
        _open_case(cora, base, "DEMO-0003")
        cora.fill("#offer-form input[name=expires_on]", (today + timedelta(days=14)).isoformat())
        cora.click("#offer-form button[type=submit]")
        expect(cora.locator("#casework [role=alert]")).to_contain_text("prosecute")
        _open_case(cora, base, "DEMO-0001")
        cora.fill("#offer-form input[name=expires_on]", (today + timedelta(days=5)).isoformat())
        cora.fill("#offer-form textarea[name=terms]",
                  "Treatment as the physician advises, about 90 days; the case is held.")
        cora.click("#offer-form button[type=submit]")
        expect(cora.locator(".flash")).to_contain_text("The offer was recorded.")
        cora.goto(f"{base}/cases?queue=offers_expiring")
        expect(cora.locator("#case-table")).to_contain_text("DEMO-0001")
        walk.check(cora, "coordinator-1-offers-expiring")
        cora.goto(f"{base}/cases/DEMO-0001/letter/offer")
        walk.check(cora, "coordinator-2-offer-letter")
        assert cora.request.get(f"{base}/cases/DEMO-0001/letter/offer.pdf").body()[:4] == b"%PDF"
        _open_case(cora, base, "DEMO-0001")
        cora.click("#answer-form button[type=submit]")  # accepted, today
        cora.select_option("#refer-form select[name=provider_id]", "harbor-light")
        cora.click("#refer-form button[type=submit]")
        expect(cora.locator(".flash")).to_contain_text("The referral to the provider was")
        cora.select_option("#consent-form select[name=provider_id]", "harbor-light")
        cora.check("#consent-form input[name=recipient_roles][value=coordinator]")
        cora.check("#consent-form input[name=kinds][value=engagement_status]")
        cora.fill("#consent-form input[name=purpose]", "follow the diversion")
        cora.fill("#consent-form input[name=signed_on]", today.isoformat())
        cora.fill("#consent-form input[name=expires_on]",
                  (today + timedelta(days=180)).isoformat())
        cora.click("#consent-form button[type=submit]")
        expect(cora.locator("#consents")).to_contain_text("in force until")
        walk.check(cora, "coordinator-3-case-in-treatment")

        # The provider, on a phone: its referral, an engagement report.
        provider = walk.login(browser, "harbor.intake", PHONE)
        expect(provider).to_have_url(f"{base}/referrals")
        row = provider.locator("#referrals tbody tr", has_text="DEMO-0001")
        row.locator("select[name=engagement_status]").select_option("engaged")
        row.locator("input[name=reported_on]").fill(today.isoformat())
        row.locator("form[action$='/engagement'] button[type=submit]").click()
        expect(provider.locator(".flash")).to_contain_text("recorded")
        walk.check(provider, "provider-1-referrals")

        # The coordinator sees the report under consent and closes the case.
        _open_case(cora, base, "DEMO-0001")
        expect(cora.locator(".disclosure")).to_contain_text("engaged")
        cora.select_option("#close-form select[name=kind]", "completed")
        cora.click("#close-form button[type=submit]")
        expect(cora.locator("#state")).to_have_text("completed")
        expect(cora.locator("#timeline")).to_contain_text("Diversion completed on")

        # A police officer at a phone's width: a PAD referral to the chosen provider.
        officer = walk.login(browser, "officer.pike", PHONE)
        expect(officer).to_have_url(f"{base}/pad")
        officer.fill("input[name=incident_id]", "2026-PAD/0042#1")
        officer.fill("input[name=person_id]", "walk-person-1")
        officer.check("input[name=offenses][value=possession]")
        officer.fill("input[name=police_district]", "24")
        officer.fill("input[name=contact_date]", today.isoformat())
        officer.select_option("select[name=provider_id]", "harbor-light")
        officer.click("#pad-form button[type=submit]")
        expect(officer.locator("#pad-result")).to_be_visible()
        walk.check(officer, "police-1-pad-referral")

        analyst = walk.login(browser, "ana.lytics")
        expect(analyst).to_have_url(f"{base}/analytics")
        walk.check(analyst, "analyst-1-analytics")
        assert analyst.request.get(f"{base}/analytics/monthly.csv").ok

        admin = walk.login(browser, "admin")
        expect(admin).to_have_url(f"{base}/users")
        walk.check(admin, "administrator-1-accounts")

        auditor = walk.login(browser, "audrey.check")
        expect(auditor).to_have_url(f"{base}/audit")
        auditor.click("form[action='/audit/verify'] button[type=submit]")
        expect(auditor.locator("#verified")).to_contain_text("The chain holds")
        walk.check(auditor, "auditor-1-audit-log")

        public = browser.new_context(viewport=DESKTOP).new_page()
        public.goto(f"{base}/public")
        walk.check(public, "public-1-public-page")
        public.goto(f"{base}/login")
        walk.check(public, "login")
        browser.close()
    assert not walk.problems, "\n".join(walk.problems)
