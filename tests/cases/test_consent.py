"""42 CFR Part 2: one test per consent rule a DA office and a provider rely on."""

from __future__ import annotations

from datetime import date

import pytest

from divert.cases.consent import (
    ConsentInvalid,
    Disclosure,
    EngagementReport,
    InfoKind,
    NoConsent,
    disclosable,
    make_consent,
    rules,
)

REPORT = EngagementReport(
    report_id=7, person_id="P-1", provider_id="prov-a", case_id="C-1",
    reported_on=date(2026, 7, 20), attendance="attended 3 of 4",
    engagement_status="engaged", dates=(date(2026, 7, 6), date(2026, 7, 13)))
AS_OF = date(2026, 7, 21)


def consent(**over: object) -> object:
    fields: dict[str, object] = dict(
        consent_id=1, person_id="P-1", provider_id="prov-a",
        recipient_roles=["coordinator", "charging_ada"], recipient_org=None,
        kinds=["attendance", "engagement_status", "dates"], purpose="follow the diversion",
        signed_on=date(2026, 7, 1), expires_on=date(2026, 12, 31))
    fields.update(over)
    return make_consent(**fields)  # type: ignore[arg-type]


def test_no_consent_means_no_report_under_consent() -> None:
    shown = disclosable(REPORT, [], "coordinator", AS_OF)
    assert isinstance(shown, NoConsent) and shown.text == "no report under consent"
    assert not hasattr(shown, "fields")


def test_a_consent_in_force_discloses_with_the_redisclosure_notice() -> None:
    shown = disclosable(REPORT, [consent()], "coordinator", AS_OF)
    assert isinstance(shown, Disclosure)
    assert shown.fields == {"attendance": "attended 3 of 4", "engagement_status": "engaged",
                            "reported_on": "2026-07-20", "dates": ["2026-07-06", "2026-07-13"]}
    assert shown.notice.startswith("This record which has been disclosed to you is protected "
                                   "by Federal confidentiality rules (42 CFR part 2).")
    assert shown.consent_ids == (1,)


def test_only_the_consented_kinds_are_disclosed() -> None:
    shown = disclosable(REPORT, [consent(kinds=["attendance"])], "coordinator", AS_OF)
    assert isinstance(shown, Disclosure)
    assert shown.fields == {"attendance": "attended 3 of 4"}
    assert shown.kinds == (InfoKind.ATTENDANCE,)


def test_a_recipient_the_consent_does_not_name_gets_nothing() -> None:
    shown = disclosable(REPORT, [consent(recipient_roles=["coordinator"])], "charging_ada",
                        AS_OF)
    assert isinstance(shown, NoConsent)
    assert shown.reason == "no consent names this recipient for this provider"


def test_a_named_organisation_may_receive() -> None:
    c = consent(recipient_roles=[], recipient_org="Defender Association")
    assert isinstance(disclosable(REPORT, [c], "coordinator", AS_OF), NoConsent)
    shown = disclosable(REPORT, [c], "coordinator", AS_OF, recipient_org="Defender Association")
    assert isinstance(shown, Disclosure)


def test_a_consent_covers_only_its_own_provider_and_person() -> None:
    assert isinstance(disclosable(REPORT, [consent(provider_id="prov-b")], "coordinator",
                                  AS_OF), NoConsent)
    assert isinstance(disclosable(REPORT, [consent(person_id="P-2")], "coordinator", AS_OF),
                      NoConsent)


def test_diagnosis_and_clinical_notes_can_never_be_consented() -> None:
    for kind in ("diagnosis", "clinical_notes"):
        with pytest.raises(ConsentInvalid, match=f"kinds: '{kind}' can never be disclosed"):
            consent(kinds=["attendance", kind])
    with pytest.raises(ConsentInvalid, match="'urine_results' is not one of attendance"):
        consent(kinds=["urine_results"])


def test_the_consent_period_is_inclusive_at_both_ends() -> None:
    c = consent(signed_on=date(2026, 7, 1), expires_on=date(2026, 7, 31))
    assert isinstance(disclosable(REPORT, [c], "coordinator", date(2026, 6, 30)), NoConsent)
    assert isinstance(disclosable(REPORT, [c], "coordinator", date(2026, 7, 1)), Disclosure)
    assert isinstance(disclosable(REPORT, [c], "coordinator", date(2026, 7, 31)), Disclosure)
    assert isinstance(disclosable(REPORT, [c], "coordinator", date(2026, 8, 1)), NoConsent)


def test_no_consent_may_outlast_final_disposition() -> None:
    with pytest.raises(ConsentInvalid, match="no later than final disposition"):
        consent(expires_on=date(2027, 1, 1), disposed_on=date(2026, 9, 1))
    c = consent(expires_on=date(2026, 12, 31))  # recorded before the disposition
    disposed = date(2026, 9, 1)
    assert isinstance(disclosable(REPORT, [c], "coordinator", disposed, disposed_on=disposed),
                      Disclosure)
    shown = disclosable(REPORT, [c], "coordinator", date(2026, 9, 2), disposed_on=disposed)
    assert isinstance(shown, NoConsent) and "final disposition" in shown.reason


def test_revocation_stops_disclosure_from_its_date() -> None:
    from dataclasses import replace

    c = replace(consent(), revoked_on=date(2026, 7, 21))  # type: ignore[type-var]
    assert isinstance(disclosable(REPORT, [c], "coordinator", date(2026, 7, 20)), Disclosure)
    assert isinstance(disclosable(REPORT, [c], "coordinator", date(2026, 7, 21)), NoConsent)


def test_a_consent_must_name_a_recipient_and_end_after_it_starts() -> None:
    with pytest.raises(ConsentInvalid, match="recipient_roles: name at least one"):
        consent(recipient_roles=[])
    with pytest.raises(ConsentInvalid, match="recipient_roles: unknown role"):
        consent(recipient_roles=["journalist"])
    with pytest.raises(ConsentInvalid, match="expires_on: 2026-06-01 is before signed_on"):
        consent(expires_on=date(2026, 6, 1))


def test_the_kinds_in_the_rules_file_are_exactly_the_fixed_list() -> None:
    assert set(rules().kinds) == {k.value for k in InfoKind}
    assert not set(rules().kinds) & set(rules().never)
