"""A stored Decision in the words an ADA reads first: why this outcome, unknowns said plainly.

The Decision JSON names facts by path (`charges[0].drug`, `person.open_diversions`); a page
says "the drug of charge 1 (“Int Poss Contr Subst…”)". The reason that decided comes first:
for a case sent to review because a fact is not known, that fact, not a rule that held but
was overridden.
"""

from __future__ import annotations

import re
from typing import Any

_CHARGE = re.compile(r"charges\[(\d+)\]\.(\w+)")
_TRUTH = {"true": "yes", "false": "no", "unknown": "cannot tell"}
_CASE_WORDS = {"case.money_bail": "whether money bail was set",
               "case.held": "whether the person was held in custody",
               "case.age": "the person's age at filing",
               "case.charge_count": "how many charges the case has",
               "case.charge_scope": "whether every charge was published",
               "case.fentanyl_evidence": "whether there is evidence of fentanyl",
               "person.bench_warrants_5y": "how many bench warrants the person had in five "
                                           "years",
               "person.open_pwid_cases": "whether the person has an open PWID case"}


def fact_words(path: str, charges: list[dict[str, Any]]) -> str:
    """One fact path in words."""
    found = _CHARGE.fullmatch(path)
    if found:
        index, name = int(found.group(1)), found.group(2).replace("_", " ")
        written = charges[index]["as_written"] if index < len(charges) else ""
        return f"the {name} of charge {index + 1} (“{written}”)"
    if path in _CASE_WORDS:
        return _CASE_WORDS[path]
    owner, _, name = path.partition(".")
    return f"the {'person' if owner == 'person' else owner}'s {name.replace('_', ' ')}"


def truth_words(truth: str) -> str:
    return _TRUTH.get(truth, truth)


def reason_first(decision: dict[str, Any]) -> str:
    """The one sentence that says why the case came out as it did."""
    outcome = decision["outcome"].replace("_", " ")
    charges = decision.get("charges") or []
    deciding = [r for r in decision["rules"] if r["rule"] in decision["because"]
                and r["truth"] == "true"]
    if decision["outcome"] == "needs_review" and decision.get("unknowns") and not deciding:
        facts = [fact_words(p, charges) for p in decision["unknowns"]]
        listed = facts[0] if len(facts) == 1 else ", ".join(facts[:-1]) + " and " + facts[-1]
        clauses = sorted({r["clause"] for r in decision["rules"] if r["truth"] == "unknown"
                          and r.get("clause")})
        which = ""
        if len(clauses) == 1:
            which = f" (it decides whether clause {clauses[0]} applies)"
        elif clauses:
            which = (f" (they decide whether clauses {', '.join(clauses[:-1])} and "
                     f"{clauses[-1]} apply)")
        return (f"Sent to review because {listed} {'is' if len(facts) == 1 else 'are'} not "
                f"known{which}. Find it out and re-screen, or decide it in the review below.")
    if deciding:
        first = deciding[0]
        return f"{outcome.capitalize()} under clause {first['clause']}: {first['says']}"
    return f"{outcome.capitalize()}: no clause decided this case, so the policy's default applies."


def _spaced(value: Any) -> str:
    return str(value).replace("_", " ")


