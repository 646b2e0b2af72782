"""42 CFR Part 2 consent: which engagement information may reach whom, until when.

A provider's engagement report reaches DA staff only while a recorded consent covers it:
the recipient (a role or a named organisation), the kinds of information (a fixed list:
attendance, engagement status, dates; never diagnosis or clinical notes), the period (never
past final disposition), and no revocation. `disclosable` is pure: it returns the report cut
down to the consented kinds with the § 2.32 notice, or NoConsent. The list of kinds and the
notice text are data (consent.yaml). Screening never imports this module (a test checks).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from divert.cases.access import ROLES
from divert.errors import DivertError

RULES_FILE = Path(__file__).with_name("consent.yaml")


class InfoKind(StrEnum):
    ATTENDANCE = "attendance"
    ENGAGEMENT_STATUS = "engagement_status"
    DATES = "dates"


@dataclass(frozen=True, slots=True)
class ConsentRules:
    kinds: Mapping[str, str]
    never: Mapping[str, str]
    notice: str
    no_report: str


@cache
def rules() -> ConsentRules:
    """The fixed list of kinds and the notice text, from consent.yaml (checked against InfoKind)."""
    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    if set(data["kinds"]) != {k.value for k in InfoKind}:
        raise ConsentInvalid(f"{RULES_FILE}: kinds must be exactly {[k.value for k in InfoKind]}")
    return ConsentRules(data["kinds"], data["never"], " ".join(data["notice"].split()),
                        data["no_report"])


class ConsentInvalid(DivertError):
    """A consent that divert must not record as written; the message says which part."""


@dataclass(frozen=True, slots=True)
class Consent:
    """A signed consent, as recorded: who discloses, to whom, what, from when until when."""

    consent_id: int
    person_id: str
    provider_id: str  # the program that discloses
    recipient_roles: frozenset[str]
    recipient_org: str | None
    kinds: frozenset[InfoKind]
    purpose: str
    signed_on: date
    expires_on: date
    revoked_on: date | None = None

    def in_force(self, as_of: date, disposed_on: date | None = None) -> bool:
        """Signed, not expired, not revoked, and the case not finally disposed of, on as_of."""
        end = min(self.expires_on, disposed_on) if disposed_on else self.expires_on
        revoked = self.revoked_on is not None and self.revoked_on <= as_of
        return self.signed_on <= as_of <= end and not revoked


def make_consent(
    *, consent_id: int, person_id: str, provider_id: str, recipient_roles: Iterable[str],
    recipient_org: str | None, kinds: Iterable[str], purpose: str, signed_on: date,
    expires_on: date, disposed_on: date | None = None,
) -> Consent:
    """Check a consent as submitted and build it; each refusal names the field and why."""
    roles = frozenset(recipient_roles)
    unknown_roles = sorted(roles - set(ROLES))
    if unknown_roles:
        raise ConsentInvalid(f"recipient_roles: unknown role(s) {', '.join(unknown_roles)}")
    if not roles and not recipient_org:
        raise ConsentInvalid("recipient_roles: name at least one recipient role or organisation")
    kind_set: set[InfoKind] = set()
    for kind in kinds:
        if kind in rules().never:
            raise ConsentInvalid(f"kinds: {kind!r} can never be disclosed ({rules().never[kind]})")
        if kind not in rules().kinds:
            raise ConsentInvalid(f"kinds: {kind!r} is not one of {', '.join(rules().kinds)}")
        kind_set.add(InfoKind(kind))
    if not kind_set:
        raise ConsentInvalid("kinds: name at least one kind of information")
    if expires_on < signed_on:
        raise ConsentInvalid(f"expires_on: {expires_on} is before signed_on {signed_on}")
    if disposed_on is not None and expires_on > disposed_on:
        raise ConsentInvalid(
            f"expires_on: {expires_on} is after the final disposition on {disposed_on}; "
            "a consent may last no later than final disposition"
        )
    return Consent(consent_id, person_id, provider_id, roles, recipient_org,
                   frozenset(kind_set), purpose, signed_on, expires_on)


@dataclass(frozen=True, slots=True)
class EngagementReport:
    """What a provider reports about engagement: never diagnosis or clinical notes."""

    report_id: int
    person_id: str
    provider_id: str
    case_id: str
    reported_on: date
    attendance: str | None = None  # e.g. "attended 3 of 4"
    engagement_status: str | None = None  # engaged | not_engaged | completed
    dates: tuple[date, ...] = ()


@dataclass(frozen=True, slots=True)
class Disclosure:
    """The report cut down to what the consents in force allow, with the § 2.32 notice."""

    report_id: int
    case_id: str
    consent_ids: tuple[int, ...]
    kinds: tuple[InfoKind, ...]
    fields: Mapping[str, Any]
    notice: str


@dataclass(frozen=True, slots=True)
class NoConsent:
    """No consent in force covers this report for this recipient: show `text`, not the data."""

    report_id: int
    reason: str
    text: str


def _covers(consent: Consent, report: EngagementReport, role: str, org: str | None) -> bool:
    recipient_ok = role in consent.recipient_roles or (
        org is not None and consent.recipient_org == org)
    return (consent.person_id == report.person_id and consent.provider_id == report.provider_id
            and recipient_ok)


def disclosable(
    report: EngagementReport, consents: Iterable[Consent], recipient_role: str, as_of: date,
    *, recipient_org: str | None = None, disposed_on: date | None = None,
) -> Disclosure | NoConsent:
    """What `recipient_role` may see of `report` on `as_of` under the recorded consents."""
    matching = [c for c in consents if _covers(c, report, recipient_role, recipient_org)]
    in_force = [c for c in matching if c.in_force(as_of, disposed_on)]
    if not in_force:
        reason = ("no consent names this recipient for this provider" if not matching
                  else "every consent naming this recipient has expired, been revoked, "
                       "or ended at final disposition")
        return NoConsent(report.report_id, reason, rules().no_report)
    kinds = tuple(k for k in InfoKind if any(k in c.kinds for c in in_force))
    fields: dict[str, Any] = {}
    if InfoKind.ATTENDANCE in kinds:
        fields["attendance"] = report.attendance
    if InfoKind.ENGAGEMENT_STATUS in kinds:
        fields["engagement_status"] = report.engagement_status
    if InfoKind.DATES in kinds:
        fields["reported_on"] = report.reported_on.isoformat()
        fields["dates"] = [d.isoformat() for d in report.dates]
    return Disclosure(report.report_id, report.case_id,
                      tuple(sorted(c.consent_id for c in in_force)), kinds, fields,
                      rules().notice)
