"""A PAD referral as the officer makes it: the offenses in the officer's words, the contact
count from the store, a screening under the PAD policy, and the hand-off to the provider.

The page and POST /api/pad-referrals both call `refer`, so the two cannot disagree. The
words the officer sees come from the stored Decision (the deciding rules' sentences), never
from a table per rule here: the PAD policy is edited as data and its wording may change.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from divert.cases import checks
from divert.cases.access import Actor
from divert.engines.screening import screen_one
from divert.errors import DivertError
from divert.model.case import Case, Charge, PersonRecord
from divert.policy.explain import Decision
from divert.policy.model import Policy
from divert.service import messages
from divert.service.errors import ApiError
from divert.store import pad, repo, treatment
from divert.store.handles import Session
from divert.store.unit import atomic
from divert.store.views import CaseView, ReferralView

PAD_POLICY_ID = "phl-pad"
DISTRICTS = (1, 39)  # Philadelphia police districts are numbered within this range
ELIGIBLE = "divert"  # the only outcome that lets the officer refer; any other is "not eligible"


class PadOffense(StrEnum):
    """The offenses an officer may choose, as short codes the form and the API send."""

    POSSESSION = "possession"
    BUYING = "buying_from_a_person"
    PARAPHERNALIA = "paraphernalia"
    RETAIL_THEFT = "retail_theft"
    PROSTITUTION = "prostitution"


# What the officer reads on the form, and the catalog wording/citation the normalizer reads
# (checked with `divert catalog show`). Possession with paraphernalia is the common stop.
OFFENSES: dict[PadOffense, tuple[str, Charge]] = {
    PadOffense.POSSESSION: ("Possession of a controlled substance", Charge(
        "Int Poss Contr Subst By Per Not Reg", "35 § 780-113 §§ A16")),
    PadOffense.BUYING: ("Buying from a person", Charge(
        "Purc/Rec Of Cont Substby Unauth Per", "35 § 780-113 §§ A19")),
    PadOffense.PARAPHERNALIA: ("Possession of paraphernalia", Charge(
        "Use/Poss Of Drug Paraph", "35 § 780-113 §§ A32")),
    PadOffense.RETAIL_THEFT: ("Retail theft", Charge("Retail Theft-Take Mdse", "18 § 3929")),
    PadOffense.PROSTITUTION: ("Prostitution", Charge("Prostitution", "18 § 5902 §§ A")),
}

@dataclass(frozen=True, slots=True)
class PadResult:
    """What the officer is told at once, and what the API returns."""

    case: CaseView
    decision: Decision
    eligible: bool
    headline: str  # "Eligible for PAD: …" or "Not eligible for PAD: …"
    reason: str  # the deciding rules' sentences, from the policy file
    pad_contacts: int
    counted_from: tuple[str, ...]
    referral: ReferralView | None


def case_id_for(incident_id: str) -> str:
    """A PAD case is named after its incident, so the officer types one number, not two."""
    return f"PAD-{incident_id}"


def pad_began(policy: Policy) -> date:
    """The first day PAD covers: the first day of the PAD policy's first version (policy
    data, so a lawyer moving the start date moves this check too)."""
    return min(v.effective_from for v in policy.versions)


def charges_for(offenses: Sequence[PadOffense]) -> tuple[Charge, ...]:
    """The catalog charges for the chosen offenses, once each, in the form's order."""
    return tuple(OFFENSES[o][1] for o in PadOffense if o in set(offenses))


def screening_case(view: CaseView, person: PersonRecord, police_district: int | None) -> Case:
    """The pre-charge Case the PAD policy reads: the stop's district decides eligibility
    before PAD was citywide (phl-pad v2)."""
    return dataclasses.replace(view.to_screening_case(person), police_district=police_district)


def reason_of(decision: Mapping[str, Any], policy: Policy) -> str:
    """The deciding rules' sentences from a stored Decision (its JSON); when no rule decided,
    the default sentence of the policy version that screened it."""
    because = set(decision.get("because", ()))
    fired = [str(r["says"]) for r in decision.get("rules", ()) if r.get("rule") in because]
    if fired:
        return " ".join(fired)
    ref = decision.get("policy", {})
    for version in policy.versions:
        if version.version == ref.get("version"):
            return version.default.says
    return messages.PAD_NO_REASON


def headline_of(eligible: bool, reason: str, provider_name: str | None,
                review: bool = False) -> str:
    """The plain words the officer sees first; a review is not a refusal."""
    if review:
        return messages.PAD_ASK_SUPERVISOR.format(reason=reason)
    if not eligible:
        return messages.PAD_NOT_ELIGIBLE.format(reason=reason)
    if provider_name is None:
        return messages.PAD_ELIGIBLE_NO_PROVIDER.format(reason=reason)
    return messages.PAD_ELIGIBLE.format(reason=reason, provider=provider_name)


def refer(
    db: Session, actor: Actor, policy: Policy, *, case_id: str, person_id: str,
    incident_id: str, contact_date: date, offenses: Sequence[PadOffense],
    police_district: int | None, provider_id: str | None, now: datetime,
) -> PadResult:
    """Record the referral, screen it, store the Decision and, if eligible, hand it off.

    One transaction: a refusal anywhere (a repeated incident, an open referral to the same
    provider) writes nothing. A not-eligible referral is stored with its decision but is
    never sent to a provider.
    """
    checks.pad_contact(contact_date, now.date(), pad_began(policy))
    providers = {p.id: p.name for p in treatment.list_providers(db)}
    if provider_id is not None and provider_id not in providers:
        raise ApiError(422, messages.PAD_UNKNOWN_PROVIDER.format(
            provider=provider_id, known=", ".join(sorted(providers)) or "none"),
            loc=("body", "provider_id"))
    with atomic(db):
        counted = tuple(pad.earlier_pad_referrals(db, person_id, contact_date))
        view = repo.record_pad_referral(
            db, actor, case_id=case_id, person_id=person_id, incident_id=incident_id,
            contact_date=contact_date, charges=charges_for(offenses), provider_id=provider_id,
            police_district=police_district, counted_from=counted, at=now)
        person = dataclasses.replace(repo.person_record(db, person_id, view.id),
                                     pad_contacts=len(counted))
        try:
            decision = screen_one(screening_case(view, person, police_district), policy)
        except DivertError as exc:  # no version of the policy in force on the contact date
            raise ApiError(422, str(exc), loc=("body", "contact_date")) from exc
        repo.store_screening(db, actor, view.id, decision, at=now)
        eligible = decision.outcome.value == ELIGIBLE
        referral = None
        if eligible and provider_id is not None:
            referral = treatment.refer_to_provider(db, actor, view.id, provider_id,
                                                   now.date(), at=now)
    reason = reason_of(decision.to_json(), policy)
    name = providers.get(provider_id) if eligible and provider_id is not None else None
    review = decision.outcome.value == "needs_review"
    return PadResult(view, decision, eligible, headline_of(eligible, reason, name, review),
                     reason, len(counted), counted, referral)
