"""The in-process engine: the Decision an ADA reads, and the real Philadelphia filings."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from datetime import date

import pytest

from conftest import FILINGS
from divert.engines.inprocess import TOP_CHARGE_NOTE, screen_case
from divert.engines.screening import screen
from divert.errors import DivertError
from divert.model.case import Case, Charge, ChargeScope, PersonRecord, Stage
from divert.policy import whatif
from divert.policy.explain import Disposition, Outcome, Truth
from divert.policy.load import load_policies
from divert.policy.model import Policy
from divert.policy.select import Mode

POLICIES = load_policies()
PROPOSAL = POLICIES["phl-dao-simple-possession"]
PWID = "Manufacture, Delivery, or Possession With Intent to Manufacture or Deliver"
POSSESSION = "Int Poss Contr Subst By Per Not Reg"


def case(*charges: str, on: date = date(2026, 7, 2), age: int | None = 30,
         **fields: object) -> Case:
    return Case("C-1", tuple(Charge(c) for c in charges), filing_date=on, age=age,
                **fields)  # type: ignore[arg-type]


def test_a_pwid_decision_explains_every_rule_in_whole_sentences() -> None:
    decision = screen_case(case(PWID), PROPOSAL)
    assert (decision.outcome, decision.because) == (Outcome.PROSECUTE, ("pwid",))
    said = {r.rule: (r.truth, r.outcome, r.says) for r in decision.rules}
    assert said["pwid"] == (
        Truth.TRUE, Outcome.PROSECUTE,
        "35 P.S. § 780-113(a)(30) is possession with intent to deliver, which stays a felony.")
    assert said["possession-section-18"] == (
        Truth.FALSE, None,
        "Clause 2.1 does not apply: it needs the full list of charges, each simple possession, "
        "purchase, a small amount of marijuana or paraphernalia.")
    assert said["juvenile"] == (Truth.FALSE, None, "The person was 18 or older at filing.")
    assert said["firearm"] == (Truth.FALSE, None, "No charge is a firearm offense.")
    assert [r.rule for r in decision.rules] == [r.id for r in PROPOSAL.latest().rules]
    pwid = next(r for r in decision.rules if r.rule == "pwid")
    assert pwid.facts == {"charges[0].category": "possession_with_intent_to_deliver"}
    (charge,) = decision.charges
    assert (charge.citation, charge.category, charge.as_written) == (
        "35 P.S. § 780-113(a)(30)", "possession_with_intent_to_deliver", PWID)
    assert decision.policy == PROPOSAL.latest().ref and len(decision.policy.sha256) == 64
    assert (decision.as_of, decision.selected_by, decision.engine) == (
        date(2026, 7, 2), "filing_date", "inprocess")
    assert decision.unknowns == () and decision.notes == ()
    assert (decision.vehicle, decision.dispositions) == (None, (Disposition.CHARGED,))
    assert json.loads(json.dumps(decision.to_json()))["because"] == ["pwid"]


def test_a_published_top_charge_goes_to_review_and_is_diverted_only_under_the_named_assumption(
) -> None:
    top = case(POSSESSION, charge_scope=ChargeScope.TOP_CHARGE_ONLY, money_bail=False,
               held=False)
    live = screen_case(top, PROPOSAL)
    assert (live.outcome, live.because) == (Outcome.NEEDS_REVIEW, ("top-charge-unknown",))
    assert live.notes == (TOP_CHARGE_NOTE,) and live.assumptions == ()
    assert "it is not known whether every charge" in next(
        r.says for r in live.rules if r.rule == "top-charge-unknown")
    assume = whatif.parse(["hidden_charges_lesser", "no_unpublished_record"])
    what_if = screen_case(top, PROPOSAL, assume=assume)
    assert (what_if.outcome, what_if.vehicle, what_if.because) == (
        Outcome.DIVERT, "section-18", ("top-charge-assumed",))
    assert what_if.assumptions == ("assume.hidden_charges_lesser", "assume.no_unpublished_record")
    held = screen_case(replace(top, held=True), PROPOSAL, assume=assume)
    assert (held.outcome, held.because) == (Outcome.NEEDS_REVIEW, ("top-charge-unknown",))


def test_an_unreadable_charge_is_review_with_the_unknown_fact_and_the_reason() -> None:
    decision = screen_case(case("CS-POSS ??"), PROPOSAL)
    assert decision.outcome is Outcome.NEEDS_REVIEW
    assert "charges[0].category" in decision.unknowns
    assert decision.charges[0].category is None and decision.charges[0].match == "unknown"
    assert decision.notes == (
        "Charge 1 ('CS-POSS ??') could not be read: the wording contains '?': whoever wrote "
        "it was not sure.",
    )
    assert next(r.says for r in decision.rules if r.rule == "possession-section-18") == (
        "Cannot tell whether clause 2.1 applies: charges[0].category unknown."
    )


def test_a_missing_person_fact_sends_a_pad_contact_to_review() -> None:
    pad = POLICIES["phl-pad"]
    contact = Case("P-1", (Charge(POSSESSION),), contact_date=date(2024, 5, 1),
                   stage=Stage.PRE_CHARGE, person=PersonRecord("p"))
    decision = screen_case(contact, pad)
    assert (decision.outcome, decision.because) == (Outcome.NEEDS_REVIEW, ("third-contact",))
    assert decision.unknowns == ("person.pad_contacts",)
    assert decision.selected_by == "contact_date"


def test_the_version_follows_the_filing_date_and_a_what_if_date_is_recorded() -> None:
    # v1 and v2 were corrected by v3: kept for the record, never selected.
    assert screen_case(case(POSSESSION, on=date(2026, 1, 1)), PROPOSAL).policy.version == 3
    assert screen_case(case(POSSESSION, on=date(2026, 7, 1)), PROPOSAL).policy.version == 3
    what_if = screen_case(case(POSSESSION, on=date(2021, 9, 1)), PROPOSAL, on=date(2026, 7, 1))
    assert (what_if.as_of, what_if.selected_by, what_if.policy.version) == (
        date(2026, 7, 1), "as_of", 3)


def test_a_case_outside_every_version_is_refused_with_the_dates_covered() -> None:
    with pytest.raises(DivertError, match="it covers v3 from 2026-01-01 on"):
        screen_case(case(POSSESSION, on=date(2025, 12, 31)), PROPOSAL)
    with pytest.raises(DivertError, match="has no filing_date"):
        screen_case(Case("C-2", (Charge(POSSESSION),)), PROPOSAL)


def test_the_door_keeps_input_order() -> None:
    cases = [Case(f"C-{i}", (Charge(c),), filing_date=date(2026, 7, 2), age=30)
             for i, c in enumerate([PWID, "CS-POSS ??", "Simple Assault"])]
    assert [(d.case_id, d.outcome) for d in screen(cases, PROPOSAL).decisions] == [
        ("C-0", Outcome.PROSECUTE), ("C-1", Outcome.NEEDS_REVIEW), ("C-2", Outcome.PROSECUTE)]


@pytest.fixture(scope="module")
def real_cases() -> list[Case]:
    from divert.ingest.phl_filings import read_phl_filings

    return [filed.case for filed in read_phl_filings(FILINGS).cases]


def _by_top_charge(cases: list[Case], policy: Policy, on: date) -> Counter[tuple[str, str]]:
    return Counter(
        (d.charges[0].citation or "unread", d.outcome.value)
        for d in screen(cases, policy, Mode.AS_OF, on=on).decisions
    )


def test_no_real_possession_is_diverted_live_and_every_adult_pwid_is_prosecuted(
    real_cases: list[Case],
) -> None:
    assert len(real_cases) == 9_288
    counts = _by_top_charge(real_cases, PROPOSAL, date(2026, 7, 1))
    assert sum(counts.values()) == 9_288
    for (citation, outcome), n in counts.items():
        if citation in ("35 P.S. § 780-113(a)(16)", "35 P.S. § 780-113(a)(19)"):
            # only the top charge is published: review (or a juvenile, out of scope)
            assert outcome in ("needs_review", "out_of_scope"), (citation, outcome, n)
        if citation.startswith("35 P.S. § 780-113(a)(30)"):
            assert outcome in ("prosecute", "out_of_scope", "needs_review"), (citation, outcome)
        if citation == "unread":
            assert outcome == "needs_review", (citation, outcome, n)
    assert counts[("35 P.S. § 780-113(a)(16)", "needs_review")] > 300
    assert counts[("35 P.S. § 780-113(a)(30)", "prosecute")] > 1_000
    assert not any(outcome == "divert" for _, outcome in counts)


def test_an_unread_charge_still_shows_the_citation_it_was_written_with() -> None:
    written = Case("C-1", (Charge("Criminal Attempt", "18 § 901 §§ A"),),
                   filing_date=date(2026, 7, 2), age=30)
    (charge,) = screen_case(written, PROPOSAL).charges
    assert (charge.category, charge.citation) == (None, "18 Pa.C.S. § 901(a)")
    assert charge.reason == "attempt of an offense the record does not name"


def test_a_charge_cited_deeper_than_the_catalog_shows_every_level_written() -> None:
    written = Case("C-1", (Charge("Drg Lic Sus/Rev Purs to Sec 3802/1547B1", "75 § 1543 §§ B1i"),),
                   filing_date=date(2026, 7, 2))
    (charge,) = screen_case(written, PROPOSAL).charges
    assert charge.citation == "75 Pa.C.S. § 1543(b)(1)(i)"
