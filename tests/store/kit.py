"""Small shared values for the store tests: a fixed clock, two actors, one charge."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from divert.cases.access import Actor
from divert.model.case import Charge
from divert.policy.condition import Compare, Op, Quantified, Quantifier
from divert.policy.explain import Decision, Outcome, PolicyRef, RuleResult, Truth
from divert.policy.model import Default, Policy, PolicyVersion, Rule
from divert.store import db, repo
from divert.store.views import CaseView

AT = datetime(2026, 7, 2, 9, 30, tzinfo=UTC)
ADA = Actor("ada.one", "charging_ada", "127.0.0.1")
COORD = Actor("coord.one", "coordinator", "127.0.0.1")
SUP = Actor("sup.one", "supervisor", "127.0.0.1")
POSSESSION = (Charge("Int Poss Contr Subst By Per Not Reg", "35 § 780-113 §§ A16", "M"),)

PROVIDER_A = Actor("prov.a", "provider", "10.0.0.5", provider_id="prov-a")
PROVIDER_B = Actor("prov.b", "provider", "10.0.0.6", provider_id="prov-b")
ADMIN = Actor("admin", "administrator", "127.0.0.1")


def filed(session: Session, case_id: str = "C-1", person_id: str = "P-1",
          on: date = date(2026, 7, 1), incident_id: str | None = None) -> CaseView:
    """File a one-charge possession case by hand."""
    return repo.create_case(session, ADA, case_id=case_id, person_id=person_id,
                            charges=POSSESSION, filing_date=on, incident_id=incident_id, at=AT)


def tiny_policy(effective_from: date = date(2021, 1, 1)) -> Policy:
    """A one-rule policy (possession only → divert, else needs review), in force from 2021."""
    rule = Rule(
        id="possession-only", clause="2.1",
        when=Quantified(Quantifier.EVERY,
                        Compare("charge.category", Op.IS, "simple_possession")),
        when_text="every charge is simple_possession", outcome=Outcome.DIVERT,
        says="Every charge is simple possession.")
    version = PolicyVersion(
        id="test-possession", title="Test", jurisdiction="US-PA-Philadelphia", version=1,
        status="adopted", effective_from=effective_from, effective_to=None,
        applies_by="filing_date", clauses={"2.1": "Possession only is diverted."},
        rules=(rule,), default=Default(Outcome.NEEDS_REVIEW, "No rule decided."),
        sha256="ab" * 32)
    return Policy("test-possession", (version,))


def decision(case_id: str, outcome: Outcome = Outcome.DIVERT) -> Decision:
    """A stored-decision value as an engine would return it."""
    return Decision(
        case_id=case_id, outcome=outcome, because=("possession-only",),
        rules=(RuleResult("possession-only", "2.1", Truth.TRUE, outcome,
                          "Every charge is simple possession.",
                          {"charges[0].category": "simple_possession"}),),
        charges=(), unknowns=(), policy=PolicyRef("test-possession", 1, "ab" * 32,
                                                  date(2021, 1, 1)),
        as_of=date(2026, 7, 1), selected_by="filing_date", engine="inprocess")


def pg_schema_url(base: str, schema: str) -> str:
    url = sa.engine.make_url(db._normalize(base))
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False)