# One sentence per event kind, from its stored payload; the timeline shows them in order.
_EVENT_WORDS: dict[str, Any] = {
    "PadReferred": lambda p: (f"Police referral (PAD) on {p['contact_date']}, incident "
                              f"{p['incident_id']}, by {p['officer']}"
                              + (f", to provider {p['provider_id']}" if p.get("provider_id")
                                 else "")),
    "CaseFiled": lambda p: f"Case filed on {p['filing_date']}: {'; '.join(p['charges'])}",
    "Screened": lambda p: (f"Screened under {p['policy_id']} v{p['policy_version']}: "
                           f"{_spaced(p['outcome'])}"),
    "DecisionConfirmed": lambda p: "Decision confirmed" + (
        f", waiting for the {_spaced(p['approval'])}'s approval" if p.get("approval") else ""),
    "DecisionOverridden": lambda p: (
        f"Decision overridden to {_spaced(p['outcome'])}: {p['reason']}" + (
            f" (waits for the {_spaced(p['approval'])}'s approval)"
            if p.get("approval") else "")),
    "ReviewApproved": lambda p: "Review approved" + (f": {p['note']}" if p.get("note") else ""),
    "ReviewRefused": lambda p: f"Review refused: {p['reason']}",
    "OfferMade": lambda p: (f"Diversion offered, open until {p['expires_on']}"
                            + (f"; terms: {p['terms']}" if p.get("terms") else "")),
    "OfferAccepted": lambda p: f"Offer accepted on {p['accepted_on']}",
    "OfferDeclined": lambda p: f"Offer declined on {p['declined_on']}",
    "OfferExpired": lambda p: f"Offer expired on {p['expired_on']}, unanswered",
    "ReferredToProvider": lambda p: (f"Referred to provider {p['provider_id']} "
                                     f"(referral {p['referral_id']})"),
    "ConsentRecorded": lambda p: f"Consent {p['consent_id']} recorded (42 CFR Part 2)",
    "ConsentRevoked": lambda p: f"Consent {p['consent_id']} revoked on {p['revoked_on']}",
    "EngagementReported": lambda p: (f"Engagement report {p['report_id']} filed by the "
                                     "provider (shown below only as far as a consent allows)"),
    "DiversionCompleted": lambda p: f"Diversion completed on {p['completed_on']}",
    "ReturnedToProsecution": lambda p: f"Returned to prosecution: {p['reason']}",
    "ChargesWithdrawn": lambda p: (f"Charges withdrawn on {p['withdrawn_on']}"
                                   + (f": {p['reason']}" if p.get("reason") else "")),
    "Disposed": lambda p: f"Disposed on {p['disposed_on']}: {p['disposition']}",
    "ReArrestRecorded": lambda p: f"New case {p['new_case_id']} filed on {p['filing_date']}",
}


def event_words(kind: str, payload: dict[str, Any]) -> str:
    """One stored event as the timeline's sentence (an unknown kind says its name)."""
    say = _EVENT_WORDS.get(kind)
    return say(payload) if say else _spaced(kind)


_SCALAR_CHANGE = re.compile(r"if ([a-z_]+\.[a-z_.]+) were (.+)")
_VALUE_WORDS = {"top_charge_only": "only the top charge published", "all": "every charge published",
                "true": "yes", "false": "no"}


_WHOLE_CHANGES = {("case.charge_scope", "top_charge_only"): "if only the top charge were published",
                  ("case.charge_scope", "all"): "if every charge were published"}
_CHARGE_CHANGE = re.compile(r"if (.+)'s ([a-z_]+) were (.+)")
_CHARGE_FIELDS = {"quantity_grams": ("the stated quantity of", " g"), "drug": ("the drug of", ""),
                  "grade": ("the grade of", ""), "inchoate": ("the inchoate form of", ""),
                  "category": ("the reading of", "")}


def change_words(what: str, outcome: str, vehicle: str | None) -> str:
    """One "what would change this decision" line in words: no fact paths, no ids."""
    found, charge = _SCALAR_CHANGE.fullmatch(what), _CHARGE_CHANGE.fullmatch(what)
    if found and (found.group(1), found.group(2)) in _WHOLE_CHANGES:
        what = _WHOLE_CHANGES[(found.group(1), found.group(2))]
    elif found:
        value = found.group(2)
        what = (f"if {fact_words(found.group(1), [])} were "
                f"{_VALUE_WORDS.get(value, value.replace('_', ' '))}")
    elif charge:
        name, field, value = charge.groups()
        words, unit = _CHARGE_FIELDS.get(field, (f"the {_spaced(field)} of", ""))
        what = f"if {words} {name} were {_VALUE_WORDS.get(value, _spaced(value))}{unit}"
    via = f" via {vehicle}" if vehicle else ""
    return f"{what[0].upper()}{what[1:]}: {_spaced(outcome)}{via}"


def register(env: Any) -> None:
    """Jinja filters for the case page's trace."""
    env.filters["truth_words"] = truth_words
    env.globals["fact_words"] = fact_words
